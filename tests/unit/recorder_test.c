// SPDX-License-Identifier: GPL-2.0
/*
 * recorder_test.c - kdbt-record's recorder fed by reads of
 * /proc/kdbt/changes records what it records fed by complete snapshots.
 *
 * A simulated kernel (blocks with counts that grow, blocks that appear,
 * resets, flushes that give old ids new addresses) is read two ways at
 * each step: as /proc/kdbt/snapshot gives it (every block) and as one
 * open /proc/kdbt/changes gives it (the blocks whose executions or misses
 * differ from what that file sent before, KDBT_SNAP_DELTA; complete at
 * the first read and after a flush).  One recorder takes the snapshots
 * (recorder_interval(), what kdbt-record did before), the other the
 * changes (recorder_gather(), recorder_commit()), several reads per
 * interval at times (kdbt-record's settle() at the end).  Every interval
 * - its totals, its times, its flags, its records - and the block table
 * must be the same.  Includes the case the changes cannot show: after a
 * reset, a block that counted exactly what it had counted before the
 * reset is not sent, yet counted in the interval.
 *
 * The recorder's kdbt_data_add_interval() is this test's (linked with
 * --wrap): it keeps each interval.
 * Output: PASS/FAIL lines.  Exit status 1 if any failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recorder.h"
#include "xorshift.h"

#define MAXB	600
#define MAXI	64

/* What one recorder recorded: its intervals (kdbt_data_add_interval()). */
struct tape {
	struct kdbt_data_interval h[MAXI];
	struct kdbt_data_rec *recs[MAXI];
	unsigned int n;
};

static struct tape tapes[2];
static struct tape *tape;	/* the one the recorder writes to now */
static int failed;

int __wrap_kdbt_data_add_interval(struct kdbt_data_writer *w,
				  const struct kdbt_data_interval *h,
				  const struct kdbt_data_rec *recs,
				  struct kdbt_err *err);

int __wrap_kdbt_data_add_interval(struct kdbt_data_writer *w,
			   const struct kdbt_data_interval *h,
			   const struct kdbt_data_rec *recs,
			   struct kdbt_err *err)
{
	struct tape *t = tape;

	(void)w;
	(void)err;
	if (t->n == MAXI)
		return -ENOSPC;
	t->h[t->n] = *h;
	t->recs[t->n] = malloc((h->nrecs + 1) * sizeof(*recs));
	memcpy(t->recs[t->n], recs, h->nrecs * sizeof(*recs));
	t->n++;
	return 0;
}

static void result(int ok, const char *what)
{
	printf("%s unit/recorder/%s\n", ok ? "PASS" : "FAIL", what);
	failed |= !ok;
}

/* The simulated kernel's blocks (ids 1..n), as a snapshot gives them. */
static struct {
	struct kdbt_snap_block b[MAXB + 1];
	__u32 n;
	__u64 resets, flushes, time_ns, retired;
	__u64 sent_execs[MAXB + 1], sent_misses[MAXB + 1];
	__u64 sent_native[MAXB + 1];
	__u32 sent_n;
	int sent_flushes;
} k;

static __u64 rnd = 88172645463325252ULL;

static __u64 next_rand(void)
{
	return xorshift64(&rnd);
}

static void add_block(void)
{
	struct kdbt_snap_block *b = &k.b[++k.n];

	memset(b, 0, sizeof(*b));
	b->id = k.n;
	b->native = 0xffffffff81000000ULL + k.flushes * 0x100000 +
		    k.n * 0x40;
	b->insns = 1 + next_rand() % 9;
	b->native_len = 4 * b->insns;
	b->kind = next_rand() % 4;
}

/* Run: some blocks count, some miss, some appear. */
static void run(unsigned int ran)
{
	__u32 i, id;

	for (i = 0; i < 5 && k.n < MAXB; i++)
		add_block();
	for (i = 0; i < ran; i++) {
		id = 1 + next_rand() % k.n;
		k.b[id].executions += 1 + next_rand() % 50;
		if (!(next_rand() % 7))
			k.b[id].misses++;
	}
	k.time_ns += 1000000000ULL;
}

static void header(struct kdbt_snap_header *h, __u32 nblocks, __u32 flags)
{
	__u64 ins = 0, ex = 0;
	__u32 i;

	for (i = 1; i <= k.n; i++) {
		ins += k.b[i].executions * k.b[i].insns;
		ex += k.b[i].executions;
	}
	memset(h, 0, sizeof(*h));
	h->magic = KDBT_SNAP_MAGIC;
	h->version = KDBT_SNAP_VERSION;
	h->header_size = sizeof(*h);
	h->block_size = sizeof(struct kdbt_snap_block);
	h->nblocks = nblocks;
	h->flags = KDBT_SNAP_ON | KDBT_SNAP_COUNTERS | flags;
	h->ncpus = 2;
	h->time_ns = k.time_ns;
	h->resets = k.resets;
	h->flushes = k.flushes;
	h->instructions = ins + k.retired;
	h->block_executions = ex;
}

/* /proc/kdbt/snapshot now. */
static void read_snapshot(struct kdbt_snap *s)
{
	memset(s, 0, sizeof(*s));
	header(&s->hdr, k.n, 0);
	s->blocks = malloc((k.n + 1) * sizeof(*s->blocks));
	memcpy(s->blocks, &k.b[1], k.n * sizeof(*s->blocks));
}

/* One read of the open /proc/kdbt/changes now. */
static void read_changes(struct kdbt_snap *d)
{
	int complete = k.sent_n == 0 || k.sent_flushes != (int)k.flushes;
	__u32 i, m = 0;

	memset(d, 0, sizeof(*d));
	d->blocks = malloc((k.n + 1) * sizeof(*d->blocks));
	for (i = 1; i <= k.n; i++) {
		if (complete || i > k.sent_n ||
		    k.sent_execs[i] != k.b[i].executions ||
		    k.sent_misses[i] != k.b[i].misses ||
		    k.sent_native[i] != k.b[i].native)
			d->blocks[m++] = k.b[i];
		k.sent_execs[i] = k.b[i].executions;
		k.sent_misses[i] = k.b[i].misses;
		k.sent_native[i] = k.b[i].native;
	}
	header(&d->hdr, m, complete ? 0 : KDBT_SNAP_DELTA);
	k.sent_n = k.n;
	k.sent_flushes = k.flushes;
}

/* A reset: counts from 0; block 1 then counts what it had before. */
static void reset(void)
{
	__u64 again = k.b[1].executions;
	__u32 i;

	for (i = 1; i <= k.n; i++)
		k.b[i].executions = k.b[i].misses = 0;
	k.retired = 0;
	k.resets++;
	k.b[1].executions = again;
}

/* A flush: the blocks go (their counts retire); new ones reuse ids. */
static void flush(void)
{
	__u32 i;

	for (i = 1; i <= k.n; i++)
		k.retired += k.b[i].executions * k.b[i].insns;
	k.n = 0;
	k.flushes++;
	for (i = 0; i < 30; i++)
		add_block();
}

static int same_tapes(char *why, size_t len)
{
	const struct tape *a = &tapes[0], *b = &tapes[1];
	unsigned int i;

	if (a->n != b->n) {
		snprintf(why, len, "%u intervals from snapshots, %u from changes",
			 a->n, b->n);
		return 0;
	}
	for (i = 0; i < a->n; i++) {
		if (memcmp(&a->h[i], &b->h[i], sizeof(a->h[i]))) {
			snprintf(why, len, "interval %u: headers differ (instructions %llu vs %llu, records %u vs %u)",
				 i, (unsigned long long)a->h[i].instructions,
				 (unsigned long long)b->h[i].instructions,
				 a->h[i].nrecs, b->h[i].nrecs);
			return 0;
		}
		if (memcmp(a->recs[i], b->recs[i],
			   a->h[i].nrecs * sizeof(*a->recs[i]))) {
			snprintf(why, len, "interval %u: records differ", i);
			return 0;
		}
	}
	return 1;
}

int main(void)
{
	struct recorder rc[2];
	struct kdbt_snap prev[2], cur, acc, d;
	struct kdbt_err err = { 0 };
	unsigned int step, reads, i, bad = 0;
	char why[200] = "";
	int ret;

	memset(rc, 0, sizeof(rc));
	memset(prev, 0, sizeof(prev));
	memset(&acc, 0, sizeof(acc));
	rc[0].w.fd = rc[1].w.fd = -1;
	run(50);
	read_snapshot(&prev[0]);
	read_changes(&d);
	ret = recorder_gather(&acc, &d, "changes", &err);
	prev[1] = acc;
	memset(&acc, 0, sizeof(acc));
	for (step = 0; step < 40 && !ret && !bad; step++) {
		if (step == 14 || step == 30)	/* 14: with reads merged */
			reset();
		if (step == 24)	/* a complete read, then changes to it */
			flush();
		reads = step % 5 == 4 ? 3 : 1;	/* settle() reads again */
		for (i = 0; i < reads && !ret; i++) {
			run(step % 7 == 6 ? 0 : 200);
			read_changes(&d);
			ret = recorder_gather(&acc, &d, "changes", &err);
		}
		read_snapshot(&cur);
		tape = &tapes[0];
		ret = ret ?: recorder_interval(&rc[0], &prev[0], &cur, &err);
		kdbt_snap_free(&prev[0]);
		prev[0] = cur;
		tape = &tapes[1];
		ret = ret ?: recorder_commit(&rc[1], &prev[1], &acc, "changes",
					     &err);
		if (!ret && (prev[1].hdr.nblocks != prev[0].hdr.nblocks ||
			     memcmp(prev[1].blocks, prev[0].blocks,
				    prev[0].hdr.nblocks * sizeof(*cur.blocks))))
			bad = step + 1;
	}
	if (ret)
		printf("recorder: %s\n", err.msg);
	result(!ret && !bad, "changes-applied");
	if (bad)
		printf("step %u: the snapshot the changes made differs\n",
		       bad - 1);
	ret = !ret && same_tapes(why, sizeof(why));
	result(ret && rc[0].rec.nblocks == rc[1].rec.nblocks &&
	       !memcmp(rc[0].rec.blocks, rc[1].rec.blocks,
		       rc[0].rec.nblocks * sizeof(*rc[0].rec.blocks)),
	       "changes-record-as-snapshots");
	if (!ret)
		printf("%s\n", why);
	printf("recorder: %u intervals, %u blocks in the table\n",
	       tapes[1].n, rc[1].rec.nblocks);
	/* Changes that do not fit what was read before are refused. */
	run(50);
	read_changes(&d);
	d.blocks[d.hdr.nblocks - 1].id = prev[1].hdr.nblocks + 7;
	ret = recorder_gather(&acc, &d, "changes", &err);
	tape = &tapes[1];
	ret = ret ?: recorder_commit(&rc[1], &prev[1], &acc, "changes", &err);
	result(ret == -EBADMSG && strstr(err.msg, "changes: changes that do not fit"),
	       "changes-that-do-not-fit");
	kdbt_snap_free(&prev[0]);
	kdbt_snap_free(&prev[1]);
	kdbt_snap_free(&acc);
	recorder_free(&rc[0]);
	recorder_free(&rc[1]);
	return failed;
}
