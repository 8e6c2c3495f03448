// SPDX-License-Identifier: GPL-2.0
/*
 * profile.c - what the block counters mean: per block, per function and in
 * total, for /proc/kdbt (procfs.c) and its binary snapshot.
 *
 * Every block has one u64 counter per CPU (counters.c), which
 * translated code increments on entry (emit_counter_inc()); a block's
 * count is the sum over CPUs - or, for a derived block (one that ends in
 * a jcc or a jmp), the sum of the counts of the private copies of its
 * successors, which it always runs on into (translate.c, derive_count(),
 * core.h kdbt_block_count()); which edge of which derived block a copy
 * counts is read back from the block array when it is published
 * (edge_of(), kept packed in prof.bedge[]), for readers.
 * From it and the block's static
 * facts come its instructions (counter x insns), and its indirect-branch
 * executions when it ends in one; jumptable misses are counted per site by
 * the dispatcher.  Blocks are grouped into functions when they are
 * published (kallsyms gives the function start), so that reading the
 * functions needs no allocation.
 *
 * A reset does not write the counters, which CPUs increment without a
 * lock (zeroing under such an increment could bring the old value back),
 * nor the sites' jumptable misses: it copies them to a baseline, and every
 * reader reports counter minus baseline.  A flush (cache emptied) retires
 * the counts of its blocks into the totals.  Both are published inside the
 * write side of a seqcount, the profile's epoch, so that a reader never
 * mixes counts from before and after one: it retries, or (text files read
 * in pieces) fails with EAGAIN.
 *
 * Neither walks every block with kdbt_eng.lock held (interrupts off).  A
 * reset computes the new baseline into the spare of two baselines without
 * the lock, as readers read (blocks below nvisible never change until a
 * flush, which the control mutex keeps away), then under the lock adds the
 * blocks made meanwhile and swaps the baselines in the epoch: counts made
 * during the walk stay counted, as on a running system a reset is not one
 * instant across blocks anyway.  A flush sums the retired counts and
 * empties the function hash in steps first (kdbt_profile_flush_stage():
 * nothing runs in the cache then, so the sums are final), and publishes
 * them under the lock; a block or function made after the steps makes it
 * do the rest there.  Both say what they walked under the lock
 * (kdbt_walked_locked(): locked_walk_max).
 *
 * Owns: the baselines, the function table, the retired totals, the epoch,
 * the totals' scratch array (totals.lock).
 * Must never: allocate or sleep in the hooks called with kdbt_eng.lock
 * held; hand out a block or function that is not complete (nvisible and
 * nfuncs are published with release stores).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "engine.h"
#include "kdbt_abi.h"

#define KDBT_FUNCS	(64u << 10)
#define KDBT_FHASH	(1u << 17)

static_assert((int)KDBT_KIND_FALL == KDBT_END_FALL);
static_assert((int)KDBT_KIND_JMP == KDBT_END_JMP);
static_assert((int)KDBT_KIND_JCC == KDBT_END_JCC);
static_assert((int)KDBT_KIND_CALL == KDBT_END_CALL);
static_assert((int)KDBT_KIND_JMP_IND == KDBT_END_JMP_IND);
static_assert((int)KDBT_KIND_CALL_IND == KDBT_END_CALL_IND);
static_assert((int)KDBT_KIND_RET == KDBT_END_RET);
static_assert((int)KDBT_KIND_NATIVE == KDBT_END_NATIVE);
static_assert((int)KDBT_KIND_THUNK == KDBT_END_THUNK);
static_assert((int)KDBT_KIND_NR == KDBT_END_NR);
static_assert(sizeof(struct kdbt_snap_block) == 64);
static_assert(KDBT_SNAP_BLOCK_V1_SIZE ==
	      offsetof(struct kdbt_snap_block, target));
static_assert(offsetof(struct kdbt_snap_block, edge_of) == 48);

/* A function: the blocks that start inside [start, start + size). */
struct kdbt_func {
	u64 start;
	u32 size;		/* 0: no symbol covers the block */
	u32 first;		/* its latest block; bnext[] chains the rest */
	u32 hnext;		/* chain of fhash[] */
};

/* A block's counter and its site's jumptable misses at the last reset. */
struct kdbt_base {
	u64 count, misses;
};

#define KDBT_NSHADOW	(KDBT_BLOCKS >> KDBT_SHADOW_SHIFT)

static struct {
	seqcount_t epoch;
	u32 nvisible;		/* blocks [1, nvisible) are complete */
	u32 nfuncs;		/* functions [1, nfuncs) are complete */
	struct kdbt_base *baseline;	/* base[cur]: the one readers use */
	u64 *shadow_base;		/* shadow[cur] */
	struct kdbt_base *base[2];	/* base[!cur]: the next reset's */
	u64 *shadow[2];
	unsigned int cur;
	u32 *bfunc;		/* block -> function */
	u32 *bnext;		/* block -> next block of its function */
	u32 *bedge;		/* block -> its edge (edge_known()) */
	struct kdbt_func *funcs;
	u32 *fhash;
	struct kdbt_totals retired;	/* counts of flushed caches */
	u64 resets, flushes;		/* counted inside the epoch */
	/*
	 * kdbt_profile_flush_stage(): blocks [1, staged) summed in @sum,
	 * the function hash emptied while nfuncs was @staged_funcs.
	 */
	u32 staged, staged_funcs;
	struct kdbt_totals sum;
} prof = {
	.epoch = SEQCNT_ZERO(prof.epoch),
	.nvisible = 1,
	.nfuncs = 1,
};

/*
 * kdbt_profile_totals()'s room for every block's count, allocated once:
 * an allocation per read of /proc/kdbt/stats cost more than the sums
 * (kdbt calls the allocator natively, and Debian's kernels zero every
 * page they hand out, init_on_alloc).  A leaf lock, held by one reader
 * of the totals at a time.
 */
static struct {
	struct mutex lock;
	u64 *cnt;		/* KDBT_BLOCKS entries */
} totals = {
	.lock = __MUTEX_INITIALIZER(totals.lock),
};

/**
 * kdbt_profile_init() - allocate the profile's tables; called at load.
 *
 * Return: 0 or -ENOMEM.
 */
int kdbt_profile_init(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		prof.base[i] = vzalloc(KDBT_BLOCKS * sizeof(*prof.base[i]));
		prof.shadow[i] = vzalloc(KDBT_NSHADOW * sizeof(u64));
	}
	prof.cur = 0;
	prof.baseline = prof.base[0];
	prof.shadow_base = prof.shadow[0];
	prof.bfunc = vzalloc(KDBT_BLOCKS * sizeof(*prof.bfunc));
	prof.bnext = vzalloc(KDBT_BLOCKS * sizeof(*prof.bnext));
	prof.bedge = vzalloc(KDBT_BLOCKS * sizeof(*prof.bedge));
	prof.funcs = vzalloc(KDBT_FUNCS * sizeof(*prof.funcs));
	prof.fhash = vzalloc(KDBT_FHASH * sizeof(*prof.fhash));
	totals.cnt = vmalloc_array(KDBT_BLOCKS, sizeof(*totals.cnt));
	if (!prof.base[0] || !prof.base[1] || !prof.shadow[0] ||
	    !prof.shadow[1] || !prof.bfunc || !prof.bnext || !prof.bedge ||
	    !prof.funcs ||
	    !prof.fhash || !totals.cnt) {
		kdbt_profile_exit();
		return -ENOMEM;
	}
	return 0;
}

void kdbt_profile_exit(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		vfree(prof.base[i]);
		vfree(prof.shadow[i]);
		prof.base[i] = NULL;
		prof.shadow[i] = NULL;
	}
	prof.shadow_base = NULL;
	vfree(prof.bfunc);
	vfree(prof.bnext);
	vfree(prof.bedge);
	vfree(prof.funcs);
	vfree(prof.fhash);
	vfree(totals.cnt);
	totals.cnt = NULL;
	prof.baseline = NULL;
	prof.bfunc = prof.bnext = prof.bedge = prof.fhash = NULL;
	prof.funcs = NULL;
}

/* ------------------------------------------------------------------ */
/* Writers (kdbt_eng.lock held)                                         */
/* ------------------------------------------------------------------ */

static u32 fhash_of(u64 start)
{
	return (u32)((start * 0x9e3779b97f4a7c15ull) >> 47) & (KDBT_FHASH - 1);
}

/* The function containing @native, made if new; 0 if the table is full. */
static u32 func_of(u64 native)
{
	unsigned long size = 0, off = 0;
	u64 start = native;
	u32 h, f;

	if (kdbt_ksyms.lookup_size_offset(native, &size, &off) && off < size)
		start = native - off;
	else
		size = 0;
	h = fhash_of(start);
	for (f = prof.fhash[h]; f; f = prof.funcs[f].hnext)
		if (prof.funcs[f].start == start)
			return f;
	f = prof.nfuncs;
	if (f >= KDBT_FUNCS)
		return 0;
	prof.funcs[f].start = start;
	prof.funcs[f].size = (u32)min_t(unsigned long, size, U32_MAX);
	prof.funcs[f].first = 0;
	prof.funcs[f].hnext = prof.fhash[h];
	prof.fhash[h] = f;
	smp_store_release(&prof.nfuncs, f + 1);
	return f;
}

static u32 edge_pack(u32 id);

/**
 * kdbt_profile_published_locked() - a block is complete (its counter is
 * zero and nothing has branched to it yet): give it its function and make
 * it visible to readers.
 * @b: the block.
 */
void kdbt_profile_published_locked(const struct kdbt_block *b)
{
	u32 id = b - kdbt_eng.tr.mem.blocks, f;

	lockdep_assert_held(&kdbt_eng.lock);

	prof.baseline[id].count = 0;
	prof.baseline[id].misses = 0;
	if (kdbt_is_sentinel(&kdbt_eng.tr, id))
		prof.shadow_base[id >> KDBT_SHADOW_SHIFT] = 0;
	prof.bedge[id] = edge_pack(id);
	f = func_of(b->native);
	prof.bfunc[id] = f;
	if (f) {
		prof.bnext[id] = prof.funcs[f].first;
		smp_store_release(&prof.funcs[f].first, id);
	}
	smp_store_release(&prof.nvisible, id + 1);
}

/* Block @id's own counter, summed over CPUs; 0 until it is visible. */
static u64 raw_counter(u32 id)
{
	if (!id || id >= smp_load_acquire(&prof.nvisible))
		return 0;
	return kdbt_counter_sum(id);
}

/*
 * Block @id's executions since publication: its counter, or a derived
 * block's successor copies' (core.h, kdbt_block_count()).
 */
static u64 counter_of(u32 id)
{
	return kdbt_block_count(kdbt_eng.tr.mem.blocks, id, raw_counter);
}

/* Jumptable misses of block @id's site since publication (0: none). */
static u64 raw_misses(const struct kdbt_block *b)
{
	return b->site >= 0 ?
	       READ_ONCE(kdbt_eng.tr.mem.sites[b->site].misses) : 0;
}

/* Executions of block @id since the last reset. */
static u64 execs_of(u32 id)
{
	const struct kdbt_base *base = READ_ONCE(prof.baseline);
	u64 b = READ_ONCE(base[id].count), c = counter_of(id);

	return c > b ? c - b : 0;
}

/*
 * execs_of() of every block below @n, into @cnt (@n entries; cnt[0] is
 * not used), in three passes over arrays instead of a counter lookup and
 * a walk along a chain for each block: every block's own counter; then,
 * from the last block down, a derived block's count is
 * its taken copy's plus block id + 1's (kdbt_block_count()), both later
 * in its chain and so known already (a block at or past @n, not yet
 * visible, counts 0, as raw_counter() says); then each count since
 * publication less the block's baseline.
 */
static void execs_derive(u64 *cnt, u32 n);

static void execs_all(u64 *cnt, u32 n)
{
	if (n < 2)
		return;
	kdbt_counter_sums(cnt, 1, n);
	execs_derive(cnt, n);
}

/* execs_all() with @cnt holding every block's own counter already. */
static void execs_derive(u64 *cnt, u32 n)
{
	const struct kdbt_block *blocks = kdbt_eng.tr.mem.blocks;
	const struct kdbt_base *base = READ_ONCE(prof.baseline);
	u32 id;

	for (id = n - 1; id >= 1; id--) {
		const struct kdbt_block *b = &blocks[id];
		u64 c;

		if (!b->derived)
			continue;
		c = id + 1 < n ? cnt[id + 1] : 0;
		if (b->taken && b->taken < n)
			c += cnt[b->taken];
		cnt[id] = c;
	}
	for (id = 1; id < n; id++) {
		u64 b = READ_ONCE(base[id].count);

		cnt[id] = cnt[id] > b ? cnt[id] - b : 0;
	}
}

/* Jumptable misses of block @id's site since the last reset. */
static u64 misses_of(u32 id)
{
	const struct kdbt_base *base = READ_ONCE(prof.baseline);
	u64 b = READ_ONCE(base[id].misses);
	u64 m = raw_misses(&kdbt_eng.tr.mem.blocks[id]);

	return m > b ? m - b : 0;
}

/*
 * Add block @id's counts to @t, @c its executions, @m its site's misses
 * (misses_of()); @fast: the blocks were made in fast mode.
 */
static void add_counts(struct kdbt_totals *t, u32 id, u64 c, u64 m,
		       bool fast)
{
	const struct kdbt_block *b = &kdbt_eng.tr.mem.blocks[id];

	t->instructions += c * b->ninsns;
	t->block_executions += c;
	if (b->end == KDBT_END_CALL_IND)
		t->indirect_calls += c;
	else if (b->end == KDBT_END_JMP_IND)
		t->indirect_jumps += c;
	else if (b->end == KDBT_END_RET && !fast)
		t->returns += c;
	t->jumptable_misses += m;
}

/* Add block @id's counts to @t; @fast: the blocks were made in fast mode. */
static void add_block(struct kdbt_totals *t, u32 id, bool fast)
{
	add_counts(t, id, execs_of(id), misses_of(id), fast);
}

static bool fast_blocks(void)
{
	return kdbt_eng.tr.cfg.mode == KDBT_MODE_FAST;
}

/*
 * Add the counts of @b to @t: a flushed cache's to the retired totals,
 * the retired totals to the blocks' sums (a snapshot).
 */
static void totals_add(struct kdbt_totals *t, const struct kdbt_totals *b)
{
	t->instructions += b->instructions;
	t->block_executions += b->block_executions;
	t->indirect_calls += b->indirect_calls;
	t->indirect_jumps += b->indirect_jumps;
	t->returns += b->returns;
	t->jumptable_misses += b->jumptable_misses;
}

/**
 * kdbt_profile_flush_stage() - the first, long part of a flush, in steps
 * of KDBT_WALK_CHUNK blocks with no lock held: sum the retired counts of
 * every block and empty the function hash.  Only right before
 * kdbt_profile_flush_locked(), when nothing runs in the cache and nothing
 * translates (so the counts are final and no function is made).  Sleeps;
 * control held.
 */
void kdbt_profile_flush_stage(void)
{
	u32 n = kdbt_profile_nblocks(), i, end;
	bool fast = fast_blocks();

	lockdep_assert_held(&kdbt_eng.control);
	memset(&prof.sum, 0, sizeof(prof.sum));
	for (i = 1; i < n; i = end) {
		end = min(n, i + KDBT_WALK_CHUNK);
		for (; i < end; i++)
			add_block(&prof.sum, i, fast);
		cond_resched();
	}
	for (i = 0; i < KDBT_FHASH; i += KDBT_WALK_CHUNK) {
		memset(&prof.fhash[i], 0,
		       min(KDBT_WALK_CHUNK, KDBT_FHASH - i) * sizeof(u32));
		cond_resched();
	}
	prof.staged = n;
	prof.staged_funcs = kdbt_profile_nfuncs();
}

/**
 * kdbt_profile_flush_locked() - the cache is about to be emptied: keep
 * its counts in the totals and forget its blocks and functions.  What
 * kdbt_profile_flush_stage() did is not done again: only the blocks made
 * since (none, normally) are walked here, and the function hash is
 * emptied here only if a function was made since.
 */
void kdbt_profile_flush_locked(void)
{
	struct kdbt_totals t = {};
	u32 i, from = 1, walked;
	bool fhash_done;

	lockdep_assert_held(&kdbt_eng.lock);

	if (prof.staged && prof.staged <= prof.nvisible) {
		t = prof.sum;
		from = prof.staged;
	}
	fhash_done = prof.staged && prof.staged_funcs == prof.nfuncs;
	walked = prof.nvisible - from + (fhash_done ? 0 : KDBT_FHASH);
	raw_write_seqcount_begin(&prof.epoch);
	for (i = from; i < prof.nvisible; i++)
		add_block(&t, i, fast_blocks());
	totals_add(&prof.retired, &t);
	if (!fhash_done)
		memset(prof.fhash, 0, KDBT_FHASH * sizeof(*prof.fhash));
	WRITE_ONCE(prof.nvisible, 1);
	WRITE_ONCE(prof.nfuncs, 1);
	prof.flushes++;
	raw_write_seqcount_end(&prof.epoch);
	prof.staged = 0;
	kdbt_walked_locked(walked);
}

/* Block @id's counter, misses and shadow now, into baseline @next. */
static void stage_base(unsigned int next, u32 id)
{
	prof.base[next][id].count = counter_of(id);
	prof.base[next][id].misses = raw_misses(&kdbt_eng.tr.mem.blocks[id]);
	if (kdbt_is_sentinel(&kdbt_eng.tr, id))
		prof.shadow[next][id >> KDBT_SHADOW_SHIFT] =
			READ_ONCE(kdbt_shadow[id >> KDBT_SHADOW_SHIFT]);
}

/*
 * Publish a reset whose baseline for blocks [1, @n) the spare baseline
 * holds: the blocks made since, then the swap, in one epoch.
 */
static void reset_publish_locked(u32 n)
{
	unsigned int next = prof.cur ^ 1;
	u32 i, nvisible = prof.nvisible;

	lockdep_assert_held(&kdbt_eng.lock);

	raw_write_seqcount_begin(&prof.epoch);
	for (i = n; i < nvisible; i++)
		stage_base(next, i);
	prof.cur = next;
	WRITE_ONCE(prof.baseline, prof.base[next]);
	WRITE_ONCE(prof.shadow_base, prof.shadow[next]);
	memset(&prof.retired, 0, sizeof(prof.retired));
	prof.resets++;
	raw_write_seqcount_end(&prof.epoch);
	kdbt_walked_locked(nvisible - n);
}

/**
 * kdbt_profile_reset() - zero the profile: every block's count and every
 * site's misses (through the baseline) and the retired totals.  The new
 * baseline is read in steps of KDBT_WALK_CHUNK blocks without the lock,
 * then published under it (reset_publish_locked()).  Sleeps; control
 * held (no flush meanwhile: the blocks read stay the same blocks).
 */
void kdbt_profile_reset(void)
{
	unsigned int next = prof.cur ^ 1;
	u32 n = kdbt_profile_nblocks(), i, end;
	unsigned long flags;

	lockdep_assert_held(&kdbt_eng.control);
	for (i = 1; i < n; i = end) {
		end = min(n, i + KDBT_WALK_CHUNK);
		for (; i < end; i++)
			stage_base(next, i);
		cond_resched();
	}
	flags = kdbt_lock();
	reset_publish_locked(n);
	kdbt_unlock(flags);
}

/* ------------------------------------------------------------------ */
/* Readers                                                              */
/* ------------------------------------------------------------------ */

/* Begin a read: the epoch to check against with kdbt_profile_changed(). */
unsigned int kdbt_profile_begin(void)
{
	return read_seqcount_begin(&prof.epoch);
}

/* True if a reset or flush happened since kdbt_profile_begin() gave @seq. */
bool kdbt_profile_changed(unsigned int seq)
{
	return read_seqcount_retry(&prof.epoch, seq);
}

u32 kdbt_profile_nblocks(void)
{
	return smp_load_acquire(&prof.nvisible);
}

u32 kdbt_profile_nfuncs(void)
{
	return smp_load_acquire(&prof.nfuncs);
}

/* The totals' fields beside the counts (the caller's epoch). */
static void totals_finish(struct kdbt_totals *t)
{
	t->retired_instructions = prof.retired.instructions;
	t->retired_executions = prof.retired.block_executions;
	t->resets = prof.resets;
	t->flushes = prof.flushes;
}

/* The totals from the executions of the blocks below @n (execs_all()). */
static void totals_from(struct kdbt_totals *t, const u64 *cnt, u32 n)
{
	bool fast = fast_blocks();
	u32 i;

	*t = prof.retired;
	for (i = 1; i < n; i++)
		add_counts(t, i, cnt[i], misses_of(i), fast);
	totals_finish(t);
}

/*
 * Unlocked: the totals of the current epoch (the caller retries).  @cnt:
 * room for @max counts (execs_all()), or NULL to count block by block.
 */
static void totals_once(struct kdbt_totals *t, u64 *cnt, u32 max)
{
	u32 n = kdbt_profile_nblocks(), i;
	bool fast = fast_blocks();

	lockdep_assert_held(&totals.lock);
	if (cnt && n <= max) {
		execs_all(cnt, n);
		totals_from(t, cnt, n);
		return;
	}
	*t = prof.retired;
	for (i = 1; i < n; i++)
		add_block(t, i, fast);
	totals_finish(t);
}

/**
 * kdbt_profile_totals() - the totals since the last reset, retired blocks
 * included, and the reset and flush counts, all from one epoch (a reader
 * never sees the counts of a reset with the reset count before it).
 * @t: receives them.
 */
void kdbt_profile_totals(struct kdbt_totals *t)
{
	unsigned int seq;

	mutex_lock(&totals.lock);
	do {
		seq = kdbt_profile_begin();
		totals_once(t, totals.cnt, KDBT_BLOCKS);
	} while (kdbt_profile_changed(seq));
	mutex_unlock(&totals.lock);
}

/*
 * The edge block @id counts, if it is an edge copy (core.h struct
 * kdbt_block): the not-taken (or jmp, or run-on) copy of a derived
 * block d is d + 1, its taken copy blocks[d].taken, both in d's chain;
 * a slot's copy counts the indirect branch of block slot_of (struct
 * kdbt_site).  Read from the block array as it is: no code depends on it.
 */
static u8 edge_of(u32 id, u32 *of)
{
	const struct kdbt_block *blocks = kdbt_eng.tr.mem.blocks;
	const struct kdbt_block *b = &blocks[id];
	u32 d;

	*of = 0;
	if (b->slot_of) {
		*of = b->slot_of;
		return KDBT_EDGE_INDIRECT;
	}
	if (!b->copy || !b->chain_pos || b->chain_pos > id)
		return KDBT_EDGE_NONE;
	d = id - 1;
	if (blocks[d].derived) {
		*of = d;
		return blocks[d].end == KDBT_END_JMP ? KDBT_EDGE_JMP :
		       KDBT_EDGE_FALL;
	}
	for (d = id - b->chain_pos; d < id; d++)
		if (blocks[d].derived && blocks[d].taken == id) {
			*of = d;
			return KDBT_EDGE_TAKEN;
		}
	return KDBT_EDGE_NONE;
}

/* Block @id's edge_of(), packed as of << 3 | edge, when it is published. */
static u32 edge_pack(u32 id)
{
	u32 of;
	u8 e = edge_of(id, &of);

	BUILD_BUG_ON(KDBT_EDGE_NR > 8 || KDBT_BLOCKS > (1u << 29));
	return of << 3 | e;
}

/* edge_of() of a visible block @id, as published (prof.bedge[]). */
static u8 edge_known(u32 id, u32 *of)
{
	u32 e = READ_ONCE(prof.bedge[id]);

	*of = e >> 3;
	return e & 7;
}

/*
 * Block @id as a snapshot record, @execs its executions (execs_of()), @m
 * its misses (misses_of()).
 */
static void fill_record(u32 id, u64 execs, u64 m, struct kdbt_snap_block *r,
			bool hide)
{
	const struct kdbt_block *b = &kdbt_eng.tr.mem.blocks[id];

	memset(r, 0, sizeof(*r));
	r->native = hide ? 0 : b->native;
	r->executions = execs;
	r->misses = m;
	r->id = id;
	r->insns = b->ninsns;
	r->native_len = b->native_len;
	r->kind = b->end;
	r->flags = READ_ONCE(b->invalid) ? KDBT_BLOCK_INVALID : 0;
	if (b->derived)
		r->flags |= KDBT_BLOCK_DERIVED;
	r->target = hide ? 0 : b->target;
	r->edge = edge_known(id, &r->edge_of_id);
	if (r->edge && !hide)
		r->edge_of = kdbt_eng.tr.mem.blocks[r->edge_of_id].native;
}

/**
 * kdbt_profile_block() - block @id as a snapshot record.
 * @id: a block below kdbt_profile_nblocks().
 * @r: receives it.
 * @hide: leave the address out (kptr_restrict).
 */
void kdbt_profile_block(u32 id, struct kdbt_snap_block *r, bool hide)
{
	fill_record(id, execs_of(id), misses_of(id), r, hide);
}

/* KDBT_SNAP_* flags for the data (the mode the blocks were made in). */
u32 kdbt_profile_flags(bool hide)
{
	u32 f = 0;

	if (kdbt_eng.on)
		f |= KDBT_SNAP_ON;
	if (fast_blocks())
		f |= KDBT_SNAP_FAST;
	if (kdbt_eng.tr.cfg.counters)
		f |= KDBT_SNAP_COUNTERS;
	if (hide)
		f |= KDBT_SNAP_HIDDEN;
	return f;
}

/**
 * kdbt_profile_func() - the sums of function @f's blocks.
 * @f: a function below kdbt_profile_nfuncs().
 * @s: receives them.
 */
void kdbt_profile_func(u32 f, struct kdbt_func_sum *s)
{
	bool fast = fast_blocks();
	struct kdbt_totals t = {};
	u32 id, n = 0;

	memset(s, 0, sizeof(*s));
	s->start = prof.funcs[f].start;
	s->size = prof.funcs[f].size;
	for (id = smp_load_acquire(&prof.funcs[f].first); id && n < KDBT_BLOCKS;
	     id = READ_ONCE(prof.bnext[id]), n++) {
		add_block(&t, id, fast);
		if (kdbt_eng.tr.mem.blocks[id].native == s->start)
			s->calls += execs_of(id);
	}
	s->instructions = t.instructions;
	s->executions = t.block_executions;
	s->indirect = t.indirect_calls + t.indirect_jumps + t.returns;
	s->misses = t.jumptable_misses;
	s->blocks = n;
}

/* The statistic in each snap slot of struct kdbt_snap_header. */
#define SNAP_STAT(c, name, fmt, where, kind, snap, ...) \
	KDBT_IF_SLOT(snap, [snap] = KDBT_STAT_##name,)
static const u8 snap_stats[KDBT_SNAP_NSTATS] = {
	KDBT_STATS(SNAP_STAT, 0)
};
#undef SNAP_STAT

/*
 * Fill @h with the figures of the current epoch, @t its totals (those of
 * the records that follow).
 */
static void header_once(struct kdbt_snap_header *h, u32 nblocks, bool hide,
			const struct kdbt_totals *t)
{
	u64 *slot = (u64 *)((u8 *)h + KDBT_SNAP_STATS_OFFSET);
	struct kdbt_stats st;
	unsigned int i;

	kdbt_engine_stats_with(&st, t);
	memset(h, 0, sizeof(*h));
	h->magic = KDBT_SNAP_MAGIC;
	h->version = KDBT_SNAP_VERSION;
	h->header_size = sizeof(*h);
	h->block_size = sizeof(struct kdbt_snap_block);
	h->nblocks = nblocks;
	h->flags = kdbt_profile_flags(hide);
	h->ncpus = num_online_cpus();
	h->time_ns = ktime_get_ns();
	h->on_ns = kdbt_engine_on_ns();
	h->short_size = sizeof(struct kdbt_snap_count);
	for (i = 0; i < KDBT_SNAP_NSTATS; i++)
		slot[i] = kdbt_stats_u64(&st, snap_stats[i]);
}

/* Room in @seen for blocks below @n, keeping what it has: 0 or -ENOMEM. */
static int seen_reserve(struct kdbt_snap_seen *seen, u32 n)
{
	unsigned long *mark;
	u64 *e, *m, *raw;
	u32 cap, *c;

	if (n <= seen->cap)
		return 0;
	cap = min_t(u32, n + 4096, KDBT_BLOCKS);
	e = kvmalloc_array(cap, sizeof(*e), GFP_KERNEL);
	m = kvmalloc_array(cap, sizeof(*m), GFP_KERNEL);
	c = kvmalloc_array(cap, sizeof(*c), GFP_KERNEL);
	raw = kvmalloc_array(cap, sizeof(*raw), GFP_KERNEL);
	mark = kvcalloc(BITS_TO_LONGS(cap), sizeof(*mark), GFP_KERNEL);
	if (!e || !m || !c || !raw || !mark) {
		kvfree(e);
		kvfree(m);
		kvfree(c);
		kvfree(raw);
		kvfree(mark);
		return -ENOMEM;
	}
	if (seen->n) {
		memcpy(e, seen->execs, seen->n * sizeof(*e));
		memcpy(m, seen->misses, seen->n * sizeof(*m));
		memcpy(raw, seen->raw, seen->n * sizeof(*raw));
	}
	kvfree(seen->execs);
	kvfree(seen->misses);
	kvfree(seen->changed);
	kvfree(seen->raw);
	kvfree(seen->mark);
	seen->execs = e;
	seen->misses = m;
	seen->changed = c;
	seen->raw = raw;
	seen->mark = mark;
	seen->cap = cap;
	return 0;
}

/* Room in @seen for the misses of @n sites: 0 or -ENOMEM. */
static int seen_reserve_sites(struct kdbt_snap_seen *seen, u32 n)
{
	u32 cap;
	u64 *m;

	if (n <= seen->sites_cap)
		return 0;
	cap = min_t(u32, n + 1024, kdbt_eng.tr.mem.max_sites);
	m = kvmalloc_array(cap, sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	if (seen->nsites)
		memcpy(m, seen->site_misses, seen->nsites * sizeof(*m));
	kvfree(seen->site_misses);
	seen->site_misses = m;
	seen->sites_cap = cap;
	return 0;
}

/**
 * kdbt_snap_seen_free() - free what a reader of changes was sent.
 * @seen: its state; zeroed (a next snapshot is complete again).
 */
void kdbt_snap_seen_free(struct kdbt_snap_seen *seen)
{
	kvfree(seen->execs);
	kvfree(seen->misses);
	kvfree(seen->changed);
	kvfree(seen->raw);
	kvfree(seen->site_misses);
	kvfree(seen->mark);
	memset(seen, 0, sizeof(*seen));
}

/*
 * Where a read's records go: whole ones at @r, short ones (a reader of
 * changes that asked for them, KDBT_SNAP_SHORT) at @c.
 */
struct snap_out {
	struct kdbt_snap_block *r;
	struct kdbt_snap_count *c;
};

/* What @seen has of block @id: its executions, misses and invalid flag. */
static void seen_set(struct kdbt_snap_seen *seen, u32 id, u64 execs, u64 m,
		     u8 flags)
{
	seen->execs[id] = execs;
	seen->misses[id] = m << 1 | !!(flags & KDBT_BLOCK_INVALID);
}

/*
 * The records of a snapshot just taken (@nrec whole ones at @r, @ncount
 * short ones at @c) are what @seen was sent now.
 */
static void seen_update(struct kdbt_snap_seen *seen,
			const struct kdbt_snap_block *r, u32 nrec,
			const struct kdbt_snap_count *c, u32 ncount, u32 n,
			const struct kdbt_totals *sums, u64 flushes,
			u64 invalidated)
{
	u32 i;

	for (i = 0; i < nrec; i++, r++)
		seen_set(seen, r->id, r->executions, r->misses, r->flags);
	for (i = 0; i < ncount; i++, c++)
		seen_set(seen, c->id, c->executions, c->misses, c->flags);
	seen->n = n;
	seen->flushes = flushes;
	seen->fast = fast_blocks();
	seen->sums = *sums;
	seen->resets = prof.resets;
	seen->invalidated = invalidated;
	seen->raw_valid = true;
}

/*
 * The records from @first on of the blocks below @n, @cnt their
 * executions (execs_all()), and in @sums the totals of all of them (one
 * pass: each block's misses are read once).  Return: the end of the
 * records.
 */
static struct kdbt_snap_block *records(struct kdbt_snap_block *first,
				       struct kdbt_totals *sums, const u64 *cnt,
				       u32 n, bool hide)
{
	struct kdbt_snap_block *r = first;
	bool fast = fast_blocks();
	u32 i;
	u64 m;

	memset(sums, 0, sizeof(*sums));
	for (i = 1; i < n; i++) {
		m = misses_of(i);
		add_counts(sums, i, cnt[i], m, fast);
		fill_record(i, cnt[i], m, r++, hide);
	}
	return r;
}

/*
 * For a reader of changes, one pass from the last block down instead of
 * execs_all()'s two and a third to compare: @cnt holds every block's own
 * counter (kdbt_counter_sums()); a derived block's count since
 * publication becomes its copies' (kdbt_block_count(): both later in its
 * chain, so done already; @cnt keeps the counts before the baseline for
 * that), and the ids of the blocks whose executions, misses or invalid
 * flag differ from what @seen was sent go to seen->changed, last first.
 * A block without a site has no misses to read.  The own counters go to
 * seen->raw for raw_changes().  Return: their number.
 */
static u32 changed_scan(u64 *cnt, u32 n, struct kdbt_snap_seen *seen)
{
	const struct kdbt_block *blocks = kdbt_eng.tr.mem.blocks;
	const struct kdbt_base *base = READ_ONCE(prof.baseline);
	u32 id, k = 0, had = seen->n;

	for (id = n - 1; id >= 1; id--) {
		const struct kdbt_block *b = &blocks[id];
		u64 c = cnt[id], bc = READ_ONCE(base[id].count), m = 0;

		seen->raw[id] = c;
		if (b->derived) {
			c = id + 1 < n ? cnt[id + 1] : 0;
			if (b->taken && b->taken < n)
				c += cnt[b->taken];
			cnt[id] = c;
		}
		c = c > bc ? c - bc : 0;
		if (b->site >= 0)
			m = misses_of(id);
		if (id >= had || seen->execs[id] != c ||
		    seen->misses[id] != (m << 1 | READ_ONCE(b->invalid)))
			seen->changed[k++] = id;
	}
	return k;
}

/* Block @id in short form at @c, @execs and @m as for fill_record(). */
static void fill_count(u32 id, u64 execs, u64 m, struct kdbt_snap_count *c)
{
	const struct kdbt_block *b = &kdbt_eng.tr.mem.blocks[id];

	c->id = id;
	c->flags = READ_ONCE(b->invalid) ? KDBT_BLOCK_INVALID : 0;
	if (b->derived)
		c->flags |= KDBT_BLOCK_DERIVED;
	c->reserved0 = 0;
	c->reserved1 = 0;
	c->executions = execs;
	c->misses = m;
}

/*
 * Block @id's record at @out unless @seen was sent it as it is now,
 * @total its count since publication, and what it added since into
 * @sums (add_counts() is linear in the counts, so the differences,
 * modulo 2^64 when a reset made them smaller, are added).  A block
 * @seen has goes in short form to a reader that asked for it.
 */
static void change_record(const struct kdbt_snap_seen *seen,
			  struct kdbt_totals *sums, u32 id, u64 total,
			  struct snap_out *out, bool hide)
{
	u64 bc = READ_ONCE(READ_ONCE(prof.baseline)[id].count);
	u64 c = total > bc ? total - bc : 0, m = misses_of(id);
	bool had = id < seen->n;

	if (had && seen->execs[id] == c &&
	    seen->misses[id] == (m << 1 |
				 READ_ONCE(kdbt_eng.tr.mem.blocks[id].invalid)))
		return;
	add_counts(sums, id, c - (had ? seen->execs[id] : 0),
		   m - (had ? seen->misses[id] >> 1 : 0), fast_blocks());
	if (had && seen->short_form)
		fill_count(id, c, m, out->c++);
	else
		fill_record(id, c, m, out->r++, hide);
}

/*
 * The records of the @k blocks changed_scan() found, in id order, to
 * @out, @cnt their counts before the baseline, and in @sums the totals
 * of all blocks: @seen's sums plus what the changed blocks added since
 * (change_record()).
 */
static void changed_records(struct snap_out *out, struct kdbt_totals *sums,
			    const u64 *cnt, u32 k, bool hide,
			    const struct kdbt_snap_seen *seen)
{
	u32 id;

	*sums = seen->sums;
	while (k--) {
		id = seen->changed[k];
		change_record(seen, sums, id, cnt[id], out, hide);
	}
}

/*
 * The sites whose misses differ from seen->site_misses: the entry
 * updated, the site's block (if below @n) marked in seen->mark.
 */
static void mark_sites(u32 n, struct kdbt_snap_seen *seen)
{
	const struct kdbt_site *sites = kdbt_eng.tr.mem.sites;
	u32 s, id, ns = min(READ_ONCE(kdbt_eng.tr.nsites), seen->sites_cap);
	u64 m;

	for (s = 0; s < ns; s++) {
		m = READ_ONCE(sites[s].misses);
		if (s < seen->nsites && m == seen->site_misses[s])
			continue;
		seen->site_misses[s] = m;
		id = READ_ONCE(sites[s].block);
		if (id && id < n)
			__set_bit(id, seen->mark);
	}
	seen->nsites = ns;
}

/* The derived block whose copy block @id is (edge_of()), or 0. */
static u32 parent_of(u32 id)
{
	u32 of;

	switch (edge_known(id, &of)) {
	case KDBT_EDGE_FALL:
	case KDBT_EDGE_JMP:
	case KDBT_EDGE_TAKEN:
		return of;
	default:
		return 0;
	}
}

/*
 * Block @id's count since publication from the own counters @raw of the
 * blocks below @n (kdbt_block_count(); a block at or past @n counts 0,
 * as in execs_all()).
 */
static u64 raw_count(const u64 *raw, u32 id, u32 n)
{
	const struct kdbt_block *blocks = kdbt_eng.tr.mem.blocks;
	u64 c = 0;

	while (id < n && blocks[id].derived) {
		if (blocks[id].taken)
			c += raw_count(raw, blocks[id].taken, n);
		id++;
	}
	return id < n ? c + raw[id] : c;
}

/*
 * Block @id's count since publication in raw_changes(), @id marked: its
 * own counter, or a derived block's copies' (block id + 1 and its taken
 * copy), each either marked too and counted in @cnt already (copies
 * come after their block, and the marked blocks are counted from the
 * last down) or unchanged (raw_count()).
 */
static u64 marked_count(const struct kdbt_snap_seen *seen, const u64 *cnt,
			u32 id, u32 n)
{
	const struct kdbt_block *b = &kdbt_eng.tr.mem.blocks[id];
	u32 x[2] = { id + 1, b->taken };
	u64 c = 0;
	int i;

	if (!b->derived)
		return seen->raw[id];
	for (i = 0; i < 2; i++) {
		if (!x[i] || x[i] >= n)
			continue;
		c += test_bit(x[i], seen->mark) ? cnt[x[i]] :
		     raw_count(seen->raw, x[i], n);
	}
	return c;
}

/*
 * The changes of the blocks below @n, when nothing but counts can have
 * changed since seen->raw and seen->site_misses were taken (no reset, no
 * invalidation since): the blocks whose own counter moved
 * (kdbt_counter_changes(): a comparison for each block that did not
 * run), whose site missed, or that are new, and the derived blocks above
 * any of them (the copies count for them); their counts since
 * publication, from the last down, into @cnt (marked_count()); then, in
 * id order, the records of those whose executions or misses differ from
 * what @seen was sent, and @sums (change_record()).
 * seen->mark is all 0 again at the end.  The records go to @out.
 */
static void raw_changes(struct snap_out *out, struct kdbt_totals *sums,
			u64 *cnt, u32 n, bool hide,
			struct kdbt_snap_seen *seen)
{
	u32 id, p, k = 0, i, had = seen->n;

	seen->raw_valid = false;	/* until the read completes */
	kdbt_counter_changes(seen->raw, 1, n, seen->mark);
	if (had < n)
		bitmap_set(seen->mark, had, n - had);
	mark_sites(n, seen);
	for_each_set_bit(id, seen->mark, n)	/* parents come first */
		for (p = parent_of(id); p && !__test_and_set_bit(p, seen->mark);
		     p = parent_of(p))
			;
	for_each_set_bit(id, seen->mark, n)
		seen->changed[k++] = id;
	for (i = k; i--; )	/* a derived block's copies come after it */
		cnt[seen->changed[i]] = marked_count(seen, cnt,
						     seen->changed[i], n);
	*sums = seen->sums;
	for (i = 0; i < k; i++) {
		id = seen->changed[i];
		__clear_bit(id, seen->mark);
		change_record(seen, sums, id, cnt[id], out, hide);
	}
}

/*
 * Whether raw_changes() may do a read: a read completed since seen->raw
 * was taken, and no reset and no invalidation came since (@inval: the
 * translator's invalidations now).
 */
static bool raw_changes_ok(const struct kdbt_snap_seen *seen, u64 inval)
{
	return seen->raw_valid && seen->resets == prof.resets &&
	       seen->invalidated == inval;
}

/**
 * kdbt_profile_snapshot() - the binary snapshot (proc/kdbt_abi.h).
 * @buf: in: a buffer from an earlier call or NULL; out: the snapshot
 *	(kvfree() it).
 * @cap: in/out: bytes allocated at *@buf.
 * @hide: leave addresses out (kptr_restrict).
 * @seen: NULL (/proc/kdbt/snapshot: every block), or what this reader of
 *	/proc/kdbt/changes was sent before: then, unless it was sent
 *	nothing or the cache was flushed since, only the blocks whose
 *	executions, misses or invalid flag changed and the blocks made
 *	since, with KDBT_SNAP_DELTA (and those it had in short form if it
 *	asked for them: KDBT_SNAP_SHORT).  Updated to what this snapshot
 *	sends.
 *
 * Return: the snapshot's length, or -ENOMEM / -EAGAIN (resets or flushes
 * kept racing with it).
 */
ssize_t kdbt_profile_snapshot(void **buf, size_t *cap, bool hide,
			      struct kdbt_snap_seen *seen)
{
	struct kdbt_snap_block *first;
	struct kdbt_snap_count *shorts;
	struct kdbt_snap_header *h;
	struct kdbt_totals t, sums;
	struct snap_out out;
	unsigned int seq;
	size_t len, need;
	bool delta, quick, sh;
	int tries;
	u64 *cnt, inval;
	u32 n, k, nshort;

	for (tries = 0; tries < 100; tries++) {
		n = kdbt_profile_nblocks();
		/* the records, then room for their counts (execs_all()) */
		len = sizeof(struct kdbt_snap_header) +
		      (size_t)(n - 1) * sizeof(*first);
		need = ALIGN(len, sizeof(u64)) + (size_t)n * sizeof(u64);
		if (need > *cap) {
			kvfree(*buf);
			*cap = 0;
			*buf = kvmalloc(need +
					1024 * (sizeof(*first) + sizeof(u64)),
					GFP_KERNEL);
			if (!*buf)
				return -ENOMEM;
			*cap = need + 1024 * (sizeof(*first) + sizeof(u64));
		}
		if (seen && (seen_reserve(seen, n) ||
			     seen_reserve_sites(seen,
					READ_ONCE(kdbt_eng.tr.nsites))))
			return -ENOMEM;
		cnt = *buf + ALIGN(len, sizeof(u64));
		seq = kdbt_profile_begin();
		n = min_t(u32, n, kdbt_profile_nblocks());
		delta = seen && seen->n > 1 && seen->flushes == prof.flushes &&
			seen->fast == fast_blocks() && n >= seen->n;
		first = *buf + sizeof(struct kdbt_snap_header);
		/* whole records of the blocks made since, then short ones */
		sh = delta && seen->short_form;
		shorts = (void *)(first + (sh ? n - seen->n : 0));
		out.r = first;
		out.c = shorts;
		inval = READ_ONCE(kdbt_eng.tr.invalidated);
		smp_rmb();	/* the count, then the invalid flags */
		quick = delta && raw_changes_ok(seen, inval);
		if (seen && !quick) {
			/* seen->raw and the sites' misses before the records */
			mark_sites(n, seen);
			bitmap_zero(seen->mark, n);
		}
		if (quick) {
			raw_changes(&out, &sums, cnt, n, hide, seen);
		} else if (delta) {
			kdbt_counter_sums(cnt, 1, n);
			k = changed_scan(cnt, n, seen);
			changed_records(&out, &sums, cnt, k, hide, seen);
		} else {
			if (seen && n > 1) {
				kdbt_counter_sums(seen->raw, 1, n);
				memcpy(cnt + 1, seen->raw + 1,
				       (n - 1) * sizeof(*cnt));
				execs_derive(cnt, n);
			} else {
				execs_all(cnt, n);
			}
			out.r = records(first, &sums, cnt, n, hide);
		}
		/*
		 * The short records right after the whole ones: every new
		 * block has one, so they are there already.
		 */
		nshort = out.c - shorts;
		if (WARN_ON_ONCE((void *)out.r != (void *)shorts && nshort))
			memmove(out.r, shorts, nshort * sizeof(*shorts));
		t = prof.retired;
		totals_add(&t, &sums);
		totals_finish(&t);
		h = *buf;
		header_once(h, out.r - first, hide, &t);
		if (delta)
			h->flags |= KDBT_SNAP_DELTA;
		if (sh) {
			h->flags |= KDBT_SNAP_SHORT;
			h->nshort = nshort;
		}
		if (!kdbt_profile_changed(seq)) {
			if (seen)
				seen_update(seen, first, out.r - first,
					    (void *)out.r, nshort, n, &sums,
					    t.flushes, inval);
			return (void *)out.r - *buf + nshort * sizeof(*shorts);
		}
		cond_resched();
	}
	return -EAGAIN;
}

/**
 * kdbt_lost_estimate() - block executions that counter increments lost
 * since the last reset, estimated from the sentinels: each sentinel block
 * also counts itself with a locked increment of a shared shadow counter
 * (core.h), so shadow - counter is what its own counters lost, and the
 * totals lose in the same proportion.  Per-CPU counters lose a count only
 * if a task migrates between loading its CPU's array pointer and the
 * increment while the other CPU increments the same counter; the
 * sentinels check that this stays negligible.  Exactly 0 on one CPU.
 * @t: the totals to scale to.
 *
 * Return: the estimate, in block executions.
 */
u64 kdbt_lost_estimate(const struct kdbt_totals *t)
{
	u32 n = kdbt_profile_nblocks(), id;
	u64 shadow = 0, lost = 0;

	if (!kdbt_eng.tr.cfg.counters || kdbt_eng.tr.cfg.atomic_counters)
		return 0;
	for (id = 1u << KDBT_SHADOW_SHIFT; id < n; id += 1u << KDBT_SHADOW_SHIFT) {
		u32 k = id >> KDBT_SHADOW_SHIFT;
		u64 sh = READ_ONCE(kdbt_shadow[k]) -
			 READ_ONCE(READ_ONCE(prof.shadow_base)[k]);
		u64 c = execs_of(id);

		shadow += sh;
		if (sh > c)
			lost += sh - c;
	}
	if (!shadow || !lost)
		return 0;
	return mul_u64_u64_div_u64(t->block_executions, lost, shadow);
}
