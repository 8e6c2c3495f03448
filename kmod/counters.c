// SPDX-License-Identifier: GPL-2.0
/*
 * counters.c - the memory of the block counters (one u64 per block per
 * CPU) and how translated code reaches it.
 *
 * Direct form (the default): CPU c's counters lie at c's %gs base plus
 * fixed displacements, so a block counts itself with one `incq
 * %gs:disp32` and needs no register.  Block ids are cut into windows of
 * 1 << shift ids.  Each window is one physically contiguous allocation in
 * the direct map, laid out like the per-CPU first chunk: CPU c's slice
 * sits at (c's %gs base - the lowest %gs base) from its start, so the
 * window's displacement is its address minus the lowest %gs base, the
 * same for every CPU.  It needs the %gs bases at least a slice apart,
 * the whole span in one buddy allocation, and every window within 2 GiB
 * of the per-CPU area.
 *
 * Pointer form (direct_counters=0, or when the direct form cannot be
 * laid out): one vmalloc array per CPU reached through the per-CPU
 * pointer kdbt_pcpu_counters: `mov %gs:ptr,%r; incq 8*id(%r)`.
 *
 * Readers sum a block's counter over the possible CPUs listed once at
 * allocation (kdbt_counter_sum()), not with for_each_possible_cpu():
 * its out-of-line _find_next_bit(), called once per block of a
 * /proc/kdbt read, ran natively from kdbt's own code often enough to
 * show in the coverage samples as translatable code left native.
 *
 * Owns: counter memory, kdbt_pcpu_counters, the list of possible CPUs.
 * Must never: free counter memory that translated code may still reach
 * (the engine quiesces first); hand the translator a displacement that
 * is not a sign-extended disp32, or a window a CPU's slice overruns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/msr.h>
#include "compat.h"
#include "engine.h"

#define KDBT_WINDOWS_MAX	64
#define KDBT_COUNTER_BYTES	(KDBT_BLOCKS * sizeof(u64))

static bool direct_counters = true;
module_param(direct_counters, bool, 0400);
MODULE_PARM_DESC(direct_counters,
		 "count with one incq %gs:disp32 per block (default 1; 0: through a per-CPU pointer)");

/*
 * Pointer form: this CPU's counter array, so translated code does
 * `mov %gs:kdbt_pcpu_counters,%r; incq 8*id(%r)`.  CPUs never share a
 * counter (exact under SMP, no cache line bouncing); readers sum over
 * CPUs (profile.c).
 */
DEFINE_PER_CPU(u64 *, kdbt_pcpu_counters);

static struct {
	int *cpus;			/* the possible CPUs, for readers */
	unsigned int ncpus;
	bool direct;
	unsigned long lo;		/* lowest %gs base of a possible CPU */
	u32 shift;			/* log2(ids per window) */
	u32 nwin;
	unsigned int order;		/* of each window's allocation */
	struct page *win[KDBT_WINDOWS_MAX];
	s32 disp[KDBT_WINDOWS_MAX];
} ctr;

/* %gs base of @cpu: where %gs:0 points when it runs the kernel. */
static unsigned long gs_base_of(int cpu)
{
	return per_cpu_offset(cpu);
}

/* Does this CPU's MSR_GS_BASE agree with gs_base_of()? */
static bool gs_base_checked(void)
{
	unsigned long msr;
	bool same;

	preempt_disable();
	rdmsrl(MSR_GS_BASE, msr);
	same = msr == gs_base_of(smp_processor_id());
	preempt_enable();
	return same;
}

/*
 * Bytes of counters each CPU gets in a window: the smallest distance
 * between two CPUs' %gs bases, as a power of two, at most all counters.
 * Sets ctr.lo; 0 if the bases do not allow the direct form.
 */
static unsigned long slice_bytes(unsigned long *span)
{
	unsigned long gap = KDBT_COUNTER_BYTES, hi = 0;
	int a, b;

	ctr.lo = ULONG_MAX;
	if (num_possible_cpus() > 64)
		return 0;
	for_each_possible_cpu(a) {
		ctr.lo = min(ctr.lo, gs_base_of(a));
		hi = max(hi, gs_base_of(a));
		for_each_possible_cpu(b)
			if (gs_base_of(b) > gs_base_of(a))
				gap = min(gap, gs_base_of(b) - gs_base_of(a));
	}
	gap = rounddown_pow_of_two(gap);
	*span = hi - ctr.lo + gap;
	return gap;
}

/* Allocate window @w and work out its displacement; false if unusable. */
static bool window_alloc(u32 w, unsigned long slice)
{
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
				     ctr.order);
	long d;

	if (!p)
		return false;
	ctr.win[w] = p;
	d = (long)page_address(p) - (long)ctr.lo;
	if (d < S32_MIN || d > (long)S32_MAX + 1 - (long)slice)
		return false;
	ctr.disp[w] = (s32)d;
	return true;
}

static void windows_free(void)
{
	u32 w;

	for (w = 0; w < KDBT_WINDOWS_MAX; w++) {
		if (ctr.win[w])
			__free_pages(ctr.win[w], ctr.order);
		ctr.win[w] = NULL;
	}
	ctr.direct = false;
}

/* The direct form; false (nothing kept) if it cannot be laid out. */
static bool windows_alloc(void)
{
	unsigned long span, slice = slice_bytes(&span);
	u32 w;

	if (!slice || slice < KDBT_COUNTER_BYTES / KDBT_WINDOWS_MAX ||
	    get_order(span) >= KDBT_PAGE_ORDERS || !gs_base_checked())
		return false;
	ctr.order = get_order(span);
	ctr.shift = ilog2(slice / sizeof(u64));
	ctr.nwin = KDBT_COUNTER_BYTES / slice;
	for (w = 0; w < ctr.nwin; w++) {
		if (!window_alloc(w, slice)) {
			windows_free();
			return false;
		}
	}
	ctr.direct = true;
	pr_info("counters: direct, %lu KiB per CPU in each of %u windows\n",
		slice >> 10, ctr.nwin);
	return true;
}

static int pointers_alloc(void)
{
	int cpu;

	/* %gs:disp32 must reach the per-CPU pointer (module per-CPU data). */
	if ((long)(s32)(unsigned long)&kdbt_pcpu_counters !=
	    (long)(unsigned long)&kdbt_pcpu_counters)
		return -ERANGE;
	for_each_possible_cpu(cpu) {
		u64 *c = vzalloc_node(KDBT_COUNTER_BYTES, cpu_to_node(cpu));

		if (!c)
			return -ENOMEM;
		per_cpu(kdbt_pcpu_counters, cpu) = c;
	}
	return 0;
}

static void pointers_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		vfree(per_cpu(kdbt_pcpu_counters, cpu));
		per_cpu(kdbt_pcpu_counters, cpu) = NULL;
	}
}

/**
 * kdbt_counters_alloc() - zeroed counters for every block on every
 * possible CPU, in the direct form if allowed and possible.
 *
 * Return: 0 or -errno (the pointer form could not be allocated either).
 */
int kdbt_counters_alloc(void)
{
	int cpu;

	ctr.cpus = kcalloc(num_possible_cpus(), sizeof(*ctr.cpus), GFP_KERNEL);
	if (!ctr.cpus)
		return -ENOMEM;
	ctr.ncpus = 0;
	for_each_possible_cpu(cpu)
		ctr.cpus[ctr.ncpus++] = cpu;
	if (direct_counters && windows_alloc())
		return 0;
	if (direct_counters)
		pr_info("counters: through a per-CPU pointer (the direct form does not fit)\n");
	return pointers_alloc();
}

/* Free the counters; nothing may reach them any more. */
void kdbt_counters_free(void)
{
	windows_free();
	pointers_free();
	kfree(ctr.cpus);
	ctr.cpus = NULL;
	ctr.ncpus = 0;
}

/**
 * kdbt_counters_config() - tell the translator how to reach the counters
 * (and, in the direct form, to count no sentinels).
 * @cfg: its configuration, @cfg->shadow_addr already set.
 */
void kdbt_counters_config(struct kdbt_config *cfg)
{
	cfg->counters_gs = (u32)(unsigned long)&kdbt_pcpu_counters;
	if (!ctr.direct)
		return;
	cfg->counters_windows = ctr.disp;
	cfg->counters_window_shift = ctr.shift;
	/*
	 * Nothing can lose a direct count: no sentinels, whose shared
	 * locked increments would only bounce cache lines between CPUs
	 * (lost_estimate is then 0).
	 */
	cfg->shadow_addr = 0;
}

/* True if blocks count with one incq %gs:disp32. */
bool kdbt_counters_direct(void)
{
	return ctr.direct;
}

/**
 * kdbt_counter_sum() - block @id's counter summed over the possible CPUs
 * (racy reads of counters other CPUs may be incrementing: each is a
 * single aligned load, so the sum is at worst a few counts behind).
 * @id: a block id below KDBT_BLOCKS.
 *
 * Return: the sum.
 */
u64 kdbt_counter_sum(u32 id)
{
	u64 c = 0;
	unsigned int i;

	for (i = 0; i < ctr.ncpus; i++)
		c += READ_ONCE(*kdbt_counter_ptr(ctr.cpus[i], id));
	return c;
}

/**
 * kdbt_counter_sums() - kdbt_counter_sum() of every block in [@from,
 * @to), into @out[@from..@to): a CPU's counters are contiguous within a
 * window (the pointer form: in all), so this adds arrays, a few
 * instructions a block and CPU, where kdbt_counter_sum() finds each
 * counter's address anew.
 * @out: receives the sums.
 * @from: the first block id.
 * @to: past the last one, at most KDBT_BLOCKS.
 */
void kdbt_counter_sums(u64 *out, u32 from, u32 to)
{
	u32 chunk = ctr.direct ? 1u << ctr.shift : KDBT_BLOCKS;
	unsigned int i;
	u32 id, end, k;

	BUILD_BUG_ON_NOT_POWER_OF_2(KDBT_BLOCKS);	/* for round_down() */
	for (i = 0; i < ctr.ncpus; i++) {
		for (id = from; id < to; id = end) {
			const u64 *c = kdbt_counter_ptr(ctr.cpus[i], id);

			end = min(to, round_down(id, chunk) + chunk);
			for (k = 0; k < end - id; k++)
				out[id + k] = (i ? out[id + k] : 0) +
					      READ_ONCE(c[k]);
		}
	}
}

/*
 * Compare @n sums at @sum (a CPU's counters, or their sums) with @last
 * from block @id on; update, mark.
 */
static void note_changes(u64 *last, u32 id, const u64 *sum, u32 n,
			 unsigned long *mark)
{
	u32 k;
	u64 v;

	for (k = 0; k < n; k++) {
		v = READ_ONCE(sum[k]);
		if (v != last[id + k]) {
			last[id + k] = v;
			__set_bit(id + k, mark);
		}
	}
}

/**
 * kdbt_counter_changes() - which blocks in [@from, @to) counted since
 * @last was taken: each whose kdbt_counter_sum() differs from its entry
 * in @last gets that entry updated and its bit set in @mark.  One CPU
 * compares its counters in place; several sum a few at a time first.  A
 * refresh of /proc/kdbt/changes pays a comparison for a block that did
 * not run.
 * @last: the sums as last taken, by block id.
 * @from: the first block id.
 * @to: past the last one, at most KDBT_BLOCKS.
 * @mark: a bitmap by block id.
 */
void kdbt_counter_changes(u64 *last, u32 from, u32 to, unsigned long *mark)
{
	u32 chunk = ctr.direct ? 1u << ctr.shift : KDBT_BLOCKS;
	u64 sum[64];
	unsigned int i;
	u32 id, end, k;

	for (id = from; id < to; id = end) {
		end = min(to, round_down(id, chunk) + chunk);
		if (ctr.ncpus == 1) {
			note_changes(last, id,
				     kdbt_counter_ptr(ctr.cpus[0], id),
				     end - id, mark);
			continue;
		}
		end = min(end, id + (u32)ARRAY_SIZE(sum));
		memset(sum, 0, sizeof(sum));
		for (i = 0; i < ctr.ncpus; i++) {
			const u64 *c = kdbt_counter_ptr(ctr.cpus[i], id);

			for (k = 0; k < end - id; k++)
				sum[k] += READ_ONCE(c[k]);
		}
		note_changes(last, id, sum, end - id, mark);
	}
}

/**
 * kdbt_counter_ptr() - block @id's counter on @cpu.
 * @cpu: a possible CPU.
 * @id: a block id below KDBT_BLOCKS.
 *
 * Return: the address translated code increments on @cpu.
 */
u64 *kdbt_counter_ptr(int cpu, u32 id)
{
	u8 *w;

	if (!ctr.direct)
		return &per_cpu(kdbt_pcpu_counters, cpu)[id];
	w = page_address(ctr.win[id >> ctr.shift]);
	return (u64 *)(w + (gs_base_of(cpu) - ctr.lo)) +
	       (id & ((1u << ctr.shift) - 1));
}
