// SPDX-License-Identifier: GPL-2.0
/*
 * arcs.c - kdbt-report --callers FUNC, --callees FUNC and --arcs: the
 * exact direct-call and tail-call arcs into or out of a function, or of
 * the whole recording, as a table, as graphviz (--format dot) or as
 * folded "caller;callee count" lines (--format folded).
 *
 * kdbt.ko knows the target of the direct call or jmp that ends a block
 * (struct kdbt_snap_block.target, kinds call and jmp), and the recording
 * keeps it (BLOCKS, kdbt-data(5)).  Every execution of a call block is
 * one call of its target; every execution of a jmp block whose target is
 * the first byte of another symbol (not its own function's: that is a
 * loop) is one tail call of it.  An arc from the caller's function to
 * the callee's start counts the executions of the caller's blocks that
 * end in such a call or jmp, summed over every interval and over every
 * line of a block (its copies, kdbt(4)): exact, as the counts are.  A
 * function's calls (the function table's column: the executions of its
 * blocks that start where it starts) minus its arcs are the entries no
 * direct call or tail call made: calls through pointers (and through the
 * indirect thunks, which kdbt translates as indirect calls), calls from
 * native code, its own jumps to its start - the [other] row.  A callee
 * is the target's symbol; a call into the middle of one shows its offset.
 *
 * A function is a symbol of the recording (several of the same name are
 * each shown; --module picks among them), as for --annotate.
 *
 * Owns: the arcs model (struct arcs) and its printing: table, dot,
 * folded.
 * Must never: print a name of the recording unescaped (text.c; in dot,
 * quoted as well), report arcs of a recording without targets (older
 * files: -ENODATA), or print anything before the model is complete.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* How a block ends, for the arcs. */
enum arc_kind {
	ARC_NONE,		/* in no arc */
	ARC_CALL,		/* a direct call */
	ARC_TAIL,		/* a jmp to another function's first byte */
	ARC_POINTER,		/* a call or jmp through a pointer to a
				 * function's first byte, counted by a slot
				 * of its site's value profile */
};

/* The other end of an arc: a caller's function or a callee's target. */
struct arc {
	const struct kdbt_sym *sym;	/* NULL: no symbol covers @addr */
	__u64 addr;		/* the caller's function start (or block's
				 * address without a symbol); the callee's
				 * target */
	__u64 count;		/* exact calls */
	enum arc_kind kind;	/* ARC_CALL, ARC_TAIL or ARC_POINTER */
};

/* One function and its arcs. */
struct arcs_func {
	const struct kdbt_sym *sym;
	__u64 calls;		/* executions of its blocks at its start */
	__u64 direct;		/* the direct-call arcs' sum */
	__u64 tail;		/* the tail-call arcs' sum */
	__u64 pointer;		/* the arcs through pointers' sum */
	struct arc *arcs;
	size_t narcs, cap;
};

/* --arcs: one arc of the recording. */
struct edge {
	const struct kdbt_sym *from, *to;	/* NULL: no symbol */
	__u64 from_addr, to_addr;	/* as struct arc's addr */
	__u64 count;
	enum arc_kind kind;
};

struct arcs {
	const struct kdbt_rec *rec;
	int callees;		/* --callees, else --callers */
	int all;		/* --arcs: @edges, not @funcs */
	struct arcs_func *funcs;
	size_t nfuncs;
	struct edge *edges;
	size_t nedges;
};

/*
 * Whether block @b ends in a direct call (of any target) or a tail call
 * (a jmp to the first byte of a symbol other than the one @b is in), or
 * is a slot's copy of a function's first byte, reached through a pointer
 * from the indirect call or jmp that ends block edge_of (kdbt(4)); and
 * the arc's ends: @from, the address of the block that calls, @to, the
 * callee's.
 */
static enum arc_kind arc_kind(const struct kdbt_syms *st,
			      const struct kdbt_data_block *b, __u64 *from,
			      __u64 *to)
{
	const struct kdbt_sym *t;

	*from = b->native;
	*to = b->target;
	if (b->edge == KDBT_EDGE_INDIRECT && b->edge_of) {
		t = kdbt_syms_find(st, b->native);
		if (!t || t->start != b->native)
			return ARC_NONE;	/* a jump table's case */
		*from = b->edge_of;
		*to = b->native;
		return ARC_POINTER;
	}
	if (!b->target)
		return ARC_NONE;
	if (b->kind == KDBT_KIND_CALL)
		return ARC_CALL;
	if (b->kind != KDBT_KIND_JMP)
		return ARC_NONE;
	t = kdbt_syms_find(st, b->target);
	if (!t || t->start != b->target || t == kdbt_syms_find(st, b->native))
		return ARC_NONE;
	return ARC_TAIL;
}

/* Add @count calls to the arc of (@sym, @addr, @kind), a new one if none. */
static int add_arc(struct arcs_func *f, const struct kdbt_sym *sym,
		   __u64 addr, enum arc_kind kind, __u64 count)
{
	struct arc *a;
	size_t i;

	if (kind == ARC_TAIL)
		f->tail += count;
	else if (kind == ARC_POINTER)
		f->pointer += count;
	else
		f->direct += count;
	for (i = 0; i < f->narcs; i++) {
		a = &f->arcs[i];
		if (a->sym == sym && a->addr == addr && a->kind == kind) {
			a->count += count;
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
	f->arcs[f->narcs++] = (struct arc){ sym, addr, count, kind };
	return 0;
}

/* Block @b, executed @execs times: an arc of @f's, or one of its calls. */
static int add_block(const struct arcs *a, struct arcs_func *f,
		     const struct kdbt_data_block *b, __u64 execs)
{
	const struct kdbt_syms *st = &a->rec->syms;
	const struct kdbt_sym *s;
	enum arc_kind kind;
	__u64 from, to;

	kind = arc_kind(st, b, &from, &to);
	if (b->native == f->sym->start)
		f->calls += execs;
	if (kind == ARC_NONE)
		return 0;
	if (a->callees) {
		if (kdbt_syms_find(st, from) != f->sym)
			return 0;
		return add_arc(f, kdbt_syms_find(st, to), to, kind, execs);
	}
	if (to != f->sym->start)
		return 0;
	s = kdbt_syms_find(st, from);
	return add_arc(f, s, s ? s->start : from, kind, execs);
}

/* By count, most first; then by address, calls before tail calls. */
static int cmp_arc(const void *x, const void *y)
{
	const struct arc *p = x, *q = y;

	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	if (p->addr != q->addr)
		return p->addr < q->addr ? -1 : 1;
	return (int)p->kind - (int)q->kind;
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

/* By caller, callee and kind: equal arcs side by side. */
static int cmp_edge_key(const void *x, const void *y)
{
	const struct edge *p = x, *q = y;

	if (p->from_addr != q->from_addr)
		return p->from_addr < q->from_addr ? -1 : 1;
	if (p->to_addr != q->to_addr)
		return p->to_addr < q->to_addr ? -1 : 1;
	return (int)p->kind - (int)q->kind;
}

/* By count, most first; then as cmp_edge_key(). */
static int cmp_edge(const void *x, const void *y)
{
	const struct edge *p = x, *q = y;

	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return cmp_edge_key(x, y);
}

/* --arcs: an edge per block line in an arc, then equal ones merged. */
static int build_all(struct arcs *a, const __u64 *execs)
{
	const struct kdbt_syms *st = &a->rec->syms;
	const struct kdbt_data_block *b;
	struct edge *e;
	enum arc_kind kind;
	__u64 from, to;
	size_t i, n = 0;

	a->edges = calloc(a->rec->nblocks ? a->rec->nblocks : 1,
			  sizeof(*a->edges));
	if (!a->edges)
		return -ENOMEM;
	for (i = 0; i < a->rec->nblocks; i++) {
		b = &a->rec->blocks[i];
		kind = execs[i] ? arc_kind(st, b, &from, &to) : ARC_NONE;
		if (kind == ARC_NONE)
			continue;
		e = &a->edges[n++];
		e->from = kdbt_syms_find(st, from);
		e->from_addr = e->from ? e->from->start : from;
		e->to = kdbt_syms_find(st, to);
		e->to_addr = to;
		e->count = execs[i];
		e->kind = kind;
	}
	qsort(a->edges, n, sizeof(*a->edges), cmp_edge_key);
	for (i = 0; i < n; i++) {
		if (a->nedges && !cmp_edge_key(&a->edges[a->nedges - 1],
					       &a->edges[i]))
			a->edges[a->nedges - 1].count += a->edges[i].count;
		else
			a->edges[a->nedges++] = a->edges[i];
	}
	qsort(a->edges, a->nedges, sizeof(*a->edges), cmp_edge);
	return 0;
}

/**
 * arcs_build() - the model of kdbt-report --callers, --callees or --arcs
 * @ap: receives it (arcs_free() it, whatever this returns)
 * @o: the options: o->callers, o->callees or o->arcs, o->modules
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
	a->all = !name;
	if (!rec->targets)
		return kdbt_fail(err, -ENODATA,
				 "%s: no call targets (recorded by an older kdbt-record, or from an older kdbt.ko): no call arcs",
				 file);
	ret = a->all ? 0 : find_funcs(a, name, o, file, err);
	if (ret)
		return ret;
	execs = report_block_executions(rec);
	if (!execs)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	if (a->all)
		ret = build_all(a, execs);
	for (i = 0; !ret && i < a->nfuncs; i++)
		ret = build_func(a, &a->funcs[i], execs);
	free(execs);
	return ret ? kdbt_fail(err, ret, "out of memory") : 0;
}

/* A symbol's name and module: "sym [module]". */
static void print_sym(FILE *f, const struct kdbt_sym *sym)
{
	kdbt_text_print(f, sym->name, 0);
	fputs(" [", f);
	kdbt_text_print(f, sym->module, 0);
	fputc(']', f);
}

/* An end's name: "sym [module]", "sym+0xoff [module]", "0xaddr [unknown]". */
static void print_end(FILE *f, const struct kdbt_sym *sym, __u64 addr)
{
	if (!sym) {
		fprintf(f, "0x%llx [unknown]", (unsigned long long)addr);
		return;
	}
	kdbt_text_print(f, sym->name, 0);
	if (addr != sym->start)
		fprintf(f, "+0x%llx", (unsigned long long)(addr - sym->start));
	fputs(" [", f);
	kdbt_text_print(f, sym->module, 0);
	fputc(']', f);
}

/* [other]: the calls no arc explains. */
static __u64 other_calls(const struct arcs_func *fn)
{
	__u64 arcs = fn->direct + fn->tail + fn->pointer;

	return fn->calls > arcs ? fn->calls - arcs : 0;
}

/* What follows a callee's name: how the arc reaches it. */
static const char *arc_suffix(enum arc_kind kind)
{
	return kind == ARC_TAIL ? " (tail call)" :
	       kind == ARC_POINTER ? " (through a pointer)" : "";
}

/* How many of @fn's arcs are of @kind. */
static size_t count_arcs(const struct arcs_func *fn, enum arc_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < fn->narcs; i++)
		n += fn->arcs[i].kind == kind;
	return n;
}

static void print_row(FILE *f, __u64 count, __u64 total)
{
	fprintf(f, "%13" PRIu64 " %7.2f%%  ", (uint64_t)count,
		total ? 100.0 * count / total : 0.0);
}

/* "# direct calls : N from K functions (exact)", or of tail calls. */
static void print_sum(FILE *f, const struct arcs *a,
		      const struct arcs_func *fn, enum arc_kind kind)
{
	size_t n = count_arcs(fn, kind);

	fprintf(f, "# %s : %" PRIu64 " %s %zu function%s (exact)\n",
		kind == ARC_TAIL ? "tail calls  " :
		kind == ARC_POINTER ? "via pointers" : "direct calls",
		(uint64_t)(kind == ARC_TAIL ? fn->tail :
			   kind == ARC_POINTER ? fn->pointer : fn->direct),
		a->callees ? "to" : "from", n, n == 1 ? "" : "s");
}

static void print_func(FILE *f, const struct arcs *a,
		       const struct arcs_func *fn)
{
	__u64 arcs = fn->direct + fn->tail + fn->pointer;
	__u64 total = a->callees || arcs > fn->calls ? arcs : fn->calls;
	size_t i;

	fprintf(f, "# %s of ", a->callees ? "callees" : "callers");
	print_sym(f, fn->sym);
	fprintf(f, " at 0x%llx\n", (unsigned long long)fn->sym->start);
	fprintf(f, "# calls        : %" PRIu64 " (executions of its first block)\n",
		(uint64_t)fn->calls);
	print_sum(f, a, fn, ARC_CALL);
	print_sum(f, a, fn, ARC_TAIL);
	if (a->rec->edges)
		print_sum(f, a, fn, ARC_POINTER);
	if (!a->callees && arcs > fn->calls)
		fprintf(f, "# note         : more calls by arcs than calls: it runs natively (no block at its start), or its text changed\n");
	fprintf(f, "#\n#        Calls    Share  %s\n",
		a->callees ? "Callee" : "Caller");
	for (i = 0; i < fn->narcs; i++) {
		print_row(f, fn->arcs[i].count, total);
		print_end(f, fn->arcs[i].sym, fn->arcs[i].addr);
		fputs(arc_suffix(fn->arcs[i].kind), f);
		fputc('\n', f);
	}
	if (a->callees)
		return;
	print_row(f, other_calls(fn), total);
	fputs(a->rec->edges ?
	      "[other] (through pointers no slot held, from native code, its own jumps to its start)\n" :
	      "[other] (calls through pointers, from native code, its own jumps to its start)\n",
	      f);
}

/**
 * arcs_print() - print the arcs as a table (--callers, --callees)
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

/* One folded line: "caller;callee count", " (tail call)" on the callee. */
static void folded_line(FILE *f, const struct kdbt_sym *from, __u64 from_addr,
			const struct kdbt_sym *to, __u64 to_addr,
			enum arc_kind kind, __u64 count)
{
	print_end(f, from, from_addr);
	fputc(';', f);
	print_end(f, to, to_addr);
	fprintf(f, "%s %" PRIu64 "\n", arc_suffix(kind), (uint64_t)count);
}

static void folded_func(FILE *f, const struct arcs *a,
			const struct arcs_func *fn)
{
	const struct kdbt_sym *s = fn->sym;
	const struct arc *arc;
	size_t i;

	for (i = 0; i < fn->narcs; i++) {
		arc = &fn->arcs[i];
		if (a->callees)
			folded_line(f, s, s->start, arc->sym, arc->addr,
				    arc->kind, arc->count);
		else
			folded_line(f, arc->sym, arc->addr, s, s->start,
				    arc->kind, arc->count);
	}
	if (a->callees || !other_calls(fn))
		return;
	fputs("[other];", f);
	print_sym(f, s);
	fprintf(f, " %" PRIu64 "\n", (uint64_t)other_calls(fn));
}

/**
 * arcs_folded() - print the arcs as folded stacks (--format folded):
 * "caller [module];callee [module] count" per arc (a tail call's callee
 * followed by " (tail call)"), most first; --callers adds
 * "[other];FUNC [module] count" if not 0, so its lines add up to its calls
 * @f: where to
 * @a: the model (arcs_build())
 */
void arcs_folded(FILE *f, const struct arcs *a)
{
	const struct edge *e;
	size_t i;

	for (i = 0; i < a->nfuncs; i++)
		folded_func(f, a, &a->funcs[i]);
	for (i = 0; i < a->nedges; i++) {
		e = &a->edges[i];
		folded_line(f, e->from, e->from_addr, e->to, e->to_addr,
			    e->kind, e->count);
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
 * other end of its arc J (J = narcs: [other]).  A tail call's edge is
 * dashed and its label says so; [other]'s box and edge are dotted.
 */
static void dot_func(FILE *f, const struct arcs *a, size_t i)
{
	const struct arcs_func *fn = &a->funcs[i];
	const struct arc *arc;
	size_t j;

	fprintf(f, "  f%zu [label=\"", i);
	dot_text(f, fn->sym->name);
	fputs("\\n[", f);
	dot_text(f, fn->sym->module);
	fprintf(f, "]\\n%" PRIu64 " calls\", style=bold];\n",
		(uint64_t)fn->calls);
	for (j = 0; j < fn->narcs; j++) {
		arc = &fn->arcs[j];
		fprintf(f, "  f%zu_%zu [label=\"", i, j);
		dot_end_label(f, arc);
		fputs("\"];\n", f);
		if (a->callees)
			fprintf(f, "  f%zu -> f%zu_%zu", i, i, j);
		else
			fprintf(f, "  f%zu_%zu -> f%zu", i, j, i);
		if (arc->kind == ARC_TAIL)
			fprintf(f, " [label=\"%" PRIu64 " (tail call)\", style=dashed];\n",
				(uint64_t)arc->count);
		else if (arc->kind == ARC_POINTER)
			fprintf(f, " [label=\"%" PRIu64 " (pointer)\", color=blue];\n",
				(uint64_t)arc->count);
		else
			fprintf(f, " [label=\"%" PRIu64 "\"];\n",
				(uint64_t)arc->count);
	}
	if (a->callees)
		return;
	fprintf(f, "  f%zu_%zu [label=\"[other]\", style=dotted];\n", i, j);
	fprintf(f, "  f%zu_%zu -> f%zu [label=\"%" PRIu64 "\", style=dotted];\n",
		i, j, i, (uint64_t)other_calls(fn));
}

/**
 * arcs_dot() - print the arcs as a graphviz digraph (--format dot): a
 * node per function and per other end, an edge per arc labelled with its
 * calls (a tail call's dashed); --callers adds a dotted [other] node
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
	free(a->edges);
	free(a);
}
