// SPDX-License-Identifier: GPL-2.0
/*
 * model.c - the rows of kdbt-top from snapshots (model.h).
 *
 * Owns: the newest snapshot and the delta to the one before it (through
 * libkdbt: kdbt_snap_delta, kdbt_funcs_build; blocks that kept their
 * places are subtracted here, in one pass), starting over after a reset
 * or a cache flush; one row per function or block that executed
 * in the counts shown; their sort orders; the regex and module filters;
 * rates per second and the share base.
 * Must never: include curses, print, read a file or sleep; keep a
 * pointer into a symbol table past model_set_syms() (rows are rebuilt).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

static const char *const sort_names[TOP_SORT_NR] = {
	[TOP_SORT_INSNS] = "insns",
	[TOP_SORT_RATE] = "rate",
	[TOP_SORT_EXECS] = "execs",
	[TOP_SORT_CALLS] = "calls",
	[TOP_SORT_INDIRECT] = "indirect",
	[TOP_SORT_HITRATE] = "hitrate",
	[TOP_SORT_SYMBOL] = "symbol",
};

static int fail(struct kdbt_err *err, int code, const char *msg)
{
	if (err) {
		err->code = code;
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
	}
	return code;
}

/**
 * model_init() - an empty model: functions, by instructions, delta view
 * @m: the model
 */
void model_init(struct top_model *m)
{
	memset(m, 0, sizeof(*m));
	m->view = TOP_VIEW_FUNCTIONS;
	m->sort = TOP_SORT_INSNS;
	m->want = (size_t)-1;
}

/**
 * model_free() - free what the model holds (not its symbol table)
 * @m: the model
 */
void model_free(struct top_model *m)
{
	kdbt_snap_free(&m->cur);
	kdbt_snap_free(&m->delta);
	free(m->ran[0].blocks);
	free(m->ran[1].blocks);
	free(m->ran_sym[0]);
	free(m->ran_sym[1]);
	free(m->sym_of);
	if (m->has_re)
		regfree(&m->re);
	free(m->rows);
	free(m->shown);
	memset(m, 0, sizeof(*m));
}

/**
 * model_sort_name() - the name of a sort key, as -s takes it
 * @key: enum top_sort
 *
 * Return: "insns", "rate", ... or "?" out of range.
 */
const char *model_sort_name(enum top_sort key)
{
	return key < TOP_SORT_NR ? sort_names[key] : "?";
}

/**
 * model_sort_parse() - the sort key of a name
 * @name: "insns", "rate", "execs", "calls", "indirect", "hitrate" or
 *        "symbol"
 *
 * Return: the enum top_sort, or -1 for an unknown name.
 */
int model_sort_parse(const char *name)
{
	int i;

	for (i = 0; i < TOP_SORT_NR; i++)
		if (!strcmp(name, sort_names[i]))
			return i;
	return -1;
}

/**
 * model_per_sec() - a count over an interval, per second
 * @count: the count
 * @interval_ns: the interval; 0 gives 0
 *
 * Return: @count * 10^9 / @interval_ns, rounded down.
 */
__u64 model_per_sec(__u64 count, __u64 interval_ns)
{
	unsigned __int128 r;

	if (!interval_ns)
		return 0;
	r = (unsigned __int128)count * 1000000000u / interval_ns;
	return r > ~0ULL ? ~0ULL : (__u64)r;
}

/**
 * model_row_rate() - instructions per second of a row, last interval
 * @m: the model
 * @r: one of its rows
 *
 * Return: the rate, 0 before the first interval.
 */
__u64 model_row_rate(const struct top_model *m, const struct top_row *r)
{
	return m->have_delta ? model_per_sec(r->recent_insns,
					     m->delta.interval_ns) : 0;
}

/**
 * model_has_data() - whether a snapshot came in yet
 * @m: the model
 */
bool model_has_data(const struct top_model *m)
{
	return m->cur.hdr.magic != 0;
}

/**
 * model_counts_snap() - the snapshot whose counts the view shows
 * @m: the model
 *
 * Return: the newest snapshot (cumulative view), the delta (delta view),
 * or NULL in the delta view before the first interval.
 */
const struct kdbt_snap *model_counts_snap(const struct top_model *m)
{
	if (m->cumulative)
		return model_has_data(m) ? &m->cur : NULL;
	return m->have_delta ? &m->delta : NULL;
}

/**
 * model_row_symbol() - the symbol column's text of a row
 * @m: the model
 * @r: one of its rows
 * @buf: where the text goes
 * @len: its size
 *
 * Return: @buf: "name" (functions), "name+0xoff/0xsize" (blocks), or
 * "0x" and the address where no symbol covers it.
 */
char *model_row_symbol(const struct top_model *m, const struct top_row *r,
		       char *buf, size_t len)
{
	if (m->view == TOP_VIEW_BLOCKS)
		return kdbt_fmt_symbol(buf, len, m->syms, r->addr);
	if (r->sym)
		snprintf(buf, len, "%s", r->sym->name);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)r->addr);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Sorting and filtering                                              */
/* ------------------------------------------------------------------ */

static int cmp_u64_desc(__u64 a, __u64 b)
{
	return a > b ? -1 : a < b;
}

/* Higher hit rates first; rows without indirect branches last. */
static int cmp_hitrate(const struct top_row *a, const struct top_row *b)
{
	unsigned __int128 x, y;

	if (!a->c.indirect || !b->c.indirect)
		return !a->c.indirect - !b->c.indirect;
	x = (unsigned __int128)a->c.hits * b->c.indirect;
	y = (unsigned __int128)b->c.hits * a->c.indirect;
	return x > y ? -1 : x < y;
}

/* Named rows by name, then those without a symbol. */
static int cmp_symbol(const struct top_row *a, const struct top_row *b)
{
	if (!a->sym || !b->sym)
		return !a->sym - !b->sym;
	return strcmp(a->sym->name, b->sym->name);
}

static int cmp_key(const struct top_row *a, const struct top_row *b,
		   enum top_sort key)
{
	switch (key) {
	case TOP_SORT_INSNS:
		return cmp_u64_desc(a->c.instructions, b->c.instructions);
	case TOP_SORT_RATE:
		return cmp_u64_desc(a->recent_insns, b->recent_insns);
	case TOP_SORT_EXECS:
		return cmp_u64_desc(a->c.executions, b->c.executions);
	case TOP_SORT_CALLS:
		return cmp_u64_desc(a->calls, b->calls);
	case TOP_SORT_INDIRECT:
		return cmp_u64_desc(a->c.indirect, b->c.indirect);
	case TOP_SORT_HITRATE:
		return cmp_hitrate(a, b);
	case TOP_SORT_SYMBOL:
		return cmp_symbol(a, b);
	default:
		return 0;
	}
}

/* By the key, then instructions, then address: a total order. */
static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct top_row *a = *(struct top_row *const *)pa;
	const struct top_row *b = *(struct top_row *const *)pb;
	const struct top_model *m = arg;
	int c = cmp_key(a, b, m->sort);

	if (!c)
		c = cmp_u64_desc(a->c.instructions, b->c.instructions);
	if (!c)
		c = a->addr < b->addr ? -1 : a->addr > b->addr;
	return c;
}

static bool row_passes(const struct top_model *m, const struct top_row *r)
{
	char sym[512];

	if (m->module[0] && strcmp(r->module, m->module))
		return false;
	if (!m->has_re)
		return true;
	if (!regexec(&m->re, r->module, 0, NULL, 0))
		return true;
	model_row_symbol(m, r, sym, sizeof(sym));
	return !regexec(&m->re, sym, 0, NULL, 0);
}

/*
 * Partition the @n rows at @v around the one at @p (cmp_rows()): those
 * before it first, then it, then those after it.  Return: its place.
 */
static size_t partition(struct top_row **v, size_t n, size_t p,
			const struct top_model *m)
{
	struct top_row *t;
	size_t i, k = 0;

	t = v[p];
	v[p] = v[n - 1];
	v[n - 1] = t;
	for (i = 0; i + 1 < n; i++) {
		if (cmp_rows(&v[i], &v[n - 1], (void *)m) < 0) {
			t = v[i];
			v[i] = v[k];
			v[k++] = t;
		}
	}
	t = v[k];
	v[k] = v[n - 1];
	v[n - 1] = t;
	return k;
}

/*
 * The first @k rows of the @n at @v (cmp_rows()) to the front, in no
 * order (quickselect: about 3n comparisons, where sorting all takes
 * n log2 n); every row after them comes after them in the sort order.
 */
static void select_first(struct top_row **v, size_t n, size_t k,
			 const struct top_model *m)
{
	size_t p;

	while (n > 1 && k > 0 && k < n) {
		p = partition(v, n, n / 2, m);
		if (p + 1 == k || p == k)
			return;
		if (p > k) {
			n = p;
		} else {
			v += p + 1;
			n -= p + 1;
			k -= p + 1;
		}
	}
}

/*
 * The shown rows: those that pass the filters, the first m->want of
 * them in the sort order (a screen shows a few dozen of thousands).
 */
static void model_select(struct top_model *m)
{
	size_t i;

	m->nshown = 0;
	for (i = 0; i < m->nrows; i++)
		if (row_passes(m, &m->rows[i]))
			m->shown[m->nshown++] = &m->rows[i];
	m->nsorted = m->want < m->nshown ? m->want : m->nshown;
	select_first(m->shown, m->nshown, m->nsorted, m);
	qsort_r(m->shown, m->nsorted, sizeof(*m->shown), cmp_rows, m);
}

/**
 * model_sort_upto() - put the first @n shown rows in the sort order
 * @m: the model
 * @n: how many a view is about to show (the rest are sorted too, once)
 */
void model_sort_upto(struct top_model *m, size_t n)
{
	if (n <= m->nsorted)
		return;
	qsort_r(m->shown + m->nsorted, m->nshown - m->nsorted,
		sizeof(*m->shown), cmp_rows, m);
	m->nsorted = m->nshown;
}

/**
 * model_set_want() - how many rows each refresh sorts
 * @m: the model
 * @n: the rows a view shows at most (from the first); (size_t)-1, the
 *     default, for all of them.  model_sort_upto() sorts more.
 */
void model_set_want(struct top_model *m, size_t n)
{
	m->want = n;
}

/* ------------------------------------------------------------------ */
/* Rows                                                               */
/* ------------------------------------------------------------------ */

/*
 * The symbol of block @b (kdbt_syms_find()), looked up once per block id
 * and address (ids restart after a cache flush: the address tells).
 */
static const struct kdbt_sym *sym_of(struct top_model *m,
				     const struct kdbt_snap_block *b)
{
	struct top_sym_of *c;
	size_t cap, i;

	if (b->id >= m->sym_of_cap) {
		cap = (size_t)b->id + b->id / 4 + 1024;
		c = realloc(m->sym_of, cap * sizeof(*c));
		if (!c)		/* look it up every time */
			return kdbt_syms_find(m->syms, b->native);
		for (i = m->sym_of_cap; i < cap; i++)
			c[i].native = ~0ULL;
		m->sym_of = c;
		m->sym_of_cap = cap;
	}
	c = &m->sym_of[b->id];
	if (c->native != b->native) {
		c->native = b->native;
		c->sym = kdbt_syms_find(m->syms, b->native);
	}
	return c->sym;
}

/* Forget the blocks' symbols (another table). */
static void sym_of_forget(struct top_model *m)
{
	size_t i;

	for (i = 0; i < m->sym_of_cap; i++)
		m->sym_of[i].native = ~0ULL;
}

static int rows_reserve(struct top_model *m, size_t n, struct kdbt_err *err)
{
	struct top_row *rows;
	struct top_row **shown;

	m->nrows = 0;
	m->nshown = 0;
	m->nsorted = 0;
	m->sum_insns = 0;
	if (n <= m->cap)
		return 0;
	rows = realloc(m->rows, n * sizeof(*rows));
	if (rows)
		m->rows = rows;
	shown = realloc(m->shown, n * sizeof(*shown));
	if (shown)
		m->shown = shown;
	if (!rows || !shown)
		return fail(err, -ENOMEM, "out of memory for the rows");
	m->cap = n;
	return 0;
}

/* Keep a row if it executed in the counts shown. */
static void row_add(struct top_model *m, const struct top_row *r)
{
	if (!r->c.executions)
		return;
	m->rows[m->nrows++] = *r;
	m->sum_insns += r->c.instructions;
}

/*
 * The record of block @id in the delta @rs, *@j the place to look from:
 * the delta lists blocks in id order, as the newest snapshot does (every
 * block, or after model_push_changes() only those that changed), so the
 * rows walk both together.  NULL: the block did not change.
 */
static const struct kdbt_snap_block *delta_of(const struct kdbt_snap *rs,
					      __u32 *j, __u32 id)
{
	while (*j < rs->hdr.nblocks && rs->blocks[*j].id < id)
		(*j)++;
	if (*j < rs->hdr.nblocks && rs->blocks[*j].id == id)
		return &rs->blocks[(*j)++];
	return NULL;
}

static void build_blocks(struct top_model *m, const struct kdbt_snap *cs)
{
	bool own = cs == &m->delta;
	const struct kdbt_snap *rs = m->have_delta && !own ? &m->delta : NULL;
	const struct kdbt_snap_block *d;
	struct kdbt_counts recent;
	struct top_row r;
	__u32 i, j = 0;

	for (i = 0; i < cs->hdr.nblocks; i++) {
		if (!cs->blocks[i].executions)
			continue;
		memset(&r, 0, sizeof(r));
		r.addr = cs->blocks[i].native;
		r.sym = sym_of(m, &cs->blocks[i]);
		r.module = r.sym ? r.sym->module : "unknown";
		kdbt_block_counts(cs, &cs->blocks[i], &r.c);
		if (kdbt_block_starts_func(r.sym, r.addr))
			r.calls = r.c.executions;
		d = rs ? delta_of(rs, &j, cs->blocks[i].id) : NULL;
		if (own) {
			r.recent_insns = r.c.instructions;
		} else if (d) {
			kdbt_block_counts(rs, d, &recent);
			r.recent_insns = recent.instructions;
		}
		row_add(m, &r);
	}
}

/*
 * The blocks of @s that executed, as a snapshot of their own in
 * m->ran[@slot].  A function without executions gives no row, so its
 * blocks need not be grouped: in a delta that is most of them, and
 * kdbt_funcs_build() then groups a few thousand blocks, not all.
 */
static const struct kdbt_snap *ran_blocks(struct top_model *m, int slot,
					  const struct kdbt_snap *s)
{
	struct kdbt_snap *r = &m->ran[slot];
	const struct kdbt_sym **sym;
	struct kdbt_snap_block *b;
	__u32 i, n = 0;

	if (s->hdr.nblocks > m->ran_cap[slot]) {
		b = realloc(r->blocks, s->hdr.nblocks * sizeof(*b));
		if (b)
			r->blocks = b;
		sym = realloc(m->ran_sym[slot], s->hdr.nblocks * sizeof(*sym));
		if (sym)
			m->ran_sym[slot] = sym;
		if (!b || !sym)
			return NULL;
		m->ran_cap[slot] = s->hdr.nblocks;
	}
	for (i = 0; i < s->hdr.nblocks; i++) {
		if (!s->blocks[i].executions)
			continue;
		r->blocks[n] = s->blocks[i];
		m->ran_sym[slot][n++] = sym_of(m, &s->blocks[i]);
	}
	r->hdr = s->hdr;
	r->hdr.nblocks = n;
	r->interval_ns = s->interval_ns;
	return r;
}

static int funcs_of(struct top_model *m, int slot, const struct kdbt_snap *s,
		    struct kdbt_func **f, size_t *n, struct kdbt_err *err)
{
	const struct kdbt_snap *r = ran_blocks(m, slot, s);

	if (!r)
		return fail(err, -ENOMEM, "out of memory for the functions");
	return kdbt_funcs_build_syms(r, m->syms,
				     (const struct kdbt_sym *const *)m->ran_sym[slot],
				     f, n, err);
}

static int cmp_func_start(const void *a, const void *b)
{
	const struct kdbt_func *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Instructions of the last interval of the function at @start. */
static __u64 recent_of(const struct kdbt_func *fr, size_t nr, __u64 start)
{
	struct kdbt_func key = { .start = start };
	const struct kdbt_func *f;

	f = bsearch(&key, fr, nr, sizeof(*fr), cmp_func_start);
	return f ? f->c.instructions : 0;
}

/*
 * Functions of the counts shown (@cs) and, in the cumulative view, of the
 * delta for the rates, matched by their start (a function's start is
 * unique in kdbt_funcs_build()'s result).
 */
static int build_funcs(struct top_model *m, const struct kdbt_snap *cs,
		       struct kdbt_err *err)
{
	struct kdbt_func *fc = NULL, *fr = NULL;
	size_t nc = 0, nr = 0, i;
	bool own = cs == &m->delta;
	struct top_row r;
	int ret;

	ret = funcs_of(m, 0, cs, &fc, &nc, err);
	if (!ret && m->have_delta && !own)
		ret = funcs_of(m, 1, &m->delta, &fr, &nr, err);
	if (fr)
		qsort(fr, nr, sizeof(*fr), cmp_func_start);
	for (i = 0; !ret && i < nc; i++) {
		memset(&r, 0, sizeof(r));
		r.addr = fc[i].start;
		r.sym = fc[i].sym;
		r.module = fc[i].module;
		r.c = fc[i].c;
		r.calls = fc[i].calls;
		if (own)
			r.recent_insns = fc[i].c.instructions;
		else if (fr)
			r.recent_insns = recent_of(fr, nr, fc[i].start);
		row_add(m, &r);
	}
	free(fc);
	free(fr);
	return ret;
}

/* All rows again from the snapshots, then the shown ones. */
static int model_rebuild(struct top_model *m, struct kdbt_err *err)
{
	const struct kdbt_snap *cs = model_counts_snap(m);
	int ret;

	ret = rows_reserve(m, cs ? cs->hdr.nblocks : 0, err);
	if (ret || !cs)
		return ret;
	if (m->view == TOP_VIEW_BLOCKS)
		build_blocks(m, cs);
	else
		ret = build_funcs(m, cs, err);
	if (ret)
		m->nrows = 0;
	model_select(m);
	return ret;
}

/* ------------------------------------------------------------------ */
/* New snapshots                                                      */
/* ------------------------------------------------------------------ */

/* Whether the blocks of @o are those of @n at the same index. */
static bool same_blocks(const struct kdbt_snap *o, const struct kdbt_snap *n)
{
	__u32 i;

	if (o->hdr.nblocks > n->hdr.nblocks)
		return false;
	for (i = 0; i < o->hdr.nblocks; i++)
		if (o->blocks[i].id != n->blocks[i].id ||
		    o->blocks[i].native != n->blocks[i].native)
			return false;
	return true;
}

static __u64 sub(__u64 a, __u64 b)
{
	return a > b ? a - b : 0;
}

/*
 * The delta of @older to the newest snapshot, as kdbt_snap_delta() makes
 * it.  That call finds each block in @older by sorting @older's blocks by
 * id, at every refresh: two thirds of kdbt-top's time with 30,000 blocks.
 * The kernel lists blocks in id order and only appends until a flush, so
 * block i is usually the same in both; then the library subtracts the
 * headers (and checks the generation) of the two snapshots without their
 * blocks, and the blocks are subtracted here by index, by the library's
 * rule (same id and address: the difference; a new block: all its
 * counts).  Otherwise the library does it all.
 */
static int model_delta(struct top_model *m, const struct kdbt_snap *older,
		       struct kdbt_err *err)
{
	struct kdbt_snap o = { .hdr = older->hdr }, n = { .hdr = m->cur.hdr };
	__u32 i, nb = m->cur.hdr.nblocks;
	struct kdbt_snap_block *b;
	int ret;

	if (!same_blocks(older, &m->cur))
		return kdbt_snap_delta(&m->delta, older, &m->cur, err);
	o.hdr.nblocks = 0;
	n.hdr.nblocks = 0;
	b = nb ? malloc(nb * sizeof(*b)) : NULL;
	if (nb && !b)
		return fail(err, -ENOMEM, "out of memory for a delta");
	ret = kdbt_snap_delta(&m->delta, &o, &n, err);
	if (ret) {
		free(b);
		return ret;
	}
	if (nb)
		memcpy(b, m->cur.blocks, nb * sizeof(*b));
	for (i = 0; i < older->hdr.nblocks; i++) {
		b[i].executions = sub(b[i].executions, older->blocks[i].executions);
		b[i].misses = sub(b[i].misses, older->blocks[i].misses);
	}
	m->delta.blocks = b;
	m->delta.hdr.nblocks = nb;
	return 0;
}

/*
 * A reset or a flush since @older: every count of a block in the newest
 * snapshot is since that event, so the delta is against @older's header
 * (zeroed after a reset: the totals restarted; as it was after a flush:
 * the totals go on) with no blocks.
 */
static int stale_delta(struct top_model *m, const struct kdbt_snap *older,
		       struct kdbt_err *err)
{
	const struct kdbt_snap_header *n = &m->cur.hdr;
	struct kdbt_snap base = { .hdr = older->hdr };

	m->event = older->hdr.resets != n->resets ? TOP_EV_RESET :
		TOP_EV_FLUSH;
	base.hdr.nblocks = 0;
	base.hdr.resets = n->resets;
	base.hdr.flushes = n->flushes;
	if (m->event == TOP_EV_RESET)
		kdbt_snap_zero_profile(&base.hdr);
	return kdbt_snap_delta(&m->delta, &base, &m->cur, err);
}

/**
 * model_push() - take in the next snapshot
 * @m: the model
 * @s: a snapshot read by the caller; the model takes its contents and
 *     leaves @s zeroed
 * @err: the message on failure; may be NULL
 *
 * The delta is to the previous snapshot; after a reset or a cache flush
 * (kdbt_snap_delta() says -ESTALE) it is what the new snapshot counted
 * since then, and m->event says which.  The rows are rebuilt.
 *
 * Return: 0, -ENOMEM or -EINVAL (inconsistent functions).
 */
int model_push(struct top_model *m, struct kdbt_snap *s, struct kdbt_err *err)
{
	struct kdbt_snap older = m->cur;
	int ret = 0;

	m->cur = *s;
	m->cur_cap = s->hdr.nblocks;
	memset(s, 0, sizeof(*s));
	m->event = TOP_EV_NONE;
	m->have_delta = false;
	if (!older.hdr.magic) {
		m->event = TOP_EV_FIRST;
		kdbt_snap_free(&m->delta);
	} else {
		ret = model_delta(m, &older, err);
		if (ret == -ESTALE)
			ret = stale_delta(m, &older, err);
		m->have_delta = !ret;
	}
	kdbt_snap_free(&older);
	if (!ret)
		ret = model_rebuild(m, err);
	return ret;
}

/* Room in m->cur for @n blocks, with some to spare for new ones. */
static int cur_reserve(struct top_model *m, __u32 n, struct kdbt_err *err)
{
	struct kdbt_snap_block *b;
	size_t cap = (size_t)n + n / 8 + 1024;

	if (n <= m->cur_cap)
		return 0;
	b = realloc(m->cur.blocks, cap * sizeof(*b));
	if (!b)
		return fail(err, -ENOMEM, "out of memory for the blocks");
	m->cur.blocks = b;
	m->cur_cap = cap;
	return 0;
}

/**
 * model_push_changes() - take in one read of /proc/kdbt/changes
 * @m: the model
 * @d: what the read sent (kdbt_changes_read_fd()); the model takes its
 *     contents and leaves @d zeroed.  A complete snapshot goes to
 *     model_push(); changes (KDBT_SNAP_DELTA) update the newest snapshot
 *     in place and are the delta's blocks: a refresh costs the blocks
 *     that changed, not every block
 * @err: the message on failure; may be NULL
 *
 * Return: as model_push(), or -EBADMSG for changes that do not fit the
 * snapshot the model has (then read a complete one: reopen the file).
 */
int model_push_changes(struct top_model *m, struct kdbt_snap *d,
		       struct kdbt_err *err)
{
	struct kdbt_snap o = { .hdr = m->cur.hdr }, nh = { .hdr = d->hdr };
	__u32 n;
	int ret;

	if (!(d->hdr.flags & KDBT_SNAP_DELTA))
		return model_push(m, d, err);
	n = kdbt_changes_fit(&m->cur, d);
	if (!n && (d->hdr.nblocks + m->cur.hdr.nblocks || !model_has_data(m))) {
		kdbt_snap_free(d);
		return fail(err, -EBADMSG,
			    "changes that do not fit the blocks read before");
	}
	ret = cur_reserve(m, n, err);
	if (ret) {
		kdbt_snap_free(d);
		return ret;
	}
	o.hdr.nblocks = 0;
	nh.hdr.nblocks = 0;
	nh.hdr.flags &= ~(KDBT_SNAP_DELTA | KDBT_SNAP_SHORT);
	nh.hdr.nshort = 0;
	m->event = TOP_EV_NONE;
	m->have_delta = false;
	ret = kdbt_snap_delta(&m->delta, &o, &nh, err);
	kdbt_changes_apply(&m->cur, d, n);
	if (ret == -ESTALE) {
		ret = stale_delta(m, &o, err);
	} else if (!ret) {
		m->delta.blocks = d->blocks;	/* what each block counted */
		m->delta.hdr.nblocks = d->hdr.nblocks;
		d->blocks = NULL;
	}
	kdbt_snap_free(d);
	m->have_delta = !ret;
	if (!ret)
		ret = model_rebuild(m, err);
	return ret;
}

/**
 * model_restart() - forget the snapshots: the next one is the first
 * @m: the model (its settings and rows stay until the next snapshot)
 */
void model_restart(struct top_model *m)
{
	kdbt_snap_free(&m->cur);
	kdbt_snap_free(&m->delta);
	m->cur_cap = 0;
	m->have_delta = false;
}

/**
 * model_set_syms() - use another symbol table
 * @m: the model
 * @st: the table (or NULL: no symbols); the caller keeps it alive until
 *      the next model_set_syms() or model_free()
 * @err: the message on failure; may be NULL
 *
 * Return: 0 or -ENOMEM.
 */
int model_set_syms(struct top_model *m, const struct kdbt_syms *st,
		   struct kdbt_err *err)
{
	m->syms = st;
	sym_of_forget(m);
	return model_rebuild(m, err);
}

/**
 * model_set_view() - rows per function or per block
 * @m: the model
 * @v: the view
 * @err: the message on failure; may be NULL
 *
 * Return: 0 or -ENOMEM.
 */
int model_set_view(struct top_model *m, enum top_view v, struct kdbt_err *err)
{
	m->view = v;
	return model_rebuild(m, err);
}

/**
 * model_set_cumulative() - counts since the reset, or the last interval
 * @m: the model
 * @on: true for the counts since the last reset
 * @err: the message on failure; may be NULL
 *
 * Return: 0 or -ENOMEM.
 */
int model_set_cumulative(struct top_model *m, bool on, struct kdbt_err *err)
{
	m->cumulative = on;
	return model_rebuild(m, err);
}

/**
 * model_set_sort() - sort the shown rows by another key
 * @m: the model
 * @key: the key
 */
void model_set_sort(struct top_model *m, enum top_sort key)
{
	m->sort = key < TOP_SORT_NR ? key : TOP_SORT_INSNS;
	model_select(m);
}

/**
 * model_set_filter() - show only rows whose symbol or module matches
 * @m: the model
 * @regex: an extended regular expression (case-insensitive); NULL or ""
 *         to show every row
 * @err: the message when @regex does not compile (the filter is then
 *       unchanged); may be NULL
 *
 * Return: 0 or -EINVAL.
 */
int model_set_filter(struct top_model *m, const char *regex,
		     struct kdbt_err *err)
{
	char msg[256];
	regex_t re;
	int rc;

	if (regex && regex[0]) {
		rc = regcomp(&re, regex, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc) {
			regerror(rc, &re, msg, sizeof(msg));
			if (err) {
				err->code = -EINVAL;
				snprintf(err->msg, sizeof(err->msg),
					 "filter '%s': %s", regex, msg);
			}
			return -EINVAL;
		}
	}
	if (m->has_re)
		regfree(&m->re);
	m->has_re = regex && regex[0];
	m->re_text[0] = '\0';
	if (m->has_re) {
		m->re = re;
		snprintf(m->re_text, sizeof(m->re_text), "%s", regex);
	}
	model_select(m);
	return 0;
}

/**
 * model_set_module() - show only the rows of one module
 * @m: the model
 * @module: "kernel", a module's name, "unknown"; NULL or "" for all
 */
void model_set_module(struct top_model *m, const char *module)
{
	snprintf(m->module, sizeof(m->module), "%s", module ? module : "");
	model_select(m);
}
