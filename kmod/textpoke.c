// SPDX-License-Identifier: GPL-2.0
/*
 * textpoke.c - keep translations consistent with kernel text that changes
 * at run time: static keys and jump labels, static calls, ftrace,
 * kprobes, BPF dispatchers - every live patch goes through __text_poke()
 * (docs/KERNEL.md, section 5, "Runtime text modification").
 *
 * A kretprobe on __text_poke(func, addr, src, len): on entry the poke is
 * recorded in flight (the dispatcher then translates no block that could
 * read its bytes, so none is made from half-written ones); on return
 * every translation of
 * [addr, addr + len) is invalidated (kdbt_invalidate()) before the poke
 * is counted done.  The int3 protocol of text_poke_bp() is a sequence of
 * such pokes; between them the translator reads each site of the batch
 * as its new instruction (kdbt_pokes_read_new(), pokes.h), never the
 * int3, and the last poke of a site invalidates what was read so.
 *
 * Module text (translated like core text) goes away at unload, and init
 * text once init is done: a module notifier invalidates it (GOING, LIVE).
 * kdbt's own pokes of the entry code's call sites (entries.c) are only
 * counted: entry text is never translated, and a scan of every block for
 * each of them made on/off cycles slow.
 * The same notifier tells the engine which module functions must run
 * natively (COMING, GOING: kdbt_native_fns_update()).
 *
 * Of the service layer (docs/ARCHITECTURE.md, "Layers"): the dispatcher
 * and the translator's reads ask it about the poke in flight, so it calls
 * nothing above the service; whether a poke is entries.c's it reads from
 * kdbt_eng.entries_poking.
 *
 * Owns: the kretprobe and the module notifier, registered from load to
 * unload (text can change while translation is off, and blocks are kept);
 * the kernel's batch descriptor, found and checked at load.
 * Must never: sleep or allocate in the handlers (they run with
 * interrupts off in the kprobe/rethook paths); call entries.c, stacks.c,
 * profile.c or the controller (tests/unit/layering.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "engine.h"
#include "kdbt.h"
#include "pokes.h"

struct poke {
	u64 addr, len;
};

/*
 * The poke in flight (text_mutex serialises them), under kdbt_eng.lock;
 * in_batch if it writes a site of the text-poke batch in flight, which
 * the translator reads as its new bytes whatever the poke has written
 * of them yet (pokes.h), so it is in nobody's way.
 */
static struct {
	int active;
	bool in_batch;
	u64 start, end;
} inflight;
static u64 pokes, invalidated_blocks;		/* under kdbt_eng.lock */

/*
 * The kernel's text_poke_bp() batch (pokes.h): its descriptor, or NULL if
 * poke_int3_handler() did not check out at load (then a batch's int3s are
 * native exits, as any other int3).  Set once at load.
 */
static struct kdbt_bp_desc *bp_desc;
static u64 stext;
static atomic64_t poke_overlays;	/* sites read as their new bytes */

/**
 * kdbt_poke_in_the_way() - whether a block at @target may read bytes that
 * a poke in flight is writing (lock held): then it is not translated now,
 * and the CPU runs the native code instead.  A poke of a batch's site is
 * never in the way: that native code is exactly what must not run while
 * its page is written (docs/KERNEL.md, section 5).
 */
bool kdbt_poke_in_the_way(u64 target)
{
	return inflight.active && !inflight.in_batch &&
	       target < inflight.end &&
	       target + KDBT_MAX_BLOCK_BYTES > inflight.start;
}

/*
 * Whether [@addr, @addr + @len) lies in a site of the batch in flight.
 * Called by the poking thread, which holds text_mutex and so owns the
 * batch (bp_desc changes only under it): no reference needed.
 */
static bool poke_in_batch(u64 addr, u64 len)
{
	return bp_desc && atomic_read((atomic_t *)&bp_desc->refs) &&
	       kdbt_pokes_cover(addr, len, READ_ONCE(bp_desc->vec),
				READ_ONCE(bp_desc->nr_entries), stext);
}

/**
 * kdbt_pokes_read_new() - show the native bytes @buf (@len of them, read
 * at @addr) as the text-poke batch in flight will leave them: each site
 * whose int3 is written already reads as its new instruction (pokes.h).
 *
 * Takes a reference on the batch as poke_int3_handler() does, so its
 * vector stays valid while it is read (the poking CPU waits for the
 * references to drop before it returns).  Any context; cheap when @buf
 * holds no int3 byte or no batch is in flight.
 */
void kdbt_pokes_read_new(u64 addr, u8 *buf, size_t len)
{
	atomic_t *refs;
	int n;

	if (!bp_desc || !memchr(buf, KDBT_INT3, len))
		return;
	/* Having read the int3, see the batch that wrote it (as the kernel). */
	smp_rmb();
	refs = (atomic_t *)&bp_desc->refs;
	if (!atomic_inc_not_zero(refs))
		return;
	n = kdbt_pokes_overlay(buf, addr, len, READ_ONCE(bp_desc->vec),
			       READ_ONCE(bp_desc->nr_entries), stext);
	atomic_dec(refs);
	if (n)
		atomic64_add(n, &poke_overlays);
}

/* The absolute address of @fi's RIP-relative memory operand, or 0. */
static u64 riprel_target(const struct kdbt_decoder *dec,
			 const struct kdbt_full_insn *fi, u64 ip)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	int i;

	if (kdbt_decode_operands(dec, fi, ops, ZYDIS_MAX_OPERAND_COUNT))
		return 0;
	for (i = 0; i < fi->zi.operand_count; i++)
		if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    ops[i].mem.base == ZYDIS_REGISTER_RIP)
			return ip + fi->zi.length + ops[i].mem.disp.value;
	return 0;
}

/*
 * Whether poke_int3_handler() at @fn uses the descriptor at @desc as
 * pokes.h lays it out: it takes a reference with a cmpxchg of refs, then
 * loads nr_entries (32 bits, sign-extended) and vec (64 bits), all within
 * its first instructions (6.1 and 6.12 alike).  The cmpxchg's lock prefix
 * is not required: on a machine with one CPU the kernel patches it into a
 * ds prefix at boot (alternatives_smp_unlock()).
 */
static bool bp_desc_checks_out(u64 fn, u64 desc)
{
	struct kdbt_decoder dec;
	struct kdbt_full_insn fi;
	unsigned int seen = 0, i;
	u8 code[128];
	size_t at = 0;

	if (kdbt_decoder_init(&dec) ||
	    copy_from_kernel_nofault(code, (void *)fn, sizeof(code)))
		return false;
	for (i = 0; i < 24 && at < sizeof(code); i++) {
		u64 ip = fn + at, t;

		if (kdbt_decode_full(&dec, code + at, sizeof(code) - at, &fi))
			return false;
		t = riprel_target(&dec, &fi, ip);
		if (t == desc + KDBT_BP_DESC_REFS &&
		    fi.zi.mnemonic == ZYDIS_MNEMONIC_CMPXCHG)
			seen |= 1;
		if (t == desc + KDBT_BP_DESC_NR &&
		    fi.zi.mnemonic == ZYDIS_MNEMONIC_MOVSXD && (seen & 1))
			seen |= 2;
		if (t == desc + KDBT_BP_DESC_VEC &&
		    fi.zi.mnemonic == ZYDIS_MNEMONIC_MOV &&
		    fi.zi.operand_width == 64 && (seen & 1))
			seen |= 4;
		at += fi.zi.length;
	}
	return seen == 7;
}

/* Find the kernel's batch descriptor and check its layout (pokes.h). */
static void find_bp_desc(void)
{
	u64 desc = kdbt_ksym_addr("bp_desc");
	u64 fn = kdbt_ksym_addr("poke_int3_handler");	/* read, not called */

	stext = kdbt_ksym_addr("_stext");
	if (desc && fn && stext && bp_desc_checks_out(fn, desc)) {
		bp_desc = (struct kdbt_bp_desc *)desc;
		return;
	}
	pr_warn("text-poke batches: poke_int3_handler() does not use bp_desc as expected; a CPU meeting a batch's int3 in translated code runs it natively\n");
}

static int poke_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct poke *p = (struct poke *)ri->data;
	unsigned long flags;
	bool in_batch;

	p->addr = regs->si;		/* __text_poke(func, addr, src, len) */
	p->len = regs->cx;
	/*
	 * One of entries.c's pokes of its call sites (text_mutex is held,
	 * by whoever pokes): a flag in kdbt_eng, since textpoke.c is of
	 * the service and may not call entries.c (docs/ARCHITECTURE.md,
	 * "Layers").
	 */
	if (READ_ONCE(kdbt_eng.entries_poking)) {
		/* entry text, which kdbt never translates: nothing to drop */
		flags = kdbt_lock();
		pokes++;
		kdbt_unlock(flags);
		return 1;	/* (no return handler) */
	}
	in_batch = poke_in_batch(p->addr, p->len);
	flags = kdbt_lock();
	inflight.active++;
	inflight.in_batch = in_batch;
	inflight.start = p->addr;
	inflight.end = p->addr + p->len;
	kdbt_unlock(flags);
	return 0;
}

static int poke_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct poke *p = (struct poke *)ri->data;
	unsigned long flags;

	flags = kdbt_lock();
	invalidated_blocks += kdbt_invalidate(&kdbt_eng.tr, p->addr,
					      p->addr + p->len);
	pokes++;
	inflight.active--;
	kdbt_unlock(flags);
	return 0;
}

static struct kretprobe poke_probe = {
	.kp.symbol_name = "__text_poke",
	.entry_handler = poke_entry,
	.handler = poke_return,
	.data_size = sizeof(struct poke),
};

static void invalidate(u64 start, u64 len)
{
	unsigned long flags;

	if (!len)
		return;
	flags = kdbt_lock();
	invalidated_blocks += kdbt_invalidate(&kdbt_eng.tr, start, start + len);
	kdbt_unlock(flags);
}

static int module_event(struct notifier_block *nb, unsigned long state,
			void *data)
{
	struct module *mod = data;
	unsigned long base, size;

	if (state == MODULE_STATE_COMING || state == MODULE_STATE_GOING)
		kdbt_native_fns_update(mod, state == MODULE_STATE_GOING);
	if (state == MODULE_STATE_GOING) {
		kdbt_module_text(mod, false, &base, &size);
		invalidate(base, size);
	}
	if (state == MODULE_STATE_GOING || state == MODULE_STATE_LIVE) {
		kdbt_module_text(mod, true, &base, &size);
		invalidate(base, size);
	}
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = {
	.notifier_call = module_event,
};

/**
 * kdbt_textpoke_init() - start following text pokes; called at load.
 *
 * Return: 0, or the error of register_kretprobe() (the load fails: kdbt
 * would run stale text otherwise).
 */
int kdbt_textpoke_init(void)
{
	int err;

	find_bp_desc();
	poke_probe.maxactive = 2 * num_possible_cpus();
	err = register_kretprobe(&poke_probe);
	if (err) {
		pr_err("cannot follow text patching: kretprobe on __text_poke: %d\n",
		       err);
		return err;
	}
	err = register_module_notifier(&module_nb);
	if (err)
		unregister_kretprobe(&poke_probe);
	return err;
}

void kdbt_textpoke_exit(void)
{
	unregister_module_notifier(&module_nb);
	unregister_kretprobe(&poke_probe);
}

void kdbt_textpoke_stats(struct kdbt_stats *s)
{
	s->text_pokes = pokes;
	s->invalidated_blocks = invalidated_blocks;
	s->invalidate_examined_max = READ_ONCE(kdbt_eng.tr.inval_examined_max);
	/*
	 * Approximate: the kernel counts the probe's misses itself, with a
	 * plain increment and no lock (pre_handler_kretprobe()), so two
	 * CPUs that miss at the same instant may count once.  Good enough:
	 * a miss needs all 2 x num_possible_cpus() instances in flight at
	 * once, the count should stay 0, and any other value says what it
	 * has to.
	 */
	s->text_pokes_missed = poke_probe.nmissed;
	s->text_poke_overlays = atomic64_read(&poke_overlays);
}
