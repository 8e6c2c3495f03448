/* SPDX-License-Identifier: GPL-2.0 */
/*
 * annot.h - kdbt-top's annotated view of one function (Enter in the live
 * view, --annotate FUNC): kdbt-report --annotate's listing made from the
 * counts kdbt-top shows and the code bytes of /proc/kcore.
 *
 * Owns: the function followed (by start and name), the open kcore, and
 * the listing's text of the last refresh, split into lines.
 * Must never: annotate on its own (annotate.c does, from a one-function
 * recording made here), include curses, or print.
 */
#ifndef KDBT_TOP_ANNOT_H
#define KDBT_TOP_ANNOT_H

#include <stdbool.h>
#include <stddef.h>
#include "kcore.h"
#include "top.h"

struct top_annot {
	bool open;		/* annot_open() was called, not annot_close() */
	char name[512];		/* the function's symbol */
	char module[64];
	__u64 start;
	struct kcore k;
	int kcore_ret;		/* 0: open; else why not (-errno) */
	char kcore_msg[600];	/* and in words */
	char why[1280];		/* why there is no listing, or "" */
	__u64 insns, calls;	/* its counts in the model's rows */
	bool have_row;		/* it has a row (it ran) */
	char *text;		/* annotate_print()'s output */
	size_t size;
	char **lines;		/* into text */
	size_t nlines;
	size_t hottest;		/* the line of the largest count; nlines: none */
};

const struct kdbt_sym *annot_find(const struct kdbt_syms *st,
				  const char *name, const char *module);
void annot_open(struct top_annot *a, const struct top *t,
		const struct kdbt_sym *sym);
void annot_update(struct top_annot *a, const struct top *t);
char *annot_title(const struct top_annot *a, const struct top *t,
		  char *buf, size_t len);
void annot_close(struct top_annot *a);

#endif /* KDBT_TOP_ANNOT_H */
