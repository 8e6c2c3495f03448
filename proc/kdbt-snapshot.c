// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt-snapshot.c - print one /proc/kdbt snapshot as text.
 *
 * Usage: kdbt-snapshot [--totals|--blocks|--functions]
 *                      [-f FILE|--changes [--whole]]
 *                      [--kallsyms FILE] [--modules FILE]
 *        kdbt-snapshot --names
 *
 * Owns: printing a snapshot, through libkdbt, in the formats of
 * /proc/kdbt/blocks and /proc/kdbt/functions (kdbt_abi.h), or its totals
 * as "key value" lines (its own, then its statistics in the order and
 * format of /proc/kdbt/stats), so that tests can check the library against
 * the kernel's own text files; and the names of the lines of
 * /proc/kdbt/stats that the table (KDBT_STATS()) has, in order.
 * With --changes, the snapshot is what reads of one open
 * /proc/kdbt/changes add up to (kdbt_snap_update_fd()): one read per line
 * of standard input, each reported on standard error ("read K: N records,
 * complete|changes (totals I E C J R M) (short S)": the header's
 * instructions, block executions, indirect calls, indirect jumps, returns
 * and jumptable misses, and how many records came in short form) before
 * the next line is read; the snapshot is printed at its end.  The file
 * is asked for short records, as kdbt-top asks (kdbt_changes_open()),
 * unless --whole.
 * Must never: compute a count itself (libkdbt does), or print a partial
 * table without exiting 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "libkdbt.h"

#define PROG	"kdbt-snapshot"

enum what { SHOW_TOTALS, SHOW_BLOCKS, SHOW_FUNCTIONS, SHOW_NAMES };

struct opts {
	enum what what;
	const char *file;	/* NULL: /proc/kdbt/snapshot; "-": stdin */
	const char *kallsyms;
	const char *modules;	/* NULL: /proc/modules if it exists */
	bool changes;		/* read /proc/kdbt/changes, per input line */
	bool whole;		/* ... without asking for short records */
};

static const struct option long_opts[] = {
	{ "totals",	no_argument,		NULL, 't' },
	{ "blocks",	no_argument,		NULL, 'b' },
	{ "functions",	no_argument,		NULL, 'F' },
	{ "names",	no_argument,		NULL, 'n' },
	{ "file",	required_argument,	NULL, 'f' },
	{ "kallsyms",	required_argument,	NULL, 'k' },
	{ "modules",	required_argument,	NULL, 'm' },
	{ "changes",	no_argument,		NULL, 'c' },
	{ "whole",	no_argument,		NULL, 'w' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 },
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--totals|--blocks|--functions]\n"
		"                     [-f FILE|--changes [--whole]]\n"
		"                     [--kallsyms FILE] [--modules FILE]\n"
		"       " PROG " --names\n"
		"Print one kdbt snapshot (%s) as text.\n"
		"  -t, --totals         the totals, \"key value\" lines (default)\n"
		"  -b, --blocks         one line per block, as /proc/kdbt/blocks\n"
		"  -F, --functions      one line per function, as .../functions\n"
		"  -n, --names          the names of the lines of /proc/kdbt/stats\n"
		"  -f, --file FILE      read FILE instead (\"-\": standard input)\n"
		"  -c, --changes        read %s once per line of standard\n"
		"                       input (each read on standard error), then\n"
		"                       print what the reads add up to\n"
		"  -w, --whole          with --changes: whole records only (else\n"
		"                       short ones for the blocks read before)\n"
		"  -k, --kallsyms FILE  symbols from FILE instead of %s\n"
		"  -m, --modules FILE   modules from FILE instead of %s\n"
		"  -h, --help           this text\n",
		KDBT_SNAPSHOT_PATH, KDBT_CHANGES_PATH, KDBT_KALLSYMS_PATH,
		KDBT_MODULES_PATH);
}

/* Return 0, 1 to exit with success (help) or -1 on a usage error. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "tbFnf:k:m:cwh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 't':
			o->what = SHOW_TOTALS;
			break;
		case 'b':
			o->what = SHOW_BLOCKS;
			break;
		case 'F':
			o->what = SHOW_FUNCTIONS;
			break;
		case 'n':
			o->what = SHOW_NAMES;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'k':
			o->kallsyms = optarg;
			break;
		case 'm':
			o->modules = optarg;
			break;
		case 'c':
			o->changes = true;
			break;
		case 'w':
			o->whole = true;
			break;
		case 'h':
			print_usage(stdout);
			return 1;
		default:
			print_usage(stderr);
			return -1;
		}
	}
	if (o->whole && !o->changes) {
		fprintf(stderr, PROG ": --whole goes with --changes\n");
		return -1;
	}
	if (o->changes && o->file) {
		fprintf(stderr, PROG ": --changes reads %s, not a file\n",
			KDBT_CHANGES_PATH);
		return -1;
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n",
			argv[optind]);
		print_usage(stderr);
		return -1;
	}
	return 0;
}

/* One read of /proc/kdbt/changes per line of standard input. */
static int read_changes(struct kdbt_snap *s, bool whole,
			struct kdbt_err *err)
{
	int fd = kdbt_changes_open(NULL, !whole), ret = 0;
	struct kdbt_changes_read rd;
	unsigned int k = 0;
	char line[256];

	if (fd < 0)
		return kdbt_open_failed(KDBT_CHANGES_PATH, errno, err);
	while (!ret && fgets(line, sizeof(line), stdin)) {
		ret = kdbt_snap_update_fd(s, fd, KDBT_CHANGES_PATH, &rd, err);
		if (!ret)
			fprintf(stderr, "read %u: %u records, %s (totals %llu %llu %llu %llu %llu %llu) (short %u)\n",
				++k, rd.records,
				rd.delta ? "changes" : "complete",
				s->hdr.instructions, s->hdr.block_executions,
				s->hdr.indirect_calls, s->hdr.indirect_jumps,
				s->hdr.returns, s->hdr.jumptable_misses,
				rd.shorts);
	}
	close(fd);
	return ret;
}

static int read_snap(const struct opts *o, struct kdbt_snap *s,
		     struct kdbt_err *err)
{
	if (o->changes)
		return read_changes(s, o->whole, err);
	if (o->file && !strcmp(o->file, "-"))
		return kdbt_snap_read_fd(s, 0, "<stdin>", err);
	return kdbt_snap_read(s, o->file, err);
}

/*
 * Symbols for blocks and functions.  Hidden addresses (kptr_restrict) are
 * not fatal: the snapshot hides them too, and every block is unknown.
 */
static int load_syms(const struct opts *o, struct kdbt_syms *st,
		     struct kdbt_err *err)
{
	const char *modules = o->modules;
	struct stat sb;
	int ret;

	if (!modules && !stat(KDBT_MODULES_PATH, &sb))
		modules = KDBT_MODULES_PATH;
	ret = kdbt_syms_load(st, o->kallsyms, modules, err);
	if (ret == -EPERM) {
		fprintf(stderr, PROG ": warning: %s; no symbols\n",
			err->msg);
		return 0;
	}
	return ret;
}

/* The snapshot's own lines, then its statistics as /proc/kdbt/stats. */
static void print_totals(const struct kdbt_snap *s)
{
	const struct kdbt_snap_header *h = &s->hdr;
	char v[KDBT_STAT_TEXT];
	unsigned int i;

	printf("snapshot_version %u\n", h->version);
	printf("addresses %s\n",
	       h->flags & KDBT_SNAP_HIDDEN ? "hidden" : "shown");
	printf("ncpus %u\n", h->ncpus);
	printf("time_ns %llu\n", h->time_ns);
	printf("on_ns %llu\n", h->on_ns);
	for (i = 0; i < KDBT_STAT_NR; i++)
		if (!kdbt_snap_stat(s, i, v, sizeof(v)))
			printf("%s %s\n", kdbt_stat_info(i)->name, v);
}

/* The lines of /proc/kdbt/stats, in order. */
static void print_names(void)
{
	const struct kdbt_stat_info *si;
	unsigned int i;

	for (i = 0; (si = kdbt_stat_info(i)); i++)
		if (si->fmt != KDBT_STAT_FMT_NONE)
			printf("%s\n", si->name);
}

static void print_blocks(const struct kdbt_snap *s,
			 const struct kdbt_syms *st)
{
	const struct kdbt_snap_block *b;
	const struct kdbt_sym *ks;
	struct kdbt_counts c;
	char sym[1024];

	printf("# version %d\n# %s\n", KDBT_ABI_VERSION, KDBT_BLOCKS_COLUMNS);
	kdbt_snap_for_each_block(s, b) {
		ks = kdbt_syms_find(st, b->native);
		kdbt_block_counts(s, b, &c);
		kdbt_fmt_symbol(sym, sizeof(sym), st, b->native);
		printf("%016llx %s [%s] %llu %llu %llu %llu %u %s %016llx %d %s %016llx\n",
		       b->native, sym, ks ? ks->module : "unknown",
		       c.instructions, c.executions, c.indirect, c.misses,
		       b->insns, kdbt_kind_name(b->kind),
		       b->target, !!(b->flags & KDBT_BLOCK_DERIVED),
		       kdbt_edge_name(b->edge), b->edge_of);
	}
}

static int print_functions(const struct kdbt_snap *s,
			   const struct kdbt_syms *st, struct kdbt_err *err)
{
	struct kdbt_func *funcs, *f;
	size_t n;
	int ret;

	ret = kdbt_funcs_build(s, st, &funcs, &n, err);
	if (ret)
		return ret;
	printf("# version %d\n# %s\n", KDBT_ABI_VERSION,
	       KDBT_FUNCTIONS_COLUMNS);
	for (f = funcs; f < funcs + n; f++) {
		if (f->sym)
			printf("%s", f->sym->name);
		else
			printf("0x%llx", f->start);
		printf(" [%s] %llu %llu %llu %llu %u %llu\n", f->module,
		       f->c.instructions, f->c.executions, f->c.indirect,
		       f->c.misses, f->blocks, f->calls);
	}
	free(funcs);
	return 0;
}

static int show(const struct opts *o, const struct kdbt_snap *s,
		struct kdbt_err *err)
{
	struct kdbt_syms st = { 0 };
	int ret;

	if (o->what == SHOW_TOTALS) {
		print_totals(s);
		return 0;
	}
	ret = load_syms(o, &st, err);
	if (ret)
		return ret;
	if (o->what == SHOW_BLOCKS)
		print_blocks(s, st.nsyms ? &st : NULL);
	else
		ret = print_functions(s, st.nsyms ? &st : NULL, err);
	kdbt_syms_free(&st);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o = { .what = SHOW_TOTALS };
	struct kdbt_snap s = { 0 };
	struct kdbt_err err = { 0 };
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 1;
	if (o.what == SHOW_NAMES) {
		print_names();
		return fflush(stdout) ? 1 : 0;
	}
	ret = read_snap(&o, &s, &err);
	if (!ret)
		ret = show(&o, &s, &err);
	kdbt_snap_free(&s);
	if (ret) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		return 1;
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing the output: %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}
