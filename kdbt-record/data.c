// SPDX-License-Identifier: GPL-2.0
/*
 * data.c - the parts of the kdbt.data format both tools use: the table of
 * section operations (write, read, print per section type), the strings
 * of a recording, and freeing one.
 *
 * Owns: the list of section types, their names, which are required and
 * their versions (kdbt_data.h has the layout).
 * Must never: touch a file (data_read.c and data_write.c do).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "data_int.h"

_Static_assert(sizeof(struct kdbt_data_header) == 64, "header layout");
_Static_assert(sizeof(struct kdbt_data_section) == 24, "section layout");
_Static_assert(sizeof(struct kdbt_data_info) == 64, "info layout");
_Static_assert(sizeof(struct kdbt_data_module) == 80, "module layout");
_Static_assert(sizeof(struct kdbt_data_symbol) == 24, "symbol layout");
_Static_assert(sizeof(struct kdbt_data_block) == 24, "block layout");
_Static_assert(sizeof(struct kdbt_data_interval) == 120, "interval layout");
_Static_assert(sizeof(struct kdbt_data_rec) == 24, "record layout");
_Static_assert(KDBT_SEC_NR <= 64, "feature bitmap is 64 bits");

const struct kdbt_data_secops kdbt_data_secops[] = {
	{ KDBT_SEC_INFO, "info", 1, 1, kdbt_rd_info, kdbt_wr_info,
	  kdbt_pr_info },
	{ KDBT_SEC_STRINGS, "strings", 0, 1, kdbt_rd_strings, kdbt_wr_strings,
	  kdbt_pr_strings },
	{ KDBT_SEC_BUILD_ID, "build_id", 0, 1, kdbt_rd_build_id,
	  kdbt_wr_build_id, kdbt_pr_build_id },
	{ KDBT_SEC_CMDLINE, "cmdline", 0, 1, kdbt_rd_cmdline, kdbt_wr_cmdline,
	  kdbt_pr_cmdline },
	{ KDBT_SEC_MODULES, "modules", 1, 1, kdbt_rd_modules, kdbt_wr_modules,
	  kdbt_pr_modules },
	{ KDBT_SEC_SYMBOLS, "symbols", 1, 1, kdbt_rd_symbols, kdbt_wr_symbols,
	  kdbt_pr_symbols },
	{ KDBT_SEC_BLOCKS, "blocks", 1, 1, kdbt_rd_blocks, kdbt_wr_blocks,
	  kdbt_pr_blocks },
	{ KDBT_SEC_INTERVALS, "intervals", 1, 1, kdbt_rd_intervals, NULL,
	  kdbt_pr_intervals },
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
	free(r->blocks);
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
