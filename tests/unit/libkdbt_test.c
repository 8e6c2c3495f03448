// SPDX-License-Identifier: GPL-2.0
/*
 * libkdbt_test.c - unit tests of the /proc/kdbt reader library (proc/).
 *
 * Usage: [LIBKDBT_FUZZ_SEED=N] libkdbt_test [KDBT_SNAPSHOT_BINARY]
 * Builds snapshots in memory and in temporary files, fixture kallsyms and
 * modules files, and checks parsing, every refusal and its message,
 * symbols, per-function sums, deltas, the statistics (lookup, a
 * snapshot's, /proc/kdbt/stats parsed), number formats, and a fuzz loop of
 * mutated snapshots.  Given the kdbt-snapshot binary, also checks its
 * output against golden text.  Prints "PASS name" or "FAIL name: why" per
 * test; exit status 1 if any failed.
 * Owns: nothing outside its temporary directory, which it removes.
 * Must never: read /proc/kdbt, or depend on the host's kallsyms.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libkdbt.h"
#include "xorshift.h"

static char why[8192];
static char tmpdir[64];
static const char *tool;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			snprintf(why, sizeof(why), __VA_ARGS__);	\
			return -1;					\
		}							\
	} while (0)

/*
 * The layout (version 1, the block with its target and its edge); the
 * byte counts in messages below depend on it.
 */
_Static_assert(sizeof(struct kdbt_snap_header) == 184, "header layout");
_Static_assert(KDBT_SNAP_HEADER_V1_SIZE == 176, "first header layout");
_Static_assert(sizeof(struct kdbt_snap_count) == 24, "short record layout");
_Static_assert(sizeof(struct kdbt_snap_block) == 64, "block layout");
#define BLOCK_TARGET_SIZE	48	/* the block with its target, no edge */
_Static_assert(KDBT_SNAP_BLOCK_V1_SIZE == 40, "first block layout");

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CORE	0xffffffff81000000ULL
#define LOOP	0xffffffffc0123000ULL

/* ------------------------------------------------------------------ */
/* Fixtures                                                           */
/* ------------------------------------------------------------------ */

/* Out of order, with aliases, data symbols, weak ones and tags. */
static const char kallsyms_text[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000100 T alpha\n"
	"ffffffff81000100 t __alpha_alias\n"
	"ffffffff81000140 t beta\n"
	"ffffffff81000180 W gamma_weak\n"
	"ffffffff810001a0 r some_rodata_in_text\n"
	"ffffffff810001c0 T delta_last\n"
	"ffffffff81000200 T _etext\n"
	"ffffffff82000000 D some_data\n"
	"ffffffff82000040 d more_data\n"
	"this line is garbage\n"
	"ffffffffc0123800 t loop_last\t[loop]\n"
	"ffffffffc0123000 t loop_init\t[loop]\n"
	"ffffffffc0123010 t loop_probe\t[loop]\n"
	"ffffffffc0125000 d loop_data\t[loop]\n"
	"ffffffffc0200000 t bpf_a\t[bpf]\n"
	"ffffffffc0200100 t bpf_b\t[bpf]\n"
	"ffffffffc0300000 T zram_only\t[zram]\n"
	"ffffffffc0400000 t ftrace_trampoline\t[__builtin__ftrace]\n"
	"ffffffffc0400100 t ftrace_trampoline\t[__builtin__ftrace]\n";

static const char modules_text[] =
	"loop 7936 0 - Live 0xffffffffc0123000\n"
	"zram 4096 1 loop, Live 0xffffffffc0300000 (E)\n";

static const char hidden_kallsyms[] =
	"0000000000000000 T _stext\n"
	"0000000000000000 T alpha\n"
	"0000000000000000 t loop_init\t[loop]\n";

/* A file in the temporary directory; returns its path (static buffer). */
static const char *write_file(const char *name, const void *data, size_t len)
{
	static char path[4][256];
	static int slot;
	char *p = path[slot++ % 4];
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(p);
		exit(2);
	}
	close(fd);
	return p;
}

static void base_header(struct kdbt_snap_header *h)
{
	memset(h, 0, sizeof(*h));
	h->magic = KDBT_SNAP_MAGIC;
	h->version = KDBT_SNAP_VERSION;
	h->flags = KDBT_SNAP_ON | KDBT_SNAP_COUNTERS;	/* transparent */
	h->ncpus = 2;
	h->time_ns = 5000000000ULL;
	h->on_ns = 4000000000ULL;
	h->resets = 1;
	h->flushes = 2;
	h->instructions = 1000;
	h->block_executions = 200;
	h->indirect_calls = 30;
	h->indirect_jumps = 20;
	h->returns = 10;
	h->jumptable_misses = 6;
	h->retired_instructions = 7;
	h->retired_executions = 3;
	h->dispatches = 99;
	h->cache_bytes_used = 4096;
	h->cache_bytes_total = 1 << 20;
	h->samples_cache = 11;
	h->samples_native = 12;
	h->lost_estimate = 1;
}

/*
 * Block 0 says it is derived and block 1 that it counts block 0's taken
 * edge: the fields only (a parser's test, not a translation).
 */
#define NBASE 5
static const struct kdbt_snap_block base_blocks[NBASE] = {
	{ .native = CORE + 0x100, .executions = 10, .id = 1, .insns = 5,
	  .native_len = 20, .kind = KDBT_KIND_CALL, .target = CORE + 0x140,
	  .flags = KDBT_BLOCK_DERIVED },
	{ .native = CORE + 0x120, .executions = 7, .misses = 2, .id = 2,
	  .insns = 3, .native_len = 9, .kind = KDBT_KIND_RET,
	  .edge_of = CORE + 0x100, .edge_of_id = 1,
	  .edge = KDBT_EDGE_TAKEN },
	{ .native = CORE + 0x140, .executions = 4, .misses = 1, .id = 3,
	  .insns = 2, .native_len = 7, .kind = KDBT_KIND_CALL_IND },
	{ .native = LOOP + 0x10, .executions = 3, .id = 4, .insns = 4,
	  .native_len = 12, .kind = KDBT_KIND_JMP_IND },
	{ .native = 0xffffffff90000000ULL, .executions = 2, .id = 5,
	  .insns = 1, .native_len = 5, .kind = KDBT_KIND_NATIVE },
};

/*
 * The bytes of a snapshot with header @h (its sizes and count replaced)
 * and @n records of @bsize bytes; bytes beyond the known ones are 0xa5.
 */
static unsigned char *make_snap(const struct kdbt_snap_header *h,
				const struct kdbt_snap_block *blocks,
				unsigned int n, unsigned int hsize,
				unsigned int bsize, size_t *len)
{
	struct kdbt_snap_header hdr = *h;
	unsigned char *buf;
	unsigned int i;

	*len = hsize + (size_t)n * bsize;
	buf = malloc(*len ? *len : 1);
	if (!buf)
		exit(2);
	memset(buf, 0xa5, *len);
	hdr.header_size = hsize;
	hdr.block_size = bsize;
	hdr.nblocks = n;
	memcpy(buf, &hdr, sizeof(hdr));
	for (i = 0; i < n; i++)
		memcpy(buf + hsize + i * bsize, &blocks[i],
		       bsize < sizeof(blocks[i]) ? bsize : sizeof(blocks[i]));
	return buf;
}

static unsigned char *base_snap(size_t *len)
{
	struct kdbt_snap_header h;

	base_header(&h);
	return make_snap(&h, base_blocks, NBASE, sizeof(h),
			 sizeof(struct kdbt_snap_block), len);
}

static int load_fixture_syms(struct kdbt_syms *st)
{
	const char *ks, *mods;
	struct kdbt_err err;
	int ret;

	ks = write_file("kallsyms", kallsyms_text, strlen(kallsyms_text));
	mods = write_file("modules", modules_text, strlen(modules_text));
	ret = kdbt_syms_load(st, ks, mods, &err);
	if (ret)
		snprintf(why, sizeof(why), "kdbt_syms_load: %s", err.msg);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Snapshots                                                          */
/* ------------------------------------------------------------------ */

static int same_blocks(const struct kdbt_snap *s)
{
	unsigned int i;

	CHECK(s->hdr.nblocks == NBASE, "nblocks %u", s->hdr.nblocks);
	for (i = 0; i < NBASE; i++)
		CHECK(!memcmp(&s->blocks[i], &base_blocks[i],
			      sizeof(base_blocks[i])),
		      "block %u differs", i);
	return 0;
}

static int test_parse_memory(void)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_err err;
	unsigned char *buf;
	size_t len;
	int ret;

	buf = base_snap(&len);
	ret = kdbt_snap_parse(&s, buf, len, "mem", &err);
	free(buf);
	CHECK(!ret, "parse: %s", err.msg);
	CHECK(err.code == 0 && !err.msg[0], "err not cleared");
	CHECK(s.hdr.instructions == 1000 && s.hdr.flushes == 2 &&
	      s.hdr.lost_estimate == 1, "header fields");
	ret = same_blocks(&s);
	kdbt_snap_free(&s);
	CHECK(!s.blocks && !s.hdr.nblocks, "free did not zero");
	return ret;
}

static int test_parse_empty_snapshot(void)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_snap_header h;
	struct kdbt_err err;
	unsigned char *buf;
	size_t len;
	int ret;

	base_header(&h);
	buf = make_snap(&h, NULL, 0, sizeof(h), sizeof(base_blocks[0]), &len);
	ret = kdbt_snap_parse(&s, buf, len, NULL, &err);
	free(buf);
	CHECK(!ret, "parse: %s", err.msg);
	CHECK(s.hdr.nblocks == 0 && !s.blocks, "no blocks expected");
	return 0;
}

static int test_read_file_and_reread(void)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_err err;
	unsigned char *buf;
	const char *path;
	size_t len;
	int fd, ret;

	buf = base_snap(&len);
	path = write_file("snap", buf, len);
	free(buf);
	ret = kdbt_snap_read(&s, path, &err);
	CHECK(!ret, "read: %s", err.msg);
	if (same_blocks(&s))
		return -1;
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open %s", path);
	ret = kdbt_snap_read_fd(&s, fd, path, &err);
	if (!ret)	/* at EOF now: a re-read must seek back to 0 */
		ret = kdbt_snap_read_fd(&s, fd, path, &err);
	close(fd);
	CHECK(!ret, "re-read: %s", err.msg);
	ret = same_blocks(&s);
	kdbt_snap_free(&s);
	return ret;
}

static struct kdbt_changes_read last_read;

/* Write @buf to "changes" and apply it to @s through kdbt_snap_update_fd(). */
static int update_from(struct kdbt_snap *s, unsigned char *buf, size_t len,
		       struct kdbt_err *err)
{
	const char *path = write_file("changes", buf, len);
	int fd = open(path, O_RDONLY), ret;

	free(buf);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	ret = kdbt_snap_update_fd(s, fd, "changes", &last_read, err);
	close(fd);
	return ret;
}

/*
 * /proc/kdbt/changes: a complete read, then one with two changed blocks
 * and a new one, gives the complete snapshot a read of snapshot would;
 * changes that skip an id, or with nothing read before, are refused and
 * leave the snapshot as it was; kdbt_snap_parse() refuses changes.
 */
static int test_changes(void)
{
	struct kdbt_snap_block d[3] = {
		base_blocks[1], base_blocks[4], base_blocks[4],
	};
	struct kdbt_snap s = { 0 }, t = { 0 };
	struct kdbt_snap_header h;
	struct kdbt_err err;
	unsigned char *buf;
	size_t len;
	int ret;

	buf = base_snap(&len);
	ret = update_from(&s, buf, len, &err);
	CHECK(!ret, "complete read: %s", err.msg);
	if (same_blocks(&s))
		return -1;
	base_header(&h);
	h.flags |= KDBT_SNAP_DELTA;
	h.instructions = 2000;
	d[0].executions = 70;
	d[1].misses = 9;
	d[1].flags = KDBT_BLOCK_INVALID;
	d[2].id = 6;
	d[2].native += 0x40;
	buf = make_snap(&h, d, 3, sizeof(h), sizeof(d[0]), &len);
	ret = update_from(&s, buf, len, &err);
	CHECK(!ret, "changes: %s", err.msg);
	CHECK(last_read.records == 3 && last_read.delta, "read: %u records",
	      last_read.records);
	CHECK(s.hdr.nblocks == 6 && !(s.hdr.flags & KDBT_SNAP_DELTA) &&
	      s.hdr.instructions == 2000, "header: %u blocks, flags %#x",
	      s.hdr.nblocks, s.hdr.flags);
	CHECK(!memcmp(&s.blocks[0], &base_blocks[0], sizeof(d[0])) &&
	      !memcmp(&s.blocks[1], &d[0], sizeof(d[0])) &&
	      !memcmp(&s.blocks[2], &base_blocks[2], sizeof(d[0])) &&
	      !memcmp(&s.blocks[4], &d[1], sizeof(d[0])) &&
	      !memcmp(&s.blocks[5], &d[2], sizeof(d[0])), "blocks not applied");

	d[2].id = 8;	/* 7 is missing */
	buf = make_snap(&h, d, 3, sizeof(h), sizeof(d[0]), &len);
	ret = update_from(&s, buf, len, &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "do not fit"),
	      "a gap: %d %s", ret, err.msg);
	CHECK(s.hdr.nblocks == 6 && s.blocks[1].executions == 70,
	      "a refused read changed the snapshot");
	d[2].id = 7;
	buf = make_snap(&h, d, 3, sizeof(h), sizeof(d[0]), &len);
	ret = update_from(&t, buf, len, &err);
	CHECK(ret == -EBADMSG && !t.blocks, "changes with nothing before: %d",
	      ret);
	buf = make_snap(&h, d, 3, sizeof(h), sizeof(d[0]), &len);
	ret = kdbt_snap_parse(&t, buf, len, "changes", &err);
	free(buf);
	CHECK(ret == -EBADMSG && strstr(err.msg, "/proc/kdbt/changes"),
	      "parse took changes: %d %s", ret, err.msg);
	kdbt_snap_free(&s);
	return 0;
}

/*
 * The bytes of a read of changes in short form (KDBT_SNAP_SHORT): header
 * @h, @nf whole records @f (the new blocks), then @ns short ones @c of
 * @csize bytes (bytes beyond the known ones 0xa5).
 */
static unsigned char *make_short(const struct kdbt_snap_header *h,
				 const struct kdbt_snap_block *f, unsigned int nf,
				 const struct kdbt_snap_count *c,
				 unsigned int ns, unsigned int csize,
				 size_t *len)
{
	struct kdbt_snap_header hdr = *h;
	unsigned char *buf, *p;
	size_t whole;
	unsigned int i;

	hdr.flags |= KDBT_SNAP_DELTA | KDBT_SNAP_SHORT;
	hdr.nshort = ns;
	hdr.short_size = csize;
	buf = make_snap(&hdr, f, nf, sizeof(hdr), sizeof(*f), &whole);
	*len = whole + (size_t)ns * csize;
	buf = realloc(buf, *len);
	if (!buf)
		exit(2);
	for (i = 0, p = buf + whole; i < ns; i++, p += csize) {
		memset(p, 0xa5, csize);
		memcpy(p, &c[i], csize < sizeof(c[i]) ? csize : sizeof(c[i]));
	}
	return buf;
}

/* @c as the short record of @b. */
static struct kdbt_snap_count count_of(const struct kdbt_snap_block *b)
{
	struct kdbt_snap_count c = {
		.id = b->id, .flags = b->flags, .executions = b->executions,
		.misses = b->misses,
	};

	return c;
}

/*
 * Short records (KDBT_SNAP_SHORT, kdbt_changes_open(..., true)): after a
 * complete read, changes with two blocks in short form (one 8 bytes
 * larger than this reader knows) and a new block whole give the
 * snapshot the whole records would; kdbt_changes_apply() leaves each
 * change whole, with what it counted since, and no short form in the
 * header.  A short record of a block the reader lacks, short records in
 * a complete snapshot and a short_size below 24 are refused.
 */
static int test_changes_short(void)
{
	struct kdbt_snap_block want[6], nb = base_blocks[4];
	struct kdbt_snap s = { 0 }, d = { 0 };
	struct kdbt_snap_count c[2];
	struct kdbt_snap_header h;
	struct kdbt_err err;
	unsigned char *buf;
	size_t len;
	__u32 n;
	int ret, fd;

	buf = base_snap(&len);
	ret = update_from(&s, buf, len, &err);
	CHECK(!ret, "complete read: %s", err.msg);
	memcpy(want, base_blocks, sizeof(base_blocks));
	want[1].executions = 70;
	want[4].misses = 9;
	want[4].flags = KDBT_BLOCK_INVALID;
	nb.id = 6;
	nb.native += 0x40;
	want[5] = nb;
	c[0] = count_of(&want[1]);
	c[1] = count_of(&want[4]);
	base_header(&h);
	h.instructions = 2000;
	buf = make_short(&h, &nb, 1, c, 2, sizeof(c[0]) + 8, &len);
	fd = open(write_file("changes", buf, len), O_RDONLY);
	free(buf);
	CHECK(fd >= 0, "open");
	ret = kdbt_changes_read_fd(&d, fd, "changes", &err);
	close(fd);
	CHECK(!ret, "read: %s", err.msg);
	CHECK(d.hdr.nblocks == 3 && d.hdr.nshort == 2 &&
	      d.blocks[0].id == 2 && d.blocks[1].id == 5 &&
	      d.blocks[2].id == 6, "read: %u records, %u short",
	      d.hdr.nblocks, d.hdr.nshort);
	n = kdbt_changes_fit(&s, &d);
	CHECK(n == 6, "fit: %u", n);
	s.blocks = realloc(s.blocks, n * sizeof(*s.blocks));
	kdbt_changes_apply(&s, &d, n);
	CHECK(s.hdr.nblocks == 6 && s.hdr.instructions == 2000 &&
	      !(s.hdr.flags & (KDBT_SNAP_DELTA | KDBT_SNAP_SHORT)) &&
	      !s.hdr.nshort, "header: %u blocks, flags %#x", s.hdr.nblocks,
	      s.hdr.flags);
	CHECK(!memcmp(s.blocks, want, sizeof(want)), "blocks not applied");
	want[1].executions = 70 - 7;	/* what each counted since */
	want[1].misses = 0;
	want[4].executions = 0;
	CHECK(!memcmp(&d.blocks[0], &want[1], sizeof(want[1])) &&
	      !memcmp(&d.blocks[1], &want[4], sizeof(want[4])) &&
	      !memcmp(&d.blocks[2], &want[5], sizeof(want[5])) &&
	      !d.hdr.nshort && !(d.hdr.flags & KDBT_SNAP_SHORT),
	      "changes not made whole");
	kdbt_snap_free(&d);

	c[0].id = 7;	/* short, but the reader has 6 blocks */
	buf = make_short(&h, NULL, 0, c, 1, sizeof(c[0]), &len);
	ret = update_from(&s, buf, len, &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "do not fit"),
	      "a short record of a new block: %d %s", ret, err.msg);
	h.flags &= ~KDBT_SNAP_DELTA;
	buf = make_short(&h, NULL, 0, c, 1, sizeof(c[0]), &len);
	((struct kdbt_snap_header *)buf)->flags &= ~KDBT_SNAP_DELTA;
	ret = update_from(&s, buf, len, &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "short records in a complete"),
	      "short records, no delta: %d %s", ret, err.msg);
	c[0].id = 2;
	buf = make_short(&h, NULL, 0, c, 1, 16, &len);
	ret = update_from(&s, buf, len, &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "short_size 16 is smaller"),
	      "short_size 16: %d %s", ret, err.msg);
	CHECK(!memcmp(s.blocks, want, sizeof(*want)), "a refused read changed it");
	kdbt_snap_free(&s);
	return 0;
}

/*
 * A snapshot of a kdbt.ko older than nshort and short_size (a 176-byte
 * header): read as it was, its records right after those 176 bytes.
 */
static int test_header_v1(void)
{
	struct kdbt_snap_header h;
	struct kdbt_snap s = { 0 };
	struct kdbt_err err;
	unsigned char *buf;
	size_t len;
	int ret;

	base_header(&h);
	buf = make_snap(&h, base_blocks, NBASE, KDBT_SNAP_HEADER_V1_SIZE,
			sizeof(base_blocks[0]), &len);
	ret = kdbt_snap_parse(&s, buf, len, "v1", &err);
	free(buf);
	CHECK(!ret, "parse: %s", err.msg);
	CHECK(s.hdr.header_size == KDBT_SNAP_HEADER_V1_SIZE && !s.hdr.nshort &&
	      !s.hdr.short_size, "header: %u, %u short of %u",
	      s.hdr.header_size, s.hdr.nshort, s.hdr.short_size);
	ret = same_blocks(&s);
	kdbt_snap_free(&s);
	return ret;
}

/* Parse @buf, expect @code and a message containing each of the strings. */
static int expect_error(const void *buf, size_t len, int code, ...)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_err err;
	const char *want;
	va_list ap;
	int ret;

	ret = kdbt_snap_parse(&s, buf, len, "/proc/kdbt/snapshot", &err);
	CHECK(ret == code, "returned %d (%s), want %d", ret, err.msg, code);
	CHECK(err.code == code, "err.code %d", err.code);
	CHECK(!s.blocks, "snapshot filled on failure");
	CHECK(!strncmp(err.msg, "/proc/kdbt/snapshot: ", 21),
	      "message does not name the file: %s", err.msg);
	va_start(ap, code);
	while ((want = va_arg(ap, const char *))) {
		if (!strstr(err.msg, want)) {
			va_end(ap);
			CHECK(0, "message '%s' lacks '%s'", err.msg, want);
		}
	}
	va_end(ap);
	return 0;
}

/* Build a snapshot, let @mutate damage it, expect an error. */
#define ERROR_TEST(name, mutate, code, ...)				\
static int test_##name(void)						\
{									\
	struct kdbt_snap_header *h;					\
	unsigned char *buf;						\
	size_t len;							\
	int ret;							\
									\
	buf = base_snap(&len);						\
	h = (struct kdbt_snap_header *)buf;				\
	(void)h;							\
	mutate;								\
	ret = expect_error(buf, len, code, __VA_ARGS__, NULL);		\
	free(buf);							\
	return ret;							\
}

ERROR_TEST(err_empty_file, len = 0, -ENODATA, "empty")
ERROR_TEST(err_wrong_magic, h->magic ^= 1, -EBADMSG, "not a kdbt snapshot")
ERROR_TEST(err_byte_order, h->magic = __builtin_bswap64(KDBT_SNAP_MAGIC),
	   -EBADMSG, "byte order")
ERROR_TEST(err_truncated_header_short, len = 10, -EBADMSG,
	   "truncated header: 10 bytes")
ERROR_TEST(err_truncated_header, len = 100, -EBADMSG,
	   "truncated header: 100 bytes, header_size says 184")
ERROR_TEST(err_truncated_records, len -= 1, -EBADMSG,
	   "truncated: 503 bytes, header says 504")
ERROR_TEST(err_truncated_nblocks, h->nblocks = 100, -EBADMSG,
	   "truncated: 504 bytes, header says 6584")
ERROR_TEST(err_trailing_bytes, h->nblocks = 4, -EBADMSG,
	   "64 trailing bytes: 504 bytes, header says 440")
ERROR_TEST(err_newer_version, h->version = KDBT_SNAP_VERSION + 1, -EPROTO,
	   "version 2 is newer", "version 1")
ERROR_TEST(err_version_zero, h->version = 0, -EBADMSG, "version 0")
ERROR_TEST(err_small_header_size, h->header_size = 100, -EBADMSG,
	   "header_size 100 is smaller")
ERROR_TEST(err_small_block_size, h->block_size = 39, -EBADMSG,
	   "block_size 39 is smaller")
ERROR_TEST(err_kind_out_of_range,
	   buf[sizeof(*h) + 2 * sizeof(struct kdbt_snap_block) +
	       offsetof(struct kdbt_snap_block, kind)] = KDBT_KIND_NR,
	   -EBADMSG, "block 2 (id 3): kind 9 out of range")
ERROR_TEST(err_edge_out_of_range,
	   buf[sizeof(*h) + 3 * sizeof(struct kdbt_snap_block) +
	       offsetof(struct kdbt_snap_block, edge)] = KDBT_EDGE_NR,
	   -EBADMSG, "block 3 (id 4): edge 5 out of range (0..4)")

static int test_failure_keeps_old(void)
{
	struct kdbt_snap s = { 0 };
	unsigned char *buf;
	size_t len;
	int ret;

	buf = base_snap(&len);
	ret = kdbt_snap_parse(&s, buf, len, NULL, NULL);
	CHECK(!ret, "parse");
	ret = kdbt_snap_parse(&s, buf, len - 1, NULL, NULL);
	free(buf);
	CHECK(ret == -EBADMSG, "bad snapshot accepted");
	ret = same_blocks(&s);
	kdbt_snap_free(&s);
	return ret;
}

static int test_larger_sizes_accepted(void)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_snap_header h;
	struct kdbt_err err;
	unsigned char *buf;
	size_t len;
	int ret;

	base_header(&h);
	buf = make_snap(&h, base_blocks, NBASE, sizeof(h) + 24,
			sizeof(base_blocks[0]) + 8, &len);
	ret = kdbt_snap_parse(&s, buf, len, "big", &err);
	free(buf);
	CHECK(!ret, "parse: %s", err.msg);
	CHECK(s.hdr.header_size == sizeof(h) + 24 &&
	      s.hdr.block_size == sizeof(base_blocks[0]) + 8, "sizes");
	CHECK(s.hdr.cache_bytes_total == 1 << 20, "header field");
	ret = same_blocks(&s);
	kdbt_snap_free(&s);
	return ret;
}

/*
 * Parse a snapshot whose block records are @rec_size bytes, as an older
 * kdbt.ko wrote them: each block reads as base_blocks[] up to @rec_size
 * and zero beyond.
 */
static int parse_older_records(struct kdbt_snap *s, size_t rec_size)
{
	struct kdbt_snap_block want;
	struct kdbt_snap_header h;
	struct kdbt_err err;
	unsigned char *buf;
	unsigned int i;
	size_t len;
	int ret;

	base_header(&h);
	buf = make_snap(&h, base_blocks, NBASE, sizeof(h), rec_size, &len);
	ret = kdbt_snap_parse(s, buf, len, "old", &err);
	free(buf);
	CHECK(!ret, "%zu-byte records: parse: %s", rec_size, err.msg);
	CHECK(s->hdr.block_size == rec_size, "%zu-byte records: block size %u",
	      rec_size, s->hdr.block_size);
	for (i = 0; i < NBASE; i++) {
		memset(&want, 0, sizeof(want));
		memcpy(&want, &base_blocks[i], rec_size);
		CHECK(!memcmp(&s->blocks[i], &want, sizeof(want)),
		      "%zu-byte records: block %u differs", rec_size, i);
	}
	return 0;
}

/*
 * Snapshots of kdbt.ko from before the blocks' targets
 * (KDBT_SNAP_BLOCK_V1_SIZE) and from before the edges (48 bytes, with
 * targets) read as before, the newer fields 0, and kdbt_snap_block_has()
 * tells the three sizes apart.
 */
static int test_older_block_sizes_accepted(void)
{
	static const struct {
		size_t size;
		bool target, edge;
	} olds[] = {
		{ KDBT_SNAP_BLOCK_V1_SIZE, false, false },
		{ BLOCK_TARGET_SIZE, true, false },
	};
	struct kdbt_snap s = { 0 };
	struct kdbt_err err;
	unsigned char *buf;
	unsigned int i;
	size_t len;
	int ret;

	for (i = 0; i < ARRAY_SIZE(olds); i++) {
		bool fields;

		ret = parse_older_records(&s, olds[i].size);
		fields = kdbt_snap_block_has(s.hdr.block_size, target) ==
			 olds[i].target &&
			 kdbt_snap_block_has(s.hdr.block_size, edge) ==
			 olds[i].edge;
		kdbt_snap_free(&s);
		if (ret)
			return ret;
		CHECK(fields, "%zu-byte records: wrong fields present",
		      olds[i].size);
	}
	buf = base_snap(&len);
	ret = kdbt_snap_parse(&s, buf, len, "new", &err);
	free(buf);
	CHECK(!ret, "parse: %s", err.msg);
	CHECK(kdbt_snap_block_has(s.hdr.block_size, target) &&
	      s.blocks[0].kind == KDBT_KIND_CALL &&
	      s.blocks[0].target == CORE + 0x140, "target of block 0");
	CHECK(kdbt_snap_block_has(s.hdr.block_size, edge) &&
	      s.blocks[1].edge == KDBT_EDGE_TAKEN &&
	      s.blocks[1].edge_of == CORE + 0x100 &&
	      s.blocks[1].edge_of_id == 1 &&
	      (s.blocks[0].flags & KDBT_BLOCK_DERIVED), "edge of block 1");
	kdbt_snap_free(&s);
	return 0;
}

static int test_missing_file(void)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_err err;
	struct stat sb;
	int ret;

	ret = kdbt_snap_read(&s, "/nonexistent/kdbt-snap", &err);
	CHECK(ret == -ENOENT, "returned %d", ret);
	CHECK(strstr(err.msg, "/nonexistent/kdbt-snap"), "msg: %s", err.msg);
	if (!stat("/proc/kdbt", &sb))
		return 0;	/* loaded here: the next check does not apply */
	ret = kdbt_snap_read(&s, NULL, &err);
	CHECK(ret == -ENOENT, "returned %d", ret);
	CHECK(!strcmp(err.msg, "kdbt.ko is not loaded (no /proc/kdbt)"),
	      "msg: %s", err.msg);
	return 0;
}

/*
 * What an open of /proc/kdbt failing says: EACCES from the modes, EPERM
 * from kdbt.ko's capability check (kdbt(4), Access); both -EACCES.
 */
static int test_proc_open_failed(void)
{
	struct kdbt_err err;
	int ret;

	ret = kdbt_open_failed("/proc/kdbt/snapshot", EACCES, &err);
	CHECK(ret == -EACCES, "EACCES: returned %d", ret);
	CHECK(strstr(err.msg, "/proc/kdbt is root-only"), "EACCES: %s",
	      err.msg);
	ret = kdbt_open_failed("/proc/kdbt/snapshot", EPERM, &err);
	CHECK(ret == -EACCES, "EPERM: returned %d", ret);
	CHECK(strstr(err.msg, "/proc/kdbt/snapshot needs CAP_PERFMON or CAP_SYS_ADMIN"),
	      "EPERM: %s", err.msg);
	return 0;
}

/* As root, drop to nobody in a child to see EACCES on a 0600 file. */
static int test_permission_denied(void)
{
	const char *path = write_file("secret", "x", 1);
	struct kdbt_snap s = { 0 };
	struct kdbt_err err;
	int status, ret;
	pid_t pid;

	if (geteuid() != 0) {
		ret = kdbt_snap_read(&s, path, &err);
		chmod(path, 0);
		ret = kdbt_snap_read(&s, path, &err);
		CHECK(ret == -EACCES, "returned %d", ret);
		CHECK(strstr(err.msg, "permission denied"), "msg: %s", err.msg);
		return 0;
	}
	chmod(tmpdir, 0755);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(3);
		ret = kdbt_snap_read(&s, path, &err);
		_exit(ret == -EACCES && strstr(err.msg, "permission denied") ?
		      0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork");
	chmod(tmpdir, 0700);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child status %d", status);
	return 0;
}

static int test_kind_names(void)
{
	CHECK(!strcmp(kdbt_kind_name(KDBT_KIND_FALL), "fall"), "fall");
	CHECK(!strcmp(kdbt_kind_name(KDBT_KIND_CALL_IND), "icall"), "icall");
	CHECK(!strcmp(kdbt_kind_name(KDBT_KIND_THUNK), "thunk"), "thunk");
	CHECK(!strcmp(kdbt_kind_name(KDBT_KIND_NR), "?"), "out of range");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Counts                                                             */
/* ------------------------------------------------------------------ */

static int test_block_counts(void)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_counts c;

	s.hdr.flags = KDBT_SNAP_ON;	/* transparent: a return is indirect */
	kdbt_block_counts(&s, &base_blocks[1], &c);
	CHECK(c.instructions == 21 && c.executions == 7, "ret: insns");
	CHECK(c.indirect == 7 && c.misses == 2 && c.hits == 5, "ret: hits");
	s.hdr.flags |= KDBT_SNAP_FAST;	/* fast: returns are native */
	kdbt_block_counts(&s, &base_blocks[1], &c);
	CHECK(c.indirect == 0 && c.hits == 0, "fast ret indirect");
	kdbt_block_counts(&s, &base_blocks[2], &c);
	CHECK(c.indirect == 4 && c.hits == 3, "icall");
	kdbt_block_counts(&s, &base_blocks[0], &c);
	CHECK(c.instructions == 50 && c.indirect == 0, "jcc");
	return 0;
}

static int test_totals_and_sum(void)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_counts t, c;
	unsigned char *buf;
	size_t len;
	int ret;

	buf = base_snap(&len);
	ret = kdbt_snap_parse(&s, buf, len, NULL, NULL);
	free(buf);
	CHECK(!ret, "parse");
	kdbt_snap_totals(&s, &t);
	CHECK(t.instructions == 1000 && t.executions == 200, "totals");
	CHECK(t.indirect == 60 && t.misses == 6 && t.hits == 54,
	      "indirect totals");
	kdbt_snap_sum(&s, &c);
	kdbt_snap_free(&s);
	CHECK(c.instructions == 50 + 21 + 8 + 12 + 2, "sum insns %llu",
	      c.instructions);
	CHECK(c.executions == 26 && c.indirect == 14 && c.misses == 3 &&
	      c.hits == 11, "sum indirect %llu %llu", c.indirect, c.hits);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Symbols                                                            */
/* ------------------------------------------------------------------ */

/* @addr must resolve to @name at @start with @size in @mod. */
static int expect_sym(const struct kdbt_syms *st, __u64 addr,
		      const char *name, __u64 start, __u64 size,
		      const char *mod)
{
	const struct kdbt_sym *s = kdbt_syms_find(st, addr);

	if (!name) {
		CHECK(!s, "%llx: found %s, want none", addr, s->name);
		return 0;
	}
	CHECK(s, "%llx: no symbol, want %s", addr, name);
	CHECK(!strcmp(s->name, name), "%llx: %s, want %s", addr, s->name, name);
	CHECK(s->start == start && s->size == size,
	      "%s: start %llx size %llx, want %llx %llx", name, s->start,
	      s->size, start, size);
	CHECK(!strcmp(s->module, mod), "%s: module %s, want %s", name,
	      s->module, mod);
	return 0;
}

static int test_symbols(void)
{
	struct kdbt_syms st = { 0 };
	int ret;

	if (load_fixture_syms(&st))
		return -1;
	ret = expect_sym(&st, CORE - 1, NULL, 0, 0, NULL) ||
	      expect_sym(&st, CORE, "_stext", CORE, 0x100, "kernel") ||
	      expect_sym(&st, CORE + 0x100, "alpha", CORE + 0x100, 0x40,
			 "kernel") ||
	      expect_sym(&st, CORE + 0x13f, "alpha", CORE + 0x100, 0x40,
			 "kernel") ||
	      expect_sym(&st, CORE + 0x140, "beta", CORE + 0x140, 0x40,
			 "kernel") ||
	      /* a data symbol ends the weak one before it */
	      expect_sym(&st, CORE + 0x190, "gamma_weak", CORE + 0x180, 0x20,
			 "kernel") ||
	      expect_sym(&st, CORE + 0x1b0, NULL, 0, 0, NULL) ||
	      expect_sym(&st, CORE + 0x1ff, "delta_last", CORE + 0x1c0, 0x40,
			 "kernel") ||
	      expect_sym(&st, LOOP, "loop_init", LOOP, 0x10, "loop") ||
	      expect_sym(&st, LOOP + 0x20, "loop_probe", LOOP + 0x10, 0x7f0,
			 "loop") ||
	      /* capped at the end of the module, before loop_data */
	      expect_sym(&st, LOOP + 0x1eff, "loop_last", LOOP + 0x800,
			 0x1700, "loop") ||
	      expect_sym(&st, LOOP + 0x1f00, NULL, 0, 0, NULL) ||
	      /* BPF is core kernel text to kallsyms_lookup() */
	      expect_sym(&st, 0xffffffffc0200010ULL, "bpf_a",
			 0xffffffffc0200000ULL, 0x100, "kernel") ||
	      expect_sym(&st, 0xffffffffc0200100ULL, NULL, 0, 0, NULL) ||
	      expect_sym(&st, 0xffffffffc0300ff0ULL, "zram_only",
			 0xffffffffc0300000ULL, 0x1000, "zram") ||
	      /* nor does it resolve ftrace trampolines */
	      expect_sym(&st, 0xffffffffc0400010ULL, NULL, 0, 0, NULL);
	kdbt_syms_free(&st);
	return ret;
}

static int test_symbols_without_modules(void)
{
	struct kdbt_syms st = { 0 };
	struct kdbt_err err;
	const char *ks;
	int ret;

	ks = write_file("kallsyms", kallsyms_text, strlen(kallsyms_text));
	ret = kdbt_syms_load(&st, ks, NULL, &err);
	CHECK(!ret, "load: %s", err.msg);
	/* no module end: loop_last runs to loop_data */
	ret = expect_sym(&st, LOOP + 0x1f00, "loop_last", LOOP + 0x800,
			 0x1800, "loop");
	kdbt_syms_free(&st);
	return ret;
}

static int test_symbols_hidden(void)
{
	struct kdbt_syms st = { 0 };
	struct kdbt_err err;
	const char *ks;
	int ret;

	ks = write_file("kallsyms0", hidden_kallsyms, strlen(hidden_kallsyms));
	ret = kdbt_syms_load(&st, ks, NULL, &err);
	CHECK(ret == -EPERM, "returned %d", ret);
	CHECK(strstr(err.msg, "addresses hidden by kptr_restrict"),
	      "msg: %s", err.msg);
	CHECK(!st.syms && !st.nsyms, "table not empty");
	ret = kdbt_syms_load(&st, "/nonexistent/kallsyms", NULL, &err);
	CHECK(ret == -ENOENT && strstr(err.msg, "/nonexistent/kallsyms"),
	      "missing file: %d %s", ret, err.msg);
	return 0;
}

static int test_fmt_symbol(void)
{
	struct kdbt_syms st = { 0 };
	char buf[128];
	int ret = 0;

	if (load_fixture_syms(&st))
		return -1;
	kdbt_fmt_symbol(buf, sizeof(buf), &st, CORE + 0x120);
	if (strcmp(buf, "alpha+0x20/0x40"))
		ret = -1;
	kdbt_fmt_symbol(buf, sizeof(buf), &st, 0xffffffff90000000ULL);
	if (strcmp(buf, "0xffffffff90000000"))
		ret = -1;
	kdbt_syms_free(&st);
	CHECK(!ret, "got %s", buf);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Functions and deltas                                               */
/* ------------------------------------------------------------------ */

static int expect_func(const struct kdbt_func *f, const char *name,
		       const char *mod, __u64 insns, __u64 execs,
		       __u64 indirect, __u64 misses, __u32 blocks, __u64 calls)
{
	const char *n = f->sym ? f->sym->name : "-";

	CHECK(!strcmp(n, name) && !strcmp(f->module, mod),
	      "function %s [%s], want %s [%s]", n, f->module, name, mod);
	CHECK(f->c.instructions == insns && f->c.executions == execs &&
	      f->c.indirect == indirect && f->c.misses == misses &&
	      f->blocks == blocks && f->calls == calls,
	      "%s: %llu %llu %llu %llu %u %llu", name, f->c.instructions,
	      f->c.executions, f->c.indirect, f->c.misses, f->blocks,
	      f->calls);
	CHECK(f->c.hits == f->c.indirect - f->c.misses, "%s: hits", name);
	return 0;
}

static int check_functions(const struct kdbt_snap *s,
			   const struct kdbt_syms *st)
{
	struct kdbt_func *f;
	size_t n;
	int ret;

	ret = kdbt_funcs_build(s, st, &f, &n, NULL);
	CHECK(!ret && n == 4, "build: %d, %zu functions", ret, n);
	/* in the order of their first blocks, not of their addresses */
	ret = expect_func(&f[0], "alpha", "kernel", 71, 17, 7, 2, 2, 10) ||
	      expect_func(&f[1], "beta", "kernel", 8, 4, 4, 1, 1, 4) ||
	      expect_func(&f[2], "loop_probe", "loop", 12, 3, 3, 0, 1, 3) ||
	      expect_func(&f[3], "-", "unknown", 2, 2, 0, 0, 1, 2);
	if (!ret && f[3].start != 0xffffffff90000000ULL) {
		snprintf(why, sizeof(why), "unsymbolized start %llx",
			 f[3].start);
		ret = -1;
	}
	free(f);
	if (ret)
		return ret;
	/* Without symbols, every block address is a function. */
	ret = kdbt_funcs_build(s, NULL, &f, &n, NULL);
	CHECK(!ret && n == NBASE, "no symbols: %d, %zu functions", ret, n);
	free(f);
	return 0;
}

static int test_functions(void)
{
	struct kdbt_syms st = { 0 };
	struct kdbt_snap s = { 0 };
	unsigned char *buf;
	size_t len;
	int ret;

	buf = base_snap(&len);
	ret = kdbt_snap_parse(&s, buf, len, NULL, NULL);
	free(buf);
	CHECK(!ret, "parse");
	if (load_fixture_syms(&st))
		return -1;
	ret = check_functions(&s, &st);
	kdbt_snap_free(&s);
	kdbt_syms_free(&st);
	return ret;
}

static int test_delta(void)
{
	struct kdbt_snap_block nb[NBASE + 1];
	struct kdbt_snap old = { 0 }, new = { 0 }, d = { 0 };
	struct kdbt_snap_header h;
	struct kdbt_err err;
	unsigned char *buf;
	size_t len;
	int ret;

	base_header(&h);
	buf = make_snap(&h, base_blocks, NBASE, sizeof(h), sizeof(nb[0]), &len);
	ret = kdbt_snap_parse(&old, buf, len, NULL, NULL);
	free(buf);
	memcpy(nb, base_blocks, sizeof(base_blocks));
	nb[0].executions += 100;		/* ran 100 more times */
	nb[1].executions += 5;
	nb[1].misses += 1;
	nb[3].native += 1;			/* same id, other code: new */
	nb[NBASE] = nb[4];			/* a new block */
	nb[NBASE].id = 77;
	h.time_ns += 1000;
	h.instructions += 500;
	buf = make_snap(&h, nb, NBASE + 1, sizeof(h), sizeof(nb[0]), &len);
	ret = ret ?: kdbt_snap_parse(&new, buf, len, NULL, NULL);
	free(buf);
	CHECK(!ret, "parse");
	ret = kdbt_snap_delta(&d, &old, &new, &err);
	CHECK(!ret, "delta: %s", err.msg);
	CHECK(d.hdr.nblocks == NBASE + 1, "nblocks %u", d.hdr.nblocks);
	CHECK(d.blocks[0].executions == 100 && d.blocks[1].executions == 5 &&
	      d.blocks[1].misses == 1 && d.blocks[2].executions == 0,
	      "matched blocks: %llu %llu", d.blocks[0].executions,
	      d.blocks[1].executions);
	CHECK(d.blocks[3].executions == 3 && d.blocks[5].executions == 2,
	      "new blocks keep their counts");
	CHECK(d.hdr.instructions == 500 && d.hdr.block_executions == 0 &&
	      d.interval_ns == 1000 && d.hdr.resets == 1,
	      "header delta");
	ret = kdbt_snap_delta(&new, &old, &new, &err);	/* in place */
	CHECK(!ret && new.blocks[0].executions == 100, "in place");
	kdbt_snap_free(&old);
	kdbt_snap_free(&new);
	kdbt_snap_free(&d);
	return 0;
}

static int test_delta_generation(void)
{
	struct kdbt_snap old = { 0 }, new = { 0 }, d = { 0 };
	struct kdbt_err err;
	int ret;

	old.hdr.resets = 1;
	new.hdr.resets = 2;
	ret = kdbt_snap_delta(&d, &old, &new, &err);
	CHECK(ret == -ESTALE, "reset: returned %d", ret);
	CHECK(strstr(err.msg, "reset") && strstr(err.msg, "1 -> 2"),
	      "msg: %s", err.msg);
	new.hdr.resets = 1;
	new.hdr.flushes = 3;
	ret = kdbt_snap_delta(&d, &old, &new, &err);
	CHECK(ret == -ESTALE, "flush: returned %d", ret);
	CHECK(strstr(err.msg, "flush") && strstr(err.msg, "0 -> 3"),
	      "msg: %s", err.msg);
	CHECK(!d.blocks && !d.hdr.magic, "out filled on failure");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Statistics                                                         */
/* ------------------------------------------------------------------ */

/* Every statistic once, found by its name; its label where kdbt-top has. */
static int test_stat_table(void)
{
	const struct kdbt_stat_info *si;
	unsigned int i;

	for (i = 0; (si = kdbt_stat_info(i)); i++)
		CHECK(kdbt_stat_find(si->name) == (int)i, "%s: found as %d",
		      si->name, kdbt_stat_find(si->name));
	CHECK(i == KDBT_STAT_NR, "%u statistics, KDBT_STAT_NR %d", i,
	      KDBT_STAT_NR);
	CHECK(kdbt_stat_find("no_such_statistic") == -ENOENT &&
	      kdbt_stat_find("") == -ENOENT, "unknown names");
	si = kdbt_stat_info(KDBT_STAT_instructions);
	CHECK(si->fmt == KDBT_STAT_FMT_U64 &&
	      si->kind == KDBT_STAT_KIND_PROFILE && !strcmp(si->label, "insns"),
	      "instructions");
	si = kdbt_stat_info(KDBT_STAT_coverage);
	CHECK(si->fmt == KDBT_STAT_FMT_PCT && si->label, "coverage");
	CHECK(kdbt_stat_info(KDBT_STAT_exits)->label == NULL, "no label");
	return 0;
}

/* A snapshot's statistics as /proc/kdbt/stats shows them. */
static int test_snap_stat(void)
{
	static const struct { int i; const char *v; } t[] = {
		{ KDBT_STAT_state, "on" }, { KDBT_STAT_mode, "transparent" },
		{ KDBT_STAT_counters, "on" }, { KDBT_STAT_blocks, "5" },
		{ KDBT_STAT_cache_bytes_used, "4096" },
		{ KDBT_STAT_instructions, "1000" },
		{ KDBT_STAT_indirect_branches, "60" },
		{ KDBT_STAT_jumptable_hits, "54" },
		{ KDBT_STAT_jumptable_hit_rate, "90.00" },
		{ KDBT_STAT_retired_executions, "3" },
		{ KDBT_STAT_coverage, "47.82" }, { KDBT_STAT_resets, "1" },
	};
	struct kdbt_snap s = { 0 };
	char v[KDBT_STAT_TEXT];
	unsigned char *buf;
	unsigned int i;
	size_t len;
	__u64 u;
	int ret;

	buf = base_snap(&len);
	ret = kdbt_snap_parse(&s, buf, len, NULL, NULL);
	free(buf);
	CHECK(!ret, "parse");
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ret = kdbt_snap_stat(&s, t[i].i, v, sizeof(v));
		CHECK(!ret && !strcmp(v, t[i].v), "%s: %d \"%s\", want \"%s\"",
		      kdbt_stat_info(t[i].i)->name, ret, v, t[i].v);
	}
	CHECK(kdbt_snap_stat(&s, KDBT_STAT_uptime_ms, v, sizeof(v)) ==
	      -ENOENT && kdbt_snap_stat(&s, KDBT_STAT_NR, v, sizeof(v)) ==
	      -ENOENT, "not in a snapshot");
	CHECK(!kdbt_snap_u64(&s.hdr, KDBT_STAT_dispatches, &u) && u == 99 &&
	      kdbt_snap_u64(&s.hdr, KDBT_STAT_jumptable_hits, &u) == -ENOENT,
	      "kdbt_snap_u64");
	s.hdr.flags = KDBT_SNAP_FAST;
	s.hdr.samples_cache = s.hdr.samples_native = 0;
	ret = kdbt_snap_stat(&s, KDBT_STAT_state, v, sizeof(v));
	CHECK(!ret && !strcmp(v, "off"), "state off: %s", v);
	ret = kdbt_snap_stat(&s, KDBT_STAT_mode, v, sizeof(v));
	CHECK(!ret && !strcmp(v, "fast"), "mode fast: %s", v);
	ret = kdbt_snap_stat(&s, KDBT_STAT_coverage, v, sizeof(v));
	CHECK(!ret && !strcmp(v, "0.00"), "no samples: %s", v);
	kdbt_snap_free(&s);
	return 0;
}

/* A delta subtracts counts and keeps levels; a reset zeroes the profile. */
static int test_delta_by_kind(void)
{
	struct kdbt_snap old = { 0 }, new = { 0 }, d = { 0 };
	const struct kdbt_stat_info *si;
	__u64 vo, vn, vd;
	unsigned int i;
	int ret;

	base_header(&old.hdr);
	base_header(&new.hdr);
	new.hdr.dispatches += 40;
	new.hdr.retired_executions += 30;
	new.hdr.samples_native += 20;
	new.hdr.cache_bytes_used += 10;
	ret = kdbt_snap_delta(&d, &old, &new, NULL);
	CHECK(!ret, "delta: %d", ret);
	CHECK(d.hdr.dispatches == 40 && d.hdr.retired_executions == 30 &&
	      d.hdr.samples_native == 20 && d.hdr.instructions == 0,
	      "counts subtracted");
	CHECK(d.hdr.cache_bytes_used == 4096 + 10 &&
	      d.hdr.cache_bytes_total == 1 << 20 && d.hdr.resets == 1 &&
	      d.hdr.flushes == 2, "levels kept");
	for (i = 0; i < KDBT_STAT_NR; i++) {
		si = kdbt_stat_info(i);
		if (kdbt_snap_u64(&new.hdr, i, &vn))
			continue;
		kdbt_snap_u64(&old.hdr, i, &vo);
		kdbt_snap_u64(&d.hdr, i, &vd);
		CHECK(vd == (si->kind == KDBT_STAT_KIND_LEVEL ? vn : vn - vo),
		      "%s: %llu - %llu gave %llu", si->name, vn, vo, vd);
	}
	kdbt_snap_zero_profile(&new.hdr);
	CHECK(!new.hdr.instructions && !new.hdr.samples_native &&
	      !new.hdr.lost_estimate && !new.hdr.retired_executions,
	      "the profile zeroed");
	CHECK(new.hdr.dispatches == 139 && new.hdr.resets == 1 &&
	      new.hdr.cache_bytes_total == 1 << 20, "the rest kept");
	kdbt_snap_free(&d);
	return 0;
}

/* /proc/kdbt/stats as the kernel writes it, one value per statistic. */
static size_t stats_text(char *buf, size_t len)
{
	const struct kdbt_stat_info *si;
	size_t n = 0;
	unsigned int i;

	for (i = 0; (si = kdbt_stat_info(i)) && n < len; i++) {
		if (si->fmt == KDBT_STAT_FMT_NONE)
			continue;
		if (si->fmt == KDBT_STAT_FMT_STR)
			n += snprintf(buf + n, len - n, "%s w%u\n", si->name,
				      i);
		else if (si->fmt == KDBT_STAT_FMT_PCT)
			n += snprintf(buf + n, len - n, "%s %u.%02u\n",
				      si->name, i, i);
		else
			n += snprintf(buf + n, len - n, "%s %u\n", si->name,
				      i * 1000);
	}
	return n;
}

static int test_stats_parse(void)
{
	struct kdbt_stat_values sv, old;
	char text[4096], v[KDBT_STAT_TEXT];
	const char *got;
	struct kdbt_err err;
	unsigned int i;
	size_t n = stats_text(text, sizeof(text));
	int ret;

	ret = kdbt_stats_parse(&sv, text, n, "stats", &err);
	CHECK(!ret, "parse: %s", err.msg);
	for (i = 0; i < KDBT_STAT_NR; i++) {
		got = kdbt_stats_get(&sv, i);
		if (kdbt_stat_info(i)->fmt == KDBT_STAT_FMT_NONE) {
			CHECK(!got, "%s: \"%s\"", kdbt_stat_info(i)->name, got);
			continue;
		}
		if (kdbt_stat_info(i)->fmt == KDBT_STAT_FMT_STR)
			snprintf(v, sizeof(v), "w%u", i);
		else if (kdbt_stat_info(i)->fmt == KDBT_STAT_FMT_PCT)
			snprintf(v, sizeof(v), "%u.%02u", i, i);
		else
			snprintf(v, sizeof(v), "%u", i * 1000);
		CHECK(got && !strcmp(got, v), "%s: \"%s\", want \"%s\"",
		      kdbt_stat_info(i)->name, got ? got : "(none)", v);
	}
	CHECK(!kdbt_stats_get(&sv, KDBT_STAT_NR), "out of range");
	/* a line from a newer kdbt.ko is skipped */
	strcpy(text + n, "from_the_future 12\n");
	ret = kdbt_stats_parse(&sv, text, strlen(text), "stats", &err);
	CHECK(!ret, "a newer line: %s", err.msg);
	/* an older kdbt.ko: lines missing */
	ret = kdbt_stats_parse(&sv, "version 1\nblocks 3\n", 19, NULL, &err);
	CHECK(!ret && !strcmp(kdbt_stats_get(&sv, KDBT_STAT_blocks), "3") &&
	      !kdbt_stats_get(&sv, KDBT_STAT_coverage), "older: %s", err.msg);
	old = sv;
	CHECK(kdbt_stats_parse(&sv, "", 0, NULL, &err) == -ENODATA &&
	      strstr(err.msg, "stats: empty"), "empty: %s", err.msg);
	ret = kdbt_stats_parse(&sv, "blocks 3\n", 9, "f", &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "f: not kdbt statistics"),
	      "no version first: %s", err.msg);
	ret = kdbt_stats_parse(&sv, "version 1\nblocks 3", 18, "f", &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "line 2: no newline"),
	      "no newline: %s", err.msg);
	ret = kdbt_stats_parse(&sv, "version 1\nblocks x3\n", 20, "f", &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "line 2: bad blocks"),
	      "bad number: %s", err.msg);
	ret = kdbt_stats_parse(&sv, "version 1\ncoverage 99.5\n", 24, "f",
			       &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "bad coverage"),
	      "bad percentage: %s", err.msg);
	ret = kdbt_stats_parse(&sv, "version 1\nblocks 3\nblocks 4\n", 28,
			       "f", &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "line 3: blocks again"),
	      "twice: %s", err.msg);
	ret = kdbt_stats_parse(&sv, "version 1\nblocks  3\n", 20, "f", &err);
	CHECK(ret == -EBADMSG && strstr(err.msg, "line 2: not \"name value\""),
	      "two spaces: %s", err.msg);
	ret = kdbt_stats_parse(&sv, "version 1\nBlocks 3\n", 19, "f", &err);
	CHECK(ret == -EBADMSG, "capitals: %s", err.msg);
	CHECK(!memcmp(&sv, &old, sizeof(sv)), "left untouched on failure");
	/* from a file */
	ret = kdbt_stats_read(&sv, write_file("stats", text, n), &err);
	CHECK(!ret && !strcmp(kdbt_stats_get(&sv, KDBT_STAT_version), "0"),
	      "read: %s", err.msg);
	ret = kdbt_stats_read(&sv, "/nonexistent/stats", &err);
	CHECK(ret == -ENOENT && strstr(err.msg, "/nonexistent/stats"),
	      "missing file: %s", err.msg);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Formats                                                            */
/* ------------------------------------------------------------------ */

static int test_fmt_count(void)
{
	static const struct { __u64 v; const char *s; } t[] = {
		{ 0, "0" }, { 999, "999" }, { 1000, "1.00k" },
		{ 1234, "1.23k" }, { 12345, "12.3k" }, { 123456, "123k" },
		{ 999499, "999k" }, { 999999, "1.00M" },
		{ 1234567, "1.23M" }, { 123456789, "123M" },
		{ 4200000000ULL, "4.20G" }, { 1000000000000ULL, "1.00T" },
		{ ~0ULL, "18.4E" },
	};
	char buf[KDBT_FMT_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		kdbt_fmt_count(buf, sizeof(buf), t[i].v);
		CHECK(!strcmp(buf, t[i].s), "%llu: '%s', want '%s'", t[i].v,
		      buf, t[i].s);
	}
	return 0;
}

static int test_fmt_rate(void)
{
	static const struct { __u64 h, t; const char *s; } t[] = {
		{ 0, 0, "-" }, { 1, 2, "50.00%" }, { 5, 5, "100.00%" },
		{ 999999, 1000000, "99.99%" }, { 0, 7, "0.00%" },
		{ 8, 5, "100.00%" }, { ~0ULL, ~0ULL, "100.00%" },
		{ 1, 3, "33.33%" },
	};
	char buf[KDBT_FMT_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		kdbt_fmt_rate(buf, sizeof(buf), t[i].h, t[i].t);
		CHECK(!strcmp(buf, t[i].s), "%llu/%llu: '%s', want '%s'",
		      t[i].h, t[i].t, buf, t[i].s);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Fuzz                                                               */
/* ------------------------------------------------------------------ */

static __u64 rnd_state = 0x9e3779b97f4a7c15ULL;

static __u64 rnd(void)
{
	return xorshift64(&rnd_state);
}

/* Damage a copy of @orig: flip bytes, cut or extend it. */
static unsigned char *mutate(const unsigned char *orig, size_t olen,
			     size_t *len)
{
	unsigned char *buf = malloc(olen + 256);
	size_t i, n = rnd() % 4;

	if (!buf)
		exit(2);
	memcpy(buf, orig, olen);
	*len = olen;
	for (i = 0; i < n; i++)	/* mostly the header: it decides sizes */
		buf[rnd() % (rnd() % 2 ? 64 : olen)] = rnd();
	if (rnd() % 3 == 0)
		*len = rnd() % (olen + 1);
	else if (rnd() % 5 == 0)
		*len = olen + rnd() % 256;
	if (*len > olen)
		memset(buf + olen, rnd(), *len - olen);
	return buf;
}

/* A parsed mutant must hold together: sizes, kinds, funcs, delta. */
static int check_mutant(const struct kdbt_snap *s, const struct kdbt_snap *orig,
			size_t len)
{
	const struct kdbt_snap_block *b;
	struct kdbt_snap d = { 0 };
	struct kdbt_func *f;
	size_t n;

	CHECK(len == s->hdr.header_size +
	      (size_t)s->hdr.nblocks * s->hdr.block_size, "length accepted");
	kdbt_snap_for_each_block(s, b)
		CHECK(b->kind < KDBT_KIND_NR, "kind accepted");
	CHECK(!kdbt_funcs_build(s, NULL, &f, &n, NULL), "funcs");
	free(f);
	if (!kdbt_snap_delta(&d, orig, s, NULL))
		kdbt_snap_free(&d);
	return 0;
}

static int test_fuzz(void)
{
	struct kdbt_snap orig = { 0 }, s = { 0 };
	struct kdbt_err err;
	unsigned char *good, *buf;
	size_t glen, len;
	int i, ret, parsed = 0, refused = 0;

	good = base_snap(&glen);
	kdbt_snap_parse(&orig, good, glen, NULL, NULL);
	for (i = 0; i < 50000; i++) {
		buf = mutate(good, glen, &len);
		err.msg[0] = '\0';
		ret = kdbt_snap_parse(&s, buf, len, "fuzz", &err);
		free(buf);
		if (ret) {
			refused++;
			CHECK(ret < 0 && err.code == ret && err.msg[0],
			      "iteration %d: %d without a message", i, ret);
			continue;
		}
		parsed++;
		if (check_mutant(&s, &orig, len))
			return -1;
	}
	free(good);
	kdbt_snap_free(&s);
	kdbt_snap_free(&orig);
	CHECK(parsed > 1000 && refused > 1000, "parsed %d, refused %d",
	      parsed, refused);
	return 0;
}

/* A loaded table must be sorted, and each symbol must find itself. */
static int check_table(const struct kdbt_syms *st)
{
	const struct kdbt_sym *s, *f;
	size_t i;

	for (i = 0; i < st->nsyms; i++) {
		s = &st->syms[i];
		CHECK(s->size && s->name && s->module, "symbol %zu", i);
		CHECK(!i || s[-1].start <= s->start, "not sorted at %zu", i);
		f = kdbt_syms_find(st, s->start + s->size - 1);
		CHECK(f && f->start <= s->start + s->size - 1 &&
		      s->start + s->size - 1 - f->start < f->size,
		      "%s: its last byte is not found", s->name);
	}
	return 0;
}

static int test_fuzz_kallsyms(void)
{
	size_t olen = strlen(kallsyms_text), len;
	struct kdbt_syms st = { 0 };
	struct kdbt_err err;
	unsigned char *buf;
	const char *ks;
	int i, ret;

	for (i = 0; i < 2000; i++) {
		buf = mutate((const unsigned char *)kallsyms_text, olen, &len);
		ks = write_file("kallsyms.fuzz", buf, len);
		free(buf);
		ret = kdbt_syms_load(&st, ks, NULL, &err);
		CHECK(!ret || (err.code == ret && err.msg[0]),
		      "iteration %d: %d without a message", i, ret);
		if (!ret && check_table(&st))
			return -1;
	}
	kdbt_syms_free(&st);
	return 0;
}

/* ------------------------------------------------------------------ */
/* kdbt-snapshot against golden text                                  */
/* ------------------------------------------------------------------ */

static const char golden_blocks[] =
	"# version 1\n"
	"# " KDBT_BLOCKS_COLUMNS "\n"
	"ffffffff81000100 alpha+0x0/0x40 [kernel] 50 10 0 0 5 call ffffffff81000140 1 - 0000000000000000\n"
	"ffffffff81000120 alpha+0x20/0x40 [kernel] 21 7 7 2 3 ret 0000000000000000 0 taken ffffffff81000100\n"
	"ffffffff81000140 beta+0x0/0x40 [kernel] 8 4 4 1 2 icall 0000000000000000 0 - 0000000000000000\n"
	"ffffffffc0123010 loop_probe+0x0/0x7f0 [loop] 12 3 3 0 4 ijmp 0000000000000000 0 - 0000000000000000\n"
	"ffffffff90000000 0xffffffff90000000 [unknown] 2 2 0 0 1 native 0000000000000000 0 - 0000000000000000\n";

static const char golden_functions[] =
	"# version 1\n"
	"# " KDBT_FUNCTIONS_COLUMNS "\n"
	"alpha [kernel] 71 17 7 2 2 10\n"
	"beta [kernel] 8 4 4 1 1 4\n"
	"loop_probe [loop] 12 3 3 0 1 3\n"
	"0xffffffff90000000 [unknown] 2 2 0 0 1 2\n";

/* Run "@tool @args" (shell words); its output into @out; exit status. */
static int run_tool(const char *args, char *out, size_t len)
{
	char cmd[1024];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", tool, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	return pclose(p);
}

/* The lines of /proc/kdbt/stats, from the table: kdbt-snapshot --names. */
static const char *names_golden(void)
{
	static char buf[4096];
	const struct kdbt_stat_info *si;
	size_t n = 0;
	unsigned int i;

	for (i = 0; (si = kdbt_stat_info(i)); i++)
		if (si->fmt != KDBT_STAT_FMT_NONE)
			n += snprintf(buf + n, sizeof(buf) - n, "%s\n",
				      si->name);
	return buf;
}

static int test_tool(void)
{
	char args[512], out[4096];
	unsigned char *buf;
	size_t len;
	int st;

	buf = base_snap(&len);
	write_file("snap", buf, len);
	free(buf);
	write_file("kallsyms", kallsyms_text, strlen(kallsyms_text));
	write_file("modules", modules_text, strlen(modules_text));
	snprintf(args, sizeof(args),
		 "-f %1$s/snap --kallsyms %1$s/kallsyms --modules %1$s/modules",
		 tmpdir);
	strcat(args, " --blocks");
	st = run_tool(args, out, sizeof(out));
	CHECK(st == 0 && !strcmp(out, golden_blocks), "--blocks (%d):\n%s",
	      st, out);
	strcpy(strstr(args, " --blocks"), " --functions");
	st = run_tool(args, out, sizeof(out));
	CHECK(st == 0 && !strcmp(out, golden_functions),
	      "--functions (%d):\n%s", st, out);
	snprintf(args, sizeof(args), "--totals < %s/snap -f -", tmpdir);
	st = run_tool(args, out, sizeof(out));
	CHECK(st == 0 && strstr(out, "\ninstructions 1000\n") &&
	      strstr(out, "\njumptable_hits 54\n") &&
	      strstr(out, "\njumptable_hit_rate 90.00\n") &&
	      strstr(out, "\ncoverage 47.82\n") &&
	      strstr(out, "\nretired_executions 3\n") &&
	      strstr(out, "\nblocks 5\n") &&
	      strstr(out, "\nmode transparent\n") &&
	      !strstr(out, "\nuptime_ms "),
	      "--totals (%d):\n%s", st, out);
	st = run_tool("--names", out, sizeof(out));
	CHECK(st == 0 && !strcmp(out, names_golden()), "--names (%d):\n%s",
	      st, out);
	st = run_tool("-f /nonexistent/snap", out, sizeof(out));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1 &&
	      strstr(out, "/nonexistent/snap"), "missing file (%d): %s", st,
	      out);
	st = run_tool("--bogus", out, sizeof(out));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "bad option: %d", st);
	st = run_tool("--help", out, sizeof(out));
	CHECK(st == 0 && strstr(out, "usage:"), "--help (%d)", st);
	return 0;
}

/* ------------------------------------------------------------------ */

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct test {
	const char *name;
	int (*fn)(void);
};

#define T(name) { #name, test_##name }

static const struct test tests[] = {
	T(parse_memory), T(parse_empty_snapshot), T(read_file_and_reread),
	T(err_empty_file), T(err_wrong_magic), T(err_byte_order),
	T(err_truncated_header_short), T(err_truncated_header),
	T(err_truncated_records), T(err_truncated_nblocks),
	T(err_trailing_bytes), T(err_newer_version), T(err_version_zero),
	T(err_small_header_size), T(err_small_block_size),
	T(older_block_sizes_accepted),
	T(err_kind_out_of_range), T(err_edge_out_of_range), T(failure_keeps_old),
	T(larger_sizes_accepted), T(missing_file), T(permission_denied),
	T(proc_open_failed), T(changes), T(changes_short), T(header_v1),
	T(kind_names), T(block_counts), T(totals_and_sum), T(symbols),
	T(symbols_without_modules), T(symbols_hidden), T(fmt_symbol),
	T(functions), T(delta), T(delta_generation), T(stat_table),
	T(snap_stat), T(delta_by_kind), T(stats_parse), T(fmt_count),
	T(fmt_rate), T(fuzz), T(fuzz_kallsyms),
};

int main(int argc, char **argv)
{
	int failed = 0;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines out before a crash */
	strcpy(tmpdir, "/tmp/libkdbt_test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	tool = argc > 1 ? argv[1] : NULL;
	/* A fixed seed unless told: reproducible */
	if (getenv("LIBKDBT_FUZZ_SEED"))
		rnd_state = strtoull(getenv("LIBKDBT_FUZZ_SEED"), NULL, 0) | 1;
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		why[0] = '\0';
		if (tests[i].fn()) {
			printf("FAIL libkdbt_%s: %s\n", tests[i].name, why);
			failed++;
		} else {
			printf("PASS libkdbt_%s\n", tests[i].name);
		}
	}
	if (tool) {
		if (test_tool()) {
			printf("FAIL kdbt-snapshot_golden: %s\n", why);
			failed++;
		} else {
			printf("PASS kdbt-snapshot_golden\n");
		}
	}
	nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return failed ? 1 : 0;
}
