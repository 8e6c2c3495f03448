/* SPDX-License-Identifier: GPL-2.0 */
/*
 * engine.h - the kernel instance of the translator, shared by the kernel
 * glue files: the service (engine.c and the files beside it), the glue
 * that uses it (entries.c, stacks.c, profile.c, ...) and the controller
 * that drives them (control.c).  Each section names the file that
 * defines its calls; who may call whom is the table of layers in
 * docs/ARCHITECTURE.md ("Layers"), checked by tests/unit/layering.sh.
 *
 * Owns: struct kdbt_engine and the calls between those files.
 * Must never: be included by the freestanding core or by procfs.c (which
 * goes through kdbt.h).
 */
#ifndef KDBT_ENGINE_H
#define KDBT_ENGINE_H

#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include "core/core.h"
#include "core/policy.h"
#include "kdbt.h"

#define KDBT_BLOCKS	(256u << 10)
/* One block in 1 << KDBT_SHADOW_SHIFT is a sentinel (core.h, profile.c). */
#define KDBT_SHADOW_SHIFT	6
/*
 * Blocks or table entries a reset or flush walks in one hold of
 * kdbt_eng.lock (interrupts off), at most, beside those made meanwhile
 * (locked_walk_max in /proc/kdbt/stats).
 */
#define KDBT_WALK_CHUNK		4096u

/*
 * The locks, in the order they nest (outermost first):
 *   kdbt_eng.control  mutex (control.c): on, off, mode, counters,
 *                     reset, refill, unload; sleeps.  Functions that need it say
 *                     "Control held" and check it.
 *   cpus_read_lock()  the CPU set, while entries.c writes call sites.
 *   ftrace's locks    while traces.c registers its hooks (first on).
 *   text_mutex        the kernel's, while entries.c writes call sites
 *                     (text_poke_queue/finish), and around every
 *                     __text_poke() whose probe (textpoke.c) takes
 *                     kdbt_eng.lock.
 *   kdbt_eng.lock     raw spinlock, interrupts off (kdbt_lock()): the
 *                     translator's state, the dispatcher, the profile's
 *                     writers, every write into the cache (its alias is
 *                     read-only but while held: alias.c).  Functions
 *                     named *_locked need it and check it.
 *                     traces.c's hooks, inside any stack walk under
 *                     any kernel lock, only try it for a bounded time
 *                     (kdbt_lock_briefly()), never on a CPU holding it;
 *                     their address lookups take nothing: the tables
 *                     only grow between flushes, each entry written
 *                     before the count that covers it, and a flush
 *                     moves cache_gen (odd while it runs) for them to
 *                     see (a seqcount's protocol: traces.c).
 * Leaves, outside that order (nothing is taken while they are held): a
 * /proc/kdbt/snapshot or changes reader's mutex (procfs.c) and the
 * totals' scratch lock (profile.c, kdbt_profile_totals()).
 */
struct kdbt_engine {
	struct kdbt_tr tr;
	struct kdbt_policy policy;
	raw_spinlock_t lock;
	struct mutex control;
	u8 *cache_rw;			/* vmap alias of kdbt_cache (alias.c) */
	bool on;
	bool ready;			/* tables allocated, tr initialised */
	bool extable_taken;		/* THIS_MODULE->extable is ours */
	bool fast_used;			/* fast mode ran: the cache stays */
	bool quiesce_pending;		/* detached; not yet waited for */
	bool refill_pending;		/* the refill work is queued */
	bool unloading;			/* set at unload, under lock: no refill */
	/*
	 * Set by the controller at load (control.c), so that the service
	 * reaches it without calling up: the refill's irq_work, which the
	 * dispatcher raises when the cache is full (note_full_locked()),
	 * and the filler of every statistic (kdbt_engine_stats()).
	 */
	struct irq_work *full_work;
	void (*stats)(struct kdbt_stats *s, const struct kdbt_totals *t);
	bool entries_poking;		/* entries.c writes its call sites */
	enum kdbt_mode mode;		/* for the next on */
	bool counters;			/* for the next on */
	u64 on_since;			/* ktime_get_ns() at the latest on */
	bool entries_built;		/* entries.c made its stubs */
	const struct exception_table_entry *(*search_extable)(unsigned long);
	const struct exception_table_entry *(*search_all_extables)(unsigned long);
	struct module *(*module_text_address)(unsigned long addr);
	struct exception_table_entry *own_extable;
	unsigned int own_num;
	unsigned int nextable;
	u64 extable_full;
	u64 cache_full, stack_rewrites, stack_pulls;
	u64 ons, offs;
	u32 locked_walk_max;		/* kdbt_walked_locked(); under lock */
	u32 cache_gen;			/* flushes x 2, odd during one (lock) */
};

extern struct kdbt_engine kdbt_eng;
extern u8 kdbt_cache[];

/* alias.c: the cache's writable alias, read-only but under the lock. */
int kdbt_alias_map(void);
void kdbt_alias_protect(void);
void kdbt_alias_unmap(void);
void kdbt_alias_open_locked(void *ctx, u32 off, u32 len);
void kdbt_alias_seal_locked(void);
void kdbt_alias_check_sealed_locked(void);

/* counters.c: the block counters' memory. */
int kdbt_counters_alloc(void);
void kdbt_counters_free(void);
void kdbt_counters_config(struct kdbt_config *cfg);
bool kdbt_counters_direct(void);
u64 *kdbt_counter_ptr(int cpu, u32 id);
u64 kdbt_counter_sum(u32 id);
void kdbt_counter_sums(u64 *out, u32 from, u32 to);
void kdbt_counter_changes(u64 *last, u32 from, u32 to, unsigned long *mark);
extern u64 kdbt_shadow[KDBT_BLOCKS >> KDBT_SHADOW_SHIFT];

/* profile.c: the hooks the engine calls with kdbt_eng.lock held... */
void kdbt_profile_published_locked(const struct kdbt_block *b);
void kdbt_profile_flush_locked(void);
/* ... and those it calls with control held, which take it in steps. */
void kdbt_profile_flush_stage(void);
void kdbt_profile_reset(void);

/* engine.c: the service - memory, lock, dispatcher, address checks. */
int kdbt_read_code(void *ctx, u64 addr, u8 *buf, size_t len);
bool kdbt_may_translate(u64 addr);
struct module;
void kdbt_native_fns_update(struct module *mod, bool going);
bool kdbt_in_core_text(u64 addr);
bool kdbt_in_cache(u64 addr);

bool kdbt_dispatch_enter(void);
bool kdbt_in_dispatch(void);
unsigned long kdbt_lock(void);
bool kdbt_lock_briefly(unsigned long *flags, u64 ns);
void kdbt_unlock(unsigned long flags);
void kdbt_walked_locked(u32 n);
void kdbt_cpu_leaving(bool leaving);
void kdbt_dispatch_leave(void);

int kdbt_service_setup(void);
int kdbt_service_alloc(void);
int kdbt_service_tr_init(void (*published)(void *ctx,
					   const struct kdbt_block *b));
void kdbt_service_free(void);
void kdbt_block_published_locked(const struct kdbt_block *b);
void kdbt_extable_take(void);
void kdbt_extable_give_back(void);
void kdbt_service_stats(struct kdbt_stats *s);

/* entries.c: the entry code's calls of its C handlers, led into the cache. */
int kdbt_entries_init(void);
void kdbt_entries_exit(void);
int kdbt_entries_check(void);
int kdbt_entries_build_locked(void);
void kdbt_entries_forget_locked(void);
void kdbt_entries_install(void);
void kdbt_entries_report(void);
u64 kdbt_entries_native_for(u64 w);
u64 kdbt_entries_stub_native(u64 w);

/* stacks.c: cache addresses off every kernel stack. */
/* A task that kept the cache: its cache address had no native one. */
struct kdbt_stack_culprit {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	u64 native;		/* the block it was in (its native start), or 0 */
	u64 cache_off;		/* where it was */
	bool injected;		/* no task: inject_busy_stacks (control.c) */
};

int kdbt_rewrite_stacks(u64 *rewritten, struct kdbt_stack_culprit *culprit);
u64 kdbt_stacks_native_for(u64 w);
int kdbt_stacks_into_cache(u64 *pulled);
u64 kdbt_pull_frames(struct pt_regs *regs);
int kdbt_stacks_init(void);
void kdbt_fork_probe(bool fast);
void kdbt_stacks_exit(void);
void kdbt_stacks_stats(struct kdbt_stats *s);
void kdbt_entries_remove(void);
void kdbt_entries_release(void);
void kdbt_entries_stats(struct kdbt_stats *s);

/* traces.c: the kernel's stack traces map kdbt's return addresses. */
void kdbt_traces_start(void);
void kdbt_traces_stop(void);
bool kdbt_traces_mapped(void);
void kdbt_traces_raw(bool raw);
void kdbt_traces_stats(struct kdbt_stats *s);

/* textpoke.c: translations follow live text patching. */
bool kdbt_poke_in_the_way(u64 target);
void kdbt_pokes_read_new(u64 addr, u8 *buf, size_t len);
int kdbt_textpoke_init(void);
/* refuse.c: livepatch in fast mode, kept apart from translation. */
int kdbt_refuse_init(void);
void kdbt_refuse_exit(void);
int kdbt_refuse_check(void);
void kdbt_textpoke_exit(void);
void kdbt_textpoke_stats(struct kdbt_stats *s);

/* coverage.c: where timer interrupts find the CPUs. */
struct pt_regs;
void kdbt_coverage_sample(struct pt_regs *regs);
void kdbt_coverage_reset(void);
void kdbt_coverage_stats(struct kdbt_stats *s);

#endif /* KDBT_ENGINE_H */
