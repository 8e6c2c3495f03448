/* SPDX-License-Identifier: GPL-2.0 */
/*
 * utr.h - a userspace environment for the translator core: memory, the
 * callbacks, and running translated functions (tests and benchmarks).
 *
 * Owns: one translator instance over static memory and an executable
 * cache mapped below 2 GiB (so rel32 and disp32 reach this non-PIE binary),
 * written through a second mapping that is read-only but for what the
 * core opened (kdbt_cache_open()) since it last returned (utr_seal()).
 * Must never: translate the trampoline or glue it calls through (those
 * addresses stay native, so a transparent-mode ret leaves the cache).
 */
#ifndef UTR_H
#define UTR_H

#include "core.h"

extern struct kdbt_tr utr;

int utr_setup(enum kdbt_mode mode, bool counters);
void utr_counter_form(bool direct);
void utr_derive_counts(bool on);
void utr_ibt(bool on);
void utr_slots(bool on);
int utr_set_cpu(int cpu);
unsigned long long utr_counter(int cpu, u32 id);
s32 utr_counter_disp(u32 id);
long utr_run(long (*fn)(long), long arg, int *err);
unsigned long long utr_insns(void);
unsigned long long utr_block_count(u32 id);
void utr_zero_counters(void);
unsigned int utr_shadow_mismatches(unsigned int *sentinels);
unsigned long long utr_site_misses(void);
void utr_allow_code(void *p, size_t len);
void utr_seal(void);
long utr_cache_writable(void);

#endif /* UTR_H */
