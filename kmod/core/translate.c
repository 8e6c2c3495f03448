// SPDX-License-Identifier: GPL-2.0
/*
 * translate.c - translate one native block into the code cache.
 *
 * Input: a native address; the block builder (block.c) decodes and
 * classifies it.
 * Output: the block's translation at the end of the cache, followed by
 * the translations of the blocks it runs into (a chain), laid out as
 *	[indirect entry]  only when asked for (see kdbt_indirect_entry())
 *	direct entry:     counter increment (if counting)
 *	body:             one translation per native instruction, in order
 *	terminator:       the rule of the block's last instruction
 *	... the next block of the chain, from its direct entry ...
 *	exit stubs:       push $exit; jmp dispatch_direct  (cold, the chain's)
 * plus their maps (native <-> cache per instruction), exits and sites.
 * A block whose successor is not translated yet - the fall-through of a
 * jcc or of the length cap, the target of a jmp - is followed by that
 * successor's translation instead of a jump to it: the successor's direct
 * entry (its counter) is where the block ends, so every block still counts
 * itself, and the fall-through path runs no instruction the native code
 * does not (struct kdbt_block.chained).
 * Invariants: called with the translation lock held; on any error nothing
 * of the block is published (no hash entry, no exit, no site, the cache
 * space is not consumed), and a successor that fails is left out of the
 * chain (the block jumps to it as usual); the only writes other CPUs may
 * see before the chain is published are none, since it is unreachable
 * until then.
 */
#include "block.h"
#include "emit.h"

static u32 hash_native(const struct kdbt_tr *tr, u64 native)
{
	return (u32)((native * 0x9e3779b97f4a7c15ull) >> 40) &
	       (tr->mem.hash_size - 1);
}

/**
 * kdbt_tr_init() - set up a translator over preallocated memory.
 * @tr: translator state to initialise.
 * @cfg: mode, options and environment callbacks (copied).
 * @mem: preallocated memory (copied; the memory itself is used in place).
 *
 * Return: 0, -EINVAL for an unusable configuration.
 */
int kdbt_tr_init(struct kdbt_tr *tr, const struct kdbt_config *cfg,
		 const struct kdbt_mem *mem)
{
	int err;

	if (!mem->hash_size || (mem->hash_size & (mem->hash_size - 1)) ||
	    !fits_s32((s64)cfg->jt_addr) ||
	    !fits_s32((s64)(cfg->jt_addr + 8 * KDBT_JT_SIZE)) ||
	    mem->max_blocks < 2 || !cfg->read_code || !cfg->may_translate ||
	    (cfg->counters_windows && cfg->counters_window_shift > 28))
		return -EINVAL;
	tr->cfg = *cfg;
	tr->mem = *mem;
	err = kdbt_decoder_init(&tr->dec);
	if (err)
		return err;
	kdbt_tr_flush(tr);
	return 0;
}

/* The page index's bucket of the native page holding @native. */
static u32 hash_page(const struct kdbt_tr *tr, u64 native)
{
	return (u32)(((native >> 12) * 0x9e3779b97f4a7c15ull) >> 40) &
	       (tr->mem.page_hash_size - 1);
}

/* Entries of the hashes and the jumptable kdbt_tr_flush_step() empties. */
static u32 flush_span(const struct kdbt_tr *tr)
{
	u32 n = tr->mem.hash_size > KDBT_JT_SIZE ? tr->mem.hash_size :
		KDBT_JT_SIZE;

	if (tr->mem.page_hash && tr->mem.page_hash_size > n)
		n = tr->mem.page_hash_size;
	return n;
}

/**
 * kdbt_tr_flush_step() - empty part of the tables kdbt_tr_flush() empties:
 * entries [@from, @from + @count) of the native-address hash, the page
 * index and the jumptable.
 * @tr: the translator (lock held, and nothing translates, links or fills
 *	the jumptable until kdbt_tr_flush(): it is detached and the cache
 *	is about to be emptied).
 * @from: the first entry.
 * @count: how many entries, at most.
 *
 * Done in steps so that the caller can drop the lock between them; then
 * kdbt_tr_flush() has nothing large left to do.  Lookups meanwhile find
 * fewer blocks (a miss: harmless while detached).
 *
 * Return: the entry to go on from; 0 when every entry is done (and
 * tr->flush_ready says so to kdbt_tr_flush()).
 */
u32 kdbt_tr_flush_step(struct kdbt_tr *tr, u32 from, u32 count)
{
	u32 span = flush_span(tr), end, i;

	if (!from)
		tr->flush_ready = false;
	end = span - from > count ? from + count : span;
	for (i = from; i < end; i++) {
		if (i < tr->mem.hash_size)
			tr->mem.hash[i] = 0;
		if (tr->mem.page_hash && i < tr->mem.page_hash_size)
			tr->mem.page_hash[i] = 0;
		if (i < KDBT_JT_SIZE)
			((volatile u64 *)tr->mem.jt)[i] =
				tr->cfg.dispatch_indirect;
	}
	if (end < span)
		return end;
	tr->flush_ready = true;
	tr->flush_nblocks = tr->nblocks;
	return 0;
}

/**
 * kdbt_tr_flush() - forget every translation and empty the jumptable.
 * @tr: the translator.
 *
 * The caller guarantees that nothing executes in the cache any more.
 * After kdbt_tr_flush_step() has done every entry, with no block made
 * since, nothing is left to empty; otherwise every table is emptied here.
 *
 * Return: the table entries emptied here.
 */
u32 kdbt_tr_flush(struct kdbt_tr *tr)
{
	u32 n = 0;

	if (!tr->flush_ready || tr->flush_nblocks != tr->nblocks) {
		n = flush_span(tr);
		kdbt_tr_flush_step(tr, 0, n);
	}
	tr->flush_ready = false;
	tr->cache_used = 0;
	tr->nblocks = 1;	/* id 0 means "no block" */
	tr->nexits = 0;
	tr->nsites = 0;
	tr->nmaps = 0;
	tr->slots_closed = false;
	return n;
}

/* Every jumptable slot leads to the dispatcher again (a probe misses). */
static void jt_empty(struct kdbt_tr *tr)
{
	u32 i;

	for (i = 0; i < KDBT_JT_SIZE; i++)
		((volatile u64 *)tr->mem.jt)[i] = tr->cfg.dispatch_indirect;
}

/* Linked exit @x goes back to its dispatcher stub. */
static void unlink_exit(struct kdbt_tr *tr, struct kdbt_exit *x)
{
	kdbt_exit_patch(tr, x, tr->mem.cache_addr + x->stub_off);
	x->linked = 0;
}

/**
 * kdbt_tr_detach() - make every entry into the dispatcher leave for native
 * code.
 * @tr: the translator (lock held).
 *
 * Sets @tr->detached, so that the dispatcher resolves every target to
 * native code without linking or filling anything, and empties the
 * jumptable, so that every indirect branch (and in transparent mode every
 * return) that no slot holds goes to the dispatcher; kdbt_tr_slots()
 * closes the slots' checks too.  Linked exits stay linked: code still
 * running in the cache follows them until its next indirect branch or
 * unlinked exit.  kdbt_tr_unlink() takes the direct links away too, for
 * when nothing may stay in the cache.  Translations are kept: clearing
 * @tr->detached makes them usable again, links and all.
 */
void kdbt_tr_detach(struct kdbt_tr *tr)
{
	tr->detached = true;
	jt_empty(tr);
}

/**
 * kdbt_tr_unlink() - point linked exits back at their dispatcher stubs.
 * @tr: the translator (lock held, detached: nothing links meanwhile).
 * @from: the first exit to look at.
 * @count: how many exits to look at, at most.
 *
 * Done in steps so that the caller can drop the lock between them.
 *
 * Return: the exit to go on from; @tr->nexits when every exit is done.
 */
u32 kdbt_tr_unlink(struct kdbt_tr *tr, u32 from, u32 count)
{
	u32 i, end;

	if (from >= tr->nexits)
		return tr->nexits;
	end = tr->nexits - from > count ? from + count : tr->nexits;
	for (i = from; i < end; i++) {
		struct kdbt_exit *x = &tr->mem.exits[i];

		if (x->linked)
			unlink_exit(tr, x);
	}
	return end;
}

/*
 * Site @s's filled checks match their targets (@open) or nothing; a
 * ret's check of slot 0 too (fill_slot()).
 */
static void slot_checks(struct kdbt_tr *tr, const struct kdbt_site *s,
			bool open)
{
	u32 i;

	for (i = 0; i < s->nslots; i++)
		kdbt_slot_check_set(tr, s, i, open ?
				    tr->mem.exits[s->slot_exit + i].target :
				    KDBT_SLOT_EMPTY);
}

/**
 * kdbt_tr_slots() - close the slots' checks, so that none matches, or
 * open them again.
 * @tr: the translator (lock held, detached: nothing fills a slot meanwhile).
 * @from: the first site.
 * @count: how many sites, at most.
 * @open: match the slots' targets again (else: nothing).
 *
 * Detached, a slot hit would keep a CPU in the cache: a transparent-mode
 * return that hits one goes on to its return site's block instead of
 * leaving at the (emptied) jumptable, which off relies on.  Closed, every
 * check misses and goes on to the fill stub or the probe, both of which
 * lead to the dispatcher.  The slots keep their targets and exits, so
 * opening them again, before the translator is attached again, restores
 * the inline caches as they were.  Each check is one aligned 32-bit store,
 * as when it was filled.  Done in steps so that the caller can drop the
 * lock between them; fill_slot() fills nothing from the first closing step
 * until the last opening one.
 *
 * Return: the site to go on from; @tr->nsites when every site is done.
 */
u32 kdbt_tr_slots(struct kdbt_tr *tr, u32 from, u32 count, bool open)
{
	u32 i, end;

	if (!open)
		tr->slots_closed = true;
	if (from >= tr->nsites)
		goto done;
	end = tr->nsites - from > count ? from + count : tr->nsites;
	for (i = from; i < end; i++)
		if (tr->mem.sites[i].slot_off)
			slot_checks(tr, &tr->mem.sites[i], open);
	if (end < tr->nsites)
		return end;
done:
	if (open)
		tr->slots_closed = false;
	return tr->nsites;
}

/* Take block @id out of its hash chain. */
static void unhash(struct kdbt_tr *tr, u32 id)
{
	u32 *link = &tr->mem.hash[hash_native(tr, tr->mem.blocks[id].native)];

	while (*link && *link != id)
		link = &tr->mem.blocks[*link].next;
	if (*link)
		*link = tr->mem.blocks[id].next;
}

/* Must block @id go: its text overlaps [@start, @end), or it runs on into
 * a block that goes, or its jcc leads into a taken copy that goes (blocks
 * are checked from the highest id down; copies follow their block). */
static bool stale(const struct kdbt_tr *tr, u32 id, u64 start, u64 end)
{
	const struct kdbt_block *b = &tr->mem.blocks[id];

	if (b->invalid)
		return false;
	if (b->native < end && b->native + b->native_len > start)
		return true;
	if (b->derived && b->taken && tr->mem.blocks[b->taken].invalid)
		return true;	/* its jcc leads into the old code */
	return b->chained && id + 1 < tr->nblocks && tr->mem.blocks[id + 1].invalid;
}

/* What one kdbt_invalidate() found: its blocks and the span of exits. */
struct inval {
	u64 start, end;		/* the changed bytes */
	u64 lo, hi;		/* exits whose target lies here may lead in */
	u32 n;			/* blocks invalidated */
	u32 examined;		/* blocks looked at */
};

/* Invalidate block @id if stale(), widening the span of exits to undo. */
static void inval_block(struct kdbt_tr *tr, struct inval *v, u32 id)
{
	struct kdbt_block *b = &tr->mem.blocks[id];

	v->examined++;
	if (!stale(tr, id, v->start, v->end))
		return;
	unhash(tr, id);
	b->invalid = 1;
	if (b->native < v->lo)
		v->lo = b->native;
	if (b->native >= v->hi)
		v->hi = b->native + 1;
	v->n++;
}

/*
 * Every block, from the highest id down (a block is stale when the block
 * it runs on into, which follows it, is).
 */
static void inval_scan(struct kdbt_tr *tr, struct inval *v)
{
	u32 id;

	for (id = tr->nblocks - 1; id >= 1; id--)
		inval_block(tr, v, id);
}

/* The chain block @id was made in, from its last block down. */
static void inval_chain(struct kdbt_tr *tr, struct inval *v, u32 id)
{
	const struct kdbt_block *b = &tr->mem.blocks[id];
	u32 first = id - b->chain_pos, last = first + b->chain_n - 1;

	for (id = last; id >= first && id >= 1; id--)
		inval_block(tr, v, id);
}

/*
 * The page index: only the blocks that start in a page of
 * [start - KDBT_MAX_BLOCK_BYTES, end), the only ones that can overlap the
 * range, are candidates; the chain of each one that overlaps is checked
 * whole (staleness spreads only along a chain: stale()).  Invalidated
 * blocks leave the index as their bucket is walked.
 */
static void inval_index(struct kdbt_tr *tr, struct inval *v, u64 first_page,
			u64 last_page)
{
	u64 pg;

	for (pg = first_page; pg <= last_page; pg++) {
		u32 *link = &tr->mem.page_hash[hash_page(tr, pg << 12)];

		while (*link) {
			u32 id = *link;
			const struct kdbt_block *b = &tr->mem.blocks[id];

			if (b->invalid) {
				*link = tr->mem.page_next[id];
				continue;
			}
			link = &tr->mem.page_next[id];
			v->examined++;
			if (b->native < v->end &&
			    b->native + b->native_len > v->start)
				inval_chain(tr, v, id);
		}
	}
}

/* Pages of [@start, @end) beyond which the index costs more than a scan. */
static bool index_worth(const struct kdbt_tr *tr, u64 pages)
{
	return tr->mem.page_hash && pages <= tr->mem.page_hash_size &&
	       pages <= tr->nblocks;
}

/**
 * kdbt_invalidate() - native text in [@start, @end) changed: make every
 * translation of it unreachable, so that the next execution translates
 * the new text.
 * @tr: the translator (lock held).
 * @start: first changed byte.
 * @end: one past the last.
 *
 * Every block overlapping the range leaves the hash, and so does every
 * block chained into one of those (it runs on into the old code without
 * an exit); every linked exit that may lead into one (its target lies in
 * the span of their starts, or within a block's reach of the range) goes
 * back to its dispatcher stub; the jumptable is emptied.  The code itself
 * stays where it is: a CPU already inside an old block or chain finishes
 * it, as a CPU mid-instruction does during native patching.
 *
 * With the page index (kdbt_mem.page_hash) only the blocks that start in
 * the range's pages, or within a block's reach before it, and the chains
 * of those that overlap it are looked at, not every block
 * (tr->inval_examined); the exits are walked only when a block went.
 *
 * Return: the number of blocks invalidated.
 */
u32 kdbt_invalidate(struct kdbt_tr *tr, u64 start, u64 end)
{
	u64 lo = start > KDBT_MAX_BLOCK_BYTES ? start - KDBT_MAX_BLOCK_BYTES : 0;
	struct inval v = { .start = start, .end = end, .lo = lo, .hi = end };
	u64 first_page = lo >> 12, last_page = (end > start ? end - 1 : start) >> 12;
	u32 i;

	if (last_page >= first_page &&
	    index_worth(tr, last_page - first_page + 1))
		inval_index(tr, &v, first_page, last_page);
	else
		inval_scan(tr, &v);
	tr->inval_examined += v.examined;
	if (v.examined > tr->inval_examined_max)
		tr->inval_examined_max = v.examined;
	if (!v.n)
		return 0;
	for (i = 0; i < tr->nexits; i++) {
		struct kdbt_exit *x = &tr->mem.exits[i];

		if (x->linked && x->target >= v.lo && x->target < v.hi)
			unlink_exit(tr, x);
	}
	jt_empty(tr);
	tr->invalidated += v.n;
	return v.n;
}

/**
 * kdbt_cache_open() - the writable view of @len bytes of the cache at
 * @off, which the core is about to write: every write into the cache
 * goes through here, so that the environment (cfg.open_cache) may keep
 * its writable view read-only but for those bytes.
 * @tr: the translator (lock held).
 * @off: offset in the cache.
 * @len: bytes (at most up to the cache's end).
 *
 * Return: @tr->mem.cache + @off.
 */
u8 *kdbt_cache_open(struct kdbt_tr *tr, u32 off, u32 len)
{
	if (tr->cfg.open_cache && len)
		tr->cfg.open_cache(tr->cfg.ctx, off, len);
	return tr->mem.cache + off;
}

/**
 * kdbt_exit_patch() - aim exit @x's rel32 at @dest (lock held): one
 * aligned 4-byte store (emit_patch_rel32()).
 */
void kdbt_exit_patch(struct kdbt_tr *tr, const struct kdbt_exit *x, u64 dest)
{
	emit_patch_rel32(kdbt_cache_open(tr, x->rel_off, 4),
			 tr->mem.cache_addr + x->rel_off, dest);
}

/**
 * kdbt_cache_alloc() - take @len bytes of the cache for code the
 * environment writes itself (entry prologues).
 * @tr: the translator (lock held).
 * @len: bytes.
 * @addr: receives their run-time address.
 *
 * Return: a writable view of the bytes, or NULL if the cache is full.
 */
void *kdbt_cache_alloc(struct kdbt_tr *tr, u32 len, u64 *addr)
{
	u8 *p;

	len = (len + 15) & ~15u;
	if (len > tr->mem.cache_size - tr->cache_used)
		return NULL;
	p = kdbt_cache_open(tr, tr->cache_used, len);
	*addr = tr->mem.cache_addr + tr->cache_used;
	tr->cache_used += len;
	return p;
}

/**
 * kdbt_find_block() - the block that starts at @native, or NULL.
 * @tr: the translator.
 * @native: native address.
 *
 * Return: the block or NULL.
 */
struct kdbt_block *kdbt_find_block(const struct kdbt_tr *tr, u64 native)
{
	u32 id = tr->mem.hash[hash_native(tr, native)];

	while (id) {
		struct kdbt_block *b = &tr->mem.blocks[id];

		if (b->native == native)
			return b;
		id = b->next;
	}
	return NULL;
}

/**
 * kdbt_block_entry() - run-time address of a block's direct entry.
 * @tr: the translator.
 * @b: one of its blocks.
 *
 * Return: the address.
 */
u64 kdbt_block_entry(const struct kdbt_tr *tr, const struct kdbt_block *b)
{
	return tr->mem.cache_addr + b->cache_off;
}

/* ------------------------------------------------------------------ */
/* Per-block emission state                                            */
/* ------------------------------------------------------------------ */

/*
 * One chain of blocks is emitted into one buffer; its exits, sites, maps
 * and blocks are counted here and added to the translator's at publish().
 */
struct emit_ctx {
	struct kdbt_tr *tr;
	struct kdbt_bb *bb;
	struct kdbt_block *b;	/* the block being emitted */
	u32 id;			/* its id */
	struct kdbt_emit e;	/* the whole chain */
	u32 entry;		/* e.pos of its direct entry */
	u32 nexits;		/* exits of the chain, from tr->nexits */
	u32 nsites;		/* sites of the chain, from tr->nsites */
	u32 nmaps;		/* maps of the chain, from tr->nmaps */
	u32 nblocks;		/* blocks of the chain, from tr->nblocks */
	u32 fall_pos;		/* e.pos of the block's jump to its successor */
	u64 fall_target;	/* that successor, when fall_pos != NO_FALL */
	u32 max_chain;		/* blocks the chain may hold, copies aside */
	bool copies;		/* derive jcc blocks' counts from copies */
	bool copying;		/* the block being emitted is a copy */
	u32 slot_of;		/* the chain is a slot's copy of this block's
				 * site (kdbt_slot_copy()), or 0 */
	u32 slot0_jmp;		/* e.pos of the last site's slot 0 exit */
	u32 npend;		/* derived blocks' taken copies to emit */
	struct {
		u32 field;	/* e.pos of the jcc's rel32 */
		u64 target;	/* native taken target */
		u32 pred;	/* the derived block's id */
	} pend[KDBT_MAX_CHAIN];
};

#define NO_FALL	0xffffffffu

/* Start a direct exit: a patchable branch to be pointed at its stub. */
static void add_exit(struct emit_ctx *c, u32 field, u64 target)
{
	struct kdbt_tr *tr = c->tr;
	u32 n = tr->nexits + c->nexits;

	if (n >= tr->mem.max_exits) {
		c->e.err = -ENOSPC;
		return;
	}
	tr->mem.exits[n].target = target;
	tr->mem.exits[n].rel_off = tr->cache_used + field;
	tr->mem.exits[n].block = c->id;
	tr->mem.exits[n].linked = 0;
	tr->mem.exits[n].slot = 0;
	c->nexits++;
}

static void exit_jmp(struct emit_ctx *c, u64 target)
{
	add_exit(c, emit_jmp(&c->e, emit_here(&c->e)), target);
}

/*
 * The block's last exit, a jmp to @target where native execution simply
 * goes on (fall-through, or a direct jmp): chain_next() may replace it
 * with @target's own translation.
 */
static void exit_successor(struct emit_ctx *c, u64 target)
{
	c->fall_pos = c->e.pos;
	c->fall_target = target;
	exit_jmp(c, target);
}

/* Exit stubs: push $exit_id; jmp dispatch_direct.  Point each exit there. */
static void emit_stubs(struct emit_ctx *c)
{
	struct kdbt_tr *tr = c->tr;
	u32 i;

	for (i = 0; i < c->nexits && !c->e.err; i++) {
		u32 id = tr->nexits + i;
		struct kdbt_exit *x = &tr->mem.exits[id];
		u32 field = x->rel_off - tr->cache_used;
		u64 stub = emit_here(&c->e);

		x->stub_off = (u32)(stub - tr->mem.cache_addr);
		emit_lea_rsp(&c->e, -(s32)tr->cfg.stack_skip);
		emit_u8(&c->e, 0x68);
		emit_u32(&c->e, id);
		emit_jmp_abs(&c->e, tr->cfg.dispatch_direct);
		if (!c->e.err)
			emit_patch_rel32(c->e.buf + field, c->e.addr + field,
					 stub);
	}
}

/* ------------------------------------------------------------------ */
/* COPY and RIPREL: position independent after relocation              */
/* ------------------------------------------------------------------ */

static void rule_copy(struct emit_ctx *c, const struct kdbt_binsn *in)
{
	u8 bytes[KDBT_MAX_INSN_LEN];
	u64 here = emit_here(&c->e);
	s64 disp;
	u32 i;

	for (i = 0; i < in->len; i++)
		bytes[i] = in->bytes[i];
	if (in->rule == KDBT_RULE_RIPREL) {
		/* disp32 relative to the next instruction: same length here */
		disp = (s32)(bytes[in->disp_off] | bytes[in->disp_off + 1] << 8 |
			     bytes[in->disp_off + 2] << 16 |
			     (u32)bytes[in->disp_off + 3] << 24);
		disp += (s64)(in->ip - here);
		if (!fits_s32(disp)) {
			kdbt_refuse(c->tr, KDBT_REFUSE_RANGE, in->ip);
			c->e.err = -ERANGE;
			return;
		}
		bytes[in->disp_off] = (u8)disp;
		bytes[in->disp_off + 1] = (u8)(disp >> 8);
		bytes[in->disp_off + 2] = (u8)(disp >> 16);
		bytes[in->disp_off + 3] = (u8)(disp >> 24);
	}
	emit_bytes(&c->e, bytes, in->len);
}

/* ------------------------------------------------------------------ */
/* DIRECT BRANCHES - chained exits                                     */
/* ------------------------------------------------------------------ */

/* jcc rel8 (7x) or rel32 (0f 8x): the condition is the opcode's low nibble. */
static void rule_jcc(struct emit_ctx *c, const struct kdbt_binsn *in,
		     u64 next)
{
	u8 cc = in->bytes[in->imm_off - 1] & 15;
	u32 field = emit_jcc(&c->e, cc, emit_here(&c->e));

	if (c->b->derived) {	/* into its taken copy, emitted later */
		c->pend[c->npend].field = field;
		c->pend[c->npend].target = in->target;
		c->pend[c->npend].pred = c->id;
		c->npend++;
	} else {
		add_exit(c, field, in->target);
	}
	exit_successor(c, next);
}

/*
 * loop/loope/loopne/jrcxz/jecxz have only a rel8 form: keep the
 * instruction, aim it at a local taken-exit, and fall into the other exit:
 *	<insn> taken ; jmp <fall exit> ; taken: jmp <taken exit>
 */
static void rule_jcc_short(struct emit_ctx *c, const struct kdbt_binsn *in,
			   u64 next)
{
	u32 at = c->e.pos, taken;

	emit_bytes(&c->e, in->bytes, in->len);
	exit_jmp(c, next);
	taken = c->e.pos;
	exit_jmp(c, in->target);
	if (!c->e.err)
		c->e.buf[at + in->imm_off] = (u8)(taken - (at + in->len));
}

/*
 * call rel32.  A real call into the chained exit pushes the cache return
 * address, and the callee's ret comes back here, to the return site,
 * where the block at the native return address follows in the chain
 * (chain_next()) or an exit leads to it: fast mode, and calls of native
 * leaf helpers (cfg.returns_to_cache) in both modes.  Otherwise
 * (transparent mode, or native code that must see its caller): push the
 * native return address and jump.
 */
static void rule_call(struct emit_ctx *c, const struct kdbt_binsn *in,
		      u64 next)
{
	const struct kdbt_config *cfg = &c->tr->cfg;
	bool cache_ret;

	if (cfg->may_translate(cfg->ctx, in->target))
		cache_ret = cfg->mode == KDBT_MODE_FAST;
	else
		cache_ret = cfg->returns_to_cache &&
			    cfg->returns_to_cache(cfg->ctx, in->target);
	if (cache_ret) {
		add_exit(c, emit_call(&c->e, emit_here(&c->e)), in->target);
		c->b->ret_site = (u16)(c->e.pos - c->entry);
		exit_successor(c, next);	/* chain_next(): the ret lands
						 * on the next block itself */
		return;
	}
	emit_push_imm64(&c->e, next);
	exit_jmp(c, in->target);
}

/* ------------------------------------------------------------------ */
/* INDIRECT BRANCHES - jumptable probe                                 */
/* ------------------------------------------------------------------ */

/*
 * Load the branch target into %rdx with Zydis: `mov <operand>,%rdx`.
 * @rsp_adj: bytes pushed since the instruction's own %rsp.
 */
static void load_target(struct emit_ctx *c, const struct kdbt_binsn *in,
			u32 rsp_adj)
{
	struct kdbt_tr *tr = c->tr;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	const ZydisDecodedOperand *op = &ops[0];
	struct kdbt_full_insn fi;
	ZydisEncoderRequest req;
	u8 buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
	ZyanUSize len = sizeof(buf);

	__builtin_memset(&req, 0, sizeof(req));
	req.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
	req.mnemonic = ZYDIS_MNEMONIC_MOV;
	req.operand_count = 2;
	req.operands[0].type = ZYDIS_OPERAND_TYPE_REGISTER;
	req.operands[0].reg.value = ZYDIS_REGISTER_RDX;
	if (in->thunk_reg) {
		req.operands[1].type = ZYDIS_OPERAND_TYPE_REGISTER;
		req.operands[1].reg.value = ZYDIS_REGISTER_RAX + in->thunk_reg - 1;
		goto encode;
	}
	if (kdbt_decode_full(&tr->dec, in->bytes, in->len, &fi) ||
	    kdbt_decode_operands(&tr->dec, &fi, ops, ZYDIS_MAX_OPERAND_COUNT)) {
		c->e.err = -EILSEQ;
		return;
	}
	if (op->type == ZYDIS_OPERAND_TYPE_REGISTER &&
	    op->reg.value != ZYDIS_REGISTER_RSP) {
		req.operands[1].type = ZYDIS_OPERAND_TYPE_REGISTER;
		req.operands[1].reg.value = op->reg.value;
	} else if (op->type == ZYDIS_OPERAND_TYPE_MEMORY) {
		req.operands[1].type = ZYDIS_OPERAND_TYPE_MEMORY;
		req.operands[1].mem.base = op->mem.base;
		req.operands[1].mem.index = op->mem.index;
		req.operands[1].mem.scale = op->mem.scale;
		req.operands[1].mem.size = 8;
		req.operands[1].mem.displacement = op->mem.disp.value;
		if (op->mem.base == ZYDIS_REGISTER_RIP)	/* absolute */
			req.operands[1].mem.displacement += in->ip + in->len;
		if (op->mem.base == ZYDIS_REGISTER_RSP)
			req.operands[1].mem.displacement += rsp_adj;
		if (op->mem.segment == ZYDIS_REGISTER_GS)
			req.prefixes |= ZYDIS_ATTRIB_HAS_SEGMENT_GS;
		if (op->mem.segment == ZYDIS_REGISTER_FS)
			req.prefixes |= ZYDIS_ATTRIB_HAS_SEGMENT_FS;
	} else {
		kdbt_refuse(tr, KDBT_REFUSE_ENCODE, in->ip);
		c->e.err = -EINVAL;
		return;
	}
encode:
	if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstructionAbsolute(&req, buf, &len,
							emit_here(&c->e)))) {
		kdbt_refuse(tr, KDBT_REFUSE_ENCODE, in->ip);
		c->e.err = -EINVAL;
		return;
	}
	emit_bytes(&c->e, buf, (u32)len);
}

/*
 * The probe, common to jmp *, call * and transparent ret.  On entry the
 * stack is [%rdx][%rcx]... and %rdx holds the native target:
 *	push $site
 *	movzwl %dx,%ecx
 *	jmp *jt(,%rcx,8)		(or mov + jmp __x86_indirect_thunk_rcx)
 * It lands on an indirect entry (kdbt_indirect_entry()) that checks the
 * target and pops the three words, or on the dispatcher.  No flag is
 * written anywhere on this path.
 */
static void emit_probe(struct emit_ctx *c)
{
	static const u8 movzwl[] = { 0x0f, 0xb7, 0xca };
	static const u8 jmp_jt[] = { 0xff, 0x24, 0xcd };
	static const u8 mov_jt[] = { 0x48, 0x8b, 0x0c, 0xcd };
	struct kdbt_tr *tr = c->tr;
	u64 thunk = tr->cfg.indirect_thunk[ZYDIS_REGISTER_RCX - ZYDIS_REGISTER_RAX];

	if (tr->nsites + c->nsites >= tr->mem.max_sites) {
		c->e.err = -ENOSPC;
		return;
	}
	c->b->site = (s32)(tr->nsites + c->nsites);
	tr->mem.sites[c->b->site].slot_off = 0;	/* emit_slot_tails() */
	tr->mem.sites[c->b->site].ret_check = 0;	/* rule_ret() */
	c->nsites++;
	emit_u8(&c->e, 0x68);
	emit_u32(&c->e, (u32)c->b->site);
	emit_bytes(&c->e, movzwl, sizeof(movzwl));
	if (thunk) {	/* keep the kernel's retpoline for our own branch */
		emit_bytes(&c->e, mov_jt, sizeof(mov_jt));
		emit_u32(&c->e, (u32)tr->cfg.jt_addr);
		emit_jmp_abs(&c->e, thunk);
	} else {
		emit_bytes(&c->e, jmp_jt, sizeof(jmp_jt));
		emit_u32(&c->e, (u32)tr->cfg.jt_addr);
	}
}

/* Where one site's slot code is, while it is emitted (struct kdbt_site). */
struct slot_layout {
	u32 start;			/* e.pos of slot 0 */
	u32 jrcxz[KDBT_SLOTS];		/* e.pos of each jrcxz's rel8 */
	u32 fill;			/* e.pos of the fill jmp's rel32 */
};

/* Does this block's site keep a value profile (struct kdbt_site)? */
static bool wants_slots(const struct emit_ctx *c)
{
	const struct kdbt_config *cfg = &c->tr->cfg;

	return cfg->slots &&
	       (c->bb->end == KDBT_END_CALL_IND ||
		c->bb->end == KDBT_END_JMP_IND ||
		c->bb->end == KDBT_END_RET);	/* transparent mode's */
}

/*
 * The slots' checks, before the probe: lea -target(%rdx),%rcx; jrcxz hit
 * for each (no flag is written), then the jmp that leads to the fill stub
 * while a slot is free.  Every slot starts empty (KDBT_SLOT_EMPTY).
 */
static void emit_slot_checks(struct emit_ctx *c, struct slot_layout *l)
{
	static const u8 lea[] = { 0x48, 0x8d, 0x8a };	/* lea d32(%rdx),%rcx */
	struct kdbt_site *s = &c->tr->mem.sites[c->tr->nsites + c->nsites];
	u32 i;

	l->start = c->e.pos;
	for (i = 0; i < KDBT_SLOTS; i++) {
		u32 field = emit_field32(&c->e, lea, sizeof(lea),
					 (u32)-KDBT_SLOT_EMPTY);

		s->lea_off[i] = (u8)(field - l->start);
		emit_u8(&c->e, 0xe3);
		l->jrcxz[i] = c->e.pos;
		emit_u8(&c->e, 0);
	}
	l->fill = emit_jmp(&c->e, emit_here(&c->e));	/* aimed below */
}

/* Aim the jrcxz whose rel8 is at @at to here. */
static void aim_jrcxz(struct emit_ctx *c, u32 at)
{
	s32 rel = (s32)c->e.pos - (s32)(at + 1);

	if (rel > 127 && !c->e.err)
		c->e.err = -ERANGE;
	if (!c->e.err)
		c->e.buf[at] = (u8)rel;
}

/*
 * After the probe: each slot's hit code, an exit to its target (an
 * empty slot's exit leads to KDBT_SLOT_EMPTY, which no target is), and
 * the fill stub, `push $(site | KDBT_SITE_FILL); jmp dispatch_indirect`,
 * which leaves the stack as a probe miss does.
 */
static void emit_slot_tails(struct emit_ctx *c, const struct slot_layout *l)
{
	static const u8 drop_site[] = { 0x48, 0x8d, 0x64, 0x24, 0x08 };
	struct kdbt_tr *tr = c->tr;
	struct kdbt_site *s = &tr->mem.sites[c->b->site];
	u64 fill;
	u32 i;

	s->slot_off = tr->cache_used + l->start;
	s->slot_exit = tr->nexits + c->nexits;
	s->fill_off = (u16)(l->fill - l->start);
	s->nslots = 0;
	s->closed = 0;
	for (i = 0; i < KDBT_SLOTS; i++) {
		s->hit_off[i] = (u8)(c->e.pos - l->start);
		emit_bytes(&c->e, drop_site, sizeof(drop_site));
		aim_jrcxz(c, l->jrcxz[i]);
		emit_u8(&c->e, 0x5a);			/* pop %rdx */
		emit_u8(&c->e, 0x59);			/* pop %rcx */
		emit_lea_rsp(&c->e, (s32)tr->cfg.stack_skip);
		if (!i)
			c->slot0_jmp = c->e.pos;
		exit_jmp(c, KDBT_SLOT_EMPTY);
		if (!c->e.err)	/* (else no exit was added: the table is full) */
			tr->mem.exits[tr->nexits + c->nexits - 1].slot =
				(u8)(i + 1);
	}
	fill = emit_here(&c->e);
	emit_u8(&c->e, 0x68);
	emit_u32(&c->e, (u32)c->b->site | KDBT_SITE_FILL);
	emit_jmp_abs(&c->e, tr->cfg.dispatch_indirect);
	if (!c->e.err)
		emit_patch_rel32(c->e.buf + l->fill, c->e.addr + l->fill, fill);
}

/*
 * An indirect call's or jump's site: the slots (if it keeps a value
 * profile), the jumptable probe, the slots' code.  The stack is as the
 * probe wants it.
 */
static void emit_site(struct emit_ctx *c)
{
	struct slot_layout l;
	bool slots = wants_slots(c);

	if (slots) {
		if (c->tr->nsites + c->nsites >= c->tr->mem.max_sites) {
			c->e.err = -ENOSPC;
			return;
		}
		emit_slot_checks(c, &l);
	}
	emit_probe(c);
	if (slots)
		emit_slot_tails(c, &l);
}

/*
 * jmp *op: step over the red zone (if any), push %rcx; push %rdx;
 * mov op,%rdx; probe.  Every probe leaves [site][%rdx][%rcx][skip] for the
 * indirect entry, whatever the branch kind.
 */
static void rule_jmp_ind(struct emit_ctx *c, const struct kdbt_binsn *in)
{
	u32 skip = c->tr->cfg.stack_skip;

	emit_lea_rsp(&c->e, -(s32)skip);
	emit_u8(&c->e, 0x51);
	emit_u8(&c->e, 0x52);
	load_target(c, in, 16 + skip);
	emit_site(c);
}

/*
 * call *op: push the return address where the call would (fast: this
 * block's return site in the cache, patched in once known; transparent:
 * the native one), step over the red zone, save, load, probe.  Stack at
 * the probe: [%rdx][%rcx][skip][return address].  Both kinds of return
 * address sign-extend from 32 bits (kernel text, modules and the cache
 * live in the top 2 GiB), so one `push imm32` does it.
 */
static void rule_call_ind(struct emit_ctx *c, const struct kdbt_binsn *in,
			  u64 next)
{
	bool fast = c->tr->cfg.mode == KDBT_MODE_FAST;
	u32 skip = c->tr->cfg.stack_skip;
	u32 imm = 0;

	if (fast) {
		emit_u8(&c->e, 0x68);			/* push $ret_site */
		imm = c->e.pos;
		emit_u32(&c->e, 0);
	} else {
		emit_push_imm64(&c->e, next);
	}
	emit_lea_rsp(&c->e, -(s32)skip);
	emit_u8(&c->e, 0x51);
	emit_u8(&c->e, 0x52);
	load_target(c, in, 24 + skip);
	emit_site(c);
	if (!fast || c->e.err)
		return;
	/* The return site: the callee's ret lands here. */
	c->b->ret_site = (u16)(c->e.pos - c->entry);
	next = emit_here(&c->e);
	if (!fits_s32((s64)next)) {
		c->e.err = -ERANGE;
		return;
	}
	c->e.buf[imm] = (u8)next;
	c->e.buf[imm + 1] = (u8)(next >> 8);
	c->e.buf[imm + 2] = (u8)(next >> 16);
	c->e.buf[imm + 3] = (u8)(next >> 24);
	exit_successor(c, c->bb->next);	/* as for a direct call */
}

/* Where rule_ret()'s check of slot 0 is, while it is emitted. */
struct ret_check {
	u32 field;		/* e.pos of the cmpq's imm32, or 0: none */
	u32 jne;		/* e.pos of the jne's rel8 */
	u32 jmp;		/* e.pos of the jmp's rel32 */
};

/*
 * A C function's ret (transparent mode): flags are dead at its return, so
 * one compare with slot 0's target can come before the flag-preserving
 * sequence (kdbt_site.ret_check):
 *	cmpq $imm32,(%rsp)	(4-aligned field; KDBT_SLOT_EMPTY for now)
 *	jne 1f
 *	lea 8(%rsp),%rsp
 *	jmp <slot 0's exit>	(aim_ret_check())
 * 1:	the sequence
 * Four instructions to a return address slot 0 holds, not eight.
 */
static void emit_ret_check(struct emit_ctx *c, struct ret_check *rc)
{
	static const u8 cmp[] = { 0x48, 0x81, 0x3c, 0x24 };

	rc->field = emit_field32(&c->e, cmp, sizeof(cmp),
				 (u32)KDBT_SLOT_EMPTY);
	emit_u8(&c->e, 0x75);				/* jne rel8 */
	rc->jne = c->e.pos;
	emit_u8(&c->e, 0);
	emit_lea_rsp(&c->e, 8);
	rc->jmp = emit_jmp(&c->e, emit_here(&c->e));
	if (!c->e.err)	/* (else the buffer may end before rc->jne) */
		c->e.buf[rc->jne] = (u8)(c->e.pos - (rc->jne + 1));
}

/* The check's jmp to slot 0's exit, and the site told where it is. */
static void aim_ret_check(struct emit_ctx *c, const struct ret_check *rc)
{
	struct kdbt_site *s = &c->tr->mem.sites[c->b->site];

	emit_patch_rel32(c->e.buf + rc->jmp, c->e.addr + rc->jmp,
			 c->e.addr + c->slot0_jmp);
	s->ret_check = c->tr->cache_used + rc->field;
}

/*
 * ret.  Fast mode: `ret` itself (the stack holds cache return addresses).
 * Transparent mode: the native return address goes through the slots of
 * return addresses (with cfg.slots) and the probe, arranged so that the
 * indirect entry's pops (and skip) end at %rsp + 8:
 *	no skip:  push %rdx; mov 8(%rsp),%rdx; mov %rcx,8(%rsp)
 *	skip:     lea 8-skip(%rsp),%rsp; push %rcx; push %rdx;
 *		  mov skip+8(%rsp),%rdx
 * (below %rsp is dead at a ret, so the second form may write there); a C
 * function's ret compares with slot 0's target first (emit_ret_check()).
 */
static void rule_ret(struct emit_ctx *c)
{
	static const u8 seq[] = { 0x52, 0x48, 0x8b, 0x54, 0x24, 0x08,
				  0x48, 0x89, 0x4c, 0x24, 0x08 };
	static const u8 load[] = { 0x48, 0x8b, 0x94, 0x24 };
	u32 skip = c->tr->cfg.stack_skip;
	struct ret_check rc;

	if (c->tr->cfg.mode == KDBT_MODE_FAST) {
		emit_u8(&c->e, 0xc3);
		return;
	}
	rc.field = 0;
	if (wants_slots(c) && kdbt_bb_in_c(c->tr, c->bb))
		emit_ret_check(c, &rc);
	if (!skip) {
		emit_bytes(&c->e, seq, sizeof(seq));
	} else {
		emit_lea_rsp(&c->e, 8 - (s32)skip);
		emit_u8(&c->e, 0x51);
		emit_u8(&c->e, 0x52);
		emit_bytes(&c->e, load, sizeof(load));	/* mov d32(%rsp),%rdx */
		emit_u32(&c->e, skip + 8);
	}
	emit_site(c);
	if (rc.field && !c->e.err)
		aim_ret_check(c, &rc);
}

/* ------------------------------------------------------------------ */
/* The block                                                           */
/* ------------------------------------------------------------------ */

static void emit_terminator(struct emit_ctx *c)
{
	struct kdbt_bb *bb = c->bb;
	const struct kdbt_binsn *last = &bb->insn[bb->n ? bb->n - 1 : 0];
	struct kdbt_tr *tr = c->tr;

	switch (bb->end) {
	case KDBT_END_FALL:
		exit_successor(c, bb->next);
		break;
	case KDBT_END_NATIVE:
		/* Not an exit: the native instruction must never be translated. */
		emit_jmp_abs(&c->e, bb->next);
		break;
	case KDBT_END_JMP:
		if (tr->cfg.return_thunk && last->target == tr->cfg.return_thunk) {
			c->b->target = 0;	/* a return, not a jump */
			if (tr->cfg.mode == KDBT_MODE_FAST) {
				/* Keep the mitigation: the thunk rets for us. */
				c->b->end = KDBT_END_THUNK;
				emit_jmp_abs(&c->e, last->target);
			} else {
				c->b->end = KDBT_END_RET;
				rule_ret(c);
			}
			break;
		}
		exit_successor(c, last->target);
		break;
	case KDBT_END_JCC:
		if (last->rule == KDBT_RULE_JCC_SHORT)
			rule_jcc_short(c, last, bb->next);
		else
			rule_jcc(c, last, bb->next);
		break;
	case KDBT_END_CALL:
		rule_call(c, last, bb->next);
		break;
	case KDBT_END_JMP_IND:
		rule_jmp_ind(c, last);
		break;
	case KDBT_END_CALL_IND:
		rule_call_ind(c, last, bb->next);
		break;
	case KDBT_END_RET:
		rule_ret(c);
		break;
	default:
		c->e.err = -EINVAL;
	}
}

/*
 * cmpxchg8b and cmpxchg16b start a new block of QEMU's translation.
 * QEMU's TCG up to 7.2 (Debian 12's) computes their flags from the
 * cc_op it last stored, not from the one an earlier instruction of the
 * same TCG block left pending: after a popfq or an interrupt (stored
 * cc_op: EFLAGS) and an add, the add's source operand becomes the flags.
 * ZF is right, but the high bits (TF, IOPL, NT, VM) reach EFLAGS when
 * QEMU next saves them.  Native code hardly shows it: the sete; test
 * after the kernel's cmpxchg16b sit in the same TCG block and overwrite
 * the flags first.  In the cache a page boundary, where QEMU ends its
 * blocks, can fall between them - the soak's double fault, an interrupt
 * delivered with VM set - and a counter's pushfq would copy them.  A jmp
 * to the next instruction makes QEMU store the cc_op and start a new
 * block; on hardware it is one predicted branch.  The instruction's map
 * entry is the cmpxchg itself, so that an interrupt frame or an
 * exception-table entry finds it.
 */
static void split_before(struct emit_ctx *c, const struct kdbt_binsn *in)
{
	if (in->mnemonic != ZYDIS_MNEMONIC_CMPXCHG16B &&
	    in->mnemonic != ZYDIS_MNEMONIC_CMPXCHG8B)
		return;
	emit_u8(&c->e, 0xeb);		/* jmp .+2 */
	emit_u8(&c->e, 0x00);
}

/* Body and terminator, recording one map entry per native instruction. */
static void emit_body(struct emit_ctx *c)
{
	struct kdbt_tr *tr = c->tr;
	struct kdbt_bb *bb = c->bb;
	bool term = bb->end != KDBT_END_FALL && bb->end != KDBT_END_NATIVE;
	unsigned int i;

	for (i = 0; i < bb->n; i++) {
		struct kdbt_map *m = &tr->mem.maps[c->b->map + i];

		split_before(c, &bb->insn[i]);	/* (never a terminator) */
		m->native_off = (u16)(bb->insn[i].ip - bb->start);
		m->cache_off = (u16)(c->e.pos - c->entry);
		if (term && i == bb->n - 1)
			break;
		rule_copy(c, &bb->insn[i]);
	}
	emit_terminator(c);
}

/* Emit the indirect entry (see core.h) that ends by going to @dest. */
static void emit_ientry(struct kdbt_emit *e, const struct kdbt_tr *tr,
			u64 native, u64 dest)
{
	static const u8 lea[] = { 0x48, 0x8d, 0x8a };	/* lea d32(%rdx),%rcx */
	static const u8 pops[] = { 0x59, 0x5a, 0x59 };	/* site, %rdx, %rcx */
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	u32 jrcxz;

	if (tr->cfg.ibt)	/* the landing pad of the jumptable's jmp * */
		emit_bytes(e, endbr64, sizeof(endbr64));
	emit_bytes(e, lea, sizeof(lea));
	emit_u32(e, (u32)-native);
	emit_u8(e, 0xe3);				/* jrcxz over the miss */
	jrcxz = e->pos;
	emit_u8(e, 0);
	emit_jmp_abs(e, tr->cfg.dispatch_indirect);
	if (!e->err)
		e->buf[jrcxz] = (u8)(e->pos - (jrcxz + 1));
	emit_bytes(e, pops, sizeof(pops));
	emit_lea_rsp(e, (s32)tr->cfg.stack_skip);
	if (dest)
		emit_jmp_abs(e, dest);
}

static bool ientry_possible(u64 native)
{
	return fits_s32(-(s64)native);
}

/* struct kdbt_block's chain_pos and chain_n hold any chain's blocks. */
_Static_assert(2 * KDBT_MAX_CHAIN + 2 <= 255, "chain_pos, chain_n: u8");

/* Publish block @id of a finished chain: counters, site, hashes. */
static void publish_block(struct kdbt_tr *tr, u32 id, u32 cache_end)
{
	struct kdbt_block *b = &tr->mem.blocks[id];
	u32 h = hash_native(tr, b->native);

	b->cache_len = (u16)(cache_end - b->cache_off);
	if (b->site >= 0) {
		tr->mem.sites[b->site].block = id;
		tr->mem.sites[b->site].misses = 0;
	}
	if (!tr->cfg.counters_gs)
		tr->mem.counters[id] = 0;
	if (kdbt_is_sentinel(tr, id))
		tr->mem.shadow[id >> tr->cfg.shadow_shift] = 0;
	if (tr->mem.page_hash) {
		u32 ph = hash_page(tr, b->native);

		tr->mem.page_next[id] = tr->mem.page_hash[ph];
		tr->mem.page_hash[ph] = id;
	}
	if (b->copy) {		/* reached from its chain only */
		b->next = 0;
		return;
	}
	b->next = tr->mem.hash[h];
	tr->mem.hash[h] = id;
}

/*
 * Publish a finished chain: every block reaches to the next one's direct
 * entry, the last one over the chain's stubs; then the translator's
 * counts, and the environment's callback for each block.
 */
static void publish(struct emit_ctx *c)
{
	struct kdbt_tr *tr = c->tr;
	u32 first = tr->nblocks, i;

	for (i = 0; i < c->nblocks; i++) {
		u32 id = first + i;
		u32 end = i + 1 < c->nblocks ? tr->mem.blocks[id + 1].cache_off :
			  tr->cache_used + c->e.pos;

		tr->mem.blocks[id].chain_pos = (u8)i;
		tr->mem.blocks[id].chain_n = (u8)c->nblocks;
		publish_block(tr, id, end);
	}
	tr->nexits += c->nexits;
	tr->nsites += c->nsites;
	tr->nmaps += c->nmaps;
	/* the blocks, their maps and code before the counts (lock-free readers) */
	kdbt_publish_barrier();
	tr->cache_used += c->e.pos;
	tr->nblocks += c->nblocks;
	for (i = 0; tr->cfg.published && i < c->nblocks; i++)
		tr->cfg.published(tr->cfg.ctx, &tr->mem.blocks[first + i]);
}

/* The counter increment at a block's direct entry. */
static void emit_block_counter(struct emit_ctx *c)
{
	const struct kdbt_config *cfg = &c->tr->cfg;
	struct kdbt_counter_ref ref = {
		.addr = cfg->counters_addr + 8ull * c->id,
		.gs_ptr = cfg->counters_gs,
		.offset = 8 * c->id,
		.scratch = c->bb->scratch,
		.atomic = cfg->atomic_counters,
	};

	if (cfg->counters_windows) {
		u32 low = c->id & ((1u << cfg->counters_window_shift) - 1);

		ref.gs_direct = true;
		ref.gs_disp = cfg->counters_windows[c->id >>
						    cfg->counters_window_shift] +
			      (s32)(8 * low);
	}
	if (kdbt_is_sentinel(c->tr, c->id))
		ref.shadow = cfg->shadow_addr +
			     8ull * (c->id >> cfg->shadow_shift);
	emit_counter_inc(&c->e, &ref, c->b->flags_live, cfg->stack_skip);
}

/* May @target be translated as a private copy inside this chain? */
static bool copyable(const struct emit_ctx *c, u64 target)
{
	const struct kdbt_config *cfg = &c->tr->cfg;

	if (target == cfg->return_thunk ||	/* a return, not a block */
	    kdbt_thunk_reg(cfg, target))
		return false;
	return cfg->may_translate(cfg->ctx, target) &&
	       (!cfg->may_chain || cfg->may_chain(cfg->ctx, target));
}

/*
 * Does block @bb count through its successors?  A block that ends in a
 * jcc runs on into exactly one of two: where both are reached through
 * private copies - the fall-through's right after it in the chain, the
 * taken one's after the chain - each copy's counter counts that edge,
 * and the block's own count is their sum.  A block that ends in a direct
 * jmp or runs on (length cap) has one successor: its copy, right after
 * it, counts both.  A fall-through copy may be derived in turn, so that
 * along a run of such blocks only the copy where it ends, and the taken
 * copies on the way, count: one increment per path instead of one per
 * block.  Taken copies may be derived too (emit_taken_copies()).
 */
static bool derive_count(const struct emit_ctx *c, const struct kdbt_bb *bb)
{
	const struct kdbt_binsn *last = &bb->insn[bb->n ? bb->n - 1 : 0];

	if (!c->copies || !bb->n || c->nblocks + 2 > c->max_chain)
		return false;
	switch (bb->end) {
	case KDBT_END_JCC:
		return last->rule == KDBT_RULE_JCC &&
		       c->npend < KDBT_MAX_CHAIN &&
		       copyable(c, last->target) && copyable(c, bb->next);
	case KDBT_END_JMP:
		return copyable(c, last->target);
	case KDBT_END_FALL:
		return copyable(c, bb->next);
	default:
		return false;
	}
}

/*
 * The native target of @bb's direct call or jmp, for readers (struct
 * kdbt_block.target); no code depends on it.  A call or jmp to an
 * indirect thunk ends in KDBT_END_CALL_IND or _JMP_IND: none.
 */
static u64 block_target(const struct kdbt_bb *bb)
{
	if (!bb->n || (bb->end != KDBT_END_CALL && bb->end != KDBT_END_JMP))
		return 0;
	return bb->insn[bb->n - 1].target;
}

/*
 * Build and emit the block at @native as the chain's next block: its
 * direct entry at the current end of the chain.  On error the caller
 * rolls the chain back to where it was.
 */
static int emit_block(struct emit_ctx *c, u64 native)
{
	struct kdbt_tr *tr = c->tr;
	struct kdbt_bb *bb = c->bb;
	struct kdbt_block *b;
	int err;

	if (tr->nblocks + c->nblocks >= tr->mem.max_blocks)
		return -ENOSPC;
	err = kdbt_build_block(tr, native, bb);
	if (err)
		return err;
	if (tr->nmaps + c->nmaps + bb->n > tr->mem.max_maps)
		return -ENOSPC;
	c->id = tr->nblocks + c->nblocks;
	b = c->b = &tr->mem.blocks[c->id];
	b->native = native;
	b->native_len = (u16)(bb->next - native);
	b->ninsns = (u16)bb->n;
	b->end = bb->end;
	b->map = tr->nmaps + c->nmaps;
	b->site = -1;
	b->ret_site = 0;
	b->invalid = 0;
	b->chained = 0;
	b->ientry = KDBT_NO_IENTRY;
	b->copy = c->copying;
	b->derived = tr->cfg.counters && derive_count(c, bb);
	b->taken = 0;
	b->target = block_target(bb);
	b->slot_of = c->slot_of;
	b->flags_live = tr->cfg.counters && !b->derived &&
			kdbt_flags_live(tr, bb);
	c->entry = c->e.pos;
	b->cache_off = tr->cache_used + c->entry;
	c->fall_pos = NO_FALL;
	if (tr->cfg.counters && !b->derived)
		emit_block_counter(c);
	emit_body(c);
	if (c->e.err)
		return c->e.err;
	c->nblocks++;
	c->nmaps += b->ninsns;
	return 0;
}

/* Is block @native already in the chain (not hashed until publish())? */
static bool in_chain(const struct emit_ctx *c, u64 native)
{
	u32 i;

	for (i = 0; i < c->nblocks; i++)
		if (c->tr->mem.blocks[c->tr->nblocks + i].native == native)
			return true;
	return false;
}

static bool may_chain(const struct emit_ctx *c, u64 target)
{
	const struct kdbt_config *cfg = &c->tr->cfg;

	return c->nblocks < KDBT_MAX_CHAIN &&
	       !kdbt_find_block(c->tr, target) && !in_chain(c, target) &&
	       cfg->may_translate(cfg->ctx, target) &&
	       (!cfg->may_chain || cfg->may_chain(cfg->ctx, target));
}

/* Worst-case bytes of one exit stub (see emit_stubs()). */
#define STUB_MAX	(8 + 5 + 14)

/*
 * Replace the last block's jump to its successor with the successor's
 * translation.  The successor is emitted with room kept for every stub
 * it and the chain may need; if it fails, the jump is put back.
 *
 * Return: whether the chain grew.
 */
static bool chain_next(struct emit_ctx *c)
{
	struct emit_ctx saved = *c;
	u32 cap = c->e.cap;
	u32 reserve = STUB_MAX * (c->nexits + 3) + 16;
	u64 target = c->fall_target;
	bool copy = c->b->derived;	/* its fall-through copy must follow */
	int err = -ENOSPC;

	if (c->fall_pos == NO_FALL || c->e.pos + reserve >= cap ||
	    cap - reserve - c->e.pos < 64 || (!copy && !may_chain(c, target)))
		goto none;
	c->e.pos = c->fall_pos;
	c->nexits--;			/* the jump was the last exit */
	c->e.cap = cap - reserve;
	c->copying = copy;
	err = emit_block(c, target);
	c->copying = false;
	if (!err) {
		c->e.cap = cap;
		saved.b->chained = 1;
		return true;
	}
	*c = saved;			/* back to the block's jump */
	c->e.pos = c->fall_pos;
	c->nexits--;
	exit_jmp(c, target);		/* the same bytes again */
none:
	if (copy && !c->e.err)		/* translate again, without copies */
		c->e.err = err;
	return false;
}

/*
 * After the chain: the taken successor's copy of every derived block,
 * its jcc aimed at it.  A copy's exits are ordinary exits.  A taken copy
 * may be derived in turn: its fall-through copies follow it at once (as
 * in the chain), and its own taken copy joins the list, so that every
 * jcc of the chain counts its edges (until the chain's room for blocks
 * or for pending copies runs out: derive_count()).
 */
static int emit_taken_copies(struct emit_ctx *c)
{
	u32 cap = c->e.cap, i, id;
	int err;

	for (i = 0; i < c->npend; i++) {	/* npend may grow meanwhile */
		u32 reserve = STUB_MAX * (c->nexits + 3) + 16;
		u32 field = c->pend[i].field;

		if (c->e.pos + reserve + 64 >= cap)
			return -ENOSPC;
		c->e.cap = cap - reserve;
		c->copying = true;
		err = emit_block(c, c->pend[i].target);
		c->copying = false;
		c->e.cap = cap;
		if (err)
			return err;
		id = c->id;
		c->tr->mem.blocks[c->pend[i].pred].taken = id;
		emit_patch_rel32(c->e.buf + field, c->e.addr + field,
				 c->e.addr + c->entry);
		while (c->b->derived && chain_next(c))
			;
		if (c->e.err)
			return c->e.err;
	}
	return 0;
}

/*
 * Translate the chain that starts at @native.  @slot_of: 0, or the block
 * whose site's slot this is a private copy for (alone, not in the hash,
 * counting itself: kdbt_slot_copy()).
 */
static int translate_new(struct kdbt_tr *tr, u64 native, bool with_ientry,
			 u32 max_chain, bool copies, u32 slot_of,
			 struct kdbt_block **out)
{
	struct emit_ctx c = {
		.tr = tr, .bb = tr->mem.scratch, .max_chain = max_chain,
		.copies = copies && tr->cfg.counters &&
			  tr->cfg.derive_counts && max_chain > 1,
		.copying = slot_of != 0, .slot_of = slot_of,
	};
	u32 room = tr->mem.cache_size - tr->cache_used;
	struct kdbt_block *first = &tr->mem.blocks[tr->nblocks];
	int err;

	c.e.cap = room < KDBT_MAX_BLOCK_CACHE ? room : KDBT_MAX_BLOCK_CACHE;
	c.e.buf = kdbt_cache_open(tr, tr->cache_used, c.e.cap);
	c.e.addr = tr->mem.cache_addr + tr->cache_used;
	if (with_ientry && ientry_possible(native))
		emit_ientry(&c.e, tr, native, 0);
	err = c.e.err ? c.e.err : emit_block(&c, native);
	if (err)
		return err;
	if (with_ientry && ientry_possible(native))
		first->ientry = tr->cache_used;
	while (c.nblocks < max_chain && chain_next(&c))
		;
	if (!c.e.err && c.npend)
		c.e.err = emit_taken_copies(&c);
	if (!c.e.err)
		emit_stubs(&c);
	if (c.e.err && c.copies)	/* a copy did not fit or translate */
		return translate_new(tr, native, with_ientry, max_chain,
				     false, slot_of, out);
	if (c.e.err == -ENOSPC && c.nblocks > 1)
		return translate_new(tr, native, with_ientry, 1, false,
				     slot_of, out);
	if (c.e.err)
		return c.e.err;
	publish(&c);
	*out = first;
	return 0;
}

/**
 * kdbt_translate() - the translation of the block at @native, made now if
 * there is none yet.
 * @tr: the translator (lock held).
 * @native: native address of the block.
 * @out: receives the block.
 *
 * Return: 0; -ENOSPC when the cache or a table is full (the caller may
 * flush); -EFAULT/-EILSEQ when the code cannot be read or decoded;
 * -ERANGE/-EINVAL when an instruction cannot be relocated.  On error
 * nothing is published.
 */
int kdbt_translate(struct kdbt_tr *tr, u64 native, struct kdbt_block **out)
{
	*out = kdbt_find_block(tr, native);
	if (*out)
		return 0;
	return translate_new(tr, native, false, KDBT_MAX_CHAIN, true, false,
			     out);
}

/**
 * kdbt_slot_copy() - a private copy of the block at @native for a slot
 * of the site of block @site_block (struct kdbt_site): alone, not in the
 * hash, with a counter of its own and ordinary exits.
 * @tr: the translator (lock held).
 * @native: the slot's target.
 * @site_block: the id of the block whose site the slot is in.
 * @out: receives the copy.
 *
 * Return: 0 or -errno, as kdbt_translate().
 */
int kdbt_slot_copy(struct kdbt_tr *tr, u64 native, u32 site_block,
		   struct kdbt_block **out)
{
	return translate_new(tr, native, false, 1, false, site_block, out);
}

/* A stand-alone indirect entry leading to @dest (a block or native code). */
static int emit_ientry_stub(struct kdbt_tr *tr, u64 native, u64 dest,
			    u64 *entry)
{
	u32 room = tr->mem.cache_size - tr->cache_used;
	struct kdbt_emit e = {
		.addr = tr->mem.cache_addr + tr->cache_used,
		.cap = room < 64 ? room : 64,
	};

	if (!ientry_possible(native))
		return -ERANGE;
	e.buf = kdbt_cache_open(tr, tr->cache_used, e.cap);
	emit_ientry(&e, tr, native, dest);
	if (e.err)
		return e.err;
	*entry = e.addr;
	tr->cache_used += e.pos;
	return 0;
}

/**
 * kdbt_indirect_entry() - the indirect entry for native target @native:
 * code that checks %rdx == @native, pops the probe's three words and runs
 * the translation (translating it now if needed), or leaves the cache for
 * @native if it may not or cannot be translated.
 * @tr: the translator (lock held).
 * @native: the native target.
 * @entry: receives the run-time address of the entry.
 *
 * Return: 0 or -errno (-ENOSPC: cache full; -ERANGE: @native cannot be
 * checked with a sign-extended disp32).
 */
int kdbt_indirect_entry(struct kdbt_tr *tr, u64 native, u64 *entry)
{
	struct kdbt_block *b = NULL;
	int err = -EPERM;

	if (tr->cfg.may_translate(tr->cfg.ctx, native)) {
		b = kdbt_find_block(tr, native);
		if (!b) {
			err = translate_new(tr, native, true, KDBT_MAX_CHAIN,
					    true, false, &b);
			if (err == -ENOSPC)
				return err;
		}
	}
	if (!b) {		/* stays native */
		tr->native_stubs++;
		return emit_ientry_stub(tr, native, native, entry);
	}
	if (b->ientry != KDBT_NO_IENTRY) {
		*entry = tr->mem.cache_addr + b->ientry;
		return 0;
	}
	err = emit_ientry_stub(tr, native, kdbt_block_entry(tr, b), entry);
	if (!err)
		b->ientry = (u32)(*entry - tr->mem.cache_addr);
	return err;
}
