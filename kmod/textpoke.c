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
 * such pokes, and a block translated between them ends at the int3 (a
 * native exit), where poke_int3_handler() emulates as it does natively.
 *
 * Module text (translated like core text) goes away at unload, and init
 * text once init is done: a module notifier invalidates it (GOING, LIVE).
 * kdbt's own pokes of the entry code's call sites (entries.c) are only
 * counted: entry text is never translated, and a scan of every block for
 * each of them made on/off cycles slow.
 * The same notifier tells the engine which module functions must run
 * natively (COMING, GOING: kdbt_native_fns_update()).
 *
 * Owns: the kretprobe and the module notifier, registered from load to
 * unload (text can change while translation is off, and blocks are kept).
 * Must never: sleep or allocate in the handlers (they run with
 * interrupts off in the kprobe/rethook paths).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include "compat.h"
#include "engine.h"

struct poke {
	u64 addr, len;
};

/* The poke in flight (text_mutex serialises them), under kdbt_eng.lock. */
static struct {
	int active;
	u64 start, end;
} inflight;
static u64 pokes, invalidated_blocks;		/* under kdbt_eng.lock */

/**
 * kdbt_poke_in_the_way() - whether a block at @target may read bytes that
 * a poke in flight is writing (lock held): then it is not translated now.
 */
bool kdbt_poke_in_the_way(u64 target)
{
	return inflight.active && target < inflight.end &&
	       target + KDBT_MAX_BLOCK_BYTES > inflight.start;
}

static int poke_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct poke *p = (struct poke *)ri->data;
	unsigned long flags;

	p->addr = regs->si;		/* __text_poke(func, addr, src, len) */
	p->len = regs->cx;
	if (kdbt_entries_poking()) {
		/* entry text, which kdbt never translates: nothing to drop */
		flags = kdbt_lock();
		pokes++;
		kdbt_unlock(flags);
		return 1;	/* (no return handler) */
	}
	flags = kdbt_lock();
	inflight.active++;
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
		kdbt_native_fns_update(state == MODULE_STATE_GOING ? mod : NULL);
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
	/*
	 * Approximate: the kernel counts the probe's misses itself, with a
	 * plain increment and no lock (pre_handler_kretprobe()), so two
	 * CPUs that miss at the same instant may count once.  Good enough:
	 * a miss needs all 2 x num_possible_cpus() instances in flight at
	 * once, the count should stay 0, and any other value says what it
	 * has to.
	 */
	s->text_pokes_missed = poke_probe.nmissed;
}
