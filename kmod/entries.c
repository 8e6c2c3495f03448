// SPDX-License-Identifier: GPL-2.0
/*
 * entries.c - lead the kernel's entry points into the code cache: the
 * system-call entry (MSR_LSTAR) and a shadow IDT, and pull interrupted
 * kernel contexts into the cache on their way back (KERNEL-6.1.md 2-3).
 *
 * Every entry keeps its native assembly: a copy of the stub (its live
 * bytes: swapgs, stack switch, `call error_entry` as a real call to the
 * native helper) runs up to the call of its C handler, which becomes an
 * identity call into the handler's translation.  The copy has no counter,
 * no push of its own before the C call and no dispatcher call, because it
 * may run on the user stack with the user GS base.  System calls return
 * to the native exit path (SYSRET/IRET).  Interrupts and exceptions
 * return through a small post stub that calls kdbt_pull_c(): if the
 * interrupted context was native kernel code that kdbt may translate, its
 * pt_regs->ip is moved to that instruction's translation, so idle loops,
 * kernel threads and tasks resumed natively come into the cache too.
 *
 * Owns: the copies, the shadow IDT page, which IDT and LSTAR each CPU has
 * (and a CPU hotplug state, from load to unload: a CPU going offline
 * takes kdbt_eng.lock no more until it is back, see kdbt_cpu_leaving()).
 * Must never: translate an IST vector or #BP (they stay native, gate
 * unchanged); leave a CPU on the shadow IDT or the copied LSTAR after
 * kdbt_entries_remove(); pull a context that is user mode, in the cache,
 * or in code the policy keeps native.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/smp.h>
#include <asm/desc.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/unaligned.h>
#include "block.h"
#include "kdbt.h"
#include "engine.h"

#define COPY_MAX	512
#define COPY_INSNS	96
#define COPY_FIXUPS	32
#define BP_VECTOR	3

void kdbt_pull_c(struct pt_regs *regs, unsigned long vector);
void kdbt_pull_entry(void);	/* kentry.S: kdbt_pull_c() on the dispatcher stack */

/* A copy of an entry stub being built, before it has a cache address. */
struct copy {
	u8 out[COPY_MAX];
	u32 len;
	u32 post_off;		/* the post stub, 0 if none */
	u64 post_ret;		/* the native return address it stands for */
	u32 nfix;
	struct {
		u32 field;	/* offset of a rel32/disp32 field */
		u32 end;	/* offset its displacement is relative to */
		u64 target;	/* absolute target */
		bool abs;	/* an imm32 holding target - cache (see post) */
	} fix[COPY_FIXUPS];
};

static struct {
	u64 entry_syscall, do_syscall;
	u64 syscall_copy;
	gate_desc *shadow;
	struct desc_ptr native_idt, shadow_idt;
	u64 vec_copy[IDT_ENTRIES];
	u64 vec_post[IDT_ENTRIES], vec_post_ret[IDT_ENTRIES];
	unsigned int vectors, vectors_native;
	DECLARE_BITMAP(kept, IDT_ENTRIES);	/* vectors left native */
	int hp_state;			/* our dynamic CPU hotplug state */
	bool installed;			/* CPUs must enter through the cache */
	u64 pulls, frame_pulls, cpus_installed;
} ent;

static struct copy copy_buf;		/* under kdbt_eng.lock */

static void put(struct copy *c, const void *p, u32 n)
{
	if (c->len + n > COPY_MAX) {
		c->len = COPY_MAX + 1;		/* poisoned: refused later */
		return;
	}
	memcpy(c->out + c->len, p, n);
	c->len += n;
}

static void put_u8(struct copy *c, u8 b)
{
	put(c, &b, 1);
}

/* Record that the 4 bytes at @field, relative to @end, must reach @t. */
static int fixup(struct copy *c, u32 field, u32 end, u64 t, bool abs)
{
	if (c->nfix == COPY_FIXUPS)
		return -E2BIG;
	c->fix[c->nfix].field = field;
	c->fix[c->nfix].end = end;
	c->fix[c->nfix].target = t;
	c->fix[c->nfix].abs = abs;
	c->nfix++;
	return 0;
}

/* A branch opcode with a rel32 to native @t (call, jmp, or jcc). */
static int put_rel32(struct copy *c, const u8 *op, u32 oplen, u64 t)
{
	u32 zero = 0;

	put(c, op, oplen);
	put(c, &zero, 4);
	return fixup(c, c->len - 4, c->len, t, false);
}

/*
 * The identity call that ends a copy: the C handler @fn runs translated
 * and returns to @ret.  With @pull, it returns to a post stub first:
 *	push $post; jmp T(fn)
 * post:	push %rax; lea 8(%rsp),%rdi; mov $vector,%esi; call kdbt_pull_entry;
 *	pop %rax; jmp ret
 * (%rsp is the pt_regs again when the handler returns.)  Without @pull
 * (@vector < 0):
 *	push $ret; jmp T(fn)
 */
static int put_identity_call(struct copy *c, u64 fn_cache, u64 ret,
			     int vector)
{
	static const u8 post[] = { 0x50, 0x48, 0x8d, 0x7c, 0x24, 0x08, 0xbe };
	bool pull = vector >= 0;
	static const u8 jmp = 0xe9, call = 0xe8, pop_rax = 0x58;
	u32 push_at = c->len, zero = 0;
	int err;

	put_u8(c, 0x68);
	put(c, &zero, 4);
	if ((s64)ret != (s32)ret)
		return -ERANGE;
	err = put_rel32(c, &jmp, 1, fn_cache);
	if (err || !pull) {
		put_unaligned((u32)ret, (u32 *)(c->out + push_at + 1));
		return err;
	}
	/* push $post: filled in once the copy has its address */
	err = fixup(c, push_at + 1, 0, c->len, true);
	c->post_off = c->len;
	c->post_ret = ret;
	put(c, post, sizeof(post));
	put(c, &vector, 4);
	err = err ?: put_rel32(c, &call, 1, (u64)kdbt_pull_entry);
	put_u8(c, pop_rax);
	return err ?: put_rel32(c, &jmp, 1, ret);
}

/* Refuse what a stub may not contain before its C call. */
static bool stops_copy(const ZydisDecodedInstruction *zi)
{
	switch (zi->meta.category) {
	case ZYDIS_CATEGORY_RET:
	case ZYDIS_CATEGORY_CALL:
	case ZYDIS_CATEGORY_COND_BR:
	case ZYDIS_CATEGORY_UNCOND_BR:
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

/* One relative branch of the stub: follow it, re-aim it, or finish. */
static int copy_branch(struct copy *c, const ZydisDecodedInstruction *zi,
		       const u8 *bytes, u64 *ip, int vector, int *follows,
		       bool *done)
{
	u64 next = *ip + zi->length;
	u64 t = next + zi->raw.imm[0].value.s;
	struct kdbt_block *b;
	u8 jcc[2] = { 0x0f, 0x80 };
	int err;

	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_CALL:
		if (!kdbt_may_translate(t))	/* error_entry, untrain, ... */
			break;
		err = kdbt_translate(&kdbt_eng.tr, t, &b);
		if (err)
			return err;
		*done = true;
		return put_identity_call(c, kdbt_block_entry(&kdbt_eng.tr, b),
					 next, vector);
	case ZYDIS_MNEMONIC_JMP:
		/* into more entry code (irq_entries_start -> common stub) */
		if (kdbt_may_translate(t) || !kdbt_in_core_text(t) || ++*follows > 4)
			return -ENOEXEC;
		*ip = t;
		return 0;
	default:
		if (zi->meta.category != ZYDIS_CATEGORY_COND_BR)
			return -ENOEXEC;
		if (zi->raw.imm[0].size == 8) {
			if (bytes[0] < 0x70 || bytes[0] > 0x7f)
				return -ENOEXEC;	/* loop, jrcxz */
			jcc[1] = 0x80 | (bytes[0] & 0xf);
		} else {
			jcc[1] = bytes[zi->raw.imm[0].offset - 1];
		}
		err = put_rel32(c, jcc, 2, t);
		*ip = next;
		return err;
	}
	err = put_rel32(c, bytes + zi->raw.imm[0].offset - 1, 1, t);
	*ip = next;
	return err;
}

/* Give the copy its cache address and resolve its fixups (lock held). */
static int place(struct copy *c, u64 *out)
{
	u64 addr;
	u8 *p;
	u32 i;

	if (c->len > COPY_MAX)
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

/**
 * copy_entry() - make the cache copy of the entry stub at @start.
 * @start: native entry (a gate's target, or entry_SYSCALL_64).
 * @vector: the IDT vector (its return goes through the post stub), or -1
 *	for the system-call entry.
 * @out: receives the copy's address.
 *
 * Copies instructions (re-aiming rip-relative operands and branches that
 * leave the copy at their native targets, following jumps into more entry
 * code) until the first call of translatable code.
 *
 * Return: 0, or -ENOEXEC for a stub kdbt does not know (it stays native).
 */
static int copy_entry(u64 start, int vector, u64 *out, u64 *post,
		      u64 *post_ret)
{
	struct kdbt_full_insn fi;
	struct copy *c = &copy_buf;
	u64 ip = start;
	int n, follows = 0, err;
	bool done = false;
	u8 b[KDBT_MAX_INSN_LEN];

	memset(c, 0, sizeof(*c));
	for (n = 0; n < COPY_INSNS && !done; n++) {
		const ZydisDecodedInstruction *zi = &fi.zi;

		if (kdbt_read_code(NULL, ip, b, sizeof(b)) ||
		    kdbt_decode_full(&kdbt_eng.tr.dec, b, sizeof(b), &fi))
			return -ENOEXEC;
		if (zi->raw.imm[0].is_relative) {
			err = copy_branch(c, zi, b, &ip, vector, &follows, &done);
			if (err)
				return err;
			continue;
		}
		if (stops_copy(zi))
			return -ENOEXEC;
		put(c, b, zi->length);
		if ((zi->attributes & ZYDIS_ATTRIB_IS_RELATIVE) &&
		    zi->raw.disp.size == 32) {
			err = fixup(c, c->len - zi->length + zi->raw.disp.offset,
				    c->len, ip + zi->length + zi->raw.disp.value,
				    false);
			if (err)
				return err;
		}
		ip += zi->length;
	}
	if (!done)
		return -ENOEXEC;
	err = place(c, out);
	if (!err && post && c->post_off) {
		*post = *out + c->post_off;
		*post_ret = c->post_ret;
	}
	return err;
}

/* ------------------------------------------------------------------ */

static int kdbt_cpu_up(unsigned int cpu);
static int kdbt_cpu_down(unsigned int cpu);

static u64 sym(const char *name)
{
	return kdbt_ksyms.lookup_name(name);
}

/**
 * kdbt_entries_init() - find the entries and register for CPU hotplug;
 * called at load.
 *
 * Return: 0, -ENOENT, -ENOMEM or the error of cpuhp_setup_state_nocalls().
 */
int kdbt_entries_init(void)
{
	ent.entry_syscall = sym("entry_SYSCALL_64");
	ent.do_syscall = sym("do_syscall_64");
	if (!ent.entry_syscall || !ent.do_syscall) {
		pr_err("entry_SYSCALL_64 or do_syscall_64 not found\n");
		return -ENOENT;
	}
	ent.shadow = (gate_desc *)get_zeroed_page(GFP_KERNEL);
	if (!ent.shadow)
		return -ENOMEM;
	ent.hp_state = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN,
						 "kdbt:online", kdbt_cpu_up,
						 kdbt_cpu_down);
	if (ent.hp_state < 0) {
		free_page((unsigned long)ent.shadow);
		return ent.hp_state;
	}
	return 0;
}

void kdbt_entries_exit(void)
{
	cpuhp_remove_state_nocalls(ent.hp_state);
	free_page((unsigned long)ent.shadow);
}

/**
 * kdbt_entries_check() - whether the entries are still the kernel's own.
 *
 * Return: 0, or -EBUSY (after one log line) if LSTAR or the IDT is not.
 */
int kdbt_entries_check(void)
{
	struct desc_ptr idt;
	u64 lstar;

	rdmsrl(MSR_LSTAR, lstar);
	if (lstar != ent.entry_syscall) {
		pr_warn("on refused: MSR_LSTAR is %#llx, not entry_SYSCALL_64\n",
			lstar);
		return -EBUSY;
	}
	store_idt(&idt);
	if (ent.native_idt.address && idt.address != ent.native_idt.address) {
		pr_warn("on refused: the IDT moved since kdbt last saw it\n");
		return -EBUSY;
	}
	ent.native_idt = idt;
	return 0;
}

static void set_gate_offset(gate_desc *g, u64 addr)
{
	g->offset_low = (u16)addr;
	g->offset_middle = (u16)(addr >> 16);
	g->offset_high = (u32)(addr >> 32);
}

/* Copy the native IDT and lead every translatable vector into the cache. */
static int build_idt_locked(void)
{
	const gate_desc *native = (const gate_desc *)ent.native_idt.address;
	unsigned int v;
	int err;

	bitmap_zero(ent.kept, IDT_ENTRIES);
	memcpy(ent.shadow, native, IDT_ENTRIES * sizeof(gate_desc));
	ent.vectors = ent.vectors_native = 0;
	for (v = 0; v < IDT_ENTRIES; v++) {
		gate_desc *g = &ent.shadow[v];

		ent.vec_copy[v] = 0;
		ent.vec_post[v] = 0;
		if (!g->bits.p)
			continue;
		if (g->bits.ist || v == BP_VECTOR) {
			ent.vectors_native++;
			__set_bit(v, ent.kept);
			continue;
		}
		err = copy_entry(gate_offset(g), v, &ent.vec_copy[v],
				 &ent.vec_post[v], &ent.vec_post_ret[v]);
		if (err == -ENOSPC)
			return err;
		if (err) {
			ent.vectors_native++;
			__set_bit(v, ent.kept);
			continue;
		}
		set_gate_offset(g, ent.vec_copy[v]);
		ent.vectors++;
	}
	ent.shadow_idt.address = (unsigned long)ent.shadow;
	ent.shadow_idt.size = IDT_ENTRIES * sizeof(gate_desc) - 1;
	return 0;
}

/**
 * kdbt_entries_build_locked() - make the copies, once per cache flush.
 *
 * Return: 0; -ENOEXEC if the system-call entry has a layout kdbt does
 * not know; -ENOSPC if the cache is full.
 */
int kdbt_entries_build_locked(void)
{
	int err;

	if (kdbt_eng.entries_built)
		return 0;
	err = copy_entry(ent.entry_syscall, -1, &ent.syscall_copy, NULL, NULL);
	if (!err)
		err = build_idt_locked();
	if (!err)
		kdbt_eng.entries_built = true;
	return err;
}

/* One log line: which vectors stay native (IST, #BP, unknown stubs). */
void kdbt_entries_report(void)
{
	pr_info("IDT: %u vectors enter through the cache; native: %*pbl\n",
		ent.vectors, IDT_ENTRIES, ent.kept);
}

/* The cache was flushed: the copies are gone with it. */
void kdbt_entries_forget_locked(void)
{
	kdbt_eng.entries_built = false;
	ent.syscall_copy = 0;
}

static void install_on_cpu(void *unused)
{
	native_load_idt(&ent.shadow_idt);
	wrmsrl(MSR_LSTAR, ent.syscall_copy);
	ent.cpus_installed++;
}

static void remove_on_cpu(void *unused)
{
	wrmsrl(MSR_LSTAR, ent.entry_syscall);
	native_load_idt(&ent.native_idt);
}

/*
 * CPU hotplug (CPUHP_AP_ONLINE_DYN, registered from load to unload): a
 * CPU that comes online while translation is on - the kernel gave it the
 * native IDT and LSTAR - enters through the cache too; one going offline
 * gets the native ones back.  Both run on that CPU.  ent.installed only
 * changes under cpus_read_lock(), so no CPU is missed or left behind.
 */
static void if_installed(void (*fn)(void *))
{
	unsigned long flags;

	if (READ_ONCE(ent.installed)) {
		local_irq_save(flags);
		fn(NULL);
		local_irq_restore(flags);
	}
}

static int kdbt_cpu_up(unsigned int cpu)
{
	kdbt_cpu_leaving(false);
	if_installed(install_on_cpu);
	return 0;
}

/* (From here until it is up again this CPU never takes kdbt_eng.lock.) */
static int kdbt_cpu_down(unsigned int cpu)
{
	if_installed(remove_on_cpu);
	kdbt_cpu_leaving(true);
	return 0;
}

/* Every online CPU, and every CPU coming online, enters through the cache. */
void kdbt_entries_install(void)
{
	cpus_read_lock();
	WRITE_ONCE(ent.installed, true);
	on_each_cpu(install_on_cpu, NULL, 1);
	cpus_read_unlock();
}

/* Every CPU enters natively again. */
void kdbt_entries_remove(void)
{
	cpus_read_lock();
	WRITE_ONCE(ent.installed, false);
	on_each_cpu(remove_on_cpu, NULL, 1);
	cpus_read_unlock();
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
		if (!kdbt_eng.tr.detached && !kdbt_poke_in_the_way(ip) &&
		    !kdbt_translate(&kdbt_eng.tr, ip, &b)) {
			/* (the unwinder starts from the native ip) */
			if (kdbt_eng.tr.cfg.mode == KDBT_MODE_FAST)
				ent.frame_pulls += kdbt_pull_frames(regs);
			regs->ip = kdbt_block_entry(&kdbt_eng.tr, b);
			ent.pulls++;
		}
		raw_spin_unlock(&kdbt_eng.lock);
		kdbt_dispatch_leave();
	}
	raw_local_irq_restore(flags);
}

/**
 * kdbt_entries_native_for() - the native return address that a post
 * stub's cache address stands for (a handler's return address on the
 * stack of a task sleeping in it), or 0.
 */
u64 kdbt_entries_native_for(u64 w)
{
	unsigned int v;

	for (v = 0; v < IDT_ENTRIES; v++)
		if (ent.vec_post[v] && ent.vec_post[v] == w)
			return ent.vec_post_ret[v];
	return 0;
}

void kdbt_entries_stats(struct kdbt_stats *s)
{
	s->vectors = ent.vectors;
	s->vectors_native = ent.vectors_native;
	s->pulls = ent.pulls;
	s->stack_pulls += ent.frame_pulls;	/* after the engine's */
	s->cpu_installs = ent.cpus_installed;
}
