// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - /proc/kdbt/stats from struct kdbt_stats: one line per
 * statistic of KDBT_STATS() (proc/kdbt_abi.h), in the table's order, as
 * "name value" (man kdbt(4)).
 *
 * Freestanding like the translator core: kdbt.ko prints through its
 * seq_file (procfs.c), the unit test tests/unit/stats_check.c through a
 * seq_printf() of its own, so the lines the test checks are the lines the
 * module prints.
 *
 * Owns: the format of each line (by the table's fmt column), and the
 * figures that follow from others when they are read: indirect branches,
 * jumptable hits and hit rate, coverage; the ABI version and release.
 * Must never: print a line that is not in KDBT_STATS(), or read anything
 * but the struct kdbt_stats it is given.
 */
#include "stats.h"

/* Where each statistic is in struct kdbt_stats, and how it is shown. */
struct stat_line {
	const char *name;
	enum kdbt_stat_fmt fmt;
	unsigned short off;
};

#define STAT_LINE(c, name, fmt, where, ...)				\
	[KDBT_STAT_##name] = { #name, KDBT_STAT_FMT_##fmt,		\
		__builtin_offsetof(struct kdbt_stats,			\
				   KDBT_STATS_FIELD_##where(name)) },
static const struct stat_line lines[KDBT_STAT_NR] = {
	KDBT_STATS(STAT_LINE, 0)
};
#undef STAT_LINE

/*
 * @num / @den in hundredths of a percent, at most 100%; 0 when @den is 0.
 * Past 2^64 / 10000 (1.8e15: a day of branches on a big machine) both
 * are halved until @num * 10000 fits: @den >= @num stays, and the four
 * digits shown lose nothing.
 */
static u64 percent(u64 num, u64 den)
{
	if (!den)
		return 0;
	if (num > den)
		num = den;
	while (num > ~0ULL / 10000) {
		num >>= 1;
		den >>= 1;
	}
	return num * 10000 / den;
}

/**
 * kdbt_stats_finish() - fill in the statistics that follow from the others
 * and the constants.
 * @s: every other statistic filled in (kdbt_engine_stats()).
 */
void kdbt_stats_finish(struct kdbt_stats *s)
{
	const struct kdbt_totals *t = &s->t;

	s->version = KDBT_ABI_VERSION;
	s->release = KDBT_RELEASE;
	s->indirect_branches = t->indirect_calls + t->indirect_jumps +
			       t->returns;
	s->jumptable_hits = s->indirect_branches > t->jumptable_misses ?
			    s->indirect_branches - t->jumptable_misses : 0;
	s->jumptable_hit_rate = percent(s->jumptable_hits,
					s->indirect_branches);
	s->coverage = percent(s->samples_cache,
			      s->samples_cache + s->samples_native);
}

/**
 * kdbt_stats_u64() - a statistic that is a number.
 * @s: the statistics.
 * @i: one whose fmt is not STR.
 *
 * Return: its value (a PCT in hundredths of a percent).
 */
u64 kdbt_stats_u64(const struct kdbt_stats *s, enum kdbt_stat i)
{
	return *(const u64 *)((const char *)s + lines[i].off);
}

static void show_line(struct seq_file *m, const struct kdbt_stats *s,
		      enum kdbt_stat i)
{
	const struct stat_line *l = &lines[i];
	unsigned long long v;

	if (l->fmt == KDBT_STAT_FMT_NONE)
		return;
	if (l->fmt == KDBT_STAT_FMT_STR) {
		seq_printf(m, "%s %s\n", l->name,
			   *(const char *const *)((const char *)s + l->off));
		return;
	}
	v = kdbt_stats_u64(s, i);
	if (l->fmt == KDBT_STAT_FMT_PCT)
		seq_printf(m, "%s %llu.%02llu\n", l->name, v / 100, v % 100);
	else
		seq_printf(m, "%s %llu\n", l->name, v);
}

/**
 * kdbt_stats_show() - /proc/kdbt/stats.
 * @m: where the lines go.
 * @s: the statistics, finished (kdbt_stats_finish()).
 */
void kdbt_stats_show(struct seq_file *m, const struct kdbt_stats *s)
{
	unsigned int i;

	for (i = 0; i < KDBT_STAT_NR; i++)
		show_line(m, s, i);
}
