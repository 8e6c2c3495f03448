// SPDX-License-Identifier: GPL-2.0
/*
 * coverage.c - how much of the kernel actually runs from the cache: every
 * local APIC timer interrupt that enters through the cache samples where
 * it found its CPU (entries.c calls kdbt_coverage_sample() on the way
 * back, before the interrupted context is pulled into the cache).
 *
 * A kernel-mode sample lands in the cache, in native kernel text that
 * kdbt translates (not covered), in native text that stays native by
 * design (entry text, thunks: counted apart), or elsewhere (module text,
 * BPF, ...).  coverage = cache / (cache + native translatable).
 * A timer callback in kdbt itself would not do: called from translated
 * hrtimer code, its native return would take the rest of every timer
 * interrupt out of the cache.
 *
 * Owns: the per-CPU sample counts (each CPU counts its own samples with
 * interrupts off: exact, but for a reset, see kdbt_coverage_reset()).
 * Must never: take a lock (hard interrupt context, interrupts off).
 */
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/ptrace.h>
#include "engine.h"

enum where { IN_CACHE, IN_NATIVE, IN_KEPT_NATIVE, IN_OTHER, IN_USER, NWHERE };

struct samples {
	u64 n[NWHERE];
};

static DEFINE_PER_CPU(struct samples, samples);

static enum where classify(struct pt_regs *regs)
{
	u64 ip = regs->ip;

	if (user_mode(regs))
		return IN_USER;
	if (kdbt_in_cache(ip))
		return IN_CACHE;
	if (kdbt_may_translate(ip))
		return IN_NATIVE;
	if (kdbt_in_core_text(ip))
		return IN_KEPT_NATIVE;
	return IN_OTHER;
}

void notrace kdbt_coverage_sample(struct pt_regs *regs)
{
	this_cpu_inc(samples.n[classify(regs)]);
}

/*
 * Zero the counts (at on, and on reset).  Approximate across a reset
 * while on: a CPU that takes a sample while this one zeroes its counts
 * (this_cpu_inc() reads, adds and writes back) can write back its count
 * from before the reset, plus one.  Good enough: the samples are a
 * sample, coverage a ratio of them, and the reset and that CPU's timer
 * interrupt must meet within one instruction; at on the entries are not
 * installed yet, so hardly any CPU samples.
 */
void kdbt_coverage_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&samples, cpu), 0, sizeof(struct samples));
}

void kdbt_coverage_stats(struct kdbt_stats *st)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct samples *s = per_cpu_ptr(&samples, cpu);

		st->samples_cache += READ_ONCE(s->n[IN_CACHE]);
		st->samples_native += READ_ONCE(s->n[IN_NATIVE]);
		st->samples_entry_and_thunks +=
			READ_ONCE(s->n[IN_KEPT_NATIVE]);
		st->samples_other_kernel += READ_ONCE(s->n[IN_OTHER]);
		st->samples_user += READ_ONCE(s->n[IN_USER]);
	}
}
