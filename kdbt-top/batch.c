// SPDX-License-Identifier: GPL-2.0
/*
 * batch.c - kdbt-top as plain text on standard output, for pipes and
 * scripts (-b, or when standard output is not a terminal).
 *
 * Owns: the batch loop: every refresh prints the header, the notices,
 * the status line, the column titles and the first rows, then a blank
 * line; replays go as fast as the files can be read.
 * Must never: touch curses (a static kdbt-top runs batch mode where no
 * terminfo exists), read the keyboard, or print a line the TUI would not
 * show.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
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
	double next = top_now();
	long k;
	int ret;

	k = 1;
	if (t->m.cumulative) {		/* no interval needed */
		print_refresh(t, k++);
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
			return 1;
		}
		print_refresh(t, k);
		if (fflush(stdout) == EOF) {
			fprintf(stderr, PROG ": writing the output: %s\n",
				strerror(errno));
			return 1;
		}
	}
	return 0;
}
