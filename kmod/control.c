// SPDX-License-Identifier: GPL-2.0
/*
 * control.c - the controller of kdbt.ko: on, off, mode and counting,
 * reset, refilling a full cache, waiting until nothing can reach the
 * cache before it is emptied or freed (quiesce()), load and unload of
 * everything below it, and every statistic.
 *
 * The controller is the one layer that calls every other (docs/
 * ARCHITECTURE.md, "Layers"): the service (engine.c) for the cache and
 * the translator, and the glue - entries.c to lead the entries in and
 * out, stacks.c to take cache addresses off the stacks, profile.c to
 * keep counts across a flush.  Nothing below calls it: where the service
 * must set the controller going, it does so through the hooks set here
 * at load (kdbt_eng.full_work queues the refill; kdbt_eng.published_locked
 * is the profile's), and profile.c's snapshot gets kdbt_control_stats()
 * as a parameter from procfs.c.  Only procfs.c and main.c call it.
 *
 * Owns: what runs under the control mutex (kdbt_eng.control): on, off,
 * mode, counters, reset, refill, unload; the refill work, the module
 * reference fast mode holds while on, and the counts of on, off and
 * stack rewrites.
 * Must never: empty or free cache memory that a CPU or a stack may still
 * reach (quiesce() first); leave entries pointing into the cache when
 * translation is off; be called from a layer below it
 * (tests/unit/layers.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include "kdbt.h"
#include "engine.h"
#include "control.h"

/* The controller's own state, under kdbt_eng.control. */
static struct {
	bool ready;			/* kdbt_control_init() succeeded */
	bool fast_used;			/* fast mode ran: the cache stays */
	bool quiesce_pending;		/* detached; not yet waited for */
	u64 stack_rewrites, stack_pulls;
	u64 ons, offs;
} ctl;

/*
 * A full cache: the dispatcher raises kdbt_eng.full_work (engine.c,
 * note_full_locked()), whose callback, set here at load, queues the
 * refill.  The dispatcher may run inside code that holds any lock, so it
 * cannot queue work itself; the irq_work's callback runs once its CPU has
 * interrupts on again, outside every such lock.
 */
static void refill(struct work_struct *work);
static DECLARE_WORK(refill_work, refill);

static void refill_kick(struct irq_work *w)
{
	queue_work(system_unbound_wq, &refill_work);
}

/* ------------------------------------------------------------------ */
/* on, off, mode                                                        */
/* ------------------------------------------------------------------ */

/*
 * Start over with an empty cache: only when nothing can run in it.  The
 * profile keeps the counts of the blocks that go, and the entries'
 * stubs go with them.
 */
static void flush_locked(void)
{
	lockdep_assert_held(&kdbt_eng.lock);
	kdbt_profile_flush_locked();
	kdbt_cache_flush_locked();
	kdbt_entries_forget_locked();
}

static int refuse(int err, const char *why)
{
	pr_warn("on refused: %s\n", why);
	return err;
}

/**
 * kdbt_ibt_enforced() - whether the kernel enforces CET indirect branch
 * tracking (6.12 with CONFIG_X86_KERNEL_IBT on a CPU that has it): every
 * indirect jmp or call must then land on an endbr64, which the code cache
 * does not have yet (the first indirect branch into it would raise #CP),
 * and neither do the kernel functions kdbt calls through pointers from
 * load on (kallsyms_lookup_name as the kprobe found it, past its endbr64;
 * functions whose endbr64 the kernel sealed at boot).  main.c refuses to
 * load, before any such call; on refuses too, in case the CPU state
 * changed.
 */
bool kdbt_ibt_enforced(void)
{
	u64 cet;

	return boot_cpu_has(X86_FEATURE_IBT) &&
	       !rdmsrl_safe(MSR_IA32_S_CET, &cet) && (cet & CET_ENDBR_EN);
}

static int check_can_run(void)
{
	if (boot_cpu_has(X86_FEATURE_XENPV))
		return refuse(-ENODEV, "Xen PV guest");
	if (kdbt_ibt_enforced())
		return refuse(-EOPNOTSUPP, "CET indirect branch tracking (IBT) is on, and the code cache has no endbr64 landing pads yet (boot with ibt=off to profile)");
	if (kdbt_entries_check() || kdbt_refuse_check())
		return -EBUSY;
	if (kdbt_extable_own())
		return refuse(-ENOEXEC, "kdbt's own exception table is not empty");
	return 0;
}

/* The next on needs a new cache: the mode or counting changed. */
static bool config_changed(void)
{
	return kdbt_eng.mode != kdbt_eng.tr.cfg.mode ||
	       kdbt_eng.counters != kdbt_eng.tr.cfg.counters;
}

/* Attach the translator and build the entry copies (lock held). */
static int prepare_locked(void)
{
	lockdep_assert_held(&kdbt_eng.lock);
	if (config_changed())
		flush_locked();		/* kdbt_mode_set() made this safe */
	kdbt_eng.tr.detached = false;
	return kdbt_entries_build_locked();
}

/*
 * synchronize_rcu_tasks(), but waiting in TASK_IDLE: a grace period waits
 * for every task to pass a voluntary context switch, which under load
 * takes seconds - minutes for a task at nice 19 on a slow emulated
 * machine.  That is a long wait, not a hung task, and must not be
 * reported as one.
 */
static void wait_rcu_tasks_idle(void)
{
	struct rcu_synchronize rs;

	init_rcu_head_on_stack(&rs.head);
	init_completion(&rs.completion);
	call_rcu_tasks(&rs.head, wakeme_after_rcu);
	wait_for_completion_state(&rs.completion, TASK_IDLE);
	destroy_rcu_head_on_stack(&rs.head);
}

/*
 * The control mutex is held across quiesce(): writers wait for it
 * killably, so that a wait behind a long grace period is neither reported
 * as a hung task nor beyond a fatal signal (-EINTR).
 */
static int control_lock(void)
{
	return mutex_lock_killable(&kdbt_eng.control);
}

/*
 * Point every linked exit back at its dispatcher stub (translation
 * detached, so nothing links meanwhile), in steps with the lock dropped
 * between them: under TCG a step of patches takes milliseconds with
 * interrupts off.  Control held.
 */
static void unlink_exits(void)
{
	unsigned long flags;
	u32 next = 0;

	lockdep_assert_held(&kdbt_eng.control);
	do {
		flags = kdbt_lock();
		next = kdbt_tr_unlink(&kdbt_eng.tr, next, 4096);
		kdbt_unlock(flags);
		cond_resched();
	} while (next < kdbt_eng.tr.nexits);
}

/*
 * Wait until nothing can execute in, or return into, the cache (after a
 * detach): every linked exit goes back to the dispatcher, so that code
 * still in the cache leaves it at its next branch; every task passes a
 * voluntary switch (synchronize_rcu_tasks(),
 * the ftrace trampoline pattern), then, with every CPU stopped, every
 * cache address left on a kernel stack (fast-mode return sites, the post
 * stub of a handler a task sleeps in) is replaced by its native
 * equivalent (stacks.c; retried while some task sits inside an inserted
 * sequence), then every CPU - idle tasks included, which rcu_tasks skips -
 * passes a scheduling point and interrupt handlers in flight finish.
 * Sleeps; control held.
 *
 * Return: 0, or the error of the stack rewrite (the cache must stay).
 */
static int quiesce(void)
{
	struct kdbt_stack_culprit who = { .pid = 0 };
	u64 n = 0;
	int err = 0, tries;

	lockdep_assert_held(&kdbt_eng.control);
	if (!ctl.quiesce_pending)
		return 0;
	unlink_exits();
	wait_rcu_tasks_idle();
	for (tries = 0; tries < 100; tries++) {
		err = kdbt_rewrite_stacks(&n, &who);
		ctl.stack_rewrites += n;
		if (err != -EBUSY)
			break;
		msleep(20 + tries);
	}
	synchronize_rcu_tasks_rude();
	synchronize_rcu();
	if (err == -EBUSY) {
		pr_warn("cache addresses stay on kernel stacks: %s[%d] was interrupted at cache offset %#llx (block of %pS); the cache stays\n",
			who.comm, who.pid, who.cache_off, (void *)who.native);
		return err;
	}
	if (err) {
		pr_warn("cache addresses stay on kernel stacks (%d): the cache stays\n",
			err);
		return err;
	}
	ctl.quiesce_pending = false;
	return 0;
}

/*
 * Every CPU enters natively again, and every indirect branch (in
 * transparent mode every return) and unlinked exit still taken in the
 * cache goes to the dispatcher, which leaves for native code.  Direct
 * links stay (cheap on/off cycles: the next on finds them in place);
 * quiesce() takes them away before it waits for what may still reach the
 * cache.  Control held.
 */
static void leave_cache(void)
{
	unsigned long flags;

	lockdep_assert_held(&kdbt_eng.control);
	kdbt_entries_remove();
	flags = kdbt_lock();
	kdbt_tr_detach(&kdbt_eng.tr);
	kdbt_unlock(flags);
	ctl.quiesce_pending = true;
}

/*
 * Fast mode: tasks asleep since before on return into the cache, not out
 * of it (stacks.c).  Best effort: a failure costs coverage, not
 * correctness.
 */
static void pull_stacks(void)
{
	u64 n = 0;
	int err = kdbt_stacks_into_cache(&n);

	ctl.stack_pulls += n;
	if (err)
		pr_warn("return addresses left native on stacks (%d)\n", err);
}

/*
 * A fast-mode on has ended: once no stack can hold a cache address any
 * more (quiesce()), drop the module reference kdbt_on() took; if that
 * fails, kdbt stays pinned and rmmod fails with EAGAIN.  Control held.
 */
static void put_fast_ref(void)
{
	lockdep_assert_held(&kdbt_eng.control);
	if (ctl.fast_used && !quiesce()) {
		ctl.fast_used = false;
		module_put(THIS_MODULE);	/* taken by kdbt_on() */
	}
}

/*
 * A full cache: leave it on every CPU, wait until nothing can run in it
 * or return into it (fast mode: every cache return address on a stack is
 * mapped back), empty it, and come back in with a fresh one (fast mode:
 * sleeping tasks' return addresses are pulled in again, as at on) -
 * while the kernel runs natively for that moment.  If the cache cannot be
 * emptied, translation stays off (fast mode: and kdbt pinned, as after an
 * off that failed).
 */
static void refill(struct work_struct *work)
{
	unsigned long flags;
	int err;

	if (control_lock()) {		/* (a worker gets no signal) */
		kdbt_eng.refill_pending = false;
		return;
	}
	if (!kdbt_eng.on)
		goto out;
	leave_cache();
	if (quiesce()) {
		kdbt_eng.on = false;	/* cannot empty it: stay off */
		goto out;
	}
	flags = kdbt_lock();
	flush_locked();
	err = prepare_locked();
	if (err)
		kdbt_eng.tr.detached = true;
	kdbt_unlock(flags);
	if (err) {
		kdbt_eng.on = false;
		ctl.quiesce_pending = true;
		pr_warn("cache refill failed (%d): the kernel runs natively\n",
			err);
		put_fast_ref();
		goto out;
	}
	kdbt_extable_install();
	kdbt_entries_install();
	if (kdbt_eng.mode == KDBT_MODE_FAST)
		pull_stacks();
out:
	kdbt_eng.refill_pending = false;
	mutex_unlock(&kdbt_eng.control);
}

/**
 * kdbt_on() - run the kernel from the code cache, on every CPU: system
 * calls, interrupts and exceptions enter through the cache (entries.c).
 *
 * Return: 0; -ENODEV (Xen PV), -EOPNOTSUPP (IBT enforced), -EBUSY (LSTAR not
 * native), -ENOEXEC (an entry layout kdbt does not know), or another
 * -errno.  On failure the kernel keeps running natively.
 */
int kdbt_on(void)
{
	unsigned long flags;
	int err;

	if (control_lock())
		return -EINTR;
	if (kdbt_eng.on) {
		mutex_unlock(&kdbt_eng.control);
		return 0;
	}
	err = check_can_run();
	if (err)
		goto out;
	if (config_changed()) {
		err = quiesce();	/* prepare_locked() flushes */
		if (err)
			goto out;
	}
	flags = kdbt_lock();
	err = prepare_locked();
	if (err)
		kdbt_eng.tr.detached = true;
	kdbt_unlock(flags);
	if (err) {
		refuse(err, err == -ENOEXEC ?
		       "entry_SYSCALL_64 has a layout kdbt does not know" :
		       "cannot translate the entry paths");
		goto out;
	}
	kdbt_extable_install();
	if (ctl.ons == 0)
		kdbt_entries_report();
	kdbt_coverage_reset();
	kdbt_entries_install();
	if (kdbt_eng.mode == KDBT_MODE_FAST && !ctl.fast_used) {
		__module_get(THIS_MODULE);	/* see kdbt_off() */
		ctl.fast_used = true;
	}
	if (kdbt_eng.mode == KDBT_MODE_FAST)
		pull_stacks();
	kdbt_eng.on_since = ktime_get_ns();
	kdbt_eng.on = true;
	ctl.ons++;
	pr_info("on (%s mode): the kernel runs from the code cache\n",
		kdbt_eng.mode == KDBT_MODE_FAST ? "fast" : "transparent");
out:
	mutex_unlock(&kdbt_eng.control);
	return err;
}

/*
 * Translation off; while already off, retry what an earlier off (or a
 * refill) could not finish: emptying the stacks of cache addresses, so
 * that the module reference of a fast-mode on goes.  Control held.
 */
static void switch_off(void)
{
	lockdep_assert_held(&kdbt_eng.control);
	if (!kdbt_eng.on) {
		put_fast_ref();
		return;
	}
	leave_cache();
	kdbt_eng.on = false;
	ctl.offs++;
	put_fast_ref();
	pr_info("off: the kernel runs natively\n");
}

/**
 * kdbt_off() - run the kernel natively again.
 *
 * Writes the entry code's native calls back (entries.c), then sends
 * every indirect branch still taken in the cache to the dispatcher,
 * which leaves for native code: in transparent mode, where every return
 * is an indirect branch, each CPU leaves the cache at its next return.  The translations
 * and their direct links are kept for the next on.  In transparent mode,
 * unlinking and waiting until no task can come back into
 * the cache (quiesce()) is left to the points that need it - a flush, and
 * unload - so on/off cycles stay cheap.  In fast mode every stack holds
 * cache return addresses, so off quiesces now, rewriting them; only then
 * is the module reference taken by kdbt_on() dropped (if that fails, the
 * module stays pinned and rmmod fails with EAGAIN, "in use", until an off
 * written while off succeeds in it).
 *
 * Return: 0, or -EINTR (a fatal signal while waiting for another
 * writer; nothing changed).
 */
int kdbt_off(void)
{
	if (control_lock())
		return -EINTR;
	switch_off();
	mutex_unlock(&kdbt_eng.control);
	return 0;
}

/**
 * kdbt_reset() - zero the profile: block counters, jumptable misses, the
 * counts of flushed caches and the coverage samples (translations, the
 * cache and the mode are kept).  Readers never see half of it
 * (profile.c).
 *
 * Return: 0, or -EINTR (a fatal signal while waiting for another writer).
 */
int kdbt_reset(void)
{
	unsigned long flags;

	if (control_lock())
		return -EINTR;
	flags = kdbt_lock();
	kdbt_profile_reset_locked();
	kdbt_unlock(flags);
	kdbt_coverage_reset();
	mutex_unlock(&kdbt_eng.control);
	return 0;
}

/*
 * A setting that needs a new cache (mode, counting) may change only while
 * off, and not while fast-mode cache addresses may still be on stacks
 * (an off that could not rewrite them): the cache cannot be flushed then.
 */
static bool may_change_config(bool differs)
{
	return !kdbt_eng.on && !(differs && ctl.fast_used);
}

/**
 * kdbt_mode_set() - choose the call/ret mode of the next on.
 * @fast: fast mode, else transparent.
 *
 * Return: 0; -EBUSY while on, or while fast-mode cache addresses may
 * still be on stacks (an off that could not rewrite them), since the
 * cache cannot then be flushed for the other mode.
 */
int kdbt_mode_set(bool fast)
{
	enum kdbt_mode mode = fast ? KDBT_MODE_FAST : KDBT_MODE_TRANSPARENT;
	int err = 0;

	if (control_lock())
		return -EINTR;
	if (may_change_config(mode != kdbt_eng.mode)) {
		kdbt_eng.mode = mode;
		kdbt_fork_probe(fast);
	} else {
		err = -EBUSY;
	}
	mutex_unlock(&kdbt_eng.control);
	return err;
}

/**
 * kdbt_counters_set() - translate with or without block counters from the
 * next on (without: the cost of translation alone).
 * @on: count.
 *
 * Return: 0, or -EBUSY as for kdbt_mode_set().
 */
int kdbt_counters_set(bool on)
{
	int err = 0;

	if (control_lock())
		return -EINTR;
	if (may_change_config(on != kdbt_eng.counters))
		kdbt_eng.counters = on;
	else
		err = -EBUSY;
	mutex_unlock(&kdbt_eng.control);
	return err;
}

/**
 * kdbt_control_init() - set the service's hooks, then initialise every
 * layer below: the service (symbols, memory, the translator), the fork
 * tracepoint, the profile, the entries, text-poke following and the
 * livepatch notifier; called at load.  Translation starts later, from
 * /proc/kdbt/control.
 *
 * Return: 0, -ENOENT (a symbol is missing), -ENOMEM, or the error of a
 * registration; nothing is left behind on failure.
 */
int kdbt_control_init(void)
{
	int err;

	init_irq_work(&kdbt_eng.full_work, refill_kick);
	kdbt_eng.published_locked = kdbt_profile_published_locked;
	err = kdbt_engine_init();
	if (err)
		return err;
	err = kdbt_stacks_init();	/* (finds a tracepoint, holds nothing) */
	if (err) {
		pr_err("cannot find the sched_process_fork tracepoint: %d\n", err);
		goto out_engine;
	}
	err = kdbt_profile_init();
	if (err)
		goto out_engine;
	err = kdbt_entries_init();
	if (err)
		goto out_profile;
	err = kdbt_textpoke_init();
	if (err)
		goto out_entries;
	err = kdbt_refuse_init();
	if (err)
		goto out_textpoke;
	ctl.ready = true;
	return 0;

out_textpoke:
	kdbt_textpoke_exit();
out_entries:
	kdbt_entries_exit();
out_profile:
	kdbt_profile_exit();
out_engine:
	kdbt_engine_exit();
	return err;
}

/**
 * kdbt_control_exit() - switch off if on, then free everything; called at
 * unload, which fast mode prevents by its module reference.
 */
void kdbt_control_exit(void)
{
	if (!ctl.ready)
		return;
	irq_work_sync(&kdbt_eng.full_work);
	cancel_work_sync(&refill_work);
	mutex_lock(&kdbt_eng.control);	/* (unload cannot give up) */
	switch_off();	/* not pinned: transparent, or fast already quiesced */
	kdbt_entries_release();
	if (quiesce())
		pr_err("unloading with cache addresses on kernel stacks\n");
	mutex_unlock(&kdbt_eng.control);
	kdbt_extable_give_back();
	kdbt_stacks_exit();
	kdbt_refuse_exit();
	kdbt_textpoke_exit();
	kdbt_entries_exit();
	kdbt_profile_exit();
	kdbt_engine_exit();
	ctl.ready = false;
}

/* ------------------------------------------------------------------ */
/* Figures for /proc/kdbt/stats                                         */
/* ------------------------------------------------------------------ */

/**
 * kdbt_control_stats() - every statistic (KDBT_STATS()): the controller's
 * own figures, those of every layer below (their *_stats() fillers) and
 * those that follow from them; the profile's totals come from one epoch
 * (profile.c), the rest are racy reads of figures that only grow: good
 * enough for a report.
 * @s: receives them.
 */
void kdbt_control_stats(struct kdbt_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->state = kdbt_eng.on ? "on" : "off";
	s->mode = kdbt_eng.mode == KDBT_MODE_FAST ? "fast" : "transparent";
	s->counters = kdbt_eng.counters ? "on" : "off";
	kdbt_engine_stats(s);
	s->functions = kdbt_profile_nfuncs() - 1;
	s->switchons = ctl.ons;
	s->stack_rewrites = ctl.stack_rewrites;
	s->stack_pulls = ctl.stack_pulls;
	s->switchoffs = ctl.offs;
	kdbt_profile_totals(&s->t);
	s->lost_estimate = kdbt_lost_estimate(&s->t);
	kdbt_entries_stats(s);
	kdbt_coverage_stats(s);
	kdbt_textpoke_stats(s);
	kdbt_stacks_stats(s);
	kdbt_stats_finish(s);
}
