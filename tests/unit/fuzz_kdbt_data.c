// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_kdbt_data.c - libFuzzer target of the kdbt.data reader
 * (kdbt-record/data_read.c), built with clang's -fsanitize=fuzzer,
 * address,undefined (Makefile, `make fuzz-bin`; run by tests/unit/fuzz.sh).
 *
 * Input: any bytes, given to kdbt_rec_parse() as a whole file, the
 *        function kdbt_rec_read() (kdbt-report -i) calls on a file's
 *        bytes.  A refusal must carry a message naming the file; a
 *        recording that parses is reported in every view (blocks and
 *        functions), diffed against itself and printed as --header, all
 *        into /dev/null.
 * Seeds: tests/unit/fuzz-seeds/kdbt-data/ (README there).
 * Output: none of its own; a crash, a sanitizer report or a refusal
 *        without the file's name aborts (libFuzzer saves the input).
 * Owns: nothing.
 * Must never: write a file, or depend on /proc/kdbt.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kdbt_data.h"
#include "report.h"

#define NAME	"fuzz.data"

static FILE *devnull(void)
{
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	if (!null)
		abort();
	return null;
}

/* Every view of one report: functions (@blocks 0) or blocks. */
static void report_every_view(const struct kdbt_rec *r, int blocks)
{
	struct report_opts o = { .top = 0, .blocks = blocks,
				 .intervals = !blocks };
	struct kdbt_err err = { 0 };
	const struct report_view *v;
	struct report rp;

	if (!report_build(&rp, &o, r, NAME, &err)) {
		for (v = report_views; v->name; v++) {
			if (v->report_rc)
				v->report_rc(devnull(), &rp);
			else
				v->report(devnull(), &rp);
			if (v->intervals)
				v->intervals(devnull(), &rp);
		}
	}
	report_free(&rp);
}

static void diff_with_itself(const struct kdbt_rec *r)
{
	struct report_opts o = { .diff_old = NAME, .diff_new = NAME };
	struct kdbt_err err = { 0 };
	struct diff d;

	if (!diff_build(&d, &o, r, r, &err))
		diff_table(devnull(), &d);
	diff_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdbt_err err = { 0 };
	struct kdbt_rec r;

	if (kdbt_rec_parse(&r, data, size, NAME, &err)) {
		if (strncmp(err.msg, NAME ": ", strlen(NAME ": ")))
			abort();	/* a refusal that names no file */
		return 0;
	}
	report_every_view(&r, 0);
	report_every_view(&r, 1);
	diff_with_itself(&r);
	kdbt_rec_print_header(&r, devnull());
	kdbt_rec_free(&r);
	return 0;
}
