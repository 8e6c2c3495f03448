/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the module's figures for /proc/kdbt/stats: struct kdbt_totals
 * and struct kdbt_stats, one field per statistic of KDBT_STATS()
 * (proc/kdbt_abi.h), and their printer (stats.c).
 *
 * Owns: the structures the *_stats() fillers of the kernel glue write and
 * stats.c prints; which structure holds a statistic is the table's
 * "where" column.
 * Must never: declare a statistic by hand (add a line to KDBT_STATS()),
 * or pull in more than stats.c needs: it is compiled into the unit test
 * of the printer (tests/unit/stats_check.c) as well as into kdbt.ko.
 */
#ifndef KDBT_STATS_H
#define KDBT_STATS_H

#include "core/kdbt_env.h"
#include "kdbt_abi.h"

#ifdef __KERNEL__
#include <linux/seq_file.h>
#else
struct seq_file;
__attribute__((format(printf, 2, 3)))
void seq_printf(struct seq_file *m, const char *fmt, ...);
#endif

/* The C type of each fmt: PCT is in hundredths of a percent. */
#define KDBT_STAT_TYPE_U64	u64
#define KDBT_STAT_TYPE_PCT	u64
#define KDBT_STAT_TYPE_NONE	u64
#define KDBT_STAT_TYPE_STR	const char *

/* The field of a statistic in struct kdbt_stats, by its "where". */
#define KDBT_STATS_FIELD_T(name)	t.name
#define KDBT_STATS_FIELD_S(name)	name

/* Declare a statistic in struct kdbt_totals (T) or struct kdbt_stats (S). */
#define __KDBT_TOTALS_FIELD(c, name, fmt, where, ...) \
	__KDBT_IN_TOTALS_##where(fmt, name)
#define __KDBT_IN_TOTALS_T(fmt, name)	KDBT_STAT_TYPE_##fmt name;
#define __KDBT_IN_TOTALS_S(fmt, name)
#define __KDBT_STATS_FIELD(c, name, fmt, where, ...) \
	__KDBT_IN_STATS_##where(fmt, name)
#define __KDBT_IN_STATS_T(fmt, name)
#define __KDBT_IN_STATS_S(fmt, name)	KDBT_STAT_TYPE_##fmt name;

/*
 * The profile's totals since the last reset, flushed blocks included, and
 * the reset and flush counts, all of one epoch (profile.c); also what
 * profile.c sums the blocks of a function or a flushed cache into.
 */
struct kdbt_totals {
	KDBT_STATS(__KDBT_TOTALS_FIELD, 0)
};

/*
 * Every statistic, as the *_stats() fillers leave it (kdbt_engine_stats()
 * calls them all, then kdbt_stats_finish()).
 */
struct kdbt_stats {
	struct kdbt_totals t;
	KDBT_STATS(__KDBT_STATS_FIELD, 0)
};

/* stats.c */
void kdbt_stats_finish(struct kdbt_stats *s);
u64 kdbt_stats_u64(const struct kdbt_stats *s, enum kdbt_stat i);
void kdbt_stats_show(struct seq_file *m, const struct kdbt_stats *s);

#endif /* KDBT_STATS_H */
