/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - what kdbt-report's model (report.c, diff.c) and views
 * (report_out.c, diff_out.c) share.
 *
 * The model turns a recording into totals and rows (functions or
 * blocks), filtered and sorted; the views print them as a table, JSON,
 * CSV or folded stacks.  kdbt-report.c parses the options and chooses the
 * view, in one place.
 */
#ifndef KDBT_REPORT_H
#define KDBT_REPORT_H

#include <regex.h>
#include <stdio.h>
#include "kdbt_data.h"

enum sort_key {
	SORT_INSTRUCTIONS,
	SORT_EXECUTIONS,
	SORT_CALLS,
	SORT_INDIRECT,
	SORT_MISSES,
	SORT_HITRATE,
	SORT_SYMBOL,
	SORT_MODULE,
	SORT_NR,
};

#define SORT_NAMES \
	{ "instructions", "executions", "calls", "indirect", "misses", \
	  "hitrate", "symbol", "module" }

#define MAX_SORT_KEYS	8

struct report_opts {
	const char *input;		/* -i FILE */
	enum sort_key keys[MAX_SORT_KEYS];
	int nkeys;
	int blocks;			/* --blocks: rows are blocks */
	double percent_limit;		/* hide rows below this share */
	const char *modules;		/* --module NAME[,NAME...] */
	regex_t symbol_re;		/* --symbol-filter */
	int have_re;
	long top;			/* -n; < 0: the format's default */
	int intervals;			/* --interval: the time series */
	const char *format;		/* table, json, csv, folded, pprof,
					 * prometheus */
	const char *output;		/* -o FILE: written atomically */
	int live;			/* --live: /proc/kdbt, not a file */
	const char *snapshot;		/* --snapshot FILE (with --live) */
	const char *kallsyms;		/* --kallsyms FILE (with --live) */
	const char *modules_file;	/* --modules FILE (with --live) */
	int stdio;			/* --stdio: no pager */
	int header;			/* --header: the file's header only */
	const char *diff_old, *diff_new;	/* --diff OLD NEW */
	const char *annotate;		/* --annotate FUNC */
	const char *callers;		/* --callers FUNC */
	const char *callees;		/* --callees FUNC */
	int arcs;			/* --arcs: every arc, folded */
};

/* The recording's totals. */
struct report_totals {
	/*
	 * The kernel's: its intervals' statistics summed, instructions and
	 * block_executions raised to the blocks' sums where those are more.
	 */
	struct kdbt_data_interval k;
	__u64 indirect;		/* indirect calls + jumps + returns */
	__u64 hits;		/* indirect - jumptable misses */
	__u64 unattributed;	/* instructions no recorded block holds */
	__u64 unattributed_executions;
	__u64 duration_ns;
	__u32 samples;
};

/* A function, or a block with --blocks. */
struct row {
	char *name;		/* "func", "func+0xoff", "0xaddr", "[...]" */
	const char *func;	/* the function's name, for --symbol-filter */
	const char *module;	/* "kernel", a module, "unknown", "kdbt" */
	__u64 addr;		/* function start or block address; 0: none */
	struct kdbt_counts c;
	/*
	 * Calls.  Functions: executions of the first block; blocks: their
	 * executions if they start their function, else 0.
	 */
	__u64 calls;
	__u32 blocks;		/* functions: blocks that counted */
	__u16 insns;		/* blocks: instructions per execution */
	__u8 kind;		/* blocks: enum kdbt_snap_kind */
	double share;		/* % of the total instructions */
};

/* One interval of the time series. */
struct ivl_row {
	__u64 start_ns;		/* from the start of the recording */
	__u64 len_ns;
	struct kdbt_counts c;	/* the kernel's counts of the interval */
	__u32 flags;		/* KDBT_IVL_* */
	char *top;		/* its hottest function, or NULL */
	const char *top_module;
	__u64 top_instructions;
};

struct report {
	const struct report_opts *o;
	const struct kdbt_rec *rec;
	const char *file;
	struct report_totals t;
	struct row *rows;	/* shown, in order */
	size_t nrows;
	size_t nall;		/* rows before filters and -n */
	size_t nsel;		/* rows the filters kept, before -n */
	struct ivl_row *ivls;	/* --interval */
	size_t nivls;
};

/* One function of a diff. */
struct diff_row {
	char *name;
	const char *module;
	__u64 old, new;
};

struct diff {
	const struct report_opts *o;
	struct report_opts all;	/* for a and b: every function */
	struct report a, b;	/* baseline, new */
	enum sort_key metric;	/* what is compared: instructions, ... */
	struct diff_row *rows;
	size_t nrows, nall, nsel;	/* as in struct report */
};

/* report.c */
int report_build(struct report *rp, const struct report_opts *o,
		 const struct kdbt_rec *rec, const char *file,
		 struct kdbt_err *err);
void report_free(struct report *rp);
const char *sort_key_name(enum sort_key k);
int module_listed(const char *list, const char *module);
int sort_key_parse(const char *name, enum sort_key *k);
__u64 counts_metric(const struct kdbt_counts *c, enum sort_key k);
void rate_text(char *buf, size_t len, __u64 hits, __u64 total);
double rate_value(__u64 hits, __u64 total);
__u64 *report_block_executions(const struct kdbt_rec *rec);

/* diff.c */
int diff_build(struct diff *d, const struct report_opts *o,
	       const struct kdbt_rec *a, const struct kdbt_rec *b,
	       struct kdbt_err *err);
void diff_free(struct diff *d);
double diff_pct(__u64 old, __u64 new);
__u64 totals_metric(const struct report_totals *t, enum sort_key k);

/* The views: one per --format. */
struct report_view {
	const char *name;
	long default_top;	/* -n when not given (0: every row) */
	void (*report)(FILE *f, const struct report *rp);
	void (*intervals)(FILE *f, const struct report *rp);	/* or NULL */
	void (*diff)(FILE *f, const struct diff *d);		/* or NULL */
	/* instead of report: may fail (0 or -errno, after a message) */
	int (*report_rc)(FILE *f, const struct report *rp);
	int blocks;		/* needs block rows (pprof) */
	int binary;		/* never to a terminal */
};

extern const struct report_view report_views[];
const struct report_view *report_view_find(const char *name);

/* annotate.c: --annotate FUNC (Zydis stays inside it) */
struct annotate;
int annotate_build(struct annotate **anp, const struct report_opts *o,
		   const struct kdbt_rec *rec, const char *file,
		   struct kdbt_err *err);
void annotate_print(FILE *f, const struct annotate *an);
void annotate_free(struct annotate *an);

/* arcs.c: --callers FUNC, --callees FUNC (table, dot, folded), --arcs */
struct arcs;
int arcs_build(struct arcs **ap, const struct report_opts *o,
	       const struct kdbt_rec *rec, const char *file,
	       struct kdbt_err *err);
void arcs_print(FILE *f, const struct arcs *a);
void arcs_dot(FILE *f, const struct arcs *a);
void arcs_folded(FILE *f, const struct arcs *a);
void arcs_free(struct arcs *a);

/* report_prom.c */
void prom_report(FILE *f, const struct report *rp);

/* report_pprof.c */
int pprof_report(FILE *f, const struct report *rp);

/* report_out.c helpers shared with diff_out.c */
void out_json_string(FILE *f, const char *s);
void out_csv_string(FILE *f, const char *s);
void out_describe(FILE *f, const struct report *rp, const char *prefix);
void out_json_recording(FILE *f, const struct report *rp);
void out_json_totals(FILE *f, const struct report_totals *t);
void diff_table(FILE *f, const struct diff *d);
void diff_json(FILE *f, const struct diff *d);
void diff_csv(FILE *f, const struct diff *d);

#endif /* KDBT_REPORT_H */
