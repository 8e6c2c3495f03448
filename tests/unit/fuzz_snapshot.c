// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_snapshot.c - libFuzzer target of the /proc/kdbt/snapshot parser,
 * kdbt_snap_parse() (proc/libkdbt.c), built with clang's
 * -fsanitize=fuzzer,address,undefined (Makefile, `make fuzz-bin`; run by
 * tests/unit/fuzz.sh).
 *
 * Input: any bytes, given to kdbt_snap_parse() as a whole snapshot.  A
 *        refusal must carry a message naming the snapshot; a snapshot
 *        that parses goes through what the tools do with one: every
 *        block's counts, the sum and totals, every statistic as text, a
 *        delta against itself, and the per-function sums over a small
 *        fixed symbol table (kallsyms and modules text in memfds, read
 *        once through /proc/self/fd).
 * Seeds: tests/unit/fuzz-seeds/snapshot/ (README there).
 * Output: none of its own; a crash, a sanitizer report or a refusal
 *        without the snapshot's name aborts (libFuzzer saves the input).
 * Owns: nothing.
 * Must never: read /proc/kdbt, the host's kallsyms, or write a file.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "libkdbt.h"

#define NAME	"fuzz-snapshot"

/* The seeds' blocks are in the core kernel and in module "loop". */
static const char kallsyms_text[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000100 T alpha\n"
	"ffffffff81000140 t beta\n"
	"ffffffff81000200 T _etext\n"
	"ffffffffc0123000 t loop_init\t[loop]\n"
	"ffffffffc0123010 t loop_probe\t[loop]\n";
static const char modules_text[] =
	"loop 7936 0 - Live 0xffffffffc0123000\n";

static struct kdbt_syms syms;

/* A memfd holding @text, named by its /proc/self/fd path in @path. */
static void memfd_path(const char *text, char *path, size_t len)
{
	int fd = memfd_create("fuzz-fixture", 0);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	snprintf(path, len, "/proc/self/fd/%d", fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char kallsyms[64], modules[64];
	struct kdbt_err err = { 0 };

	(void)argc;
	(void)argv;
	memfd_path(kallsyms_text, kallsyms, sizeof(kallsyms));
	memfd_path(modules_text, modules, sizeof(modules));
	if (kdbt_syms_load(&syms, kallsyms, modules, &err)) {
		fprintf(stderr, "fuzz_snapshot: fixture symbols: %s\n", err.msg);
		abort();
	}
	return 0;
}

static void use_counts(const struct kdbt_snap *s)
{
	const struct kdbt_snap_block *b;
	struct kdbt_counts c;
	char text[KDBT_STAT_TEXT];
	unsigned int i;

	kdbt_snap_for_each_block(s, b) {
		kdbt_block_counts(s, b, &c);
		(void)kdbt_kind_name(b->kind);
	}
	kdbt_snap_sum(s, &c);
	kdbt_snap_totals(s, &c);
	for (i = 0; i < KDBT_STAT_NR; i++)
		kdbt_snap_stat(s, i, text, sizeof(text));
}

static void delta_with_itself(const struct kdbt_snap *s)
{
	struct kdbt_err err = { 0 };
	struct kdbt_snap d;

	memset(&d, 0, sizeof(d));
	if (!kdbt_snap_delta(&d, s, s, &err))
		use_counts(&d);
	kdbt_snap_free(&d);
}

static void function_sums(const struct kdbt_snap *s)
{
	struct kdbt_err err = { 0 };
	struct kdbt_func *funcs = NULL;
	size_t nfuncs = 0;

	if (!kdbt_funcs_build(s, &syms, &funcs, &nfuncs, &err))
		free(funcs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdbt_err err = { 0 };
	struct kdbt_snap s;

	memset(&s, 0, sizeof(s));
	if (kdbt_snap_parse(&s, data, size, NAME, &err)) {
		if (strncmp(err.msg, NAME ": ", strlen(NAME ": ")))
			abort();	/* a refusal that names no snapshot */
		kdbt_snap_free(&s);
		return 0;
	}
	use_counts(&s);
	delta_with_itself(&s);
	function_sums(&s);
	kdbt_snap_free(&s);
	return 0;
}
