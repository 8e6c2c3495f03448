// SPDX-License-Identifier: GPL-2.0
/*
 * report_pprof.c - kdbt-report --format pprof: a recording as a
 * gzip-compressed pprof profile (the profile.proto message of
 * github.com/google/pprof, "perftools.profiles.Profile").
 *
 * The profile has three sample types, instructions/count,
 * executions/count and calls/count, and period 1: every value is an exact
 * count, not a sample.  Each block row of the report (kdbt-report
 * --blocks) is one location (its native address) with one line (its
 * function) and one sample of one frame; a block's calls are the
 * model's (its executions if it starts its function, else 0; a block no
 * symbol covers starts its own), so that a function's calls are the
 * executions of its first block, as in every other view.
 * Mappings: the core kernel ("[kernel.kallsyms]", with the recording's
 * build id) and each module that has a row (its load address, size and
 * build id when the recording has them).  The profile's time and
 * duration are the recording's.
 *
 * The encoder is this file's own: protobuf's wire format is only varints
 * and length-delimited fields, and the profile is written as it is
 * walked, without a generated message tree (docs/TOOLS.md says why).
 *
 * Owns: the field numbers of profile.proto that it writes, the string
 * table (names escaped as text.c says), the mapping of rows to
 * locations, functions and mappings.
 * Must never: write a profile whose values do not add up to the report's
 * rows, or print anything but the compressed profile to the output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "report.h"

/* profile.proto's field numbers (the ones written here). */
enum {
	PROFILE_SAMPLE_TYPE = 1, PROFILE_SAMPLE, PROFILE_MAPPING,
	PROFILE_LOCATION, PROFILE_FUNCTION, PROFILE_STRING_TABLE,
	PROFILE_TIME_NANOS = 9, PROFILE_DURATION_NANOS, PROFILE_PERIOD_TYPE,
	PROFILE_PERIOD, PROFILE_COMMENT, PROFILE_DEFAULT_SAMPLE_TYPE,
};
enum { VALUE_TYPE_TYPE = 1, VALUE_TYPE_UNIT };
enum { SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE };
enum {
	MAPPING_ID = 1, MAPPING_MEMORY_START, MAPPING_MEMORY_LIMIT,
	MAPPING_FILE_OFFSET, MAPPING_FILENAME, MAPPING_BUILD_ID,
	MAPPING_HAS_FUNCTIONS,
};
enum { LOCATION_ID = 1, LOCATION_MAPPING_ID, LOCATION_ADDRESS, LOCATION_LINE };
enum { LINE_FUNCTION_ID = 1, LINE_LINE };
enum {
	FUNCTION_ID = 1, FUNCTION_NAME, FUNCTION_SYSTEM_NAME,
	FUNCTION_FILENAME,
};

#define WIRE_VARINT	0
#define WIRE_LEN	2

/* ------------------------------------------------------------------ */
/* The wire format                                                    */
/* ------------------------------------------------------------------ */

struct pb {
	uint8_t *p;
	size_t len, cap;
	int oom;
};

static void pb_put(struct pb *b, const void *data, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void pb_varint(struct pb *b, uint64_t v)
{
	uint8_t buf[10];
	int n = 0;

	do {
		buf[n] = v & 0x7f;
		v >>= 7;
		if (v)
			buf[n] |= 0x80;
		n++;
	} while (v);
	pb_put(b, buf, n);
}

/* A varint field; proto3 leaves out the default, 0. */
static void pb_uint(struct pb *b, int field, uint64_t v)
{
	if (!v)
		return;
	pb_varint(b, (uint64_t)field << 3 | WIRE_VARINT);
	pb_varint(b, v);
}

static void pb_bytes(struct pb *b, int field, const void *data, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | WIRE_LEN);
	pb_varint(b, n);
	pb_put(b, data, n);
}

/* A nested message @m as field @field of @b; @m is emptied for reuse. */
static void pb_msg(struct pb *b, int field, struct pb *m)
{
	if (m->oom)
		b->oom = 1;
	pb_bytes(b, field, m->p, m->len);
	m->len = 0;
}

/* ------------------------------------------------------------------ */
/* The string table: index 0 is "", every string once                 */
/* ------------------------------------------------------------------ */

struct strtab {
	struct pb *out;		/* the profile: strings are written at once */
	const char **slot;	/* open addressing: the string ... */
	int64_t *idx;		/* ... and its index */
	size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ULL;
	return h;
}

static int strtab_init(struct strtab *st, struct pb *out, size_t hint)
{
	st->out = out;
	st->n = 0;
	for (st->cap = 64; st->cap < 2 * hint + 64; st->cap *= 2)
		;
	st->slot = calloc(st->cap, sizeof(*st->slot));
	st->idx = calloc(st->cap, sizeof(*st->idx));
	return st->slot && st->idx ? 0 : -ENOMEM;
}

static void strtab_free(struct strtab *st)
{
	free(st->slot);
	free(st->idx);
}

/*
 * The index of @s, added to the profile's string table if new, escaped
 * (text.c: go tool pprof prints it to a terminal).  @s must outlive the
 * table (the report's names do).  Out of memory, it marks the profile
 * so (encode() then fails) and returns 0.
 */
static int64_t str_id(struct strtab *st, const char *s)
{
	size_t i, j, cap;
	const char **slot;
	int64_t *idx;
	char *t;

	if (2 * (st->n + 1) > st->cap) {
		cap = st->cap * 2;
		slot = calloc(cap, sizeof(*slot));
		idx = calloc(cap, sizeof(*idx));
		if (!slot || !idx) {
			free(slot);
			free(idx);
			st->out->oom = 1;
			return 0;
		}
		for (i = 0; i < st->cap; i++) {
			if (!st->slot[i])
				continue;
			for (j = str_hash(st->slot[i]) & (cap - 1); slot[j];
			     j = (j + 1) & (cap - 1))
				;
			slot[j] = st->slot[i];
			idx[j] = st->idx[i];
		}
		strtab_free(st);
		st->slot = slot;
		st->idx = idx;
		st->cap = cap;
	}
	for (i = str_hash(s) & (st->cap - 1); st->slot[i];
	     i = (i + 1) & (st->cap - 1))
		if (!strcmp(st->slot[i], s))
			return st->idx[i];
	t = kdbt_text_dup(s);
	if (!t) {
		st->out->oom = 1;
		return 0;
	}
	st->slot[i] = s;
	st->idx[i] = st->n++;
	pb_bytes(st->out, PROFILE_STRING_TABLE, t, strlen(t));
	free(t);
	return st->idx[i];
}

/* ------------------------------------------------------------------ */
/* The profile                                                        */
/* ------------------------------------------------------------------ */

/* A mapping: the core kernel or a module with rows. */
struct pmap {
	const char *module;
	uint64_t start, limit;	/* from the recording, else the rows' span */
	char file[KDBT_DATA_MODNAME + 2];	/* "[name]", as perf says */
	char build_id[KDBT_BUILD_ID_HEX];	/* hex; "": none */
};

struct pprof {
	const struct report *rp;
	struct pb out, m, sub;
	struct strtab st;
	struct pmap *maps;
	size_t nmaps;
	uint64_t *func_of_row;	/* function id of each row */
	char *comment[2];	/* owned strings of the table */
};

/* The end of a row's span in a mapping: its first byte (a row does not
 * carry the block's length in bytes). */
static uint64_t row_end(const struct row *r)
{
	return r->addr + 1;
}

/* The mapping of @module (1-based id), or 0: none ("unknown", "kdbt"). */
static size_t map_of(const struct pprof *pp, const char *module)
{
	size_t i;

	for (i = 0; i < pp->nmaps; i++)
		if (!strcmp(pp->maps[i].module, module))
			return i + 1;
	return 0;
}

/* What the recording says of module @i, mapped by @m. */
static void module_map(struct pprof *pp, struct pmap *m, size_t i)
{
	const struct kdbt_rec *rec = pp->rp->rec;
	const struct kdbt_build_id *id = kdbt_rec_module_build_id(rec, i);

	if (rec->syms.mods[i].start && rec->syms.mods[i].size) {
		m->start = rec->syms.mods[i].start;
		m->limit = m->start + rec->syms.mods[i].size;
	}
	if (id)
		kdbt_build_id_hex(id->id, id->len, m->build_id);
}

static int build_maps(struct pprof *pp)
{
	const struct kdbt_syms *sy = &pp->rp->rec->syms;
	const struct row *r;
	struct pmap *m;
	size_t i, id;

	pp->maps = calloc(pp->rp->nrows + 1, sizeof(*pp->maps));
	if (!pp->maps)
		return -ENOMEM;
	pp->maps[pp->nmaps++].module = "kernel";	/* the main binary first */
	for (r = pp->rp->rows; r < pp->rp->rows + pp->rp->nrows; r++) {
		if (!r->addr || !strcmp(r->module, "unknown") ||
		    !strcmp(r->module, "kdbt"))
			continue;
		id = map_of(pp, r->module);
		if (!id) {
			id = ++pp->nmaps;
			pp->maps[id - 1].module = r->module;
		}
		m = &pp->maps[id - 1];
		if (!m->start || r->addr < m->start)
			m->start = r->addr;
		if (row_end(r) > m->limit)
			m->limit = row_end(r);
	}
	for (m = pp->maps + 1; m < pp->maps + pp->nmaps; m++)
		for (i = 1; i < sy->nmods; i++)
			if (!strcmp(sy->mods[i].name, m->module))
				module_map(pp, m, i);
	kdbt_build_id_hex(pp->rp->rec->build_id, pp->rp->rec->build_id_len,
			  pp->maps[0].build_id);
	return 0;
}

static void write_value_type(struct pprof *pp, int field, const char *type,
			     const char *unit)
{
	pb_uint(&pp->sub, VALUE_TYPE_TYPE, str_id(&pp->st, type));
	pb_uint(&pp->sub, VALUE_TYPE_UNIT, str_id(&pp->st, unit));
	pb_msg(&pp->out, field, &pp->sub);
}

static void write_mappings(struct pprof *pp)
{
	struct pmap *m;

	for (m = pp->maps; m < pp->maps + pp->nmaps; m++) {
		pb_uint(&pp->m, MAPPING_ID, m - pp->maps + 1);
		pb_uint(&pp->m, MAPPING_MEMORY_START, m->start);
		pb_uint(&pp->m, MAPPING_MEMORY_LIMIT, m->limit);
		if (m == pp->maps)
			snprintf(m->file, sizeof(m->file), "[kernel.kallsyms]");
		else
			snprintf(m->file, sizeof(m->file), "[%s]", m->module);
		pb_uint(&pp->m, MAPPING_FILENAME, str_id(&pp->st, m->file));
		if (m->build_id[0])
			pb_uint(&pp->m, MAPPING_BUILD_ID,
				str_id(&pp->st, m->build_id));
		pb_uint(&pp->m, MAPPING_HAS_FUNCTIONS, 1);
		pb_msg(&pp->out, PROFILE_MAPPING, &pp->m);
	}
}

/*
 * Functions, one per symbol: the block rows of one function share its
 * name's pointer (the symbol's; a row without a symbol has its own), so
 * a table of pointers finds the function of each row.
 */
static int write_functions(struct pprof *pp)
{
	const struct report *rp = pp->rp;
	const char **key;
	uint64_t *id, next = 1;
	size_t i, j, cap;

	for (cap = 64; cap < 2 * rp->nrows + 64; cap *= 2)
		;
	key = calloc(cap, sizeof(*key));
	id = calloc(cap, sizeof(*id));
	pp->func_of_row = calloc(rp->nrows + 1, sizeof(uint64_t));
	if (!key || !id || !pp->func_of_row) {
		free(key);
		free(id);
		return -ENOMEM;
	}
	for (i = 0; i < rp->nrows; i++) {
		const struct row *r = &rp->rows[i];

		for (j = ((uintptr_t)r->func >> 3) * 0x9e3779b97f4a7c15ULL &
			 (cap - 1); key[j] && key[j] != r->func;
		     j = (j + 1) & (cap - 1))
			;
		if (key[j]) {
			pp->func_of_row[i] = id[j];
			continue;
		}
		key[j] = r->func;
		id[j] = pp->func_of_row[i] = next;
		pb_uint(&pp->m, FUNCTION_ID, next++);
		pb_uint(&pp->m, FUNCTION_NAME, str_id(&pp->st, r->func));
		pb_uint(&pp->m, FUNCTION_SYSTEM_NAME, str_id(&pp->st, r->func));
		pb_uint(&pp->m, FUNCTION_FILENAME, str_id(&pp->st, r->module));
		pb_msg(&pp->out, PROFILE_FUNCTION, &pp->m);
	}
	free(key);
	free(id);
	return 0;
}

static void write_locations_and_samples(struct pprof *pp)
{
	const struct row *r;
	uint64_t v[3];
	size_t i;
	int k;

	for (i = 0; i < pp->rp->nrows; i++) {
		r = &pp->rp->rows[i];
		pb_uint(&pp->m, LOCATION_ID, i + 1);
		if (r->addr)
			pb_uint(&pp->m, LOCATION_MAPPING_ID,
				map_of(pp, r->module));
		pb_uint(&pp->m, LOCATION_ADDRESS, r->addr);
		pb_uint(&pp->sub, LINE_FUNCTION_ID, pp->func_of_row[i]);
		pb_msg(&pp->m, LOCATION_LINE, &pp->sub);
		pb_msg(&pp->out, PROFILE_LOCATION, &pp->m);
	}
	for (i = 0; i < pp->rp->nrows; i++) {
		r = &pp->rp->rows[i];
		v[0] = r->c.instructions;
		v[1] = r->c.executions;
		v[2] = r->calls;	/* the model's: report.c */
		pb_varint(&pp->sub, i + 1);
		pb_msg(&pp->m, SAMPLE_LOCATION_ID, &pp->sub);
		for (k = 0; k < 3; k++)
			pb_varint(&pp->sub, v[k]);
		pb_msg(&pp->m, SAMPLE_VALUE, &pp->sub);
		pb_msg(&pp->out, PROFILE_SAMPLE, &pp->m);
	}
}

/* Two comments: what the counts are, and the recorded command. */
static void write_comments(struct pprof *pp)
{
	const struct kdbt_rec *rec = pp->rp->rec;
	const char *rel = kdbt_rec_string(rec, "release");
	char *c;
	size_t len;
	__u32 i;

	if (asprintf(&pp->comment[0],
		     "kdbt: exact counts (period 1, not samples) of kernel %s, %s mode",
		     rel ? rel : "?", rec->info.snap_flags & KDBT_SNAP_FAST ?
		     "fast" : "transparent") >= 0)
		pb_uint(&pp->out, PROFILE_COMMENT,
			str_id(&pp->st, pp->comment[0]));
	if (rec->command >= rec->argc)
		return;
	for (len = sizeof("command:"), i = rec->command; i < rec->argc; i++)
		len += strlen(rec->argv[i]) + 1;
	c = malloc(len);
	if (!c)
		return;
	strcpy(c, "command:");
	for (i = rec->command; i < rec->argc; i++) {
		strcat(c, " ");
		strcat(c, rec->argv[i]);
	}
	pp->comment[1] = c;
	pb_uint(&pp->out, PROFILE_COMMENT, str_id(&pp->st, c));
}

/*
 * Encode the profile into pp->out.  Strings are written to the table as
 * first used, so the table's entries come in between the other fields
 * (a message's fields may come in any order).
 */
static int encode(struct pprof *pp)
{
	const struct report *rp = pp->rp;
	const struct kdbt_rec *rec = rp->rec;
	int ret;

	ret = strtab_init(&pp->st, &pp->out, 4 * rp->nrows + 16);
	if (!ret)
		ret = build_maps(pp);
	if (ret)
		return ret;
	str_id(&pp->st, "");
	write_value_type(pp, PROFILE_SAMPLE_TYPE, "instructions", "count");
	write_value_type(pp, PROFILE_SAMPLE_TYPE, "executions", "count");
	write_value_type(pp, PROFILE_SAMPLE_TYPE, "calls", "count");
	write_value_type(pp, PROFILE_PERIOD_TYPE, "executions", "count");
	pb_uint(&pp->out, PROFILE_PERIOD, 1);
	pb_uint(&pp->out, PROFILE_DEFAULT_SAMPLE_TYPE,
		str_id(&pp->st, "instructions"));
	pb_uint(&pp->out, PROFILE_TIME_NANOS, rec->info.start_realtime_ns);
	pb_uint(&pp->out, PROFILE_DURATION_NANOS, rp->t.duration_ns);
	write_comments(pp);
	write_mappings(pp);
	ret = write_functions(pp);
	if (ret)
		return ret;
	write_locations_and_samples(pp);
	return pp->out.oom || pp->m.oom || pp->sub.oom ? -ENOMEM : 0;
}

static int gzip_out(FILE *f, const struct pb *in)
{
	unsigned char buf[65536];
	z_stream z = { 0 };
	int zr;

	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	z.next_in = in->p;
	z.avail_in = in->len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		zr = deflate(&z, Z_FINISH);
		if (zr == Z_STREAM_ERROR)
			break;
		if (fwrite(buf, 1, sizeof(buf) - z.avail_out, f) !=
		    sizeof(buf) - z.avail_out)
			break;
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : -EIO;
}

/**
 * pprof_report() - write a report's block rows as a gzip'd pprof profile
 * @f: the output
 * @rp: a report built with --blocks (kdbt-report.c sees to it)
 *
 * Return: 0, or -errno (a message is printed); the output is then
 * incomplete and must be dropped.
 */
int pprof_report(FILE *f, const struct report *rp)
{
	struct pprof pp = { .rp = rp };
	int ret;

	ret = encode(&pp);
	if (!ret)
		ret = gzip_out(f, &pp.out);
	else
		fprintf(stderr, "kdbt-report: pprof: out of memory\n");
	free(pp.out.p);
	free(pp.m.p);
	free(pp.sub.p);
	free(pp.maps);
	free(pp.func_of_row);
	free(pp.comment[0]);
	free(pp.comment[1]);
	strtab_free(&pp.st);
	return ret;
}
