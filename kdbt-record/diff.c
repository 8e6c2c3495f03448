// SPDX-License-Identifier: GPL-2.0
/*
 * diff.c - kdbt-report --diff's model: two recordings' functions matched
 * by module and name, with the baseline's count, the new one's, the
 * difference and the difference in percent of the baseline.
 *
 * The count compared is instructions, or the first count -s names
 * (executions, indirect, misses; not calls).  Rows are ordered by the
 * size of the difference, largest first (-s symbol or module: by name).
 * --percent-limit hides rows whose difference is below that share of
 * the baseline's total (the new one's if the baseline has none).
 *
 * Owns: matching functions across recordings.
 * Must never: print (diff_out.c does).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/**
 * diff_pct() - a difference in percent of the baseline
 * @old: the baseline's count
 * @new: the new count
 *
 * Return: (new - old) / old * 100, or NAN if @old is 0.
 */
double diff_pct(__u64 old, __u64 new)
{
	if (!old)
		return NAN;
	return ((double)new - (double)old) * 100.0 / (double)old;
}

/**
 * totals_metric() - the total of a count
 * @t: the totals
 * @k: instructions, executions, indirect or misses
 *
 * Return: that total.
 */
__u64 totals_metric(const struct report_totals *t, enum sort_key k)
{
	switch (k) {
	case SORT_EXECUTIONS:
		return t->k.block_executions;
	case SORT_INDIRECT:
		return t->indirect;
	case SORT_MISSES:
		return t->k.jumptable_misses;
	default:
		return t->k.instructions;
	}
}

/* Whether -s @k names a count the diff compares (calls is not one). */
static int compared(enum sort_key k)
{
	return k == SORT_INSTRUCTIONS || k == SORT_EXECUTIONS ||
		k == SORT_INDIRECT || k == SORT_MISSES;
}

static int cmp_ident(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->module, y->module);

	return c ? c : strcmp(x->name, y->name);
}

static __u64 absdiff(const struct diff_row *r)
{
	return r->new > r->old ? r->new - r->old : r->old - r->new;
}

static int cmp_diff(const void *a, const void *b, void *arg)
{
	const struct diff_row *x = a, *y = b;
	const struct report_opts *o = arg;
	int i, c;

	for (i = 0; i < o->nkeys; i++) {
		if (o->keys[i] == SORT_SYMBOL && (c = strcmp(x->name, y->name)))
			return c;
		if (o->keys[i] == SORT_MODULE &&
		    (c = strcmp(x->module, y->module)))
			return c;
	}
	if (absdiff(x) != absdiff(y))
		return absdiff(x) > absdiff(y) ? -1 : 1;
	c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->module, y->module);
}

/* Merge the two reports' rows (sorted by module and name). */
static int merge(struct diff *d, struct kdbt_err *err)
{
	struct row *a = d->a.rows, *b = d->b.rows;
	size_t i = 0, j = 0, na = d->a.nrows, nb = d->b.nrows;
	struct diff_row *r;
	int c;

	d->rows = calloc(na + nb + 1, sizeof(*d->rows));
	if (!d->rows)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	qsort(a, na, sizeof(*a), cmp_ident);
	qsort(b, nb, sizeof(*b), cmp_ident);
	while (i < na || j < nb) {
		c = i == na ? 1 : j == nb ? -1 : cmp_ident(&a[i], &b[j]);
		r = &d->rows[d->nrows];
		r->name = strdup(c <= 0 ? a[i].name : b[j].name);
		if (!r->name)
			return kdbt_fail(err, -ENOMEM, "out of memory");
		r->module = c <= 0 ? a[i].module : b[j].module;
		r->old = c <= 0 ? counts_metric(&a[i++].c, d->metric) : 0;
		r->new = c >= 0 ? counts_metric(&b[j++].c, d->metric) : 0;
		d->nrows++;
	}
	return 0;
}

static int keep(const struct diff *d, const struct diff_row *r, __u64 base)
{
	const struct report_opts *o = d->o;

	if (!r->old && !r->new)
		return 0;
	if (o->modules && !module_listed(o->modules, r->module))
		return 0;
	if (o->have_re && regexec(&o->symbol_re, r->name, 0, NULL, 0))
		return 0;
	return !(o->percent_limit > 0 && base &&
		 absdiff(r) * 100.0 / base < o->percent_limit);
}

/**
 * diff_build() - the model of a diff of two recordings
 * @d: receives it (diff_free() it, whatever this returns)
 * @o: the options
 * @a: the baseline recording
 * @b: the new recording
 * @err: the message on failure; may be NULL
 *
 * Return: 0 or -ENOMEM.
 */
int diff_build(struct diff *d, const struct report_opts *o,
	       const struct kdbt_rec *a, const struct kdbt_rec *b,
	       struct kdbt_err *err)
{
	size_t i, n = 0;
	__u64 base;
	int ret;

	memset(d, 0, sizeof(*d));
	d->o = o;
	d->metric = SORT_INSTRUCTIONS;
	for (i = 0; i < (size_t)o->nkeys; i++) {
		if (compared(o->keys[i])) {
			d->metric = o->keys[i];
			break;
		}
	}
	d->all = (struct report_opts){ .top = 0 };
	ret = report_build(&d->a, &d->all, a, o->diff_old, err);
	if (!ret)
		ret = report_build(&d->b, &d->all, b, o->diff_new, err);
	if (!ret)
		ret = merge(d, err);
	if (ret)
		return ret;
	base = totals_metric(&d->a.t, d->metric);
	if (!base)
		base = totals_metric(&d->b.t, d->metric);
	d->nall = d->nrows;
	for (i = 0; i < d->nrows; i++) {
		if (keep(d, &d->rows[i], base))
			d->rows[n++] = d->rows[i];
		else
			free(d->rows[i].name);
	}
	d->nrows = n;
	d->nsel = n;
	qsort_r(d->rows, n, sizeof(*d->rows), cmp_diff, (void *)o);
	if (o->top > 0 && (size_t)o->top < n) {
		for (i = o->top; i < n; i++)
			free(d->rows[i].name);
		d->nrows = o->top;
	}
	return 0;
}

/**
 * diff_free() - free a diff
 * @d: the diff
 */
void diff_free(struct diff *d)
{
	size_t i;

	for (i = 0; i < d->nrows; i++)
		free(d->rows[i].name);
	free(d->rows);
	report_free(&d->a);
	report_free(&d->b);
	memset(d, 0, sizeof(*d));
}
