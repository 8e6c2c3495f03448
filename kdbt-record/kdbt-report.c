// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt-report.c - read a recording of kdbt-record and print its totals
 * and hottest functions or blocks, its time series, or the difference of
 * two recordings (man kdbt-report(1)).
 *
 * Usage: kdbt-report [-i FILE] [-s KEYS] [-n N] [--blocks] [--interval]
 *                    [--percent-limit PCT] [--module NAMES]
 *                    [--symbol-filter REGEX] [--format FMT] [-o FILE]
 *                    [--stdio] [--header]
 *        kdbt-report --diff OLD NEW [options]     (also: kdbt-diff OLD NEW)
 *        kdbt-report --annotate FUNC [--module NAMES] [FILE]
 *        kdbt-report --callers|--callees FUNC [--format dot|folded] [FILE]
 *        kdbt-report --arcs --format folded [FILE]
 *
 * Owns: the options and the one place that chooses the view (--format)
 * and where it goes (a pager on a terminal, else standard output).
 * Must never: print a partial report without exiting non-zero, or crash
 * on any file (data_read.c checks every byte before the model sees it).
 * Exit status: 0, 1 if a recording cannot be used (named in the message),
 * 2 for a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "live.h"
#include "report.h"

#define PROG	"kdbt-report"

enum {
	OPT_BLOCKS = 256,
	OPT_PERCENT,
	OPT_MODULE,
	OPT_SYMBOL,
	OPT_INTERVAL,
	OPT_FORMAT,
	OPT_STDIO,
	OPT_HEADER,
	OPT_DIFF,
	OPT_LIVE,
	OPT_SNAPSHOT,
	OPT_KALLSYMS,
	OPT_MODULES,
	OPT_ANNOTATE,
	OPT_CALLERS,
	OPT_CALLEES,
	OPT_ARCS,
};

static const struct option long_opts[] = {
	{ "input",		required_argument,	NULL, 'i' },
	{ "sort",		required_argument,	NULL, 's' },
	{ "top",		required_argument,	NULL, 'n' },
	{ "blocks",		no_argument,		NULL, OPT_BLOCKS },
	{ "percent-limit",	required_argument,	NULL, OPT_PERCENT },
	{ "module",		required_argument,	NULL, OPT_MODULE },
	{ "symbol-filter",	required_argument,	NULL, OPT_SYMBOL },
	{ "interval",		no_argument,		NULL, OPT_INTERVAL },
	{ "format",		required_argument,	NULL, OPT_FORMAT },
	{ "stdio",		no_argument,		NULL, OPT_STDIO },
	{ "header",		no_argument,		NULL, OPT_HEADER },
	{ "diff",		no_argument,		NULL, OPT_DIFF },
	{ "output",		required_argument,	NULL, 'o' },
	{ "live",		no_argument,		NULL, OPT_LIVE },
	{ "snapshot",		required_argument,	NULL, OPT_SNAPSHOT },
	{ "kallsyms",		required_argument,	NULL, OPT_KALLSYMS },
	{ "modules",		required_argument,	NULL, OPT_MODULES },
	{ "annotate",		required_argument,	NULL, OPT_ANNOTATE },
	{ "callers",		required_argument,	NULL, OPT_CALLERS },
	{ "callees",		required_argument,	NULL, OPT_CALLEES },
	{ "arcs",		no_argument,		NULL, OPT_ARCS },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 },
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [-i FILE] [options]\n"
		"       " PROG " --diff OLD NEW [options]   (or: kdbt-diff OLD NEW)\n"
		"       " PROG " --annotate FUNC [--module NAME] [FILE]\n"
		"       " PROG " --callers|--callees FUNC [--format dot|folded] [FILE]\n"
		"       " PROG " --arcs --format folded [FILE]\n"
		"Report a recording of kdbt-record: totals, then the hottest functions.\n"
		"  -i, --input FILE        the recording (default " KDBT_DATA_NAME ")\n"
		"  -s, --sort KEY[,KEY]    instructions (default), executions, calls,\n"
		"                          indirect, misses, hitrate (lowest first),\n"
		"                          symbol, module\n"
		"  -n, --top N             show N rows (table: 40; others: all; 0: all)\n"
		"      --blocks            rows are blocks, not functions\n"
		"      --percent-limit PCT hide rows below PCT%% of the instructions\n"
		"      --module NAME[,...] only these modules (kernel, a module, unknown)\n"
		"      --symbol-filter RE  only functions matching the extended regex RE\n"
		"      --interval          the time series: one row per interval\n"
		"      --format FMT        table (default), json, csv, folded, pprof,\n"
		"                          prometheus\n"
		"  -o, --output FILE       write FILE (through a temporary file, renamed)\n"
		"      --live              report /proc/kdbt now (since the last reset)\n"
		"      --snapshot FILE     with --live: a saved snapshot instead\n"
		"      --kallsyms FILE     with --live: symbols (default /proc/kallsyms)\n"
		"      --modules FILE      with --live: modules (default /proc/modules)\n"
		"      --stdio             no pager, even on a terminal\n"
		"      --header            what the file holds (its header and sections)\n"
		"      --diff OLD NEW      per function: baseline, new, delta, delta %%\n"
		"      --annotate FUNC     each instruction of FUNC, its count, disassembled\n"
		"      --callers FUNC      who calls FUNC directly or by a tail call,\n"
		"                          exact calls; [other]\n"
		"      --callees FUNC      what FUNC calls directly or tail-calls, exact\n"
		"                          (both: --format table, dot for graphviz, or\n"
		"                          folded: caller;callee count)\n"
		"      --arcs              every call and tail-call arc (--format folded)\n"
		"  -h, --help              this text\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	print_usage(stderr);
	return -1;
}

static int parse_sort(struct report_opts *o, const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int ret = 0;

	if (!copy)
		return -1;
	o->nkeys = 0;
	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->nkeys == MAX_SORT_KEYS ||
		    sort_key_parse(tok, &o->keys[o->nkeys++]))
			ret = usage_error("-s %s: keys are instructions, executions, calls, indirect, misses, hitrate, symbol, module",
					  arg);
	}
	free(copy);
	return ret;
}

static int parse_number(const char *arg, double lo, double hi, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	return end == arg || *end || !(*v >= lo && *v <= hi) ? -1 : 0;
}

static int parse_one(struct report_opts *o, int c, const char *arg)
{
	double v;
	int e;

	switch (c) {
	case 'i':
		o->input = arg;
		return 0;
	case 's':
		return parse_sort(o, arg);
	case 'n':
		if (parse_number(arg, 0, 1e12, &v) || v != (long)v)
			return usage_error("-n %s: a whole number, 0 for all", arg);
		o->top = v;
		return 0;
	case OPT_PERCENT:
		if (parse_number(arg, 0, 100, &v))
			return usage_error("--percent-limit %s: 0 to 100", arg);
		o->percent_limit = v;
		return 0;
	case OPT_MODULE:
		o->modules = arg;
		return 0;
	case OPT_SYMBOL:
		if (o->have_re)
			regfree(&o->symbol_re);
		e = regcomp(&o->symbol_re, arg, REG_EXTENDED | REG_NOSUB);
		o->have_re = !e;
		return e ? usage_error("--symbol-filter '%s': not an extended regular expression",
				       arg) : 0;
	case OPT_FORMAT:
		o->format = arg;
		return report_view_find(arg) || !strcmp(arg, "dot") ? 0 :
			usage_error("--format %s: table, json, csv, folded, pprof, prometheus, or dot (with --callers or --callees)", arg);
	case 'o':
		o->output = arg;
		return 0;
	case OPT_SNAPSHOT:
		o->snapshot = arg;
		return 0;
	case OPT_KALLSYMS:
		o->kallsyms = arg;
		return 0;
	case OPT_MODULES:
		o->modules_file = arg;
		return 0;
	case OPT_ANNOTATE:
		o->annotate = arg;
		return 0;
	case OPT_CALLERS:
		o->callers = arg;
		return 0;
	case OPT_CALLEES:
		o->callees = arg;
		return 0;
	case OPT_ARCS:
		o->arcs = 1;
		return 0;
	}
	return usage_error("unknown option", "");
}

/* Whether option @c goes with --annotate. */
static int annotate_option(int c)
{
	return c == 'i' || c == 'o' || c == OPT_MODULE || c == OPT_STDIO ||
		c == OPT_ANNOTATE;
}

/* Whether option @c goes with --callers and --callees. */
static int arcs_option(int c)
{
	return c == 'i' || c == 'o' || c == OPT_MODULE || c == OPT_STDIO ||
		c == OPT_FORMAT || c == OPT_CALLERS || c == OPT_CALLEES ||
		c == OPT_ARCS || c == OPT_LIVE || c == OPT_SNAPSHOT || c == OPT_KALLSYMS ||
		c == OPT_MODULES;
}

/* The options of --callers, --callees and --arcs, checked; 0 or -1. */
static int check_arcs(const struct report_opts *o, int others)
{
	int dot = !strcmp(o->format, "dot");
	int folded = !strcmp(o->format, "folded");

	if (!o->callers && !o->callees && !o->arcs)
		return dot ? usage_error("--format dot goes with --callers or --callees%s", "") : 0;
	if (!!o->callers + !!o->callees + o->arcs > 1)
		return usage_error("--callers, --callees or --arcs, one of them%s", "");
	if (others || o->annotate || o->diff_old)
		return usage_error("--callers, --callees and --arcs go with -i, --live, --module, -o, --stdio and --format only%s", "");
	if (o->arcs && (!folded || o->modules))
		return usage_error("--arcs goes with --format folded (and -i, --live, -o, --stdio) only%s", "");
	if (!dot && !folded && strcmp(o->format, "table"))
		return usage_error("--callers and --callees: --format table, dot or folded, not %s", o->format);
	return 0;
}

/* Return 0, 1 to exit with success (help) or -1 on a usage error. */
static int parse_opts(int argc, char **argv, struct report_opts *o)
{
	int c, ret, others = 0, not_arcs = 0;

	while ((c = getopt_long(argc, argv, "i:s:n:o:h", long_opts,
				NULL)) != -1) {
		ret = 0;
		others |= !annotate_option(c);
		not_arcs |= !arcs_option(c);
		if (c == 'h') {
			print_usage(stdout);
			return 1;
		} else if (c == '?') {
			print_usage(stderr);
			return -1;
		} else if (c == OPT_BLOCKS) {
			o->blocks = 1;
		} else if (c == OPT_INTERVAL) {
			o->intervals = 1;
		} else if (c == OPT_STDIO) {
			o->stdio = 1;
		} else if (c == OPT_HEADER) {
			o->header = 1;
		} else if (c == OPT_LIVE) {
			o->live = 1;
		} else if (c == OPT_DIFF) {
			o->diff_old = "";
		} else {
			ret = parse_one(o, c, optarg);
		}
		if (ret)
			return ret;
	}
	if (check_arcs(o, not_arcs))
		return -1;
	if (o->annotate && (others || o->diff_old))
		return usage_error("--annotate FUNC goes with -i, --module, -o and --stdio only%s", "");
	if (o->diff_old) {
		if (argc - optind != 2)
			return usage_error("--diff needs two recordings, OLD and NEW%s", "");
		o->diff_old = argv[optind];
		o->diff_new = argv[optind + 1];
		if (!report_view_find(o->format)->diff || o->intervals || o->blocks ||
		    o->header)
			return usage_error("--diff compares functions as a table, json or csv%s", "");
		return 0;
	}
	if ((o->snapshot || o->kallsyms || o->modules_file) && !o->live)
		return usage_error("--snapshot, --kallsyms and --modules go with --live%s", "");
	if (o->live && (o->header || o->diff_old || strcmp(o->input, KDBT_DATA_NAME)))
		return usage_error("--live reports /proc/kdbt: no -i, --header or --diff%s", "");
	if (optind + 1 == argc && !strcmp(o->input, KDBT_DATA_NAME) && !o->live)
		o->input = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o->intervals && (!strcmp(o->format, "folded") ||
			     report_view_find(o->format)->report_rc))
		return usage_error("--interval: table, json or csv, not %s", o->format);
	if (report_view_find(o->format) &&
	    report_view_find(o->format)->binary && !o->output && !o->header &&
	    isatty(STDOUT_FILENO))
		return usage_error("--format %s is binary: give -o FILE or redirect the output",
				   o->format);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The decision point: which view, and where it goes                   */
/* ------------------------------------------------------------------ */

static int in_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[4096];

	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p), p, prog);
		if (!access(buf, X_OK))
			return 1;
	}
	return 0;
}

/*
 * A table for someone at a terminal (standard input and output both
 * terminals, TERM not dumb) goes through a pager ($PAGER, else less when
 * there is one), as perf does; everything else, and --stdio, is printed
 * to standard output.  (A console with no one at it, as in the test
 * guests, has a terminal for output but not for input.)
 */
/*
 * -o FILE: a temporary file beside FILE ("FILE.XXXXXX", which
 * node_exporter's textfile collector, reading *.prom only, passes over),
 * renamed to FILE when it is whole, so a reader sees the old file or the
 * new one, never a part of either.
 */
static char *out_tmp;

static FILE *open_file(const char *path)
{
	mode_t um = umask(0);
	FILE *f;
	int fd;

	umask(um);
	if (asprintf(&out_tmp, "%s.XXXXXX", path) < 0) {
		out_tmp = NULL;
		fprintf(stderr, PROG ": %s: out of memory\n", path);
		return NULL;
	}
	fd = mkstemp(out_tmp);
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: cannot create %s: %s\n", path,
			out_tmp, strerror(errno));
		free(out_tmp);
		out_tmp = NULL;
		return NULL;
	}
	fchmod(fd, 0666 & ~um);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(out_tmp);
	}
	return f;
}

/* Finish -o FILE: flush, sync, rename; on any error keep the old FILE. */
static int close_file(FILE *f, const char *path, int failed)
{
	int bad = fflush(f) || ferror(f) || fsync(fileno(f));
	int e = errno;

	if (fclose(f) && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad && !failed && rename(out_tmp, path)) {
		bad = 1;
		e = errno;
	}
	if (bad || failed)
		unlink(out_tmp);
	if (bad)
		fprintf(stderr, PROG ": %s: writing %s: %s (%s left as it was)\n",
			path, out_tmp, strerror(e), path);
	free(out_tmp);
	out_tmp = NULL;
	return bad || failed;
}

static FILE *open_output(const struct report_opts *o, FILE **pager)
{
	const char *p = getenv("PAGER"), *term = getenv("TERM");

	*pager = NULL;
	if (o->output)
		return open_file(o->output);
	if (o->stdio || strcmp(o->format, "table") ||
	    !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO) || !term ||
	    !strcmp(term, "dumb"))
		return stdout;
	if (!p && in_path("less")) {
		p = "less";
		setenv("LESS", "FRSX", 0);
	}
	if (!p || !*p || !strcmp(p, "cat"))
		return stdout;
	*pager = popen(p, "w");
	if (!*pager)
		return stdout;
	signal(SIGPIPE, SIG_IGN);	/* the reader may quit early */
	return *pager;
}

static int close_output(FILE *out, FILE *pager)
{
	int bad = fflush(out) || ferror(out);

	if (pager) {
		pclose(pager);
		return 0;
	}
	if (bad) {
		fprintf(stderr, PROG ": writing the output: %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}

static int run(const struct report_opts *o, const struct report_view *view,
	       struct kdbt_err *err)
{
	struct kdbt_rec a = { 0 }, b = { 0 };
	FILE *out, *pager;
	struct report rp = { 0 };
	struct diff d = { 0 };
	struct annotate *an = NULL;
	struct arcs *arcs = NULL;
	int ret, failed = 0;

	struct live_source src = { o->snapshot, o->kallsyms, o->modules_file };
	const char *file = o->live ? (o->snapshot ? o->snapshot :
				      KDBT_SNAPSHOT_PATH) : o->input;

	if (o->live)
		ret = live_rec(&a, &src, err);
	else
		ret = kdbt_rec_read(&a, o->diff_old ? o->diff_old : o->input,
				    err);
	if (!ret && o->diff_old)
		ret = kdbt_rec_read(&b, o->diff_new, err);
	if (!ret && o->diff_old)
		ret = diff_build(&d, o, &a, &b, err);
	else if (!ret && o->annotate)
		ret = annotate_build(&an, o, &a, file, err);
	else if (!ret && (o->callers || o->callees || o->arcs))
		ret = arcs_build(&arcs, o, &a, file, err);
	else if (!ret && !o->header)
		ret = report_build(&rp, o, &a, file, err);
	if (!ret) {
		out = open_output(o, &pager);
		if (!out)
			ret = 1;
	}
	if (!ret) {
		if (o->diff_old)
			view->diff(out, &d);
		else if (o->annotate)
			annotate_print(out, an);
		else if (arcs && !strcmp(o->format, "dot"))
			arcs_dot(out, arcs);
		else if (arcs && !strcmp(o->format, "folded"))
			arcs_folded(out, arcs);
		else if (arcs)
			arcs_print(out, arcs);
		else if (o->header)
			kdbt_rec_print_header(&a, out);
		else if (o->intervals)
			view->intervals(out, &rp);
		else if (view->report_rc)
			failed = view->report_rc(out, &rp) != 0;
		else
			view->report(out, &rp);
		if (o->output)
			ret = close_file(out, o->output, failed);
		else
			ret = close_output(out, pager) || failed;
	}
	diff_free(&d);
	annotate_free(an);
	arcs_free(arcs);
	report_free(&rp);
	kdbt_rec_free(&a);
	kdbt_rec_free(&b);
	return ret;
}

int main(int argc, char **argv)
{
	struct report_opts o = { .input = KDBT_DATA_NAME, .top = -1,
				 .format = report_views[0].name };
	const struct report_view *view;
	struct kdbt_err err = { 0 };
	const char *name = strrchr(argv[0], '/');
	int ret;

	if (!strcmp(name ? name + 1 : argv[0], "kdbt-diff"))
		o.diff_old = "";
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	view = report_view_find(o.format);
	if (!view)			/* dot: the arcs only */
		view = &report_views[0];
	if (o.top < 0)
		o.top = view->default_top;
	if (view->blocks)
		o.blocks = 1;
	ret = run(&o, view, &err);
	if (o.have_re)
		regfree(&o.symbol_re);
	if (ret < 0) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 1;
	}
	return ret;
}
