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
 * Each CPU also keeps its last KDBT_NATIVE_RING native samples, the
 * interrupted instruction and up to three callers (the kernel's
 * unwinder, as kdbt_pull_frames() uses it), for /proc/kdbt/native:
 * coverage below 100% says how much runs natively, these say where.
 * A timer callback in kdbt itself would not do: called from translated
 * hrtimer code, its native return would take the rest of every timer
 * interrupt out of the cache.
 *
 * Owns: the per-CPU sample counts and native samples (each CPU writes
 * its own with interrupts off: exact, but for a reset, see
 * kdbt_coverage_reset(); a reader on another CPU may copy a native sample
 * half rewritten, see kdbt_coverage_native()).
 * Must never: take a lock (hard interrupt context, interrupts off).
 */
#include <linux/percpu.h>
#include <linux/string.h>
#include <asm/ptrace.h>
#include <asm/unwind.h>
#include "engine.h"

enum where { IN_CACHE, IN_NATIVE, IN_KEPT_NATIVE, IN_OTHER, IN_USER, NWHERE };

struct samples {
	u64 n[NWHERE];
	struct kdbt_native_sample native[KDBT_NATIVE_RING];
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

/*
 * Where @regs was: its ip, then the return addresses of its callers,
 * newest first, as far as the unwinder finds them (the rest 0).
 */
static void notrace where_native(struct pt_regs *regs,
				  struct kdbt_native_sample *ns)
{
	struct unwind_state st;
	unsigned int i = 0;
	u64 ip;

	memset(ns, 0, sizeof(*ns));
	ns->at[i++] = regs->ip;
	kdbt_traces_raw(true);		/* (no waiting for the lock here) */
	unwind_start(&st, current, regs, NULL);
	if (!unwind_done(&st))
		unwind_next_frame(&st);		/* past regs->ip */
	for (; i < KDBT_NATIVE_DEPTH && !unwind_done(&st);
	     unwind_next_frame(&st)) {
		if (st.error || st.regs)
			break;
		ip = unwind_get_return_address(&st);
		if (!ip)
			break;
		ns->at[i++] = ip;
	}
	kdbt_traces_raw(false);
}

void notrace kdbt_coverage_sample(struct pt_regs *regs)
{
	enum where w = classify(regs);
	struct samples *s = this_cpu_ptr(&samples);
	struct kdbt_native_sample ns;

	if (w == IN_NATIVE) {
		where_native(regs, &ns);
		s->native[s->n[w] % KDBT_NATIVE_RING] = ns;
	}
	s->n[w]++;
}

/*
 * Zero the counts (at on, and on reset).  Approximate across a reset
 * while on: a CPU that takes a sample while this one zeroes its counts
 * (the increment reads, adds and writes back) can write back its count
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

/**
 * kdbt_coverage_native() - copy every CPU's last native samples (since
 * the last reset), oldest CPU first.  A sample that its CPU rewrites
 * meanwhile may come out mixed from two; good enough for saying where
 * code runs natively.
 * @out: room for nr_cpu_ids * KDBT_NATIVE_RING samples.
 *
 * Return: the number copied.
 */
u32 kdbt_coverage_native(struct kdbt_native_sample *out)
{
	u32 n = 0, k, kept;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct samples *s = per_cpu_ptr(&samples, cpu);

		kept = min_t(u64, READ_ONCE(s->n[IN_NATIVE]), KDBT_NATIVE_RING);
		for (k = 0; k < kept; k++)
			out[n++] = s->native[k];
	}
	return n;
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
