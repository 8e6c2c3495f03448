// SPDX-License-Identifier: GPL-2.0
/*
 * diff_out.c - kdbt-report --diff's views: a table, JSON and CSV of the
 * baseline, the new count, the delta and the delta in percent per
 * function (diff.c), after the totals of both recordings.
 *
 * A delta is signed ("+123", "-45"); a delta % is of the baseline, with
 * two decimals, "new" in the table (null in JSON, empty in CSV) when the
 * baseline is 0.
 *
 * Names from the recordings are escaped as in report_out.c.
 *
 * Owns: the layout of the diff in each format.
 * Must never: compute a count (diff.c and report.c do), or print a name
 * from a recording unescaped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* The totals compared: each a statistic (its name) and a sort key. */
struct total_line {
	enum kdbt_stat stat;
	enum sort_key key;
};

static const struct total_line total_lines[] = {
	{ KDBT_STAT_instructions, SORT_INSTRUCTIONS },
	{ KDBT_STAT_block_executions, SORT_EXECUTIONS },
	{ KDBT_STAT_indirect_branches, SORT_INDIRECT },
	{ KDBT_STAT_jumptable_misses, SORT_MISSES },
};

#define NTOTALS	(sizeof(total_lines) / sizeof(total_lines[0]))

static const char *total_name(size_t i)
{
	return kdbt_stat_info(total_lines[i].stat)->name;
}

/* "+N" or "-N": the signed difference of two counts. */
static void delta_text(char *buf, size_t len, __u64 old, __u64 new)
{
	if (new >= old)
		snprintf(buf, len, "%s%llu", new > old ? "+" : "",
			 (unsigned long long)(new - old));
	else
		snprintf(buf, len, "-%llu", (unsigned long long)(old - new));
}

static void pct_text(char *buf, size_t len, __u64 old, __u64 new,
		     const char *none)
{
	double p = diff_pct(old, new);

	if (isnan(p))
		snprintf(buf, len, "%s", new ? none : "0.00");
	else if (old == new)
		snprintf(buf, len, "0.00");
	else
		snprintf(buf, len, "%+.2f", p);
}

/* pct_text() with a '%' after a number, for the table. */
static void pct_table(char *buf, size_t len, __u64 old, __u64 new)
{
	size_t n;

	pct_text(buf, len, old, new, "new");
	n = strlen(buf);
	if (strcmp(buf, "new") && n + 1 < len)
		strcpy(buf + n, "%");
}

static void describe_side(FILE *f, const char *label,
			  const struct report *rp)
{
	const struct kdbt_rec *r = rp->rec;
	__u32 i;

	fprintf(f, "# %-9s: %s:", label, rp->file);
	for (i = r->command; i < r->argc; i++) {
		fputc(' ', f);
		kdbt_text_print(f, r->argv[i], 0);
	}
	if (r->command >= r->argc)
		fprintf(f, " (system-wide)");
	fprintf(f, ", %.3f s, kernel ", rp->t.duration_ns / 1e9);
	kdbt_text_print(f, kdbt_rec_string(r, "release") ?: "?", 0);
	fputc('\n', f);
}

/**
 * diff_table() - a diff as a table
 * @f: where to
 * @d: the diff
 */
void diff_table(FILE *f, const struct diff *d)
{
	char delta[32], pct[32];
	const struct diff_row *r;
	__u64 a, b;
	size_t i;

	fprintf(f, "# kdbt-report --diff: %s in %s, from the baseline to the new recording\n",
		"the change", sort_key_name(d->metric));
	describe_side(f, "baseline", &d->a);
	describe_side(f, "new", &d->b);
	fprintf(f, "#\n# %-20s %20s %20s %21s %9s\n", "Totals", "Baseline",
		"New", "Delta", "Delta%");
	for (i = 0; i < NTOTALS; i++) {
		a = totals_metric(&d->a.t, total_lines[i].key);
		b = totals_metric(&d->b.t, total_lines[i].key);
		delta_text(delta, sizeof(delta), a, b);
		pct_table(pct, sizeof(pct), a, b);
		fprintf(f, "#   %-18s %20llu %20llu %21s %9s\n",
			total_name(i), (unsigned long long)a,
			(unsigned long long)b, delta, pct);
	}
	fprintf(f, "#\n# Functions by the size of the change in %s: %zu of %zu shown\n#\n",
		sort_key_name(d->metric), d->nrows, d->nall);
	fprintf(f, "#       Baseline            New            Delta     Delta%%  %-10s Symbol\n",
		"Module");
	for (i = 0; i < d->nrows; i++) {
		r = &d->rows[i];
		delta_text(delta, sizeof(delta), r->old, r->new);
		pct_table(pct, sizeof(pct), r->old, r->new);
		fprintf(f, "%16llu %14llu %16s %9s  ",
			(unsigned long long)r->old, (unsigned long long)r->new,
			delta, pct);
		kdbt_text_print(f, r->module, 10);
		fputc(' ', f);
		kdbt_text_print(f, r->name, 0);
		fputc('\n', f);
	}
	if (d->nrows < d->nsel)
		fprintf(f, "# ... %zu more functions (-n 0 shows all)\n",
			d->nsel - d->nrows);
}

static void json_pct(FILE *f, __u64 old, __u64 new)
{
	char pct[32];

	pct_text(pct, sizeof(pct), old, new, "null");
	fputs(pct[0] == '+' ? pct + 1 : pct, f);
}

static void json_side(FILE *f, const char *label, const struct report *rp)
{
	fprintf(f, "  \"%s\": {\"recording\": ", label);
	out_json_recording(f, rp);
	fprintf(f, ",\n    \"totals\": ");
	out_json_totals(f, &rp->t);
	fprintf(f, "},\n");
}

/**
 * diff_json() - a diff as JSON
 * @f: where to
 * @d: the diff
 */
void diff_json(FILE *f, const struct diff *d)
{
	const struct diff_row *r;
	char delta[32];
	__u64 a, b;
	size_t i;

	fprintf(f, "{\n");
	json_side(f, "baseline", &d->a);
	json_side(f, "new", &d->b);
	fprintf(f, "  \"metric\": \"%s\",\n  \"totals\": {",
		sort_key_name(d->metric));
	for (i = 0; i < NTOTALS; i++) {
		a = totals_metric(&d->a.t, total_lines[i].key);
		b = totals_metric(&d->b.t, total_lines[i].key);
		delta_text(delta, sizeof(delta), a, b);
		fprintf(f, "%s\"%s\": {\"baseline\": %llu, \"new\": %llu, \"delta\": %s, \"delta_pct\": ",
			i ? ", " : "", total_name(i),
			(unsigned long long)a, (unsigned long long)b,
			delta[0] == '+' ? delta + 1 : delta);
		json_pct(f, a, b);
		fprintf(f, "}");
	}
	fprintf(f, "},\n  \"shown\": %zu, \"rows\": %zu,\n  \"functions\": [\n",
		d->nrows, d->nall);
	for (i = 0; i < d->nrows; i++) {
		r = &d->rows[i];
		delta_text(delta, sizeof(delta), r->old, r->new);
		fprintf(f, "    {\"symbol\": ");
		out_json_string(f, r->name);
		fprintf(f, ", \"module\": ");
		out_json_string(f, r->module);
		fprintf(f, ", \"baseline\": %llu, \"new\": %llu, \"delta\": %s, \"delta_pct\": ",
			(unsigned long long)r->old, (unsigned long long)r->new,
			delta[0] == '+' ? delta + 1 : delta);
		json_pct(f, r->old, r->new);
		fprintf(f, i + 1 < d->nrows ? "},\n" : "}\n");
	}
	fprintf(f, "  ]\n}\n");
}

/**
 * diff_csv() - a diff as CSV
 * @f: where to
 * @d: the diff
 */
void diff_csv(FILE *f, const struct diff *d)
{
	const struct diff_row *r;
	char delta[32], pct[32];
	size_t i;

	fprintf(f, "symbol,module,baseline,new,delta,delta_pct\n");
	for (i = 0; i < d->nrows; i++) {
		r = &d->rows[i];
		delta_text(delta, sizeof(delta), r->old, r->new);
		pct_text(pct, sizeof(pct), r->old, r->new, "");
		out_csv_string(f, r->name);
		fputc(',', f);
		out_csv_string(f, r->module);
		fprintf(f, ",%llu,%llu,%s,%s\n", (unsigned long long)r->old,
			(unsigned long long)r->new,
			delta[0] == '+' ? delta + 1 : delta,
			pct[0] == '+' ? pct + 1 : pct);
	}
}
