// SPDX-License-Identifier: GPL-2.0
/*
 * libkdbt_stats.c - the statistics of /proc/kdbt/stats for the kdbt tools
 * (libkdbt.h): what each one is, the file parsed, and a snapshot's
 * statistics as the file would show them.
 *
 * Everything here comes from KDBT_STATS() (kdbt_abi.h): the names, the
 * labels, the formats and where a snapshot header keeps each one.
 *
 * Owns: the lookup of a statistic by name, the checks on the file (a
 * "version" line first, then "name value" lines, each value in the format
 * of its statistic), and the statistics derived from a snapshot.
 * Must never: name a statistic but through the table (the derived ones
 * through their KDBT_STAT_* index), print, or keep global state; refuse
 * a line it does not know (a newer kdbt.ko adds them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libkdbt.h"
#include "libkdbt_int.h"

#define STATS_MAX_BYTES	(1UL << 20)

/* A statistic: what the tools see, and its place in a snapshot header. */
struct stat_desc {
	struct kdbt_stat_info info;
	size_t snap_off;	/* in struct kdbt_snap_header; 0: none */
};

#define STAT_DESC(c, name, fmt, where, kind, snap, ivl, label)		\
	[KDBT_STAT_##name] = {						\
		.info = { #name, label, KDBT_STAT_FMT_##fmt,		\
			  KDBT_STAT_KIND_##kind },			\
		.snap_off = 0 KDBT_IF_SLOT(snap,			\
			+ offsetof(struct kdbt_snap_header, name)),	\
	},
static const struct stat_desc stats[KDBT_STAT_NR] = {
	KDBT_STATS(STAT_DESC, 0)
};
#undef STAT_DESC

/**
 * kdbt_stat_info() - what a statistic is
 * @i: its index, enum kdbt_stat
 *
 * Return: its name, label, format and kind, or NULL if @i is out of range.
 */
const struct kdbt_stat_info *kdbt_stat_info(unsigned int i)
{
	return i < KDBT_STAT_NR ? &stats[i].info : NULL;
}

/**
 * kdbt_stat_find() - a statistic by its /proc/kdbt/stats name
 * @name: the name
 *
 * Return: its index (enum kdbt_stat), or -ENOENT.
 */
int kdbt_stat_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < KDBT_STAT_NR; i++)
		if (!strcmp(name, stats[i].info.name))
			return i;
	return -ENOENT;
}

/**
 * kdbt_snap_slot() - where a snapshot header keeps a statistic
 * @h: the header
 * @i: the statistic
 *
 * Return: its field, or NULL if the header has none for it.
 */
__u64 *kdbt_snap_slot(struct kdbt_snap_header *h, unsigned int i)
{
	if (i >= KDBT_STAT_NR || !stats[i].snap_off)
		return NULL;
	return (__u64 *)((char *)h + stats[i].snap_off);
}

/**
 * kdbt_snap_u64() - a statistic that a snapshot header keeps
 * @h: the header
 * @i: the statistic
 * @v: receives its value
 *
 * Return: 0, or -ENOENT if the header does not keep it (kdbt_snap_stat()
 * also gives those that follow from the snapshot).
 */
int kdbt_snap_u64(const struct kdbt_snap_header *h, unsigned int i,
		  __u64 *v)
{
	if (i >= KDBT_STAT_NR || !stats[i].snap_off)
		return -ENOENT;
	memcpy(v, (const char *)h + stats[i].snap_off, sizeof(*v));
	return 0;
}

/* @num / @den in hundredths of a percent, at most 100%; 0 if @den is 0. */
static __u64 percent(__u64 num, __u64 den)
{
	if (!den)
		return 0;
	if (num > den)
		num = den;
	return (unsigned __int128)num * 10000 / den;
}

/* A statistic the snapshot shows as a word, or NULL. */
static const char *snap_word(const struct kdbt_snap_header *h,
			     unsigned int i)
{
	switch (i) {
	case KDBT_STAT_state:
		return h->flags & KDBT_SNAP_ON ? "on" : "off";
	case KDBT_STAT_mode:
		return h->flags & KDBT_SNAP_FAST ? "fast" : "transparent";
	case KDBT_STAT_counters:
		return h->flags & KDBT_SNAP_COUNTERS ? "on" : "off";
	default:
		return NULL;
	}
}

/* A statistic that follows from the snapshot; -ENOENT for others. */
static int snap_derived(const struct kdbt_snap *s, unsigned int i, __u64 *v)
{
	struct kdbt_counts t;

	kdbt_snap_totals(s, &t);
	switch (i) {
	case KDBT_STAT_blocks:
		*v = s->hdr.nblocks;
		return 0;
	case KDBT_STAT_indirect_branches:
		*v = t.indirect;
		return 0;
	case KDBT_STAT_jumptable_hits:
		*v = t.hits;
		return 0;
	case KDBT_STAT_jumptable_hit_rate:
		*v = percent(t.hits, t.indirect);
		return 0;
	case KDBT_STAT_coverage:
		*v = percent(s->hdr.samples_cache,
			     s->hdr.samples_cache + s->hdr.samples_native);
		return 0;
	default:
		return -ENOENT;
	}
}

/**
 * kdbt_snap_stat() - a statistic of a snapshot, as /proc/kdbt/stats
 * would show it at the time
 * @s: the snapshot
 * @i: the statistic
 * @buf: receives the value ("123", "12.34", "on")
 * @len: its size (KDBT_STAT_TEXT is always enough)
 *
 * The snapshot has those its header keeps, the words of its flags (state,
 * mode, counters), its blocks, and what follows from those: indirect
 * branches, jumptable hits and hit rate, coverage.
 *
 * Return: 0, or -ENOENT for a statistic the snapshot does not have.
 */
int kdbt_snap_stat(const struct kdbt_snap *s, unsigned int i, char *buf,
		   size_t len)
{
	const char *word = snap_word(&s->hdr, i);
	__u64 v;

	if (word) {
		snprintf(buf, len, "%s", word);
		return 0;
	}
	if (kdbt_snap_u64(&s->hdr, i, &v) && snap_derived(s, i, &v))
		return -ENOENT;
	if (stats[i].info.fmt == KDBT_STAT_FMT_PCT)
		snprintf(buf, len, "%llu.%02llu", v / 100, v % 100);
	else
		snprintf(buf, len, "%llu", v);
	return 0;
}

/* ------------------------------------------------------------------ */
/* /proc/kdbt/stats                                                   */
/* ------------------------------------------------------------------ */

/* True if @v is a value in format @fmt. */
static bool value_ok(const char *v, enum kdbt_stat_fmt fmt)
{
	size_t n = strspn(v, "0123456789");

	switch (fmt) {
	case KDBT_STAT_FMT_U64:
		return n && !v[n];
	case KDBT_STAT_FMT_PCT:
		return n && v[n] == '.' &&
			strspn(v + n + 1, "0123456789") == 2 && !v[n + 3];
	default:
		return true;
	}
}

/* One line, "name value" (without its newline), of file @name. */
static int parse_line(struct kdbt_stat_values *sv, char *line,
		      unsigned int no, const char *name,
		      struct kdbt_err *err)
{
	char *value = strchr(line, ' ');
	int i;

	if (!value || value == line || !value[1] || strchr(value + 1, ' ') ||
	    strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
	    (size_t)(value - line))
		return kdbt_fail(err, -EBADMSG,
				 "%s: line %u: not \"name value\"", name, no);
	*value++ = '\0';
	if (no == 1 && strcmp(line, stats[KDBT_STAT_version].info.name))
		return kdbt_fail(err, -EBADMSG,
				 "%s: not kdbt statistics (first line is not %s)",
				 name, stats[KDBT_STAT_version].info.name);
	i = kdbt_stat_find(line);
	if (i < 0)
		return 0;		/* from a newer kdbt.ko */
	if (sv->text[i][0])
		return kdbt_fail(err, -EBADMSG, "%s: line %u: %s again", name,
				 no, line);
	if (strlen(value) >= KDBT_STAT_TEXT ||
	    !value_ok(value, stats[i].info.fmt))
		return kdbt_fail(err, -EBADMSG, "%s: line %u: bad %s \"%.32s\"",
				 name, no, line, value);
	strcpy(sv->text[i], value);
	return 0;
}

/**
 * kdbt_stats_parse() - check and keep the values of /proc/kdbt/stats
 * @sv: receives them; left untouched on failure
 * @buf: the file's bytes
 * @len: their number
 * @name: the file, for messages (NULL: "stats")
 * @err: the message on failure; may be NULL
 *
 * The file must start with its version line; every line must be "name
 * value" and end in a newline, and the value of a statistic this reader
 * knows must be in its format.  Lines it does not know are skipped.
 *
 * Return: 0, -ENODATA (empty) or -EBADMSG.
 */
int kdbt_stats_parse(struct kdbt_stat_values *sv, const char *buf,
		     size_t len, const char *name, struct kdbt_err *err)
{
	struct kdbt_stat_values tmp = { 0 };
	char line[256];
	unsigned int no = 0;
	const char *p = buf, *nl;
	int ret;

	if (!name)
		name = "stats";
	if (!len)
		return kdbt_fail(err, -ENODATA, "%s: empty", name);
	for (; p < buf + len; p = nl + 1) {
		nl = memchr(p, '\n', buf + len - p);
		if (!nl)
			return kdbt_fail(err, -EBADMSG,
					 "%s: line %u: no newline at its end",
					 name, no + 1);
		if ((size_t)(nl - p) >= sizeof(line) || memchr(p, '\0', nl - p))
			return kdbt_fail(err, -EBADMSG,
					 "%s: line %u: not \"name value\"",
					 name, no + 1);
		memcpy(line, p, nl - p);
		line[nl - p] = '\0';
		ret = parse_line(&tmp, line, ++no, name, err);
		if (ret)
			return ret;
	}
	*sv = tmp;
	kdbt_ok(err);
	return 0;
}

/**
 * kdbt_stats_read() - read and check /proc/kdbt/stats
 * @sv: as for kdbt_stats_parse()
 * @path: the file; NULL for /proc/kdbt/stats
 * @err: the message on failure; may be NULL
 *
 * Return: as kdbt_stats_parse(), or as kdbt_open_failed(), or the -errno
 * of read(2), or -EFBIG.
 */
int kdbt_stats_read(struct kdbt_stat_values *sv, const char *path,
		    struct kdbt_err *err)
{
	unsigned char *buf;
	size_t len;
	int fd, ret;

	if (!path)
		path = KDBT_STATS_PATH;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdbt_open_failed(path, errno, err);
	ret = kdbt_read_all(fd, STATS_MAX_BYTES, &buf, &len);
	close(fd);
	if (ret)
		return kdbt_fail(err, ret, "%s: read: %s", path,
				 strerror(-ret));
	ret = kdbt_stats_parse(sv, (const char *)buf, len, path, err);
	free(buf);
	return ret;
}

/**
 * kdbt_stats_get() - one value of /proc/kdbt/stats
 * @sv: the values (kdbt_stats_parse(), kdbt_stats_read())
 * @i: the statistic
 *
 * Return: its value as the file has it, or NULL if the file had no line
 * for it (an older kdbt.ko) or @i is out of range.
 */
const char *kdbt_stats_get(const struct kdbt_stat_values *sv, unsigned int i)
{
	return i < KDBT_STAT_NR && sv->text[i][0] ? sv->text[i] : NULL;
}
