/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt.h - declarations shared by the kernel-side glue of kdbt.ko.
 *
 * Owns: the interfaces between main.c, ksyms.c, selftest.c, engine.c,
 * control.c and procfs.c (the statistics' structures are in stats.h).
 * Must never: be included by the freestanding translator core.
 */
#ifndef KDBT_H
#define KDBT_H

#include <linux/types.h>
#include "stats.h"

struct cred;

#define KDBT_PR_PREFIX "kdbt: "

/*
 * ksyms.c: kernel symbols the module needs but the kernel does not export.
 * Kernel functions are called only through their veneers (kdbt_ksym_fn(),
 * these pointers too); kdbt_ksym_addr() is for data and comparisons.
 */
struct kdbt_ksyms {
	int (*lookup_size_offset)(unsigned long addr, unsigned long *size,
				  unsigned long *offset);
	const char *(*lookup)(unsigned long addr, unsigned long *size,
			      unsigned long *offset, char **modname,
			      char *namebuf);
	bool (*show_value)(const struct cred *cred);	/* kptr_restrict */
};

extern struct kdbt_ksyms kdbt_ksyms;

int kdbt_ksyms_init(void);
void *kdbt_ksym_fn(const char *name);
unsigned long kdbt_ksym_addr(const char *name);

/* selftest.c: prove the decoder works on live kernel text. */
int kdbt_selftest_decode(const char *name);

/*
 * coverage.c: a timer interrupt that found its CPU running translatable
 * kernel code natively: the instruction, then up to three callers'
 * return addresses (0 where the unwinder found none).
 */
#define KDBT_NATIVE_RING	32	/* native samples kept per CPU */
#define KDBT_NATIVE_DEPTH	4

struct kdbt_native_sample {
	u64 at[KDBT_NATIVE_DEPTH];
};

u32 kdbt_coverage_native(struct kdbt_native_sample *out);

/* profile.c: what the counters mean, since the last reset. */
struct kdbt_func_sum {
	u64 start;
	u32 size, blocks;
	u64 instructions, executions, indirect, misses;
	u64 calls;		/* executions of the block at its start */
};

/*
 * What one reader of /proc/kdbt/changes was last sent of each block
 * (kdbt_profile_snapshot()): blocks [1, n) with their executions and
 * misses << 1 | invalid, in the cache generation of @flushes.
 */
struct kdbt_snap_seen {
	u64 *execs, *misses;
	u32 *changed;		/* scratch: the ids a read sends */
	u32 n, cap;
	u64 flushes;
	bool fast;		/* the blocks sent were made in fast mode */
	struct kdbt_totals sums;	/* of the blocks as sent (no retired) */
	/*
	 * What the blocks' own counters and the sites' misses were at the
	 * last read (raw_valid: a read completed since they were taken, with
	 * @resets resets and @invalidated blocks invalidated then), so that
	 * the next read compares counters, not blocks.
	 */
	u64 *raw, *site_misses;
	unsigned long *mark;	/* scratch: a bit per block id, all 0 */
	u32 nsites, sites_cap;
	u64 resets, invalidated;
	bool raw_valid;
	/* KDBT_SNAP_SHORT: the reader wrote "short" (under its mutex) */
	bool short_form;
};

struct kdbt_snap_block;
int kdbt_profile_init(void);
void kdbt_profile_exit(void);
unsigned int kdbt_profile_begin(void);
bool kdbt_profile_changed(unsigned int seq);
u32 kdbt_profile_nblocks(void);
u32 kdbt_profile_nfuncs(void);
void kdbt_profile_totals(struct kdbt_totals *t);
void kdbt_profile_block(u32 id, struct kdbt_snap_block *r, bool hide);
void kdbt_profile_func(u32 f, struct kdbt_func_sum *s);
u32 kdbt_profile_flags(bool hide);
ssize_t kdbt_profile_snapshot(void **buf, size_t *cap, bool hide,
			      struct kdbt_snap_seen *seen);
void kdbt_snap_seen_free(struct kdbt_snap_seen *seen);
u64 kdbt_lost_estimate(const struct kdbt_totals *t);

/* engine.c: the translator in the kernel (the service). */
bool kdbt_ibt_enforced(void);
u64 kdbt_engine_on_ns(void);
void kdbt_engine_stats(struct kdbt_stats *s);
void kdbt_engine_stats_with(struct kdbt_stats *s, const struct kdbt_totals *t);

/* control.c: load and unload of the engine, on/off, mode, reset. */
int kdbt_engine_init(void);
void kdbt_engine_exit(void);
int kdbt_on(void);
int kdbt_off(void);
int kdbt_reset(void);
int kdbt_mode_set(bool fast);
int kdbt_counters_set(bool on);

/* procfs.c: /proc/kdbt. */
int kdbt_procfs_init(void);
void kdbt_procfs_exit(void);

#endif /* KDBT_H */
