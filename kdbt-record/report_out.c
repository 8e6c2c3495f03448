// SPDX-License-Identifier: GPL-2.0
/*
 * report_out.c - kdbt-report's views of one recording: a table (the
 * default), JSON, CSV and folded stacks; and the table of views that
 * kdbt-report.c chooses from.
 *
 * Every view prints the same numbers: exact counts (no rounding), hit
 * rates rounded down to two decimals (kdbt_fmt_rate()), shares of the
 * total instructions with two decimals.
 *
 * Names from the recording (symbols, modules, the command line, the
 * host's strings) are printed through text.c's escaping in the table,
 * CSV and folded stacks; JSON escapes them by its own rules (controls as
 * \u00NN, bytes that are not UTF-8 as U+FFFD).
 *
 * Owns: the layout of each format (man kdbt-report(1) documents it); the
 * totals are named as the kernel names its statistics (KDBT_STATS()).
 * Must never: compute a count (report.c does), print a row the model
 * did not select, or a name from the recording unescaped.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include "report.h"

static const char *mode_name(const struct kdbt_rec *r)
{
	return r->info.snap_flags & KDBT_SNAP_FAST ? "fast" : "transparent";
}

static const char *str_or(const struct kdbt_rec *r, const char *key,
			  const char *dflt)
{
	const char *v = kdbt_rec_string(r, key);

	return v ? v : dflt;
}

static void print_build_id(FILE *f, const struct kdbt_rec *r)
{
	char hex[KDBT_BUILD_ID_HEX];

	fputs(kdbt_build_id_hex(r->build_id, r->build_id_len, hex), f);
}

static void start_time(const struct kdbt_rec *r, char *buf, size_t len)
{
	time_t t = r->info.start_realtime_ns / 1000000000ULL;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

/* How the command ended, for people. */
static void exit_text(const struct kdbt_rec *r, char *buf, size_t len)
{
	int st = r->info.exit_status;

	if (!(r->info.rec_flags & KDBT_REC_COMMAND))
		snprintf(buf, len, "system-wide, until a signal");
	else if (WIFEXITED(st))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "wait status %#x", st);
}

/**
 * out_describe() - the lines saying what a recording is
 * @f: where to
 * @rp: the report
 * @prefix: put before each line ("# ")
 */
void out_describe(FILE *f, const struct report *rp, const char *prefix)
{
	const struct kdbt_rec *r = rp->rec;
	char when[32], how[64];
	__u32 i;

	start_time(r, when, sizeof(when));
	exit_text(r, how, sizeof(how));
	fprintf(f, "%skernel   : ", prefix);
	kdbt_text_print(f, str_or(r, "release", "?"), 0);
	fputs(" (", f);
	kdbt_text_print(f, str_or(r, "machine", "?"), 0);
	fputs("), build id ", f);
	if (r->build_id_len)
		print_build_id(f, r);
	else
		fprintf(f, "unknown");
	fprintf(f, "\n%shost     : ", prefix);
	kdbt_text_print(f, str_or(r, "hostname", "?"), 0);
	fprintf(f, ", %u CPUs, kdbt ", r->info.ncpus);
	kdbt_text_print(f, str_or(r, "kdbt_release", "?"), 0);
	fprintf(f, "\n%scommand  :", prefix);
	for (i = r->command; i < r->argc; i++) {
		fputc(' ', f);
		kdbt_text_print(f, r->argv[i], 0);
	}
	fprintf(f, " (%s)\n", how);
	fprintf(f, "%srecorded : %s, %.3f s in %u samples, %s mode%s\n",
		prefix, when, rp->t.duration_ns / 1e9, rp->t.samples,
		mode_name(r), r->info.resets ? ", counters reset during it" :
		r->info.flushes ? ", cache flushed during it" : "");
}

/* ------------------------------------------------------------------ */
/* Table                                                              */
/* ------------------------------------------------------------------ */

/* The name of statistic @i: the totals are labelled as the kernel's. */
static const char *stat_name(enum kdbt_stat i)
{
	return kdbt_stat_info(i)->name;
}

/* "#   name                 value" and @more, a line of the totals. */
static void total_line(FILE *f, const char *name, __u64 v, const char *more)
{
	fprintf(f, "#   %-20s %20llu%s\n", name, (unsigned long long)v, more);
}

static void table_totals(FILE *f, const struct report_totals *t)
{
	const struct kdbt_data_interval *k = &t->k;
	char rate[KDBT_FMT_LEN], more[128];

	rate_text(rate, sizeof(rate), t->hits, t->indirect);
	fprintf(f, "#\n# Totals\n");
	total_line(f, stat_name(KDBT_STAT_instructions), k->instructions, "");
	total_line(f, stat_name(KDBT_STAT_block_executions),
		   k->block_executions, "");
	snprintf(more, sizeof(more), "  (calls %llu, jumps %llu, returns %llu)",
		 (unsigned long long)k->indirect_calls,
		 (unsigned long long)k->indirect_jumps,
		 (unsigned long long)k->returns);
	total_line(f, stat_name(KDBT_STAT_indirect_branches), t->indirect,
		   more);
	snprintf(more, sizeof(more), "  %s", rate);
	total_line(f, stat_name(KDBT_STAT_jumptable_hits), t->hits, more);
	total_line(f, stat_name(KDBT_STAT_jumptable_misses),
		   k->jumptable_misses, "");
	total_line(f, stat_name(KDBT_STAT_lost_estimate), k->lost_estimate,
		   "");
	total_line(f, "unattributed", t->unattributed,
		   "  instructions no recorded block holds");
}

static void table_row(FILE *f, const struct report *rp, const struct row *r)
{
	char rate[KDBT_FMT_LEN];

	rate_text(rate, sizeof(rate), r->c.hits, r->c.indirect);
	fprintf(f, "%7.2f%% %14llu %14llu %12llu %12llu %10llu %9s ", r->share,
		(unsigned long long)r->c.instructions,
		(unsigned long long)r->c.executions,
		(unsigned long long)r->calls,
		(unsigned long long)r->c.indirect,
		(unsigned long long)r->c.misses, rate);
	if (rp->o->blocks)
		fprintf(f, "%5u %-6s %016llx ", r->insns, kdbt_kind_name(r->kind),
			(unsigned long long)r->addr);
	kdbt_text_print(f, r->module, 10);
	fputc(' ', f);
	kdbt_text_print(f, r->name, 0);
	fputc('\n', f);
}

static void table_report(FILE *f, const struct report *rp)
{
	const char *what = rp->o->blocks ? "blocks" : "functions";
	size_t i;

	fprintf(f, "# kdbt-report of %s\n", rp->file);
	out_describe(f, rp, "# ");
	table_totals(f, &rp->t);
	fprintf(f, "#\n# %s by %s: %zu of %zu shown\n#\n", rp->o->blocks ?
		"Blocks" : "Functions",
		sort_key_name(rp->o->nkeys ? rp->o->keys[0] : SORT_INSTRUCTIONS),
		rp->nrows, rp->nall);
	fprintf(f, "#  Share   Instructions     Executions        Calls     Indirect     Misses  Hit rate ");
	if (rp->o->blocks)
		fprintf(f, "Insns Kind   Address          ");
	fprintf(f, "%-10s Symbol\n", "Module");
	for (i = 0; i < rp->nrows; i++)
		table_row(f, rp, &rp->rows[i]);
	if (rp->nrows < rp->nsel)
		fprintf(f, "# ... %zu more %s (-n 0 shows all)\n",
			rp->nsel - rp->nrows, what);
}

static void table_intervals(FILE *f, const struct report *rp)
{
	char rate[KDBT_FMT_LEN];
	const struct ivl_row *v;
	size_t i;

	fprintf(f, "# kdbt-report of %s\n", rp->file);
	out_describe(f, rp, "# ");
	table_totals(f, &rp->t);
	fprintf(f, "#\n# Intervals: %zu\n#\n", rp->nivls);
	fprintf(f, "#  Start s  Length s   Instructions     Executions     Indirect     Misses  Hit rate  Hottest function\n");
	for (i = 0; i < rp->nivls; i++) {
		v = &rp->ivls[i];
		rate_text(rate, sizeof(rate), v->c.hits, v->c.indirect);
		fprintf(f, "%10.3f %9.3f %14llu %14llu %12llu %10llu %9s  ",
			v->start_ns / 1e9, v->len_ns / 1e9,
			(unsigned long long)v->c.instructions,
			(unsigned long long)v->c.executions,
			(unsigned long long)v->c.indirect,
			(unsigned long long)v->c.misses, rate);
		if (v->top) {
			kdbt_text_print(f, v->top_module, 0);
			fputc(' ', f);
			kdbt_text_print(f, v->top, 0);
			fprintf(f, " (%.2f%%)", v->c.instructions ? 100.0 *
				v->top_instructions / v->c.instructions : 0);
		} else
			fprintf(f, "-");
		fprintf(f, "%s%s\n", v->flags & KDBT_IVL_RESET ? " [reset]" : "",
			v->flags & KDBT_IVL_FLUSH ? " [flush]" : "");
	}
}

/* ------------------------------------------------------------------ */
/* JSON                                                               */
/* ------------------------------------------------------------------ */

/*
 * The character at @p that kdbt_text_char_len() would not print, as
 * JSON: a control character as \u00NN, a byte that is not UTF-8 as
 * U+FFFD (JSON text is UTF-8).  Return: the bytes it took.
 */
static size_t json_escape(FILE *f, const unsigned char *p)
{
	if (p[0] < 0x20 || p[0] == 0x7f) {
		fprintf(f, "\\u%04x", p[0]);
		return 1;
	}
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0) {
		fprintf(f, "\\u%04x", p[1]);		/* C1 control */
		return 2;
	}
	fputs("\\ufffd", f);
	return 1;
}

/**
 * out_json_string() - a JSON string, quoted and escaped
 * @f: where to
 * @s: the string
 */
void out_json_string(FILE *f, const char *s)
{
	size_t n;

	fputc('"', f);
	while (*s) {
		n = kdbt_text_char_len(s);
		if (!n)
			n = json_escape(f, (const unsigned char *)s);
		else if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fwrite(s, 1, n, f);
		s += n;
	}
	fputc('"', f);
}

static void json_rate(FILE *f, __u64 hits, __u64 total)
{
	char rate[KDBT_FMT_LEN];

	if (!total) {
		fprintf(f, "null");
		return;
	}
	rate_text(rate, sizeof(rate), hits, total);
	rate[strlen(rate) - 1] = '\0';		/* the '%' */
	fprintf(f, "%s", rate);
}

/* ", \"name\": value" (no comma first if @first). */
static void json_u64(FILE *f, int first, const char *name, __u64 v)
{
	fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", name,
		(unsigned long long)v);
}

/**
 * out_json_totals() - the totals as a JSON object
 * @f: where to
 * @t: the totals
 */
void out_json_totals(FILE *f, const struct report_totals *t)
{
	const struct kdbt_data_interval *k = &t->k;

	fprintf(f, "{");
	json_u64(f, 1, stat_name(KDBT_STAT_instructions), k->instructions);
	json_u64(f, 0, stat_name(KDBT_STAT_block_executions),
		 k->block_executions);
	json_u64(f, 0, stat_name(KDBT_STAT_indirect_branches), t->indirect);
	json_u64(f, 0, stat_name(KDBT_STAT_indirect_calls), k->indirect_calls);
	json_u64(f, 0, stat_name(KDBT_STAT_indirect_jumps), k->indirect_jumps);
	json_u64(f, 0, stat_name(KDBT_STAT_returns), k->returns);
	json_u64(f, 0, stat_name(KDBT_STAT_jumptable_hits), t->hits);
	json_u64(f, 0, stat_name(KDBT_STAT_jumptable_misses),
		 k->jumptable_misses);
	fprintf(f, ", \"%s\": ", stat_name(KDBT_STAT_jumptable_hit_rate));
	json_rate(f, t->hits, t->indirect);
	json_u64(f, 0, stat_name(KDBT_STAT_lost_estimate), k->lost_estimate);
	json_u64(f, 0, stat_name(KDBT_STAT_dispatches), k->dispatches);
	json_u64(f, 0, "unattributed_instructions", t->unattributed);
	json_u64(f, 0, "duration_ns", t->duration_ns);
	fprintf(f, ", \"samples\": %u}", t->samples);
}

/* {"module": "build id", ...}: the modules that have one; null: unknown. */
static void json_module_build_ids(FILE *f, const struct kdbt_rec *r)
{
	const struct kdbt_build_id *id;
	char hex[KDBT_BUILD_ID_HEX];
	const char *sep = "";
	size_t i;

	if (!r->mod_build_ids) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{");
	for (i = 1; i < r->syms.nmods; i++) {
		id = kdbt_rec_module_build_id(r, i);
		if (!id)
			continue;
		fprintf(f, "%s", sep);
		out_json_string(f, r->syms.mods[i].name);
		fprintf(f, ": \"%s\"", kdbt_build_id_hex(id->id, id->len, hex));
		sep = ", ";
	}
	fprintf(f, "}");
}

/**
 * out_json_recording() - what a recording is, as a JSON object
 * @f: where to
 * @rp: its report
 */
void out_json_recording(FILE *f, const struct report *rp)
{
	static const char *const keys[] = { "release", "version", "machine",
					    "hostname", "kdbt_release" };
	const struct kdbt_rec *r = rp->rec;
	int st = r->info.exit_status, cmd = r->info.rec_flags & KDBT_REC_COMMAND;
	char when[32];
	unsigned int i;

	fprintf(f, "{\"file\": ");
	out_json_string(f, rp->file);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fprintf(f, ", \"%s\": ", keys[i]);
		if (kdbt_rec_string(r, keys[i]))
			out_json_string(f, kdbt_rec_string(r, keys[i]));
		else
			fprintf(f, "null");
	}
	fprintf(f, ", \"build_id\": \"");
	print_build_id(f, r);
	fprintf(f, "\", \"module_build_ids\": ");
	json_module_build_ids(f, r);
	fprintf(f, ", \"command\": [");
	for (i = r->command; i < r->argc; i++) {
		fprintf(f, i > r->command ? ", " : "");
		out_json_string(f, r->argv[i]);
	}
	start_time(r, when, sizeof(when));
	fprintf(f, "], \"system_wide\": %s, \"exit_status\": ",
		cmd ? "false" : "true");
	if (cmd && WIFEXITED(st))
		fprintf(f, "%d, \"signal\": null", WEXITSTATUS(st));
	else if (cmd && WIFSIGNALED(st))
		fprintf(f, "null, \"signal\": %d", WTERMSIG(st));
	else
		fprintf(f, "null, \"signal\": null");
	fprintf(f, ", \"start_time\": \"%s\", \"interval_ns\": %llu, "
		"\"cpus\": %u, \"mode\": \"%s\", \"resets\": %u, "
		"\"flushes\": %u, \"format_version\": %u}",
		when, (unsigned long long)r->info.interval_ns, r->info.ncpus,
		mode_name(r), r->info.resets, r->info.flushes, r->version);
}

static void json_row(FILE *f, const struct report *rp, const struct row *r)
{
	fprintf(f, "    {\"symbol\": ");
	out_json_string(f, r->name);
	fprintf(f, ", \"module\": ");
	out_json_string(f, r->module);
	if (rp->o->blocks) {
		fprintf(f, ", \"function\": ");
		out_json_string(f, r->func);
		fprintf(f, ", \"insns\": %u, \"kind\": \"%s\"", r->insns,
			kdbt_kind_name(r->kind));
	}
	fprintf(f, ", \"address\": \"0x%llx\", \"instructions\": %llu, "
		"\"executions\": %llu, \"indirect\": %llu, \"misses\": %llu, "
		"\"hits\": %llu, \"hit_rate\": ",
		(unsigned long long)r->addr,
		(unsigned long long)r->c.instructions,
		(unsigned long long)r->c.executions,
		(unsigned long long)r->c.indirect,
		(unsigned long long)r->c.misses, (unsigned long long)r->c.hits);
	json_rate(f, r->c.hits, r->c.indirect);
	fprintf(f, ", \"share\": %.2f, \"calls\": %llu", r->share,
		(unsigned long long)r->calls);
	if (!rp->o->blocks)
		fprintf(f, ", \"blocks\": %u", r->blocks);
	fprintf(f, "}");
}

static void json_head(FILE *f, const struct report *rp)
{
	int i;

	fprintf(f, "{\n  \"recording\": ");
	out_json_recording(f, rp);
	fprintf(f, ",\n  \"totals\": ");
	out_json_totals(f, &rp->t);
	fprintf(f, ",\n  \"sort\": [");
	for (i = 0; i < rp->o->nkeys; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "",
			sort_key_name(rp->o->keys[i]));
	fprintf(f, "],\n  \"shown\": %zu, \"rows\": %zu",
		rp->nrows, rp->nall);
}

static void json_report(FILE *f, const struct report *rp)
{
	size_t i;

	json_head(f, rp);
	fprintf(f, ",\n  \"%s\": [\n", rp->o->blocks ? "blocks" : "functions");
	for (i = 0; i < rp->nrows; i++) {
		json_row(f, rp, &rp->rows[i]);
		fprintf(f, i + 1 < rp->nrows ? ",\n" : "\n");
	}
	fprintf(f, "  ]\n}\n");
}

static void json_intervals(FILE *f, const struct report *rp)
{
	const struct ivl_row *v;
	size_t i;

	json_head(f, rp);
	fprintf(f, ",\n  \"intervals\": [\n");
	for (i = 0; i < rp->nivls; i++) {
		v = &rp->ivls[i];
		fprintf(f, "    {\"start_ns\": %llu, \"length_ns\": %llu, "
			"\"instructions\": %llu, \"executions\": %llu, "
			"\"indirect\": %llu, \"misses\": %llu, \"hits\": %llu, "
			"\"hit_rate\": ",
			(unsigned long long)v->start_ns,
			(unsigned long long)v->len_ns,
			(unsigned long long)v->c.instructions,
			(unsigned long long)v->c.executions,
			(unsigned long long)v->c.indirect,
			(unsigned long long)v->c.misses,
			(unsigned long long)v->c.hits);
		json_rate(f, v->c.hits, v->c.indirect);
		fprintf(f, ", \"reset\": %s, \"flush\": %s, \"top\": ",
			v->flags & KDBT_IVL_RESET ? "true" : "false",
			v->flags & KDBT_IVL_FLUSH ? "true" : "false");
		if (v->top) {
			fprintf(f, "{\"symbol\": ");
			out_json_string(f, v->top);
			fprintf(f, ", \"module\": ");
			out_json_string(f, v->top_module);
			fprintf(f, ", \"instructions\": %llu}",
				(unsigned long long)v->top_instructions);
		} else {
			fprintf(f, "null");
		}
		fprintf(f, i + 1 < rp->nivls ? "},\n" : "}\n");
	}
	fprintf(f, "  ]\n}\n");
}

/* ------------------------------------------------------------------ */
/* CSV                                                                */
/* ------------------------------------------------------------------ */

/**
 * out_csv_string() - a CSV field, escaped (text.c), then quoted if it
 * needs to be (RFC 4180)
 * @f: where to
 * @s: the field
 */
void out_csv_string(FILE *f, const char *s)
{
	const char *p;
	char *t;

	if (!strpbrk(s, ",\"")) {
		kdbt_text_print(f, s, 0);
		return;
	}
	t = kdbt_text_dup(s);
	fputc('"', f);
	for (p = t ? t : "?"; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
	free(t);
}

static void csv_rate(FILE *f, __u64 hits, __u64 total)
{
	char rate[KDBT_FMT_LEN];

	if (total) {
		rate_text(rate, sizeof(rate), hits, total);
		rate[strlen(rate) - 1] = '\0';
		fputs(rate, f);
	}
}

static void csv_report(FILE *f, const struct report *rp)
{
	const struct row *r;
	size_t i;

	fprintf(f, "symbol,%smodule,address,%sinstructions,executions,indirect,misses,hits,hit_rate,share,calls%s\n",
		rp->o->blocks ? "function," : "",
		rp->o->blocks ? "insns,kind," : "",
		rp->o->blocks ? "" : ",blocks");
	for (i = 0; i < rp->nrows; i++) {
		r = &rp->rows[i];
		out_csv_string(f, r->name);
		fputc(',', f);
		if (rp->o->blocks) {
			out_csv_string(f, r->func);
			fputc(',', f);
		}
		out_csv_string(f, r->module);
		fprintf(f, ",0x%llx,", (unsigned long long)r->addr);
		if (rp->o->blocks)
			fprintf(f, "%u,%s,", r->insns, kdbt_kind_name(r->kind));
		fprintf(f, "%llu,%llu,%llu,%llu,%llu,",
			(unsigned long long)r->c.instructions,
			(unsigned long long)r->c.executions,
			(unsigned long long)r->c.indirect,
			(unsigned long long)r->c.misses,
			(unsigned long long)r->c.hits);
		csv_rate(f, r->c.hits, r->c.indirect);
		fprintf(f, ",%.2f,%llu", r->share,
			(unsigned long long)r->calls);
		if (!rp->o->blocks)
			fprintf(f, ",%u", r->blocks);
		fputc('\n', f);
	}
}

static void csv_intervals(FILE *f, const struct report *rp)
{
	const struct ivl_row *v;
	size_t i;

	fprintf(f, "start_s,length_s,instructions,executions,indirect,misses,hits,hit_rate,flags,top_module,top_symbol,top_instructions\n");
	for (i = 0; i < rp->nivls; i++) {
		v = &rp->ivls[i];
		fprintf(f, "%.3f,%.3f,%llu,%llu,%llu,%llu,%llu,",
			v->start_ns / 1e9, v->len_ns / 1e9,
			(unsigned long long)v->c.instructions,
			(unsigned long long)v->c.executions,
			(unsigned long long)v->c.indirect,
			(unsigned long long)v->c.misses,
			(unsigned long long)v->c.hits);
		csv_rate(f, v->c.hits, v->c.indirect);
		fprintf(f, ",%s%s,", v->flags & KDBT_IVL_RESET ? "reset" : "",
			v->flags & KDBT_IVL_FLUSH ? "flush" : "");
		if (v->top) {
			out_csv_string(f, v->top_module);
			fputc(',', f);
			out_csv_string(f, v->top);
			fprintf(f, ",%llu", (unsigned long long)v->top_instructions);
		} else {
			fputs(",,", f);
		}
		fputc('\n', f);
	}
}

/* ------------------------------------------------------------------ */
/* Folded stacks (flamegraph.pl, speedscope)                          */
/* ------------------------------------------------------------------ */

/* "module;function count", or "module;function;block count". */
static void folded_report(FILE *f, const struct report *rp)
{
	const struct row *r;
	size_t i;

	for (i = 0; i < rp->nrows; i++) {
		r = &rp->rows[i];
		if (!r->c.instructions)
			continue;
		kdbt_text_print(f, r->module, 0);
		fputc(';', f);
		if (rp->o->blocks && r->func != r->name) {
			kdbt_text_print(f, r->func, 0);
			fputc(';', f);
		}
		kdbt_text_print(f, r->name, 0);
		fprintf(f, " %llu\n", (unsigned long long)r->c.instructions);
	}
}

/* The views, by --format name; the first is the default. */
const struct report_view report_views[] = {
	{ .name = "table", .default_top = 40, .report = table_report,
	  .intervals = table_intervals, .diff = diff_table },
	{ .name = "json", .report = json_report, .intervals = json_intervals,
	  .diff = diff_json },
	{ .name = "csv", .report = csv_report, .intervals = csv_intervals,
	  .diff = diff_csv },
	{ .name = "folded", .report = folded_report },
	{ .name = "prometheus", .default_top = 20, .report = prom_report },
	{ .name = "pprof", .report_rc = pprof_report, .blocks = 1,
	  .binary = 1 },
	{ .name = NULL },
};

/**
 * report_view_find() - a view by name
 * @name: "table", "json", "csv", "folded", "pprof" or "prometheus"
 *
 * Return: the view, or NULL.
 */
const struct report_view *report_view_find(const char *name)
{
	const struct report_view *v;

	for (v = report_views; v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}
