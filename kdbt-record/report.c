// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - kdbt-report's model: a recording's totals, its functions or
 * blocks filtered and sorted, and its time series.
 *
 * The counts of a block are summed over the intervals into one snapshot
 * (struct kdbt_snap, as /proc/kdbt gives it), so that libkdbt sums blocks
 * into functions and derives indirect branches and hits exactly as every
 * other kdbt tool does.  The totals are the kernel's own (the snapshot
 * headers' differences); what they hold beyond the recorded blocks (the
 * blocks of a cache flushed during the recording) is the
 * "[unattributed]" row, so that the rows always add up to the totals.
 * A function's calls are libkdbt's (the executions of its first block); a
 * block's are its executions if it starts its function, else 0
 * (kdbt_block_starts_func()), so the blocks' calls add up to their
 * functions'.
 *
 * Owns: the rows, their order, the filters, shares and the series.
 * Must never: print (report_out.c does), or read the file (data_read.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

static const char *const sort_names[] = SORT_NAMES;

_Static_assert(sizeof(sort_names) / sizeof(sort_names[0]) == SORT_NR,
	       "SORT_NAMES and enum sort_key disagree");

/**
 * sort_key_name() - the name of a sort key (-s)
 * @k: the key
 *
 * Return: "instructions", ...
 */
const char *sort_key_name(enum sort_key k)
{
	return k < SORT_NR ? sort_names[k] : "?";
}

/**
 * sort_key_parse() - a sort key by name
 * @name: "instructions", "executions", "calls", "indirect", "misses",
 *        "hitrate", "symbol" or "module"
 * @k: receives the key
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int sort_key_parse(const char *name, enum sort_key *k)
{
	unsigned int i;

	for (i = 0; i < SORT_NR; i++) {
		if (!strcmp(name, sort_names[i])) {
			*k = i;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * counts_metric() - the count a numeric key names
 * @c: the counts
 * @k: instructions, executions, indirect or misses (others: instructions)
 *
 * Return: that count.
 */
__u64 counts_metric(const struct kdbt_counts *c, enum sort_key k)
{
	switch (k) {
	case SORT_EXECUTIONS:
		return c->executions;
	case SORT_INDIRECT:
		return c->indirect;
	case SORT_MISSES:
		return c->misses;
	default:
		return c->instructions;
	}
}

/**
 * rate_text() - a hit rate as every view prints it ("99.98%" or "-")
 * @buf: where the text goes (KDBT_FMT_LEN bytes are enough)
 * @len: its size
 * @hits: the hits
 * @total: what they are out of
 */
void rate_text(char *buf, size_t len, __u64 hits, __u64 total)
{
	kdbt_fmt_rate(buf, len, hits, total);
}

/**
 * rate_value() - the hit rate rate_text() prints, as a number
 * @hits: the hits
 * @total: what they are out of
 *
 * Return: the percentage, rounded down to two decimals; -1 if @total is 0.
 */
double rate_value(__u64 hits, __u64 total)
{
	char buf[KDBT_FMT_LEN];

	if (!total)
		return -1;
	rate_text(buf, sizeof(buf), hits, total);
	return strtod(buf, NULL);
}

/* ------------------------------------------------------------------ */
/* Sums                                                               */
/* ------------------------------------------------------------------ */

/* Every block of the recording with its counts summed over intervals. */
static int aggregate(const struct kdbt_rec *rec, struct kdbt_snap *agg,
		     struct kdbt_err *err)
{
	const struct kdbt_data_block *t;
	const struct kdbt_data_rec *r;
	struct kdbt_snap_block *b;
	__u32 i, j;

	memset(agg, 0, sizeof(*agg));
	agg->hdr.flags = rec->info.snap_flags;
	agg->hdr.nblocks = rec->nblocks;
	agg->blocks = calloc(rec->nblocks ? rec->nblocks : 1, sizeof(*b));
	if (!agg->blocks)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < rec->nblocks; i++) {
		t = &rec->blocks[i];
		b = &agg->blocks[i];
		b->native = t->native;
		b->id = i;
		b->insns = t->insns;
		b->native_len = t->native_len;
		b->kind = t->kind;
		b->flags = t->flags;
	}
	for (i = 0; i < rec->nivls; i++) {
		for (j = 0; j < rec->ivls[i].h.nrecs; j++) {
			r = &rec->ivls[i].recs[j];
			agg->blocks[r->block].executions += r->executions;
			agg->blocks[r->block].misses += r->misses;
		}
	}
	return 0;
}

/**
 * report_block_executions() - every block's executions, summed over the
 * intervals (annotate.c and arcs.c count blocks of the recording)
 * @rec: the recording
 *
 * Return: rec->nblocks counts, by index in BLOCKS, to free(); NULL out of
 * memory.
 */
__u64 *report_block_executions(const struct kdbt_rec *rec)
{
	__u64 *e = calloc(rec->nblocks ? rec->nblocks : 1, sizeof(*e));
	const struct kdbt_data_rec *r;
	__u32 i, j;

	for (i = 0; e && i < rec->nivls; i++) {
		for (j = 0; j < rec->ivls[i].h.nrecs; j++) {
			r = &rec->ivls[i].recs[j];
			e[r->block] += r->executions;
		}
	}
	return e;
}

static void totals(const struct kdbt_rec *rec, const struct kdbt_snap *agg,
		   struct report_totals *t)
{
	struct kdbt_data_interval *k = &t->k;
	struct kdbt_counts blocks;
	__u32 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < rec->nivls; i++)
		kdbt_data_ivl_add(k, &rec->ivls[i].h);
	kdbt_snap_sum(agg, &blocks);
	if (k->instructions < blocks.instructions)
		k->instructions = blocks.instructions;
	t->unattributed = k->instructions - blocks.instructions;
	if (k->block_executions < blocks.executions)
		k->block_executions = blocks.executions;
	t->unattributed_executions = k->block_executions - blocks.executions;
	t->indirect = k->indirect_calls + k->indirect_jumps + k->returns;
	t->hits = t->indirect > k->jumptable_misses ?
		t->indirect - k->jumptable_misses : 0;
	t->duration_ns = rec->info.end_ns - rec->info.start_ns;
	t->samples = rec->nivls;
}

static int any(const struct kdbt_counts *c)
{
	return c->instructions || c->executions || c->misses;
}

/* ------------------------------------------------------------------ */
/* Rows                                                               */
/* ------------------------------------------------------------------ */

static int function_rows(struct report *rp, const struct kdbt_snap *agg,
			 struct kdbt_err *err)
{
	struct kdbt_func *funcs, *f;
	struct row *r;
	int done;
	size_t n;
	int ret;

	ret = kdbt_funcs_build(agg, &rp->rec->syms, &funcs, &n, err);
	if (ret)
		return ret;
	rp->rows = calloc(n + 1, sizeof(*rp->rows));
	if (!rp->rows) {
		free(funcs);
		return kdbt_fail(err, -ENOMEM, "out of memory");
	}
	for (f = funcs; f < funcs + n; f++) {
		if (!any(&f->c))
			continue;
		r = &rp->rows[rp->nrows];
		if (f->sym)
			r->name = strdup(f->sym->name);
		else if (asprintf(&r->name, "0x%llx",
				  (unsigned long long)f->start) < 0)
			r->name = NULL;
		if (!r->name)
			break;
		r->func = r->name;
		r->module = f->module;
		r->addr = f->start;
		r->c = f->c;
		r->calls = f->calls;
		r->blocks = f->blocks;
		rp->nrows++;
	}
	done = f == funcs + n;	/* (before the free: no dangling compare) */
	free(funcs);
	return done ? 0 : kdbt_fail(err, -ENOMEM, "out of memory");
}

/* Rows in address order; one native block's translations side by side. */
static int cmp_block_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->insns != y->insns)
		return x->insns < y->insns ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * One row per native block: kdbt.ko can list a block several times - a
 * translation made again after its text changed, and the private copies
 * that count edges (kdbt(4)) - which add up here.  Rows of the same
 * address, length and end are one block; r->blocks says how many lines.
 */
static void merge_block_rows(struct report *rp)
{
	size_t i, n = 0;

	qsort(rp->rows, rp->nrows, sizeof(*rp->rows), cmp_block_row);
	for (i = 0; i < rp->nrows; i++) {
		struct row *r = &rp->rows[i], *m = n ? &rp->rows[n - 1] : NULL;

		if (m && !cmp_block_row(m, r)) {
			m->c.instructions += r->c.instructions;
			m->c.executions += r->c.executions;
			m->c.indirect += r->c.indirect;
			m->c.misses += r->c.misses;
			m->c.hits += r->c.hits;
			m->calls += r->calls;
			m->blocks += r->blocks;
			free(r->name);
			continue;
		}
		rp->rows[n++] = *r;
	}
	/* Rows after the last stay zeroed, as calloc() left them. */
	memset(rp->rows + n, 0, (rp->nrows - n) * sizeof(*rp->rows));
	rp->nrows = n;
}

static int block_rows(struct report *rp, const struct kdbt_snap *agg,
		      struct kdbt_err *err)
{
	const struct kdbt_snap_block *b;
	const struct kdbt_sym *s;
	struct row *r;
	int n;

	rp->rows = calloc(agg->hdr.nblocks + 1, sizeof(*rp->rows));
	if (!rp->rows)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	kdbt_snap_for_each_block(agg, b) {
		r = &rp->rows[rp->nrows];
		kdbt_block_counts(agg, b, &r->c);
		if (!any(&r->c))
			continue;
		s = kdbt_syms_find(&rp->rec->syms, b->native);
		if (s)
			n = asprintf(&r->name, "%s+0x%llx", s->name,
				     (unsigned long long)(b->native - s->start));
		else
			n = asprintf(&r->name, "0x%llx",
				     (unsigned long long)b->native);
		if (n < 0) {
			r->name = NULL;
			return kdbt_fail(err, -ENOMEM, "out of memory");
		}
		r->func = s ? s->name : r->name;
		r->module = s ? s->module : "unknown";
		r->addr = b->native;
		r->calls = kdbt_block_starts_func(s, b->native) ?
			r->c.executions : 0;
		r->insns = b->insns;
		r->kind = b->kind;
		r->blocks = 1;
		rp->nrows++;
	}
	merge_block_rows(rp);
	return 0;
}

/* What no recorded block holds, as a row of its own (see the top). */
static int unattributed_row(struct report *rp, struct kdbt_err *err)
{
	struct row *r = &rp->rows[rp->nrows];

	if (!rp->t.unattributed && !rp->t.unattributed_executions)
		return 0;
	r->name = strdup("[unattributed]");
	if (!r->name)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	r->func = r->name;
	r->module = "kdbt";
	r->c.instructions = rp->t.unattributed;
	r->c.executions = rp->t.unattributed_executions;
	rp->nrows++;
	return 0;
}

/**
 * module_listed() - whether a --module list names a module
 * @list: "NAME[,NAME...]"
 * @module: the module's name
 *
 * Return: 1 if it does, else 0.
 */
int module_listed(const char *list, const char *module)
{
	size_t n = strlen(module);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, module, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

static int keep_row(const struct report_opts *o, const struct row *r)
{
	if (o->modules && !module_listed(o->modules, r->module))
		return 0;
	if (o->have_re && regexec(&o->symbol_re, r->func, 0, NULL, 0))
		return 0;
	return !(o->percent_limit > 0 && r->share < o->percent_limit);
}

static int cmp_u64_desc(__u64 a, __u64 b)
{
	return a > b ? -1 : a < b;
}

/* Lowest hit rate first; rows without indirect branches last. */
static int cmp_rate(const struct row *x, const struct row *y)
{
	unsigned __int128 a, b;

	if (!x->c.indirect || !y->c.indirect)
		return !x->c.indirect - !y->c.indirect;
	a = (unsigned __int128)x->c.hits * y->c.indirect;
	b = (unsigned __int128)y->c.hits * x->c.indirect;
	return a < b ? -1 : a > b;
}

static int cmp_key(const struct row *x, const struct row *y, enum sort_key k)
{
	switch (k) {
	case SORT_CALLS:
		return cmp_u64_desc(x->calls, y->calls);
	case SORT_HITRATE:
		return cmp_rate(x, y);
	case SORT_SYMBOL:
		return strcmp(x->name, y->name);
	case SORT_MODULE:
		return strcmp(x->module, y->module);
	default:
		return cmp_u64_desc(counts_metric(&x->c, k),
				    counts_metric(&y->c, k));
	}
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct report_opts *o = arg;
	const struct row *x = a, *y = b;
	int i, c;

	for (i = 0; i < o->nkeys; i++) {
		c = cmp_key(x, y, o->keys[i]);
		if (c)
			return c;
	}
	c = cmp_u64_desc(x->c.instructions, y->c.instructions);
	if (!c)
		c = strcmp(x->name, y->name);
	return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

/* Shares, filters, order and -n. */
static void select_rows(struct report *rp)
{
	const struct report_opts *o = rp->o;
	size_t i, n = 0;

	rp->nall = rp->nrows;
	for (i = 0; i < rp->nrows; i++) {
		rp->rows[i].share = rp->t.k.instructions ?
			100.0 * rp->rows[i].c.instructions /
			rp->t.k.instructions : 0;
		if (keep_row(o, &rp->rows[i]))
			rp->rows[n++] = rp->rows[i];
		else
			free(rp->rows[i].name);
	}
	rp->nrows = n;
	rp->nsel = n;
	qsort_r(rp->rows, n, sizeof(*rp->rows), cmp_rows, (void *)o);
	if (o->top > 0 && (size_t)o->top < n) {
		for (i = o->top; i < n; i++)
			free(rp->rows[i].name);
		rp->nrows = o->top;
	}
}

/* ------------------------------------------------------------------ */
/* The time series                                                    */
/* ------------------------------------------------------------------ */

/* The hottest function of interval @iv. */
static int interval_top(struct report *rp, const struct kdbt_rec_interval *iv,
			struct ivl_row *out, struct kdbt_err *err)
{
	struct kdbt_snap s = { .hdr.flags = rp->rec->info.snap_flags };
	struct kdbt_func *funcs, *f, *best = NULL;
	const struct kdbt_data_block *t;
	size_t n;
	__u32 i;
	int ret;

	s.hdr.nblocks = iv->h.nrecs;
	s.blocks = calloc(iv->h.nrecs ? iv->h.nrecs : 1, sizeof(*s.blocks));
	if (!s.blocks)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < iv->h.nrecs; i++) {
		t = &rp->rec->blocks[iv->recs[i].block];
		s.blocks[i] = (struct kdbt_snap_block){
			.native = t->native, .executions = iv->recs[i].executions,
			.misses = iv->recs[i].misses, .id = i,
			.insns = t->insns, .kind = t->kind,
		};
	}
	ret = kdbt_funcs_build(&s, &rp->rec->syms, &funcs, &n, err);
	free(s.blocks);
	if (ret)
		return ret;
	for (f = funcs; f < funcs + n; f++)
		if (!best || f->c.instructions > best->c.instructions)
			best = f;
	if (best && !best->c.instructions)
		best = NULL;
	if (best) {
		if (best->sym)
			out->top = strdup(best->sym->name);
		else if (asprintf(&out->top, "0x%llx",
				  (unsigned long long)best->start) < 0)
			out->top = NULL;
		out->top_module = best->module;
		out->top_instructions = best->c.instructions;
	}
	free(funcs);
	if (best && !out->top)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	return 0;
}

static int interval_rows(struct report *rp, struct kdbt_err *err)
{
	const struct kdbt_rec *rec = rp->rec;
	const struct kdbt_data_interval *h;
	struct ivl_row *v;
	__u32 i;
	int ret;

	rp->ivls = calloc(rec->nivls ? rec->nivls : 1, sizeof(*rp->ivls));
	if (!rp->ivls)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < rec->nivls; i++) {
		h = &rec->ivls[i].h;
		v = &rp->ivls[i];
		rp->nivls = i + 1;
		v->start_ns = h->start_ns > rec->info.start_ns ?
			h->start_ns - rec->info.start_ns : 0;
		v->len_ns = h->end_ns - h->start_ns;
		v->c.instructions = h->instructions;
		v->c.executions = h->block_executions;
		v->c.indirect = h->indirect_calls + h->indirect_jumps +
			h->returns;
		v->c.misses = h->jumptable_misses;
		v->c.hits = v->c.indirect > v->c.misses ?
			v->c.indirect - v->c.misses : 0;
		v->flags = h->flags;
		ret = interval_top(rp, &rec->ivls[i], v, err);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * report_build() - the model of one recording
 * @rp: receives it (report_free() it, whatever this returns)
 * @o: the options (o->top already the view's default if not given)
 * @rec: the recording; must outlive @rp
 * @file: its name
 * @err: the message on failure; may be NULL
 *
 * Return: 0, -ENODATA if the recording counted nothing, or -ENOMEM.
 */
int report_build(struct report *rp, const struct report_opts *o,
		 const struct kdbt_rec *rec, const char *file,
		 struct kdbt_err *err)
{
	struct kdbt_snap agg;
	int ret;

	memset(rp, 0, sizeof(*rp));
	rp->o = o;
	rp->rec = rec;
	rp->file = file;
	ret = aggregate(rec, &agg, err);
	if (ret)
		return ret;
	totals(rec, &agg, &rp->t);
	if (!rp->t.k.block_executions && !rp->t.k.jumptable_misses) {
		kdbt_snap_free(&agg);
		return kdbt_fail(err, -ENODATA,
				      "%s: empty recording: nothing was counted (were the counters off?)",
				      file);
	}
	ret = o->blocks ? block_rows(rp, &agg, err) :
		function_rows(rp, &agg, err);
	kdbt_snap_free(&agg);
	if (!ret)
		ret = unattributed_row(rp, err);
	if (!ret)
		select_rows(rp);
	if (!ret && o->intervals)
		ret = interval_rows(rp, err);
	return ret;
}

/**
 * report_free() - free a report's rows and series
 * @rp: the report
 */
void report_free(struct report *rp)
{
	size_t i;

	for (i = 0; i < rp->nrows; i++)
		free(rp->rows[i].name);
	free(rp->rows);
	for (i = 0; i < rp->nivls; i++)
		free(rp->ivls[i].top);
	free(rp->ivls);
	memset(rp, 0, sizeof(*rp));
}
