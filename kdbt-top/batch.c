// SPDX-License-Identifier: GPL-2.0
/*
 * batch.c - kdbt-top as plain text on standard output, for pipes and
 * scripts (-b, or when standard output is not a terminal).
 *
 * Owns: the batch loop: every refresh prints the header, the notices,
 * the status line, the column titles and the first rows, then a blank
 * line; with --annotate FUNC, the header and notices, then the annotated
 * view of FUNC (annot.c: its title, then the listing or why there is
 * none) instead of the table; replays go as fast as the files can be
 * read.
 * Must never: touch curses (a static kdbt-top runs batch mode where no
 * terminfo exists), read the keyboard, or print a line the TUI would not
 * show.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "annot.h"
#include "format.h"
#include "top.h"

#define MAX_NOTICES	8

static void sleep_until(double when)
{
	struct timespec ts;

	if (when <= top_now())
		return;
	ts.tv_sec = (time_t)when;
	ts.tv_nsec = (long)((when - ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static void print_header(const struct top *t, long k)
{
	char hdr[TOP_HEADER_LINES][TOP_LINE], notes[MAX_NOTICES][TOP_LINE];
	int i, n;

	format_header(&t->m, hdr);
	if (t->o.iterations)
		printf("%s - refresh %ld of %ld\n", hdr[0], k,
		       t->o.iterations);
	else
		printf("%s - refresh %ld\n", hdr[0], k);
	for (i = 1; i < TOP_HEADER_LINES; i++)
		printf("%s\n", hdr[i]);
	n = format_notices(&t->m, notes, MAX_NOTICES);
	for (i = 0; i < n; i++)
		printf("%s\n", notes[i]);
	if (t->syms_note[0])
		printf("No symbols: %s\n", t->syms_note);
}

static void print_refresh(const struct top *t, long k)
{
	char line[TOP_LINE];
	size_t i, n = t->m.nshown;

	print_header(t, k);
	printf("%s\n", format_status(&t->m, line, sizeof(line)));
	printf("%s\n", format_titles(line, sizeof(line)));
	if (t->o.entries && (size_t)t->o.entries < n)
		n = t->o.entries;
	for (i = 0; i < n; i++)
		printf("%s\n", format_row(&t->m, t->m.shown[i], line,
					  sizeof(line)));
	printf("\n");
}

/* The annotated view instead of the table (--annotate FUNC). */
static void print_annot(const struct top *t, struct top_annot *a, long k)
{
	char line[TOP_LINE];
	size_t i;

	annot_update(a, t);
	print_header(t, k);
	printf("%s\n", annot_title(a, t, line, sizeof(line)));
	if (a->why[0])
		printf("%s\n", a->why);
	for (i = 0; i < a->nlines; i++)
		printf("%s\n", a->lines[i]);
	printf("\n");
}

static void print_one(const struct top *t, struct top_annot *a, long k)
{
	if (t->o.annotate)
		print_annot(t, a, k);
	else
		print_refresh(t, k);
}

/**
 * batch_run() - refresh and print until the iterations are done
 * @t: kdbt-top, with its first snapshot taken
 *
 * The delta view prints after each interval; the cumulative view prints
 * the first snapshot at once, then after each interval.
 *
 * Return: the exit status: 0, or 1 when a snapshot or the output fails.
 */
int batch_run(struct top *t)
{
	struct kdbt_err err = { 0 };
	struct top_annot a = { 0 };
	const struct kdbt_sym *sym;
	double next = top_now();
	long k;
	int ret = 0;

	/* a refresh prints the first rows: only they need sorting */
	model_set_want(&t->m, t->o.entries ? (size_t)t->o.entries : (size_t)-1);
	if (t->o.annotate) {	/* main.c checked that it exists */
		sym = annot_find(t->m.syms, t->o.annotate, t->o.module);
		if (!sym)
			return 1;
		annot_open(&a, t, sym);
	}
	k = 1;
	if (t->m.cumulative) {		/* no interval needed */
		print_one(t, &a, k++);
		fflush(stdout);
	}
	for (; !t->o.iterations || k <= t->o.iterations; k++) {
		if (!t->src.replay) {
			next += t->o.delay;
			if (next < top_now())
				next = top_now();
			sleep_until(next);
		}
		ret = top_refresh(t, &err);
		if (ret == 1)
			break;
		if (ret) {
			fflush(stdout);
			fprintf(stderr, PROG ": %s%s\n", err.msg,
				top_error_hint(t, &err));
			break;
		}
		print_one(t, &a, k);
		if (fflush(stdout) == EOF) {
			fprintf(stderr, PROG ": writing the output: %s\n",
				strerror(errno));
			ret = -EIO;
			break;
		}
	}
	annot_close(&a);
	return ret < 0 ? 1 : 0;
}
