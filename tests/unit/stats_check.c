// SPDX-License-Identifier: GPL-2.0
/*
 * stats_check.c - kdbt.ko's printer of /proc/kdbt/stats (kmod/stats.c,
 * compiled in here as it is into the module) run in userspace, and the
 * table it prints from (KDBT_STATS(), proc/kdbt_abi.h), for
 * tests/unit/stats-table.sh.
 *
 * Usage: stats_check table | show | finish | finish-huge
 *   table   one line per statistic of the table, "name fmt", in its order
 *   show    what kdbt_stats_show() prints when the field of statistic i
 *           holds 1000 * i + 7 (U64, NONE), 100 * i + 5 (PCT, hundredths
 *           of a percent) or "s<i>" (STR)
 *   finish  what it prints after kdbt_stats_finish() of the fields of
 *           show, but indirect calls 1, jumps 2, returns 3, jumptable
 *           misses 1, samples 2 in the cache and 1 in native code
 *   finish-huge  the same with counts past 2^64 / 10000: calls 2^61,
 *           jumps 2^61, returns 2^62, misses 2^61; samples 3e18 in
 *           the cache and 1e18 in native code
 *
 * Owns: the stand-in for the kernel's seq_printf().
 * Must never: print a statistic's name but from the table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "stats.h"

struct seq_file {
	FILE *f;
};

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(m->f, fmt, ap);
	va_end(ap);
}

static const char *const fmt_names[] = {
	[KDBT_STAT_FMT_U64] = "U64",
	[KDBT_STAT_FMT_PCT] = "PCT",
	[KDBT_STAT_FMT_STR] = "STR",
	[KDBT_STAT_FMT_NONE] = "NONE",
};

#define TABLE_LINE(c, name, fmt, ...) \
	printf("%s %s\n", #name, fmt_names[KDBT_STAT_FMT_##fmt]);

static char words[KDBT_STAT_NR][16];

static void fill_U64(u64 *f, unsigned int i)
{
	*f = 1000ULL * i + 7;
}

static void fill_NONE(u64 *f, unsigned int i)
{
	fill_U64(f, i);
}

static void fill_PCT(u64 *f, unsigned int i)
{
	*f = 100ULL * i + 5;
}

static void fill_STR(const char **f, unsigned int i)
{
	snprintf(words[i], sizeof(words[i]), "s%u", i);
	*f = words[i];
}

#define FILL(s, name, fmt, where, ...) \
	fill_##fmt(&(s)->KDBT_STATS_FIELD_##where(name), KDBT_STAT_##name);

int main(int argc, char **argv)
{
	struct seq_file m = { stdout };
	struct kdbt_stats s;

	memset(&s, 0, sizeof(s));
	if (argc == 2 && !strcmp(argv[1], "table")) {
		KDBT_STATS(TABLE_LINE, 0)
	} else if (argc == 2 && !strcmp(argv[1], "show")) {
		KDBT_STATS(FILL, &s)
		kdbt_stats_show(&m, &s);
	} else if (argc == 2 && !strcmp(argv[1], "finish")) {
		KDBT_STATS(FILL, &s)
		s.t.indirect_calls = 1;
		s.t.indirect_jumps = 2;
		s.t.returns = 3;
		s.t.jumptable_misses = 1;
		s.samples_cache = 2;
		s.samples_native = 1;
		kdbt_stats_finish(&s);
		kdbt_stats_show(&m, &s);
	} else if (argc == 2 && !strcmp(argv[1], "finish-huge")) {
		KDBT_STATS(FILL, &s)
		s.t.indirect_calls = 1ULL << 61;
		s.t.indirect_jumps = 1ULL << 61;
		s.t.returns = 1ULL << 62;
		s.t.jumptable_misses = 1ULL << 61;
		s.samples_cache = 3000000000000000000ULL;
		s.samples_native = 1000000000000000000ULL;
		kdbt_stats_finish(&s);
		kdbt_stats_show(&m, &s);
	} else {
		fprintf(stderr, "usage: stats_check table|show|finish|finish-huge\n");
		return 2;
	}
	return fflush(stdout) ? 1 : 0;
}
