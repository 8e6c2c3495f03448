/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt.h - declarations shared by the kernel-side glue of kdbt.ko.
 *
 * Owns: the interfaces between main.c, ksyms.c, selftest.c, engine.c and
 * procfs.c.
 * Must never: be included by the freestanding translator core.
 */
#ifndef KDBT_H
#define KDBT_H

#include <linux/types.h>

#define KDBT_PR_PREFIX "kdbt: "

/* ksyms.c: kernel symbols the module needs but the kernel does not export. */
struct kdbt_ksyms {
	unsigned long (*lookup_name)(const char *name);
	int (*lookup_size_offset)(unsigned long addr, unsigned long *size,
				  unsigned long *offset);
};

extern struct kdbt_ksyms kdbt_ksyms;

int kdbt_ksyms_init(void);

/* selftest.c: prove the decoder works on live kernel text. */
int kdbt_selftest_decode(const char *name);

/* engine.c: the translator in the kernel, on/off. */
struct kdbt_stats {
	bool on, mode_fast;
	u64 blocks, cache_used, cache_total, dispatches, exits, sites;
	u64 native_stubs, extable_entries, extable_full, flushes, ons, offs;
	u64 resets, cache_full, stack_rewrites;
	u64 instructions, block_execs, indirect, jt_misses, refused;
	u64 vectors, vectors_native, pulls, reentries;
	u64 text_pokes, invalidated, pokes_missed, cpu_installs;
	/* timer-interrupt samples of kernel mode, by where they landed */
	u64 samples_cache, samples_native, samples_kept_native;
	u64 samples_other, samples_user;
};

int kdbt_engine_init(void);
void kdbt_engine_exit(void);
int kdbt_on(void);
int kdbt_off(void);
void kdbt_reset(void);
int kdbt_mode_set(bool fast);
void kdbt_engine_stats(struct kdbt_stats *s);

/* procfs.c: /proc/kdbt. */
int kdbt_procfs_init(void);
void kdbt_procfs_exit(void);

#endif /* KDBT_H */
