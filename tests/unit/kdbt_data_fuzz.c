// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt_data_fuzz.c - unit test and fuzzer of the kdbt.data format
 * (kdbt-record/kdbt_data.h), built with AddressSanitizer and UBSan.
 *
 * Usage: kdbt_data_fuzz make FILE [VARIANT]
 *        kdbt_data_fuzz check DIR
 *        kdbt_data_fuzz fuzz FILE [REPORT] [RANDOM] [FUNC]
 *
 * make:  write a synthetic recording with known counts (VARIANT 0: a
 *        getppid loop; 1: reads of /dev/zero, a module's function, a
 *        cache flush with unattributed counts; 2: no samples at all;
 *        3: samples that counted nothing, as with the counters off;
 *        4: variant 1's counts without the flush, under hostile names:
 *        escape sequences, a newline, bytes that are not UTF-8 and a C1
 *        control in a symbol, a module, the host name, the release and
 *        the command line; EVIL_* below).  Variants 1 and 4 have the
 *        blocks' edges (KDBT_REC_EDGES): in 1, read_zero's first block
 *        is derived and its taken copy is its second (its je: taken
 *        24000, fell through 0, tests/record/format.sh); in 4 it is not
 *        derived (taken ?); 0 has no edges.
 * check: the round trip (what the writer wrote is what the reader reads,
 *        hostile names byte for byte),
 *        every refusal of the reader with its message (empty, truncated,
 *        wrong magic, other byte order, newer version, unfinished,
 *        trailing bytes, no samples, bad section table, damaged module
 *        build ids or code; a newer module build id or code section
 *        skipped), writing safely
 *        (.old, no file left after an abort, no file without a complete
 *        write), and the build id parser; files go to DIR.
 * fuzz:  damage FILE (a real or synthetic recording) many ways: a
 *        truncation at every byte of its header and section table and at
 *        RANDOM (default 2000) other places, flips of every bit of the
 *        header, the section table and each section's first 32 bytes,
 *        and RANDOM random flips; each is parsed and, if it parses,
 *        reported in every view (a large recording: one in 25), in this
 *        process (under the sanitizers).
 *        With REPORT (a sanitizer build of kdbt-report), every truncation
 *        and field change of the header and section table is also given
 *        to it, in each format and as --annotate FUNC (default
 *        read_zero): it must exit 0, or 1 with a message naming the file.
 * Output: "PASS name" / "FAIL name: why" lines; exit status 1 on a FAIL.
 * Owns: the synthetic recordings the format tests use.
 * Must never: depend on /proc/kdbt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kdbt_data.h"
#include "report.h"
#include "sysinfo.h"

static int failures;

__attribute__((format(printf, 2, 3)))
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "PASS " : "FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !ok;
}

/* ------------------------------------------------------------------ */
/* A synthetic recording                                              */
/* ------------------------------------------------------------------ */

#define K	0xffffffff81000000ULL
#define M	0xffffffffc0000100ULL

static const struct { __u64 start, size; const char *name; int mod; } fsyms[] = {
	{ K + 0x000, 0x100, "do_syscall_64", 0 },
	{ K + 0x100, 0x080, "__do_sys_getppid", 0 },
	{ K + 0x180, 0x080, "__task_pid_nr_ns", 0 },
	{ K + 0x200, 0x060, "read_zero", 0 },
	{ K + 0x300, 0x100, "ksys_read", 0 },
	{ M, 0x100, "lo_rw_aio", 1 },
};

/*
 * The blocks; the direct calls' and jmps' targets (kdbt-report --callers,
 * --callees, --arcs): do_syscall_64 calls ksys_read, __do_sys_getppid
 * calls __task_pid_nr_ns, __task_pid_nr_ns tail-calls read_zero (a jmp
 * block listed twice: its copy), ksys_read jumps to its own start (a
 * loop, not a tail call), the block without a symbol jumps into the
 * middle of ksys_read (not a tail call either).
 */
static const struct {
	__u64 native;
	__u16 insns;
	__u8 kind;
	__u64 target;
} fblocks[] = {
	{ K + 0x000, 10, KDBT_KIND_CALL, K + 0x300 },	/* do_syscall_64 */
	{ K + 0x040, 8, KDBT_KIND_CALL_IND, 0 },
	{ K + 0x080, 5, KDBT_KIND_RET, 0 },
	{ K + 0x100, 12, KDBT_KIND_CALL, K + 0x180 },	/* __do_sys_getppid */
	{ K + 0x130, 4, KDBT_KIND_RET, 0 },
	{ K + 0x180, 20, KDBT_KIND_JMP, K + 0x200 },	/* __task_pid_nr_ns */
	{ K + 0x1c0, 6, KDBT_KIND_RET, 0 },
	{ K + 0x200, 15, KDBT_KIND_JCC, 0 },	/* read_zero */
	{ K + 0x250, 3, KDBT_KIND_RET, 0 },
	{ K + 0x300, 9, KDBT_KIND_CALL_IND, 0 },	/* ksys_read */
	{ K + 0x340, 2, KDBT_KIND_JMP, K + 0x300 },
	{ M + 0x000, 7, KDBT_KIND_JMP_IND, 0 },	/* lo_rw_aio [loop] */
	{ 0xffffffff90000000ULL, 3, KDBT_KIND_JMP, K + 0x310 },	/* no symbol */
	{ K + 0x180, 20, KDBT_KIND_JMP, K + 0x200 },	/* a copy (kdbt(4)) */
};

/*
 * read_zero's code (CODE, kdbt-report --annotate; every variant has it):
 * its first block (15 instructions, 60 bytes, ending in a je), the path
 * the je skips (no block: counts 0), its second block (3 instructions,
 * 12 bytes, a ret), padding.  The golden listing is in
 * tests/record/format.sh.
 */
static const __u8 read_zero_code[0x60] = {
	0x0f, 0x1f, 0x44, 0x00, 0x00,			/* nopl */
	0x55,						/* push %rbp */
	0x48, 0x89, 0xe5,				/* mov %rsp,%rbp */
	0x41, 0x55, 0x41, 0x54, 0x41, 0x56,		/* push r13 r12 r14 */
	0x48, 0x89, 0xfb,				/* mov %rdi,%rbx */
	0x49, 0x89, 0xf4,				/* mov %rsi,%r12 */
	0x48, 0x8b, 0x87, 0x08, 0x10, 0x00, 0x00,	/* mov 0x1008(%rdi) */
	0x48, 0xb9, 0x00, 0x10, 0, 0, 0, 0, 0, 0,	/* movabs $0x1000 */
	0x48, 0x39, 0xc8,				/* cmp %rcx,%rax */
	0x48, 0x0f, 0x47, 0xc1,				/* cmova */
	0x48, 0x8d, 0x54, 0x03, 0x00,			/* lea */
	0x48, 0x83, 0xf8, 0x00,				/* cmp $0,%rax */
	0x0f, 0x84, 0x14, 0x00, 0x00, 0x00,		/* je +0x50 */
	0x4c, 0x89, 0xe7,				/* mov %r12,%rdi */
	0x48, 0x89, 0xc6,				/* mov %rax,%rsi */
	0xe8, 0xb9, 0x00, 0x00, 0x00,			/* call ksys_read */
	0xeb, 0x07,					/* jmp +0x50 */
	0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00,	/* nopl */
	0x48, 0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00,	/* +0x50: mov */
	0x48, 0x01, 0xd0,				/* add %rdx,%rax */
	0xc3,						/* ret */
	0xcc, 0xcc, 0xcc, 0xcc,				/* int3 */
};

/*
 * Variant 4's names: what a crafted file could carry to a terminal (the
 * tests look for them escaped, tests/record/format.sh).
 */
#define EVIL_SYM	"__do_sys_\033[2J\nevil"
#define EVIL_MOD	"lo\033]0;pwned\007op\xff"
#define EVIL_HOST	"host\r\033[31m\xc2\x9b" "1m"
#define EVIL_RELEASE	"6.1.0\x7f\xe2\x82"
#define EVIL_ARG	"\033[2J\xc3\xa9t\xc3\xa9"

#define NBLOCKS	(sizeof(fblocks) / sizeof(fblocks[0]))
#define NSYMS	(sizeof(fsyms) / sizeof(fsyms[0]))
#define NIVLS	3

/* Executions of block @b in interval @i of @variant. */
static __u64 fexec(int variant, unsigned int b, unsigned int i)
{
	__u64 n = 1000 * (i + 1);

	if (variant == 3)
		return 0;			/* counters off */
	if (b <= 2 || b == 12)
		return n + 17 * i + b;			/* every system call */
	if (variant == 0)
		return b <= 6 ? n : (b <= 10 ? 3 : 0);	/* getppid */
	if (b <= 6)
		return 2;
	return b <= 10 ? 4 * n : 50 * (i + 1);	/* reads, a module */
}

static __u64 fmiss(unsigned int b, unsigned int i)
{
	return fblocks[b].kind == KDBT_KIND_CALL_IND ||
		fblocks[b].kind == KDBT_KIND_JMP_IND ? 3 + i : 0;
}

/*
 * The modules: loop (the module with rows, a 20-byte build id), nvme (a
 * 16-byte one) and bpf (a kallsyms tag: no build id).
 */
static void model_modules(struct kdbt_rec *r)
{
	static const char *const names[] = { "kernel", "loop", "nvme", "bpf" };
	unsigned int i;

	r->syms.nmods = 4;
	r->syms.mods = calloc(4, sizeof(*r->syms.mods));
	r->mod_build_ids = calloc(4, sizeof(*r->mod_build_ids));
	for (i = 0; i < 4; i++)
		strcpy(r->syms.mods[i].name, names[i]);
	r->syms.mods[1].start = M - 0x100;
	r->syms.mods[1].size = 0x8000;
	r->syms.mods[2].start = M + 0x10000;
	r->syms.mods[2].size = 0x4000;
	for (i = 0; i < 20; i++)
		r->mod_build_ids[1].id[i] = 0xe0 - 7 * i;
	r->mod_build_ids[1].len = 20;
	for (i = 0; i < 16; i++)
		r->mod_build_ids[2].id[i] = 0x11 * i;
	r->mod_build_ids[2].len = 16;
}

static void model(struct kdbt_rec *r, int variant)
{
	static char *argv[] = { "kdbt-record", "-o", "x.data", "--",
				"getppid", "1000000", NULL };
	static char *evil_argv[] = { "kdbt-record", "-o", "x.data", "--",
				     "getppid", EVIL_ARG, NULL };
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->info = (struct kdbt_data_info){
		.start_realtime_ns = 1764000000ULL * 1000000000ULL,
		.start_ns = 1000000000ULL, .end_ns = 4000000000ULL,
		.interval_ns = 1000000000ULL, .ncpus = 2,
		.snap_flags = KDBT_SNAP_COUNTERS,
		.rec_flags = KDBT_REC_SWITCHED_ON | KDBT_REC_SWITCHED_OFF |
			KDBT_REC_COMMAND | KDBT_REC_TARGETS |
			(variant == 1 || variant == 4 ? KDBT_REC_EDGES : 0),
		.snap_version = 1, .flushes = variant == 1,
	};
	kdbt_rec_set_string(r, "sysname", "Linux");
	kdbt_rec_set_string(r, "hostname", variant == 4 ? EVIL_HOST :
			    "fuzzhost");
	kdbt_rec_set_string(r, "release", variant == 4 ? EVIL_RELEASE :
			    "6.1.0-test");
	kdbt_rec_set_string(r, "machine", "x86_64");
	kdbt_rec_set_string(r, "kdbt_release", KDBT_RELEASE);
	for (i = 0; i < 20; i++)
		r->build_id[i] = i * 13;
	r->build_id_len = 20;
	r->argv = variant == 4 ? evil_argv : argv;
	r->argc = 6;
	r->command = 4;
	model_modules(r);
	if (variant == 4)
		strcpy(r->syms.mods[1].name, EVIL_MOD);
	r->syms.syms = calloc(NSYMS, sizeof(*r->syms.syms));
	for (i = 0; i < NSYMS; i++)
		r->syms.syms[i] = (struct kdbt_sym){
			fsyms[i].start, fsyms[i].size, fsyms[i].name,
			r->syms.mods[fsyms[i].mod].name };
	if (variant == 4)
		r->syms.syms[1].name = EVIL_SYM;
	r->syms.nsyms = NSYMS;
	r->blocks = calloc(NBLOCKS, sizeof(*r->blocks));
	for (i = 0; i < NBLOCKS; i++)
		r->blocks[i] = (struct kdbt_data_block){
			.native = fblocks[i].native, .id = i + 1,
			.insns = fblocks[i].insns, .native_len = 4 * fblocks[i].insns,
			.kind = fblocks[i].kind, .target = fblocks[i].target };
	if (variant == 1) {	/* read_zero: derived, its je's taken copy */
		r->blocks[7].flags = KDBT_BLOCK_DERIVED;
		r->blocks[8].edge = KDBT_EDGE_TAKEN;
		r->blocks[8].edge_of = fblocks[7].native;
	}
	r->nblocks = NBLOCKS;
	r->code = calloc(1, sizeof(*r->code));
	r->code[0] = (struct kdbt_rec_code){ fsyms[3].start,
					     sizeof(read_zero_code),
					     read_zero_code };
	r->ncode = 1;
}

static void free_model(struct kdbt_rec *r)
{
	free(r->strings);
	free(r->syms.syms);
	free(r->syms.mods);
	free(r->mod_build_ids);
	free(r->blocks);
	free(r->code);
}

/* Interval @i of @variant: its records and the kernel's totals. */
static void interval(int variant, unsigned int i, struct kdbt_data_interval *h,
		     struct kdbt_data_rec *recs)
{
	unsigned int b;
	__u64 e;

	memset(h, 0, sizeof(*h));
	h->start_ns = 1000000000ULL * (i + 1);
	h->end_ns = h->start_ns + 1000000000ULL;
	for (b = 0; b < NBLOCKS; b++) {
		e = fexec(variant, b, i);
		if (!e)
			continue;
		recs[h->nrecs++] = (struct kdbt_data_rec){ b, 0, e, fmiss(b, i) };
		h->instructions += e * fblocks[b].insns;
		h->block_executions += e;
		h->indirect_calls += fblocks[b].kind == KDBT_KIND_CALL_IND ? e : 0;
		h->indirect_jumps += fblocks[b].kind == KDBT_KIND_JMP_IND ? e : 0;
		h->returns += fblocks[b].kind == KDBT_KIND_RET ? e : 0;
		h->jumptable_misses += fmiss(b, i);
	}
	if (variant == 1 && i == NIVLS - 1) {	/* a flush: 500 unattributed */
		h->flags = KDBT_IVL_FLUSH;
		h->instructions += 500;
		h->block_executions += 50;
		h->retired_instructions = 500;
	}
}

static int make(const char *path, int variant, struct kdbt_err *err)
{
	struct kdbt_data_rec recs[NBLOCKS];
	struct kdbt_data_interval h;
	struct kdbt_data_writer w;
	struct kdbt_rec r;
	unsigned int i;
	int ret;

	model(&r, variant);
	ret = kdbt_data_create(&w, path, err);
	for (i = 0; !ret && variant != 2 && i < NIVLS; i++) {
		interval(variant, i, &h, recs);
		ret = kdbt_data_add_interval(&w, &h, recs, err);
	}
	if (!ret)
		ret = kdbt_data_finish(&w, &r, err);
	else
		kdbt_data_abort(&w);
	free_model(&r);
	return ret;
}

/* ------------------------------------------------------------------ */
/* check                                                              */
/* ------------------------------------------------------------------ */

static int same_build_id(const struct kdbt_build_id *a,
			 const struct kdbt_build_id *b)
{
	return a && b ? a->len == b->len && !memcmp(a->id, b->id, a->len) :
		a == b;
}

static int same_model(const struct kdbt_rec *a, const struct kdbt_rec *b)
{
	size_t i;

	if (memcmp(&a->info, &b->info, sizeof(a->info)) ||
	    a->strings_len != b->strings_len ||
	    memcmp(a->strings, b->strings, a->strings_len) ||
	    a->build_id_len != b->build_id_len ||
	    memcmp(a->build_id, b->build_id, a->build_id_len) ||
	    a->argc != b->argc || a->command != b->command ||
	    a->syms.nsyms != b->syms.nsyms || a->syms.nmods != b->syms.nmods ||
	    a->nblocks != b->nblocks ||
	    memcmp(a->blocks, b->blocks, a->nblocks * sizeof(*a->blocks)))
		return 0;
	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]))
			return 0;
	for (i = 0; i < a->syms.nsyms; i++)
		if (a->syms.syms[i].start != b->syms.syms[i].start ||
		    a->syms.syms[i].size != b->syms.syms[i].size ||
		    strcmp(a->syms.syms[i].name, b->syms.syms[i].name) ||
		    strcmp(a->syms.syms[i].module, b->syms.syms[i].module))
			return 0;
	for (i = 0; i < a->syms.nmods; i++)
		if (strcmp(a->syms.mods[i].name, b->syms.mods[i].name) ||
		    a->syms.mods[i].start != b->syms.mods[i].start ||
		    !same_build_id(kdbt_rec_module_build_id(a, i),
				   kdbt_rec_module_build_id(b, i)))
			return 0;
	if (!a->code != !b->code || a->ncode != b->ncode)
		return 0;
	for (i = 0; i < a->ncode; i++)
		if (a->code[i].start != b->code[i].start ||
		    a->code[i].size != b->code[i].size ||
		    memcmp(a->code[i].bytes, b->code[i].bytes, a->code[i].size))
			return 0;
	return !a->mod_build_ids == !b->mod_build_ids;
}

static void check_round_trip(const char *dir)
{
	struct kdbt_data_rec recs[NBLOCKS];
	struct kdbt_data_interval h;
	struct kdbt_rec want, got;
	struct kdbt_err err = { 0 };
	char path[4096];
	unsigned int i, ok;
	int v;

	for (v = 0; v < 5; v += v == 1 ? 3 : 1) {	/* 0, 1, 4 */
		snprintf(path, sizeof(path), "%s/rt%d.data", dir, v);
		if (make(path, v, &err) || kdbt_rec_read(&got, path, &err)) {
			result(0, "format/round-trip-%d: %s", v, err.msg);
			continue;
		}
		model(&want, v);
		ok = same_model(&want, &got) && got.nivls == NIVLS;
		for (i = 0; ok && i < NIVLS; i++) {
			interval(v, i, &h, recs);
			h.header_size = sizeof(h);
			h.rec_size = sizeof(recs[0]);
			ok = !memcmp(&h, &got.ivls[i].h, sizeof(h)) &&
				!memcmp(recs, got.ivls[i].recs,
					h.nrecs * sizeof(recs[0]));
		}
		result(ok, "format/round-trip-%d%s", v,
		       ok ? "" : ": what was read differs from what was written");
		free_model(&want);
		kdbt_rec_free(&got);
	}
}

/* Read @buf as a file named @name: it must fail with @code and @text. */
static void expect_refusal(const char *test, const void *buf, size_t len,
			   int code, const char *text)
{
	struct kdbt_err err = { 0 };
	struct kdbt_rec r;
	int ret;

	ret = kdbt_rec_parse(&r, buf, len, "F.data", &err);
	if (!ret)
		kdbt_rec_free(&r);
	result(ret == code && strstr(err.msg, text) &&
	       !strncmp(err.msg, "F.data: ", 8),
	       "format/refuse-%s%s%s (%d)", test, ret == code ? "" : ": got: ",
	       ret == code ? "" : err.msg, ret);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

static void put_u32(unsigned char *p, size_t off, __u32 v)
{
	memcpy(p + off, &v, 4);
}

static void put_u64(unsigned char *p, size_t off, __u64 v)
{
	memcpy(p + off, &v, 8);
}

/* The offset of the section of @type in the file @buf, or 0. */
static size_t section_offset(const unsigned char *buf,
			     const struct kdbt_data_header *h, __u32 type)
{
	struct kdbt_data_section s;
	__u32 i;

	for (i = 0; i < h->nsections; i++) {
		memcpy(&s, buf + h->sections_offset + i * h->section_size,
		       sizeof(s));
		if (s.type == type)
			return s.offset;
	}
	return 0;
}

/*
 * Parse a copy (in @b2) of the recording @buf whose section of @type
 * claims version 2, which this reader does not know: it must skip it.
 */
static int parse_newer(const unsigned char *buf, size_t len,
		       const struct kdbt_data_header *h, unsigned char *b2,
		       __u32 type, struct kdbt_rec *r, struct kdbt_err *err)
{
	memcpy(b2, buf, len);
	for (size_t i = 0; i < h->nsections; i++) {
		size_t e = h->sections_offset + i * h->section_size;
		__u32 t;

		memcpy(&t, b2 + e, 4);
		if (t == type)
			put_u32(b2, e + 4, 2);
	}
	return kdbt_rec_parse(r, b2, len, "F.data", err);
}

/*
 * A damaged MODULE_BUILD_IDS section (loop's entry, then nvme's) is
 * refused, naming the file and the section; the section made newer is
 * skipped, and so is one of a type this reader would not know.
 */
static void check_module_build_id_refusals(const unsigned char *buf,
					   size_t len,
					   const struct kdbt_data_header *h,
					   unsigned char *b2)
{
	size_t off = section_offset(buf, h, KDBT_SEC_MODULE_BUILD_IDS);
	size_t e0 = off + 8, e1 = e0 + sizeof(struct kdbt_data_module_build_id);
	struct kdbt_err err = { 0 };
	struct kdbt_rec r;
	int ret;

	if (!off) {
		result(0, "format/refuse-module-build-ids: no section");
		return;
	}
#define DAMAGE(at, v) (memcpy(b2, buf, len), put_u32(b2, (at), (v)))
	DAMAGE(off, 3);
	expect_refusal("module-build-ids-count", b2, len, -EBADMSG,
		       "module_build_ids: 3 entries of 72 bytes do not fit");
	DAMAGE(off + 4, 40);
	expect_refusal("module-build-ids-entry-size", b2, len, -EBADMSG,
		       "module_build_ids: entry size 40 is smaller");
	DAMAGE(e0, 4);
	expect_refusal("module-build-ids-module", b2, len, -EBADMSG,
		       "module_build_ids: entry 0 is for module 4, not one of modules 1..3");
	DAMAGE(e0, 0);
	expect_refusal("module-build-ids-kernel", b2, len, -EBADMSG,
		       "entry 0 is for module 0");
	DAMAGE(e1, 1);
	expect_refusal("module-build-ids-twice", b2, len, -EBADMSG,
		       "entry 1 is for module 1, after module 1 (not ascending)");
	DAMAGE(e0 + 4, 65);
	expect_refusal("module-build-ids-size", b2, len, -EBADMSG,
		       "entry 0 has a build id of 65 bytes (1..64)");
	DAMAGE(e1 + 4, 0);
	expect_refusal("module-build-ids-empty", b2, len, -EBADMSG,
		       "entry 1 has a build id of 0 bytes");
#undef DAMAGE
	/* A newer version of the section: skipped, no ids. */
	ret = parse_newer(buf, len, h, b2, KDBT_SEC_MODULE_BUILD_IDS, &r, &err);
	result(!ret && !r.mod_build_ids, "format/module-build-ids-newer-skipped%s%s",
	       ret ? ": " : "", ret ? err.msg : "");
	if (!ret)
		kdbt_rec_free(&r);
}

/*
 * A damaged CODE section (one entry, read_zero's 0x60 bytes) is refused,
 * naming the file and the section; the section made newer is skipped.
 */
static void check_code_refusals(const unsigned char *buf, size_t len,
				const struct kdbt_data_header *h,
				unsigned char *b2)
{
	size_t off = section_offset(buf, h, KDBT_SEC_CODE);
	size_t e0 = off + sizeof(struct kdbt_data_codetab);
	struct kdbt_err err = { 0 };
	struct kdbt_rec r;
	int ret;

	if (!off) {
		result(0, "format/refuse-code: no section");
		return;
	}
#define DAMAGE(at, v) (memcpy(b2, buf, len), put_u32(b2, (at), (v)))
	DAMAGE(off, 8);
	expect_refusal("code-count", b2, len, -EBADMSG,
		       "code: 8 entries of 16 bytes do not fit");
	DAMAGE(off + 8, 0x61);
	expect_refusal("code-truncated", b2, len, -EBADMSG,
		       "code: 97 bytes of code run past the section (truncated?)");
	DAMAGE(e0, 0x81000201);
	expect_refusal("code-start", b2, len, -EBADMSG,
		       "code: entry 0 at 0xffffffff81000201 is not the start of a symbol");
	DAMAGE(e0 + 8, 0x61);
	expect_refusal("code-size", b2, len, -EBADMSG,
		       "code: entry 0 has 97 bytes (its symbol 96");
	DAMAGE(e0 + 12, 1);
	expect_refusal("code-offset", b2, len, -EBADMSG,
		       "code: the 96 bytes of entry 0 at offset 1 run past the 96 bytes of code");
#undef DAMAGE
	ret = parse_newer(buf, len, h, b2, KDBT_SEC_CODE, &r, &err);
	result(!ret && !r.code, "format/code-newer-skipped%s%s",
	       ret ? ": " : "", ret ? err.msg : "");
	if (!ret)
		kdbt_rec_free(&r);
}

static void check_refusals(const char *dir)
{
	struct kdbt_data_header h;
	unsigned char *buf, *b2;
	char path[4096];
	size_t len;

	snprintf(path, sizeof(path), "%s/rt0.data", dir);
	buf = slurp(path, &len);
	if (!buf) {
		result(0, "format/refusals: cannot read %s", path);
		return;
	}
	memcpy(&h, buf, sizeof(h));
	b2 = malloc(len + 16);
	expect_refusal("empty", buf, 0, -ENODATA, "empty file");
	expect_refusal("tiny", buf, 5, -EBADMSG, "truncated");
	expect_refusal("header", buf, 40, -EBADMSG, "truncated header");
	expect_refusal("truncated", buf, len - 1, -EBADMSG, "truncated");
	memcpy(b2, buf, len);
	memset(b2 + len, 0, 16);
	expect_refusal("trailing", b2, len + 16, -EBADMSG, "bytes after the end");
	put_u64(b2, 0, 0x1234567890abcdefULL);
	expect_refusal("magic", b2, len, -EBADMSG, "not a kdbt recording");
	put_u64(b2, 0, __builtin_bswap64(KDBT_DATA_MAGIC));
	expect_refusal("byte-order", b2, len, -EBADMSG, "other byte order");
	put_u64(b2, 0, KDBT_SNAP_MAGIC);
	expect_refusal("snapshot", b2, len, -EBADMSG, "snapshot, not a recording");
	memcpy(b2, buf, len);
	put_u32(b2, 8, KDBT_DATA_VERSION + 1);
	expect_refusal("newer-version", b2, len, -EPROTO, "is newer than this tool");
	memcpy(b2, buf, len);
	put_u64(b2, 16, 0);
	expect_refusal("unfinished", b2, len, -EBADMSG, "unfinished recording");
	memcpy(b2, buf, len);
	put_u64(b2, 32, len);
	expect_refusal("table-offset", b2, len, -EBADMSG, "bad section table");
	memcpy(b2, buf, len);
	put_u64(b2, 24, h.features & ~(1ULL << KDBT_SEC_STRINGS));
	expect_refusal("features", b2, len, -EBADMSG, "feature bitmap");
	/* The symbols section's version made newer: required, refused. */
	memcpy(b2, buf, len);
	for (size_t i = 0; i < h.nsections; i++) {
		size_t e = h.sections_offset + i * h.section_size;
		__u32 type;

		memcpy(&type, b2 + e, 4);
		if (type == KDBT_SEC_SYMBOLS)
			put_u32(b2, e + 4, 2);
		if (type == KDBT_SEC_STRINGS)	/* optional: skipped */
			put_u32(b2, e + 4, 9);
	}
	expect_refusal("section-version", b2, len, -EPROTO, "section symbols version 2");
	check_module_build_id_refusals(buf, len, &h, b2);
	check_code_refusals(buf, len, &h, b2);
	free(b2);
	free(buf);
	snprintf(path, sizeof(path), "%s/empty.data", dir);
	if (make(path, 2, NULL) || !(buf = slurp(path, &len))) {
		result(0, "format/refuse-no-samples: cannot make %s", path);
		return;
	}
	expect_refusal("no-samples", buf, len, -ENODATA, "empty recording: no samples");
	free(buf);
}

static int count_files(const char *dir, const char *prefix)
{
	char cmd[4200];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c '^%s'", dir, prefix);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static void check_writer(const char *dir)
{
	struct kdbt_err err = { 0 };
	struct kdbt_data_writer w;
	struct kdbt_rec r;
	char path[4096], old[4200];
	int ret;

	snprintf(path, sizeof(path), "%s/w/kdbt.data", dir);
	snprintf(old, sizeof(old), "%s/w", dir);
	mkdir(old, 0755);
	snprintf(old, sizeof(old), "%s.old", path);
	ret = make(path, 0, &err) || make(path, 1, &err);
	result(!ret && !access(old, F_OK) && !kdbt_rec_read(&r, old, &err) &&
	       r.info.flushes == 0, "format/writer-keeps-old%s%s",
	       ret ? ": " : "", ret ? err.msg : "");
	kdbt_rec_free(&r);
	ret = kdbt_rec_read(&r, path, &err);
	result(!ret && r.info.flushes == 1, "format/writer-replaces%s%s",
	       ret ? ": " : "", ret ? err.msg : "");
	kdbt_rec_free(&r);
	snprintf(old, sizeof(old), "%s/w", dir);
	ret = kdbt_data_create(&w, path, &err);
	result(!ret && count_files(old, "\\.kdbt.data.") == 1,
	       "format/writer-temporary-beside");
	if (!ret)
		kdbt_data_abort(&w);
	result(count_files(old, "\\.kdbt.data.") == 0 &&
	       count_files(old, "kdbt.data") == 2,
	       "format/writer-abort-leaves-nothing");
	snprintf(path, sizeof(path), "%s/no/such/dir/kdbt.data", dir);
	ret = kdbt_data_create(&w, path, &err);
	result(ret == -ENOENT && strstr(err.msg, "cannot create"),
	       "format/writer-bad-directory (%s)", err.msg);
}

static void check_build_id(void)
{
	unsigned char notes[128] = { 0 }, id[64];
	size_t off = 0, n;
	/* A Xen note (name "Xen", desc 4 bytes), then the GNU build id. */
	__u32 xen[3] = { 4, 4, 6 }, gnu[3] = { 4, 20, 3 };

	memcpy(notes + off, xen, 12);
	memcpy(notes + off + 12, "Xen", 4);
	off += 12 + 4 + 4;
	memcpy(notes + off, gnu, 12);
	memcpy(notes + off + 12, "GNU", 4);
	for (n = 0; n < 20; n++)
		notes[off + 16 + n] = 0xa0 + n;
	off += 12 + 4 + 20;
	n = kdbt_notes_build_id(notes, off, id, sizeof(id));
	result(n == 20 && id[0] == 0xa0 && id[19] == 0xb3,
	       "format/build-id-from-notes");
	result(!kdbt_notes_build_id(notes, off - 1, id, sizeof(id)) &&
	       !kdbt_notes_build_id(notes, 7, id, sizeof(id)),
	       "format/build-id-truncated-notes");
}

/* ------------------------------------------------------------------ */
/* fuzz                                                               */
/* ------------------------------------------------------------------ */

/* The views of kdbt-report runs; "annotate": --annotate FUNC. */
static const char *const views[] = { "table", "json", "csv", "folded",
				      "pprof", "prometheus", "annotate" };

/* Parse a damaged copy; if it parses and @full, report it every way. */
static int try_parse(const unsigned char *buf, size_t len, int full)
{
	struct report_opts o = { .top = 0 };
	struct kdbt_err err = { 0 };
	const struct report_view *v;
	struct kdbt_rec r;
	struct report rp;
	struct diff d;
	FILE *null;
	unsigned int i;
	int ret;

	ret = kdbt_rec_parse(&r, buf, len, "M.data", &err);
	if (ret)
		return strncmp(err.msg, "M.data: ", 8) ? -1 : 0;
	if (!full) {
		kdbt_rec_free(&r);
		return 1;
	}
	null = fopen("/dev/null", "w");
	for (i = 0; i < 2 && null; i++) {
		o.blocks = i;
		o.intervals = !i;
		if (!report_build(&rp, &o, &r, "M.data", &err)) {
			for (v = report_views; v->name; v++) {
				if (v->report_rc)
					v->report_rc(null, &rp);
				else
					v->report(null, &rp);
				if (v->intervals)
					v->intervals(null, &rp);
			}
		}
		report_free(&rp);
	}
	o.diff_old = o.diff_new = "M.data";
	if (null && !diff_build(&d, &o, &r, &r, &err))
		diff_table(null, &d);
	diff_free(&d);
	kdbt_rec_print_header(&r, null);
	if (null)
		fclose(null);
	kdbt_rec_free(&r);
	return 1;
}

/* Run kdbt-report on a damaged file: exit 0, or 1 naming the file. */
static int try_report(const char *report, const char *path, const char *fmt,
		      const char *func)
{
	char errpath[4200], msg[512] = "";
	int status, fd;
	pid_t pid;
	FILE *f;

	snprintf(errpath, sizeof(errpath), "%s.err", path);
	pid = fork();
	if (!pid) {
		fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		if (!strcmp(fmt, "annotate"))
			execl(report, report, "--stdio", "--annotate", func,
			      "-i", path, (char *)NULL);
		else
			execl(report, report, "--stdio", "--format", fmt, "-i",
			      path, (char *)NULL);
		_exit(126);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	f = fopen(errpath, "r");
	if (f) {
		if (!fgets(msg, sizeof(msg), f))
			msg[0] = '\0';
		fclose(f);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		!strncmp(msg, "kdbt-report: ", 13) &&
		!strncmp(msg + 13, path, strlen(path));
}

struct fuzz {
	const unsigned char *orig;
	size_t len;
	unsigned char *buf;
	const char *report;
	const char *func;	/* for --annotate */
	char path[4096];
	unsigned long cases, parsed, reported, bad, execs, bad_execs;
	char first_bad[256];
};

/* A real recording: megabytes, each read of it costs milliseconds. */
#define FUZZ_LARGE	(64 << 10)

/*
 * Reporting a recording costs more than reading it: a large (real)
 * recording that still parses is reported in every view once in 25.
 */
static void fuzz_case(struct fuzz *z, size_t len, int exec, const char *what)
{
	int full = z->len < FUZZ_LARGE || z->parsed % 25 == 0;
	int r = try_parse(z->buf, len, full);

	z->cases++;
	z->parsed += r > 0;
	z->reported += r > 0 && full;
	if (r < 0 && !z->bad++)
		snprintf(z->first_bad, sizeof(z->first_bad), "%s", what);
	if (!exec || !z->report)
		return;
	FILE *f = fopen(z->path, "w");

	if (!f || fwrite(z->buf, 1, len, f) != len || fclose(f))
		return;
	z->execs++;
	if (!try_report(z->report, z->path,
			views[z->execs % (sizeof(views) / sizeof(views[0]))],
			z->func) &&
	    !z->bad_execs++)
		snprintf(z->first_bad, sizeof(z->first_bad), "kdbt-report on %s",
			 what);
}

/* Flip @mask into the @width bytes at @off, test, and restore. */
static void flip(struct fuzz *z, size_t off, size_t width, __u64 mask,
		 int exec, const char *what)
{
	char desc[128];
	size_t i;

	if (off + width > z->len)
		return;
	for (i = 0; i < width; i++)
		z->buf[off + i] ^= (mask >> (8 * i)) & 0xff;
	snprintf(desc, sizeof(desc), "%s at %zu mask %#llx", what, off,
		 (unsigned long long)mask);
	fuzz_case(z, z->len, exec, desc);
	memcpy(z->buf + off, z->orig + off, width);
}

/* Every field of the header and of the section table, changed. */
static void fuzz_fields(struct fuzz *z, const struct kdbt_data_header *h)
{
	static const unsigned char hdr_fields[][2] = {
		{ 0, 8 }, { 8, 4 }, { 12, 4 }, { 16, 8 }, { 24, 8 },
		{ 32, 8 }, { 40, 4 }, { 44, 4 },
	};
	static const unsigned char sec_fields[][2] = {
		{ 0, 4 }, { 4, 4 }, { 8, 8 }, { 16, 8 },
	};
	static const __u64 masks[] = { 1, 2, 0x80, 0x8000, 0x80000000,
				       0x8000000000000000ULL, ~0ULL };
	size_t i, j, m, base, w;

	for (i = 0; i < sizeof(hdr_fields) / 2; i++)
		for (m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
			w = hdr_fields[i][1];
			if (w == 4 && masks[m] > 0xffffffffULL && masks[m] != ~0ULL)
				continue;
			flip(z, hdr_fields[i][0], w, w == 4 ? masks[m] & 0xffffffff :
			     masks[m], 1, "header field");
		}
	for (j = 0; j < h->nsections; j++) {
		base = h->sections_offset + j * h->section_size;
		for (i = 0; i < sizeof(sec_fields) / 2; i++)
			for (m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
				w = sec_fields[i][1];
				if (w == 4 && masks[m] > 0xffffffffULL &&
				    masks[m] != ~0ULL)
					continue;
				flip(z, base + sec_fields[i][0], w, w == 4 ?
				     masks[m] & 0xffffffff : masks[m], 1,
				     "section table field");
			}
	}
}

/*
 * Every bit of @n bytes at @off flipped in turn; in a large recording one
 * bit of each byte (the bit number turning with the offset), so that the
 * real recording's systematic flips cost seconds, not a minute.
 */
static void fuzz_bits(struct fuzz *z, size_t off, size_t n, const char *what)
{
	size_t i;
	int b;

	for (i = off; i < off + n && i < z->len; i++)
		for (b = 0; b < 8; b++)
			if (z->len < FUZZ_LARGE || (size_t)b == i % 8)
				flip(z, i, 1, 1u << b, 0, what);
}

static void fuzz(const char *file, const char *report, unsigned long nrandom,
		 const char *func)
{
	struct kdbt_data_header h;
	struct kdbt_data_section s;
	struct fuzz z = { .report = report, .func = func };
	unsigned long i;
	size_t j, len;
	char desc[64];

	z.orig = slurp(file, &z.len);
	if (!z.orig || z.len < sizeof(h)) {
		result(0, "fuzz/input: cannot read a recording from %s", file);
		return;
	}
	z.buf = malloc(z.len);
	memcpy(z.buf, z.orig, z.len);
	memcpy(&h, z.orig, sizeof(h));
	snprintf(z.path, sizeof(z.path), "%s.fuzz", file);
	srandom(1234);
	result(try_parse(z.buf, z.len, 1) > 0, "fuzz/input-parses");
	/* Truncations: every byte of the header and the section table. */
	for (len = 0; len < sizeof(h); len++)
		fuzz_case(&z, len, 1, "truncated header");
	for (len = h.sections_offset; len < z.len; len++)
		fuzz_case(&z, len, 1, "truncated section table");
	for (i = 0; i < nrandom; i++) {
		len = (size_t)random() % z.len;
		snprintf(desc, sizeof(desc), "truncated to %zu", len);
		fuzz_case(&z, len, 0, desc);
	}
	fuzz_fields(&z, &h);
	fuzz_bits(&z, 0, sizeof(h), "header bit");
	fuzz_bits(&z, h.sections_offset, (size_t)h.nsections * h.section_size,
		  "section table bit");
	for (j = 0; j < h.nsections; j++) {
		memcpy(&s, z.orig + h.sections_offset + j * h.section_size,
		       sizeof(s));
		fuzz_bits(&z, s.offset, s.size < 32 ? s.size : 32,
			  kdbt_data_sec_name(s.type));
	}
	for (i = 0; i < nrandom; i++)
		flip(&z, (size_t)random() % z.len, 1, 1u << (random() % 8), 0,
		     "random bit");
	unlink(z.path);
	strcat(z.path, ".err");
	unlink(z.path);
	result(!z.bad, "fuzz/reader: %lu damaged files, %lu still parse (%lu reported in every view), every other refused with a message naming the file%s%s",
	       z.cases, z.parsed, z.reported, z.bad ? "; first bad: " : "",
	       z.first_bad);
	if (report)
		result(!z.bad_execs, "fuzz/kdbt-report: %lu runs of %s: exit 0, or 1 naming the file%s%s",
		       z.execs, report, z.bad_execs ? "; first bad: " : "",
		       z.first_bad);
	free(z.buf);
	free((void *)z.orig);
}

int main(int argc, char **argv)
{
	struct kdbt_err err = { 0 };

	if (argc >= 3 && !strcmp(argv[1], "make")) {
		if (make(argv[2], argc > 3 ? atoi(argv[3]) : 0, &err)) {
			fprintf(stderr, "kdbt_data_fuzz: %s\n", err.msg);
			return 1;
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "check")) {
		check_round_trip(argv[2]);
		check_refusals(argv[2]);
		check_writer(argv[2]);
		check_build_id();
		return failures ? 1 : 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "fuzz")) {
		fuzz(argv[2], argc > 3 && argv[3][0] ? argv[3] : NULL,
		     argc > 4 ? strtoul(argv[4], NULL, 0) : 2000,
		     argc > 5 ? argv[5] : "read_zero");
		return failures ? 1 : 0;
	}
	fprintf(stderr, "usage: kdbt_data_fuzz make FILE [VARIANT] | check DIR | fuzz FILE [REPORT] [RANDOM] [FUNC]\n");
	return 2;
}
