// SPDX-License-Identifier: GPL-2.0
/*
 * traces.c - the kernel's own stack traces name native code while the
 * cache holds return addresses (issue 29; docs/STACK-TRACES.md, parts U
 * and P).
 *
 * A fast-mode translated call pushes the cache address of its return
 * site, a fast-mode on puts block entries in place of sleeping tasks'
 * return addresses (stacks.c), and in both modes a translated handler
 * returns to its post stub (entries.c).  The kernel's unwinder finds no
 * ORC data at such an address and stops there, and the printers show
 * kdbt_cache+0x... .  So while kdbt may have put one on a stack (from
 * the first on to unload), ftrace entry callbacks map them:
 *   unwind_next_frame(), unwind_get_return_address(): the state's ip, if
 *	it is a return address and one of those kinds, becomes the native
 *	return address it stands for, before the function reads it - the
 *	rest of the walk is then the kernel's own ORC walk, since at a
 *	native return address a translated frame is laid out as the native
 *	one; a signal frame's interrupted ip in the cache (sysrq-l's and
 *	perf's walks from an interrupt, a task preempted in translated
 *	code) becomes, with the state's sp, the native state that context
 *	stands for (kdbt_native_state(), part R);
 *   perf_callchain_kernel(), perf_instruction_pointer(): the registers
 *	of a sample taken in translated code become a per-CPU copy with
 *	that native state, so the sample's ip and callchain are native;
 *   sprint_backtrace(), sprint_backtrace_build_id(), sprint_symbol(),
 *	sprint_symbol_build_id(): the address to print (%pB, %pBb, %pS:
 *	/proc/PID/stack, the lines of an oops, WARN or sysrq-l backtrace,
 *	the RIP: line of a register dump), likewise.
 * What the walk follows is mapped exactly (kdbt_stacks_native_for(),
 * what off writes back, and kdbt_native_state()): any other cache
 * address is left as it was, and the walk stops there as it always did -
 * a trace may be cut short, never made up.  Only what is printed and not
 * followed - a
 * "? " word, an interrupted ip - falls back to the native instruction
 * its cache address is part of (kdbt_cache_to_native()); a stale word
 * older than the last refill may name the wrong one; an indirect
 * entry's names the block it leads to.
 *
 * The callbacks run natively (ftrace's callers stay native, engine.c),
 * in any context, NMI included.  An address takes no lock: the tables
 * it is looked up in only grow between flushes, each entry stored
 * before the count that covers it, and a flush moves kdbt_eng.cache_gen
 * (odd while it runs), so a lookup that saw it move is dropped - a
 * seqcount's protocol (until 2026-12-07 each took kdbt_eng.lock, and a
 * CPU that could not have it in time - its holder's vCPU descheduled by
 * a busy host - left its frame raw).  An interrupted context's native
 * state (kdbt_native_state(), which reads exits and the jumptable too)
 * takes the lock with kdbt_lock_briefly(), never waiting more than
 * LOCK_WAIT_NS, and maps nothing if it cannot have it.  Neither maps on
 * a CPU inside the dispatcher or holding the lock (its tables may be
 * half written there), so walks made under the lock - the pulls of
 * stacks.c - stay raw, as they must: they rewrite the native addresses
 * they find.  So does the coverage sampler's (kdbt_traces_raw()): it
 * runs in every timer interrupt that finds native code.
 *
 * Owns: the four ftrace_ops (perf's two optional), registered at the
 * first on and kept until unload (transparent mode's off leaves cache
 * addresses on stacks until a quiesce; a registration per on would poke
 * text per cycle).
 * Must never: write a pt_regs or a stack word (only the unwind state, the
 * argument to print, or a perf function's argument, pointed at a copy);
 * wait for a lock without a bound; give the unwinder an address it cannot
 * map exactly.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <asm/unwind.h>
#include "kdbt.h"
#include "engine.h"

/*
 * How long native_state_of() waits for kdbt_eng.lock: a translation or
 * two, and on a virtual machine the holder's vCPU being descheduled by
 * its host for a time slice (1 ms in an interrupt lost about one perf
 * sample's frame in a hundred when CI ran two guests on two cores); in
 * an interrupt or NMI (a perf sample's callchain, a remote backtrace)
 * the same: it waits only where the lock is busy, and a walk is no hot
 * path.
 */
#define LOCK_WAIT_NS		(10 * NSEC_PER_MSEC)

/*
 * A CPU whose walk must stay raw counts itself here (kdbt_traces_raw()):
 * the coverage sampler's, in every timer interrupt that finds native
 * code, may not wait for the lock.
 */
static DEFINE_PER_CPU(int, raw_walk);

static struct {
	bool registered;		/* control mutex */
	unsigned long ret_from_fork;	/* where a forked task starts */
	u64 mapped;			/* addresses mapped (racy count) */
	u64 signal_mapped;		/* of them interrupted contexts */
	bool perf;			/* the perf ops registered */
} tr_hooks;

/* Whether this CPU's walks are raw: see the top of the file. */
static bool notrace walk_is_raw(void)
{
	return this_cpu_read(raw_walk) || kdbt_in_dispatch();
}

/*
 * The flush generation a lock-free lookup starts in: odd means a flush
 * runs, and nothing read now may be trusted.
 */
static u32 notrace gen_begin(void)
{
	u32 gen = READ_ONCE(kdbt_eng.cache_gen);

	smp_rmb();	/* pairs with flush_locked()'s smp_wmb()s */
	return gen;
}

/* Whether what was read since gen_begin() returned @gen stands. */
static bool notrace gen_stands(u32 gen)
{
	smp_rmb();	/* the lookup's reads before the second read */
	return !(gen & 1) && READ_ONCE(kdbt_eng.cache_gen) == gen;
}

/*
 * The native address that cache address @w stands for, or 0 (not in the
 * cache, or a flush ran meanwhile): with @exact, only a return address
 * that off would write back (kdbt_stacks_native_for()); else also the
 * native instruction whose translation @w points into.  Lock-free.
 */
static u64 notrace native_of(u64 w, bool exact)
{
	u64 native;
	u32 gen;

	if (!kdbt_in_cache(w) || walk_is_raw())
		return 0;
	gen = gen_begin();
	native = kdbt_stacks_native_for(w);
	if (!native && !exact)
		native = kdbt_cache_to_native(&kdbt_eng.tr, w) ?:
			 kdbt_entries_stub_native(w);
	if (!native || !gen_stands(gen))
		return 0;
	tr_hooks.mapped++;
	return native;
}

static int notrace read_stack_word(void *ctx, u64 addr, u64 *val)
{
	return copy_from_kernel_nofault(val, (const void *)(unsigned long)addr,
					sizeof(*val)) ? -EFAULT : 0;
}

/*
 * Whether interrupted context @in runs kdbt's code: the cache, or the
 * first instruction of the kernel's %rcx retpoline with %rcx in the
 * cache or at the dispatcher, where kdbt's probe leaves through it
 * (kdbt_native_state()).
 */
static bool notrace in_kdbt_code(const struct kdbt_regs_in *in)
{
	const struct kdbt_config *cfg = &kdbt_eng.tr.cfg;

	return kdbt_in_cache(in->ip) ||
	       (in->ip == cfg->indirect_thunk[1] && in->cx_dx_known &&
		(kdbt_in_cache(in->cx) || in->cx == cfg->dispatch_indirect));
}

/*
 * The native state of the interrupted context @in, if it runs kdbt's
 * code and the lock can be had: kdbt_native_state() under kdbt_eng.lock,
 * counted.
 */
static bool notrace native_state_of(const struct kdbt_regs_in *in,
				    u64 *native, u64 *sp)
{
	unsigned long flags;
	bool ok;

	if (!in_kdbt_code(in) || walk_is_raw() ||
	    !kdbt_lock_briefly(&flags, LOCK_WAIT_NS))
		return false;
	ok = kdbt_native_state(&kdbt_eng.tr, in, native, sp);
	kdbt_unlock(flags);
	if (ok) {
		tr_hooks.mapped++;
		tr_hooks.signal_mapped++;
	}
	return ok;
}

/*
 * A signal frame's state whose ip is in the cache - a translated
 * instruction interrupted, maybe inside a sequence kdbt inserted - gets
 * the native instruction and %rsp that context stands for
 * (kdbt_native_state(): exact, or no answer and the walk stops there as
 * before).  %rcx and %rdx come from a full register frame; an iret frame
 * alone (a partial one) has none, and some contexts then have no answer.
 */
static void notrace map_signal_frame(struct unwind_state *st)
{
	struct kdbt_regs_in in = {
		.ip = st->ip, .sp = st->sp, .read_word = read_stack_word,
	};
	u64 native, sp;

	if (st->regs && st->full_regs) {
		in.cx = st->regs->cx;
		in.dx = st->regs->dx;
		in.cx_dx_known = true;
	}
	if (!native_state_of(&in, &native, &sp))
		return;
	st->ip = native;
	st->sp = sp;
}

/*
 * perf_callchain_kernel(entry, regs) and perf_instruction_pointer(regs):
 * a sample taken in translated code.  The registers they are given
 * become a copy with the native ip and sp that context stands for, so
 * that the sample's ip, the callchain's first entry and the walk from
 * there are native (the walk would be mapped anyway; the ip is stored
 * raw).  A ring of copies per CPU: an NMI's sample may nest in an
 * interrupt's, and both stay in use until their callers return.
 */
#define REGS_RING	8
static DEFINE_PER_CPU(struct pt_regs [REGS_RING], regs_ring);
static DEFINE_PER_CPU(unsigned int, regs_next);

static struct pt_regs *notrace native_regs(struct pt_regs *regs)
{
	struct kdbt_regs_in in = {
		.ip = regs->ip, .sp = regs->sp, .cx = regs->cx,
		.dx = regs->dx, .cx_dx_known = true,
		.read_word = read_stack_word,
	};
	struct pt_regs *copy;
	u64 native, sp;

	if (user_mode(regs) || !native_state_of(&in, &native, &sp))
		return NULL;
	copy = this_cpu_ptr(regs_ring) +
	       this_cpu_inc_return(regs_next) % REGS_RING;
	*copy = *regs;
	copy->ip = native;
	copy->sp = sp;
	return copy;
}

/* A perf function's ops, and which argument register holds its pt_regs. */
struct sample_hook {
	struct ftrace_ops ops;
	size_t arg;		/* offsetof(struct pt_regs, that register) */
};

/*
 * perf_callchain_kernel(entry, regs), perf_instruction_pointer(regs):
 * their pt_regs argument points at its native copy, if it needs one.
 */
static void notrace on_sample(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	const struct sample_hook *h = container_of(op, struct sample_hook, ops);
	struct pt_regs *regs = ftrace_get_regs(fregs), *native;
	unsigned long *arg;

	if (!regs)
		return;
	arg = (unsigned long *)((char *)regs + h->arg);
	if (!*arg)
		return;
	native = native_regs((struct pt_regs *)*arg);
	if (native)
		*arg = (unsigned long)native;
}

/*
 * unwind_next_frame(state), unwind_get_return_address(state): a return
 * address of a call frame, or a signal frame's interrupted ip.  A forked
 * task's first frame is a signal one (__unwind_start()): redone once it
 * is native.
 */
static void notrace on_unwind(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);
	struct unwind_state *st;
	u64 native;

	if (!regs)
		return;
	st = (struct unwind_state *)regs->di;
	if (!st || st->error)
		return;
	if (st->signal) {
		map_signal_frame(st);
		return;
	}
	native = native_of(st->ip, true);
	if (!native)
		return;
	st->ip = native;
	if (native == tr_hooks.ret_from_fork)
		st->signal = true;
}

/*
 * sprint_backtrace{,_build_id}(buffer, address): a return address to
 * print (%pB), exactly; and any other cache address, a stale word shown
 * with "? " or an instruction printed with %pS (sprint_symbol{,_build_id}:
 * the RIP: line of a register dump), as the native instruction its
 * translation is part of.
 */
static void notrace on_print(unsigned long ip, unsigned long parent_ip,
			     struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);
	u64 native;

	if (!regs)
		return;
	native = native_of(regs->si, false);
	if (native)
		regs->si = native;
}

static struct ftrace_ops unwind_ops = {
	.func = on_unwind,
	.flags = FTRACE_OPS_FL_SAVE_REGS,
};

static struct ftrace_ops print_ops = {
	.func = on_print,
	.flags = FTRACE_OPS_FL_SAVE_REGS,
};

static struct sample_hook callchain_hook = {
	.ops = { .func = on_sample, .flags = FTRACE_OPS_FL_SAVE_REGS },
	.arg = offsetof(struct pt_regs, si),
};

static struct sample_hook sample_ip_hook = {
	.ops = { .func = on_sample, .flags = FTRACE_OPS_FL_SAVE_REGS },
	.arg = offsetof(struct pt_regs, di),
};

/* Trace each function of @names (those the kernel has) with @ops. */
static int filter_names(struct ftrace_ops *ops, const char *const *names,
			unsigned int n)
{
	unsigned int i, found = 0;
	unsigned long addr;
	int err;

	for (i = 0; i < n; i++) {
		addr = kdbt_ksym_addr(names[i]);
		if (!addr)
			continue;
		err = ftrace_set_filter_ip(ops, addr, 0, 0);
		if (err)
			return err;
		found++;
	}
	return found ? 0 : -ENOENT;
}

static int register_one(struct ftrace_ops *ops, const char *const *names,
			unsigned int n)
{
	int err = filter_names(ops, names, n);

	if (!err)
		err = register_ftrace_function(ops);
	if (err)
		ftrace_free_filter(ops);
	return err;
}

static void unregister_one(struct ftrace_ops *ops)
{
	unregister_ftrace_function(ops);
	ftrace_free_filter(ops);
}

static const char *const unwind_names[] = {
	"unwind_next_frame", "unwind_get_return_address",
};
static const char *const print_names[] = {
	"sprint_backtrace", "sprint_backtrace_build_id",
	"sprint_symbol", "sprint_symbol_build_id",
};
static const char *const callchain_names[] = { "perf_callchain_kernel" };
static const char *const sample_ip_names[] = { "perf_instruction_pointer" };

/**
 * kdbt_traces_start() - at on (control held): from the first on to
 * unload the kernel's stack traces map kdbt's return addresses.  A
 * failure (ftrace off, say) costs the traces, not translation: logged
 * once, retried at the next on.
 */
void kdbt_traces_start(void)
{
	int err;

	lockdep_assert_held(&kdbt_eng.control);
	if (tr_hooks.registered)
		return;
	tr_hooks.ret_from_fork = kdbt_ksym_addr("ret_from_fork_asm") ?:
				 kdbt_ksym_addr("ret_from_fork");
	err = register_one(&unwind_ops, unwind_names,
			   ARRAY_SIZE(unwind_names));
	if (err) {
		pr_warn_once("stack traces will show cache addresses: cannot trace the unwinder (%d)\n",
			     err);
		return;
	}
	err = register_one(&print_ops, print_names, ARRAY_SIZE(print_names));
	if (err) {
		unregister_one(&unwind_ops);
		pr_warn_once("stack traces will show cache addresses: cannot trace the printers (%d)\n",
			     err);
		return;
	}
	tr_hooks.registered = true;
	err = register_one(&callchain_hook.ops, callchain_names, 1);
	if (!err) {
		err = register_one(&sample_ip_hook.ops, sample_ip_names, 1);
		if (err)
			unregister_one(&callchain_hook.ops);
	}
	if (err)
		pr_warn_once("perf samples in translated code will show cache addresses: cannot trace perf's callchain (%d)\n",
			     err);
	tr_hooks.perf = !err;
}

/**
 * kdbt_traces_stop() - at unload, once no stack holds a cache address
 * (control held): the callbacks go, and unregister_ftrace_function()
 * waits until none runs any more.
 */
void kdbt_traces_stop(void)
{
	lockdep_assert_held(&kdbt_eng.control);
	if (!tr_hooks.registered)
		return;
	if (tr_hooks.perf) {
		unregister_one(&sample_ip_hook.ops);
		unregister_one(&callchain_hook.ops);
	}
	tr_hooks.perf = false;
	unregister_one(&print_ops);
	unregister_one(&unwind_ops);
	tr_hooks.registered = false;
}

/**
 * kdbt_traces_raw() - from @raw on until it is called with false again,
 * this CPU's stack walks are not mapped (interrupts off, or a nesting
 * interrupt's walk would be raw too).
 * @raw: whether the walks to come are raw.
 */
void notrace kdbt_traces_raw(bool raw)
{
	if (raw)
		this_cpu_inc(raw_walk);
	else
		this_cpu_dec(raw_walk);
}

/**
 * kdbt_traces_mapped() - whether the kernel's stack traces map kdbt's
 * return addresses (the hooks are registered): what makes fast mode's
 * stacks reliable for livepatch (refuse.c).  Control held.
 */
bool kdbt_traces_mapped(void)
{
	lockdep_assert_held(&kdbt_eng.control);
	return tr_hooks.registered;
}

void kdbt_traces_stats(struct kdbt_stats *s)
{
	s->trace_maps = READ_ONCE(tr_hooks.mapped);
	s->trace_frame_maps = READ_ONCE(tr_hooks.signal_mapped);
}
