// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - the service layer: the kernel instance of the translator as
 * everyone above it uses it - its memory and its lock (kdbt_lock()), the
 * C half of the dispatcher, the address checks the core calls back
 * (may_translate, may_chain, c_function, has_fixup, returns_to_cache),
 * exception-table mirroring, and the figures of its own.  What drives it
 * (on/off/mode/reset, refill of a full cache, flush, quiesce, unload) is
 * the controller's, control.c; the entries are entries.c's, stack
 * rewriting is stacks.c's.
 *
 * Owns: the code cache (cache.S) (its writable alias is alias.c's), the
 * translator tables, the counters' setup, kdbt's exception table while
 * translation has been on, the dispatcher stacks.
 * Must never: call the glue above it (entries.c, stacks.c, profile.c,
 * coverage.c, refuse.c) or the controller, but through what they
 * register at load (kdbt_eng.full_work, kdbt_eng.stats, cfg.published;
 * tests/unit/layering.sh); run the dispatcher with interrupts on or
 * sleep in it; write the cache through its executable mapping.
 *
 * Locking: kdbt_eng.lock (raw, interrupts off) guards the translator; the
 * dispatcher takes it from the cache, everyone else with kdbt_lock().
 * The control mutex is the controller's (control.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/extable.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include "compat.h"
#include "core/block.h"
#include "core/policy.h"
#include "kdbt.h"
#include "cache_size.h"
#include "dstack.h"
#include "engine.h"

#define KDBT_EXITS	(768u << 10)
#define KDBT_SITES	(128u << 10)
#define KDBT_MAPS	(3u << 20)
#define KDBT_HASH	(1u << 18)
/* Buckets of the page index (core.h, kdbt_mem.page_hash). */
#define KDBT_PAGE_HASH	(1u << 14)
#define KDBT_EXTABLE	(32u << 10)

extern u8 kdbt_cache[];
extern char kdbt_entry_direct[], kdbt_entry_indirect[], kdbt_leave_indirect[];
u64 kdbt_dispatch_direct_c(u32 exit_id);
u64 kdbt_dispatch_indirect_c(u32 site_id, u64 target);

/*
 * In kdbt's .bss, so in the module area: within rel32/disp32 of the cache
 * and of kernel text.  The shadow counters are reached rip-relative, the
 * jumptable by a sign-extended disp32, and extable entries hold 32-bit
 * offsets to cache and kernel addresses.
 */
u64 kdbt_shadow[KDBT_BLOCKS >> KDBT_SHADOW_SHIFT];

/* The top of each CPU's dispatcher stack (kentry.S), vmalloc'ed. */
DEFINE_PER_CPU(unsigned long, kdbt_dstack_top);
static u64 kdbt_jt[KDBT_JT_SIZE];
static struct exception_table_entry kdbt_extable[KDBT_EXTABLE];


#define CACHE_KB_MIN	256
#define CACHE_KB_MAX	(KDBT_TRAMP_OFF >> 10)
static unsigned int cache_kb = CACHE_KB_MAX;

/* cache_kb= beyond kdbt(4)'s range fails the load with EINVAL. */
static int cache_kb_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, CACHE_KB_MIN, CACHE_KB_MAX);
}

static const struct kernel_param_ops cache_kb_ops = {
	.set = cache_kb_set,
	.get = param_get_uint,
};
module_param_cb(cache_kb, &cache_kb_ops, &cache_kb, 0400);
MODULE_PARM_DESC(cache_kb, "code cache to use, in KiB (256 to 32764, the default)");

static bool value_profiles = true;
module_param(value_profiles, bool, 0400);
MODULE_PARM_DESC(value_profiles,
		 "count the targets of indirect calls and jumps, 4 per site (default 1)");

struct kdbt_engine kdbt_eng = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(kdbt_eng.lock),
	.control = __MUTEX_INITIALIZER(kdbt_eng.control),
	.mode = KDBT_MODE_TRANSPARENT,
	.counters = true,
};

/* ------------------------------------------------------------------ */
/* Callbacks of the translator core                                    */
/* ------------------------------------------------------------------ */

/*
 * Native code as it runs, a text-poke batch's int3s read as the new
 * instructions they stand for (textpoke.c).
 */
int kdbt_read_code(void *ctx, u64 addr, u8 *buf, size_t len)
{
	if (copy_from_kernel_nofault(buf, (const void *)addr, len))
		return -EFAULT;
	kdbt_pokes_read_new(addr, buf, len);
	return 0;
}

/* Core kernel text, _stext.._etext (what policy.c decides within). */
bool kdbt_in_core_text(u64 addr)
{
	return addr >= kdbt_eng.policy.text.start &&
	       addr < kdbt_eng.policy.text.end;
}

/* Text of a loaded module other than kdbt (core or init text). */
static bool in_module_text(u64 addr)
{
	struct module *mod;

	preempt_disable_notrace();
	mod = kdbt_eng.module_text_address(addr);
	preempt_enable_notrace();
	return mod && mod != THIS_MODULE;
}

/*
 * Module functions that run with another GS base than the kernel's:
 * kvm_amd's VM entry loads the guest's with VMLOAD before VMRUN and the
 * host's only after the VM exit, both inside these functions.  A counter
 * (incq %gs:disp32) or a dispatcher entry there would write into the
 * guest's per-CPU area, so they run natively.  Their ranges are looked
 * up at load and when their module comes or goes
 * (kdbt_native_fns_update()), and written under kdbt_eng.lock, under
 * which the translator reads them (kdbt_pull_c()'s look before it takes
 * the lock may race: it only decides whether to try).  Only for their
 * module: a lookup of a missing name scans every symbol, natively (kdbt
 * calls it), and the workloads load and unload modules all the time.
 */
#define NATIVE_FN_MODULE "kvm_amd"
static const char *const native_fn_names[] = {
	"__svm_vcpu_run", "__svm_sev_es_vcpu_run",
};
static struct kdbt_range native_fn[ARRAY_SIZE(native_fn_names)];

static bool in_native_fn(u64 addr)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(native_fn); i++)
		if (addr - native_fn[i].start <
		    native_fn[i].end - native_fn[i].start)
			return true;
	return false;
}

/**
 * kdbt_native_fns_update() - look the module functions that must run
 * natively up again.  Called at load (@mod NULL) and from the module
 * notifier (textpoke.c), before a coming module's code runs.
 * @mod: the module coming or going, or NULL; nothing to do unless it is
 *	NATIVE_FN_MODULE.
 * @going: @mod is about to go: its functions are dropped (its symbols
 *	still resolve now).
 */
void kdbt_native_fns_update(struct module *mod, bool going)
{
	struct kdbt_range r[ARRAY_SIZE(native_fn_names)] = { };
	unsigned long flags, size, off;
	int i;

	if (mod && strcmp(mod->name, NATIVE_FN_MODULE))
		return;
	if (!going)
		mod = NULL;

	for (i = 0; i < ARRAY_SIZE(native_fn_names); i++) {
		unsigned long a = kdbt_ksym_addr(native_fn_names[i]);

		if (!a || !kdbt_ksyms.lookup_size_offset(a, &size, &off) ||
		    (mod && within_module(a, mod)))
			continue;
		r[i].start = a;
		r[i].end = a + size;
		r[i].why = native_fn_names[i];
	}
	flags = kdbt_lock();
	memcpy(native_fn, r, sizeof(r));
	kdbt_unlock(flags);
}

/*
 * Core kernel text minus the policy's ranges (policy.c), and the text of
 * every other module (textpoke.c invalidates it when it goes away) but
 * the functions that must run natively.
 */
bool kdbt_may_translate(u64 addr)
{
	if (kdbt_in_core_text(addr))
		return !kdbt_policy_refuses(&kdbt_eng.policy, addr);
	return in_module_text(addr) && !in_native_fn(addr);
}

static bool may_translate(void *ctx, u64 addr)
{
	return kdbt_may_translate(addr);
}

/* A block chained to another's translation: not from text being poked. */
static bool may_chain(void *ctx, u64 addr)
{
	return !kdbt_poke_in_the_way(addr);
}

/* What the ftrace site at a function's first byte may call while traced. */
static unsigned long fentry_calls[3];

/*
 * Is there an ftrace site at @start: the 5-byte nop that ftrace makes of
 * `call __fentry__`, or a call to the tracer?  Only C functions, built
 * with -mfentry, have one at their first byte, or (IBT kernels: 6.12)
 * right after their endbr64.
 */
static bool is_fentry_site(u64 start)
{
	static const u8 nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	u8 insn[5];
	u64 target;
	int i;

	if (kdbt_read_code(NULL, start, insn, sizeof(insn)))
		return false;
	if (kdbt_is_endbr(insn)) {
		start += 4;
		if (kdbt_read_code(NULL, start, insn, sizeof(insn)))
			return false;
	}
	if (!memcmp(insn, nop5, sizeof(nop5)))
		return true;
	if (insn[0] != 0xe8)
		return false;
	target = start + 5 + (s32)get_unaligned((u32 *)(insn + 1));
	for (i = 0; i < ARRAY_SIZE(fentry_calls); i++)
		if (fentry_calls[i] && target == fentry_calls[i])
			return true;
	return false;
}

/*
 * C functions (SysV calling convention) are the symbols that start with
 * an ftrace site; assembly (custom conventions) and notrace code are
 * left unknown.
 */
static enum kdbt_cfunc c_function(void *ctx, u64 addr)
{
	unsigned long size, off;

	if (!kdbt_ksyms.lookup_size_offset(addr, &size, &off) ||
	    !is_fentry_site(addr - off))
		return KDBT_CFUNC_UNKNOWN;
	return off ? KDBT_CFUNC_BODY : KDBT_CFUNC_ENTRY;
}

/*
 * ftrace_caller and ftrace_regs_caller, which an ftrace site calls when
 * more than one ftrace user traces its function (one user gets a
 * trampoline of its own, outside core text): they find the traced
 * function from their return address, so they run natively and are
 * called with the native one (setup_ftrace_callers()).  In the cache
 * they saw a cache address: every user missed every call.
 */
static struct { unsigned long start, end; } ftrace_callers[2];

static bool in_ftrace_caller(u64 addr)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ftrace_callers); i++)
		if (addr >= ftrace_callers[i].start &&
		    addr < ftrace_callers[i].end)
			return true;
	return false;
}

/*
 * Callees that stay native and may return into the cache: entry-text and
 * thunk helpers (core text), and kdbt's own functions.  A static call
 * (x86 patches each call site to call the function itself) may call a
 * kdbt probe directly, as the fork probe is called from kernel_clone():
 * with a native return address, the rest of every fork ran natively.
 * Other native text (BPF images, ftrace trampolines) keeps a native return
 * address: it may read its caller from the stack.
 */
static bool returns_to_cache(void *ctx, u64 addr)
{
	if (in_ftrace_caller(addr))
		return false;
	return kdbt_in_core_text(addr) || within_module_core(addr, THIS_MODULE);
}

/* The cache address of the instruction of @b that starts at @native. */
static u64 cache_in_block(const struct kdbt_block *b, u64 native)
{
	const struct kdbt_map *m = &kdbt_eng.tr.mem.maps[b->map];
	u32 i;

	for (i = 0; i < b->ninsns; i++)
		if (b->native + m[i].native_off == native)
			return kdbt_block_entry(&kdbt_eng.tr, b) + m[i].cache_off;
	return 0;
}

/*
 * Mirror the exception-table entry of a translated instruction, so a
 * fault at its cache address is fixed up as at its native one (uaccess,
 * *_safe MSR accesses, ...).  The fixup stays in the cache when it is an
 * instruction of the same block (EX_TYPE_ZEROPAD requires the next
 * instruction), else it is the native fixup and execution leaves the
 * cache there.  Entries arrive in ascending cache order (one lock, bump
 * allocation), so the table stays sorted for the kernel's bsearch; the
 * count is published after the entry.
 */
static void mirror_one(const struct kdbt_block *b, u64 cache_ip,
		       const struct exception_table_entry *e)
{
	struct exception_table_entry *n;
	u64 fixup = (u64)&e->fixup + e->fixup;
	u64 in_cache = cache_in_block(b, fixup);

	if (kdbt_eng.nextable >= KDBT_EXTABLE) {
		kdbt_eng.extable_full++;
		return;
	}
	n = &kdbt_extable[kdbt_eng.nextable];
	n->insn = (int)(cache_ip - (u64)&n->insn);
	n->fixup = (int)((in_cache ? in_cache : fixup) - (u64)&n->fixup);
	n->data = e->data;
	smp_wmb();
	WRITE_ONCE(THIS_MODULE->num_exentries, ++kdbt_eng.nextable);
}

/* The exception-table entry of the instruction at @ip, or NULL. */
static const struct exception_table_entry *extable_entry(u64 ip)
{
	return kdbt_in_core_text(ip) ? kdbt_eng.search_extable(ip) :
				       kdbt_eng.search_all_extables(ip);
}

static bool has_fixup(void *ctx, u64 ip)
{
	return extable_entry(ip);
}

/**
 * kdbt_block_published_locked() - the service's part of a new block's
 * publication (the core's cfg.published, through the controller's
 * callback: kdbt_service_tr_init()): mirror its instructions'
 * exception-table entries and zero its counters.
 * @b: the block.
 */
void kdbt_block_published_locked(const struct kdbt_block *b)
{
	const struct kdbt_map *m = &kdbt_eng.tr.mem.maps[b->map];
	u64 entry = kdbt_block_entry(&kdbt_eng.tr, b);
	const struct exception_table_entry *e;
	u32 id = b - kdbt_eng.tr.mem.blocks, i;
	int cpu;

	lockdep_assert_held(&kdbt_eng.lock);
	for (i = 0; i < b->ninsns; i++) {
		e = extable_entry(b->native + m[i].native_off);
		if (e)
			mirror_one(b, entry + m[i].cache_off, e);
	}
	for_each_possible_cpu(cpu)
		*kdbt_counter_ptr(cpu, id) = 0;
}

/* ------------------------------------------------------------------ */
/* The C half of the dispatcher (kentry.S calls these, interrupts off) */
/* ------------------------------------------------------------------ */

/*
 * A CPU already inside the dispatcher (a fault while translating runs a
 * translated handler, which may reach an unlinked exit) must not take the
 * lock again: it leaves for native code instead.  So does a target whose
 * block could read text being patched right now (textpoke.c).
 */
static DEFINE_PER_CPU(int, in_dispatch);
/*
 * Those re-entries (dispatch_deferred), counted per CPU: no lock is held
 * where they happen, and CPUs may re-enter at once.
 */
static DEFINE_PER_CPU(u64, reentries);

/*
 * A CPU going offline takes the lock no more from the moment it leaves
 * kdbt's hotplug state (entries.c) until it is back: once it has reported
 * itself dead (cpu_report_death()) it still runs a little kernel code on
 * its way to halt, and bringing it up again resets it with INIT wherever
 * it is - inside the dispatcher, kdbt_eng.lock would stay held for ever
 * and every other CPU would spin on it.  Meanwhile it leaves for native
 * code at every dispatcher entry.
 */
static DEFINE_PER_CPU(bool, cpu_leaving);

void kdbt_cpu_leaving(bool leaving)
{
	this_cpu_write(cpu_leaving, leaving);
}

/**
 * kdbt_lock() - take kdbt_eng.lock outside the dispatcher (control,
 * text-poke handlers, the stack walks).  Interrupts go off first, inline
 * here: the kernel's lock functions are translatable text, and an
 * interrupt inside _raw_spin_lock_irqsave() before its cli would pull it
 * into the cache - whose next dispatcher entry, on this very CPU, would
 * then wait for the lock it was taking.  And while it holds the lock
 * this CPU counts as inside the dispatcher, so that a fault meanwhile (a
 * translated handler reaching an unlinked exit) leaves for native code
 * instead of taking the lock again.
 *
 * Return: the interrupt flags, for kdbt_unlock().
 */
unsigned long kdbt_lock(void)
{
	unsigned long flags;

	local_irq_save(flags);
	this_cpu_inc(in_dispatch);
	raw_spin_lock(&kdbt_eng.lock);
	kdbt_alias_check_sealed_locked();
	return flags;
}

/*
 * Tests only: kdbt_lock_briefly() fails, as if the lock stayed busy
 * past its bound (a holder whose vCPU the host descheduled), until
 * busy_until (ktime_get_mono_fast_ns()).  What takes no lock must not
 * notice (traces.c's address maps: traces-proc-stack.sh).
 */
static u64 busy_until;

static bool notrace injected_busy(void)
{
	u64 until = READ_ONCE(busy_until);

	return until && ktime_get_mono_fast_ns() < until;
}

static int inject_lock_busy(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;

	if (kstrtouint(val, 0, &ms) || ms > 10000)
		return -EINVAL;
	WRITE_ONCE(busy_until, ms ? ktime_get_mono_fast_ns() +
				    (u64)ms * NSEC_PER_MSEC : 0);
	return 0;
}

static const struct kernel_param_ops inject_lock_busy_ops = {
	.set = inject_lock_busy,
};
module_param_cb(inject_lock_busy_ms, &inject_lock_busy_ops, NULL, 0200);
MODULE_PARM_DESC(inject_lock_busy_ms, "tests only: for the milliseconds written (at most 10000), stack-trace callbacks find the translation lock busy");

/**
 * kdbt_lock_briefly() - take kdbt_eng.lock, waiting at most @ns, from
 * any context, NMI included (traces.c's callbacks, inside whatever walks
 * a stack): never on a CPU inside the dispatcher or holding the lock
 * (in_dispatch: every holder counts itself there first), or going
 * offline.  The wait is the dispatcher's own spin (holders do not wait
 * for other CPUs), only bounded, so that a walk never hangs on it.
 * Interrupts off first, as in kdbt_lock().
 * @flags: receives the interrupt flags, for kdbt_unlock().
 * @ns: how long to spin for it.
 *
 * Return: true with the lock held.
 */
bool kdbt_lock_briefly(unsigned long *flags, u64 ns)
{
	u64 t0;

	local_irq_save(*flags);
	if (this_cpu_read(in_dispatch) || this_cpu_read(cpu_leaving) ||
	    injected_busy())
		goto busy;
	this_cpu_inc(in_dispatch);
	t0 = local_clock();
	while (!raw_spin_trylock(&kdbt_eng.lock)) {
		if (local_clock() - t0 > ns) {
			this_cpu_dec(in_dispatch);
			goto busy;
		}
		cpu_relax();
	}
	kdbt_alias_check_sealed_locked();
	return true;
busy:
	local_irq_restore(*flags);
	return false;
}

void kdbt_unlock(unsigned long flags)
{
	kdbt_alias_seal_locked();
	raw_spin_unlock(&kdbt_eng.lock);
	this_cpu_dec(in_dispatch);
	local_irq_restore(flags);
}

/*
 * Whether this CPU is in the dispatcher or holds kdbt_eng.lock (every
 * holder counts itself in in_dispatch first): the tables may be half
 * written under it, and stacks.c's walks must stay raw (traces.c).
 */
bool notrace kdbt_in_dispatch(void)
{
	return this_cpu_read(in_dispatch);
}

bool notrace kdbt_dispatch_enter(void)
{
	if (this_cpu_read(cpu_leaving))
		return false;
	if (this_cpu_inc_return(in_dispatch) == 1)
		return true;
	this_cpu_dec(in_dispatch);
	this_cpu_inc(reentries);
	return false;
}

void notrace kdbt_dispatch_leave(void)
{
	this_cpu_dec(in_dispatch);
}

bool kdbt_in_cache(u64 addr)
{
	return addr - (u64)kdbt_cache < KDBT_CACHE_BYTES;
}

/*
 * Room for at least one more block in the cache and in every table -
 * kdbt's exception table too, with room for a chain's worth of entries
 * (copies mirror their instructions' entries again).
 */
static bool tr_full(const struct kdbt_tr *tr)
{
	return tr->cache_used + 2 * KDBT_MAX_BLOCK_CACHE > tr->mem.cache_size ||
	       kdbt_eng.nextable + KDBT_MAX_BLOCK_CACHE / 2 > KDBT_EXTABLE ||
	       tr->nblocks + 2 > tr->mem.max_blocks ||
	       tr->nexits + 2 * KDBT_MAX_BLOCK_INSNS > tr->mem.max_exits ||
	       tr->nmaps + 2 * KDBT_MAX_BLOCK_INSNS > tr->mem.max_maps ||
	       tr->nsites + 2 > tr->mem.max_sites;
}

/*
 * The cache is full (lock held): targets go native from now on, until
 * the refill work has emptied it.  The refill is the controller's
 * (control.c): it registers its irq_work at load as kdbt_eng.full_work,
 * so that the dispatcher raises it without calling up into the
 * controller (docs/ARCHITECTURE.md, "Layers").  An irq_work, not a
 * work item queued from here: see control.c, refill_kick().
 */
static void note_full_locked(void)
{
	lockdep_assert_held(&kdbt_eng.lock);
	if (!tr_full(&kdbt_eng.tr) || kdbt_eng.refill_pending ||
	    kdbt_eng.unloading)
		return;
	kdbt_eng.cache_full++;
	kdbt_eng.refill_pending = true;
	if (kdbt_eng.full_work)
		irq_work_queue(kdbt_eng.full_work);
}

u64 notrace kdbt_dispatch_direct_c(u32 exit_id)
{
	u64 dest;

	if (!kdbt_dispatch_enter())
		return READ_ONCE(kdbt_eng.tr.mem.exits[exit_id].target);
	raw_spin_lock(&kdbt_eng.lock);
	dest = kdbt_eng.tr.mem.exits[exit_id].target;
	if (!kdbt_poke_in_the_way(dest))
		dest = kdbt_dispatch_direct(&kdbt_eng.tr, exit_id);
	note_full_locked();
	kdbt_alias_seal_locked();
	raw_spin_unlock(&kdbt_eng.lock);
	kdbt_dispatch_leave();
	if (WARN_ON_ONCE(!dest))	/* an exit id no stub can push */
		dest = READ_ONCE(kdbt_eng.tr.mem.exits[exit_id].target);
	return dest;
}

u64 notrace kdbt_dispatch_indirect_c(u32 site_id, u64 target)
{
	u64 entry;

	if (!kdbt_dispatch_enter())
		return (u64)kdbt_leave_indirect;
	raw_spin_lock(&kdbt_eng.lock);
	entry = kdbt_poke_in_the_way(target) ? 0 :
		kdbt_dispatch_indirect(&kdbt_eng.tr, site_id, target);
	note_full_locked();
	kdbt_alias_seal_locked();
	raw_spin_unlock(&kdbt_eng.lock);
	kdbt_dispatch_leave();
	return entry ? entry : (u64)kdbt_leave_indirect;
}

/* ------------------------------------------------------------------ */
/* Setup: symbols, policy, memory                                       */
/* ------------------------------------------------------------------ */

static unsigned long sym(const char *name)
{
	return kdbt_ksym_addr(name);
}

static unsigned long sym_end(const char *name)
{
	unsigned long addr = sym(name), size, off;

	if (!addr || !kdbt_ksyms.lookup_size_offset(addr, &size, &off))
		return 0;
	return addr + size;
}

/*
 * The retpolines, return thunks and untrain sequences: 6.1 marks them
 * with __indirect_thunk_start/end; later kernels (6.12) have no markers,
 * and the range runs from the first retpoline to the end of the return
 * thunk, which the linker puts last (the call-depth, ITS and SRSO thunks
 * lie in between).
 */
static int thunk_range(unsigned long *start, unsigned long *end)
{
	*start = sym("__indirect_thunk_start");
	*end = sym("__indirect_thunk_end");
	if (*start || *end)
		return *start && *end ? 0 : -ENOENT;
	*start = sym("__x86_indirect_thunk_array");
	*end = sym_end("__x86_return_thunk");
	return *start && *end > *start ? 0 : -ENOENT;
}

/*
 * ftrace_callers[]: both or neither (a kernel without dynamic ftrace).
 * Each runs from its symbol past its label NAME_end (the part copied into
 * trampolines) to the next symbol: the return, and ftrace_regs_caller's
 * path for a changed RIP, follow that label.
 */
static int setup_ftrace_callers(void)
{
	static const char *const names[][2] = {
		{ "ftrace_caller", "ftrace_caller_end" },
		{ "ftrace_regs_caller", "ftrace_regs_caller_end" },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ftrace_callers[i].start = sym(names[i][0]);
		ftrace_callers[i].end = sym_end(names[i][1]);
		if (ftrace_callers[i].end <= ftrace_callers[i].start)
			ftrace_callers[i].start = ftrace_callers[i].end = 0;
	}
	return !ftrace_callers[0].start != !ftrace_callers[1].start ?
	       -ENOENT : 0;
}

/* The never-translate ranges (policy.c), from this kernel's symbols. */
static int setup_policy(void)
{
	unsigned long stext = sym("_stext"), etext = sym("_etext");
	unsigned long entry = sym("__entry_text_start");
	unsigned long untrain = sym("srso_alias_untrain_ret");
	unsigned long safe = sym("srso_alias_safe_ret");
	unsigned long alias_ret = sym("srso_alias_return_thunk");
	unsigned long thunks, thunks_end;
	int err = 0, i;

	if (!stext || !etext || !entry || !sym("__entry_text_end") ||
	    thunk_range(&thunks, &thunks_end) || setup_ftrace_callers())
		return -ENOENT;
	if (untrain && untrain < entry)
		entry = untrain;
	kdbt_policy_init(&kdbt_eng.policy, stext, etext);
	err |= kdbt_policy_exclude(&kdbt_eng.policy, entry, sym("__entry_text_end"),
				   "entry text");
	if (safe)
		err |= kdbt_policy_exclude(&kdbt_eng.policy, safe,
					   sym_end("srso_alias_safe_ret"),
					   "entry text (SRSO safe ret)");
	/* In the thunk range on 6.1; right after the safe ret on 6.12. */
	if (alias_ret)
		err |= kdbt_policy_exclude(&kdbt_eng.policy, alias_ret,
					   sym_end("srso_alias_return_thunk"),
					   "thunk (SRSO alias return thunk)");
	err |= kdbt_policy_exclude(&kdbt_eng.policy, thunks, thunks_end,
				   "thunk range");
	if (sym("pvh_start_xen"))
		err |= kdbt_policy_exclude(&kdbt_eng.policy, stext,
					   sym_end("pvh_start_xen"),
					   "boot entry code");
	for (i = 0; i < ARRAY_SIZE(ftrace_callers); i++)
		if (ftrace_callers[i].start)
			err |= kdbt_policy_exclude(&kdbt_eng.policy,
						   ftrace_callers[i].start,
						   ftrace_callers[i].end,
						   "ftrace caller");
	/* The early #VC handler (SEV-ES), ending in iretq: in .text on 6.12. */
	if (sym("vc_boot_ghcb"))
		err |= kdbt_policy_exclude(&kdbt_eng.policy, sym("vc_boot_ghcb"),
					   sym_end("vc_boot_ghcb"),
					   "boot entry code (#VC)");
	return err ? -EINVAL : 0;
}

/*
 * The thunks that stand for __x86_indirect_thunk_<reg> (core.h,
 * cfg.thunk_alias), by name; registers in Zydis order.  6.12 has all
 * three sets, 6.1 the ITS thunks (both with MITIGATION_ITS); the kernel
 * calls them only where it patched its sites for them at boot.
 */
static const char *const thunk_alias_fmt[KDBT_THUNK_ALIASES] = {
	"__x86_indirect_call_thunk_%s",	/* call-depth tracking */
	"__x86_indirect_jump_thunk_%s",
	"__x86_indirect_its_thunk_%s",	/* ITS, without retpolines */
};

/*
 * The call-depth counter (core.h, cfg.call_depth) if the return thunk in
 * use is call_depth_return_thunk (6.12, retbleed=stuff): the %gs address
 * its first instruction after endbr64, `shlq $5, %gs:counter(%rip)`,
 * shifts; else 0.
 */
static u64 call_depth_counter(u64 ret_thunk)
{
	struct kdbt_decoder dec;
	struct kdbt_full_insn fi;
	u8 code[KDBT_MAX_INSN_LEN];
	u64 counter;

	if (!ret_thunk || ret_thunk != sym("call_depth_return_thunk"))
		return 0;
	if (!copy_from_kernel_nofault(code, (void *)ret_thunk, 4) &&
	    kdbt_is_endbr(code))
		ret_thunk += 4;		/* IBT kernels */
	if (kdbt_decoder_init(&dec) ||
	    copy_from_kernel_nofault(code, (void *)ret_thunk, sizeof(code)) ||
	    kdbt_decode_full(&dec, code, sizeof(code), &fi))
		counter = 0;
	else
		counter = kdbt_call_depth_ref(&fi.zi, ret_thunk,
					      ZYDIS_MNEMONIC_SHL);
	if (counter)
		pr_info("call-depth tracking: counter at %%gs:%#llx\n", counter);
	else
		pr_warn("call-depth tracking: call_depth_return_thunk does not start with the shift kdbt knows; call thunks stay part of their callee's first block\n");
	return counter;
}

/* The retpoline thunks by register and the return thunk in use. */
static int setup_thunks(struct kdbt_config *cfg)
{
	unsigned long array = sym("__x86_indirect_thunk_array");
	unsigned long *ret_thunk = (unsigned long *)sym("x86_return_thunk");
	char name[40];
	int r, a;

	if (!array || !ret_thunk)
		return -ENOENT;
	for (r = 0; r < 16; r++) {
		if (r == 4)	/* there is no %rsp thunk */
			continue;
		cfg->indirect_thunk[r] = array + 32 * r;
		for (a = 0; a < KDBT_THUNK_ALIASES; a++) {
			snprintf(name, sizeof(name), thunk_alias_fmt[a],
				 ZydisRegisterGetString(ZYDIS_REGISTER_RAX + r));
			cfg->thunk_alias[a][r] = sym(name);
		}
	}
	cfg->return_thunk = READ_ONCE(*ret_thunk);
	cfg->call_depth = call_depth_counter(cfg->return_thunk);
	fentry_calls[0] = sym("__fentry__");
	fentry_calls[1] = sym("ftrace_caller");
	fentry_calls[2] = sym("ftrace_regs_caller");
	return 0;
}

/*
 * One dispatcher stack per possible CPU, on its node (vmalloc: an
 * overflow runs into a guard page, not into other data).
 */
static int alloc_dstacks(void)
{
	int cpu;

	if ((long)(s32)(unsigned long)&kdbt_dstack_top !=
	    (long)(unsigned long)&kdbt_dstack_top)
		return -ERANGE;
	for_each_possible_cpu(cpu) {
		void *s = vmalloc_node(KDBT_DSTACK_BYTES, cpu_to_node(cpu));

		if (!s)
			return -ENOMEM;
		per_cpu(kdbt_dstack_top, cpu) =
			(unsigned long)s + KDBT_DSTACK_BYTES;
	}
	return 0;
}

/* Only when no CPU can be in the dispatcher (unload). */
static void free_dstacks(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		unsigned long top = per_cpu(kdbt_dstack_top, cpu);

		per_cpu(kdbt_dstack_top, cpu) = 0;
		if (top)
			vfree((void *)(top - KDBT_DSTACK_BYTES));
	}
}

static void free_tables(struct kdbt_mem *mem)
{
	kdbt_counters_free();
	free_dstacks();
	vfree(mem->blocks);
	vfree(mem->hash);
	vfree(mem->page_hash);
	vfree(mem->page_next);
	vfree(mem->exits);
	vfree(mem->sites);
	vfree(mem->maps);
	vfree(mem->scratch);
}

static int alloc_tables(struct kdbt_mem *mem)
{
	mem->blocks = vzalloc(KDBT_BLOCKS * sizeof(*mem->blocks));
	mem->hash = vzalloc(KDBT_HASH * sizeof(*mem->hash));
	mem->page_hash = vzalloc(KDBT_PAGE_HASH * sizeof(*mem->page_hash));
	mem->page_next = vzalloc(KDBT_BLOCKS * sizeof(*mem->page_next));
	mem->exits = vzalloc(KDBT_EXITS * sizeof(*mem->exits));
	mem->sites = vzalloc(KDBT_SITES * sizeof(*mem->sites));
	mem->maps = vzalloc(KDBT_MAPS * sizeof(*mem->maps));
	mem->scratch = vzalloc(sizeof(struct kdbt_bb));
	if (!mem->blocks || !mem->hash || !mem->page_hash ||
	    !mem->page_next || !mem->exits || !mem->sites ||
	    !mem->maps || !mem->scratch || kdbt_counters_alloc() ||
	    alloc_dstacks()) {
		free_tables(mem);
		return -ENOMEM;
	}
	mem->max_blocks = KDBT_BLOCKS;
	mem->hash_size = KDBT_HASH;
	mem->page_hash_size = KDBT_PAGE_HASH;
	mem->max_exits = KDBT_EXITS;
	mem->max_sites = KDBT_SITES;
	mem->max_maps = KDBT_MAPS;
	mem->counters = NULL;		/* per CPU: counters.c */
	mem->shadow = kdbt_shadow;
	mem->jt = kdbt_jt;
	mem->cache_addr = (u64)kdbt_cache;
	mem->cache_size = cache_kb << 10;	/* cache_kb_set() bounds it */
	return 0;
}

/**
 * kdbt_service_tr_init() - initialise the translator with the service's
 * callbacks; called at load, after kdbt_service_alloc().
 * @published: the core's cfg.published, called under kdbt_eng.lock for
 *	each new block.  The controller gives it (control.c): it calls
 *	kdbt_block_published_locked() and then the profile, which the
 *	service may not call itself (docs/ARCHITECTURE.md, "Layers").
 *
 * Return: 0, -ENOENT (a thunk is missing) or the core's error.
 */
int kdbt_service_tr_init(void (*published)(void *ctx,
					   const struct kdbt_block *b))
{
	struct kdbt_config cfg = {
		.mode = kdbt_eng.mode,
		.counters = kdbt_eng.counters,
		.derive_counts = true,
		.slots = value_profiles,
		.dispatch_direct = (u64)kdbt_entry_direct,
		.dispatch_indirect = (u64)kdbt_entry_indirect,	/* ENDBR */
		.ibt = IS_ENABLED(CONFIG_X86_KERNEL_IBT),
		.shadow_addr = (u64)kdbt_shadow,
		.shadow_shift = KDBT_SHADOW_SHIFT,
		.jt_addr = (u64)kdbt_jt,
		.read_code = kdbt_read_code,
		.may_translate = may_translate,
		.may_chain = may_chain,
		.c_function = c_function,
		.has_fixup = has_fixup,
		.returns_to_cache = returns_to_cache,
		.published = published,
		.open_cache = kdbt_alias_open_locked,
	};
	struct kdbt_mem mem = kdbt_eng.tr.mem;
	int err = setup_thunks(&cfg);

	if (err)
		return err;
	kdbt_counters_config(&cfg);
	return kdbt_tr_init(&kdbt_eng.tr, &cfg, &mem);
}

/**
 * kdbt_service_setup() - resolve the symbols the service needs: the
 * exception-table searches, the never-translate ranges and the module
 * functions that run natively; called at load, first.
 *
 * Return: 0 or -ENOENT (a symbol is missing).
 */
int kdbt_service_setup(void)
{
	int err;

	kdbt_eng.search_extable = kdbt_ksym_fn("search_kernel_exception_table");
	kdbt_eng.search_all_extables = kdbt_ksym_fn("search_exception_tables");
	kdbt_eng.module_text_address = kdbt_ksym_fn("__module_text_address");
	err = setup_policy();
	if (err) {
		pr_err("cannot find the never-translate ranges: %d\n", err);
		return err;
	}
	kdbt_native_fns_update(NULL, false);
	return 0;
}

/**
 * kdbt_service_alloc() - allocate the translator's tables, the counters
 * and the dispatcher stacks, over the cache's alias (main.c mapped it).
 *
 * Return: 0 or -ENOMEM (nothing is left allocated).
 */
int kdbt_service_alloc(void)
{
	kdbt_eng.tr.mem.cache = kdbt_eng.cache_rw;	/* main.c mapped it */
	return alloc_tables(&kdbt_eng.tr.mem);
}

/* Free what kdbt_service_alloc() allocated: only when nothing can run. */
void kdbt_service_free(void)
{
	free_tables(&kdbt_eng.tr.mem);
}

/* ------------------------------------------------------------------ */
/* kdbt's exception table                                               */
/* ------------------------------------------------------------------ */

/*
 * From the first on, kdbt's module exception table is the mirror
 * (mirror_one()): the kernel searches THIS_MODULE->extable for a fault
 * in the cache.  Control held (control.c), and kdbt's own table empty.
 */
void kdbt_extable_take(void)
{
	if (kdbt_eng.extable_taken)
		return;
	WRITE_ONCE(THIS_MODULE->num_exentries, 0);
	smp_wmb();
	THIS_MODULE->extable = kdbt_extable;
	smp_wmb();
	kdbt_eng.extable_taken = true;
}

/* At unload: kdbt's own exception table back, as it was at load. */
void kdbt_extable_give_back(void)
{
	if (!kdbt_eng.extable_taken)
		return;
	THIS_MODULE->num_exentries = 0;
	smp_wmb();
	THIS_MODULE->extable = kdbt_eng.own_extable;
	THIS_MODULE->num_exentries = kdbt_eng.own_num;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

/**
 * kdbt_walked_locked() - a reset or flush walked @n blocks or table
 * entries in one hold of kdbt_eng.lock: keep the most
 * (locked_walk_max, which stays below KDBT_WALK_CHUNK plus what was made
 * meanwhile).
 * @n: how many.
 */
void kdbt_walked_locked(u32 n)
{
	lockdep_assert_held(&kdbt_eng.lock);
	if (n > kdbt_eng.locked_walk_max)
		WRITE_ONCE(kdbt_eng.locked_walk_max, n);
}

/**
 * kdbt_ibt_enforced() - whether the kernel enforces CET indirect branch
 * tracking (6.12 with CONFIG_X86_KERNEL_IBT on a CPU that has it): every
 * indirect jmp or call must then land on an endbr64.  kdbt runs there:
 * the code cache's indirect entries have one (kdbt_config.ibt; kentry.S),
 * kernel functions are called through veneers (ksyms.c), and the rest of
 * kdbt's indirect branches land on address-taken module functions
 * (docs/KERNEL.md, section 9).  Only said at load (main.c).
 */
bool kdbt_ibt_enforced(void)
{
	u64 cet;

	return boot_cpu_has(X86_FEATURE_IBT) &&
	       !rdmsrl_safe(MSR_IA32_S_CET, &cet) && (cet & CET_ENDBR_EN);
}

/* Nanoseconds since the latest on; 0 while off. */
u64 kdbt_engine_on_ns(void)
{
	u64 since = READ_ONCE(kdbt_eng.on_since);

	return READ_ONCE(kdbt_eng.on) ? ktime_get_ns() - since : 0;
}

/* ------------------------------------------------------------------ */
/* Figures for /proc/kdbt/stats                                         */
/* ------------------------------------------------------------------ */

/* The mode words of /proc/kdbt/stats. */
static void engine_state(struct kdbt_stats *s)
{
	s->state = kdbt_eng.on ? "on" : "off";
	s->mode = kdbt_eng.mode == KDBT_MODE_FAST ? "fast" : "transparent";
	s->counters = kdbt_eng.counters ? "on" : "off";
	s->counter_form = kdbt_counters_direct() ? "direct" : "pointer";
}

/**
 * kdbt_service_stats() - clear @s and fill in the service's own figures
 * (the controller's kdbt_control_stats() adds the rest).  They grow under
 * kdbt_eng.lock or per CPU (reentries) and are read racily: good enough
 * for a report.
 * @s: receives them.
 */
void kdbt_service_stats(struct kdbt_stats *s)
{
	u32 n = READ_ONCE(kdbt_eng.tr.nblocks), i;
	int cpu;

	memset(s, 0, sizeof(*s));
	engine_state(s);
	s->uptime_ms = div_u64(kdbt_engine_on_ns(), NSEC_PER_MSEC);
	s->blocks = n ? n - 1 : 0;
	s->cache_bytes_used = READ_ONCE(kdbt_eng.tr.cache_used);
	s->cache_bytes_total = kdbt_eng.tr.mem.cache_size;
	s->cache_full = kdbt_eng.cache_full;
	s->dispatches = READ_ONCE(kdbt_eng.tr.dispatches);
	s->exits = READ_ONCE(kdbt_eng.tr.nexits);
	s->indirect_sites = READ_ONCE(kdbt_eng.tr.nsites);
	s->native_stubs = READ_ONCE(kdbt_eng.tr.native_stubs);
	s->extable_entries = READ_ONCE(kdbt_eng.nextable);
	s->extable_full = kdbt_eng.extable_full;
	s->switchons = kdbt_eng.ons;
	s->stack_rewrites = kdbt_eng.stack_rewrites;
	s->stack_pulls = kdbt_eng.stack_pulls;
	s->switchoffs = kdbt_eng.offs;
	s->locked_walk_max = READ_ONCE(kdbt_eng.locked_walk_max);
	for (i = 0; i < KDBT_REFUSE_NR; i++)
		s->refused += kdbt_eng.tr.refused[i];
	for_each_possible_cpu(cpu)
		s->dispatch_deferred += READ_ONCE(per_cpu(reentries, cpu));
}

/**
 * kdbt_engine_stats() - every statistic (KDBT_STATS()), for procfs.c and
 * the profile's snapshot header (profile.c): the filler the controller
 * registered at load (kdbt_eng.stats, control.c), which asks every layer.
 * Through a pointer because profile.c may not call the controller.
 * @s: receives them.
 */
void kdbt_engine_stats(struct kdbt_stats *s)
{
	kdbt_eng.stats(s, NULL);
}

/**
 * kdbt_engine_stats_with() - kdbt_engine_stats() with the profile's
 * totals given (the snapshot has just summed its blocks, kdbt_profile_totals()
 * need not do it again).
 * @s: receives them.
 * @t: the totals.
 */
void kdbt_engine_stats_with(struct kdbt_stats *s, const struct kdbt_totals *t)
{
	kdbt_eng.stats(s, t);
}
