// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - kdbt-top: a live, perf-top-like view of kdbt's exact kernel
 * profile (man kdbt-top(1)).
 *
 * Usage: kdbt-top [options] [--replay DIR|FILE [FILE...]]
 *
 * Owns: the option table (one X-macro gives getopt's table, the short
 * options and the help text), the defaults, the first snapshot with the
 * errors a user can act on, and the one decision between the ncurses
 * view and plain text.
 * Must never: draw, print a table, or compute a count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "annot.h"
#include "top.h"

enum {
	OPT_FUNCTIONS = 256, OPT_BLOCKS, OPT_CUMULATIVE, OPT_FILTER,
	OPT_MODULE, OPT_REPLAY, OPT_KALLSYMS, OPT_MODULES, OPT_CONTROL,
	OPT_NO_COLOUR, OPT_VERSION, OPT_ANNOTATE, OPT_KCORE,
};

/* short or OPT_*, long name, argument (NULL: none), help */
#define TOP_OPTIONS(X)							\
	X('d', "delay", "SECS",						\
	  "refresh every SECS seconds (default 1; fractions allowed)")	\
	X('n', "iterations", "N", "stop after N refreshes")		\
	X('s', "sort", "KEY",						\
	  "sort by insns (default), rate, execs, calls, indirect, hitrate or symbol") \
	X(OPT_FUNCTIONS, "functions", NULL, "one row per function (default)") \
	X(OPT_BLOCKS, "blocks", NULL, "one row per translated block")	\
	X(OPT_CUMULATIVE, "cumulative", NULL,				\
	  "counts since the last reset, not of the last interval")	\
	X('b', "batch", NULL,						\
	  "plain text on standard output (the default when it is not a terminal)") \
	X('E', "entries", "N",						\
	  "batch mode: at most N rows per refresh (default 20; 0: all)") \
	X(OPT_FILTER, "filter", "REGEX",				\
	  "only rows whose symbol or module matches REGEX")		\
	X(OPT_MODULE, "module", "NAME",					\
	  "only rows of module NAME (\"kernel\": the core kernel)")	\
	X(OPT_REPLAY, "replay", "DIR|FILE",				\
	  "saved snapshots, one per refresh, instead of " KDBT_SNAPSHOT_PATH) \
	X(OPT_KALLSYMS, "kallsyms", "FILE",				\
	  "symbols from FILE (default: " KDBT_KALLSYMS_PATH ", none with --replay)") \
	X(OPT_MODULES, "modules", "FILE",				\
	  "module ranges from FILE (default: " KDBT_MODULES_PATH ", none with --replay)") \
	X(OPT_CONTROL, "control", "FILE",				\
	  "where the r key writes reset (default: /proc/kdbt/control, none with --replay)") \
	X(OPT_ANNOTATE, "annotate", "FUNC",				\
	  "the annotated view of FUNC: each instruction with its count (Enter in the live view)") \
	X(OPT_KCORE, "kcore", "FILE",					\
	  "code for the annotated view from FILE (default: /proc/kcore, none with --replay)") \
	X(OPT_NO_COLOUR, "no-colour", NULL,				\
	  "no colours, even where the terminal has them")		\
	X('h', "help", NULL, "show this help and exit")			\
	X(OPT_VERSION, "version", NULL, "show the version and exit")

#define LONG_OPT(val, name, arg, help) \
	{ name, arg ? required_argument : no_argument, NULL, val },
static const struct option long_opts[] = {
	TOP_OPTIONS(LONG_OPT)
	{ "no-color", no_argument, NULL, OPT_NO_COLOUR },
	{ NULL, 0, NULL, 0 },
};

struct opt_help {
	int val;
	const char *name, *arg, *help;
};

#define HELP_OPT(val, name, arg, help) { val, name, arg, help },
static const struct opt_help opt_help[] = { TOP_OPTIONS(HELP_OPT) };

#define NOPTS	(sizeof(opt_help) / sizeof(opt_help[0]))

static void usage(FILE *f)
{
	char left[64];
	size_t i;
	int n;

	fprintf(f, "\n Usage: " PROG " [<options>] [--replay DIR|FILE [FILE...]]\n\n");
	for (i = 0; i < NOPTS; i++) {
		n = opt_help[i].val < 256 ?
			snprintf(left, sizeof(left), "-%c, --%s",
				 opt_help[i].val, opt_help[i].name) :
			snprintf(left, sizeof(left), "    --%s",
				 opt_help[i].name);
		if (opt_help[i].arg)
			snprintf(left + n, sizeof(left) - n, " <%s>",
				 opt_help[i].arg);
		fprintf(f, "    %-26s %s\n", left, opt_help[i].help);
	}
	fprintf(f, "\n Keys in the live view: h or ? lists them.\n\n");
}

static void short_opts(char *buf)
{
	size_t i;

	for (i = 0; i < NOPTS; i++) {
		if (opt_help[i].val >= 256)
			continue;
		*buf++ = opt_help[i].val;
		if (opt_help[i].arg)
			*buf++ = ':';
	}
	*buf = '\0';
}

static int bad_arg(const char *opt, const char *arg, const char *want)
{
	fprintf(stderr, PROG ": %s '%s': %s\n", opt, arg, want);
	return -1;
}

static int parse_delay(const char *arg, double *delay)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(d) || d < 0.01 ||
	    d > 86400)
		return bad_arg("-d", arg,
			       "want seconds from 0.01 to 86400 (fractions allowed)");
	*delay = d;
	return 0;
}

static int parse_count(const char *opt, const char *arg, long min,
		       long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min)
		return bad_arg(opt, arg, min ? "want a whole number from 1" :
			       "want a whole number from 0");
	*out = v;
	return 0;
}

static int parse_sort(const char *arg, enum top_sort *key)
{
	int k = model_sort_parse(arg);

	if (k < 0)
		return bad_arg("--sort", arg,
			       "want insns, rate, execs, calls, indirect, hitrate or symbol");
	*key = k;
	return 0;
}

static int replay(struct top *t, const char *path)
{
	struct kdbt_err err = { 0 };

	if (!source_add_replay(&t->src, path, &err))
		return 0;
	fprintf(stderr, PROG ": --replay: %s\n", err.msg);
	return -1;
}

/* Options that set a flag or keep their argument. */
static bool parse_simple(struct top *t, int c, const char *arg)
{
	struct top_opts *o = &t->o;

	switch (c) {
	case OPT_FUNCTIONS:
		o->view = TOP_VIEW_FUNCTIONS;
		break;
	case OPT_BLOCKS:
		o->view = TOP_VIEW_BLOCKS;
		break;
	case OPT_CUMULATIVE:
		o->cumulative = true;
		break;
	case 'b':
		o->batch = true;
		break;
	case OPT_FILTER:
		o->filter = arg;
		break;
	case OPT_MODULE:
		o->module = arg;
		break;
	case OPT_KALLSYMS:
		t->src.kallsyms = arg;
		break;
	case OPT_MODULES:
		t->src.modules = arg;
		break;
	case OPT_CONTROL:
		t->src.control = arg;
		break;
	case OPT_ANNOTATE:
		o->annotate = arg;
		break;
	case OPT_KCORE:
		t->src.kcore = arg;
		break;
	case OPT_NO_COLOUR:
		o->no_colour = true;
		break;
	default:
		return false;
	}
	return true;
}

/* One option; -1 on a usage error, 1 for --help and --version. */
static int parse_one(struct top *t, int c, const char *arg)
{
	struct top_opts *o = &t->o;

	if (parse_simple(t, c, arg))
		return 0;
	switch (c) {
	case 'd':
		return parse_delay(arg, &o->delay);
	case 'n':
		return parse_count("-n", arg, 1, &o->iterations);
	case 'E':
		return parse_count("-E", arg, 0, &o->entries);
	case 's':
		return parse_sort(arg, &o->sort);
	case OPT_REPLAY:
		return replay(t, arg);
	case 'h':
		usage(stdout);
		return 1;
	case OPT_VERSION:
		printf(PROG " %s (kdbt ABI version %d, snapshot version %d)\n",
		       KDBT_RELEASE, KDBT_ABI_VERSION, KDBT_SNAP_VERSION);
		return 1;
	default:
		usage(stderr);
		return -1;
	}
}

/* Return 0, 1 to exit with success (help) or -1 on a usage error. */
static int parse_opts(int argc, char **argv, struct top *t)
{
	char shorts[2 * NOPTS + 1];
	int c, ret;

	short_opts(shorts);
	while ((c = getopt_long(argc, argv, shorts, long_opts, NULL)) != -1) {
		ret = parse_one(t, c, optarg);
		if (ret)
			return ret;
	}
	if (optind < argc && !t->src.replay) {
		fprintf(stderr, PROG ": unexpected argument '%s' (files to replay follow --replay)\n",
			argv[optind]);
		return -1;
	}
	for (; optind < argc; optind++)
		if (replay(t, argv[optind]))
			return -1;
	return 0;
}

/*
 * The one place that chooses the view: the ncurses screen when both ends
 * are a terminal and -b was not given, plain text otherwise (as perf top
 * chooses stdio when it is not on a tty).
 */
static bool use_tui(const struct top_opts *o)
{
	return !o->batch && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
}

static int fail_start(const struct top *t, const struct kdbt_err *err)
{
	fprintf(stderr, PROG ": %s%s\n", err->msg, top_error_hint(t, err));
	return -1;
}

/* The model's settings, the symbols and the first snapshot. */
static int start(struct top *t)
{
	struct kdbt_err err = { 0 };
	struct top_model *m = &t->m;
	int ret;

	m->view = t->o.view;
	m->sort = t->o.sort;
	m->cumulative = t->o.cumulative;
	model_set_module(m, t->o.module);
	if (model_set_filter(m, t->o.filter, &err))
		return fail_start(t, &err);
	if (source_open(&t->src, &err))
		return fail_start(t, &err);
	if (top_load_syms(t, &err))
		return fail_start(t, &err);
	if (t->o.annotate &&
	    !annot_find(t->m.syms, t->o.annotate, t->o.module)) {
		kdbt_fail(&err, -ENOENT,
			  "--annotate: no function %s%s%s in the symbols%s%s",
			  t->o.annotate, t->o.module ? " in " : "",
			  t->o.module ? t->o.module : "",
			  t->syms_note[0] ? ": " : "", t->syms_note);
		return fail_start(t, &err);
	}
	ret = top_refresh(t, &err);
	if (ret == 1)
		snprintf(err.msg, sizeof(err.msg), "no snapshot to replay");
	return ret ? fail_start(t, &err) : 0;
}

/* The chosen view; plain text where curses cannot use the terminal. */
static int run(struct top *t)
{
	if (use_tui(&t->o) && tui_run(t) != -ENOTTY)
		return 0;
	if (t->o.entries < 0)
		t->o.entries = 20;
	if (t->src.replay && t->src.nfiles == 1 && !t->o.cumulative) {
		fprintf(stderr, PROG ": one snapshot has no interval: add --cumulative to see its counts\n");
		return 1;
	}
	return batch_run(t);
}

int main(int argc, char **argv)
{
	struct top t = {
		.o = {
			.delay = 1.0,
			.entries = -1,
			.sort = TOP_SORT_INSNS,
			.view = TOP_VIEW_FUNCTIONS,
		},
		.slot = -1,
	};
	int ret;

	/*
	 * Every refresh frees and allocates again buffers of the size of a
	 * snapshot: keep them in the heap, not in fresh mmap()s whose page
	 * faults would show in the very profile kdbt-top shows.
	 */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	source_init(&t.src);
	model_init(&t.m);
	ret = parse_opts(argc, argv, &t);
	if (!ret)
		ret = start(&t) ? 1 : run(&t);
	else
		ret = ret > 0 ? 0 : 1;
	model_free(&t.m);
	kdbt_syms_free(&t.syms[0]);
	kdbt_syms_free(&t.syms[1]);
	source_close(&t.src);
	return ret;
}
