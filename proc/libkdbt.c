// SPDX-License-Identifier: GPL-2.0
/*
 * libkdbt.c - read /proc/kdbt for the kdbt tools: snapshots, derived
 * counts, functions and shared number formats (libkdbt.h; the symbol
 * table is in libkdbt_syms.c).
 *
 * Owns: validating every byte of a snapshot before a tool sees it (magic,
 * version, sizes, length, kinds, edges), the meaning of the derived counts
 * (instructions, indirect, hits), deltas and per-function sums, and the
 * error messages of libkdbt (kdbt_fail(), kdbt_open_failed()).
 * Must never: write to /proc/kdbt, print, exit, or keep global state;
 * trust a length or a count from the file before checking it against the
 * bytes actually read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "libkdbt.h"
#include "libkdbt_int.h"

/* A snapshot larger than this is refused rather than read (-EFBIG). */
#define SNAP_MAX_BYTES	(1UL << 30)
#define SNAP_FIRST_READ	(64UL << 10)
#define PROC_KDBT	"/proc/" KDBT_PROC_DIR

static const char *const kind_names[] = KDBT_KIND_NAMES;

_Static_assert(ARRAY_SIZE(kind_names) == KDBT_KIND_NR,
	       "KDBT_KIND_NAMES and enum kdbt_snap_kind disagree");

static const char *const edge_names[] = KDBT_EDGE_NAMES;

_Static_assert(ARRAY_SIZE(edge_names) == KDBT_EDGE_NR,
	       "KDBT_EDGE_NAMES and enum kdbt_snap_edge disagree");

/**
 * kdbt_fail() - record an error for the caller
 * @err: where the message goes; may be NULL
 * @code: the negative errno to return
 * @fmt: the message, "FILE: problem"
 *
 * Return: @code.
 */
int kdbt_fail(struct kdbt_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

/**
 * kdbt_ok() - clear @err (if any) after a success
 * @err: the caller's error, or NULL
 */
void kdbt_ok(struct kdbt_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

static __u64 sub(__u64 a, __u64 b)
{
	return a > b ? a - b : 0;
}

/* ------------------------------------------------------------------ */
/* Snapshot: read and validate                                        */
/* ------------------------------------------------------------------ */

/**
 * kdbt_kind_name() - the name of a block kind ("kind" column)
 * @kind: enum kdbt_snap_kind
 *
 * Return: "fall", "jmp", ... or "?" for a kind this reader does not know.
 */
const char *kdbt_kind_name(unsigned int kind)
{
	return kind < KDBT_KIND_NR ? kind_names[kind] : "?";
}

/**
 * kdbt_edge_name() - the name of an edge ("edge" column)
 * @edge: enum kdbt_snap_edge
 *
 * Return: "-", "fall", "taken", "jmp", or "?" for one this reader does
 * not know.
 */
const char *kdbt_edge_name(unsigned int edge)
{
	return edge < KDBT_EDGE_NR ? edge_names[edge] : "?";
}

/**
 * kdbt_snap_free() - free a snapshot's records and zero it
 * @s: a snapshot, zeroed or filled by a read; may be NULL
 */
void kdbt_snap_free(struct kdbt_snap *s)
{
	if (!s)
		return;
	free(s->blocks);
	memset(s, 0, sizeof(*s));
}

/* Magic, version and sizes of the header: everything but the length. */
static int check_header(const struct kdbt_snap_header *h, size_t len,
			const char *name, struct kdbt_err *err)
{
	const size_t known = KDBT_SNAP_HEADER_V1_SIZE;

	if (h->magic != KDBT_SNAP_MAGIC) {
		if (h->magic == __builtin_bswap64(KDBT_SNAP_MAGIC))
			return kdbt_fail(err, -EBADMSG,
					 "%s: snapshot of the other byte order",
					 name);
		return kdbt_fail(err, -EBADMSG,
				 "%s: not a kdbt snapshot (magic %016llx, expected %016llx)",
				 name, h->magic, KDBT_SNAP_MAGIC);
	}
	if (h->version > KDBT_SNAP_VERSION)
		return kdbt_fail(err, -EPROTO,
				 "%s: snapshot version %u is newer than this tool's version %u: update the kdbt tools",
				 name, h->version, KDBT_SNAP_VERSION);
	if (h->version == 0)
		return kdbt_fail(err, -EBADMSG,
				 "%s: invalid snapshot version 0", name);
	if (h->header_size < known)
		return kdbt_fail(err, -EBADMSG,
				 "%s: header_size %u is smaller than the %zu bytes of version %u",
				 name, h->header_size, known,
				 KDBT_SNAP_VERSION);
	if (len < h->header_size)
		return kdbt_fail(err, -EBADMSG,
				 "%s: truncated header: %zu bytes, header_size says %u",
				 name, len, h->header_size);
	if (h->block_size < KDBT_SNAP_BLOCK_V1_SIZE)
		return kdbt_fail(err, -EBADMSG,
				 "%s: block_size %u is smaller than the %d bytes of version %u",
				 name, h->block_size, KDBT_SNAP_BLOCK_V1_SIZE,
				 KDBT_SNAP_VERSION);
	if ((h->flags & KDBT_SNAP_SHORT) && !(h->flags & KDBT_SNAP_DELTA))
		return kdbt_fail(err, -EBADMSG,
				 "%s: short records in a complete snapshot",
				 name);
	if ((h->flags & KDBT_SNAP_SHORT) && h->nshort &&
	    h->short_size < sizeof(struct kdbt_snap_count))
		return kdbt_fail(err, -EBADMSG,
				 "%s: short_size %u is smaller than the %zu bytes of version %u",
				 name, h->short_size,
				 sizeof(struct kdbt_snap_count),
				 KDBT_SNAP_VERSION);
	return 0;
}

/*
 * The header at @buf (@len bytes there), its fields past header_size
 * (an older, shorter header) 0, as are nshort and short_size without
 * KDBT_SNAP_SHORT (they mean nothing then).
 */
static void copy_header(struct kdbt_snap_header *h, const unsigned char *buf,
			size_t len)
{
	memset(h, 0, sizeof(*h));
	memcpy(h, buf, len < sizeof(*h) ? len : sizeof(*h));
	/* (a header_size below V1's is refused: check_header()) */
	if (len >= offsetof(struct kdbt_snap_header, block_size) &&
	    h->header_size >= KDBT_SNAP_HEADER_V1_SIZE &&
	    h->header_size < sizeof(*h))
		memset((unsigned char *)h + h->header_size, 0,
		       sizeof(*h) - h->header_size);
	if (!(h->flags & KDBT_SNAP_SHORT))
		h->nshort = h->short_size = 0;
}

/* The bytes header @h says its snapshot has. */
static unsigned long long snap_bytes(const struct kdbt_snap_header *h)
{
	return h->header_size + (unsigned long long)h->nblocks * h->block_size +
	       (unsigned long long)h->nshort * h->short_size;
}

/* The header of @buf, checked against the @len bytes there are. */
static int parse_header(struct kdbt_snap_header *h, const unsigned char *buf,
			size_t len, const char *name, struct kdbt_err *err)
{
	const size_t need = offsetof(struct kdbt_snap_header, block_size);
	unsigned long long total;
	int ret;

	if (len == 0)
		return kdbt_fail(err, -ENODATA, "%s: empty snapshot (0 bytes)",
				 name);
	if (len < need)
		return kdbt_fail(err, -EBADMSG,
				 "%s: truncated header: %zu bytes, need %zu",
				 name, len, sizeof(*h));
	copy_header(h, buf, len);
	ret = check_header(h, len, name, err);
	if (ret)
		return ret;
	total = snap_bytes(h);
	if (len < total)
		return kdbt_fail(err, -EBADMSG,
				 "%s: truncated: %zu bytes, header says %llu",
				 name, len, total);
	if (len > total)
		return kdbt_fail(err, -EBADMSG,
				 "%s: %llu trailing bytes: %zu bytes, header says %llu",
				 name, len - total, len, total);
	return 0;
}

/*
 * The @n short records (KDBT_SNAP_SHORT, @size bytes each) at @r as
 * records at @b: id, flags and counts, the rest 0 (kdbt_changes_apply()
 * fills it in from the snapshot the changes update).
 */
static void short_stubs(struct kdbt_snap_block *b, const unsigned char *r,
			__u32 n, __u32 size)
{
	struct kdbt_snap_count c;

	for (; n--; b++, r += size) {
		memcpy(&c, r, sizeof(c));
		memset(b, 0, sizeof(*b));
		b->id = c.id;
		b->flags = c.flags;
		b->executions = c.executions;
		b->misses = c.misses;
	}
}

/*
 * Copy the known prefix of each record and check its kind; the fields a
 * smaller (older) record lacks stay 0.  Short records (KDBT_SNAP_SHORT)
 * come first in s->blocks, in the form short_stubs() gives them.
 */
static int parse_blocks(struct kdbt_snap *s, const unsigned char *buf,
			const char *name, struct kdbt_err *err)
{
	struct kdbt_snap_header *h = &s->hdr;
	struct kdbt_snap_block *b;
	size_t known = h->block_size < sizeof(*b) ? h->block_size : sizeof(*b);
	__u64 total = (__u64)h->nblocks + h->nshort;
	__u32 i;

	if (!total)
		return 0;
	if (total > UINT32_MAX)
		return kdbt_fail(err, -EBADMSG, "%s: %llu records", name,
				 (unsigned long long)total);
	s->blocks = malloc(total * sizeof(*s->blocks));
	if (!s->blocks)
		return kdbt_fail(err, -ENOMEM,
				 "%s: out of memory for %llu blocks", name,
				 (unsigned long long)total);
	short_stubs(s->blocks, buf + h->header_size +
		    (size_t)h->nblocks * h->block_size, h->nshort,
		    h->short_size);
	for (i = 0; i < h->nblocks; i++) {
		const unsigned char *r = buf + h->header_size +
					 (size_t)i * h->block_size;

		b = &s->blocks[h->nshort + i];
		if (known == sizeof(*b)) {	/* a few moves, not a call */
			memcpy(b, r, sizeof(*b));
		} else {
			memset(b, 0, sizeof(*b));
			memcpy(b, r, known);
		}
		if (b->kind >= KDBT_KIND_NR)
			return kdbt_fail(err, -EBADMSG,
					 "%s: block %u (id %u): kind %u out of range (0..%u)",
					 name, i, b->id, b->kind,
					 KDBT_KIND_NR - 1);
		if (b->edge >= KDBT_EDGE_NR)
			return kdbt_fail(err, -EBADMSG,
					 "%s: block %u (id %u): edge %u out of range (0..%u)",
					 name, i, b->id, b->edge,
					 KDBT_EDGE_NR - 1);
	}
	h->nblocks = total;	/* the short ones first: kdbt_snap.blocks */
	return 0;
}

static int parse(struct kdbt_snap *s, const void *buf, size_t len,
		 const char *name, bool delta_ok, struct kdbt_err *err);

/**
 * kdbt_snap_parse() - validate the bytes of a snapshot and copy them
 * @s: where the snapshot goes: zeroed, or a previous snapshot, which is
 *     freed and replaced on success and left untouched on failure
 * @buf: the bytes of /proc/kdbt/snapshot, from offset 0 to the end
 * @len: their number
 * @name: the file they came from, for messages (NULL: "snapshot")
 * @err: the message on failure; may be NULL
 *
 * Accepts a header_size or block_size larger than this reader knows (the
 * fields of later versions are dropped), and a block_size of an older
 * version, down to KDBT_SNAP_BLOCK_V1_SIZE (the fields it lacks are 0;
 * kdbt_snap_block_has() on hdr.block_size says which it had); refuses a
 * wrong magic, a newer version, a length other than header_size +
 * nblocks * block_size, a kind or an edge out of range, and the changes
 * of a read of /proc/kdbt/changes (KDBT_SNAP_DELTA: kdbt_snap_update_fd()).
 *
 * Return: 0, -ENODATA (empty), -EBADMSG (malformed), -EPROTO (newer
 * version) or -ENOMEM.
 */
int kdbt_snap_parse(struct kdbt_snap *s, const void *buf, size_t len,
		    const char *name, struct kdbt_err *err)
{
	return parse(s, buf, len, name, false, err);
}

static int parse(struct kdbt_snap *s, const void *buf, size_t len,
		 const char *name, bool delta_ok, struct kdbt_err *err)
{
	struct kdbt_snap tmp = { 0 };
	int ret;

	if (!name)
		name = "snapshot";
	ret = parse_header(&tmp.hdr, buf, len, name, err);
	if (!ret && !delta_ok && (tmp.hdr.flags & KDBT_SNAP_DELTA))
		ret = kdbt_fail(err, -EBADMSG,
				"%s: only the changes since an earlier read (from %s), not a whole snapshot",
				name, KDBT_CHANGES_PATH);
	if (!ret)
		ret = parse_blocks(&tmp, buf, name, err);
	if (ret) {
		kdbt_snap_free(&tmp);
		return ret;
	}
	kdbt_snap_free(s);
	*s = tmp;
	kdbt_ok(err);
	return 0;
}

/*
 * The length a snapshot whose first @len bytes are in @buf says it has
 * (header_size + nblocks * block_size), or 0 before its header is in.
 */
static size_t snap_length(const unsigned char *buf, size_t len)
{
	struct kdbt_snap_header h;

	if (len < sizeof(h))	/* every header a kernel sends is whole */
		return 0;
	copy_header(&h, buf, len);
	return snap_bytes(&h);
}

/*
 * kdbt_read_all(), the buffer grown to what @length (if not NULL) says
 * the whole file takes once its start is in, else doubled: growing a
 * snapshot's buffer by doubling would copy the records again and again,
 * a cost for a tool that reads every second.
 */
static int read_all(int fd, size_t max,
		    size_t (*length)(const unsigned char *, size_t),
		    unsigned char **bufp, size_t *lenp)
{
	size_t cap = SNAP_FIRST_READ, len = 0, want;
	unsigned char *buf = malloc(cap), *bigger;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap >= max) {
				free(buf);
				return -EFBIG;
			}
			want = length ? length(buf, len) : 0;
			want = want > cap ? want + SNAP_FIRST_READ : 2 * cap;
			want = want < max ? want : max;
			bigger = realloc(buf, want);
			if (!bigger) {
				free(buf);
				return -ENOMEM;
			}
			buf = bigger;
			cap = want;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

/**
 * kdbt_read_all() - read a file to its end into a growing buffer (proc
 * files have no size)
 * @fd: the file
 * @max: refuse it beyond this many bytes
 * @bufp: receives the malloc()ed bytes
 * @lenp: receives their number
 *
 * Return: 0, -ENOMEM, -EFBIG or the -errno of read(2).
 */
int kdbt_read_all(int fd, size_t max, unsigned char **bufp, size_t *lenp)
{
	return read_all(fd, max, NULL, bufp, lenp);
}

/*
 * The bytes of @fd from offset 0 (a pipe: from where it is) to its end,
 * into a malloc()ed *@buf of *@len bytes.  Return: 0 or the error.
 */
static int read_from_start(int fd, const char *name, unsigned char **buf,
			   size_t *len, struct kdbt_err *err)
{
	int ret;

	if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
		return kdbt_fail(err, -errno, "%s: seek: %s", name,
				 strerror(errno));
	ret = read_all(fd, SNAP_MAX_BYTES, snap_length, buf, len);
	if (ret == -EFBIG)
		return kdbt_fail(err, ret, "%s: larger than %lu MiB, refused",
				 name, SNAP_MAX_BYTES >> 20);
	if (ret)
		return kdbt_fail(err, ret, "%s: read: %s", name,
				 strerror(-ret));
	return 0;
}

/**
 * kdbt_snap_read_fd() - take a snapshot through an open file
 * @s: as for kdbt_snap_parse()
 * @fd: /proc/kdbt/snapshot (or a copy, or a pipe), opened for reading
 * @name: its name, for messages (NULL: "snapshot")
 * @err: the message on failure; may be NULL
 *
 * Seeks @fd to offset 0 first (a read there takes a fresh snapshot, so a
 * tool keeps the file open and calls this again for the next one; a pipe
 * is read from where it is), then reads it to its end.
 *
 * Return: as kdbt_snap_parse(), or the -errno of lseek(2) or read(2).
 */
int kdbt_snap_read_fd(struct kdbt_snap *s, int fd, const char *name,
		      struct kdbt_err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int ret;

	if (!name)
		name = "snapshot";
	ret = read_from_start(fd, name, &buf, &len, err);
	if (ret)
		return ret;
	ret = kdbt_snap_parse(s, buf, len, name, err);
	free(buf);
	return ret;
}

/**
 * kdbt_changes_fit() - check the changes of one read of /proc/kdbt/changes
 * against the complete snapshot they update: each record replaces the
 * block of its id or, past the last, is the next new one; a short record
 * (KDBT_SNAP_SHORT) updates a block @s has
 * @s: the complete snapshot (hdr.magic 0: none yet)
 * @d: the changes (KDBT_SNAP_DELTA)
 *
 * Return: the number of blocks after applying them, or 0 when they do not
 * fit (or @s and @d have no blocks at all).
 */
__u32 kdbt_changes_fit(const struct kdbt_snap *s, const struct kdbt_snap *d)
{
	__u32 n = s->hdr.nblocks, i, id;

	if (!s->hdr.magic)
		return 0;
	for (i = 0; i < d->hdr.nblocks; i++) {
		id = d->blocks[i].id;
		if (id == 0 || id > n + 1 ||
		    (id <= s->hdr.nblocks && s->blocks[id - 1].id != id) ||
		    (i < d->hdr.nshort && id > s->hdr.nblocks))
			return 0;
		if (id == n + 1)
			n++;
	}
	return n;
}

/**
 * kdbt_changes_check() - kdbt_changes_fit() with the message a tool gives
 * @s: as for kdbt_changes_fit()
 * @d: as for kdbt_changes_fit()
 * @name: the file @d was read from, for the message
 * @err: the message on failure; may be NULL
 *
 * Return: the number of blocks after applying @d, or -EBADMSG when the
 * changes do not fit @s (then reopen the file: its next read is complete).
 */
long kdbt_changes_check(const struct kdbt_snap *s, const struct kdbt_snap *d,
			const char *name, struct kdbt_err *err)
{
	__u32 n = kdbt_changes_fit(s, d);

	if (!n && d->hdr.nblocks + s->hdr.nblocks)
		return kdbt_fail(err, -EBADMSG,
				 "%s: changes that do not fit the blocks read before",
				 name);
	return n;
}

/* Short record @r (id, flags, counts) made whole from @old, its block. */
static void make_whole(struct kdbt_snap_block *r,
		       const struct kdbt_snap_block *old)
{
	struct kdbt_snap_block w = *old;

	w.executions = r->executions;
	w.misses = r->misses;
	w.flags = r->flags;
	*r = w;
}

/**
 * kdbt_changes_apply() - apply the changes of one read of
 * /proc/kdbt/changes to the complete snapshot they update, and leave in
 * each change what its block counted since
 * @s: the complete snapshot; its blocks array has room for @n blocks
 * @d: the changes (KDBT_SNAP_DELTA), checked: kdbt_changes_fit(@s, @d)
 *     gave @n.  On return each record holds its block's counts since @s
 *     had it, by kdbt_snap_delta()'s rule (the same id and address: the
 *     difference; a block new in @s, or a new address under an old id
 *     after a flush: all its counts), a short record (KDBT_SNAP_SHORT)
 *     made whole from @s; the header is left as it came, but for
 *     KDBT_SNAP_SHORT and nshort, cleared (every record is whole now)
 * @n: the number of blocks after them, as kdbt_changes_fit() said
 *
 * A tool that keeps the newest snapshot updates it in place and has in
 * @d the blocks that counted since its previous read, without a pass
 * over the blocks that did not change.
 */
void kdbt_changes_apply(struct kdbt_snap *s, struct kdbt_snap *d, __u32 n)
{
	struct kdbt_snap_block *r, *old;
	__u32 had = s->hdr.nblocks;
	__u64 e, x;

	kdbt_snap_for_each_block(d, r) {
		old = &s->blocks[r->id - 1];
		if (r < d->blocks + d->hdr.nshort)	/* the rest as @s has it */
			make_whole(r, old);
		if (r->id <= had && old->native == r->native) {
			e = old->executions;
			x = old->misses;
			*old = *r;
			r->executions = sub(r->executions, e);
			r->misses = sub(r->misses, x);
		} else {
			*old = *r;
		}
	}
	d->hdr.flags &= ~KDBT_SNAP_SHORT;
	d->hdr.nshort = 0;
	s->hdr = d->hdr;
	s->hdr.flags &= ~KDBT_SNAP_DELTA;
	s->hdr.nblocks = n;
}

/*
 * Apply the changes @d to the complete snapshot @s (checked by
 * kdbt_changes_fit(): @n blocks after); @d's counts become differences.
 * Return: 0 or -ENOMEM, @s untouched.
 */
static int changes_apply(struct kdbt_snap *s, struct kdbt_snap *d, __u32 n)
{
	struct kdbt_snap_block *b;

	if (n > s->hdr.nblocks) {
		b = realloc(s->blocks, n * sizeof(*b));
		if (!b)
			return -ENOMEM;
		s->blocks = b;
	}
	kdbt_changes_apply(s, d, n);
	return 0;
}

/**
 * kdbt_snap_update_fd() - the next snapshot through an open
 * /proc/kdbt/changes, which sends only what changed since its previous
 * read (KDBT_SNAP_DELTA)
 * @s: what the previous call on the same open file left (zeroed before
 *     the first); on success the complete snapshot, as a read of
 *     /proc/kdbt/snapshot would give; untouched on failure
 * @fd: /proc/kdbt/changes, opened for reading
 * @name: its name, for messages (NULL: "changes")
 * @rd: receives what the read sent; may be NULL
 * @err: the message on failure; may be NULL
 *
 * A read without KDBT_SNAP_DELTA (the first, the first after a cache
 * flush) replaces @s.  After a failure the file's idea of what this
 * reader has and @s differ: close it, open it again and start from a
 * zeroed @s.
 *
 * Return: as kdbt_snap_read_fd(), or -EBADMSG for changes that do not
 * fit @s.
 */
int kdbt_snap_update_fd(struct kdbt_snap *s, int fd, const char *name,
			struct kdbt_changes_read *rd, struct kdbt_err *err)
{
	struct kdbt_snap d = { 0 };
	long n;
	int ret;

	if (!name)
		name = "changes";
	ret = kdbt_changes_read_fd(&d, fd, name, err);
	if (ret)
		return ret;
	if (rd) {
		rd->records = d.hdr.nblocks;
		rd->shorts = d.hdr.nshort;
		rd->delta = d.hdr.flags & KDBT_SNAP_DELTA;
	}
	if (!(d.hdr.flags & KDBT_SNAP_DELTA)) {
		kdbt_snap_free(s);
		*s = d;
		return 0;
	}
	n = kdbt_changes_check(s, &d, name, err);
	ret = n < 0 ? n : changes_apply(s, &d, n);
	if (ret == -ENOMEM)
		kdbt_fail(err, ret, "%s: out of memory for %ld blocks", name, n);
	kdbt_snap_free(&d);
	if (!ret)
		kdbt_ok(err);
	return ret;
}

/**
 * kdbt_changes_open() - open /proc/kdbt/changes for a reader that reads
 * it again and again
 * @path: the file (NULL: KDBT_CHANGES_PATH)
 * @short_form: ask for short records (KDBT_SNAP_SHORT): the blocks the
 *     file sent before come as their counts only, a third of the bytes
 *
 * A kdbt.ko that cannot send short records (older: the file takes no
 * write) sends whole ones; so does one the file could not be opened for
 * writing: the readers take both.
 *
 * Return: the file descriptor, or -1 with errno set by open(2).
 */
int kdbt_changes_open(const char *path, bool short_form)
{
	static const char word[] = "short";
	int fd = -1;

	if (!path)
		path = KDBT_CHANGES_PATH;
	if (short_form)
		fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return open(path, O_RDONLY | O_CLOEXEC);
	/* an older kdbt.ko takes no write (EIO): its reads are whole */
	if (write(fd, word, sizeof(word) - 1) != sizeof(word) - 1)
		errno = 0;
	return fd;
}

/**
 * kdbt_changes_read_fd() - one read of an open /proc/kdbt/changes, as it
 * came: for a tool that applies the changes itself (kdbt-top's model
 * takes the differences from them without a pass over every block)
 * @d: as for kdbt_snap_parse(): receives a complete snapshot (the first
 *     read, the first after a cache flush) or, with KDBT_SNAP_DELTA in
 *     hdr.flags, the records of the blocks that changed since the
 *     previous read, in id order (check them with kdbt_changes_fit())
 * @fd: /proc/kdbt/changes, opened for reading
 * @name: its name, for messages (NULL: "changes")
 * @err: the message on failure; may be NULL
 *
 * After a failure, or changes that do not fit, close the file and open it
 * again (its next read is complete).
 *
 * Return: as kdbt_snap_read_fd().
 */
int kdbt_changes_read_fd(struct kdbt_snap *d, int fd, const char *name,
			 struct kdbt_err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int ret;

	if (!name)
		name = "changes";
	ret = read_from_start(fd, name, &buf, &len, err);
	if (ret)
		return ret;
	ret = parse(d, buf, len, name, true, err);
	free(buf);
	return ret;
}

/**
 * kdbt_open_failed() - the error of an open(2) that failed
 * @path: the file
 * @e: errno of the open
 * @err: receives the message; may be NULL
 *
 * Says what to do about the usual failures: /proc/kdbt missing (kdbt.ko
 * not loaded), root-only (EACCES) or without the capability kdbt.ko asks
 * for (EPERM: kdbt(4), Access).
 *
 * Return: -@e (-EACCES for EPERM under /proc/kdbt).
 */
int kdbt_open_failed(const char *path, int e, struct kdbt_err *err)
{
	bool proc = !strncmp(path, PROC_KDBT "/", strlen(PROC_KDBT "/"));
	struct stat st;

	if (e == ENOENT && proc && stat(PROC_KDBT, &st))
		return kdbt_fail(err, -e, "kdbt.ko is not loaded (no %s)",
				 PROC_KDBT);
	if (e == ENOENT && proc)
		return kdbt_fail(err, -e,
				 "%s: no such file (is kdbt.ko older than this tool?)",
				 path);
	if (e == EACCES && proc)
		return kdbt_fail(err, -EACCES,
				 "permission denied: %s is root-only",
				 PROC_KDBT);
	if (e == EPERM && proc)
		return kdbt_fail(err, -EACCES,
				 "permission denied: %s needs CAP_PERFMON or CAP_SYS_ADMIN (control: CAP_SYS_ADMIN) in the initial user namespace",
				 path);
	if (e == EACCES)
		return kdbt_fail(err, -e, "permission denied: %s", path);
	return kdbt_fail(err, -e, "%s: %s", path, strerror(e));
}

/**
 * kdbt_snap_read() - take a snapshot from a file
 * @s: as for kdbt_snap_parse()
 * @path: the file; NULL for /proc/kdbt/snapshot
 * @err: the message on failure; may be NULL
 *
 * Return: as kdbt_snap_read_fd(), or -ENOENT ("kdbt.ko is not loaded"
 * when /proc/kdbt is missing), -EACCES ("/proc/kdbt is root-only"), or
 * another -errno of open(2).
 */
int kdbt_snap_read(struct kdbt_snap *s, const char *path,
		   struct kdbt_err *err)
{
	int fd, ret;

	if (!path)
		path = KDBT_SNAPSHOT_PATH;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdbt_open_failed(path, errno, err);
	ret = kdbt_snap_read_fd(s, fd, path, err);
	close(fd);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Derived counts, totals and deltas                                  */
/* ------------------------------------------------------------------ */

/**
 * kdbt_block_counts() - the counts of one block
 * @s: the snapshot holding @b (its flags decide whether a return is an
 *     indirect branch)
 * @b: a block record
 * @c: filled: instructions = insns * executions, indirect as
 *     kdbt_snap_indirect(), hits = indirect - misses (0 if racing
 *     increments left more misses than executions)
 */
void kdbt_block_counts(const struct kdbt_snap *s,
		       const struct kdbt_snap_block *b, struct kdbt_counts *c)
{
	c->executions = b->executions;
	c->instructions = b->executions * b->insns;
	c->indirect = kdbt_snap_indirect(b, s->hdr.flags);
	c->misses = b->misses;
	c->hits = sub(c->indirect, c->misses);
}

static void counts_add(struct kdbt_counts *sum, const struct kdbt_counts *c)
{
	sum->instructions += c->instructions;
	sum->executions += c->executions;
	sum->indirect += c->indirect;
	sum->misses += c->misses;
	sum->hits += c->hits;
}

/**
 * kdbt_snap_sum() - the counts of every block of a snapshot, summed
 * @s: the snapshot
 * @c: filled with the sums
 *
 * These leave out the blocks of flushed caches, which the header's totals
 * include: header minus retired_* is what the sums should come to, up to
 * the header's lost_estimate.
 */
void kdbt_snap_sum(const struct kdbt_snap *s, struct kdbt_counts *c)
{
	const struct kdbt_snap_block *b;
	struct kdbt_counts one;

	memset(c, 0, sizeof(*c));
	kdbt_snap_for_each_block(s, b) {
		kdbt_block_counts(s, b, &one);
		counts_add(c, &one);
	}
}

/**
 * kdbt_snap_totals() - the header's totals since the last reset (flushed
 * blocks included), as the counts of a block are (the header itself has
 * the indirect branches by kind)
 * @s: the snapshot
 * @c: filled; c->indirect = indirect calls + jumps + returns (returns
 *     count in transparent mode only), c->hits = that minus misses
 */
void kdbt_snap_totals(const struct kdbt_snap *s, struct kdbt_counts *c)
{
	const struct kdbt_snap_header *h = &s->hdr;

	c->instructions = h->instructions;
	c->executions = h->block_executions;
	c->indirect = h->indirect_calls + h->indirect_jumps + h->returns;
	c->misses = h->jumptable_misses;
	c->hits = sub(c->indirect, c->misses);
}

static int cmp_block_id(const void *a, const void *b)
{
	const struct kdbt_snap_block *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return 0;
}

/* The header of newer - older: counts subtracted, the rest as newer's. */
static void header_delta(struct kdbt_snap_header *d,
			 const struct kdbt_snap_header *o)
{
	__u64 *v, ov;
	unsigned int i;

	d->on_ns = sub(d->on_ns, o->on_ns);
	for (i = 0; i < KDBT_STAT_NR; i++) {
		v = kdbt_snap_slot(d, i);
		if (v && kdbt_stat_info(i)->kind != KDBT_STAT_KIND_LEVEL &&
		    !kdbt_snap_u64(o, i, &ov))
			*v = sub(*v, ov);
	}
}

/* Subtract from each block of @d the block of @older of its id and address. */
static void blocks_delta(struct kdbt_snap *d, const struct kdbt_snap *older,
			 struct kdbt_snap_block *by_id)
{
	struct kdbt_snap_block *b, *o;
	__u32 n = older->hdr.nblocks;

	if (!n)
		return;		/* every block is new */
	memcpy(by_id, older->blocks, n * sizeof(*by_id));
	qsort(by_id, n, sizeof(*by_id), cmp_block_id);
	kdbt_snap_for_each_block(d, b) {
		o = bsearch(b, by_id, n, sizeof(*by_id), cmp_block_id);
		if (!o || o->native != b->native)
			continue;	/* new since @older: all its counts */
		b->executions = sub(b->executions, o->executions);
		b->misses = sub(b->misses, o->misses);
	}
}

/**
 * kdbt_snap_delta() - what happened between two snapshots
 * @out: receives the delta, as for kdbt_snap_parse() (may be @newer)
 * @older: the earlier snapshot
 * @newer: the later one, of the same generation (same resets and flushes)
 * @err: the message on failure; may be NULL
 *
 * The delta is a snapshot with the blocks of @newer whose executions and
 * misses are those since @older (a block is the same when its id and
 * native address match; a block new since @older keeps all its counts),
 * the header's counters likewise subtracted, and @out->interval_ns set to
 * the time between the two.  Everything that reads a snapshot reads it.
 *
 * Return: 0, -ESTALE if a reset or a flush happened in between (the
 * counts of @newer are then all since that event), or -ENOMEM.
 */
int kdbt_snap_delta(struct kdbt_snap *out, const struct kdbt_snap *older,
		    const struct kdbt_snap *newer, struct kdbt_err *err)
{
	const struct kdbt_snap_header *o = &older->hdr, *n = &newer->hdr;
	const char *what = o->resets != n->resets ? "reset" : "cache flush";
	size_t bytes = (size_t)n->nblocks * sizeof(struct kdbt_snap_block);
	struct kdbt_snap_block *by_id;
	struct kdbt_snap d = { .hdr = *n };

	if (o->resets != n->resets || o->flushes != n->flushes)
		return kdbt_fail(err, -ESTALE,
				 "a %s happened between the snapshots (resets %llu -> %llu, flushes %llu -> %llu)",
				 what, o->resets, n->resets, o->flushes,
				 n->flushes);
	d.blocks = bytes ? malloc(bytes) : NULL;
	by_id = o->nblocks ? calloc(o->nblocks, sizeof(*by_id)) : NULL;
	if ((bytes && !d.blocks) || (o->nblocks && !by_id)) {
		free(d.blocks);
		free(by_id);
		return kdbt_fail(err, -ENOMEM, "out of memory for a delta");
	}
	if (bytes)
		memcpy(d.blocks, newer->blocks, bytes);
	blocks_delta(&d, older, by_id);
	free(by_id);
	header_delta(&d.hdr, o);
	d.interval_ns = sub(n->time_ns, o->time_ns);
	kdbt_snap_free(out);
	*out = d;
	kdbt_ok(err);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Functions                                                          */
/* ------------------------------------------------------------------ */

/* A block, its symbol and the start of its function, for grouping. */
struct func_key {
	__u64 start;
	const struct kdbt_sym *sym;
	const struct kdbt_snap_block *b;
};

/**
 * kdbt_block_starts_func() - whether a block starts its function, so that
 * its executions are calls of the function
 * @sym: the symbol covering the block (kdbt_syms_find()), or NULL
 * @native: the block's native address
 *
 * A block no symbol covers is a function of its own (kdbt_funcs_build()),
 * so it starts it.  The tools count a block's calls by this rule, and
 * kdbt_funcs_build() sums them into its function's calls.
 *
 * Return: 1 if it does, else 0.
 */
int kdbt_block_starts_func(const struct kdbt_sym *sym, __u64 native)
{
	return !sym || sym->start == native;
}

/*
 * Where the function starting at @start is in @f, through the open
 * hash @slot (@mask + 1 slots, each 0 or a function's index + 1): its
 * index, or @nf, the next index, for a new function, whose slot is taken.
 */
static size_t func_slot(__u32 *slot, size_t mask, const struct kdbt_func *f,
			size_t nf, __u64 start)
{
	size_t h = (size_t)((start >> 4) * 0x9e3779b97f4a7c15ULL) & mask;

	for (; slot[h]; h = (h + 1) & mask)
		if (f[slot[h] - 1].start == start)
			return slot[h] - 1;
	slot[h] = nf + 1;
	return nf;
}

/* Add block @k to function @f (the first block of @f starts it). */
static void func_add(const struct kdbt_snap *s, struct kdbt_func *f,
		     const struct func_key *k)
{
	struct kdbt_counts c;

	if (!f->blocks) {
		f->start = k->start;
		f->sym = k->sym;
		f->module = k->sym ? k->sym->module : "unknown";
		f->first = k->b - s->blocks;
	}
	kdbt_block_counts(s, k->b, &c);
	counts_add(&f->c, &c);
	if (kdbt_block_starts_func(k->sym, k->b->native))
		f->calls += k->b->executions;
	f->blocks++;
}

/**
 * kdbt_funcs_build() - sum the blocks of a snapshot per function
 * @s: the snapshot (or a delta)
 * @st: the symbol table, or NULL: then every block address is a function
 * @funcs: receives a malloc()ed array in the order of the functions'
 *         first blocks in @s, the order of /proc/kdbt/functions (never
 *         NULL on success, even with no function, so that @funcs +
 *         @nfuncs is always defined); it points into @st: free it before
 *         @st
 * @nfuncs: receives its length
 * @err: the message on failure; may be NULL
 *
 * A block belongs to the symbol containing its native address; a block
 * no symbol covers is a function of its own, at its address, in module
 * "unknown" (as the kernel shows it).  The calls of a function are the
 * executions of its blocks that start where it starts.  One pass over
 * the blocks, a hash of the function starts seen (no sorting: kdbt-top
 * does this at every refresh).
 *
 * Return: 0 or -ENOMEM.
 */
int kdbt_funcs_build(const struct kdbt_snap *s, const struct kdbt_syms *st,
		     struct kdbt_func **funcs, size_t *nfuncs,
		     struct kdbt_err *err)
{
	return kdbt_funcs_build_syms(s, st, NULL, funcs, nfuncs, err);
}

/**
 * kdbt_funcs_build_syms() - kdbt_funcs_build() with the blocks' symbols
 * looked up already (a tool that groups the blocks at every refresh keeps
 * them per block)
 * @s: as for kdbt_funcs_build()
 * @st: as for kdbt_funcs_build()
 * @syms_of: NULL, or the symbol of each block of @s, in its order, as
 *           kdbt_syms_find(@st, its address) gives it
 * @funcs: as for kdbt_funcs_build()
 * @nfuncs: as for kdbt_funcs_build()
 * @err: as for kdbt_funcs_build()
 *
 * Return: 0 or -ENOMEM.
 */
int kdbt_funcs_build_syms(const struct kdbt_snap *s,
			  const struct kdbt_syms *st,
			  const struct kdbt_sym *const *syms_of,
			  struct kdbt_func **funcs, size_t *nfuncs,
			  struct kdbt_err *err)
{
	__u32 i, n = s->hdr.nblocks, *slot;
	struct kdbt_func *f;
	struct func_key k;
	size_t nf = 0, j, mask;

	*funcs = NULL;
	*nfuncs = 0;
	for (mask = 15; mask < (size_t)n; mask = 2 * mask + 1)
		;		/* more slots than functions: a free one */
	f = malloc((n ? n : 1) * sizeof(*f));	/* zeroed as used */
	slot = calloc(mask + 1, sizeof(*slot));
	if (!f || !slot) {
		free(f);
		free(slot);
		return kdbt_fail(err, -ENOMEM, "out of memory for %u blocks",
				 n);
	}
	for (i = 0; i < n; i++) {
		k.b = &s->blocks[i];
		k.sym = syms_of ? syms_of[i] : kdbt_syms_find(st, k.b->native);
		k.start = k.sym ? k.sym->start : k.b->native;
		j = func_slot(slot, mask, f, nf, k.start);
		if (j == nf)
			memset(&f[nf++], 0, sizeof(*f));
		func_add(s, &f[j], &k);
	}
	free(slot);
	*funcs = f;
	*nfuncs = nf;
	kdbt_ok(err);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Formats                                                            */
/* ------------------------------------------------------------------ */

/**
 * kdbt_fmt_count() - a count in at most three significant digits
 * @buf: where the text goes (KDBT_FMT_LEN bytes are always enough)
 * @len: its size
 * @v: the count
 *
 * Below 1000 the number itself; above, 3 significant digits and k, M, G,
 * T, P or E (1234 -> "1.23k", 1234567 -> "1.23M", 123456789 -> "123M").
 *
 * Return: @buf.
 */
char *kdbt_fmt_count(char *buf, size_t len, __u64 v)
{
	static const char units[] = "kMGTPE";
	double x = v;
	int u;

	if (v < 1000) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return buf;
	}
	for (u = 0; u < 5 && x / 1000 >= 999.5; u++)
		x /= 1000;
	x /= 1000;
	if (x < 9.995)
		snprintf(buf, len, "%.2f%c", x, units[u]);
	else if (x < 99.95)
		snprintf(buf, len, "%.1f%c", x, units[u]);
	else
		snprintf(buf, len, "%.0f%c", x, units[u]);
	return buf;
}

/**
 * kdbt_fmt_rate() - a hit rate as a percentage with two decimals
 * @buf: where the text goes (KDBT_FMT_LEN bytes are always enough)
 * @len: its size
 * @hits: the hits
 * @total: what they are out of
 *
 * Rounds down, so "100.00%" means every one hit; "-" when @total is 0.
 *
 * Return: @buf.
 */
char *kdbt_fmt_rate(char *buf, size_t len, __u64 hits, __u64 total)
{
	unsigned __int128 bp;

	if (!total) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (hits > total)
		hits = total;
	bp = (unsigned __int128)hits * 10000 / total;
	snprintf(buf, len, "%u.%02u%%", (unsigned int)(bp / 100),
		 (unsigned int)(bp % 100));
	return buf;
}

/**
 * kdbt_fmt_symbol() - an address as the kernel prints it in blocks
 * @buf: where the text goes (truncated to fit)
 * @len: its size
 * @st: the symbol table, or NULL
 * @addr: a native address
 *
 * Return: @buf, holding "name+0xoff/0xsize", or "0x" and the address in
 * hex when no symbol covers it (module "unknown").
 */
char *kdbt_fmt_symbol(char *buf, size_t len, const struct kdbt_syms *st,
		      __u64 addr)
{
	const struct kdbt_sym *s = kdbt_syms_find(st, addr);

	if (s)
		snprintf(buf, len, "%s+0x%llx/0x%llx", s->name,
			 (unsigned long long)(addr - s->start),
			 (unsigned long long)s->size);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

/**
 * kdbt_snap_zero_profile() - zero what a reset zeroes in a header (the
 * statistics of kind PROFILE: the profile's totals and the coverage
 * samples; see kdbt(4)), as the start of a delta that begins at a reset.
 * @h: the header.
 */
void kdbt_snap_zero_profile(struct kdbt_snap_header *h)
{
	__u64 *v;
	unsigned int i;

	for (i = 0; i < KDBT_STAT_NR; i++) {
		v = kdbt_snap_slot(h, i);
		if (v && kdbt_stat_info(i)->kind == KDBT_STAT_KIND_PROFILE)
			*v = 0;
	}
}
