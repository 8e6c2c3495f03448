/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h - what kdbt-top shows, without showing it: the rows (functions
 * or blocks) made from the snapshots, their counts over the last interval
 * or since the last reset, their order and the filters that hide some.
 *
 * Owns: the two latest snapshots and their delta, the rows, the sort
 * keys, the filters, and the arithmetic of rates and shares.
 * Must never: include curses, print, read a file or sleep (snapshots and
 * symbols come in from the caller), so that it is tested on its own.
 */
#ifndef KDBT_TOP_MODEL_H
#define KDBT_TOP_MODEL_H

#include <regex.h>
#include <stdbool.h>
#include "libkdbt.h"

/* The sort keys, one per column (format.c has the column table). */
enum top_sort {
	TOP_SORT_INSNS,		/* instructions (and so their share) */
	TOP_SORT_RATE,		/* instructions per second, last interval */
	TOP_SORT_EXECS,		/* block executions */
	TOP_SORT_CALLS,		/* executions of the function's first block */
	TOP_SORT_INDIRECT,	/* indirect-branch executions */
	TOP_SORT_HITRATE,	/* jumptable hits / indirect */
	TOP_SORT_SYMBOL,	/* symbol name, then address (ascending) */
	TOP_SORT_NR,
};

enum top_view {
	TOP_VIEW_FUNCTIONS,
	TOP_VIEW_BLOCKS,
};

/* The symbol of a block id, and the address it was looked up for. */
struct top_sym_of {
	__u64 native;
	const struct kdbt_sym *sym;
};

/* One line of the table: a function or a block. */
struct top_row {
	__u64 addr;		/* function start or block address */
	const struct kdbt_sym *sym;	/* NULL: no symbol covers addr */
	const char *module;	/* "kernel", a module, or "unknown" */
	struct kdbt_counts c;	/* shown: last interval or since reset */
	/*
	 * Calls, of the counts shown: a function's first block's executions;
	 * a block's executions if it starts its function, else 0.
	 */
	__u64 calls;
	__u64 recent_insns;	/* instructions in the last interval */
};

/* What the last model_push() saw (for the status line). */
enum top_event {
	TOP_EV_NONE,
	TOP_EV_FIRST,		/* the first snapshot: no interval yet */
	TOP_EV_RESET,		/* a reset since the previous snapshot */
	TOP_EV_FLUSH,		/* a cache flush since then */
};

struct top_model {
	/* Settings: change them with the model_set_*() calls. */
	enum top_view view;
	enum top_sort sort;
	bool cumulative;	/* counts since the reset, not the interval */
	bool has_re;
	regex_t re;		/* on the symbol text or the module name */
	char re_text[128];
	char module[64];	/* only rows of this module; "" for all */

	/* Data. */
	const struct kdbt_syms *syms;	/* NULL: no symbols */
	struct kdbt_snap cur;	/* the newest snapshot (hdr.magic 0: none) */
	size_t cur_cap;		/* blocks allocated at cur.blocks */
	/*
	 * cur minus the one before: after model_push_changes() only the
	 * blocks that changed (in id order), after model_push() every block.
	 */
	struct kdbt_snap delta;
	bool have_delta;
	enum top_event event;
	struct kdbt_snap ran[2];	/* scratch: the blocks that executed */
	const struct kdbt_sym **ran_sym[2];	/* and their symbols */
	__u32 ran_cap[2];
	/*
	 * Each block's symbol, by block id, with the address it was looked
	 * up for (~0: not yet): a refresh looks up only blocks new to it.
	 * Emptied when the symbol table changes.
	 */
	struct top_sym_of *sym_of;
	size_t sym_of_cap;

	/*
	 * All rows (those with executions), then the shown ones: the first
	 * @nsorted in the sort order, and every later one after them in it
	 * but in no order among themselves (model_sort_upto()).
	 */
	struct top_row *rows;
	size_t nrows, cap;
	struct top_row **shown;
	size_t nshown, nsorted;
	size_t want;		/* rows a refresh sorts (model_set_want()) */
	__u64 sum_insns;	/* instructions of all rows: share's base */
};

void model_init(struct top_model *m);
void model_free(struct top_model *m);
int model_push(struct top_model *m, struct kdbt_snap *s, struct kdbt_err *err);
int model_push_changes(struct top_model *m, struct kdbt_snap *d,
		       struct kdbt_err *err);
void model_restart(struct top_model *m);
int model_set_syms(struct top_model *m, const struct kdbt_syms *st,
		   struct kdbt_err *err);
int model_set_view(struct top_model *m, enum top_view v, struct kdbt_err *err);
int model_set_cumulative(struct top_model *m, bool on, struct kdbt_err *err);
void model_set_sort(struct top_model *m, enum top_sort key);
void model_set_want(struct top_model *m, size_t n);
void model_sort_upto(struct top_model *m, size_t n);
int model_set_filter(struct top_model *m, const char *regex,
		     struct kdbt_err *err);
void model_set_module(struct top_model *m, const char *module);

bool model_has_data(const struct top_model *m);
const struct kdbt_snap *model_counts_snap(const struct top_model *m);
__u64 model_per_sec(__u64 count, __u64 interval_ns);
__u64 model_row_rate(const struct top_model *m, const struct top_row *r);
char *model_row_symbol(const struct top_model *m, const struct top_row *r,
		       char *buf, size_t len);

const char *model_sort_name(enum top_sort key);
int model_sort_parse(const char *name);

#endif /* KDBT_TOP_MODEL_H */
