// SPDX-License-Identifier: GPL-2.0
/*
 * textpoke.c - keep translations consistent with kernel text that changes
 * at run time: static keys and jump labels, static calls, ftrace,
 * kprobes, BPF dispatchers - every live patch goes through __text_poke()
 * (KERNEL-6.1.md section 6).
 *
 * A kretprobe on __text_poke(func, addr, src, len): on entry the poke is
 * counted in flight (the dispatcher then translates nothing, so no block
 * is made from half-written bytes); on return every translation of
 * [addr, addr + len) is invalidated (kdbt_invalidate()) before the poke
 * is counted done.  The int3 protocol of text_poke_bp() is a sequence of
 * such pokes, and a block translated between them ends at the int3 (a
 * native exit), where poke_int3_handler() emulates as it does natively.
 *
 * Owns: the kretprobe, registered from load to unload (text can change
 * while translation is off, and the blocks are kept).
 * Must never: sleep or allocate in the handlers (they run with
 * interrupts off in the kprobe/rethook paths).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include "engine.h"

struct poke {
	u64 addr, len;
};

atomic_t kdbt_text_poking = ATOMIC_INIT(0);
static u64 pokes, invalidated_blocks;

static int poke_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct poke *p = (struct poke *)ri->data;

	p->addr = regs->si;		/* __text_poke(func, addr, src, len) */
	p->len = regs->cx;
	atomic_inc(&kdbt_text_poking);
	return 0;
}

static int poke_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct poke *p = (struct poke *)ri->data;
	unsigned long flags;

	raw_spin_lock_irqsave(&kdbt_eng.lock, flags);
	invalidated_blocks += kdbt_invalidate(&kdbt_eng.tr, p->addr,
					      p->addr + p->len);
	pokes++;
	raw_spin_unlock_irqrestore(&kdbt_eng.lock, flags);
	atomic_dec(&kdbt_text_poking);
	return 0;
}

static struct kretprobe poke_probe = {
	.kp.symbol_name = "__text_poke",
	.entry_handler = poke_entry,
	.handler = poke_return,
	.data_size = sizeof(struct poke),
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

	poke_probe.maxactive = 2 * num_possible_cpus();
	err = register_kretprobe(&poke_probe);
	if (err)
		pr_err("cannot follow text patching: kretprobe on __text_poke: %d\n",
		       err);
	return err;
}

void kdbt_textpoke_exit(void)
{
	unregister_kretprobe(&poke_probe);
}

void kdbt_textpoke_stats(struct kdbt_stats *s)
{
	s->text_pokes = pokes;
	s->invalidated = invalidated_blocks;
	s->pokes_missed = poke_probe.nmissed;
}
