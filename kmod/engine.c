// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - the kernel instance of the translator: its memory, its lock,
 * the C half of the dispatcher, exception-table mirroring, on/off/mode/
 * reset, refilling a full cache, and waiting until nothing can reach the
 * cache before it is emptied or freed (quiesce()).  The entries
 * themselves are entries.c's; stack rewriting is stacks.c's.
 *
 * Owns: the code cache (cache.S) (its writable alias is alias.c's), the translator
 * tables, the counters, kdbt's exception table while translation has been
 * on, and the module reference fast mode holds while on.
 * Must never: run the dispatcher with interrupts on or sleep in it; write
 * the cache through its executable mapping; empty or free cache memory
 * that a CPU or a stack may still reach (quiesce() first); leave entries
 * pointing into the cache when translation is off.
 *
 * Locking: kdbt_eng.lock (raw, interrupts off) guards the translator; the
 * dispatcher takes it from the cache, on/off take it around table work.
 * kdbt_eng.control serialises on, off and mode changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/extable.h>
#include <linux/irq_work.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
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
 * up at load and when a module comes or goes (kdbt_native_fns_update()),
 * and written under kdbt_eng.lock, under which the translator reads them
 * (kdbt_pull_c()'s look before it takes the lock may race: it only
 * decides whether to try).
 */
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
 * natively up again; @going: a module about to go, whose functions are
 * dropped (its symbols still resolve now).  Called at load and from the
 * module notifier (textpoke.c), before a coming module's code runs.
 */
void kdbt_native_fns_update(struct module *going)
{
	struct kdbt_range r[ARRAY_SIZE(native_fn_names)] = { };
	unsigned long flags, size, off;
	int i;

	for (i = 0; i < ARRAY_SIZE(native_fn_names); i++) {
		unsigned long a = kdbt_ksym_addr(native_fn_names[i]);

		if (!a || !kdbt_ksyms.lookup_size_offset(a, &size, &off) ||
		    (going && within_module(a, going)))
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

static void block_published(void *ctx, const struct kdbt_block *b)
{
	const struct kdbt_map *m = &kdbt_eng.tr.mem.maps[b->map];
	u64 entry = kdbt_block_entry(&kdbt_eng.tr, b);
	const struct exception_table_entry *e;
	u32 id = b - kdbt_eng.tr.mem.blocks, i;
	int cpu;

	for (i = 0; i < b->ninsns; i++) {
		e = extable_entry(b->native + m[i].native_off);
		if (e)
			mirror_one(b, entry + m[i].cache_off, e);
	}
	for_each_possible_cpu(cpu)
		*kdbt_counter_ptr(cpu, id) = 0;
	kdbt_profile_published_locked(b);
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

void kdbt_unlock(unsigned long flags)
{
	kdbt_alias_seal_locked();
	raw_spin_unlock(&kdbt_eng.lock);
	this_cpu_dec(in_dispatch);
	local_irq_restore(flags);
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

static void refill(struct work_struct *work);
static DECLARE_WORK(refill_work, refill);

/*
 * The dispatcher may run inside code that holds any lock - the
 * scheduler's run-queue lock, a workqueue pool's lock - so it must not
 * queue work itself (queue_work() may take those very locks to wake a
 * worker: the CPU would deadlock on itself with interrupts off, and the
 * other CPUs behind it on kdbt_eng.lock).  It raises an irq_work instead,
 * whose callback runs once this CPU has interrupts on again, outside
 * every such lock.
 */
static void refill_kick(struct irq_work *w)
{
	queue_work(system_unbound_wq, &refill_work);
}

static DEFINE_IRQ_WORK(refill_irq_work, refill_kick);

/*
 * The cache is full (lock held): targets go native from now on, until
 * the refill work has emptied it.
 */
static void note_full_locked(void)
{
	lockdep_assert_held(&kdbt_eng.lock);
	if (!tr_full(&kdbt_eng.tr) || kdbt_eng.refill_pending ||
	    kdbt_eng.unloading)
		return;
	kdbt_eng.cache_full++;
	kdbt_eng.refill_pending = true;
	irq_work_queue(&refill_irq_work);
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

/* The never-translate ranges (policy.c), from this kernel's symbols. */
static int setup_policy(void)
{
	unsigned long stext = sym("_stext"), etext = sym("_etext");
	unsigned long entry = sym("__entry_text_start");
	unsigned long untrain = sym("srso_alias_untrain_ret");
	unsigned long safe = sym("srso_alias_safe_ret");
	unsigned long alias_ret = sym("srso_alias_return_thunk");
	unsigned long thunks, thunks_end;
	int err = 0;

	if (!stext || !etext || !entry || !sym("__entry_text_end") ||
	    thunk_range(&thunks, &thunks_end))
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

static int tr_init(enum kdbt_mode mode)
{
	struct kdbt_config cfg = {
		.mode = mode,
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
		.published = block_published,
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
 * kdbt_engine_init() - resolve symbols and allocate everything; called at
 * load.  Translation starts later, from /proc/kdbt/control.
 *
 * Return: 0, -ENOENT (a symbol is missing) or -ENOMEM.
 */
int kdbt_engine_init(void)
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
	kdbt_native_fns_update(NULL);
	err = kdbt_stacks_init();	/* (finds a tracepoint, holds nothing) */
	if (err) {
		pr_err("cannot find the sched_process_fork tracepoint: %d\n", err);
		return err;
	}
	kdbt_eng.tr.mem.cache = kdbt_eng.cache_rw;	/* main.c mapped it */
	err = alloc_tables(&kdbt_eng.tr.mem);
	if (err)
		return err;
	err = kdbt_profile_init();
	if (err)
		goto out_free;
	err = tr_init(kdbt_eng.mode);
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
	free_tables(&kdbt_eng.tr.mem);
	return err;
}

/* ------------------------------------------------------------------ */
/* on, off, mode                                                        */
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
	kdbt_profile_flush_locked();
	kdbt_walked_locked(kdbt_tr_flush(&kdbt_eng.tr));
	kdbt_eng.tr.cfg.mode = kdbt_eng.mode;
	kdbt_eng.tr.cfg.counters = kdbt_eng.counters;
	kdbt_eng.tr.detached = false;
	kdbt_entries_forget_locked();
	kdbt_eng.nextable = 0;
	if (kdbt_eng.extable_taken)
		WRITE_ONCE(THIS_MODULE->num_exentries, 0);
}

static int refuse(int err, const char *why)
{
	pr_warn("on refused: %s\n", why);
	return err;
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

/* Attach the translator and build the entry copies (lock held). */
/* The next on needs a new cache: the mode or counting changed. */
static bool config_changed(void)
{
	return kdbt_eng.mode != kdbt_eng.tr.cfg.mode ||
	       kdbt_eng.counters != kdbt_eng.tr.cfg.counters;
}

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
	err = check_can_run();
	if (err)
		goto out;
	if (config_changed()) {
		err = quiesce();	/* prepare_locked() flushes */
		if (err)
			goto out;
		flush_stage();
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
	if (!kdbt_eng.extable_taken) {
		WRITE_ONCE(THIS_MODULE->num_exentries, 0);
		smp_wmb();
		THIS_MODULE->extable = kdbt_extable;
		smp_wmb();
		kdbt_eng.extable_taken = true;
	}
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

/* Nanoseconds since the latest on; 0 while off. */
u64 kdbt_engine_on_ns(void)
{
	u64 since = READ_ONCE(kdbt_eng.on_since);

	return READ_ONCE(kdbt_eng.on) ? ktime_get_ns() - since : 0;
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
	mutex_unlock(&kdbt_eng.control);
	if (kdbt_eng.extable_taken) {
		THIS_MODULE->num_exentries = 0;
		smp_wmb();
		THIS_MODULE->extable = kdbt_eng.own_extable;
		THIS_MODULE->num_exentries = kdbt_eng.own_num;
	}
	kdbt_stacks_exit();
	kdbt_refuse_exit();
	kdbt_textpoke_exit();
	kdbt_entries_exit();
	kdbt_profile_exit();
	free_tables(&kdbt_eng.tr.mem);
	kdbt_eng.ready = false;
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
 * kdbt_engine_stats() - every statistic (KDBT_STATS()): the engine's own
 * figures, those of the other kernel glue (their *_stats() fillers) and
 * those that follow from them; the profile's totals come from one epoch
 * (profile.c), the rest grow under kdbt_eng.lock or per CPU (reentries)
 * and are read racily: good enough for a report.
 * @s: receives them.
 */
void kdbt_engine_stats(struct kdbt_stats *s)
{
	u32 n = READ_ONCE(kdbt_eng.tr.nblocks), i;
	int cpu;

	memset(s, 0, sizeof(*s));
	engine_state(s);
	s->uptime_ms = div_u64(kdbt_engine_on_ns(), NSEC_PER_MSEC);
	s->blocks = n ? n - 1 : 0;
	s->functions = kdbt_profile_nfuncs() - 1;
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
	kdbt_profile_totals(&s->t);
	s->lost_estimate = kdbt_lost_estimate(&s->t);
	for (i = 0; i < KDBT_REFUSE_NR; i++)
		s->refused += kdbt_eng.tr.refused[i];
	for_each_possible_cpu(cpu)
		s->dispatch_deferred += READ_ONCE(per_cpu(reentries, cpu));
	kdbt_entries_stats(s);
	kdbt_coverage_stats(s);
	kdbt_textpoke_stats(s);
	kdbt_stacks_stats(s);
	kdbt_stats_finish(s);
}
