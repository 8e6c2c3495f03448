// SPDX-License-Identifier: GPL-2.0
/*
 * dispatch.c - the portable half of the dispatcher: what to do when code
 * in the cache reaches an exit that is not linked yet, or a jumptable miss.
 *
 * Input: an exit id or an indirect site id and target, handed over by the
 * environment's dispatcher entry code (assembly, which saved every
 * register and the flags and holds the translation lock).
 * Output: the address at which that entry code resumes execution.
 * Invariants: never fails - when a target cannot be translated (refused,
 * not allowed, cache full) execution resumes at the native target, which
 * is always correct, only uncounted.  Links and jumptable fills are single
 * aligned stores (see emit_patch_rel32() and core.h).
 */
#include "core.h"
#include "emit.h"

/* Where a direct exit to @target should go: a translation or native code. */
static u64 resolve_direct(struct kdbt_tr *tr, u64 target)
{
	struct kdbt_block *b;

	if (tr->cfg.mode == KDBT_MODE_FAST && tr->cfg.return_thunk &&
	    target == tr->cfg.return_thunk)
		return target;	/* the thunk's ret returns into the cache */
	if (!tr->cfg.may_translate(tr->cfg.ctx, target))
		return target;
	if (kdbt_translate(tr, target, &b))
		return target;
	return kdbt_block_entry(tr, b);
}

/**
 * kdbt_dispatch_direct() - an exit stub ran: translate and link its target.
 * @tr: the translator (lock held).
 * @exit_id: the exit, as pushed by its stub.
 *
 * The exit's branch is patched to its destination, so the next execution
 * goes there without the dispatcher.
 *
 * Return: the address to resume at.
 */
u64 kdbt_dispatch_direct(struct kdbt_tr *tr, u32 exit_id)
{
	struct kdbt_exit *x;
	u64 dest, field;

	tr->dispatches++;
	if (exit_id >= tr->nexits)
		return 0;	/* cannot happen: the caller must WARN */
	x = &tr->mem.exits[exit_id];
	if (tr->detached)
		return x->target;
	dest = resolve_direct(tr, x->target);
	field = tr->mem.cache_addr + x->rel_off;
	if (fits_s32((s64)(dest - (field + 4)))) {
		kdbt_exit_patch(tr, x, dest);
		x->linked = 1;
	}
	return dest;
}

/**
 * kdbt_dispatch_indirect() - a jumptable probe missed: fill the slot.
 * @tr: the translator (lock held).
 * @site_id: the indirect site, as pushed by the probe.
 * @target: the native target (the probe's %rdx).
 *
 * The stack still holds the probe's [site][%rdx][%rcx]; the returned
 * indirect entry checks the target and pops them.
 *
 * Return: the indirect entry to resume at, or 0 if none could be made (the
 * environment then pops the three words itself and resumes at @target).
 */
u64 kdbt_dispatch_indirect(struct kdbt_tr *tr, u32 site_id, u64 target)
{
	u64 entry;

	tr->dispatches++;
	if (site_id < tr->nsites && tr->cfg.counters)
		tr->mem.sites[site_id].misses++;	/* part of the profile */
	if (tr->detached)
		return 0;
	if (kdbt_indirect_entry(tr, target, &entry))
		return 0;
	*(volatile u64 *)&tr->mem.jt[target & (KDBT_JT_SIZE - 1)] = entry;
	return entry;
}
