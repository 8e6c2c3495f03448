// SPDX-License-Identifier: GPL-2.0
/*
 * arcs.c - kdbt-report --callers FUNC and --callees FUNC: the exact
 * direct-call arcs into or out of a function, as a table or as graphviz
 * (--format dot).
 *
 * kdbt.ko knows the target of the direct call that ends a block (struct
 * kdbt_snap_block.target, kind call), and the recording keeps it (BLOCKS,
 * kdbt-data(5)).  Every execution of such a block is one call of its
 * target, so the arc from the caller's function to the callee's start
 * counts the executions of the caller's blocks that end in a call of it,
 * summed over every interval: exact, as the counts are.  A function's
 * calls (the function table's column: the executions of its blocks that
 * start where it starts) minus its direct-call arcs are the entries no
 * direct call made: calls through pointers (and through the indirect
 * thunks, which kdbt translates as indirect calls), calls from native
 * code, jumps (tail calls included) - the [other] row.  A callee is the
 * target's symbol; a call into the middle of one shows its offset.
 *
 * A function is a symbol of the recording (several of the same name are
 * each shown; --module picks among them), as for --annotate.
 *
 * Owns: the arcs model (struct arcs) and its printing, table and dot.
 * Must never: print a name of the recording unescaped (text.c; in dot,
 * quoted as well), report arcs of a recording without targets (older
 * files: -ENODATA), or print anything before the model is complete.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* The other end of an arc: a caller's function or a callee's target. */
struct arc {
	const struct kdbt_sym *sym;	/* NULL: no symbol covers @addr */
	__u64 addr;		/* the caller's function start (or block's
				 * address without a symbol); the callee's
				 * target */
	__u64 count;		/* exact calls */
};

/* One function and its arcs. */
struct arcs_func {
	const struct kdbt_sym *sym;
	__u64 calls;		/* executions of its blocks at its start */
	__u64 direct;		/* the arcs' sum */
	struct arc *arcs;
	size_t narcs, cap;
};

struct arcs {
	const struct kdbt_rec *rec;
	int callees;		/* --callees, else --callers */
	struct arcs_func *funcs;
	size_t nfuncs;
};

/* Add @count calls to the arc of (@sym, @addr), a new one if none. */
static int add_arc(struct arcs_func *f, const struct kdbt_sym *sym,
		   __u64 addr, __u64 count)
{
	struct arc *a;
	size_t i;

	for (i = 0; i < f->narcs; i++) {
		if (f->arcs[i].sym == sym && f->arcs[i].addr == addr) {
			f->arcs[i].count += count;
			return 0;
		}
	}
	if (f->narcs == f->cap) {
		a = realloc(f->arcs, (f->cap ? 2 * f->cap : 8) * sizeof(*a));
		if (!a)
			return -ENOMEM;
		f->arcs = a;
		f->cap = f->cap ? 2 * f->cap : 8;
	}
	f->arcs[f->narcs++] = (struct arc){ sym, addr, count };
	return 0;
}

/* Block @b, executed @execs times: an arc of @f's, or one of its calls. */
static int add_block(const struct arcs *a, struct arcs_func *f,
		     const struct kdbt_data_block *b, __u64 execs)
{
	const struct kdbt_syms *st = &a->rec->syms;
	const struct kdbt_sym *s;

	if (b->native == f->sym->start)
		f->calls += execs;
	if (b->kind != KDBT_KIND_CALL || !b->target)
		return 0;
	if (a->callees) {
		if (kdbt_syms_find(st, b->native) != f->sym)
			return 0;
		f->direct += execs;
		return add_arc(f, kdbt_syms_find(st, b->target), b->target,
			       execs);
	}
	if (b->target != f->sym->start)
		return 0;
	f->direct += execs;
	s = kdbt_syms_find(st, b->native);
	return add_arc(f, s, s ? s->start : b->native, execs);
}

/* By count, most first; then by address. */
static int cmp_arc(const void *x, const void *y)
{
	const struct arc *p = x, *q = y;

	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return p->addr < q->addr ? -1 : p->addr > q->addr;
}

static int build_func(struct arcs *a, struct arcs_func *f,
		      const __u64 *execs)
{
	__u32 i;

	for (i = 0; i < a->rec->nblocks; i++)
		if (execs[i] && add_block(a, f, &a->rec->blocks[i], execs[i]))
			return -ENOMEM;
	if (f->narcs)
		qsort(f->arcs, f->narcs, sizeof(*f->arcs), cmp_arc);
	return 0;
}

/* The functions named @name (in the --module list, if any). */
static int find_funcs(struct arcs *a, const char *name,
		      const struct report_opts *o, const char *file,
		      struct kdbt_err *err)
{
	const struct kdbt_syms *st = &a->rec->syms;
	size_t i;

	a->funcs = calloc(st->nsyms ? st->nsyms : 1, sizeof(*a->funcs));
	if (!a->funcs)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < st->nsyms; i++) {
		if (strcmp(st->syms[i].name, name) ||
		    (o->modules && !module_listed(o->modules,
						  st->syms[i].module)))
			continue;
		a->funcs[a->nfuncs++].sym = &st->syms[i];
	}
	if (!a->nfuncs)
		return kdbt_fail(err, -ENOENT,
				 "%s: no function %s%s%s in the recording (it has the functions that ran, and their callees)",
				 file, name, o->modules ? " in " : "",
				 o->modules ? o->modules : "");
	return 0;
}

/**
 * arcs_build() - the model of kdbt-report --callers or --callees
 * @ap: receives it (arcs_free() it, whatever this returns)
 * @o: the options: o->callers or o->callees, o->modules
 * @rec: the recording; must outlive the model
 * @file: its name, for messages
 * @err: the message on failure; may be NULL
 *
 * Return: 0; -ENODATA if the recording has no call targets (older); -ENOENT
 * if it has no such function; -ENOMEM.
 */
int arcs_build(struct arcs **ap, const struct report_opts *o,
	       const struct kdbt_rec *rec, const char *file,
	       struct kdbt_err *err)
{
	const char *name = o->callees ? o->callees : o->callers;
	struct arcs *a;
	__u64 *execs;
	size_t i;
	int ret = 0;

	*ap = a = calloc(1, sizeof(*a));
	if (!a)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	a->rec = rec;
	a->callees = !!o->callees;
	if (!rec->targets)
		return kdbt_fail(err, -ENODATA,
				 "%s: no call targets (recorded by an older kdbt-record, or from an older kdbt.ko): no call arcs",
				 file);
	ret = find_funcs(a, name, o, file, err);
	if (ret)
		return ret;
	execs = report_block_executions(rec);
	if (!execs)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	for (i = 0; !ret && i < a->nfuncs; i++)
		ret = build_func(a, &a->funcs[i], execs);
	free(execs);
	return ret ? kdbt_fail(err, ret, "out of memory") : 0;
}

/* The other end's name: "sym [module]", "sym+0xoff [module]", "0xaddr". */
static void print_end(FILE *f, const struct arc *arc)
{
	if (!arc->sym) {
		fprintf(f, "0x%llx [unknown]", (unsigned long long)arc->addr);
		return;
	}
	kdbt_text_print(f, arc->sym->name, 0);
	if (arc->addr != arc->sym->start)
		fprintf(f, "+0x%llx",
			(unsigned long long)(arc->addr - arc->sym->start));
	fputs(" [", f);
	kdbt_text_print(f, arc->sym->module, 0);
	fputc(']', f);
}

/* @[other]: the calls no direct-call arc explains. */
static __u64 other_calls(const struct arcs_func *fn)
{
	return fn->calls > fn->direct ? fn->calls - fn->direct : 0;
}

static void print_row(FILE *f, __u64 count, __u64 total)
{
	fprintf(f, "%13" PRIu64 " %7.2f%%  ", (uint64_t)count,
		total ? 100.0 * count / total : 0.0);
}

static void print_func(FILE *f, const struct arcs *a,
		       const struct arcs_func *fn)
{
	__u64 total = a->callees ? fn->direct :
		(fn->calls > fn->direct ? fn->calls : fn->direct);
	size_t i;

	fprintf(f, "# %s of ", a->callees ? "callees" : "callers");
	kdbt_text_print(f, fn->sym->name, 0);
	fputs(" [", f);
	kdbt_text_print(f, fn->sym->module, 0);
	fprintf(f, "] at 0x%llx\n", (unsigned long long)fn->sym->start);
	fprintf(f, "# calls        : %" PRIu64 " (executions of its first block)\n",
		(uint64_t)fn->calls);
	fprintf(f, "# direct calls : %" PRIu64 " %s %zu function%s (exact)\n",
		(uint64_t)fn->direct, a->callees ? "to" : "from", fn->narcs,
		fn->narcs == 1 ? "" : "s");
	if (!a->callees && fn->direct > fn->calls)
		fprintf(f, "# note         : more direct calls than calls: it runs natively (no block at its start), or its text changed\n");
	fprintf(f, "#\n#        Calls    Share  %s\n",
		a->callees ? "Callee" : "Caller");
	for (i = 0; i < fn->narcs; i++) {
		print_row(f, fn->arcs[i].count, total);
		print_end(f, &fn->arcs[i]);
		fputc('\n', f);
	}
	if (a->callees)
		return;
	print_row(f, other_calls(fn), total);
	fputs("[other] (calls through pointers, from native code, jumps)\n",
	      f);
}

/**
 * arcs_print() - print the arcs as a table
 * @f: where to
 * @a: the model (arcs_build())
 */
void arcs_print(FILE *f, const struct arcs *a)
{
	size_t i;

	for (i = 0; i < a->nfuncs; i++) {
		if (i)
			fputc('\n', f);
		print_func(f, a, &a->funcs[i]);
	}
}

/* @s, escaped (text.c), inside a dot string: \ and " escaped again. */
static void dot_text(FILE *f, const char *s)
{
	char *e = kdbt_text_dup(s), *p;

	for (p = e; p && *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		fputc(*p, f);
	}
	if (!e)
		fputs("?", f);
	free(e);
}

/* The label of an arc's other end, as print_end() names it. */
static void dot_end_label(FILE *f, const struct arc *arc)
{
	if (!arc->sym) {
		fprintf(f, "0x%llx [unknown]", (unsigned long long)arc->addr);
		return;
	}
	dot_text(f, arc->sym->name);
	if (arc->addr != arc->sym->start)
		fprintf(f, "+0x%llx",
			(unsigned long long)(arc->addr - arc->sym->start));
	fputs("\\n[", f);
	dot_text(f, arc->sym->module);
	fputc(']', f);
}

/*
 * Function @i's nodes and edges: node "fI" is the function, "fI_J" the
 * other end of its arc J (J = narcs: [other]).
 */
static void dot_func(FILE *f, const struct arcs *a, size_t i)
{
	const struct arcs_func *fn = &a->funcs[i];
	size_t j;

	fprintf(f, "  f%zu [label=\"", i);
	dot_text(f, fn->sym->name);
	fputs("\\n[", f);
	dot_text(f, fn->sym->module);
	fprintf(f, "]\\n%" PRIu64 " calls\", style=bold];\n",
		(uint64_t)fn->calls);
	for (j = 0; j < fn->narcs; j++) {
		fprintf(f, "  f%zu_%zu [label=\"", i, j);
		dot_end_label(f, &fn->arcs[j]);
		fputs("\"];\n", f);
		if (a->callees)
			fprintf(f, "  f%zu -> f%zu_%zu", i, i, j);
		else
			fprintf(f, "  f%zu_%zu -> f%zu", i, j, i);
		fprintf(f, " [label=\"%" PRIu64 "\"];\n",
			(uint64_t)fn->arcs[j].count);
	}
	if (a->callees)
		return;
	fprintf(f, "  f%zu_%zu [label=\"[other]\", style=dashed];\n", i, j);
	fprintf(f, "  f%zu_%zu -> f%zu [label=\"%" PRIu64 "\", style=dashed];\n",
		i, j, i, (uint64_t)other_calls(fn));
}

/**
 * arcs_dot() - print the arcs as a graphviz digraph (--format dot): a
 * node per function and per other end, an edge per arc labelled with its
 * calls; --callers adds a dashed [other] node
 * @f: where to
 * @a: the model (arcs_build())
 */
void arcs_dot(FILE *f, const struct arcs *a)
{
	size_t i;

	fprintf(f, "digraph \"kdbt %s\" {\n", a->callees ? "callees" : "callers");
	fputs("  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
	      f);
	for (i = 0; i < a->nfuncs; i++)
		dot_func(f, a, i);
	fputs("}\n", f);
}

/**
 * arcs_free() - free the model
 * @a: as arcs_build() left it; may be NULL
 */
void arcs_free(struct arcs *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->nfuncs; i++)
		free(a->funcs[i].arcs);
	free(a->funcs);
	free(a);
}
