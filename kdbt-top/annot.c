// SPDX-License-Identifier: GPL-2.0
/*
 * annot.c - kdbt-top's annotated view of one function (annot.h).
 *
 * Each refresh makes a recording of one interval (struct kdbt_rec, as
 * kdbt-report reads from a file) that holds the function's blocks with
 * the counts kdbt-top shows (the last interval, or since the reset with
 * --cumulative or z: model_counts_snap()), the symbols, and the
 * function's code read from /proc/kcore (at most KDBT_DATA_CODE_MAX
 * bytes, as kdbt-record keeps), and hands it to kdbt-report's annotator
 * (annotate.c), whose printed listing it keeps, line by line.  So the
 * view shows what kdbt-report --annotate would of the same counts: each
 * instruction's executions, the first one's being the function's calls,
 * all of them adding up to its instructions.  Other symbols of the same
 * name are left out of that recording: the view is of this function.
 *
 * Owns: the recording of a refresh (freed before it returns), the text.
 * Must never: write to /proc/kcore or /proc/kdbt, or keep a pointer into
 * a symbol table past the refresh (the symbols are loaded again when a
 * module comes or goes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "annot.h"
#include "report.h"

/* The code bytes, the blocks and the symbols of a one-function recording. */
struct one_func {
	struct kdbt_rec rec;
	struct kdbt_rec_interval ivl;
	struct kdbt_rec_code code;
	__u8 *bytes;
};

static void set_why(struct top_annot *a, const char *fmt, const char *arg)
{
	snprintf(a->why, sizeof(a->why), fmt, a->name, arg);
}

static const char *kcore_path(const struct top *t)
{
	if (t->src.kcore)
		return t->src.kcore;
	return t->src.replay ? NULL : KDBT_KCORE_PATH;
}

/**
 * annot_find() - a function by name
 * @st: the symbols, or NULL
 * @name: its name
 * @module: its module ("kernel": the core kernel), or NULL for any
 *
 * Return: the first symbol of that name (in @module), or NULL.
 */
const struct kdbt_sym *annot_find(const struct kdbt_syms *st,
				  const char *name, const char *module)
{
	size_t i;

	for (i = 0; st && i < st->nsyms; i++)
		if (!strcmp(st->syms[i].name, name) &&
		    (!module || !strcmp(st->syms[i].module, module)))
			return &st->syms[i];
	return NULL;
}

/* The symbol followed: at its start still, else by name and module. */
static const struct kdbt_sym *annot_sym(struct top_annot *a,
					const struct kdbt_syms *st)
{
	const struct kdbt_sym *s = kdbt_syms_find(st, a->start);

	if (s && s->start == a->start && !strcmp(s->name, a->name))
		return s;
	s = annot_find(st, a->name, a->module);
	if (s)
		a->start = s->start;
	return s;
}

/* The symbols, without the others named as @sym (shallow copies). */
static int copy_syms(struct kdbt_syms *to, const struct kdbt_syms *st,
		     const struct kdbt_sym *sym)
{
	size_t i;

	to->syms = malloc((st->nsyms ? st->nsyms : 1) * sizeof(*to->syms));
	if (!to->syms)
		return -ENOMEM;
	for (i = 0; i < st->nsyms; i++)
		if (&st->syms[i] == sym || strcmp(st->syms[i].name, sym->name))
			to->syms[to->nsyms++] = st->syms[i];
	to->mods = st->mods;
	to->nmods = st->nmods;
	return 0;
}

static bool in_sym(const struct kdbt_sym *sym, __u64 addr)
{
	return addr >= sym->start && addr - sym->start < sym->size;
}

/*
 * The blocks of @sym in @cs, with their counts, as one interval, and the
 * copies that count the targets of its indirect branches (edge indirect,
 * edge_of in @sym: kdbt(4)), so the view shows its edges and targets.
 */
static int copy_blocks(struct one_func *of, const struct kdbt_snap *cs,
		       const struct kdbt_sym *sym)
{
	bool targets = kdbt_snap_block_has(cs->hdr.block_size, target);
	bool edges = kdbt_snap_block_has(cs->hdr.block_size, edge);
	const struct kdbt_snap_block *b;
	struct kdbt_data_rec *r;
	__u32 n = 0;

	of->rec.blocks = calloc(cs->hdr.nblocks + 1, sizeof(*of->rec.blocks));
	of->ivl.recs = calloc(cs->hdr.nblocks + 1, sizeof(*of->ivl.recs));
	if (!of->rec.blocks || !of->ivl.recs)
		return -ENOMEM;
	kdbt_snap_for_each_block(cs, b) {
		if (!b->native || (!in_sym(sym, b->native) &&
				   !(edges && in_sym(sym, b->edge_of))))
			continue;	/* neither its block nor a copy of a
					 * target of its indirect branches */
		of->rec.blocks[n] = kdbt_data_block_of(b, cs->hdr.flushes);
		r = &of->ivl.recs[n];
		r->block = n++;
		r->executions = b->executions;
		r->misses = b->misses;
	}
	of->rec.nblocks = n;
	of->rec.targets = targets;
	of->rec.edges = edges;
	of->ivl.h.nrecs = n;
	of->rec.ivls = &of->ivl;
	of->rec.nivls = 1;
	return 0;
}

/* The function's code, from kcore; 0 or -errno. */
static int read_code(struct one_func *of, const struct top_annot *a,
		     const struct kdbt_sym *sym)
{
	__u64 size = sym->size < KDBT_DATA_CODE_MAX ? sym->size :
		KDBT_DATA_CODE_MAX;
	int ret;

	of->bytes = malloc(size ? size : 1);
	if (!of->bytes)
		return -ENOMEM;
	ret = kcore_read(&a->k, sym->start, of->bytes, size);
	if (ret)
		return ret;
	of->code.start = sym->start;
	of->code.size = size;
	of->code.bytes = of->bytes;
	of->rec.code = &of->code;
	of->rec.ncode = 1;
	return 0;
}

static void free_one(struct one_func *of)
{
	free(of->rec.syms.syms);
	free(of->rec.blocks);
	free(of->ivl.recs);
	free(of->bytes);
}

/* Split the text into lines, and find the hottest instruction's. */
static int split_lines(struct top_annot *a)
{
	unsigned long long v, max = 0;
	char *p, *nl;
	size_t n = 0;

	for (p = a->text; p < a->text + a->size; p++)
		n += *p == '\n';
	a->lines = calloc(n + 1, sizeof(*a->lines));
	if (!a->lines)
		return -ENOMEM;
	for (p = a->text; p < a->text + a->size; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (*p != '#' && sscanf(p, "%llu", &v) == 1 && v > max) {
			max = v;
			a->hottest = a->nlines;
		}
		a->lines[a->nlines++] = p;
	}
	if (!max)
		a->hottest = a->nlines;
	return 0;
}

/* annotate.c on @of, printed into a->text. */
static void listing(struct top_annot *a, const struct top *t,
		    const struct one_func *of)
{
	struct report_opts o = { .annotate = a->name };
	struct kdbt_err err = { 0 };
	struct annotate *an = NULL;
	const char *src = t->src.replay ? "replay" : KDBT_SNAPSHOT_PATH;
	FILE *f;

	if (annotate_build(&an, &o, &of->rec, src, &err)) {
		snprintf(a->why, sizeof(a->why), "%s", err.msg);
		annotate_free(an);
		return;
	}
	f = open_memstream(&a->text, &a->size);
	if (f) {
		annotate_print(f, an);
		if (fclose(f))
			f = NULL;
	}
	annotate_free(an);
	if (!f || split_lines(a))
		set_why(a, "%s: out of memory%s", "");
}

/* The function's counts in the model's rows (one, or its blocks'). */
static void row_counts(struct top_annot *a, const struct top_model *m,
		       const struct kdbt_sym *sym)
{
	size_t i;

	a->insns = a->calls = 0;
	a->have_row = false;
	for (i = 0; i < m->nrows; i++) {
		if (m->rows[i].sym != sym)
			continue;
		a->insns += m->rows[i].c.instructions;
		a->calls += m->rows[i].calls;
		a->have_row = true;
	}
}

static void drop_text(struct top_annot *a)
{
	free(a->lines);
	free(a->text);
	a->lines = NULL;
	a->text = NULL;
	a->size = a->nlines = a->hottest = 0;
	a->why[0] = '\0';
}

/* Why the function cannot be annotated now, in a->why; 0 if it can. */
static int cannot(struct top_annot *a, const struct top *t,
		  const struct kdbt_sym *sym)
{
	if (a->kcore_ret == -ENOENT && !kcore_path(t))
		set_why(a, "Cannot annotate %s: replaying saved snapshots, no kernel's code to read (--kcore FILE names one)%s", "");
	else if (a->kcore_ret)
		set_why(a, "Cannot annotate %s: %s", a->kcore_msg);
	else if (!t->m.syms)
		set_why(a, "Cannot annotate %s: no symbols%s", "");
	else if (!sym)
		set_why(a, "%s is gone from the symbols (its module unloaded?)%s", "");
	else if (!model_counts_snap(&t->m))
		set_why(a, "%s: waiting for the first interval%s", "");
	else
		return 0;
	return 1;
}

/**
 * annot_update() - the listing of the counts kdbt-top shows now
 * @a: the view (annot_open())
 * @t: kdbt-top, after a refresh (or a change of z)
 *
 * Afterwards a->lines is the listing, or a->why says why there is none.
 */
void annot_update(struct top_annot *a, const struct top *t)
{
	struct one_func of = { 0 };
	const struct kdbt_sym *sym;
	int ret;

	drop_text(a);
	sym = t->m.syms ? annot_sym(a, t->m.syms) : NULL;
	if (cannot(a, t, sym))
		return;
	row_counts(a, &t->m, sym);
	ret = copy_syms(&of.rec.syms, t->m.syms, sym);
	if (!ret)
		ret = copy_blocks(&of, model_counts_snap(&t->m), sym);
	if (!ret)
		ret = read_code(&of, a, sym);
	if (ret == -ENOMEM)
		set_why(a, "%s: out of memory%s", "");
	else if (ret)
		snprintf(a->why, sizeof(a->why),
			 "Cannot read the code of %s at 0x%llx from %s: %s",
			 a->name, (unsigned long long)sym->start,
			 kcore_path(t), strerror(-ret));
	else
		listing(a, t, &of);
	free_one(&of);
}

/**
 * annot_open() - start following a function
 * @a: the view, zeroed or closed
 * @t: kdbt-top
 * @sym: the function (one of t->m.syms)
 *
 * Opens /proc/kcore (or --kcore FILE); if it cannot, every listing says
 * why instead (not root, a kernel in lockdown, a replay).
 */
void annot_open(struct top_annot *a, const struct top *t,
		const struct kdbt_sym *sym)
{
	struct kdbt_err err = { 0 };
	const char *path = kcore_path(t);

	memset(a, 0, sizeof(*a));
	a->open = true;
	a->k.fd = -1;
	snprintf(a->name, sizeof(a->name), "%s", sym->name);
	snprintf(a->module, sizeof(a->module), "%s", sym->module);
	a->start = sym->start;
	a->kcore_ret = path ? kcore_open(&a->k, path, &err) : -ENOENT;
	if (a->kcore_ret == -EACCES || a->kcore_ret == -EPERM)
		snprintf(a->kcore_msg, sizeof(a->kcore_msg),
			 "%s (needs root, and a kernel not in lockdown)",
			 err.msg);
	else if (a->kcore_ret)
		snprintf(a->kcore_msg, sizeof(a->kcore_msg), "%s", err.msg);
	if (a->kcore_ret)
		kcore_close(&a->k);
	annot_update(a, t);
}

/**
 * annot_title() - the line above the listing
 * @a: the view
 * @t: kdbt-top
 * @buf: where the text goes
 * @len: its size
 *
 * Return: @buf: the function, which counts, and its counts in the table.
 */
char *annot_title(const struct top_annot *a, const struct top *t, char *buf,
		  size_t len)
{
	const char *which = t->m.cumulative ? "since reset" : "last interval";

	if (a->have_row)
		snprintf(buf, len,
			 "Annotate %s [%s], %s: %llu instructions, %llu calls (q: back)",
			 a->name, a->module, which,
			 (unsigned long long)a->insns,
			 (unsigned long long)a->calls);
	else
		snprintf(buf, len, "Annotate %s [%s], %s: did not run (q: back)",
			 a->name, a->module, which);
	return buf;
}

/**
 * annot_close() - stop following; free the text, close kcore
 * @a: the view, opened or zeroed; annot_close() again is harmless
 */
void annot_close(struct top_annot *a)
{
	if (!a->open)
		return;
	drop_text(a);
	if (a->kcore_ret == 0)
		kcore_close(&a->k);
	a->open = false;
}
