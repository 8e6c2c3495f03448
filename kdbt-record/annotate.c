// SPDX-License-Identifier: GPL-2.0
/*
 * annotate.c - kdbt-report --annotate FUNC: every instruction of a
 * function with its exact count, disassembled, as perf annotate shows a
 * function with its samples.
 *
 * A function is a symbol of the recording (several of the same name are
 * each annotated; --module picks among them).  Its blocks are those the
 * function table gives it: the blocks whose first byte is in its symbol
 * (libkdbt's kdbt_funcs_build()).  Each block's executions are summed
 * over every interval, as the table sums them, and each of its insns
 * instructions, decoded from the recorded code (CODE, kdbt-data(5)) from
 * the block's first byte, counts them once.  So the counts of the
 * listed instructions add up to the function's instructions in the
 * table; what a block runs past the end of the recorded code is counted
 * apart and said.  The listing walks the code from the start, an
 * instruction at a time, and restarts at every address where a block
 * has an instruction, so each counted instruction is a line.  The
 * disassembly is Zydis's AT&T syntax, objdump's and perf annotate's
 * default, with the runtime address (branch targets are absolute).
 *
 * The edges of each jcc (a recording with KDBT_REC_EDGES, kdbt-data(5)):
 * a block that ends in a jcc and was derived (kdbt(4)) counted nothing
 * itself; its executions are those of its two edge copies, the recorded
 * blocks whose edge_of is its first byte.  Summed over every interval, as
 * the counts are, the taken copies' executions are how often the jcc was
 * taken and the fall copies' how often it fell through, exactly; they
 * add up to the jcc's count unless some of its blocks were not derived
 * (they counted themselves: no edge known), which the line says ("N+?").
 *
 * The targets of each indirect call or jmp (its value profile, kdbt(4)):
 * the recorded blocks whose edge is "indirect" and whose edge_of is the
 * first byte of a block ending in it are copies of its targets, each
 * counting the site's executions that went there; summed per target over
 * every interval and every block that ends in that instruction, the
 * rest of its count is "other" (targets beyond a block's four slots).
 *
 * Owns: the annotation model (struct annotate) and its printing.
 * Must never: decode past the recorded bytes (a recording may be
 * damaged or crafted), print a name of the recording unescaped
 * (text.c), or print anything before the model is complete.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <Zydis/Zydis.h>
#include "report.h"

/* Executions of one target of the indirect branch at offset @off. */
struct annot_target {
	__u64 off, target, count;
};

/* One annotated function. */
struct annot_func {
	const struct kdbt_sym *sym;
	const struct kdbt_rec_code *code;
	__u64 *count;		/* by offset: executions of the instruction
				 * that starts there */
	__u8 *starts;		/* by offset: a block's instruction starts */
	__u8 *jcc;		/* by offset: a jcc that ends a block */
	__u64 *taken;		/* by offset of a jcc: its taken copies' */
	__u64 *fall;		/* ... and its fall-through copies' */
	__u64 *own;		/* ... executions of its blocks not derived */
	__u32 *jcc_of;		/* by offset of a derived jcc block's start:
				 * its jcc's offset + 1; 0: none */
	__u32 *site_of;		/* by offset of an indirect call or jmp
				 * block's start: that branch's offset + 1 */
	struct annot_target *targets;	/* the value profiles' rows */
	size_t ntargets, cap_targets;
	__u64 instructions;	/* of its blocks: its row in the table */
	__u64 outside;		/* of those, past the recorded code */
	__u32 blocks;		/* blocks that counted */
	__u32 misfits;		/* blocks not decoding to their length */
	__u32 listed;		/* lines the listing has */
};

struct annotate {
	const struct kdbt_rec *rec;
	struct annot_func *funcs;
	size_t nfuncs;
	ZydisDecoder dec;
	ZydisFormatter fmt;
};

static int init_zydis(struct annotate *an)
{
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&an->dec, ZYDIS_MACHINE_MODE_LONG_64,
					   ZYDIS_STACK_WIDTH_64)) ||
	    !ZYAN_SUCCESS(ZydisFormatterInit(&an->fmt,
					     ZYDIS_FORMATTER_STYLE_ATT)) ||
	    !ZYAN_SUCCESS(ZydisFormatterSetProperty(&an->fmt,
					ZYDIS_FORMATTER_PROP_HEX_UPPERCASE,
					ZYAN_FALSE)))
		return -EINVAL;
	return 0;
}

/* The length of the instruction at @off of @c's code; 0: undecodable. */
static unsigned int insn_len(const struct annotate *an,
			     const struct kdbt_rec_code *c, __u64 off)
{
	ZydisDecodedInstruction insn;

	if (off >= c->size ||
	    !ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&an->dec, NULL,
							c->bytes + off,
							c->size - off, &insn)))
		return 0;
	return insn.length;
}

/* Count block @b, executed @execs times, in function @f. */
static void add_block(const struct annotate *an, struct annot_func *f,
		      const struct kdbt_data_block *b, __u64 execs)
{
	__u64 start = b->native - f->sym->start, off = start, last = start;
	unsigned int k, len = 0;

	f->instructions += execs * b->insns;
	f->blocks++;
	for (k = 0; k < b->insns; k++, off += len) {
		len = insn_len(an, f->code, off);
		if (!len) {
			f->outside += execs * (b->insns - k);
			f->misfits++;
			return;
		}
		f->count[off] += execs;
		f->starts[off] = 1;
		last = off;
	}
	if (off != start + b->native_len) {
		f->misfits++;
		return;
	}
	if ((b->kind == KDBT_KIND_CALL_IND || b->kind == KDBT_KIND_JMP_IND) &&
	    b->insns)
		f->site_of[start] = (__u32)last + 1;
	if (b->kind != KDBT_KIND_JCC || !b->insns)
		return;
	f->jcc[last] = 1;
	if (an->rec->edges && (b->flags & KDBT_BLOCK_DERIVED))
		f->jcc_of[start] = (__u32)last + 1;
	else
		f->own[last] += execs;
}

/* @execs more executions of the site at @off that went to @target. */
static int add_target(struct annot_func *f, __u64 off, __u64 target,
		      __u64 execs)
{
	struct annot_target *t;
	size_t i;

	for (i = 0; i < f->ntargets; i++)
		if (f->targets[i].off == off && f->targets[i].target == target) {
			f->targets[i].count += execs;
			return 0;
		}
	if (f->ntargets == f->cap_targets) {
		size_t cap = f->cap_targets ? 2 * f->cap_targets : 16;

		t = realloc(f->targets, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		f->targets = t;
		f->cap_targets = cap;
	}
	f->targets[f->ntargets++] = (struct annot_target){ off, target, execs };
	return 0;
}

/*
 * Count edge copy @b, executed @execs times, at its derived block's jcc
 * or, a slot's copy, at its site's indirect branch.
 */
static int add_edge(struct annot_func *f, const struct kdbt_data_block *b,
		    __u64 execs)
{
	__u64 off = b->edge_of - f->sym->start;
	__u32 j;

	if (b->edge_of < f->sym->start || off >= f->code->size)
		return 0;
	if (b->edge == KDBT_EDGE_INDIRECT) {
		j = f->site_of[off];
		return j ? add_target(f, j - 1, b->native, execs) : 0;
	}
	j = f->jcc_of[off];
	if (!j)
		return 0;	/* not a derived jcc block that fit */
	if (b->edge == KDBT_EDGE_TAKEN)
		f->taken[j - 1] += execs;
	else if (b->edge == KDBT_EDGE_FALL)
		f->fall[j - 1] += execs;
	return 0;
}

/* The lines of @f's listing (see the top): one per instruction start. */
static unsigned int next_line(const struct annotate *an,
			      const struct annot_func *f, __u64 off)
{
	unsigned int len = insn_len(an, f->code, off), i;

	if (!len)
		len = 1;
	for (i = 1; i < len && off + i < f->code->size; i++)
		if (f->starts[off + i])
			return i;
	return len;
}

/* Sites in order, each one's most frequent target first. */
static int by_count(const void *a, const void *b)
{
	const struct annot_target *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->target < y->target ? -1 : x->target > y->target;
}

static int build_func(struct annotate *an, struct annot_func *f,
		      const __u64 *execs)
{
	const struct kdbt_rec *rec = an->rec;
	const struct kdbt_data_block *b;
	__u64 off;
	__u32 i;

	f->count = calloc(f->code->size, sizeof(*f->count));
	f->starts = calloc(f->code->size, 1);
	f->jcc = calloc(f->code->size, 1);
	f->taken = calloc(f->code->size, sizeof(*f->taken));
	f->fall = calloc(f->code->size, sizeof(*f->fall));
	f->own = calloc(f->code->size, sizeof(*f->own));
	f->jcc_of = calloc(f->code->size, sizeof(*f->jcc_of));
	f->site_of = calloc(f->code->size, sizeof(*f->site_of));
	if (!f->count || !f->starts || !f->jcc || !f->taken || !f->fall ||
	    !f->own || !f->jcc_of || !f->site_of)
		return -ENOMEM;
	for (i = 0; i < rec->nblocks; i++) {
		b = &rec->blocks[i];
		if (kdbt_syms_find(&rec->syms, b->native) == f->sym)
			add_block(an, f, b, execs[i]);
	}
	for (i = 0; rec->edges && i < rec->nblocks; i++)
		if (rec->blocks[i].edge != KDBT_EDGE_NONE &&
		    add_edge(f, &rec->blocks[i], execs[i]))
			return -ENOMEM;
	if (f->ntargets)
		qsort(f->targets, f->ntargets, sizeof(*f->targets), by_count);
	for (off = 0; off < f->code->size; off += next_line(an, f, off))
		f->listed++;
	return 0;
}

/* The functions named @name (in the --module list, if any). */
static int find_funcs(struct annotate *an, const struct report_opts *o,
		      const char *file, struct kdbt_err *err)
{
	const struct kdbt_syms *st = &an->rec->syms;
	const struct kdbt_sym *s;
	size_t i;

	an->funcs = calloc(st->nsyms ? st->nsyms : 1, sizeof(*an->funcs));
	if (!an->funcs)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < st->nsyms; i++) {
		s = &st->syms[i];
		if (strcmp(s->name, o->annotate) ||
		    (o->modules && !module_listed(o->modules, s->module)))
			continue;
		an->funcs[an->nfuncs].sym = s;
		an->funcs[an->nfuncs].code = kdbt_rec_code_of(an->rec, s->start);
		if (!an->funcs[an->nfuncs].code)
			return kdbt_fail(err, -ENODATA,
					 "%s: no code for %s at 0x%llx (larger than %d KiB, or not readable when it was recorded): cannot annotate it",
					 file, o->annotate,
					 (unsigned long long)s->start,
					 KDBT_DATA_CODE_MAX / 1024);
		an->nfuncs++;
	}
	if (!an->nfuncs)
		return kdbt_fail(err, -ENOENT,
				 "%s: no function %s%s%s in the recording (it has the functions that ran)",
				 file, o->annotate, o->modules ? " in " : "",
				 o->modules ? o->modules : "");
	return 0;
}

/**
 * annotate_build() - the model of kdbt-report --annotate
 * @anp: receives it (annotate_free() it, whatever this returns)
 * @o: the options: o->annotate, o->modules
 * @rec: the recording; must outlive the model
 * @file: its name, for messages
 * @err: the message on failure; may be NULL
 *
 * Return: 0; -ENODATA if the recording has no code (older, or recorded
 * without /proc/kcore) or none for the function; -ENOENT if it has no
 * such function; -ENOMEM.
 */
int annotate_build(struct annotate **anp, const struct report_opts *o,
		   const struct kdbt_rec *rec, const char *file,
		   struct kdbt_err *err)
{
	struct annotate *an;
	__u64 *execs;
	size_t i;
	int ret;

	*anp = an = calloc(1, sizeof(*an));
	if (!an)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	an->rec = rec;
	if (!rec->code)
		return kdbt_fail(err, -ENODATA,
				 "%s: no code section (recorded before kdbt-record kept code, or without a readable /proc/kcore): cannot annotate",
				 file);
	if (init_zydis(an))
		return kdbt_fail(err, -EINVAL, "cannot set up the disassembler");
	ret = find_funcs(an, o, file, err);
	if (ret)
		return ret;
	execs = report_block_executions(rec);
	if (!execs)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	for (i = 0; !ret && i < an->nfuncs; i++)
		ret = build_func(an, &an->funcs[i], execs);
	free(execs);
	return ret ? kdbt_fail(err, ret, "out of memory") : 0;
}

/* " <sym+0xoff>" after a relative branch or call, if a symbol has it. */
static void print_target(FILE *f, const struct annotate *an,
			 const ZydisDecodedInstruction *insn,
			 const ZydisDecodedOperand *ops, __u64 addr)
{
	const struct kdbt_sym *s;
	ZyanU64 target;
	unsigned int i;

	if (!(insn->attributes & ZYDIS_ATTRIB_IS_RELATIVE) ||
	    insn->meta.branch_type == ZYDIS_BRANCH_TYPE_NONE)
		return;
	for (i = 0; i < insn->operand_count_visible; i++) {
		if (ops[i].type != ZYDIS_OPERAND_TYPE_IMMEDIATE ||
		    !ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(insn, &ops[i], addr,
							   &target)))
			continue;
		s = kdbt_syms_find(&an->rec->syms, target);
		if (!s)
			return;
		fputs(" <", f);
		kdbt_text_print(f, s->name, 0);
		if (target != s->start)
			fprintf(f, "+0x%llx",
				(unsigned long long)(target - s->start));
		fputc('>', f);
		return;
	}
}

/* "taken N, fell through M" after the jcc at @off (see the top). */
static void print_edges(FILE *f, const struct annot_func *fn, __u64 off)
{
	__u64 t = fn->taken[off], ft = fn->fall[off], own = fn->own[off];

	if (own && own == fn->count[off]) {
		fprintf(f, "  taken ?, fell through ? (%" PRIu64 " of its executions not derived: no edge counted)",
			(uint64_t)own);
		return;
	}
	if (own) {		/* the derived blocks' edges, and the rest */
		fprintf(f, "  taken %" PRIu64 "+?, fell through %" PRIu64 "+? (%" PRIu64 " of its executions not derived: no edge counted)",
			(uint64_t)t, (uint64_t)ft, (uint64_t)own);
		return;
	}
	fprintf(f, "  taken %" PRIu64 ", fell through %" PRIu64,
		(uint64_t)t, (uint64_t)ft);
	if (t + ft != fn->count[off])
		fprintf(f, " (not its count: the recording's edges do not add up)");
}

/*
 * "targets: NAME N, ..., other M" after the indirect branch at @off, the
 * most frequent first (see the top); nothing if no slot counted there.
 */
static void print_targets(FILE *f, const struct annotate *an,
			  const struct annot_func *fn, __u64 off)
{
	const struct kdbt_sym *s;
	__u64 sum = 0;
	size_t i, n = 0;

	for (i = 0; i < fn->ntargets; i++)
		if (fn->targets[i].off == off)
			n++;
	if (!n)
		return;
	fputs("  targets:", f);
	for (i = 0; i < fn->ntargets; i++) {
		const struct annot_target *t = &fn->targets[i];

		if (t->off != off)
			continue;
		sum += t->count;
		s = kdbt_syms_find(&an->rec->syms, t->target);
		fputc(' ', f);
		if (s) {
			kdbt_text_print(f, s->name, 0);
			if (t->target != s->start)
				fprintf(f, "+0x%llx", (unsigned long long)
					(t->target - s->start));
		} else {
			fprintf(f, "0x%llx", (unsigned long long)t->target);
		}
		fprintf(f, " %" PRIu64 ",", (uint64_t)t->count);
	}
	fprintf(f, " other %" PRIu64, (uint64_t)(fn->count[off] > sum ?
						 fn->count[off] - sum : 0));
	if (sum > fn->count[off])
		fprintf(f, " (not its count: the recording's targets do not add up)");
}

/* The line of the instruction at @off; the next line is @len bytes on. */
static void print_line(FILE *f, const struct annotate *an,
		       const struct annot_func *fn, __u64 off,
		       unsigned int len)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction insn;
	__u64 addr = fn->sym->start + off;
	char text[256];
	int ok;

	ok = ZYAN_SUCCESS(ZydisDecoderDecodeFull(&an->dec, fn->code->bytes + off,
						 fn->code->size - off, &insn,
						 ops)) &&
		ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&an->fmt, &insn,
				ops, insn.operand_count_visible, text,
				sizeof(text), addr, NULL));
	if (!ok)
		snprintf(text, sizeof(text), "(bad) .byte 0x%02x",
			 fn->code->bytes[off]);
	fprintf(f, "%13" PRIu64 " %7.2f%%  %016llx  +0x%-5llx %s",
		(uint64_t)fn->count[off], fn->instructions ?
		100.0 * fn->count[off] / fn->instructions : 0.0,
		(unsigned long long)addr, (unsigned long long)off, text);
	if (ok)
		print_target(f, an, &insn, ops, addr);
	if (ok && insn.length > len)
		fprintf(f, "  (overlaps the next line)");
	if (an->rec->edges && fn->jcc[off] && fn->count[off])
		print_edges(f, fn, off);
	if (an->rec->edges && fn->count[off])
		print_targets(f, an, fn, off);
	fputc('\n', f);
}

static void print_func(FILE *f, const struct annotate *an,
		       const struct annot_func *fn)
{
	unsigned int len;
	__u64 off;

	fputs("# ", f);
	kdbt_text_print(f, fn->sym->name, 0);
	fputs(" [", f);
	kdbt_text_print(f, fn->sym->module, 0);
	fprintf(f, "] at 0x%llx, %u bytes, %u instructions listed\n",
		(unsigned long long)fn->sym->start, fn->code->size,
		fn->listed);
	fprintf(f, "# instructions : %" PRIu64 " (its row in the table; %u blocks)\n",
		(uint64_t)fn->instructions, fn->blocks);
	fprintf(f, "# entries      : %" PRIu64 " (executions of its first instruction)\n",
		(uint64_t)fn->count[0]);
	if (fn->outside)
		fprintf(f, "# not listed   : %" PRIu64 " instructions its blocks ran past its recorded code\n",
			(uint64_t)fn->outside);
	if (fn->misfits)
		fprintf(f, "# note         : %u blocks do not decode to their recorded length (text patched since?)\n",
			fn->misfits);
	if (an->rec->edges)
		fprintf(f, "# edges        : each executed jcc: how often it was taken and fell through, exactly; each indirect call or jmp: its targets' executions, exactly, and the rest as other\n");
	else
		fprintf(f, "# edges        : not recorded (by a kdbt.ko or kdbt-record from before edges): no jcc says how often it was taken\n");
	fprintf(f, "#\n#       Count    Share  Address           Offset   Instruction (AT&T)\n");
	for (off = 0; off < fn->code->size; off += len) {
		len = next_line(an, fn, off);
		print_line(f, an, fn, off, len);
	}
}

/**
 * annotate_print() - print the annotation (kdbt-report --annotate)
 * @f: where to
 * @an: the model (annotate_build())
 */
void annotate_print(FILE *f, const struct annotate *an)
{
	size_t i;

	for (i = 0; i < an->nfuncs; i++) {
		if (i)
			fputc('\n', f);
		print_func(f, an, &an->funcs[i]);
	}
}

/**
 * annotate_free() - free the model
 * @an: as annotate_build() left it; may be NULL
 */
void annotate_free(struct annotate *an)
{
	size_t i;

	if (!an)
		return;
	for (i = 0; i < an->nfuncs; i++) {
		free(an->funcs[i].count);
		free(an->funcs[i].starts);
		free(an->funcs[i].jcc);
		free(an->funcs[i].site_of);
		free(an->funcs[i].targets);
		free(an->funcs[i].taken);
		free(an->funcs[i].fall);
		free(an->funcs[i].own);
		free(an->funcs[i].jcc_of);
	}
	free(an->funcs);
	free(an);
}
