// SPDX-License-Identifier: GPL-2.0
/*
 * report_prom.c - kdbt-report --format prometheus: a recording (or, with
 * --live, /proc/kdbt now) in the Prometheus text exposition format, for
 * node_exporter's textfile collector or a push gateway.
 *
 * Counts are counters, exact: the kernel's statistics are named as in
 * KDBT_STATS() (kdbt_abi.h), kdbt_<name>_total; the jumptable hit ratio and
 * the recording's time and length are gauges; what is a string elsewhere
 * (kernel release, mode, host) is a label of kdbt_info, whose value is 1.
 * The per-function series are the report's rows (functions by
 * instructions, capped by -n, 20 by default) with the labels module and
 * function.
 *
 * Owns: the metric names of what is not a statistic of KDBT_STATS(), the
 * HELP texts and label escaping: a name's control bytes and bytes that
 * are not UTF-8 become the text \xNN (text.c), whose backslash is then
 * escaped as the exposition format wants, so a label value is always
 * valid UTF-8 without a control character.
 * Must never: print a metric twice, a label value unescaped, or a series
 * whose name promtool would reject.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "report.h"

/*
 * A label value: what kdbt_text_char_len() would not print as \\xNN, a
 * backslash and a double quote escaped (a newline is a control byte).
 */
static void prom_label(FILE *f, const char *name, const char *v, int first)
{
	size_t n;

	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; v && *v; v += n) {
		n = kdbt_text_char_len(v);
		if (!n) {
			fprintf(f, "\\\\x%02x", (unsigned char)*v);
			n = 1;
		} else if (*v == '\\' || *v == '"') {
			fprintf(f, "\\%c", *v);
		} else {
			fwrite(v, 1, n, f);
		}
	}
	fputc('"', f);
}

static void prom_head(FILE *f, const char *name, const char *type,
		      const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_counter(FILE *f, const char *name, const char *help,
			 __u64 v)
{
	prom_head(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

/* "kdbt_<name>_total": the metric of statistic @i (enum kdbt_stat). */
static const char *prom_stat_name(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "kdbt_%s_total", kdbt_stat_info(i)->name);
	return buf;
}

/* The counter of statistic @i, named after it. */
static void prom_stat(FILE *f, unsigned int i, const char *help, __u64 v)
{
	char name[64];

	prom_counter(f, prom_stat_name(name, sizeof(name), i), help, v);
}

static void prom_gauge(FILE *f, const char *name, const char *help, double v)
{
	prom_head(f, name, "gauge", help);
	fprintf(f, "%s %.17g\n", name, v);
}

static void prom_info(FILE *f, const struct report *rp)
{
	const struct kdbt_rec *r = rp->rec;
	const char *keys[] = { "release", "machine", "hostname",
			       "kdbt_release" };
	const char *labels[] = { "release", "machine", "host",
				 "kdbt_release" };
	const char *v;
	size_t i;

	prom_head(f, "kdbt_info", "gauge",
		  "The recorded kernel and kdbt's state, as labels; always 1.");
	fputs("kdbt_info{", f);
	prom_label(f, "mode", r->info.snap_flags & KDBT_SNAP_FAST ? "fast" :
		   "transparent", 1);
	prom_label(f, "source", rp->o->live ? "live" : "recording", 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = kdbt_rec_string(r, keys[i]);
		prom_label(f, labels[i], v ? v : "", 0);
	}
	fputs("} 1\n", f);
}

/* One per-function family: every row, one series each. */
static void prom_rows(FILE *f, const struct report *rp, const char *name,
		      const char *help, int what)
{
	const struct row *r;
	__u64 v;

	prom_head(f, name, "counter", help);
	for (r = rp->rows; r < rp->rows + rp->nrows; r++) {
		v = what == 0 ? r->c.instructions : what == 1 ?
			r->c.executions : what == 2 ? r->calls : r->c.misses;
		fprintf(f, "%s{", name);
		prom_label(f, "module", r->module, 1);
		prom_label(f, "function", r->name, 0);
		fprintf(f, "} %llu\n", (unsigned long long)v);
	}
}

/**
 * prom_report() - print a report in the Prometheus text format
 * @f: the output
 * @rp: the report (function rows, already capped by -n)
 */
void prom_report(FILE *f, const struct report *rp)
{
	const struct report_totals *t = &rp->t;
	const struct kdbt_data_interval *k = &t->k;
	const char *kinds[] = { "call", "jump", "return" };
	const __u64 nkind[] = { k->indirect_calls, k->indirect_jumps,
				k->returns };
	char name[64];
	size_t i;

	prom_info(f, rp);
	prom_stat(f, KDBT_STAT_instructions,
		  "Native kernel instructions executed (exact).",
		  k->instructions);
	prom_stat(f, KDBT_STAT_block_executions,
		  "Translated blocks executed (exact).", k->block_executions);
	prom_stat_name(name, sizeof(name), KDBT_STAT_indirect_branches);
	prom_head(f, name, "counter",
		  "Indirect branches executed, by kind (returns: transparent mode only).");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(f, "%s{kind=\"%s\"} %llu\n", name, kinds[i],
			(unsigned long long)nkind[i]);
	prom_stat(f, KDBT_STAT_jumptable_hits,
		  "Indirect branches whose target the jumptable held.", t->hits);
	prom_stat(f, KDBT_STAT_jumptable_misses,
		  "Indirect branches that went to the dispatcher.",
		  k->jumptable_misses);
	if (t->indirect)
		prom_gauge(f, "kdbt_jumptable_hit_ratio",
			   "Jumptable hits / indirect branches (0 to 1).",
			   (double)t->hits / t->indirect);
	prom_stat(f, KDBT_STAT_dispatches, "Entries into the dispatcher.",
		  k->dispatches);
	prom_stat(f, KDBT_STAT_lost_estimate,
		  "Block executions racing counter increments probably lost (an estimate).",
		  k->lost_estimate);
	prom_counter(f, "kdbt_unattributed_instructions_total",
		     "Instructions of blocks no longer listed (a cache flush).",
		     t->unattributed);
	prom_gauge(f, "kdbt_recording_start_time_seconds",
		   "When the recording started, in seconds since the epoch.",
		   rp->rec->info.start_realtime_ns / 1e9);
	prom_gauge(f, "kdbt_recording_duration_seconds",
		   "How long the recording (or translation, live) has counted.",
		   t->duration_ns / 1e9);
	prom_rows(f, rp, "kdbt_function_instructions_total",
		  "Instructions of the hottest functions (-n of them).", 0);
	prom_rows(f, rp, "kdbt_function_executions_total",
		  "Block executions of the hottest functions.", 1);
	prom_rows(f, rp, "kdbt_function_calls_total",
		  "Executions of the hottest functions' first blocks.", 2);
	prom_rows(f, rp, "kdbt_function_jumptable_misses_total",
		  "Jumptable misses of the hottest functions.", 3);
}
