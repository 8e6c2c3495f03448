// SPDX-License-Identifier: GPL-2.0
/*
 * recorder.c - turn /proc/kdbt snapshots into the intervals, the block
 * table and the symbol table of a recording (kdbt_data.h).
 *
 * Each interval is the difference of two snapshots (kdbt_snap_delta()):
 * the kernel's totals, and the executions and misses of every block that
 * counted in it.  Read through /proc/kdbt/changes (recorder_gather(),
 * recorder_commit()), the later snapshot is the earlier one with the
 * changed blocks applied (kdbt_changes_apply()), and those blocks'
 * differences are the interval's: no pass over the blocks that did not
 * run.  A block enters the table the first time it counts, once
 * per native address, length, instruction count, kind, target and edge
 * (an edge copy, which counts one edge of one derived block, is an entry
 * apart, and so is a derived block), so a block translated again after a
 * cache flush keeps its entry.  A reset or a
 * flush between two snapshots (-ESTALE) makes the interval count from
 * that event: after a reset only what came after it is known; after a
 * flush the kernel's totals are still exact (they include the flushed
 * blocks), but what the flushed blocks did since the previous snapshot
 * belongs to no block (kdbt-report shows it as "[unattributed]").
 *
 * The code of each kept symbol (at most KDBT_DATA_CODE_MAX bytes) is read
 * from /proc/kcore at the end, for kdbt-report --annotate; without a
 * readable /proc/kcore the recording has no CODE section, and says why
 * in one warning.
 *
 * Owns: the block table and its indexes, the symbols a recording keeps
 * and their code.
 * Must never: reset or otherwise write /proc/kdbt (kdbt-record does).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kcore.h"
#include "recorder.h"

#define PROG	"kdbt-record"

static __u32 block_hash(__u64 native, __u32 insns, __u32 kind, __u32 len)
{
	__u64 h = native * 0x9e3779b97f4a7c15ULL;

	h ^= ((__u64)insns << 40) ^ ((__u64)kind << 32) ^ len;
	h *= 0xff51afd7ed558ccdULL;
	return (__u32)(h >> 32);
}

static int same_block(const struct kdbt_data_block *t,
		      const struct kdbt_snap_block *b)
{
	return t->native == b->native && t->insns == b->insns &&
		t->kind == b->kind && t->native_len == b->native_len &&
		t->target == b->target && t->edge == b->edge &&
		t->edge_of == b->edge_of &&
		(t->flags & KDBT_BLOCK_DERIVED) ==
		(b->flags & KDBT_BLOCK_DERIVED);
}

static __u32 hash_of(const struct kdbt_data_block *t)
{
	return block_hash(t->native, t->insns, t->kind, t->native_len);
}

/* Double the hash table (kept at most half full). */
static int grow_hash(struct recorder *rc)
{
	__u32 size = rc->hash_size ? 2 * rc->hash_size : 4096, i, j;
	__u32 *h = calloc(size, sizeof(*h));

	if (!h)
		return -ENOMEM;
	for (i = 0; i < rc->rec.nblocks; i++) {
		j = hash_of(&rc->rec.blocks[i]) & (size - 1);
		while (h[j])
			j = (j + 1) & (size - 1);
		h[j] = i + 1;
	}
	free(rc->hash);
	rc->hash = h;
	rc->hash_size = size;
	return 0;
}

/* The table index of @b, added if new; -ENOMEM. */
static long table_index(struct recorder *rc, const struct kdbt_snap_block *b,
			__u64 generation)
{
	struct kdbt_data_block *t;
	__u32 j;

	if (2 * (rc->rec.nblocks + 1) > rc->hash_size && grow_hash(rc))
		return -ENOMEM;
	j = block_hash(b->native, b->insns, b->kind, b->native_len) &
		(rc->hash_size - 1);
	for (; rc->hash[j]; j = (j + 1) & (rc->hash_size - 1))
		if (same_block(&rc->rec.blocks[rc->hash[j] - 1], b))
			return rc->hash[j] - 1;
	if (rc->rec.nblocks == rc->blocks_cap) {
		__u32 cap = rc->blocks_cap ? 2 * rc->blocks_cap : 4096;

		t = realloc(rc->rec.blocks, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		rc->rec.blocks = t;
		rc->blocks_cap = cap;
	}
	t = &rc->rec.blocks[rc->rec.nblocks];
	*t = kdbt_data_block_of(b, generation);
	rc->hash[j] = ++rc->rec.nblocks;
	return rc->rec.nblocks - 1;
}

/* The table index of block @b of a snapshot of cache @generation. */
static long block_index(struct recorder *rc, const struct kdbt_snap_block *b,
			__u64 generation)
{
	__u32 *m, cap;
	long i;

	if (generation != rc->generation) {
		if (rc->id_map)
			memset(rc->id_map, 0, rc->id_cap * sizeof(*rc->id_map));
		rc->generation = generation;
	}
	if (b->id < rc->id_cap && rc->id_map[b->id] &&
	    same_block(&rc->rec.blocks[rc->id_map[b->id] - 1], b)) {
		i = rc->id_map[b->id] - 1;
	} else {
		i = table_index(rc, b, generation);
		if (i < 0)
			return i;
		if (b->id >= rc->id_cap) {
			cap = b->id + 4096;
			m = realloc(rc->id_map, cap * sizeof(*m));
			if (!m)
				return -ENOMEM;
			memset(m + rc->id_cap, 0,
			       (cap - rc->id_cap) * sizeof(*m));
			rc->id_map = m;
			rc->id_cap = cap;
		}
		rc->id_map[b->id] = i + 1;
	}
	rc->rec.blocks[i].flags |= b->flags;
	return i;
}

/*
 * The delta of two snapshots of different generations: everything of
 * @newer's blocks (all new since the event), its totals minus @older's
 * (minus nothing after a reset).
 */
static int stale_delta(struct recorder *rc, struct kdbt_snap *d,
		       const struct kdbt_snap *older,
		       const struct kdbt_snap *newer, __u32 *flags,
		       struct kdbt_err *err)
{
	const struct kdbt_snap_header *o = &older->hdr, *n = &newer->hdr;
	struct kdbt_snap fake = { .hdr = *o };

	fake.hdr.nblocks = 0;
	fake.hdr.resets = n->resets;
	fake.hdr.flushes = n->flushes;
	if (o->resets != n->resets) {
		*flags |= KDBT_IVL_RESET;
		rc->rec.info.resets += n->resets - o->resets;
		kdbt_snap_zero_profile(&fake.hdr);
		if (!rc->warned_reset++)
			fprintf(stderr, PROG ": warning: the counters were reset during the recording (a write of 'reset' to /proc/kdbt/control): what ran before the reset in that interval is lost\n");
	}
	if (o->flushes != n->flushes) {
		*flags |= KDBT_IVL_FLUSH;
		rc->rec.info.flushes += n->flushes - o->flushes;
		if (!rc->warned_flush++)
			fprintf(stderr, PROG ": warning: the code cache was flushed during the recording: the totals stay exact, but what flushed blocks ran is not attributed to functions\n");
	}
	rc->rec.info.rec_flags |= KDBT_REC_STALE;
	return kdbt_snap_delta(d, &fake, newer, err);
}

/* The interval's times and the kernel's totals, from delta @d. */
static void interval_counts(struct kdbt_data_interval *h,
			    const struct kdbt_snap *d,
			    const struct kdbt_snap *older)
{
	const struct kdbt_snap_header *x = &d->hdr;
	unsigned int i;
	__u64 *slot;

	h->start_ns = older->hdr.time_ns;
	h->end_ns = x->time_ns > h->start_ns ? x->time_ns : h->start_ns;
	for (i = 0; i < KDBT_STAT_NR; i++) {
		slot = kdbt_data_ivl_slot(h, i);
		if (slot)
			kdbt_snap_u64(x, i, slot);
	}
}

/* Room for @n records of one interval. */
static int recs_reserve(struct recorder *rc, __u32 n, struct kdbt_err *err)
{
	struct kdbt_data_rec *r;

	if (n <= rc->recs_cap)
		return 0;
	r = realloc(rc->recs, n * sizeof(*r));
	if (!r)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	rc->recs = r;
	rc->recs_cap = n;
	return 0;
}

/*
 * Add the interval @d (a delta: what each of its blocks counted, and
 * the kernel's totals since @older), its blocks of cache @generation,
 * with KDBT_IVL_* @flags.
 */
static int record_delta(struct recorder *rc, const struct kdbt_snap *d,
			const struct kdbt_snap *older, __u64 generation,
			__u32 flags, struct kdbt_err *err)
{
	struct kdbt_data_interval h = { .flags = flags };
	const struct kdbt_snap_block *b;
	long i;
	int ret;

	ret = recs_reserve(rc, d->hdr.nblocks, err);
	if (ret)
		return ret;
	kdbt_snap_for_each_block(d, b) {
		if (!b->executions && !b->misses)
			continue;
		i = block_index(rc, b, generation);
		if (i < 0)
			return kdbt_fail(err, -ENOMEM, "out of memory");
		rc->recs[h.nrecs++] = (struct kdbt_data_rec){
			.block = i, .executions = b->executions,
			.misses = b->misses,
		};
	}
	interval_counts(&h, d, older);
	rc->instructions += h.instructions;
	return kdbt_data_add_interval(&rc->w, &h, rc->recs, err);
}

/* Note a snapshot whose blocks lack the targets or the edges. */
static void note_block_size(struct recorder *rc, __u32 block_size)
{
	if (!kdbt_snap_block_has(block_size, target))
		rc->untargeted = 1;	/* an older kdbt.ko: no KDBT_REC_TARGETS */
	if (!kdbt_snap_block_has(block_size, edge))
		rc->unedged = 1;	/* ... no KDBT_REC_EDGES */
}

/**
 * recorder_interval() - add the interval between two snapshots
 * @rc: the recorder (its writer open)
 * @older: the earlier snapshot
 * @newer: the later one
 * @err: the message on failure; may be NULL
 *
 * Return: 0, -ENOMEM, or a -errno of writing the file.
 */
int recorder_interval(struct recorder *rc, const struct kdbt_snap *older,
		      const struct kdbt_snap *newer, struct kdbt_err *err)
{
	struct kdbt_snap d = { 0 };
	__u32 flags = 0;
	int ret;

	note_block_size(rc, older->hdr.block_size);
	note_block_size(rc, newer->hdr.block_size);
	ret = kdbt_snap_delta(&d, older, newer, err);
	if (ret == -ESTALE)
		ret = stale_delta(rc, &d, older, newer, &flags, err);
	if (!ret)
		ret = record_delta(rc, &d, older, newer->hdr.flushes, flags,
				   err);
	kdbt_snap_free(&d);
	return ret;
}

/*
 * Two reads of changes, @acc and the later @d, both in id order, as one:
 * every block of either, the later record where both have one.
 */
static int merge_changes(struct kdbt_snap *acc, struct kdbt_snap *d,
			 struct kdbt_err *err)
{
	__u32 na = acc->hdr.nblocks, nd = d->hdr.nblocks, i = 0, j = 0, k = 0;
	struct kdbt_snap_block *m;

	m = malloc(((size_t)na + nd + 1) * sizeof(*m));
	if (!m)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	while (i < na || j < nd) {
		if (j == nd || (i < na && acc->blocks[i].id < d->blocks[j].id))
			m[k++] = acc->blocks[i++];
		else if (i == na || d->blocks[j].id < acc->blocks[i].id)
			m[k++] = d->blocks[j++];
		else {
			m[k++] = d->blocks[j++];
			i++;
		}
	}
	free(acc->blocks);
	acc->blocks = m;
	acc->hdr = d->hdr;
	acc->hdr.nblocks = k;
	kdbt_snap_free(d);
	return 0;
}

/* Room in @s for @n blocks. */
static int blocks_reserve(struct kdbt_snap *s, __u32 n, struct kdbt_err *err)
{
	struct kdbt_snap_block *b;

	if (n <= s->hdr.nblocks)
		return 0;
	b = realloc(s->blocks, n * sizeof(*b));
	if (!b)
		return kdbt_fail(err, -ENOMEM, "out of memory for %u blocks",
				 n);
	s->blocks = b;
	return 0;
}

/**
 * recorder_gather() - add one read of /proc/kdbt/changes (or of
 * /proc/kdbt/snapshot) to what the reads since the last interval gave
 * @acc: those reads (zeroed before the first): a complete snapshot (a
 *       complete read, and any changes after it applied in place), or
 *       when every read since sent changes (KDBT_SNAP_DELTA), their
 *       records merged by id (each block's newest)
 * @d: the read (kdbt_changes_read_fd()); taken: zeroed on return
 * @name: the file's name, for messages
 * @err: the message on failure; may be NULL
 *
 * Return: 0, -ENOMEM, or -EBADMSG for changes that do not fit @acc.
 */
int recorder_gather(struct kdbt_snap *acc, struct kdbt_snap *d,
		    const char *name, struct kdbt_err *err)
{
	long n;
	int ret = 0;

	if (!acc->hdr.magic || !(d->hdr.flags & KDBT_SNAP_DELTA)) {
		kdbt_snap_free(acc);
		*acc = *d;
		memset(d, 0, sizeof(*d));
		return 0;
	}
	if (acc->hdr.flags & KDBT_SNAP_DELTA)
		return merge_changes(acc, d, err);
	n = kdbt_changes_check(acc, d, name, err);
	if (n < 0)
		ret = n;
	else
		ret = blocks_reserve(acc, n, err);
	if (!ret)
		kdbt_changes_apply(acc, d, n);
	kdbt_snap_free(d);
	return ret;
}

/*
 * recorder_commit() for changes of the same generation as @prev: the
 * interval is the headers' difference and the changed blocks' own
 * (kdbt_changes_apply()), without a pass over the blocks that did not
 * count.
 */
static int changes_interval(struct recorder *rc, struct kdbt_snap *prev,
			    struct kdbt_snap *acc, __u32 n,
			    struct kdbt_err *err)
{
	struct kdbt_snap o = { .hdr = prev->hdr }, nh = { .hdr = acc->hdr };
	struct kdbt_snap d = { 0 };
	int ret;

	note_block_size(rc, acc->hdr.block_size);
	o.hdr.nblocks = 0;
	nh.hdr.nblocks = 0;
	nh.hdr.flags &= ~KDBT_SNAP_DELTA;
	ret = kdbt_snap_delta(&d, &o, &nh, err) ?:
	      blocks_reserve(prev, n, err);
	if (ret)
		return ret;
	kdbt_changes_apply(prev, acc, n);
	d.blocks = acc->blocks;
	d.hdr.nblocks = acc->hdr.nblocks;
	return record_delta(rc, &d, &o, acc->hdr.flushes, 0, err);
}

/*
 * recorder_commit() for changes across a reset: the blocks that did not
 * change count since the reset what they counted before it, so the
 * interval needs the complete snapshot: @prev with the changes applied.
 */
static int complete_interval(struct recorder *rc, struct kdbt_snap *prev,
			     struct kdbt_snap *acc, __u32 n,
			     struct kdbt_err *err)
{
	struct kdbt_snap cur = { .hdr = prev->hdr };
	int ret;

	cur.blocks = malloc(((size_t)n + 1) * sizeof(*cur.blocks));
	if (!cur.blocks)
		return kdbt_fail(err, -ENOMEM, "out of memory for %u blocks",
				 n);
	memcpy(cur.blocks, prev->blocks,
	       (size_t)prev->hdr.nblocks * sizeof(*cur.blocks));
	kdbt_changes_apply(&cur, acc, n);
	ret = recorder_interval(rc, prev, &cur, err);
	if (ret) {
		kdbt_snap_free(&cur);
		return ret;
	}
	kdbt_snap_free(prev);
	*prev = cur;
	return 0;
}

/**
 * recorder_commit() - add the interval from @prev to what the reads since
 * gave (recorder_gather()), and make @prev the snapshot it ends at
 * @rc: the recorder (its writer open)
 * @prev: the complete snapshot the previous interval ended at
 * @acc: recorder_gather()'s; emptied (zeroed) on return
 * @name: the file read, for messages
 * @err: the message on failure; may be NULL
 *
 * Return: 0, -ENOMEM, -EBADMSG for changes that do not fit @prev, or a
 * -errno of writing the file.
 */
int recorder_commit(struct recorder *rc, struct kdbt_snap *prev,
		    struct kdbt_snap *acc, const char *name,
		    struct kdbt_err *err)
{
	long n;
	int ret;

	if (!(acc->hdr.flags & KDBT_SNAP_DELTA)) {
		ret = recorder_interval(rc, prev, acc, err);
		if (!ret) {
			kdbt_snap_free(prev);
			*prev = *acc;
			memset(acc, 0, sizeof(*acc));
		}
		return ret;
	}
	n = kdbt_changes_check(prev, acc, name, err);
	if (n < 0)
		ret = n;
	else if (prev->hdr.resets != acc->hdr.resets ||
		 prev->hdr.flushes != acc->hdr.flushes)
		ret = complete_interval(rc, prev, acc, n, err);
	else
		ret = changes_interval(rc, prev, acc, n, err);
	kdbt_snap_free(acc);
	return ret;
}

/**
 * recorder_symbols() - keep the symbols of the recorded blocks and of
 * their targets (a direct call's callee, even one that ran natively)
 * @rc: the recorder, its block table complete
 * @st: the kernel's symbols (kdbt_syms_load()); must outlive @rc's use of
 *      them: the recording borrows its modules and names
 * @err: the message on failure; may be NULL
 *
 * Return: 0 or -ENOMEM.
 */
int recorder_symbols(struct recorder *rc, const struct kdbt_syms *st,
		     struct kdbt_err *err)
{
	const struct kdbt_sym *s;
	unsigned char *keep;
	size_t i, n = 0;

	keep = calloc(st->nsyms ? st->nsyms : 1, 1);
	rc->rec.syms.syms = calloc(st->nsyms ? st->nsyms : 1,
				   sizeof(*st->syms));
	if (!keep || !rc->rec.syms.syms) {
		free(keep);
		return kdbt_fail(err, -ENOMEM, "out of memory");
	}
	for (i = 0; i < rc->rec.nblocks; i++) {
		s = kdbt_syms_find(st, rc->rec.blocks[i].native);
		if (s)
			keep[s - st->syms] = 1;
		/* A callee's, even one that ran natively (no block). */
		s = kdbt_syms_find(st, rc->rec.blocks[i].target);
		if (s && rc->rec.blocks[i].target)
			keep[s - st->syms] = 1;
	}
	for (i = 0; i < st->nsyms; i++)
		if (keep[i])
			rc->rec.syms.syms[n++] = st->syms[i];
	free(keep);
	rc->rec.syms.nsyms = n;
	rc->rec.syms.mods = st->mods;
	rc->rec.syms.nmods = st->nmods;
	return 0;
}

/* The code of the kept symbols that fit, read through @k. */
static int read_code(struct recorder *rc, const struct kcore *k,
		     size_t *failed, struct kdbt_err *err)
{
	const struct kdbt_syms *st = &rc->rec.syms;
	struct kdbt_rec *r = &rc->rec;
	size_t i, bytes = 0;
	__u8 *p;

	for (i = 0; i < st->nsyms; i++)
		if (st->syms[i].size <= KDBT_DATA_CODE_MAX)
			bytes += st->syms[i].size;
	r->code = calloc(st->nsyms ? st->nsyms : 1, sizeof(*r->code));
	r->code_bytes = malloc(bytes ? bytes : 1);
	if (!r->code || !r->code_bytes)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	p = r->code_bytes;
	for (i = 0; i < st->nsyms; i++) {
		if (st->syms[i].size > KDBT_DATA_CODE_MAX)
			continue;
		if (kcore_read(k, st->syms[i].start, p, st->syms[i].size)) {
			(*failed)++;
			continue;
		}
		r->code[r->ncode++] = (struct kdbt_rec_code){
			.start = st->syms[i].start, .size = st->syms[i].size,
			.bytes = p,
		};
		p += st->syms[i].size;
	}
	r->code_bytes_size = p - r->code_bytes;
	return 0;
}

/**
 * recorder_code() - keep the code of the recorded functions
 * @rc: the recorder, its symbols kept (recorder_symbols())
 * @path: the kernel's memory, KDBT_KCORE_PATH
 * @err: the message on failure; may be NULL
 *
 * Functions larger than KDBT_DATA_CODE_MAX bytes are left out.  When
 * @path cannot be read the recording has no code (one warning says why);
 * when some functions cannot be read they are left out (one warning says
 * how many).
 *
 * Return: 0 or -ENOMEM.
 */
int recorder_code(struct recorder *rc, const char *path,
		  struct kdbt_err *err)
{
	struct kdbt_err e = { 0 };
	size_t failed = 0;
	struct kcore k;
	int ret;

	ret = kcore_open(&k, path, &e);
	if (ret) {
		kcore_close(&k);
		if (ret == -ENOMEM)
			return kdbt_fail(err, ret, "out of memory");
		fprintf(stderr, PROG ": warning: %s: the recording has no code (kdbt-report --annotate needs it)\n",
			e.msg);
		return 0;
	}
	ret = read_code(rc, &k, &failed, err);
	kcore_close(&k);
	if (!ret && failed)
		fprintf(stderr, PROG ": warning: %s: the code of %zu of %zu functions could not be read: they have none in the recording\n",
			path, failed, rc->rec.syms.nsyms);
	return ret;
}

/**
 * recorder_free() - free a recorder (not its writer: finish or abort it)
 * @rc: the recorder
 */
void recorder_free(struct recorder *rc)
{
	free(rc->hash);
	free(rc->id_map);
	free(rc->recs);
	free(rc->rec.syms.syms);
	memset(&rc->rec.syms, 0, sizeof(rc->rec.syms));	/* borrowed */
	kdbt_rec_free(&rc->rec);
}
