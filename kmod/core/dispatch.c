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

static u64 resolve_slot(struct kdbt_tr *tr, const struct kdbt_exit *x);

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
	dest = x->slot ? resolve_slot(tr, x) : resolve_direct(tr, x->target);
	field = tr->mem.cache_addr + x->rel_off;
	if (fits_s32((s64)(dest - (field + 4)))) {
		kdbt_exit_patch(tr, x, dest);
		x->linked = 1;
	}
	return dest;
}

/* The run-time address of @off bytes into site @s's slot code. */
static u64 slot_addr(const struct kdbt_tr *tr, const struct kdbt_site *s,
		     u32 off)
{
	return tr->mem.cache_addr + s->slot_off + off;
}

/*
 * Site @s takes no more targets: its fill jmp goes on to the probe (the
 * instruction after it).
 */
static void close_site(struct kdbt_tr *tr, struct kdbt_site *s)
{
	u32 off = s->slot_off + s->fill_off;

	emit_patch_rel32(kdbt_cache_open(tr, off, 4),
			 tr->mem.cache_addr + off, tr->mem.cache_addr + off + 4);
	s->closed = 1;
}

/*
 * Where slot target @target of site @s goes: a private copy of its block
 * (counted; without counters the block itself), or the native target
 * when it stays native (not counted).
 * Return: 0, or -errno when no copy can be made now (cache full).
 */
static int slot_dest(struct kdbt_tr *tr, const struct kdbt_site *s,
		     u64 target, u64 *dest)
{
	struct kdbt_block *b;
	int err;

	*dest = target;
	if (!tr->cfg.may_translate(tr->cfg.ctx, target))
		return 0;
	if (tr->cfg.counters &&	/* a copy that counts the slot */
	    tr->mem.blocks[s->block].end != KDBT_END_RET)
		err = kdbt_slot_copy(tr, target, s->block, &b);
	else	/* an inline cache (a return's): the block itself */
		err = kdbt_translate(tr, target, &b);
	if (err == -ENOSPC)
		return err;
	if (err)
		return 0;	/* refused: it stays native, as elsewhere */
	*dest = kdbt_block_entry(tr, b);
	return 0;
}

/*
 * A slot's exit was unlinked (its copy's text changed): a new copy, so
 * the slot goes on counting (readers add up every copy a site's slots
 * made: struct kdbt_block.slot_of).
 */
static u64 resolve_slot(struct kdbt_tr *tr, const struct kdbt_exit *x)
{
	s32 site = tr->mem.blocks[x->block].site;
	u64 dest;

	if (site < 0 || x->target == KDBT_SLOT_EMPTY ||
	    slot_dest(tr, &tr->mem.sites[site], x->target, &dest))
		return resolve_direct(tr, x->target);
	return dest;
}

/**
 * kdbt_slot_check_set() - make slot @i's check of site @s match @target
 * (KDBT_SLOT_EMPTY: nothing): its lea's d32, and for slot 0 a ret's
 * compare (kdbt_site.ret_check) when @target sign-extends from 32 bits.
 * @tr: the translator (lock held).
 * @s: the site.
 * @i: the slot.
 * @target: the native target.
 *
 * One aligned 32-bit store each; the caller has aimed the slot's exit.
 */
void kdbt_slot_check_set(struct kdbt_tr *tr, const struct kdbt_site *s,
			 u32 i, u64 target)
{
	u32 off = s->slot_off + s->lea_off[i];

	*(volatile u32 *)kdbt_cache_open(tr, off, 4) = (u32)-target;
	if (!i && s->ret_check && fits_s32((s64)target))	/* cmpq $imm32 */
		*(volatile u32 *)kdbt_cache_open(tr, s->ret_check, 4) =
			(u32)target;
}

/*
 * Fill site @s's next slot with @target: its exit aimed at the target's
 * copy, then its check (the lea's d32) made to match - a CPU that sees
 * the new check finds the exit ready.  The last slot closes the site.
 * Return: the slot's hit code (its site-word entry), or 0.
 */
static u64 fill_slot(struct kdbt_tr *tr, struct kdbt_site *s, u64 target)
{
	u32 i = s->nslots;
	struct kdbt_exit *x = &tr->mem.exits[s->slot_exit + i];
	u64 dest;

	if (tr->slots_closed)	/* detached: cannot happen */
		return 0;
	if (!fits_s32(-(s64)target)) {		/* no d32 can match it */
		close_site(tr, s);
		return 0;
	}
	if (slot_dest(tr, s, target, &dest))
		return 0;
	x->target = target;
	if (fits_s32((s64)(dest - (tr->mem.cache_addr + x->rel_off + 4)))) {
		kdbt_exit_patch(tr, x, dest);
		x->linked = 1;
	}
	kdbt_slot_check_set(tr, s, i, target);
	s->nslots = (u8)(i + 1);
	if (s->nslots == KDBT_SLOTS)
		close_site(tr, s);
	return slot_addr(tr, s, s->hit_off[i]);
}

/*
 * A target no slot of site @site_id checked for reached its fill stub:
 * the slot that holds it already (another CPU filled it, or this one ran
 * the check before it changed), or the next free one.
 * Return: where to resume, or 0 (the target's indirect entry then).
 */
static u64 dispatch_fill(struct kdbt_tr *tr, u32 site_id, u64 target)
{
	struct kdbt_site *s;
	u32 i;

	if (site_id >= tr->nsites)
		return 0;
	s = &tr->mem.sites[site_id];
	if (!s->slot_off)
		return 0;
	for (i = 0; i < s->nslots; i++)
		if (tr->mem.exits[s->slot_exit + i].target == target)
			return slot_addr(tr, s, s->hit_off[i]);
	if (s->closed || s->nslots >= KDBT_SLOTS)
		return 0;
	return fill_slot(tr, s, target);
}

/**
 * kdbt_dispatch_indirect() - a jumptable probe missed: fill the slot; or
 * a site's fill stub ran (KDBT_SITE_FILL): fill a slot of the site.
 * @tr: the translator (lock held).
 * @site_id: the indirect site, as pushed by the probe or the fill stub.
 * @target: the native target (the probe's %rdx).
 *
 * The stack still holds the probe's [site][%rdx][%rcx]; the returned
 * indirect entry checks the target and pops them (a slot's hit code
 * drops the site word and pops the rest).
 *
 * Return: the indirect entry to resume at, or 0 if none could be made (the
 * environment then pops the three words itself and resumes at @target).
 */
u64 kdbt_dispatch_indirect(struct kdbt_tr *tr, u32 site_id, u64 target)
{
	bool fill = site_id & KDBT_SITE_FILL;
	u64 entry;

	site_id &= ~KDBT_SITE_FILL;
	tr->dispatches++;
	if (site_id < tr->nsites && tr->cfg.counters)
		tr->mem.sites[site_id].misses++;	/* part of the profile */
	if (tr->detached)
		return 0;
	if (fill) {
		entry = dispatch_fill(tr, site_id, target);
		if (entry)
			return entry;
	}
	if (kdbt_indirect_entry(tr, target, &entry))
		return 0;
	*(volatile u64 *)&tr->mem.jt[target & (KDBT_JT_SIZE - 1)] = entry;
	return entry;
}
