// SPDX-License-Identifier: GPL-2.0
/*
 * entries.c - lead the kernel's entries into the code cache: the calls
 * that the native entry code makes of its C handlers (do_syscall_64, the
 * exc_* and sysvec_* handlers, common_interrupt) enter their translations
 * while translation is on, and interrupted native kernel contexts are
 * pulled into the cache on their way back (docs/ARCHITECTURE.md,
 * "Entries").
 *
 * The IDT, MSR_LSTAR and all entry code but those call sites stay the
 * kernel's own.  The entry code runs natively - swapgs, the stack switch
 * and, with page-table isolation, the switch to the kernel's page tables,
 * where module memory is mapped - and reaches kdbt only where it calls C.
 * Each site is a 5-byte `call rel32` in entry text, found by walking the
 * stub of every IDT gate (and entry_SYSCALL_64) to its call of the C
 * function named after it (asm_X calls X), or of the call-depth
 * accounting thunk right before it (6.12, retbleed=stuff), which the
 * trampoline then leads to, as the site did.
 *
 * At the first on, each site is made to call a trampoline of its own in
 * the cache's last page, which the translator never uses: a `jmp rel32`
 * with its rel32 4-aligned.  The kernel's own text-poke batch writes the
 * sites (text_poke_queue(), text_poke_finish(): an int3 first, so a CPU
 * that meets a site being written is emulated, never torn), once; they
 * stay so until unload (kdbt_entries_release()).  From then on, on and
 * off only aim the trampolines - at the cache, or at the native handlers
 * - with one aligned store each, as chaining does: a CPU that still
 * takes the old aim reaches code that stays valid until quiesce() has
 * waited for it; then every CPU is serialised and the aims stored again
 * (publish_aims(), for QEMU's TCG).  While off, an entry costs one extra
 * `jmp`.
 *
 * The system-call trampoline leads to the translation of do_syscall_64,
 * which returns natively.  An interrupt or exception trampoline leads to
 * a stub:
 *	movq $post,(%rsp); jmp T(handler)
 * post:	push %rax; lea 8(%rsp),%rdi; mov $vector,%esi;
 *	call kdbt_pull_entry; pop %rax; jmp site+5
 * so that on its way back kdbt_pull_c() can move an interrupted native
 * kernel context to the translation of its instruction (idle loops,
 * kernel threads and tasks resumed natively come into the cache too).
 * Meanwhile the stack holds the post stub where the native return address
 * was; stacks.c maps it back (kdbt_entries_native_for()).  Sites shared
 * by many vectors (common_interrupt) have one trampoline.
 *
 * Owns: the sites and their stubs (found and made under kdbt_eng.lock,
 * once per cache flush), the trampolines (a slot per site for the
 * module's life; aimed under the control mutex), writing the sites
 * (control mutex, cpus_read_lock() and text_mutex, in that order), and a
 * CPU hotplug state from load to unload (a CPU going offline takes
 * kdbt_eng.lock no more until it is back, see kdbt_cpu_leaving()).
 * Must never: write a site whose bytes are not the call it expects; touch
 * the sites of IST vectors or #BP (their handlers stay native); leave a
 * trampoline aimed into the cache after kdbt_entries_remove() or across
 * a flush, or a site calling a trampoline after kdbt_entries_release();
 * pull a context that is user mode, in the cache, or in code the policy
 * keeps native; call the controller (control.c drives it: glue layer,
 * docs/ARCHITECTURE.md, "Layers").  While it writes the sites it sets
 * kdbt_eng.entries_poking, for textpoke.c, which may not call it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/kdebug.h>
#include <linux/kprobes.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rcupdate_wait.h>
#include <asm/desc.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/sync_core.h>
#include <asm/text-patching.h>
#include "compat.h"
#include "core/block.h"
#include "cache_size.h"
#include "core/emit.h"
#include "kdbt.h"
#include "engine.h"

#define STUB_MAX	64
#define STUB_FIXUPS	4
#define WALK_INSNS	96
#define MAX_SITES	64
#define CALL_LEN	5
#define TRAMP_SLOT	8	/* int3 x3, jmp, rel32 (4-aligned) */
#define BP_VECTOR	3

void kdbt_pull_c(struct pt_regs *regs, unsigned long vector);
void kdbt_pull_entry(void);	/* kentry.S: kdbt_pull_c() on the dispatcher stack */

/* A stub being built, before it has a cache address. */
struct stub {
	u8 out[STUB_MAX];
	u32 len;
	u32 post_off;		/* the post stub */
	u32 nfix;
	struct {
		u32 field;	/* offset of a rel32/imm32 field */
		u32 end;	/* offset its displacement is relative to */
		u64 target;	/* absolute target */
		bool abs;	/* an imm32 holding stub + target */
	} fix[STUB_FIXUPS];
};

/* A call of a C handler in entry text. */
struct site {
	u64 addr;		/* the call instruction */
	u64 handler;		/* its native target */
	int vector;		/* the first vector reaching it; -1: syscall */
	u64 stub;		/* what it calls while installed */
	u64 post;		/* the post stub, standing for addr + 5; or 0 */
	u64 stub_end;		/* the end of the stub at stub, if post */
	unsigned int slot;	/* its trampoline */
};

/* A trampoline: which site calls it, or will (kept for the module's life). */
struct tramp {
	u64 site, handler;
	u64 aim;		/* where its jmp leads (aim_tramp()) */
	bool poked;		/* the site calls the trampoline */
};

static struct {
	u64 entry_syscall, do_syscall;
	struct desc_ptr idt;		/* the IDT whose gates were walked */
	struct site site[MAX_SITES];
	unsigned int nsites;
	struct tramp tramp[MAX_SITES];
	unsigned int ntramps;
	unsigned int vectors, vectors_native;
	DECLARE_BITMAP(kept, IDT_ENTRIES);	/* vectors left native */
	int hp_state;			/* our dynamic CPU hotplug state */
	bool installed;			/* the trampolines lead into the cache */
	u64 pulls, frame_pulls;		/* under kdbt_eng.lock */
	u64 cpus_installed;		/* under the CPU hotplug lock */
	u64 stale_breakpoints;		/* racy: an approximate count */
	bool injecting;			/* inject_int3s() at work */
	/* the kernel's text-poke batch and text_poke() (not exported) */
	void (*poke_queue)(void *addr, const void *opcode, size_t len,
			   const void *emulate);
	void (*poke_finish)(void);
	void *(*poke)(void *addr, const void *opcode, size_t len);
	struct mutex *text_mutex;
} ent;

/* Under kdbt_eng.lock. */
static struct stub stub_buf;
static char name_buf[KSYM_NAME_LEN];

static void put(struct stub *c, const void *p, u32 n)
{
	if (c->len + n > STUB_MAX) {
		c->len = STUB_MAX + 1;		/* poisoned: refused later */
		return;
	}
	memcpy(c->out + c->len, p, n);
	c->len += n;
}

static void put_u8(struct stub *c, u8 b)
{
	put(c, &b, 1);
}

/* Record that the 4 bytes at @field, relative to @end, must reach @t. */
static int fixup(struct stub *c, u32 field, u32 end, u64 t, bool abs)
{
	if (c->nfix == STUB_FIXUPS)
		return -E2BIG;
	c->fix[c->nfix].field = field;
	c->fix[c->nfix].end = end;
	c->fix[c->nfix].target = t;
	c->fix[c->nfix].abs = abs;
	c->nfix++;
	return 0;
}

/* A branch opcode with a rel32 to native @t (call, jmp, or jcc). */
static int put_rel32(struct stub *c, const u8 *op, u32 oplen, u64 t)
{
	u32 zero = 0;

	put(c, op, oplen);
	put(c, &zero, 4);
	return fixup(c, c->len - 4, c->len, t, false);
}

/*
 * The stub of an interrupt or exception site (see the top of the file):
 * the handler, at @fn_cache, runs translated and returns to the post
 * stub in place of @ret, the site's native return address.
 */
static int build_stub(struct stub *c, u64 fn_cache, u64 ret, int vector)
{
	static const u8 mov_to_top[] = { 0x48, 0xc7, 0x04, 0x24 };
	static const u8 post[] = { 0x50, 0x48, 0x8d, 0x7c, 0x24, 0x08, 0xbe };
	static const u8 jmp = 0xe9, call = 0xe8, pop_rax = 0x58;
	u32 field, zero = 0;
	int err;

	memset(c, 0, sizeof(*c));
	put(c, mov_to_top, sizeof(mov_to_top));
	field = c->len;
	put(c, &zero, 4);
	err = put_rel32(c, &jmp, 1, fn_cache);
	c->post_off = c->len;
	err = err ?: fixup(c, field, 0, c->post_off, true);
	put(c, post, sizeof(post));
	put(c, &vector, 4);
	err = err ?: put_rel32(c, &call, 1, (u64)kdbt_pull_entry);
	put_u8(c, pop_rax);
	return err ?: put_rel32(c, &jmp, 1, ret);
}

/* Give the stub its cache address and resolve its fixups (lock held). */
static int place(struct stub *c, u64 *out)
{
	u64 addr;
	u8 *p;
	u32 i;

	if (c->len > STUB_MAX)
		return -E2BIG;
	p = kdbt_cache_alloc(&kdbt_eng.tr, c->len, &addr);
	if (!p)
		return -ENOSPC;
	for (i = 0; i < c->nfix; i++) {
		s64 v = c->fix[i].abs ? (s64)(addr + c->fix[i].target) :
			(s64)(c->fix[i].target - (addr + c->fix[i].end));

		if (v != (s32)v)
			return -ERANGE;
		put_unaligned((u32)v, (u32 *)(c->out + c->fix[i].field));
	}
	memcpy(p, c->out, c->len);
	*out = addr;
	return 0;
}

/* What an entry stub may not contain before its C call. */
static bool stops_walk(const ZydisDecodedInstruction *zi)
{
	switch (zi->meta.category) {
	case ZYDIS_CATEGORY_RET:
	case ZYDIS_CATEGORY_INTERRUPT:
	case ZYDIS_CATEGORY_SYSRET:
		return true;
	default:
		break;
	}
	return zi->mnemonic == ZYDIS_MNEMONIC_UD0 ||
	       zi->mnemonic == ZYDIS_MNEMONIC_UD1 ||
	       zi->mnemonic == ZYDIS_MNEMONIC_UD2 ||
	       zi->mnemonic == ZYDIS_MNEMONIC_IRETQ;
}

/*
 * The C handler an entry stub calls: X for the stub asm_X (the kernel's
 * idtentry macros name them so), found from the call instruction at @ip;
 * 0 if the stub has no such name.  Lock held (name_buf).
 */
static u64 named_handler(u64 ip)
{
	unsigned long size, off;
	char *mod;

	if (!kdbt_ksyms.lookup(ip, &size, &off, &mod, name_buf) ||
	    strncmp(name_buf, "asm_", 4))
		return 0;
	return kdbt_ksym_addr(name_buf + 4);
}

/*
 * Does a call of @t call @handler?  Directly, or (call-depth tracking,
 * 6.12's retbleed=stuff) through the accounting thunk the kernel wrote
 * into the handler's padding (cfg.call_depth): the call's target, which
 * the site keeps calling, falls through into the handler.
 */
static bool calls_handler(u64 t, u64 handler)
{
	struct kdbt_full_insn fi;
	u8 b[KDBT_MAX_INSN_LEN];

	if (!handler || t == handler)
		return !!handler;
	if (!kdbt_eng.tr.cfg.call_depth || t >= handler ||
	    handler - t > KDBT_MAX_INSN_LEN ||
	    kdbt_read_code(NULL, t, b, sizeof(b)) ||
	    kdbt_decode_full(&kdbt_eng.tr.dec, b, sizeof(b), &fi))
		return false;
	return t + fi.zi.length == handler &&
	       kdbt_call_depth_ref(&fi.zi, t, ZYDIS_MNEMONIC_SAR) ==
	       kdbt_eng.tr.cfg.call_depth;
}

/**
 * find_site() - walk an entry stub to its call of its C handler.
 * @ip: the stub (a gate's target, or entry_SYSCALL_64).
 * @handler: the handler it must call, or 0 for the one named after it.
 * @site: receives the address of the call instruction.
 * @target: receives the handler.
 *
 * Goes straight through conditional branches, follows jumps into more
 * entry code (irq_entries_start -> asm_common_interrupt), and passes
 * calls of other functions (error_entry, the return-stack untraining).
 *
 * Return: 0, or -ENOEXEC for a stub kdbt does not know (it stays native).
 */
static u64 native_target(u64 ip, u64 t);

static int find_site(u64 ip, u64 handler, u64 *site, u64 *target)
{
	struct kdbt_full_insn fi;
	const ZydisDecodedInstruction *zi = &fi.zi;
	u8 b[KDBT_MAX_INSN_LEN];
	int n, follows = 0;

	for (n = 0; n < WALK_INSNS; n++) {
		u64 next, t;

		if (kdbt_read_code(NULL, ip, b, sizeof(b)) ||
		    kdbt_decode_full(&kdbt_eng.tr.dec, b, sizeof(b), &fi))
			return -ENOEXEC;
		next = ip + zi->length;
		if (stops_walk(zi))
			return -ENOEXEC;
		if (!zi->raw.imm[0].is_relative) {
			ip = next;
			continue;
		}
		t = native_target(ip, next + zi->raw.imm[0].value.s);
		if (zi->mnemonic == ZYDIS_MNEMONIC_CALL && b[0] == 0xe8 &&
		    zi->length == CALL_LEN &&
		    calls_handler(t, handler ?: named_handler(ip))) {
			*site = ip;
			*target = t;
			return 0;
		}
		if (zi->mnemonic == ZYDIS_MNEMONIC_JMP) {
			if (kdbt_may_translate(t) || !kdbt_in_core_text(t) ||
			    ++follows > 4)
				return -ENOEXEC;
			next = t;
		}
		ip = next;
	}
	return -ENOEXEC;
}

/* The trampoline in slot @k: its jmp, and its rel32 through the alias. */
static u64 tramp_addr(unsigned int k)
{
	return (u64)kdbt_cache + KDBT_TRAMP_OFF + k * TRAMP_SLOT + 3;
}

static void aim_tramp_locked(unsigned int k, u64 target)
{
	u32 off = KDBT_TRAMP_OFF + k * TRAMP_SLOT + 4;

	lockdep_assert_held(&kdbt_eng.lock);
	ent.tramp[k].aim = target;
	kdbt_alias_open_locked(NULL, off, 4);
	emit_patch_rel32(kdbt_eng.cache_rw + off, (u64)kdbt_cache + off,
			 target);
}

/* The same from control (the lock guards the alias, alias.c). */
static void aim_tramp(unsigned int k, u64 target)
{
	unsigned long flags = kdbt_lock();

	aim_tramp_locked(k, target);
	kdbt_unlock(flags);
}

static void serialize_cpu(void *unused)
{
	sync_core();
}

/*
 * After a round of aim_tramp() stores, make every CPU take the new aims
 * (control held, CPU hotplug lock held; sleeps).  The stores are plain:
 * a CPU racing one takes the old aim, which stays valid until quiesce().
 * An IPI then serialises every CPU, as the SDM asks of code another CPU
 * modified (vol. 3A, 8.1.3; the kernel's text_poke_sync()).
 *
 * Under QEMU's TCG that is not enough: a CPU that was translating a
 * trampoline while its aim was stored keeps a translation of the old
 * bytes until its page is written again (docs/KERNEL.md, sections 5
 * and 6) - every system call through it native after on, or into a
 * flushed cache after off.  Once every CPU has come through
 * the IPI, no translation begun before the stores is still in progress:
 * the aims are stored once more, which drops every translation of the
 * page, the stale one too, and a translation made now reads the new aims.
 */
static void publish_aims(void)
{
	unsigned int k;

	lockdep_assert_held(&kdbt_eng.control);
	on_each_cpu(serialize_cpu, NULL, 1);
	for (k = 0; k < ent.ntramps; k++)
		aim_tramp(k, ent.tramp[k].aim);
	on_each_cpu(serialize_cpu, NULL, 1);
}

static int slot_of(u64 site)
{
	unsigned int k;

	for (k = 0; k < ent.ntramps; k++)
		if (ent.tramp[k].site == site)
			return k;
	return -1;
}

/* What a call at @ip of @t calls natively: @t, or the site's handler. */
static u64 native_target(u64 ip, u64 t)
{
	int k = slot_of(ip);

	return k >= 0 && t == tramp_addr(k) ? ent.tramp[k].handler : t;
}

/* The slot of the site at @site, made (aimed at @handler) if need be. */
static int tramp_for(u64 site, u64 handler)
{
	static const u8 head[] = { 0xcc, 0xcc, 0xcc, 0xe9 };
	int k = slot_of(site);

	if (k >= 0)
		return k;
	if (ent.ntramps == MAX_SITES ||
	    (ent.ntramps + 1) * TRAMP_SLOT > KDBT_TRAMP_BYTES)
		return -E2BIG;
	k = ent.ntramps++;
	ent.tramp[k].site = site;
	ent.tramp[k].handler = handler;
	kdbt_alias_open_locked(NULL, KDBT_TRAMP_OFF + k * TRAMP_SLOT,
			       sizeof(head));
	memcpy(kdbt_eng.cache_rw + KDBT_TRAMP_OFF + k * TRAMP_SLOT, head,
	       sizeof(head));
	aim_tramp_locked(k, handler);
	return k;
}

static struct site *site_at(u64 addr)
{
	unsigned int i;

	for (i = 0; i < ent.nsites; i++)
		if (ent.site[i].addr == addr)
			return &ent.site[i];
	return NULL;
}

static bool rel32_reaches(u64 from_end, u64 to)
{
	s64 d = to - from_end;

	return d == (s32)d;
}

/**
 * add_site() - find the site of the stub at @start and make what it will
 * call: the handler's translation, and for a vector its stub (lock held).
 * @start: the stub.
 * @handler: as for find_site().
 * @vector: the IDT vector, or -1 for the system-call entry.
 *
 * Return: 0 (also for a site another vector added already), -ENOEXEC (the
 * vector stays native), -E2BIG, -ERANGE, or -ENOSPC (the cache is full).
 */
static int add_site(u64 start, u64 handler, int vector)
{
	struct kdbt_block *b;
	struct site *s;
	u64 addr, target;
	int err, k;

	err = find_site(start, handler, &addr, &target);
	if (err || site_at(addr))
		return err;
	k = tramp_for(addr, target);
	if (k < 0 || ent.nsites == MAX_SITES)
		return -E2BIG;
	err = kdbt_translate(&kdbt_eng.tr, target, &b);
	if (err)
		return err;
	s = &ent.site[ent.nsites];
	s->addr = addr;
	s->handler = target;
	s->vector = vector;
	s->stub = kdbt_block_entry(&kdbt_eng.tr, b);
	s->post = 0;
	s->slot = k;
	if (vector >= 0) {
		err = build_stub(&stub_buf, s->stub, addr + CALL_LEN, vector);
		err = err ?: place(&stub_buf, &s->stub);
		if (err)
			return err;
		s->post = s->stub + stub_buf.post_off;
		s->stub_end = s->stub + stub_buf.len;
	}
	if (!rel32_reaches(addr + CALL_LEN, tramp_addr(k)) ||
	    !rel32_reaches(tramp_addr(k) + CALL_LEN, s->stub))
		return -ERANGE;
	/* the site before the count (traces.c reads them without the lock) */
	smp_store_release(&ent.nsites, ent.nsites + 1);
	return 0;
}

/* ------------------------------------------------------------------ */

/*
 * An int3 at a site whose byte is no longer int3, that no batch claimed:
 * a stale translation of the site's page under QEMU's TCG (see
 * poke_sites_again()).  Back up to the site and run it again, as 6.1's
 * kprobe handler does for a breakpoint removed under it; once the site
 * is written again, the CPU reads its new bytes.  Registered from load to
 * unload: sites are only written in between.
 */
static int site_int3(struct notifier_block *nb, unsigned long val,
		     void *data)
{
	struct pt_regs *regs = ((struct die_args *)data)->regs;
	u64 ip = regs->ip - INT3_INSN_SIZE;
	unsigned int k, n = READ_ONCE(ent.ntramps);

	if (val != DIE_INT3 || user_mode(regs))
		return NOTIFY_DONE;
	for (k = 0; k < n; k++) {
		if (ent.tramp[k].site != ip)
			continue;
		if (*(u8 *)ip == INT3_INSN_OPCODE && !READ_ONCE(ent.injecting))
			return NOTIFY_DONE;	/* someone else's int3 */
		regs->ip = ip;
		ent.stale_breakpoints++;
		return NOTIFY_STOP;
	}
	return NOTIFY_DONE;
}
NOKPROBE_SYMBOL(site_int3);

static struct notifier_block site_int3_nb = {
	.notifier_call = site_int3,
	.priority = INT_MIN,	/* after everyone else */
};

static int kdbt_cpu_up(unsigned int cpu);
static int kdbt_cpu_down(unsigned int cpu);

static u64 sym(const char *name)
{
	return kdbt_ksym_addr(name);
}

/**
 * kdbt_entries_init() - find the entry and the text-poke batch, and
 * register for CPU hotplug; called at load.
 *
 * Return: 0, -ENOENT, or the error of cpuhp_setup_state_nocalls().
 */
int kdbt_entries_init(void)
{
	ent.entry_syscall = sym("entry_SYSCALL_64");
	ent.do_syscall = sym("do_syscall_64");
	ent.poke_queue = kdbt_ksym_fn("text_poke_queue");
	ent.poke_finish = kdbt_ksym_fn("text_poke_finish");
	ent.poke = kdbt_ksym_fn("text_poke");
	ent.text_mutex = (struct mutex *)sym("text_mutex");
	if (!ent.entry_syscall || !ent.do_syscall || !ent.text_mutex ||
	    !ent.poke) {
		pr_err("entry_SYSCALL_64, do_syscall_64, text_poke or text_mutex not found\n");
		return -ENOENT;
	}
	ent.hp_state = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
						 "kdbt:online", kdbt_cpu_up,
						 kdbt_cpu_down);
	if (ent.hp_state < 0)
		return ent.hp_state;
	register_die_notifier(&site_int3_nb);
	return 0;
}

void kdbt_entries_exit(void)
{
	unsigned int k;

	WARN_ON_ONCE(ent.installed);
	for (k = 0; k < ent.ntramps; k++)
		WARN_ON_ONCE(ent.tramp[k].poked);
	unregister_die_notifier(&site_int3_nb);
	if (ent.stale_breakpoints)
		pr_info("entry sites: %llu int3s met after their batch (stale_breakpoints)\n",
			ent.stale_breakpoints);
	cpuhp_remove_state_nocalls(ent.hp_state);
}

/**
 * kdbt_entries_check() - whether the entries are still the kernel's own.
 *
 * Return: 0, or -EBUSY (after one log line) if LSTAR is not
 * entry_SYSCALL_64 or the IDT moved since kdbt walked its gates.
 */
int kdbt_entries_check(void)
{
	struct desc_ptr idt;
	u64 lstar;

	rdmsrl(MSR_LSTAR, lstar);
	if (lstar != ent.entry_syscall) {
		/* no value: an address in the log would undo KASLR */
		pr_warn("on refused: MSR_LSTAR is not entry_SYSCALL_64 (another module or a hypervisor owns the system-call entry)\n");
		return -EBUSY;
	}
	store_idt(&idt);
	if (ent.idt.address && idt.address != ent.idt.address) {
		pr_warn("on refused: the IDT moved since kdbt last saw it\n");
		return -EBUSY;
	}
	ent.idt = idt;
	return 0;
}

/* The site of every gate that is not IST or #BP, where kdbt knows it. */
static int add_vectors_locked(void)
{
	const gate_desc *idt = (const gate_desc *)ent.idt.address;
	unsigned int v;
	int err;

	bitmap_zero(ent.kept, IDT_ENTRIES);
	ent.vectors = ent.vectors_native = 0;
	for (v = 0; v < IDT_ENTRIES; v++) {
		const gate_desc *g = &idt[v];

		if (!g->bits.p)
			continue;
		err = g->bits.ist || v == BP_VECTOR ? -EPERM :
			add_site(gate_offset(g), 0, v);
		if (err == -ENOSPC)
			return err;
		if (err) {
			ent.vectors_native++;
			__set_bit(v, ent.kept);
			continue;
		}
		ent.vectors++;
	}
	return 0;
}

/**
 * kdbt_entries_build_locked() - find the sites and make their stubs, once
 * per cache flush.
 *
 * Return: 0; -ENOEXEC if the system-call entry has a layout kdbt does
 * not know; -ENOSPC if the cache is full.
 */
int kdbt_entries_build_locked(void)
{
	int err;

	lockdep_assert_held(&kdbt_eng.lock);
	if (kdbt_eng.entries_built)
		return 0;
	if (WARN_ON_ONCE(ent.installed))
		return -EBUSY;
	ent.nsites = 0;
	err = add_site(ent.entry_syscall, ent.do_syscall, -1);
	if (err)
		return err == -ENOSPC ? err : -ENOEXEC;
	err = add_vectors_locked();
	if (err)
		return err;
	kdbt_eng.entries_built = true;
	return 0;
}

/* One log line: the sites, and which vectors stay native (IST, #BP, ...). */
void kdbt_entries_report(void)
{
	pr_info("entries: %u call sites (through trampolines) lead %u vectors and system calls into the cache; native vectors: %*pbl\n",
		ent.nsites, ent.vectors, IDT_ENTRIES, ent.kept);
}

/* The cache was flushed: the stubs are gone with it. */
void kdbt_entries_forget_locked(void)
{
	lockdep_assert_held(&kdbt_eng.lock);
	WARN_ON_ONCE(ent.installed);
	kdbt_eng.entries_built = false;
	ent.nsites = 0;
}

/* Whether the call at @addr calls @target. */
static bool site_calls(u64 addr, u64 target)
{
	const u8 *p = (const u8 *)addr;

	return p[0] == 0xe8 &&
	       (s64)(s32)get_unaligned((const u32 *)(p + 1)) ==
	       (s64)(target - (addr + CALL_LEN));
}

/* The call trampoline @k's site holds: of its trampoline, or native. */
static void site_insn(unsigned int k, u8 insn[CALL_LEN])
{
	const struct tramp *t = &ent.tramp[k];
	u64 to = t->poked ? tramp_addr(k) : t->handler;

	insn[0] = 0xe8;
	put_unaligned((u32)(to - (t->site + CALL_LEN)), (u32 *)(insn + 1));
}

/* Queue the write of the call at trampoline @k's site (text_mutex held). */
static bool queue_site(unsigned int k, bool to_tramp)
{
	struct tramp *t = &ent.tramp[k];
	u8 insn[CALL_LEN];

	if (!site_calls(t->site, to_tramp ? t->handler : tramp_addr(k)))
		return false;
	t->poked = to_tramp;
	site_insn(k, insn);
	ent.poke_queue((void *)t->site, insn, CALL_LEN, NULL);
	return true;
}

static unsigned int inject_stale_int3;
module_param(inject_stale_int3, uint, 0600);
MODULE_PARM_DESC(inject_stale_int3, "tests only: after each of the next N writes of the entry sites, leave an int3 on each for 50 ms (default 0)");

/* Write each site of @queued as it should be (text_mutex held). */
static void rewrite_sites(const bool *queued)
{
	unsigned int k;
	u8 insn[CALL_LEN];

	for (k = 0; k < ent.ntramps; k++) {
		if (!queued[k])
			continue;
		site_insn(k, insn);
		ent.poke((void *)ent.tramp[k].site, insn, CALL_LEN);
	}
}

/*
 * inject_stale_int3: an int3 that no batch claims on every site of
 * @queued for 50 ms, as a stale translation shows it (though the memory
 * holds it too: site_int3() takes it as stale while ent.injecting is
 * set).  This CPU keeps interrupts off meanwhile: else its own next
 * interrupt would meet the int3 and wait for the rewrite that only it
 * can do.
 */
static void inject_int3s(const bool *queued)
{
	static const u8 int3 = INT3_INSN_OPCODE;
	unsigned long flags;
	unsigned int k;

	WRITE_ONCE(inject_stale_int3, inject_stale_int3 - 1);
	local_irq_save(flags);
	WRITE_ONCE(ent.injecting, true);
	for (k = 0; k < ent.ntramps; k++)
		if (queued[k])
			ent.poke((void *)ent.tramp[k].site, &int3, 1);
	mdelay(50);
	rewrite_sites(queued);
	WRITE_ONCE(ent.injecting, false);
	local_irq_restore(flags);
}

/*
 * Under QEMU's TCG, a CPU that translated a site's page while the batch
 * wrote it can keep that translation, the batch's int3 included, after
 * the batch has ended (docs/KERNEL.md, section 5): it then meets an int3
 * that no batch claims, and 6.12 dies of it ("Oops: int3").  The batch's
 * last sync has let every such translation finish, so writing each site
 * the batch wrote once more, with the same bytes (site_insn()), drops
 * them all (natively it changes nothing); until then site_int3() sends
 * such a CPU back to the site.  text_mutex held.
 */
static void poke_sites_again(const bool *queued)
{
	lockdep_assert_held(ent.text_mutex);
	if (READ_ONCE(inject_stale_int3))
		inject_int3s(queued);
	rewrite_sites(queued);
}

/*
 * Make every site that is not yet so call its trampoline (@to_tramp), or
 * every site that does call its handler again, in one text-poke batch (in
 * address order, as the batch wants); a site that does not hold the call
 * it should is left alone (one log line).  Control and cpus_read_lock()
 * held.
 */
static void poke_sites(bool to_tramp)
{
	unsigned int i, j, skipped = 0, queued = 0;
	u8 order[MAX_SITES];
	bool just_queued[MAX_SITES] = { };

	lockdep_assert_held(&kdbt_eng.control);
	for (i = 0; i < ent.ntramps; i++) {
		for (j = i; j && ent.tramp[order[j - 1]].site > ent.tramp[i].site;
		     j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	mutex_lock(ent.text_mutex);
	kdbt_eng.entries_poking = true;	/* read by textpoke.c's probe */
	for (i = 0; i < ent.ntramps; i++) {
		if (ent.tramp[order[i]].poked == to_tramp)
			continue;
		if (queue_site(order[i], to_tramp)) {
			just_queued[order[i]] = true;
			queued++;
		} else {
			skipped++;
		}
	}
	if (queued) {
		ent.poke_finish();
		poke_sites_again(just_queued);
	}
	kdbt_eng.entries_poking = false;
	mutex_unlock(ent.text_mutex);
	if (skipped)
		pr_warn("%u entry call sites were not as kdbt left them: not patched\n",
			skipped);
	WARN_ON_ONCE(skipped && !to_tramp);
}

/*
 * CPU hotplug (CPUHP_AP_ONLINE_DYN, registered from load to unload, run
 * on the CPU itself): the trampolines serve every CPU, so a CPU that
 * comes online while translation is on enters through the cache at
 * once; from here it may take kdbt_eng.lock again (cpu_installs counts
 * it).  One going offline stops taking it (kdbt_cpu_leaving()).
 * The callbacks run with the CPU hotplug lock held for writing, and
 * ent.installed changes, and cpu_installs grows at on, only under
 * cpus_read_lock(): the count is exact.
 */
static int kdbt_cpu_up(unsigned int cpu)
{
	kdbt_cpu_leaving(false);
	if (READ_ONCE(ent.installed))
		ent.cpus_installed++;
	return 0;
}

static int kdbt_cpu_down(unsigned int cpu)
{
	kdbt_cpu_leaving(true);
	return 0;
}

/*
 * Every CPU, and every CPU coming online, enters through the cache: the
 * trampolines lead to the stubs, and the sites call them (written at the
 * first on after load).  Control held.
 */
void kdbt_entries_install(void)
{
	unsigned int i;

	lockdep_assert_held(&kdbt_eng.control);
	cpus_read_lock();
	if (!WARN_ON_ONCE(!kdbt_eng.entries_built || ent.installed)) {
		for (i = 0; i < ent.nsites; i++)
			aim_tramp(ent.site[i].slot, ent.site[i].stub);
		publish_aims();
		poke_sites(true);
		WRITE_ONCE(ent.installed, true);
		ent.cpus_installed += num_online_cpus();
	}
	cpus_read_unlock();
}

/*
 * Every CPU enters natively again: the trampolines lead to the native
 * handlers (a CPU may still take the old aim until quiesce() has waited
 * for it).  Control held.
 */
void kdbt_entries_remove(void)
{
	unsigned int k;

	lockdep_assert_held(&kdbt_eng.control);
	cpus_read_lock();
	if (ent.installed) {
		for (k = 0; k < ent.ntramps; k++)
			aim_tramp(k, ent.tramp[k].handler);
		publish_aims();
		WRITE_ONCE(ent.installed, false);
	}
	cpus_read_unlock();
}

/**
 * kdbt_entries_release() - at unload, after kdbt_entries_remove(): the
 * sites call their handlers again, and once every CPU has scheduled
 * (entry code runs with interrupts off up to its call) none can still be
 * on its way through a trampoline.  Control held; sleeps.
 */
void kdbt_entries_release(void)
{
	unsigned int k;
	bool poked = false;

	lockdep_assert_held(&kdbt_eng.control);
	for (k = 0; k < ent.ntramps; k++)
		poked |= ent.tramp[k].poked;
	if (!poked)
		return;
	cpus_read_lock();
	poke_sites(false);
	cpus_read_unlock();
	synchronize_rcu_tasks_rude();
}

/**
 * kdbt_pull_c() - on the way back from an interrupt or exception handler
 * (called by the post stub, interrupts off): take the coverage sample of
 * a local timer interrupt, then resume a native kernel context at the
 * translation of its instruction.  A block starting at the interrupted
 * instruction keeps the counts exact.
 * @regs: the interrupted context.
 * @vector: the IDT vector.
 */
void notrace kdbt_pull_c(struct pt_regs *regs, unsigned long vector)
{
	struct kdbt_block *b;
	unsigned long flags;
	u64 ip = regs->ip;

	if (vector == LOCAL_TIMER_VECTOR)
		kdbt_coverage_sample(regs);
	if (user_mode(regs) || kdbt_in_cache(ip) || !kdbt_may_translate(ip))
		return;
	raw_local_irq_save(flags);
	if (kdbt_dispatch_enter()) {
		raw_spin_lock(&kdbt_eng.lock);
		kdbt_alias_check_sealed_locked();
		if (!kdbt_eng.tr.detached && !kdbt_poke_in_the_way(ip) &&
		    !kdbt_translate(&kdbt_eng.tr, ip, &b)) {
			/* (the unwinder starts from the native ip) */
			if (kdbt_eng.tr.cfg.mode == KDBT_MODE_FAST)
				ent.frame_pulls += kdbt_pull_frames(regs);
			regs->ip = kdbt_block_entry(&kdbt_eng.tr, b);
			ent.pulls++;
		}
		kdbt_alias_seal_locked();
		raw_spin_unlock(&kdbt_eng.lock);
		kdbt_dispatch_leave();
	}
	raw_local_irq_restore(flags);
}

/**
 * kdbt_entries_native_for() - the native return address that a post
 * stub's cache address stands for (a handler's return address on the
 * stack of a task sleeping in it), or 0.  Lock held, or (traces.c)
 * between a read of kdbt_eng.cache_gen and its check: sites are only
 * added between flushes, each before the count.
 */
u64 kdbt_entries_native_for(u64 w)
{
	unsigned int i, n = smp_load_acquire(&ent.nsites);

	for (i = 0; i < n; i++)
		if (ent.site[i].post && ent.site[i].post == w)
			return ent.site[i].addr + CALL_LEN;
	return 0;
}

/**
 * kdbt_entries_stub_native() - the native instruction that an address
 * inside an entry stub is part of, for a stack word printed with "? "
 * (traces.c; not exact, not for rewriting): before the post stub, the
 * site's call of its handler; from the post stub on, the native return
 * address it stands for (a stale word there is mostly the return
 * address of its own call of kdbt_pull_entry).  0 if in no stub.  As
 * kdbt_entries_native_for().
 */
u64 kdbt_entries_stub_native(u64 w)
{
	unsigned int i, n = smp_load_acquire(&ent.nsites);

	for (i = 0; i < n; i++) {
		const struct site *s = &ent.site[i];

		if (!s->post || w < s->stub || w >= s->stub_end)
			continue;
		return w < s->post ? s->addr : s->addr + CALL_LEN;
	}
	return 0;
}

void kdbt_entries_stats(struct kdbt_stats *s)
{
	s->vectors_translated = ent.vectors;
	s->vectors_native = ent.vectors_native;
	s->pulls = ent.pulls;
	s->stack_pulls += ent.frame_pulls;	/* after the engine's */
	s->cpu_installs = ent.cpus_installed;
	s->stale_breakpoints = ent.stale_breakpoints;
}
