// SPDX-License-Identifier: GPL-2.0
/*
 * stacks.c - take every cache address off every kernel stack, so that the
 * cache can be emptied or freed (fast-mode switchoff, flush, unload).
 *
 * In fast mode a translated call pushes the cache address of its return
 * site; in both modes a task sleeping in a translated interrupt or
 * exception handler (a page fault) has the post stub (entries.c) as the
 * handler's return address.  With every CPU stopped (stop_machine()),
 * each task's stack is scanned: a return site becomes the native return
 * address it stands for (the instruction after the call), a post stub
 * the native stub's return address, and the exact start of a translated
 * instruction (a pt_regs->ip saved by an interrupt) that instruction's
 * native address.  A cache address that is none of these, in the live
 * part of a stack and at the head of an interrupt frame (a task
 * interrupted inside a sequence kdbt inserted), makes the attempt fail;
 * the caller retries a little later - unless the kernel's unwinder,
 * walking that task's stack once its return addresses are native again,
 * reaches its end without meeting the frame: then it is an old one,
 * left in a local a deeper call never overwrote (PREEMPT_RT preempts
 * inside sequences often, and a thread that sleeps for good would keep
 * the cache forever).  Other unmappable words are stale values in frames
 * and are left alone.
 *
 * The other way, at a fast-mode on (kdbt_stacks_into_cache()): every
 * return address that the kernel's unwinder finds in a sleeping task's
 * frames (ORC: exact, no guessing at stack words) and that kdbt may
 * translate becomes the entry of the translation of its return site (a
 * pt_regs->ip is left alone: see pull_frames()).  So tasks asleep since
 * before on return into the cache, not out of it (in fast mode a
 * translated ret is a plain ret), and the off above maps each entry back
 * (a block's entry stands for its first native instruction).  Children
 * forked while on get the same for their first return, to ret_from_fork
 * (a probe on sched_process_fork, before the child can run).
 *
 * Owns: the fork probe, registered while the mode is fast.
 * Must never: rewrite a word outside a task's stack, or a word of a
 * stack that a CPU may be using (stop_machine(), or a child not yet
 * started), or move a word into the cache once translation is detached.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <asm/switch_to.h>
#include <asm/unwind.h>
#include "core/block.h"
#include "engine.h"

struct scan {
	u64 rewritten, unmappable;
	struct task_struct *(*idle_task)(int cpu);
	struct kdbt_stack_culprit *culprit;	/* the last task in the way */
	atomic_t arrived;		/* CPUs inside rewrite_all() */
	bool done;			/* the one scan has ended */
};

/*
 * Which task each stopped CPU runs rewrite_all() in, and where its stack
 * pointer was when it entered: the words above it are its callers'
 * frames, frozen until it returns; those below, the frames it is
 * running in.
 */
static DEFINE_PER_CPU(struct task_struct *, stopped_task);
static DEFINE_PER_CPU(unsigned long, stopped_sp);

/**
 * kdbt_stacks_native_for() - the native address that cache word @w on a
 * stack stands for, exactly (what off writes back), or 0: a return site,
 * a block entry, a post stub, the start of a translated instruction.
 * Lock held, or every CPU stopped, or (traces.c) between a read of
 * kdbt_eng.cache_gen and its check.
 */
u64 kdbt_stacks_native_for(u64 w)
{
	const struct kdbt_tr *tr = &kdbt_eng.tr;
	const struct kdbt_block *b = kdbt_block_at_cache(tr, w);
	const struct kdbt_map *m;
	u64 entry;
	u32 i;

	if (!b)
		return kdbt_entries_native_for(w);	/* a post stub */
	entry = kdbt_block_entry(tr, b);
	if (b->ret_site && w == entry + b->ret_site)
		return b->native + b->native_len;	/* after the call */
	if (w == entry)
		return b->native;			/* before the counter */
	if (!kdbt_block_maps_fit(tr, b))
		return 0;
	m = &tr->mem.maps[b->map];
	for (i = 0; i < b->ninsns; i++)
		if (w == entry + m[i].cache_off)
			return b->native + m[i].native_off;
	return 0;
}

/*
 * Whether @p looks like the start of an interrupt frame (pt_regs->ip
 * onwards: ip, kernel cs, flags, sp above it, ss).  Other cache words
 * that map to nothing are stale values in frames - locals never written
 * since a deeper call returned - and harmless.
 */
static bool is_iret_frame(const unsigned long *p, const unsigned long *hi)
{
	return p + 5 <= hi && p[1] == __KERNEL_CS &&
	       (p[2] & X86_EFLAGS_FIXED) && p[3] > (unsigned long)p &&
	       p[3] <= (unsigned long)hi;
}

/*
 * Whether the unwinder walks sleeping task @t's stack to its end (user
 * mode, or a kernel thread's first frame) without a guess.  An interrupt
 * frame whose ip is in the cache stops it with an error (no ORC data
 * there), and so does anything else it cannot follow (BPF, a trampoline).
 */
static bool unwinds_whole(struct task_struct *t)
{
	struct unwind_state st;

	for (unwind_start(&st, t, NULL, NULL); !unwind_done(&st);
	     unwind_next_frame(&st)) {
		if (st.error)
			return false;
		if (st.regs && user_mode(st.regs))
			return true;
	}
	return !st.error;
}

static void note_culprit(struct scan *s, struct task_struct *t, u64 w)
{
	const struct kdbt_block *b = kdbt_block_at_cache(&kdbt_eng.tr, w);

	s->culprit->pid = task_pid_nr(t);
	get_task_comm(s->culprit->comm, t);
	s->culprit->native = b ? b->native : 0;
	s->culprit->cache_off = w - (u64)kdbt_cache;
}

/*
 * One task: the live part of a sleeping task's stack starts at its saved
 * stack pointer, and below it everything is scanned too (only what maps
 * is rewritten: stale words).  A task on a CPU is scanned whole and
 * trusted only for what it maps - unless it is a stopper inside
 * rewrite_all(): then only its callers' frames, above where it entered,
 * are scanned; the words below are the frames that CPU runs in, which a
 * read-then-write could clobber (a return address it pushed since, made
 * the native twin of the stale word read there: CI once saw a stopper
 * "return" into psi_group_change() with another function's %rbx).  (The
 * other tasks on a CPU are the idle tasks of offline CPUs, which run
 * nothing.)  Unmappable interrupt frames count only if the unwinder, run
 * over the stack as rewritten, cannot prove them old (see the top of
 * the file).
 */
static void scan_task(struct task_struct *t, struct scan *s)
{
	unsigned long *lo = task_stack_page(t), *p;
	unsigned long *hi = lo + THREAD_SIZE / sizeof(*lo);
	bool running = READ_ONCE(t->on_cpu);
	unsigned long *live = running ? hi : (unsigned long *)t->thread.sp;
	u64 frames = 0, last = 0;

	if (!lo)
		return;
	if (running && per_cpu(stopped_task, task_cpu(t)) == t) {
		p = (unsigned long *)per_cpu(stopped_sp, task_cpu(t));
		if (WARN_ON_ONCE(p < lo || p > hi))
			return;
		lo = p;
	}
	for (p = lo; p < hi; p++) {
		u64 w = READ_ONCE(*p), n;

		if (!kdbt_in_cache(w))
			continue;
		n = kdbt_stacks_native_for(w);
		if (n) {
			WRITE_ONCE(*p, n);
			s->rewritten++;
		} else if (p >= live && is_iret_frame(p, hi)) {
			frames++;
			last = w;
		}
	}
	if (!frames)
		return;
	if (unwinds_whole(t))
		return;			/* old frames: they do not count */
	s->unmappable += frames;
	note_culprit(s, t, last);
}

static void scan_all(struct scan *s)
{
	struct task_struct *p, *t;
	int cpu;

	rcu_read_lock();
	for_each_process_thread(p, t)
		scan_task(t, s);
	rcu_read_unlock();
	for_each_possible_cpu(cpu) {
		t = s->idle_task(cpu);
		if (t)		/* none for a CPU never brought up */
			scan_task(t, s);
	}
}

/*
 * Run by every online CPU, interrupts off (stop_machine()).  Each notes
 * where its stack pointer is; the first online CPU, once all have,
 * scans every stack alone while the others wait here, below the frames
 * it may rewrite.  (Until 2026-12-07 every CPU scanned every stack at
 * once, each through the others' running frames.)
 */
static int rewrite_all(void *data)
{
	struct scan *s = data;

	this_cpu_write(stopped_task, current);
	this_cpu_write(stopped_sp, current_stack_pointer);
	/* release: the scanner reads stopped_sp after it sees the count */
	atomic_inc_return_release(&s->arrived);
	if (smp_processor_id() != cpumask_first(cpu_online_mask)) {
		/* acquire: the scan's writes are done before this returns */
		smp_cond_load_acquire(&s->done, VAL);
		return 0;
	}
	/* acquire: pairs with each CPU's release above */
	atomic_cond_read_acquire(&s->arrived, VAL >= num_online_cpus());
	scan_all(s);
	/* release: pairs with the waiters' acquire */
	smp_store_release(&s->done, true);
	return s->unmappable ? -EBUSY : 0;
}

/**
 * kdbt_rewrite_stacks() - replace every cache return address on every
 * kernel stack by its native one (translation detached, lock not held).
 * @rewritten: receives the number of words rewritten.
 * @culprit: on -EBUSY, a task in the way and where.
 *
 * Return: 0; -EBUSY if some task was stopped where its cache address has
 * no native equivalent (retry later); -ENOENT without idle_task().
 */
int kdbt_rewrite_stacks(u64 *rewritten, struct kdbt_stack_culprit *culprit)
{
	struct scan s = {
		.idle_task = kdbt_ksym_fn("idle_task"),
		.culprit = culprit,
		.arrived = ATOMIC_INIT(0),
	};
	int err;

	if (!s.idle_task)
		return -ENOENT;
	err = stop_machine(rewrite_all, &s, cpu_online_mask);
	*rewritten = s.rewritten;
	return err;
}

/* ------------------------------------------------------------------ */
/* Fast-mode on: native return addresses into the cache                 */
/* ------------------------------------------------------------------ */

struct pull {
	u64 pulled;
	struct task_struct *(*idle_task)(int cpu);
};

/* The block entry to put in place of native @ip, or 0 (lock held). */
static u64 entry_for(u64 ip)
{
	struct kdbt_block *b;

	if (!kdbt_may_translate(ip) || kdbt_poke_in_the_way(ip) ||
	    kdbt_translate(&kdbt_eng.tr, ip, &b))
		return 0;
	return kdbt_block_entry(&kdbt_eng.tr, b);
}

/*
 * Where the unwinder read a call frame's return address: the word below
 * the caller's stack pointer (unwind_get_return_address_ptr(), which is
 * not exported).
 */
static unsigned long *ret_slot(struct unwind_state *st)
{
	return st->sp ? (unsigned long *)st->sp - 1 : NULL;
}

/*
 * The return addresses in the frames from @st's on, newest first, up to
 * user mode or the first frame the unwinder can only guess at (no ORC
 * for its ip: the cache, BPF).  Lock held.
 *
 * Never the ip of an interrupt or exception frame: the handler that
 * frame belongs to is still running (the pull interrupted it, or the
 * task sleeps in it) and reads regs->ip again - a page fault for its
 * exception-table fixup, a BUG/WARN trap for its bug table - so it must
 * find the address it trapped at, not the entry of a block that starts
 * there (the soak caught a uaccess fault in copy_user_enhanced_fast_string
 * that found no fixup at such an entry and oopsed).
 */
static u64 pull_frames(struct unwind_state *st)
{
	unsigned long *slot;
	u64 ip, entry, n = 0;

	for (; !unwind_done(st); unwind_next_frame(st)) {
		if (st->error || (st->regs && user_mode(st->regs)))
			break;
		if (st->regs)
			continue;
		ip = unwind_get_return_address(st);
		slot = ret_slot(st);
		/* a hooked return (kretprobe, graph tracer) stays as it is */
		if (!ip || !slot || READ_ONCE(*slot) != ip)
			continue;
		entry = entry_for(ip);
		if (entry) {
			WRITE_ONCE(*slot, entry);
			n++;
		}
	}
	return n;
}

/* One sleeping task's frames. */
static void pull_task(struct task_struct *t, struct pull *p)
{
	struct unwind_state st;

	/* (nothing exits meanwhile: every CPU is stopped) */
	if (READ_ONCE(t->on_cpu) || t->exit_state || !task_stack_page(t))
		return;
	unwind_start(&st, t, NULL, NULL);
	p->pulled += pull_frames(&st);
}

/**
 * kdbt_pull_frames() - fast mode, on the way back from an interrupt that
 * found its CPU in native kernel code (entries.c, lock held): the return
 * addresses of the interrupted context's callers, older than the cache
 * (a kernel thread started natively, a task that returned out of the
 * cache), become entries of translations, so that it stays in the cache
 * when it returns.  @regs->ip is the caller's business.
 * @regs: the interrupted context, on the current task's stacks.
 *
 * Return: the number of return addresses rewritten.
 */
u64 kdbt_pull_frames(struct pt_regs *regs)
{
	struct unwind_state st;

	unwind_start(&st, current, regs, NULL);
	if (!unwind_done(&st))
		unwind_next_frame(&st);		/* past regs->ip */
	return pull_frames(&st);
}

static int pull_all(void *data)
{
	struct pull *p = data;
	struct task_struct *g, *t;
	unsigned long flags;
	int cpu;

	flags = kdbt_lock();
	rcu_read_lock();
	for_each_process_thread(g, t)
		pull_task(t, p);
	rcu_read_unlock();
	for_each_online_cpu(cpu) {
		t = p->idle_task(cpu);
		if (t)
			pull_task(t, p);
	}
	kdbt_unlock(flags);
	return 0;
}

/**
 * kdbt_stacks_into_cache() - at a fast-mode on (entries installed, lock
 * not held): every native return address in a sleeping task's frames
 * that kdbt may translate becomes the entry of its translation.
 * @pulled: receives the number of words rewritten.
 *
 * Return: 0, or -ENOENT without idle_task().
 */
int kdbt_stacks_into_cache(u64 *pulled)
{
	struct pull p = {
		.idle_task = kdbt_ksym_fn("idle_task"),
	};
	int err;

	if (!p.idle_task)
		return -ENOENT;
	err = stop_machine(pull_all, &p, cpu_online_mask);
	*pulled = p.pulled;
	return err;
}

/* ------------------------------------------------------------------ */
/* Fast mode: children forked while on start in the cache              */
/* ------------------------------------------------------------------ */

static struct tracepoint *fork_tp;
static u64 fork_pulls;

/*
 * sched_process_fork, before the child can first run: its switch frame
 * returns to ret_from_fork, which in fast mode would run the child's
 * first steps (schedule_tail, finish_task_switch, the return to user
 * mode or the thread function) natively until an interrupt pulled it.
 * In fast mode it returns into ret_from_fork's translation instead.  The
 * lock orders this against the detach at off, after which the stack
 * rewrite finds the entry on the child's stack and maps it back.
 */
static void fork_into_cache(void *data, struct task_struct *parent,
			    struct task_struct *child)
{
	struct inactive_task_frame *f = (void *)child->thread.sp;
	unsigned long flags;
	u64 ip, entry;

	if (!READ_ONCE(kdbt_eng.on))	/* (hooked only in fast mode) */
		return;
	ip = READ_ONCE(f->ret_addr);
	flags = kdbt_lock();
	if (kdbt_eng.on && !kdbt_eng.tr.detached && !kdbt_in_cache(ip)) {
		entry = entry_for(ip);
		if (entry) {
			WRITE_ONCE(f->ret_addr, entry);
			fork_pulls++;
		}
	}
	kdbt_unlock(flags);
}

static void find_fork_tp(struct tracepoint *tp, void *unused)
{
	if (!strcmp(tp->name, "sched_process_fork"))
		fork_tp = tp;
}

static bool fork_hooked;

/**
 * kdbt_fork_probe() - hook fork in fast mode only (control held, at a
 * mode change and at unload).  In transparent mode the probe - kdbt's
 * own code, native, called from translated code - would send the rest
 * of every fork out of the cache: a translated call pushes the native
 * return address there.
 * @fast: hook (fast mode), else unhook.
 */
void kdbt_fork_probe(bool fast)
{
	if (fast == fork_hooked)
		return;
	if (fast) {
		if (tracepoint_probe_register(fork_tp, fork_into_cache, NULL)) {
			pr_warn("cannot hook fork: children forked while on start natively\n");
			return;
		}
	} else {
		tracepoint_probe_unregister(fork_tp, fork_into_cache, NULL);
		tracepoint_synchronize_unregister();
	}
	fork_hooked = fast;
}

/**
 * kdbt_stacks_init() - find the fork tracepoint (at load).
 *
 * Return: 0, or -ENOENT.
 */
int kdbt_stacks_init(void)
{
	for_each_kernel_tracepoint(find_fork_tp, NULL);
	return fork_tp ? 0 : -ENOENT;
}

void kdbt_stacks_exit(void)
{
	kdbt_fork_probe(false);
}

void kdbt_stacks_stats(struct kdbt_stats *s)
{
	s->fork_pulls = READ_ONCE(fork_pulls);
	s->stack_pulls += s->fork_pulls;
}
