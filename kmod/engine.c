// SPDX-License-Identifier: GPL-2.0
/*
 * engine.c - the kernel instance of the translator: its memory, its lock,
 * the C half of the dispatcher, exception-table mirroring, and switching
 * the system-call entry into the cache and back (stage 1 of issue 6).
 *
 * Owns: the code cache (cache.S) and its writable alias, the translator
 * tables, the counters, kdbt's exception table while translation has been
 * on, and MSR_LSTAR on every CPU while on.
 * Must never: run the dispatcher with interrupts on or sleep in it; write
 * the cache through its executable mapping; reuse cache memory that a CPU
 * or a stack may still reach (fast mode pins the module: see kdbt_off());
 * leave LSTAR pointing into the cache when translation is off.
 *
 * Locking: eng.lock (raw, interrupts off) guards the translator; the
 * dispatcher takes it from the cache, on/off take it around table work.
 * eng.control serialises on, off and mode changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/extable.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/unaligned.h>
#include <asm/msr.h>
#include "block.h"
#include "policy.h"
#include "kdbt.h"
#include "cache_size.h"

#define KDBT_BLOCKS	(256u << 10)
#define KDBT_EXITS	(768u << 10)
#define KDBT_SITES	(128u << 10)
#define KDBT_MAPS	(3u << 20)
#define KDBT_HASH	(1u << 18)
#define KDBT_EXTABLE	(32u << 10)

extern u8 kdbt_cache[];
extern char kdbt_entry_direct[], kdbt_entry_indirect[], kdbt_leave_indirect[];
u64 kdbt_dispatch_direct_c(u32 exit_id);
u64 kdbt_dispatch_indirect_c(u32 site_id, u64 target);

/*
 * In kdbt's .bss, so in the module area: within rel32/disp32 of the cache
 * and of kernel text.  The counters are reached rip-relative, the
 * jumptable by a sign-extended disp32, and extable entries hold 32-bit
 * offsets to cache and kernel addresses.
 */
static u64 kdbt_counters[KDBT_BLOCKS];
static u64 kdbt_jt[KDBT_JT_SIZE];
static struct exception_table_entry kdbt_extable[KDBT_EXTABLE];

struct kdbt_engine {
	struct kdbt_tr tr;
	struct kdbt_policy policy;
	raw_spinlock_t lock;
	struct mutex control;
	u8 *cache_rw;			/* vmap alias of kdbt_cache */
	bool on;
	bool ready;			/* tables allocated, tr initialised */
	bool extable_taken;		/* THIS_MODULE->extable is ours */
	bool fast_used;			/* fast mode ran: the cache stays */
	enum kdbt_mode mode;		/* for the next on */
	u64 entry_syscall;		/* native entry_SYSCALL_64 */
	u64 do_syscall;			/* native do_syscall_64 */
	u64 prologue;			/* its translated entry, or 0 */
	const struct exception_table_entry *(*search_extable)(unsigned long);
	struct exception_table_entry *own_extable;
	unsigned int own_num;
	unsigned int nextable;
	u64 extable_full;
	u64 flushes;
	u64 ons, offs;
};

static struct kdbt_engine eng = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(eng.lock),
	.control = __MUTEX_INITIALIZER(eng.control),
	.mode = KDBT_MODE_TRANSPARENT,
};

/* ------------------------------------------------------------------ */
/* Callbacks of the translator core                                    */
/* ------------------------------------------------------------------ */

static int read_code(void *ctx, u64 addr, u8 *buf, size_t len)
{
	return copy_from_kernel_nofault(buf, (const void *)addr, len) ?
	       -EFAULT : 0;
}

static bool may_translate(void *ctx, u64 addr)
{
	return !kdbt_policy_refuses(&eng.policy, addr);
}

/* The cache address of the instruction of @b that starts at @native. */
static u64 cache_in_block(const struct kdbt_block *b, u64 native)
{
	const struct kdbt_map *m = &eng.tr.mem.maps[b->map];
	u32 i;

	for (i = 0; i < b->ninsns; i++)
		if (b->native + m[i].native_off == native)
			return kdbt_block_entry(&eng.tr, b) + m[i].cache_off;
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

	if (eng.nextable >= KDBT_EXTABLE) {
		eng.extable_full++;
		return;
	}
	n = &kdbt_extable[eng.nextable];
	n->insn = (int)(cache_ip - (u64)&n->insn);
	n->fixup = (int)((in_cache ? in_cache : fixup) - (u64)&n->fixup);
	n->data = e->data;
	smp_wmb();
	WRITE_ONCE(THIS_MODULE->num_exentries, ++eng.nextable);
}

static void block_published(void *ctx, const struct kdbt_block *b)
{
	const struct kdbt_map *m = &eng.tr.mem.maps[b->map];
	u64 entry = kdbt_block_entry(&eng.tr, b);
	const struct exception_table_entry *e;
	u32 i;

	for (i = 0; i < b->ninsns; i++) {
		e = eng.search_extable(b->native + m[i].native_off);
		if (e)
			mirror_one(b, entry + m[i].cache_off, e);
	}
}

/* ------------------------------------------------------------------ */
/* The C half of the dispatcher (kentry.S calls these, interrupts off) */
/* ------------------------------------------------------------------ */

u64 notrace kdbt_dispatch_direct_c(u32 exit_id)
{
	u64 dest;

	raw_spin_lock(&eng.lock);
	dest = kdbt_dispatch_direct(&eng.tr, exit_id);
	raw_spin_unlock(&eng.lock);
	BUG_ON(!dest);		/* an exit id no stub can push */
	return dest;
}

u64 notrace kdbt_dispatch_indirect_c(u32 site_id, u64 target)
{
	u64 entry;

	raw_spin_lock(&eng.lock);
	entry = kdbt_dispatch_indirect(&eng.tr, site_id, target);
	raw_spin_unlock(&eng.lock);
	return entry ? entry : (u64)kdbt_leave_indirect;
}

/* ------------------------------------------------------------------ */
/* Setup: symbols, policy, memory                                       */
/* ------------------------------------------------------------------ */

static unsigned long sym(const char *name)
{
	return kdbt_ksyms.lookup_name(name);
}

static unsigned long sym_end(const char *name)
{
	unsigned long addr = sym(name), size, off;

	if (!addr || !kdbt_ksyms.lookup_size_offset(addr, &size, &off))
		return 0;
	return addr + size;
}

/* The never-translate ranges (policy.c), from this kernel's symbols. */
static int setup_policy(void)
{
	unsigned long stext = sym("_stext"), etext = sym("_etext");
	unsigned long entry = sym("__entry_text_start");
	unsigned long untrain = sym("srso_alias_untrain_ret");
	unsigned long safe = sym("srso_alias_safe_ret");
	int err = 0;

	if (!stext || !etext || !entry || !sym("__entry_text_end") ||
	    !sym("__indirect_thunk_start") || !sym("__indirect_thunk_end"))
		return -ENOENT;
	if (untrain && untrain < entry)
		entry = untrain;
	kdbt_policy_init(&eng.policy, stext, etext);
	err |= kdbt_policy_exclude(&eng.policy, entry, sym("__entry_text_end"),
				   "entry text");
	if (safe)
		err |= kdbt_policy_exclude(&eng.policy, safe,
					   sym_end("srso_alias_safe_ret"),
					   "entry text (SRSO safe ret)");
	err |= kdbt_policy_exclude(&eng.policy, sym("__indirect_thunk_start"),
				   sym("__indirect_thunk_end"), "thunk range");
	if (sym("pvh_start_xen"))
		err |= kdbt_policy_exclude(&eng.policy, stext,
					   sym_end("pvh_start_xen"),
					   "boot entry code");
	return err ? -EINVAL : 0;
}

/* The retpoline thunks by register and the return thunk in use. */
static int setup_thunks(struct kdbt_config *cfg)
{
	unsigned long array = sym("__x86_indirect_thunk_array");
	unsigned long *ret_thunk = (unsigned long *)sym("x86_return_thunk");
	int r;

	if (!array || !ret_thunk)
		return -ENOENT;
	for (r = 0; r < 16; r++)
		if (r != 4)	/* there is no %rsp thunk */
			cfg->indirect_thunk[r] = array + 32 * r;
	cfg->return_thunk = READ_ONCE(*ret_thunk);
	return 0;
}

/* A writable alias of the cache: its pages, mapped again by vmap(). */
static u8 *map_cache_rw(void)
{
	unsigned int i, n = KDBT_CACHE_BYTES >> PAGE_SHIFT;
	struct page **pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	void *rw = NULL;

	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = vmalloc_to_page(kdbt_cache + ((size_t)i << PAGE_SHIFT));
		if (!pages[i])
			goto out;
	}
	rw = vmap(pages, n, VM_MAP, PAGE_KERNEL);
out:
	kvfree(pages);
	return rw;
}

static void free_tables(struct kdbt_mem *mem)
{
	vfree(mem->blocks);
	vfree(mem->hash);
	vfree(mem->exits);
	vfree(mem->sites);
	vfree(mem->maps);
	vfree(mem->scratch);
}

static int alloc_tables(struct kdbt_mem *mem)
{
	mem->blocks = vzalloc(KDBT_BLOCKS * sizeof(*mem->blocks));
	mem->hash = vzalloc(KDBT_HASH * sizeof(*mem->hash));
	mem->exits = vzalloc(KDBT_EXITS * sizeof(*mem->exits));
	mem->sites = vzalloc(KDBT_SITES * sizeof(*mem->sites));
	mem->maps = vzalloc(KDBT_MAPS * sizeof(*mem->maps));
	mem->scratch = vzalloc(sizeof(struct kdbt_bb));
	if (!mem->blocks || !mem->hash || !mem->exits || !mem->sites ||
	    !mem->maps || !mem->scratch) {
		free_tables(mem);
		return -ENOMEM;
	}
	mem->max_blocks = KDBT_BLOCKS;
	mem->hash_size = KDBT_HASH;
	mem->max_exits = KDBT_EXITS;
	mem->max_sites = KDBT_SITES;
	mem->max_maps = KDBT_MAPS;
	mem->counters = kdbt_counters;
	mem->jt = kdbt_jt;
	mem->cache_addr = (u64)kdbt_cache;
	mem->cache_size = KDBT_CACHE_BYTES;
	return 0;
}

static int tr_init(enum kdbt_mode mode)
{
	struct kdbt_config cfg = {
		.mode = mode,
		.counters = true,
		.dispatch_direct = (u64)kdbt_entry_direct,
		.dispatch_indirect = (u64)kdbt_entry_indirect,
		.counters_addr = (u64)kdbt_counters,
		.jt_addr = (u64)kdbt_jt,
		.read_code = read_code,
		.may_translate = may_translate,
		.published = block_published,
	};
	struct kdbt_mem mem = eng.tr.mem;
	int err = setup_thunks(&cfg);

	if (err)
		return err;
	return kdbt_tr_init(&eng.tr, &cfg, &mem);
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

	eng.entry_syscall = sym("entry_SYSCALL_64");
	eng.do_syscall = sym("do_syscall_64");
	eng.search_extable = (void *)sym("search_kernel_exception_table");
	if (!eng.entry_syscall || !eng.do_syscall || !eng.search_extable) {
		pr_err("entry_SYSCALL_64, do_syscall_64 or search_kernel_exception_table not found\n");
		return -ENOENT;
	}
	err = setup_policy();
	if (err) {
		pr_err("cannot find the never-translate ranges: %d\n", err);
		return err;
	}
	eng.cache_rw = map_cache_rw();
	if (!eng.cache_rw)
		return -ENOMEM;
	eng.tr.mem.cache = eng.cache_rw;
	err = alloc_tables(&eng.tr.mem);
	if (err)
		goto out_unmap;
	err = tr_init(eng.mode);
	if (err)
		goto out_free;
	eng.ready = true;
	return 0;

out_free:
	free_tables(&eng.tr.mem);
out_unmap:
	vunmap(eng.cache_rw);
	return err;
}

/* ------------------------------------------------------------------ */
/* The system-call entry                                               */
/* ------------------------------------------------------------------ */

/*
 * A copy of entry_SYSCALL_64 up to its `call do_syscall_64`, made in the
 * cache (KERNEL-6.1.md section 3): the live bytes (alternatives applied),
 * verbatim, with rip-relative operands and rel32 branches that leave the
 * copy re-aimed at their native targets.  It has no counter, no push and
 * no dispatcher call: until +0x29 it runs on the user stack with the user
 * GS base.  It ends with an identity call: push the native return address
 * and jump to the translation of do_syscall_64, so the return runs the
 * native exit path (SYSRET or IRET) unchanged.
 */
static int build_prologue(u64 do_syscall_cache, u64 *out)
{
	struct kdbt_full_insn fi;
	u8 code[512], *p;
	u32 off = 0, fix[64], nfix = 0, i;
	u64 entry = eng.entry_syscall, addr, ret, tgt[64];
	bool rel8[64];
	s64 delta;

	if (read_code(NULL, entry, code, sizeof(code)))
		return -EFAULT;
	for (;;) {
		const ZydisDecodedInstruction *zi = &fi.zi;

		if (off >= sizeof(code) - KDBT_MAX_INSN_LEN || nfix == 64 ||
		    kdbt_decode_full(&eng.tr.dec, code + off, sizeof(code) - off,
				     &fi))
			return -ENOEXEC;
		if (zi->raw.imm[0].is_relative) {
			u64 t = entry + off + zi->length + zi->raw.imm[0].value.s;

			if (zi->mnemonic == ZYDIS_MNEMONIC_CALL &&
			    t == eng.do_syscall)
				break;
			tgt[nfix] = t;
			rel8[nfix] = zi->raw.imm[0].size != 32;
			fix[nfix++] = off + zi->raw.imm[0].offset;
		} else if ((zi->attributes & ZYDIS_ATTRIB_IS_RELATIVE) &&
			   zi->raw.disp.size == 32) {
			tgt[nfix] = 0;		/* data: always re-aimed */
			rel8[nfix] = false;
			fix[nfix++] = off + zi->raw.disp.offset;
		}
		off += zi->length;
	}
	/* Branches within the copy keep their offsets; others are re-aimed. */
	for (i = 0; i < nfix; i++) {
		if (tgt[i] >= entry && tgt[i] <= entry + off) {
			fix[i] = 0;
			continue;
		}
		if (rel8[i])
			return -ENOEXEC;
	}
	ret = entry + off + 5;
	p = kdbt_cache_alloc(&eng.tr, off + 10, &addr);
	if (!p)
		return -ENOSPC;
	delta = (s64)(entry - addr);
	memcpy(p, code, off);
	for (i = 0; i < nfix; i++) {
		s32 v;

		if (!fix[i])
			continue;
		memcpy(&v, p + fix[i], 4);
		if ((s64)v + delta != (s32)((s64)v + delta))
			return -ERANGE;
		v = (s32)((s64)v + delta);
		memcpy(p + fix[i], &v, 4);
	}
	if ((s64)ret != (s32)ret)
		return -ERANGE;
	p[off] = 0x68;				/* push $ret (sign-extended) */
	put_unaligned((u32)ret, (u32 *)(p + off + 1));
	p[off + 5] = 0xe9;			/* jmp T(do_syscall_64) */
	put_unaligned((u32)(do_syscall_cache - (addr + off + 10)),
		      (u32 *)(p + off + 6));
	*out = addr;
	return 0;
}

static void set_lstar(void *addr)
{
	wrmsrl(MSR_LSTAR, (u64)addr);
}

static bool lstar_is(u64 want)
{
	u64 v;

	rdmsrl(MSR_LSTAR, v);
	return v == want;
}

/* ------------------------------------------------------------------ */
/* on, off, mode                                                        */
/* ------------------------------------------------------------------ */

/* Start over with an empty cache: only when nothing can run in it. */
static void flush_locked(void)
{
	kdbt_tr_flush(&eng.tr);
	eng.tr.cfg.mode = eng.mode;
	eng.tr.detached = false;
	eng.prologue = 0;
	eng.nextable = 0;
	if (eng.extable_taken)
		WRITE_ONCE(THIS_MODULE->num_exentries, 0);
	eng.flushes++;
}

static int refuse(int err, const char *why)
{
	pr_warn("on refused: %s\n", why);
	return err;
}

static int check_can_run(void)
{
	if (boot_cpu_has(X86_FEATURE_PTI))
		return refuse(-EOPNOTSUPP, "kernel page-table isolation is active (module memory is not mapped in user page tables)");
	if (boot_cpu_has(X86_FEATURE_XENPV))
		return refuse(-ENODEV, "Xen PV guest");
	if (!lstar_is(eng.entry_syscall))
		return refuse(-EBUSY, "MSR_LSTAR is not entry_SYSCALL_64 (someone else owns the syscall entry)");
	if (eng.own_num)
		return refuse(-ENOEXEC, "kdbt's own exception table is not empty");
	return 0;
}

/* Translate do_syscall_64 and build the prologue (lock held). */
static int prepare_locked(void)
{
	struct kdbt_block *b;
	int err;

	if (eng.mode != eng.tr.cfg.mode)
		flush_locked();		/* kdbt_mode_set() made this safe */
	eng.tr.detached = false;
	if (eng.prologue)
		return 0;
	err = kdbt_translate(&eng.tr, eng.do_syscall, &b);
	if (!err)
		err = build_prologue(kdbt_block_entry(&eng.tr, b),
				     &eng.prologue);
	return err;
}

/**
 * kdbt_on() - run every system call from the code cache, on every CPU.
 *
 * Return: 0; -EOPNOTSUPP (PTI), -ENODEV (Xen PV), -EBUSY (LSTAR not
 * native), -ENOEXEC (an entry layout kdbt does not know), or another
 * -errno.  On failure the kernel keeps running natively.
 */
int kdbt_on(void)
{
	unsigned long flags;
	int err;

	mutex_lock(&eng.control);
	if (eng.on) {
		mutex_unlock(&eng.control);
		return 0;
	}
	if (!eng.extable_taken) {
		eng.own_extable = THIS_MODULE->extable;
		eng.own_num = THIS_MODULE->num_exentries;
	}
	err = check_can_run();
	if (err)
		goto out;
	raw_spin_lock_irqsave(&eng.lock, flags);
	err = prepare_locked();
	raw_spin_unlock_irqrestore(&eng.lock, flags);
	if (err) {
		refuse(err, err == -ENOEXEC ?
		       "entry_SYSCALL_64 has a layout kdbt does not know" :
		       "cannot translate the system-call path");
		goto out;
	}
	if (!eng.extable_taken) {
		WRITE_ONCE(THIS_MODULE->num_exentries, 0);
		smp_wmb();
		THIS_MODULE->extable = kdbt_extable;
		smp_wmb();
		eng.extable_taken = true;
	}
	WRITE_ONCE(THIS_MODULE->num_exentries, eng.nextable);
	if (eng.mode == KDBT_MODE_FAST && !eng.fast_used) {
		__module_get(THIS_MODULE);	/* see kdbt_off() */
		eng.fast_used = true;
	}
	cpus_read_lock();
	on_each_cpu(set_lstar, (void *)eng.prologue, 1);
	cpus_read_unlock();
	eng.on = true;
	eng.ons++;
	pr_info("on (%s mode): system calls run from the code cache\n",
		eng.mode == KDBT_MODE_FAST ? "fast" : "transparent");
out:
	mutex_unlock(&eng.control);
	return err;
}

/**
 * kdbt_off() - run the kernel natively again.
 *
 * Restores LSTAR on every CPU, then sends every branch still in the cache
 * to the dispatcher, which leaves for native code, and waits for every
 * task to pass a voluntary switch (synchronize_rcu_tasks(), the ftrace
 * trampoline pattern).  In transparent mode nothing can then reach the
 * cache, so module unload calls this and frees it.  In fast mode kernel
 * stacks may still hold cache return addresses, so kdbt_on() took a
 * module reference that is never dropped: the cache (and the module)
 * stays until kdbt can rewrite those stacks (a later stage), and rmmod
 * fails with EAGAIN ("in use").
 *
 * Return: 0.
 */
int kdbt_off(void)
{
	unsigned long flags;

	mutex_lock(&eng.control);
	if (!eng.on) {
		mutex_unlock(&eng.control);
		return 0;
	}
	cpus_read_lock();
	on_each_cpu(set_lstar, (void *)eng.entry_syscall, 1);
	cpus_read_unlock();
	raw_spin_lock_irqsave(&eng.lock, flags);
	kdbt_tr_detach(&eng.tr);
	raw_spin_unlock_irqrestore(&eng.lock, flags);
	synchronize_rcu_tasks();
	synchronize_rcu();
	eng.on = false;
	eng.offs++;
	pr_info("off: the kernel runs natively\n");
	mutex_unlock(&eng.control);
	return 0;
}

/**
 * kdbt_mode_set() - choose the call/ret mode of the next on.
 * @fast: fast mode, else transparent.
 *
 * Return: 0; -EBUSY while on, or after fast mode has run (its cache may
 * still be on stacks, so it cannot be flushed for the other mode).
 */
int kdbt_mode_set(bool fast)
{
	enum kdbt_mode mode = fast ? KDBT_MODE_FAST : KDBT_MODE_TRANSPARENT;
	int err = 0;

	mutex_lock(&eng.control);
	if (eng.on)
		err = -EBUSY;
	else if (mode != eng.mode && eng.fast_used)
		err = -EBUSY;
	else
		eng.mode = mode;
	mutex_unlock(&eng.control);
	return err;
}

/**
 * kdbt_engine_exit() - switch off if on, then free everything; called at
 * unload, which fast mode prevents by its module reference.
 */
void kdbt_engine_exit(void)
{
	if (!eng.ready)
		return;
	kdbt_off();		/* transparent mode only: fast mode pins */
	if (eng.extable_taken) {
		THIS_MODULE->num_exentries = 0;
		smp_wmb();
		THIS_MODULE->extable = eng.own_extable;
		THIS_MODULE->num_exentries = eng.own_num;
	}
	free_tables(&eng.tr.mem);
	vunmap(eng.cache_rw);
	eng.ready = false;
}

/* ------------------------------------------------------------------ */
/* Figures for /proc/kdbt/stats                                         */
/* ------------------------------------------------------------------ */

/**
 * kdbt_engine_stats() - a snapshot of the engine's figures (racy reads of
 * counters that only grow: good enough for a report).
 * @s: receives them.
 */
void kdbt_engine_stats(struct kdbt_stats *s)
{
	u32 n = READ_ONCE(eng.tr.nblocks), i;

	memset(s, 0, sizeof(*s));
	s->on = eng.on;
	s->mode_fast = eng.mode == KDBT_MODE_FAST;
	s->blocks = n ? n - 1 : 0;
	s->cache_used = READ_ONCE(eng.tr.cache_used);
	s->cache_total = KDBT_CACHE_BYTES;
	s->dispatches = READ_ONCE(eng.tr.dispatches);
	s->exits = READ_ONCE(eng.tr.nexits);
	s->sites = READ_ONCE(eng.tr.nsites);
	s->native_stubs = READ_ONCE(eng.tr.native_stubs);
	s->extable_entries = READ_ONCE(eng.nextable);
	s->extable_full = eng.extable_full;
	s->flushes = eng.flushes;
	s->ons = eng.ons;
	s->offs = eng.offs;
	for (i = 1; i < n; i++) {
		const struct kdbt_block *b = &eng.tr.mem.blocks[i];
		u64 c = READ_ONCE(kdbt_counters[i]);

		s->instructions += c * b->ninsns;
		s->block_execs += c;
		if (b->end == KDBT_END_JMP_IND || b->end == KDBT_END_CALL_IND ||
		    (b->end == KDBT_END_RET && !s->mode_fast))
			s->indirect += c;
	}
	for (i = 0; i < READ_ONCE(eng.tr.nsites); i++)
		s->jt_misses += READ_ONCE(eng.tr.mem.sites[i].misses);
	for (i = 0; i < KDBT_REFUSE_NR; i++)
		s->refused += eng.tr.refused[i];
}
