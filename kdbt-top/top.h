/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top.h - what the parts of kdbt-top share: the options, the running
 * state (source, symbols, model) and the two views' entry points (each
 * with its annotated view of a function, annot.h).
 *
 * Owns: struct top and the calls that move it one refresh on.
 * Must never: hold anything that only one view needs.
 */
#ifndef KDBT_TOP_TOP_H
#define KDBT_TOP_TOP_H

#include <stdbool.h>
#include "model.h"
#include "source.h"

#define PROG	"kdbt-top"

/* The defaults are in main.c's designated initializer. */
struct top_opts {
	double delay;		/* seconds between refreshes */
	long iterations;	/* stop after this many; 0: never */
	long entries;		/* batch: rows per refresh; 0: all */
	enum top_sort sort;
	enum top_view view;
	bool cumulative;
	bool batch;
	bool no_colour;
	const char *filter;	/* regex, or NULL */
	const char *module;	/* module name, or NULL */
	const char *annotate;	/* --annotate FUNC: its view, or NULL */
};

struct top {
	struct top_opts o;
	struct top_source src;
	struct top_model m;
	struct kdbt_syms syms[2];	/* in use and next (see top_load_syms) */
	int slot;			/* the one in use, -1: none */
	char syms_note[600];		/* why there are no symbols, or "" */
	double modules_due;		/* when to look at /proc/modules */
	bool broken;			/* the last read failed */
};

int top_load_syms(struct top *t, struct kdbt_err *err);
int top_refresh(struct top *t, struct kdbt_err *err);
double top_now(void);
const char *top_error_hint(const struct top *t, const struct kdbt_err *err);

int batch_run(struct top *t);
int tui_run(struct top *t);

#endif /* KDBT_TOP_TOP_H */
