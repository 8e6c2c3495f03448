// SPDX-License-Identifier: GPL-2.0
/*
 * data.c - the parts of the kdbt.data format both tools use: the table of
 * section operations (write, read, print per section type), the strings
 * of a recording, an interval's statistics by index, and freeing one.
 *
 * Owns: the list of section types, their names, which are required and
 * their versions (kdbt_data.h has the layout); where an interval keeps
 * each statistic (KDBT_STATS()'s ivl column).
 * Must never: touch a file (data_read.c and data_write.c do).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "data_int.h"

_Static_assert(sizeof(struct kdbt_data_header) == 64, "header layout");
_Static_assert(sizeof(struct kdbt_data_section) == 24, "section layout");
_Static_assert(sizeof(struct kdbt_data_info) == 64, "info layout");
_Static_assert(sizeof(struct kdbt_data_module) == 80, "module layout");
_Static_assert(sizeof(struct kdbt_data_module_build_id) == 72,
	       "module build id layout");
_Static_assert(sizeof(struct kdbt_data_symbol) == 24, "symbol layout");
_Static_assert(sizeof(struct kdbt_data_block) == 48, "block layout");
_Static_assert(offsetof(struct kdbt_data_block, target) ==
	       KDBT_DATA_BLOCK_V1_SIZE, "block layout, version 1");
_Static_assert(offsetof(struct kdbt_data_block, edge_of) ==
	       KDBT_DATA_BLOCK_V2_SIZE, "block layout, version 2");
_Static_assert(sizeof(struct kdbt_data_codetab) == 16, "code table layout");
_Static_assert(sizeof(struct kdbt_data_code) == 16, "code entry layout");
_Static_assert(sizeof(struct kdbt_data_interval) == 120, "interval layout");
_Static_assert(KDBT_DATA_IVL_STATS_OFFSET + 8 * KDBT_DATA_IVL_NSTATS == 120,
	       "interval layout: an ivl slot twice, or missing");
_Static_assert(sizeof(struct kdbt_data_rec) == 24, "record layout");
_Static_assert(KDBT_SEC_NR <= 64, "feature bitmap is 64 bits");

/*
 * Each statistic of an interval at its ivl slot; and, as an interval is
 * the difference of two snapshots, in the snapshot header too.
 */
#define IVL_CHECK(c, name, fmt, where, kind, snap, ivl, label)		\
	KDBT_IF_SLOT(ivl, _Static_assert(				\
		offsetof(struct kdbt_data_interval, name) ==		\
		KDBT_DATA_IVL_STATS_OFFSET + 8 * (ivl), "ivl slot");	\
	_Static_assert(0 KDBT_IF_SLOT(snap, + 1),			\
		       "an ivl slot without a snap slot");)
KDBT_STATS(IVL_CHECK, 0)
#undef IVL_CHECK

/* Where struct kdbt_data_interval keeps each statistic; 0: it does not. */
#define IVL_OFF(c, name, fmt, where, kind, snap, ivl, label)		\
	[KDBT_STAT_##name] = 0 KDBT_IF_SLOT(ivl,			\
		+ offsetof(struct kdbt_data_interval, name)),
static const unsigned short ivl_off[KDBT_STAT_NR] = {
	KDBT_STATS(IVL_OFF, 0)
};
#undef IVL_OFF

/**
 * kdbt_data_ivl_slot() - where an interval keeps a statistic
 * @h: the interval
 * @i: the statistic (enum kdbt_stat)
 *
 * Return: its field, or NULL if intervals do not keep it.
 */
__u64 *kdbt_data_ivl_slot(struct kdbt_data_interval *h, unsigned int i)
{
	if (i >= KDBT_STAT_NR || !ivl_off[i])
		return NULL;
	return (__u64 *)((char *)h + ivl_off[i]);
}

/**
 * kdbt_data_ivl_add() - add an interval's statistics to a sum
 * @sum: the sum, an interval too
 * @h: the interval
 */
void kdbt_data_ivl_add(struct kdbt_data_interval *sum,
		       const struct kdbt_data_interval *h)
{
	unsigned int i;

	for (i = 0; i < KDBT_STAT_NR; i++)
		if (ivl_off[i])
			*kdbt_data_ivl_slot(sum, i) +=
				*(const __u64 *)((const char *)h + ivl_off[i]);
}

/* CODE is optional: kdbt-record leaves it out without /proc/kcore. */
static int has_code(const struct kdbt_rec *r)
{
	return r->code != NULL;
}

const struct kdbt_data_secops kdbt_data_secops[] = {
	{ KDBT_SEC_INFO, "info", 1, 1, kdbt_rd_info, kdbt_wr_info,
	  kdbt_pr_info, NULL },
	{ KDBT_SEC_STRINGS, "strings", 0, 1, kdbt_rd_strings, kdbt_wr_strings,
	  kdbt_pr_strings, NULL },
	{ KDBT_SEC_BUILD_ID, "build_id", 0, 1, kdbt_rd_build_id,
	  kdbt_wr_build_id, kdbt_pr_build_id, NULL },
	{ KDBT_SEC_CMDLINE, "cmdline", 0, 1, kdbt_rd_cmdline, kdbt_wr_cmdline,
	  kdbt_pr_cmdline, NULL },
	{ KDBT_SEC_MODULES, "modules", 1, 1, kdbt_rd_modules, kdbt_wr_modules,
	  kdbt_pr_modules, NULL },
	{ KDBT_SEC_MODULE_BUILD_IDS, "module_build_ids", 0, 1,
	  kdbt_rd_module_build_ids, kdbt_wr_module_build_ids,
	  kdbt_pr_module_build_ids, NULL },
	{ KDBT_SEC_SYMBOLS, "symbols", 1, 1, kdbt_rd_symbols, kdbt_wr_symbols,
	  kdbt_pr_symbols, NULL },
	{ KDBT_SEC_CODE, "code", 0, 1, kdbt_rd_code, kdbt_wr_code,
	  kdbt_pr_code, has_code },
	{ KDBT_SEC_BLOCKS, "blocks", 1, 1, kdbt_rd_blocks, kdbt_wr_blocks,
	  kdbt_pr_blocks, NULL },
	{ KDBT_SEC_INTERVALS, "intervals", 1, 1, kdbt_rd_intervals, NULL,
	  kdbt_pr_intervals, NULL },
};

const unsigned int kdbt_data_nsecops = ARRAY_SIZE(kdbt_data_secops);

_Static_assert(ARRAY_SIZE(kdbt_data_secops) == KDBT_SEC_NR - 1,
	       "one entry per section type");

/**
 * kdbt_data_secops_of() - the operations of a section type
 * @type: enum kdbt_data_sec
 *
 * Return: its entry, or NULL for a type this version does not know.
 */
const struct kdbt_data_secops *kdbt_data_secops_of(__u32 type)
{
	unsigned int i;

	for (i = 0; i < kdbt_data_nsecops; i++)
		if (kdbt_data_secops[i].type == type)
			return &kdbt_data_secops[i];
	return NULL;
}

/**
 * kdbt_data_sec_name() - the name of a section type, for messages
 * @type: enum kdbt_data_sec
 *
 * Return: "info", "symbols", ... or "unknown".
 */
const char *kdbt_data_sec_name(__u32 type)
{
	const struct kdbt_data_secops *ops = kdbt_data_secops_of(type);

	return ops ? ops->name : "unknown";
}

/**
 * kdbt_rec_module_build_id() - the build id a recording has for a module
 * @r: the recording
 * @module: the module's index in r->syms.mods
 *
 * Return: the build id, or NULL if the recording has none for it (the
 * core kernel's, index 0, is r->build_id).
 */
const struct kdbt_build_id *kdbt_rec_module_build_id(const struct kdbt_rec *r,
						     size_t module)
{
	if (!r->mod_build_ids || !module || module >= r->syms.nmods ||
	    !r->mod_build_ids[module].len ||
	    r->mod_build_ids[module].len > KDBT_DATA_BUILD_ID_MAX)
		return NULL;
	return &r->mod_build_ids[module];
}

/**
 * kdbt_data_block_of() - a recording's entry for a snapshot's block: the
 * one way kdbt-record, kdbt-report --live and kdbt-top's annotated view
 * turn a block of /proc/kdbt/snapshot into a BLOCKS entry (flags: only
 * KDBT_BLOCK_DERIVED is a recording's).
 * @b: the block (fields its snapshot lacks are 0: libkdbt)
 * @generation: the cache it was made in (the snapshot's flushes)
 *
 * Return: the entry.
 */
struct kdbt_data_block kdbt_data_block_of(const struct kdbt_snap_block *b,
					  __u64 generation)
{
	return (struct kdbt_data_block){
		.native = b->native, .id = b->id, .generation = generation,
		.insns = b->insns, .native_len = b->native_len,
		.kind = b->kind, .target = b->target,
		.flags = b->flags & KDBT_BLOCK_DERIVED,
		.edge_of = b->edge_of, .edge = b->edge,
	};
}

/**
 * kdbt_rec_code_of() - the code a recording keeps of a function
 * @r: the recording
 * @start: the function's start (its symbol's)
 *
 * Return: the function's code, or NULL if the recording has none for it
 * (no CODE section, or the function was left out).
 */
const struct kdbt_rec_code *kdbt_rec_code_of(const struct kdbt_rec *r,
					     __u64 start)
{
	__u32 lo = 0, hi = r->code ? r->ncode : 0, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->code[mid].start == start)
			return &r->code[mid];
		if (r->code[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/**
 * kdbt_build_id_hex() - a build id in lower-case hex, as perf prints it
 * @id: its bytes
 * @len: their number, at most KDBT_DATA_BUILD_ID_MAX (more are cut)
 * @buf: receives the string ("" for @len 0)
 *
 * Return: @buf.
 */
char *kdbt_build_id_hex(const __u8 *id, __u32 len,
			char buf[KDBT_BUILD_ID_HEX])
{
	static const char digits[] = "0123456789abcdef";
	__u32 i;

	if (len > KDBT_DATA_BUILD_ID_MAX)
		len = KDBT_DATA_BUILD_ID_MAX;
	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[id[i] >> 4];
		buf[2 * i + 1] = digits[id[i] & 0xf];
	}
	buf[2 * len] = '\0';
	return buf;
}

/**
 * kdbt_rec_free() - free everything a recording holds and zero it
 * @r: a recording, zeroed or filled; may be NULL
 */
void kdbt_rec_free(struct kdbt_rec *r)
{
	__u32 i;

	if (!r)
		return;
	free(r->strings);
	if (r->argv)
		for (i = 0; i < r->argc; i++)
			free(r->argv[i]);
	free(r->argv);
	kdbt_syms_free(&r->syms);
	free(r->mod_build_ids);
	free(r->blocks);
	free(r->code);
	free(r->code_bytes);
	for (i = 0; i < r->nivls; i++)
		free(r->ivls[i].recs);
	free(r->ivls);
	free(r->secs);
	memset(r, 0, sizeof(*r));
}

/**
 * kdbt_rec_string() - a value of the STRINGS section
 * @r: the recording
 * @key: "release", "hostname", ...
 *
 * Return: the value, or NULL if the recording has none.
 */
const char *kdbt_rec_string(const struct kdbt_rec *r, const char *key)
{
	size_t klen = strlen(key), off = 0, n;
	const char *s;

	while (off < r->strings_len) {
		s = r->strings + off;
		n = strnlen(s, r->strings_len - off);
		if (n > klen && !strncmp(s, key, klen) && s[klen] == '=')
			return s + klen + 1;
		off += n + 1;
	}
	return NULL;
}

/**
 * kdbt_rec_set_string() - add "key=value" to the STRINGS of a recording
 * @r: the recording (being built by kdbt-record)
 * @key: the key, without '='
 * @value: the value; NULL adds nothing
 *
 * Return: 0 or -ENOMEM.
 */
int kdbt_rec_set_string(struct kdbt_rec *r, const char *key,
			const char *value)
{
	size_t add;
	char *p;

	if (!value)
		return 0;
	add = strlen(key) + 1 + strlen(value) + 1;
	p = realloc(r->strings, r->strings_len + add);
	if (!p)
		return -ENOMEM;
	r->strings = p;
	snprintf(p + r->strings_len, add, "%s=%s", key, value);
	r->strings_len += add;
	return 0;
}
