// SPDX-License-Identifier: GPL-2.0
/*
 * control.c - the controller: what drives the translator and its glue -
 * on/off, mode and counters changes, reset, refilling a full cache,
 * flushing, waiting until nothing can reach the cache before it is
 * emptied or freed (quiesce()), load and unload of the engine, and the
 * statistics gathered from every layer.  It calls down into the service
 * (engine.c, alias.c, counters.c, textpoke.c, ...) and the glue
 * (entries.c, stacks.c, profile.c, coverage.c, refuse.c); only procfs.c
 * and main.c call it (docs/ARCHITECTURE.md, "Layers").  What a lower
 * layer needs of it is registered at load, never called by name: the
 * refill's irq_work (kdbt_eng.full_work, raised by the dispatcher when
 * the cache is full), the statistics' filler (kdbt_eng.stats) and the
 * core's cfg.published (block_published()).
 *
 * Owns: the control mutex kdbt_eng.control and what it guards (on, mode,
 * counters, fast_used, quiesce_pending, the statistics of on/off), the
 * refill work and its irq_work, the module reference fast mode holds
 * while on.
 * Must never: empty or free cache memory that a CPU or a stack may still
 * reach (quiesce() first); leave entries pointing into the cache when
 * translation is off; let a refill run after unload has begun.
 *
 * Locking: kdbt_eng.control (a mutex, outermost: docs/ARCHITECTURE.md,
 * "Locks") serialises on, off, mode, counters, reset, refill and unload;
 * table work inside takes kdbt_eng.lock through kdbt_lock().
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
#include <linux/sched.h>
#include <linux/workqueue.h>
#include <asm/cpufeature.h>
#include "kdbt.h"
#include "engine.h"

static void refill(struct work_struct *work);
static DECLARE_WORK(refill_work, refill);

/*
 * The dispatcher may run inside code that holds any lock - the
 * scheduler's run-queue lock, a workqueue pool's lock - so it must not
 * queue work itself (queue_work() may take those very locks to wake a
 * worker: the CPU would deadlock on itself with interrupts off, and the
 * other CPUs behind it on kdbt_eng.lock).  It raises an irq_work instead,
 * whose callback runs once this CPU has interrupts on again, outside
 * every such lock: this one, which kdbt_engine_init() registers as
 * kdbt_eng.full_work for the service's note_full_locked() (engine.c).
 */
static void refill_kick(struct irq_work *w)
{
	queue_work(system_unbound_wq, &refill_work);
}

static DEFINE_IRQ_WORK(refill_irq_work, refill_kick);

/*
 * The long part of a flush, in steps with the lock dropped between them:
 * the profile's sums (kdbt_profile_flush_stage()) and the translator's
 * tables (kdbt_tr_flush_step()).  Only right before flush_locked(), with
 * nothing running in the cache (quiesced, or never on) and nothing
 * translating (detached, or never on); then flush_locked() walks only
 * what was made meanwhile.  Sleeps; control held.
 */
static void flush_stage(void)
{
	unsigned long flags;
	u32 next = 0;

	lockdep_assert_held(&kdbt_eng.control);
	kdbt_profile_flush_stage();
	do {
		flags = kdbt_lock();
		next = kdbt_tr_flush_step(&kdbt_eng.tr, next, KDBT_WALK_CHUNK);
		kdbt_walked_locked(KDBT_WALK_CHUNK);
		kdbt_unlock(flags);
		cond_resched();
	} while (next);
}

/*
 * Start over with an empty cache: only when nothing can run in it, and
 * right after flush_stage() (else it empties every table here).
 */
static void flush_locked(void)
{
	lockdep_assert_held(&kdbt_eng.lock);
	/* odd: traces.c's lock-free lookups drop what they read meanwhile */
	WRITE_ONCE(kdbt_eng.cache_gen, kdbt_eng.cache_gen + 1);
	smp_wmb();	/* the odd count before any table is reset */
	kdbt_profile_flush_locked();
	kdbt_walked_locked(kdbt_tr_flush(&kdbt_eng.tr));
	kdbt_eng.tr.cfg.mode = kdbt_eng.mode;
	kdbt_eng.tr.cfg.counters = kdbt_eng.counters;
	kdbt_eng.tr.detached = false;
	kdbt_entries_forget_locked();
	kdbt_eng.nextable = 0;
	if (kdbt_eng.extable_taken)
		WRITE_ONCE(THIS_MODULE->num_exentries, 0);
	smp_wmb();	/* the reset tables before the even count */
	WRITE_ONCE(kdbt_eng.cache_gen, kdbt_eng.cache_gen + 1);
}

static int refuse(int err, const char *why)
{
	pr_warn("on refused: %s\n", why);
	return err;
}

static int check_can_run(void)
{
	if (boot_cpu_has(X86_FEATURE_XENPV))
		return refuse(-ENODEV, "Xen PV guest");
	if (kdbt_entries_check() || kdbt_refuse_check())
		return -EBUSY;
	if (kdbt_eng.own_num)
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
 * Close the slots' checks (@open false: no slot hit keeps a CPU in the
 * cache, kdbt_tr_slots()) or open them again, in steps with the lock
 * dropped between them, as unlink_exits().  Only while detached, when
 * nothing fills a slot.  Control held.
 */
static void slot_checks(bool open)
{
	unsigned long flags;
	u32 next = 0;

	lockdep_assert_held(&kdbt_eng.control);
	do {
		flags = kdbt_lock();
		WARN_ON_ONCE(!kdbt_eng.tr.detached);
		next = kdbt_tr_slots(&kdbt_eng.tr, next, KDBT_WALK_CHUNK, open);
		kdbt_walked_locked(KDBT_WALK_CHUNK);
		kdbt_unlock(flags);
		cond_resched();
	} while (next < kdbt_eng.tr.nsites);
}

/*
 * Fault injection for tests (tests/vm/long/unload-busy.sh): the next N
 * stack rewrites fail as if a task were stopped where its cache address
 * maps to nothing native.  0 (the default) injects nothing.
 */
static unsigned int inject_busy_stacks;
module_param(inject_busy_stacks, uint, 0600);
MODULE_PARM_DESC(inject_busy_stacks, "tests only: fail the next N stack rewrites with EBUSY (default 0)");

static int rewrite_stacks(u64 *n, struct kdbt_stack_culprit *who)
{
	int err = kdbt_rewrite_stacks(n, who);

	who->injected = false;
	if (!err && READ_ONCE(inject_busy_stacks)) {
		WRITE_ONCE(inject_busy_stacks, inject_busy_stacks - 1);
		who->injected = true;
		err = -EBUSY;
	}
	return err;
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
	struct kdbt_stack_culprit who = { .injected = false };
	u64 n = 0;
	int err = 0, tries;

	lockdep_assert_held(&kdbt_eng.control);
	if (!kdbt_eng.quiesce_pending)
		return 0;
	unlink_exits();
	wait_rcu_tasks_idle();
	for (tries = 0; tries < 100; tries++) {
		err = rewrite_stacks(&n, &who);
		kdbt_eng.stack_rewrites += n;
		if (err != -EBUSY)
			break;
		msleep(20 + tries);
	}
	synchronize_rcu_tasks_rude();
	synchronize_rcu();
	if (err == -EBUSY && who.injected) {
		pr_info("stack rewrite failed by injection (inject_busy_stacks): the cache stays\n");
		return err;
	}
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
	kdbt_eng.quiesce_pending = false;
	return 0;
}

/*
 * Every CPU enters natively again, and every indirect branch (in
 * transparent mode every return) and unlinked exit still taken in the
 * cache goes to the dispatcher, which leaves for native code: the
 * jumptable is emptied and the slots' checks closed, so that no slot hit
 * keeps a CPU in the cache (kdbt_on() opens them again).  Direct links
 * stay (cheap on/off cycles: the next on finds them in place); quiesce()
 * takes them away before it waits for what may still reach the cache.
 * Control held.
 */
static void leave_cache(void)
{
	unsigned long flags;

	lockdep_assert_held(&kdbt_eng.control);
	kdbt_entries_remove();
	flags = kdbt_lock();
	kdbt_tr_detach(&kdbt_eng.tr);
	kdbt_unlock(flags);
	slot_checks(false);
	kdbt_eng.quiesce_pending = true;
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

	kdbt_eng.stack_pulls += n;
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
	if (kdbt_eng.fast_used && !quiesce()) {
		kdbt_eng.fast_used = false;
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
	flush_stage();
	flags = kdbt_lock();
	flush_locked();
	err = prepare_locked();
	if (err)
		kdbt_eng.tr.detached = true;
	kdbt_unlock(flags);
	if (err) {
		kdbt_eng.on = false;
		kdbt_eng.quiesce_pending = true;
		pr_warn("cache refill failed (%d): the kernel runs natively\n",
			err);
		put_fast_ref();
		goto out;
	}
	WRITE_ONCE(THIS_MODULE->num_exentries, kdbt_eng.nextable);
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
	if (!kdbt_eng.extable_taken) {
		kdbt_eng.own_extable = THIS_MODULE->extable;
		kdbt_eng.own_num = THIS_MODULE->num_exentries;
	}
	kdbt_traces_start();	/* (refuse.c asks whether it worked) */
	err = check_can_run();
	if (err)
		goto out;
	if (config_changed()) {
		err = quiesce();	/* prepare_locked() flushes */
		if (err)
			goto out;
		flush_stage();
	} else if (kdbt_eng.tr.slots_closed) {
		slot_checks(true);	/* (a flush empties them instead) */
	}
	flags = kdbt_lock();
	err = prepare_locked();
	if (err)
		kdbt_eng.tr.detached = true;
	kdbt_unlock(flags);
	if (err) {
		slot_checks(false);
		refuse(err, err == -ENOEXEC ?
		       "entry_SYSCALL_64 has a layout kdbt does not know" :
		       "cannot translate the entry paths");
		goto out;
	}
	kdbt_extable_take();
	WRITE_ONCE(THIS_MODULE->num_exentries, kdbt_eng.nextable);
	if (kdbt_eng.ons == 0)
		kdbt_entries_report();
	kdbt_coverage_reset();
	kdbt_entries_install();
	if (kdbt_eng.mode == KDBT_MODE_FAST && !kdbt_eng.fast_used) {
		__module_get(THIS_MODULE);	/* see kdbt_off() */
		kdbt_eng.fast_used = true;
	}
	if (kdbt_eng.mode == KDBT_MODE_FAST)
		pull_stacks();
	kdbt_eng.on_since = ktime_get_ns();
	kdbt_eng.on = true;
	kdbt_eng.ons++;
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
	kdbt_eng.offs++;
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
	if (control_lock())
		return -EINTR;
	kdbt_profile_reset();
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
	return !kdbt_eng.on && !(differs && kdbt_eng.fast_used);
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

/*
 * Unload frees the cache, so it must not go on while a stack may still
 * return into it: quiesce() until it succeeds.  A task in the way runs on
 * and leaves the cache at its next branch (the exits are unlinked), so a
 * later try finds it gone; meanwhile rmmod waits, and the log says so
 * every 30 s or so (each quiesce() retries for several seconds itself).
 * Control held.
 */
static void quiesce_for_unload(void)
{
	unsigned int tries;

	lockdep_assert_held(&kdbt_eng.control);
	for (tries = 1; quiesce(); tries++) {
		if (tries == 1 || tries % 4 == 0)
			pr_warn("unload waits until no kernel stack holds a cache address (try %u)\n",
				tries);
		msleep(1000);
	}
	if (tries > 1)
		pr_info("unload: no kernel stack holds a cache address after %u tries\n",
			tries);
}

/**
 * kdbt_engine_exit() - switch off if on, then free everything; called at
 * unload, which fast mode prevents by its module reference.
 */
void kdbt_engine_exit(void)
{
	unsigned long flags;

	if (!kdbt_eng.ready)
		return;
	/*
	 * No refill may be queued behind unload's back: from the flag on (set
	 * under the lock note_full_locked() holds) a full cache raises no
	 * irq_work, so once the one in flight is synced and the refill it
	 * may have queued cancelled, none is left to run after the module
	 * is gone.
	 */
	flags = kdbt_lock();
	kdbt_eng.unloading = true;
	kdbt_unlock(flags);
	irq_work_sync(&refill_irq_work);
	cancel_work_sync(&refill_work);
	mutex_lock(&kdbt_eng.control);	/* (unload cannot give up) */
	switch_off();	/* not pinned: transparent, or fast already quiesced */
	kdbt_entries_release();
	quiesce_for_unload();
	kdbt_traces_stop();
	mutex_unlock(&kdbt_eng.control);
	kdbt_extable_give_back();
	kdbt_stacks_exit();
	kdbt_refuse_exit();
	kdbt_textpoke_exit();
	kdbt_entries_exit();
	kdbt_profile_exit();
	kdbt_service_free();
	kdbt_eng.ready = false;
}

/*
 * The core's cfg.published, under kdbt_eng.lock: the service's part (the
 * block's exception-table entries and counters), then the profile's.
 * Given to the service at load (kdbt_service_tr_init()) because the
 * service may not call profile.c itself.
 */
static void block_published(void *ctx, const struct kdbt_block *b)
{
	kdbt_block_published_locked(b);
	kdbt_profile_published_locked(b);
}

/*
 * Every statistic (KDBT_STATS()): the service's own figures, those of
 * the glue (their *_stats() fillers) and those that follow from them;
 * the profile's totals come from one epoch (profile.c), the rest are read
 * racily: good enough for a report.  Registered at load as
 * kdbt_eng.stats, which kdbt_engine_stats() calls for procfs.c and
 * profile.c; @t: the totals if the caller has them (the snapshot), or NULL.
 */
static void control_stats(struct kdbt_stats *s, const struct kdbt_totals *t)
{
	kdbt_service_stats(s);
	s->functions = kdbt_profile_nfuncs() - 1;
	if (t)
		s->t = *t;
	else
		kdbt_profile_totals(&s->t);
	s->lost_estimate = kdbt_lost_estimate(&s->t);
	kdbt_entries_stats(s);
	kdbt_coverage_stats(s);
	kdbt_textpoke_stats(s);
	kdbt_stacks_stats(s);
	kdbt_traces_stats(s);
	kdbt_stats_finish(s);
}

/**
 * kdbt_engine_init() - resolve symbols and allocate everything; called at
 * load.  Translation starts later, from /proc/kdbt/control.
 *
 * Return: 0, -ENOENT (a symbol is missing) or -ENOMEM.
 */
int kdbt_engine_init(void)
{
	int err;

	kdbt_eng.full_work = &refill_irq_work;
	kdbt_eng.stats = control_stats;
	err = kdbt_service_setup();
	if (err)
		return err;
	err = kdbt_stacks_init();	/* (finds a tracepoint, holds nothing) */
	if (err) {
		pr_err("cannot find the sched_process_fork tracepoint: %d\n", err);
		return err;
	}
	err = kdbt_service_alloc();
	if (err)
		return err;
	err = kdbt_profile_init();
	if (err)
		goto out_free;
	err = kdbt_service_tr_init(block_published);
	if (err)
		goto out_free;
	err = kdbt_entries_init();
	if (err)
		goto out_free;
	err = kdbt_textpoke_init();
	if (err) {
		kdbt_entries_exit();
		goto out_free;
	}
	err = kdbt_refuse_init();
	if (err) {
		kdbt_textpoke_exit();
		kdbt_entries_exit();
		goto out_free;
	}
	kdbt_eng.ready = true;
	return 0;

out_free:
	kdbt_profile_exit();
	kdbt_service_free();
	return err;
}
