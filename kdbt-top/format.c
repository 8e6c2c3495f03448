// SPDX-License-Identifier: GPL-2.0
/*
 * format.c - the words and numbers of kdbt-top (format.h).
 *
 * Owns: the column table, the header lines (state, rates of the last
 * interval, totals since the reset, coverage, blocks, cache), the
 * notices that tell the user what to do, the status line and the rows.
 * Numbers go through libkdbt's kdbt_fmt_count() and kdbt_fmt_rate(), so
 * every kdbt tool writes them alike; the statistics in the header lines
 * go by their labels in KDBT_STATS().
 * Must never: include curses, print, or compute a count (model.c does).
 */
#include <stdio.h>
#include <string.h>
#include "format.h"

#define PROG_TITLE	"kdbt-top " KDBT_RELEASE
#define CONTROL		"/proc/" KDBT_PROC_DIR "/" KDBT_PROC_CONTROL

static const char *count(char *buf, __u64 v)
{
	return kdbt_fmt_count(buf, KDBT_FMT_LEN, v);
}

static void col_share(char *buf, size_t len, const struct top_model *m,
		      const struct top_row *r)
{
	kdbt_fmt_rate(buf, len, r->c.instructions, m->sum_insns);
}

static void col_rate(char *buf, size_t len, const struct top_model *m,
		     const struct top_row *r)
{
	if (m->have_delta)
		kdbt_fmt_count(buf, len, model_row_rate(m, r));
	else
		snprintf(buf, len, "-");
}

static void col_execs(char *buf, size_t len, const struct top_model *m,
		      const struct top_row *r)
{
	(void)m;
	kdbt_fmt_count(buf, len, r->c.executions);
}

static void col_calls(char *buf, size_t len, const struct top_model *m,
		      const struct top_row *r)
{
	(void)m;
	kdbt_fmt_count(buf, len, r->calls);
}

static void col_indirect(char *buf, size_t len, const struct top_model *m,
			 const struct top_row *r)
{
	(void)m;
	kdbt_fmt_count(buf, len, r->c.indirect);
}

static void col_hitrate(char *buf, size_t len, const struct top_model *m,
			const struct top_row *r)
{
	(void)m;
	kdbt_fmt_rate(buf, len, r->c.hits, r->c.indirect);
}

static void col_symbol(char *buf, size_t len, const struct top_model *m,
		       const struct top_row *r)
{
	char sym[TOP_LINE];

	model_row_symbol(m, r, sym, sizeof(sym));
	snprintf(buf, len, "%s [%s]", sym, r->module);
}

/* In screen order; indexed by the sort key of each column. */
const struct top_column top_columns[TOP_SORT_NR] = {
	{ "Insns%", 7, TOP_SORT_INSNS, col_share },
	{ "Insns/s", 8, TOP_SORT_RATE, col_rate },
	{ "Execs", 6, TOP_SORT_EXECS, col_execs },
	{ "Calls", 6, TOP_SORT_CALLS, col_calls },
	{ "Indirect", 8, TOP_SORT_INDIRECT, col_indirect },
	{ "JT hit%", 7, TOP_SORT_HITRATE, col_hitrate },
	{ "Symbol [module]", 0, TOP_SORT_SYMBOL, col_symbol },
};

#define COL_GAP	2

/**
 * format_column_x() - where a column starts on a line of the table
 * @key: the sort key of the column
 * @width: receives its width (0: to the end of the line)
 *
 * Return: its first character's offset.
 */
int format_column_x(enum top_sort key, int *width)
{
	int i, x = 0;

	for (i = 0; i < TOP_SORT_NR; i++) {
		if (top_columns[i].key == key)
			break;
		x += top_columns[i].width + COL_GAP;
	}
	*width = i < TOP_SORT_NR ? top_columns[i].width : 0;
	return x;
}

/* Append cell @text to @buf at @off, right-aligned in @width (0: as is). */
static size_t put_cell(char *buf, size_t len, size_t off, int width,
		       const char *text)
{
	int n;

	if (off >= len)
		return off;
	if (width)
		n = snprintf(buf + off, len - off, "%*s%*s", width, text,
			     COL_GAP, "");
	else
		n = snprintf(buf + off, len - off, "%s", text);
	return n < 0 ? off : off + n;
}

/**
 * format_titles() - the column titles, aligned as format_row() aligns
 * @buf: where the text goes
 * @len: its size
 *
 * Return: @buf.
 */
char *format_titles(char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < TOP_SORT_NR; i++)
		off = put_cell(buf, len, off, top_columns[i].width,
			       top_columns[i].title);
	return buf;
}

/**
 * format_row() - one line of the table
 * @m: the model
 * @r: one of its rows
 * @buf: where the text goes
 * @len: its size
 *
 * Return: @buf.
 */
char *format_row(const struct top_model *m, const struct top_row *r,
		 char *buf, size_t len)
{
	char cell[TOP_LINE];
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < TOP_SORT_NR; i++) {
		top_columns[i].fmt(cell, sizeof(cell), m, r);
		off = put_cell(buf, len, off, top_columns[i].width, cell);
	}
	return buf;
}

/* What kdbt-top calls statistic @i (KDBT_STATS()'s label column). */
static const char *stat_label(enum kdbt_stat i)
{
	return kdbt_stat_info(i)->label;
}

/* One line of totals: "LABEL insns/s execs/s indirect/s JT hits". */
static void totals_line(char *buf, const char *label,
			const struct kdbt_counts *t, __u64 ns, bool rates)
{
	char a[KDBT_FMT_LEN], b[KDBT_FMT_LEN], c[KDBT_FMT_LEN];
	char d[KDBT_FMT_LEN];
	const char *per = rates ? "/s" : "  ";

	if (!t) {
		snprintf(buf, TOP_LINE,
			 "%-13s%7s %s/s %7s %s/s %7s %s/s %7s %s", label,
			 "-", stat_label(KDBT_STAT_instructions), "-",
			 stat_label(KDBT_STAT_block_executions), "-",
			 stat_label(KDBT_STAT_indirect_branches), "-",
			 stat_label(KDBT_STAT_jumptable_hit_rate));
		return;
	}
	count(a, rates ? model_per_sec(t->instructions, ns) :
	      t->instructions);
	count(b, rates ? model_per_sec(t->executions, ns) : t->executions);
	count(c, rates ? model_per_sec(t->indirect, ns) : t->indirect);
	kdbt_fmt_rate(d, sizeof(d), t->hits, t->indirect);
	snprintf(buf, TOP_LINE, "%-13s%7s %s%s %7s %s%s %7s %s%s %7s %s",
		 label, a, stat_label(KDBT_STAT_instructions), per, b,
		 stat_label(KDBT_STAT_block_executions), per, c,
		 stat_label(KDBT_STAT_indirect_branches), per, d,
		 stat_label(KDBT_STAT_jumptable_hit_rate));
}

static char *coverage(char *buf, const struct kdbt_snap_header *h)
{
	return kdbt_fmt_rate(buf, KDBT_FMT_LEN, h->samples_cache,
			     h->samples_cache + h->samples_native);
}

/* "Coverage ... Blocks ... Cache ..." */
static void state_line(char *buf, const struct top_model *m)
{
	const struct kdbt_snap_header *h = &m->cur.hdr;
	char last[KDBT_FMT_LEN] = "-", all[KDBT_FMT_LEN], blocks[KDBT_FMT_LEN];
	char used[KDBT_FMT_LEN], total[KDBT_FMT_LEN], pct[KDBT_FMT_LEN];

	if (m->have_delta)
		coverage(last, &m->delta.hdr);
	snprintf(buf, TOP_LINE,
		 "%s %s last, %s since reset   %s %s   %s %s of %s (%s)",
		 stat_label(KDBT_STAT_coverage), last, coverage(all, h),
		 stat_label(KDBT_STAT_blocks), count(blocks, h->nblocks),
		 stat_label(KDBT_STAT_cache_bytes_used),
		 count(used, h->cache_bytes_used),
		 count(total, h->cache_bytes_total),
		 kdbt_fmt_rate(pct, sizeof(pct), h->cache_bytes_used,
			       h->cache_bytes_total));
}

/**
 * format_header() - the lines above the table
 * @m: the model (with a snapshot, else only the title says something)
 * @lines: receive the title (state and mode), the rates of the last
 *         interval, the totals since the reset, and coverage, blocks and
 *         cache
 */
void format_header(const struct top_model *m,
		   char lines[TOP_HEADER_LINES][TOP_LINE])
{
	const struct kdbt_snap_header *h = &m->cur.hdr;
	struct kdbt_counts recent, total;
	char label[32];
	int i;

	if (!model_has_data(m)) {
		snprintf(lines[0], TOP_LINE, "%s - no snapshot yet", PROG_TITLE);
		for (i = 1; i < TOP_HEADER_LINES; i++)
			lines[i][0] = '\0';
		return;
	}
	snprintf(lines[0], TOP_LINE,
		 "%s - translation %s, %s mode, counters %s, %u CPU%s",
		 PROG_TITLE, h->flags & KDBT_SNAP_ON ? "on" : "off",
		 h->flags & KDBT_SNAP_FAST ? "fast" : "transparent",
		 h->flags & KDBT_SNAP_COUNTERS ? "on" : "off", h->ncpus,
		 h->ncpus == 1 ? "" : "s");
	if (m->have_delta) {
		kdbt_snap_totals(&m->delta, &recent);
		snprintf(label, sizeof(label), "Last %.2f s",
			 m->delta.interval_ns / 1e9);
		totals_line(lines[1], label, &recent, m->delta.interval_ns,
			    true);
	} else {
		totals_line(lines[1], "Last -", NULL, 0, true);
	}
	kdbt_snap_totals(&m->cur, &total);
	totals_line(lines[2], "Since reset", &total, 0, false);
	state_line(lines[3], m);
}

/**
 * format_notices() - what the user should know and can act on
 * @m: the model
 * @lines: receive up to @max lines
 * @max: their number
 *
 * Translation or counters off (and how to switch them on), hidden
 * addresses, a reset or flush seen, the wait for the first interval.
 *
 * Return: the number of lines filled.
 */
int format_notices(const struct top_model *m, char lines[][TOP_LINE],
		   int max)
{
	const struct kdbt_snap_header *h = &m->cur.hdr;
	int n = 0;

	if (!model_has_data(m))
		return 0;
	if (n < max && !(h->flags & KDBT_SNAP_ON))
		snprintf(lines[n++], TOP_LINE,
			 "Translation is off: nothing is counted. Switch it on with: echo on > %s",
			 CONTROL);
	if (n < max && !(h->flags & KDBT_SNAP_COUNTERS))
		snprintf(lines[n++], TOP_LINE,
			 "Counters are off: the profile stays at zero. While off: echo 'counters on' > %s",
			 CONTROL);
	if (n < max && (h->flags & KDBT_SNAP_HIDDEN))
		snprintf(lines[n++], TOP_LINE,
			 "Addresses are hidden by kptr_restrict: no symbols (run as root)");
	if (n < max && m->event == TOP_EV_RESET)
		snprintf(lines[n++], TOP_LINE,
			 "The counters were reset: counting afresh");
	if (n < max && m->event == TOP_EV_FLUSH)
		snprintf(lines[n++], TOP_LINE,
			 "The code cache was flushed: counting afresh");
	if (n < max && m->event == TOP_EV_FIRST && !m->cumulative)
		snprintf(lines[n++], TOP_LINE,
			 "Waiting for the end of the first interval");
	return n;
}

/**
 * format_status() - what the table shows: view, counts, sort, filters
 * @m: the model
 * @buf: where the text goes
 * @len: its size
 *
 * Return: @buf, e.g. "Functions, last interval, by insns: 12 of 340
 * shown, filter 'tcp', module loop".
 */
char *format_status(const struct top_model *m, char *buf, size_t len)
{
	char shown[KDBT_FMT_LEN], all[KDBT_FMT_LEN];
	int n;

	n = snprintf(buf, len, "%s, %s, by %s: %s of %s shown",
		     m->view == TOP_VIEW_BLOCKS ? "Blocks" : "Functions",
		     m->cumulative ? "since reset" : "last interval",
		     model_sort_name(m->sort), count(shown, m->nshown),
		     count(all, m->nrows));
	if (m->has_re && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", filter '%s'", m->re_text);
	if (m->module[0] && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", module %s", m->module);
	return buf;
}
