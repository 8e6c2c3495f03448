// SPDX-License-Identifier: GPL-2.0
/*
 * data_read.c - read and validate a kdbt.data file (kdbt_data.h) into a
 * struct kdbt_rec, and print its header and sections (kdbt-report
 * --header).
 *
 * Owns: every check of a recording's bytes: magic and byte order,
 * version, sizes, the section table, each section's counts, offsets,
 * indexes and strings.  A file that fails one gets one message naming
 * the file and the problem, and a negative errno:
 *   -ENODATA  an empty file, or a recording without samples
 *   -EBADMSG  not a recording, truncated, or malformed
 *   -EPROTO   a format (or required section) newer than this reader
 *   -ENOMEM, -EFBIG, and the -errno of open(2) or read(2)
 * Must never: read a byte before checking that it is inside the file,
 * cast the file's bytes to a structure (they are copied: a damaged file
 * may misalign anything), keep global state, or print a string of the
 * file unescaped (text.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "data_int.h"

/* A recording larger than this is refused rather than read. */
#define DATA_MAX_BYTES	(4ULL << 30)
#define MAX_SECTIONS	64

/* [off, off + size) lies inside [0, len), without overflowing. */
static int inside(__u64 off, __u64 size, __u64 len)
{
	return off <= len && size <= len - off;
}

static char *dup_mem(const void *p, size_t n)
{
	char *q = malloc(n ? n : 1);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

/* ------------------------------------------------------------------ */
/* Sections                                                           */
/* ------------------------------------------------------------------ */

int kdbt_rd_info(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		 const char *file, struct kdbt_err *err)
{
	if (size < sizeof(r->info))
		return kdbt_fail(err, -EBADMSG,
				      "%s: info section of %" PRIu64 " bytes, need %zu",
				      file, (uint64_t)size, sizeof(r->info));
	memcpy(&r->info, p, sizeof(r->info));
	if (r->info.end_ns < r->info.start_ns)
		return kdbt_fail(err, -EBADMSG,
				      "%s: info: the recording ends before it starts",
				      file);
	return 0;
}

int kdbt_rd_strings(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err)
{
	if (size && p[size - 1])
		return kdbt_fail(err, -EBADMSG,
				      "%s: strings section not NUL-terminated",
				      file);
	r->strings = dup_mem(p, size);
	if (!r->strings)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", file);
	r->strings_len = size;
	return 0;
}

int kdbt_rd_build_id(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		     const char *file, struct kdbt_err *err)
{
	if (size > sizeof(r->build_id))
		return kdbt_fail(err, -EBADMSG,
				      "%s: build id of %" PRIu64 " bytes (at most %zu)",
				      file, (uint64_t)size, sizeof(r->build_id));
	memcpy(r->build_id, p, size);
	r->build_id_len = size;
	return 0;
}

int kdbt_rd_cmdline(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err)
{
	__u32 argc, cmd, i;
	__u64 off = 8;
	size_t n;

	if (size < 8)
		return kdbt_fail(err, -EBADMSG,
				      "%s: cmdline section of %" PRIu64 " bytes",
				      file, (uint64_t)size);
	memcpy(&argc, p, 4);
	memcpy(&cmd, p + 4, 4);
	if (argc > size - 8 || cmd > argc)
		return kdbt_fail(err, -EBADMSG,
				      "%s: cmdline: %u words (command at %u) in %" PRIu64 " bytes",
				      file, argc, cmd, (uint64_t)size);
	r->argv = calloc(argc + 1, sizeof(*r->argv));
	if (!r->argv)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", file);
	for (i = 0; i < argc; i++) {
		n = strnlen((const char *)p + off, size - off);
		if (off + n >= size)
			return kdbt_fail(err, -EBADMSG,
					      "%s: cmdline: word %u runs past the section",
					      file, i);
		r->argv[i] = dup_mem(p + off, n + 1);
		if (!r->argv[i])
			return kdbt_fail(err, -ENOMEM,
					      "%s: out of memory", file);
		r->argc = i + 1;
		off += n + 1;
	}
	r->command = cmd;
	return 0;
}

/* A table's head: @count entries of @esize >= @min bytes fit in @size. */
static int table_head(const unsigned char *p, __u64 size, __u64 head,
		      size_t min, __u32 *count, __u32 *esize,
		      const char *file, const char *sec, struct kdbt_err *err)
{
	struct kdbt_data_table t;

	if (size < head)
		return kdbt_fail(err, -EBADMSG,
				      "%s: %s section of %" PRIu64 " bytes",
				      file, sec, (uint64_t)size);
	memcpy(&t, p, sizeof(t));
	if (t.entry_size < min)
		return kdbt_fail(err, -EBADMSG,
				      "%s: %s: entry size %u is smaller than the %zu bytes of version 1",
				      file, sec, t.entry_size, min);
	if ((__u64)t.count * t.entry_size > size - head)
		return kdbt_fail(err, -EBADMSG,
				      "%s: %s: %u entries of %u bytes do not fit in %" PRIu64 " bytes",
				      file, sec, t.count, t.entry_size,
				      (uint64_t)(size - head));
	*count = t.count;
	*esize = t.entry_size;
	return 0;
}

int kdbt_rd_modules(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err)
{
	struct kdbt_data_module dm;
	struct kdbt_module *m;
	__u32 n, es, i;
	int ret;

	ret = table_head(p, size, sizeof(struct kdbt_data_table), sizeof(dm),
			 &n, &es, file, "modules", err);
	if (ret)
		return ret;
	if (!n)
		return kdbt_fail(err, -EBADMSG,
				      "%s: modules: no entry for the kernel",
				      file);
	r->syms.mods = calloc(n, sizeof(*m));
	if (!r->syms.mods)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", file);
	for (i = 0; i < n; i++) {
		memcpy(&dm, p + sizeof(struct kdbt_data_table) + (size_t)i * es,
		       sizeof(dm));
		if (!memchr(dm.name, 0, sizeof(dm.name)))
			return kdbt_fail(err, -EBADMSG,
					      "%s: modules: name of module %u not NUL-terminated",
					      file, i);
		m = &r->syms.mods[i];
		memcpy(m->name, dm.name, sizeof(m->name));
		m->start = dm.start;
		m->size = dm.size;
	}
	r->syms.nmods = n;
	return 0;
}

/* Check entry @i of MODULE_BUILD_IDS, after module @prev's (0: none). */
static int check_module_build_id(const struct kdbt_rec *r,
				 const struct kdbt_data_module_build_id *e,
				 __u32 prev, __u32 i, const char *file,
				 struct kdbt_err *err)
{
	if (!e->module || e->module >= r->syms.nmods)
		return kdbt_fail(err, -EBADMSG,
				      "%s: module_build_ids: entry %u is for module %u, not one of modules 1..%zu",
				      file, i, e->module, r->syms.nmods - 1);
	if (e->module <= prev)
		return kdbt_fail(err, -EBADMSG,
				      "%s: module_build_ids: entry %u is for module %u, after module %u (not ascending)",
				      file, i, e->module, prev);
	if (!e->size || e->size > KDBT_DATA_BUILD_ID_MAX)
		return kdbt_fail(err, -EBADMSG,
				      "%s: module_build_ids: entry %u has a build id of %u bytes (1..%d)",
				      file, i, e->size, KDBT_DATA_BUILD_ID_MAX);
	return 0;
}

int kdbt_rd_module_build_ids(struct kdbt_rec *r, const unsigned char *p,
			     __u64 size, const char *file,
			     struct kdbt_err *err)
{
	struct kdbt_data_module_build_id e;
	__u32 n, es, i, prev = 0;
	int ret;

	ret = table_head(p, size, sizeof(struct kdbt_data_table), sizeof(e),
			 &n, &es, file, "module_build_ids", err);
	if (ret)
		return ret;
	r->mod_build_ids = calloc(r->syms.nmods, sizeof(*r->mod_build_ids));
	if (!r->mod_build_ids)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", file);
	for (i = 0; i < n; i++) {
		memcpy(&e, p + sizeof(struct kdbt_data_table) + (size_t)i * es,
		       sizeof(e));
		ret = check_module_build_id(r, &e, prev, i, file, err);
		if (ret)
			return ret;
		memcpy(r->mod_build_ids[e.module].id, e.id, e.size);
		r->mod_build_ids[e.module].len = e.size;
		prev = e.module;
	}
	return 0;
}

/* Check symbol @i against the pool, the modules and symbol @i - 1. */
static int check_symbol(const struct kdbt_rec *r,
			const struct kdbt_data_symbol *s,
			const struct kdbt_sym *prev, const char *pool,
			__u32 pool_size, __u32 i, const char *file,
			struct kdbt_err *err)
{
	if (s->name >= pool_size || !memchr(pool + s->name, 0,
					    pool_size - s->name))
		return kdbt_fail(err, -EBADMSG,
				      "%s: symbols: name of symbol %u outside the name pool",
				      file, i);
	if (s->module >= r->syms.nmods)
		return kdbt_fail(err, -EBADMSG,
				      "%s: symbols: symbol %u in module %u of %zu",
				      file, i, s->module, r->syms.nmods);
	if (!s->size || s->start + s->size < s->start)
		return kdbt_fail(err, -EBADMSG,
				      "%s: symbols: symbol %u has a bad size",
				      file, i);
	if (prev && s->start < prev->start + prev->size)
		return kdbt_fail(err, -EBADMSG,
				      "%s: symbols: symbol %u overlaps the one before (not sorted)",
				      file, i);
	return 0;
}

int kdbt_rd_symbols(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err)
{
	struct kdbt_data_symtab t;
	struct kdbt_data_symbol ds;
	struct kdbt_syms *st = &r->syms;
	const unsigned char *pool;
	__u32 i, n, es;
	int ret;

	ret = table_head(p, size, sizeof(t), sizeof(ds), &n, &es, file,
			 "symbols", err);
	if (ret)
		return ret;
	memcpy(&t, p, sizeof(t));
	if (t.strings_size > size - sizeof(t) - (__u64)n * es)
		return kdbt_fail(err, -EBADMSG,
				      "%s: symbols: name pool of %u bytes runs past the section",
				      file, t.strings_size);
	pool = p + sizeof(t) + (size_t)n * es;
	st->strings = dup_mem(pool, t.strings_size);
	st->syms = calloc(n ? n : 1, sizeof(*st->syms));
	if (!st->strings || !st->syms)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", file);
	for (i = 0; i < n; i++) {
		memcpy(&ds, p + sizeof(t) + (size_t)i * es, sizeof(ds));
		ret = check_symbol(r, &ds, i ? &st->syms[i - 1] : NULL,
				   st->strings, t.strings_size, i, file, err);
		if (ret)
			return ret;
		st->syms[i].start = ds.start;
		st->syms[i].size = ds.size;
		st->syms[i].name = st->strings + ds.name;
		st->syms[i].module = st->mods[ds.module].name;
		st->nsyms = i + 1;
	}
	return 0;
}

/*
 * Check entry @i of CODE: at a symbol's start, no longer than the
 * symbol, after entry @i - 1 (@prev, or NULL), inside the pool.
 */
static int check_code(const struct kdbt_rec *r, const struct kdbt_data_code *c,
		      const struct kdbt_data_code *prev, __u32 pool_size,
		      __u32 i, const char *file, struct kdbt_err *err)
{
	const struct kdbt_sym *s = kdbt_syms_find(&r->syms, c->start);

	if (!s || s->start != c->start)
		return kdbt_fail(err, -EBADMSG,
				      "%s: code: entry %u at 0x%llx is not the start of a symbol",
				      file, i, (unsigned long long)c->start);
	if (!c->size || c->size > s->size || c->size > KDBT_DATA_CODE_MAX)
		return kdbt_fail(err, -EBADMSG,
				      "%s: code: entry %u has %u bytes (its symbol %llu, at most %d)",
				      file, i, c->size,
				      (unsigned long long)s->size,
				      KDBT_DATA_CODE_MAX);
	if (prev && c->start <= prev->start)
		return kdbt_fail(err, -EBADMSG,
				      "%s: code: entry %u at 0x%llx does not come after the one before (not sorted)",
				      file, i, (unsigned long long)c->start);
	if (c->offset > pool_size || c->size > pool_size - c->offset)
		return kdbt_fail(err, -EBADMSG,
				      "%s: code: the %u bytes of entry %u at offset %u run past the %u bytes of code",
				      file, c->size, i, c->offset, pool_size);
	return 0;
}

int kdbt_rd_code(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		 const char *file, struct kdbt_err *err)
{
	struct kdbt_data_code c, prev = { 0 };
	struct kdbt_data_codetab t;
	__u32 i, n, es;
	int ret;

	ret = table_head(p, size, sizeof(t), sizeof(c), &n, &es, file,
			 "code", err);
	if (ret)
		return ret;
	memcpy(&t, p, sizeof(t));
	if (t.bytes_size > size - sizeof(t) - (__u64)n * es)
		return kdbt_fail(err, -EBADMSG,
				      "%s: code: %u bytes of code run past the section (truncated?)",
				      file, t.bytes_size);
	r->code_bytes = (__u8 *)dup_mem(p + sizeof(t) + (size_t)n * es,
					t.bytes_size);
	r->code = calloc(n ? n : 1, sizeof(*r->code));
	if (!r->code_bytes || !r->code)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", file);
	r->code_bytes_size = t.bytes_size;
	for (i = 0; i < n; i++) {
		memcpy(&c, p + sizeof(t) + (size_t)i * es, sizeof(c));
		ret = check_code(r, &c, i ? &prev : NULL, t.bytes_size, i,
				 file, err);
		if (ret)
			return ret;
		r->code[i] = (struct kdbt_rec_code){
			.start = c.start, .size = c.size,
			.bytes = r->code_bytes + c.offset,
		};
		r->ncode = i + 1;
		prev = c;
	}
	return 0;
}

int kdbt_rd_blocks(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		   const char *file, struct kdbt_err *err)
{
	struct kdbt_data_block *b;
	__u32 n, es, i;
	int ret;

	ret = table_head(p, size, sizeof(struct kdbt_data_table),
			 KDBT_DATA_BLOCK_V1_SIZE, &n, &es, file, "blocks", err);
	if (ret)
		return ret;
	r->blocks = calloc(n ? n : 1, sizeof(*b));
	if (!r->blocks)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", file);
	for (i = 0; i < n; i++) {
		b = &r->blocks[i];
		memcpy(b, p + sizeof(struct kdbt_data_table) + (size_t)i * es,
		       es < sizeof(*b) ? es : sizeof(*b));
		if (b->kind >= KDBT_KIND_NR)
			return kdbt_fail(err, -EBADMSG,
					      "%s: blocks: block %u has kind %u (0..%u)",
					      file, i, b->kind, KDBT_KIND_NR - 1);
		if (b->edge >= KDBT_EDGE_NR)
			return kdbt_fail(err, -EBADMSG,
					      "%s: blocks: block %u has edge %u (0..%u)",
					      file, i, b->edge, KDBT_EDGE_NR - 1);
	}
	r->nblocks = n;
	/* and KDBT_REC_TARGETS, KDBT_REC_EDGES: see below */
	r->targets = es >= KDBT_DATA_BLOCK_V2_SIZE;
	r->edges = es >= offsetof(struct kdbt_data_block, edge) + 1;
	return 0;
}

/* One interval at @p (@left bytes to the section's end); its length. */
static int read_interval(struct kdbt_rec *r, struct kdbt_rec_interval *iv,
			 const unsigned char *p, __u64 left, __u64 *used,
			 const char *file, struct kdbt_err *err)
{
	struct kdbt_data_interval *h = &iv->h;
	__u32 i, n = r->nivls;

	if (left < sizeof(*h))
		return kdbt_fail(err, -EBADMSG,
				      "%s: intervals: interval %u truncated (%" PRIu64 " bytes)",
				      file, n, (uint64_t)left);
	memcpy(h, p, sizeof(*h));
	if (h->header_size < sizeof(*h) || h->rec_size < sizeof(*iv->recs) ||
	    h->header_size > left ||
	    (__u64)h->nrecs * h->rec_size > left - h->header_size)
		return kdbt_fail(err, -EBADMSG,
				      "%s: intervals: interval %u: %u records of %u bytes after %u do not fit in %" PRIu64 " bytes",
				      file, n, h->nrecs, h->rec_size,
				      h->header_size, (uint64_t)left);
	if (h->end_ns < h->start_ns)
		return kdbt_fail(err, -EBADMSG,
				      "%s: intervals: interval %u ends before it starts",
				      file, n);
	iv->recs = calloc(h->nrecs ? h->nrecs : 1, sizeof(*iv->recs));
	if (!iv->recs)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", file);
	for (i = 0; i < h->nrecs; i++) {
		memcpy(&iv->recs[i], p + h->header_size + (size_t)i * h->rec_size,
		       sizeof(*iv->recs));
		if (iv->recs[i].block >= r->nblocks)
			return kdbt_fail(err, -EBADMSG,
					      "%s: intervals: interval %u names block %u of %u",
					      file, n, iv->recs[i].block,
					      r->nblocks);
	}
	*used = h->header_size + (__u64)h->nrecs * h->rec_size;
	return 0;
}

int kdbt_rd_intervals(struct kdbt_rec *r, const unsigned char *p,
		      __u64 size, const char *file, struct kdbt_err *err)
{
	struct kdbt_rec_interval *iv;
	__u32 cap = 0;
	__u64 off = 0, used = 0;
	int ret;

	while (off < size) {
		if (r->nivls == cap) {
			cap = cap ? 2 * cap : 16;
			iv = realloc(r->ivls, cap * sizeof(*iv));
			if (!iv)
				return kdbt_fail(err, -ENOMEM,
						      "%s: out of memory", file);
			r->ivls = iv;
		}
		iv = &r->ivls[r->nivls];
		memset(iv, 0, sizeof(*iv));
		ret = read_interval(r, iv, p + off, size - off, &used, file,
				    err);
		r->nivls++;	/* kdbt_rec_free() frees its records */
		if (ret)
			return ret;
		off += used;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The header and the section table                                   */
/* ------------------------------------------------------------------ */

static int check_magic(const struct kdbt_data_header *h, size_t len,
		       const char *name, struct kdbt_err *err)
{
	if (h->magic == __builtin_bswap64(KDBT_DATA_MAGIC))
		return kdbt_fail(err, -EBADMSG,
				      "%s: a recording of the other byte order (not supported)",
				      name);
	if (h->magic == KDBT_SNAP_MAGIC)
		return kdbt_fail(err, -EBADMSG,
				      "%s: a /proc/kdbt snapshot, not a recording (read it with kdbt-snapshot -f)",
				      name);
	if (h->magic != KDBT_DATA_MAGIC)
		return kdbt_fail(err, -EBADMSG,
				      "%s: not a kdbt recording (magic %016llx, expected %016llx)",
				      name, (unsigned long long)h->magic,
				      KDBT_DATA_MAGIC);
	if (len < sizeof(*h))
		return kdbt_fail(err, -EBADMSG,
				      "%s: truncated header: %zu bytes of %zu",
				      name, len, sizeof(*h));
	return 0;
}

static int check_header(const struct kdbt_data_header *h, size_t len,
			const char *name, struct kdbt_err *err)
{
	if (h->version > KDBT_DATA_VERSION)
		return kdbt_fail(err, -EPROTO,
				      "%s: format version %u is newer than this tool's version %u: update the kdbt tools",
				      name, h->version, KDBT_DATA_VERSION);
	if (!h->version)
		return kdbt_fail(err, -EBADMSG,
				      "%s: invalid format version 0", name);
	if (h->header_size < sizeof(*h) || h->header_size > len)
		return kdbt_fail(err, -EBADMSG,
				      "%s: header size %u (file of %zu bytes, version 1 has %zu)",
				      name, h->header_size, len, sizeof(*h));
	if (!h->file_size)
		return kdbt_fail(err, -EBADMSG,
				      "%s: unfinished recording (kdbt-record did not complete it)",
				      name);
	if (h->file_size > len)
		return kdbt_fail(err, -EBADMSG,
				      "%s: truncated: %zu bytes, the header says %llu",
				      name, len,
				      (unsigned long long)h->file_size);
	if (h->file_size < len)
		return kdbt_fail(err, -EBADMSG,
				      "%s: %llu bytes after the end the header gives (%llu)",
				      name,
				      (unsigned long long)(len - h->file_size),
				      (unsigned long long)h->file_size);
	if (!h->nsections || h->nsections > MAX_SECTIONS ||
	    h->section_size < sizeof(struct kdbt_data_section) ||
	    h->sections_offset < h->header_size ||
	    !inside(h->sections_offset,
		    (__u64)h->nsections * h->section_size, len))
		return kdbt_fail(err, -EBADMSG,
				      "%s: bad section table: %u entries of %u bytes at offset %llu (file of %zu bytes)",
				      name, h->nsections, h->section_size,
				      (unsigned long long)h->sections_offset,
				      len);
	return 0;
}

/* Copy the section table, checking each entry's place and type. */
static int read_table(struct kdbt_rec *r, const struct kdbt_data_header *h,
		      const unsigned char *buf, size_t len, const char *name,
		      struct kdbt_err *err)
{
	struct kdbt_data_section *s;
	__u64 seen = 0;
	__u32 i;

	r->secs = calloc(h->nsections, sizeof(*r->secs));
	if (!r->secs)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", name);
	for (i = 0; i < h->nsections; i++) {
		s = &r->secs[i].s;
		memcpy(s, buf + h->sections_offset + (size_t)i * h->section_size,
		       sizeof(*s));
		r->nsecs = i + 1;
		if (!s->type || s->type >= 64)
			return kdbt_fail(err, -EBADMSG,
					      "%s: section %u has type %u (1..63)",
					      name, i, s->type);
		if (seen & (1ULL << s->type))
			return kdbt_fail(err, -EBADMSG,
					      "%s: two sections of type %u (%s)",
					      name, s->type,
					      kdbt_data_sec_name(s->type));
		seen |= 1ULL << s->type;
		if (s->offset < h->header_size || !inside(s->offset, s->size, len))
			return kdbt_fail(err, -EBADMSG,
					      "%s: section %s (%u bytes at %llu) outside the file of %zu bytes",
					      name, kdbt_data_sec_name(s->type),
					      (unsigned int)s->size,
					      (unsigned long long)s->offset, len);
	}
	if (seen != h->features)
		return kdbt_fail(err, -EBADMSG,
				      "%s: feature bitmap %#llx does not match the section table (%#llx)",
				      name, (unsigned long long)h->features,
				      (unsigned long long)seen);
	return 0;
}

/* The index of the section of @type in the table, or -1. */
static long find_section(const struct kdbt_rec *r, __u32 type)
{
	__u32 i;

	for (i = 0; i < r->nsecs; i++)
		if (r->secs[i].s.type == type)
			return i;
	return -1;
}

/* Each known section, in the order of kdbt_data_secops[]. */
static int read_sections(struct kdbt_rec *r, const unsigned char *buf,
			 const char *name, struct kdbt_err *err)
{
	const struct kdbt_data_secops *ops;
	struct kdbt_rec_section *rs;
	unsigned int i;
	long k;
	int ret;

	for (i = 0; i < kdbt_data_nsecops; i++) {
		ops = &kdbt_data_secops[i];
		k = find_section(r, ops->type);
		rs = k < 0 ? NULL : &r->secs[k];
		if (!rs && ops->required)
			return kdbt_fail(err, -EBADMSG,
					      "%s: no %s section", name,
					      ops->name);
		if (!rs)
			continue;
		if (rs->s.version > ops->version && ops->required)
			return kdbt_fail(err, -EPROTO,
					      "%s: section %s version %u is newer than this tool's version %u: update the kdbt tools",
					      name, ops->name, rs->s.version,
					      ops->version);
		if (!rs->s.version)
			return kdbt_fail(err, -EBADMSG,
					      "%s: section %s has version 0",
					      name, ops->name);
		if (rs->s.version > ops->version)
			continue;	/* optional and newer: skipped */
		ret = ops->read(r, buf + rs->s.offset, rs->s.size, name, err);
		if (ret)
			return ret;
		rs->known = 1;
	}
	return 0;
}

/**
 * kdbt_rec_parse() - check the bytes of a recording and copy them
 * @r: a zeroed recording; filled on success, freed and zeroed on failure
 * @buf: the whole file
 * @len: its length
 * @name: the file's name, for messages
 * @err: the message on failure; may be NULL
 *
 * Return: 0, or -ENODATA, -EBADMSG, -EPROTO, -ENOMEM (see the top).
 */
int kdbt_rec_parse(struct kdbt_rec *r, const void *buf, size_t len,
		   const char *name, struct kdbt_err *err)
{
	struct kdbt_data_header h = { 0 };
	int ret;

	memset(r, 0, sizeof(*r));
	if (!len)
		return kdbt_fail(err, -ENODATA, "%s: empty file (0 bytes)",
				      name);
	if (len < sizeof(h.magic))
		return kdbt_fail(err, -EBADMSG,
				      "%s: truncated: %zu bytes, not a kdbt recording",
				      name, len);
	memcpy(&h, buf, len < sizeof(h) ? len : sizeof(h));
	ret = check_magic(&h, len, name, err);
	if (!ret)
		ret = check_header(&h, len, name, err);
	if (!ret)
		ret = read_table(r, &h, buf, len, name, err);
	r->version = h.version;
	r->file_size = h.file_size;
	if (!ret)
		ret = read_sections(r, buf, name, err);
	if (!ret && !r->nivls)
		ret = kdbt_fail(err, -ENODATA,
				     "%s: empty recording: no samples", name);
	r->targets = r->targets && (r->info.rec_flags & KDBT_REC_TARGETS);
	r->edges = r->edges && (r->info.rec_flags & KDBT_REC_EDGES);
	if (ret) {
		kdbt_rec_free(r);
		return ret;
	}
	if (err)
		memset(err, 0, sizeof(*err));
	return 0;
}

/**
 * kdbt_rec_read() - read a recording from a file
 * @r: as for kdbt_rec_parse()
 * @path: the file
 * @err: the message on failure; may be NULL
 *
 * Return: as kdbt_rec_parse(), -EFBIG for a file over 4 GiB, or the
 * -errno of open(2), fstat(2) or read(2).
 */
int kdbt_rec_read(struct kdbt_rec *r, const char *path, struct kdbt_err *err)
{
	unsigned char *buf;
	struct stat st;
	size_t len = 0;
	ssize_t n = 0;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdbt_fail(err, -errno, "%s: %s", path,
				      strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (__u64)st.st_size > DATA_MAX_BYTES) {
		ret = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		close(fd);
		return kdbt_fail(err, ret, "%s: %s", path,
				      ret == -EFBIG ? "larger than 4 GiB, refused" :
				      "not a regular file");
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		close(fd);
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", path);
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret)
		kdbt_fail(err, ret, "%s: read: %s", path, strerror(-ret));
	else
		ret = kdbt_rec_parse(r, buf, len, path, err);
	free(buf);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Printing (kdbt-report --header)                                    */
/* ------------------------------------------------------------------ */

void kdbt_pr_info(const struct kdbt_rec *r, FILE *f)
{
	const struct kdbt_data_info *in = &r->info;
	time_t t = in->start_realtime_ns / 1000000000ULL;
	char when[64] = "?";
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "# captured on   : %s\n", when);
	fprintf(f, "# duration      : %.3f s, %u samples every %.3f s\n",
		(in->end_ns - in->start_ns) / 1e9, r->nivls,
		in->interval_ns / 1e9);
	fprintf(f, "# cpus          : %u\n", in->ncpus);
	fprintf(f, "# mode          : %s, counters %s\n",
		in->snap_flags & KDBT_SNAP_FAST ? "fast" : "transparent",
		in->snap_flags & KDBT_SNAP_COUNTERS ? "on" : "off");
	fprintf(f, "# record flags  :%s%s%s%s%s%s%s%s\n",
		in->rec_flags & KDBT_REC_SWITCHED_ON ? " switched-on" : "",
		in->rec_flags & KDBT_REC_SWITCHED_OFF ? " switched-off" : "",
		in->rec_flags & KDBT_REC_RESET ? " reset" : " baseline",
		in->rec_flags & KDBT_REC_SYSTEM_WIDE ? " system-wide" : "",
		in->rec_flags & KDBT_REC_COMMAND ? " command" : "",
		in->rec_flags & KDBT_REC_STALE ? " stale" : "",
		in->rec_flags & KDBT_REC_TARGETS ? " targets" : "",
		in->rec_flags & KDBT_REC_EDGES ? " edges" : "");
	fprintf(f, "# resets/flushes: %u/%u during the recording\n",
		in->resets, in->flushes);
}

void kdbt_pr_strings(const struct kdbt_rec *r, FILE *f)
{
	size_t off = 0, n;

	while (off < r->strings_len) {
		n = strlen(r->strings + off);
		fputs("# ", f);
		kdbt_text_print(f, r->strings + off, 0);
		fputc('\n', f);
		off += n + 1;
	}
}

void kdbt_pr_build_id(const struct kdbt_rec *r, FILE *f)
{
	char hex[KDBT_BUILD_ID_HEX];

	fprintf(f, "# build id      : %s\n",
		kdbt_build_id_hex(r->build_id, r->build_id_len, hex));
}

void kdbt_pr_cmdline(const struct kdbt_rec *r, FILE *f)
{
	__u32 i;

	fprintf(f, "# cmdline       :");
	for (i = 0; i < r->argc; i++) {
		fputc(' ', f);
		kdbt_text_print(f, r->argv[i], 0);
	}
	fprintf(f, "\n");
}

/* Modules, each with its build id if the recording has it. */
void kdbt_pr_modules(const struct kdbt_rec *r, FILE *f)
{
	const struct kdbt_build_id *id;
	char hex[KDBT_BUILD_ID_HEX];
	size_t i;

	fprintf(f, "# modules       : %zu\n", r->syms.nmods);
	for (i = 0; i < r->syms.nmods; i++) {
		id = kdbt_rec_module_build_id(r, i);
		fprintf(f, "#   %016llx %8llu ",
			(unsigned long long)r->syms.mods[i].start,
			(unsigned long long)r->syms.mods[i].size);
		kdbt_text_print(f, r->syms.mods[i].name, 0);
		fprintf(f, "%s%s\n", id ? " " : "",
			id ? kdbt_build_id_hex(id->id, id->len, hex) : "");
	}
}

void kdbt_pr_module_build_ids(const struct kdbt_rec *r, FILE *f)
{
	size_t i, n = 0;

	for (i = 1; i < r->syms.nmods; i++)
		n += kdbt_rec_module_build_id(r, i) != NULL;
	fprintf(f, "# module ids    : %zu of %zu modules have a build id%s\n",
		n, r->syms.nmods ? r->syms.nmods - 1 : 0,
		r->mod_build_ids ? "" : " (section not read)");
}

void kdbt_pr_symbols(const struct kdbt_rec *r, FILE *f)
{
	fprintf(f, "# symbols       : %zu\n", r->syms.nsyms);
}

void kdbt_pr_code(const struct kdbt_rec *r, FILE *f)
{
	fprintf(f, "# code          : %u functions, %u bytes%s\n", r->ncode,
		r->code_bytes_size, r->code ? "" : " (section not read)");
}

void kdbt_pr_blocks(const struct kdbt_rec *r, FILE *f)
{
	fprintf(f, "# blocks        : %u\n", r->nblocks);
}

void kdbt_pr_intervals(const struct kdbt_rec *r, FILE *f)
{
	__u64 recs = 0;
	__u32 i;

	for (i = 0; i < r->nivls; i++)
		recs += r->ivls[i].h.nrecs;
	fprintf(f, "# intervals     : %u, %llu block records\n", r->nivls,
		(unsigned long long)recs);
}

/**
 * kdbt_rec_print_header() - print a recording's header and sections
 * @r: the recording
 * @f: where to
 */
void kdbt_rec_print_header(const struct kdbt_rec *r, FILE *f)
{
	const struct kdbt_data_secops *ops;
	__u32 i;

	fprintf(f, "# format version: %u, %llu bytes, %u sections\n",
		r->version, (unsigned long long)r->file_size, r->nsecs);
	for (i = 0; i < r->nsecs; i++)
		fprintf(f, "#   section %-16s v%u at %10llu, %10llu bytes%s\n",
			kdbt_data_sec_name(r->secs[i].s.type),
			r->secs[i].s.version,
			(unsigned long long)r->secs[i].s.offset,
			(unsigned long long)r->secs[i].s.size,
			r->secs[i].known ? "" : " (skipped)");
	for (i = 0; i < kdbt_data_nsecops; i++) {
		ops = &kdbt_data_secops[i];
		if (find_section(r, ops->type) >= 0)
			ops->print(r, f);
	}
}
