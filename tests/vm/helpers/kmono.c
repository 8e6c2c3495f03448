// SPDX-License-Identifier: GPL-2.0
/*
 * kmono.c - the counts of /proc/kdbt never go backwards between resets.
 *
 * Usage: kmono STOPFILE [INTERVAL_MS [QUIETFILE]]
 * Until STOPFILE exists, every INTERVAL_MS (default 2000) reads
 * /proc/kdbt/stats and the whole /proc/kdbt/snapshot, and compares them
 * with the previous sample:
 *  - stats: while `resets` stays the same, `instructions` never falls;
 *    while `state` is on in both samples, it grows (3 samples in a row
 *    without growth are a failure, unless QUIETFILE exists - the caller
 *    switches kdbt off and on itself then - or the cache has been full:
 *    a transparent-mode refill runs natively until every task has passed
 *    a voluntary switch, which can take many seconds under load);
 *  - snapshot: while `resets` and `flushes` stay the same, no block's
 *    executions fall (block ids are stable until a flush), and neither
 *    do the header's instructions.
 * Prints one line per failure (at most 10; a block's is its id, address,
 * kind, instructions and the two counts), then
 *	KMONO samples N blocks N falls N stalls N
 * (blocks: block comparisons made).  Exit status 0 if nothing fell and
 * nothing stalled; 2 if a file could not be read (kdbt unloaded).
 * Owns: nothing.
 * Must never: write to /proc/kdbt, or print kernel-problem words.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "kdbt_abi.h"

#define STATS		"/proc/" KDBT_PROC_DIR "/" KDBT_PROC_STATS
#define SNAPSHOT	"/proc/" KDBT_PROC_DIR "/" KDBT_PROC_SNAPSHOT

struct sample {
	uint64_t instructions, resets, cache_full;
	int on;
	struct kdbt_snap_header h;
	char *buf;		/* the snapshot */
	size_t len, cap;
};

static long falls, stalls, reports;

static void report(const char *fmt, ...)
{
	va_list ap;

	if (reports++ >= 10)
		return;
	va_start(ap, fmt);
	printf("kmono: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static int read_stats(struct sample *s)
{
	char buf[8192], *p;
	ssize_t n = 0, r;
	int fd = open(STATS, O_RDONLY);

	if (fd < 0)
		return -1;
	/* One read: the whole file comes from one show(). */
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	if (r < 0)
		return -1;
	buf[n] = 0;
	s->instructions = s->resets = s->cache_full = 0;
	s->on = 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, "instructions ", 13))
			s->instructions = strtoull(p + 13, NULL, 10);
		else if (!strncmp(p, "resets ", 7))
			s->resets = strtoull(p + 7, NULL, 10);
		else if (!strncmp(p, "state ", 6))
			s->on = !strncmp(p + 6, "on", 2);
		else if (!strncmp(p, "cache_full ", 11))
			s->cache_full = strtoull(p + 11, NULL, 10);
	}
	return 0;
}

static int read_snapshot(struct sample *s)
{
	int fd = open(SNAPSHOT, O_RDONLY), tries = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	s->len = 0;
	for (;;) {
		if (s->len + 65536 > s->cap) {
			size_t cap = (s->cap + 65536) * 2;
			char *nb = realloc(s->buf, cap);

			if (!nb) {
				close(fd);
				return -1;
			}
			s->buf = nb;
			s->cap = cap;
		}
		r = read(fd, s->buf + s->len, 65536);
		if (r < 0 && errno == EAGAIN && ++tries < 10 &&
		    lseek(fd, 0, SEEK_SET) == 0) {
			s->len = 0;	/* a new snapshot from offset 0 */
			continue;
		}
		if (r <= 0)
			break;
		s->len += r;
	}
	close(fd);
	if (r < 0 || s->len < sizeof(s->h))
		return -1;
	memcpy(&s->h, s->buf, sizeof(s->h));
	if (s->h.magic != KDBT_SNAP_MAGIC ||
	    s->len < s->h.header_size + (size_t)s->h.nblocks * s->h.block_size)
		return -1;
	return 0;
}

static const struct kdbt_snap_block *block(const struct sample *s, uint32_t i)
{
	return (const void *)(s->buf + s->h.header_size +
			      (size_t)i * s->h.block_size);
}

static long compared;

static void compare(const struct sample *a, const struct sample *b,
		    int quiet, int *stalled)
{
	static const char *const kinds[] = KDBT_KIND_NAMES;
	uint32_t i, n;

	if (a->resets == b->resets) {
		if (b->instructions < a->instructions) {
			falls++;
			report("stats: instructions fell from %" PRIu64 " to %" PRIu64 " (resets %" PRIu64 ")",
			       a->instructions, b->instructions, b->resets);
		}
		if (a->on && b->on && !quiet && !b->cache_full &&
		    b->instructions == a->instructions) {
			if (++*stalled == 3) {
				stalls++;
				report("stats: instructions stuck at %" PRIu64 " for 3 samples while on",
				       b->instructions);
			}
		} else {
			*stalled = 0;
		}
	} else {
		*stalled = 0;
	}
	if (a->h.resets != b->h.resets || a->h.flushes != b->h.flushes)
		return;
	if (b->h.instructions < a->h.instructions) {
		falls++;
		report("snapshot: instructions fell from %llu to %llu",
		       (unsigned long long)a->h.instructions,
		       (unsigned long long)b->h.instructions);
	}
	n = a->h.nblocks < b->h.nblocks ? a->h.nblocks : b->h.nblocks;
	for (i = 0; i < n; i++) {
		const struct kdbt_snap_block *x = block(a, i), *y = block(b, i);

		if (x->id != y->id)
			continue;	/* not the same records (cannot be) */
		compared++;
		if (y->executions >= x->executions)
			continue;
		falls++;
		report("snapshot: block %u at %016llx (%s, %u insns) fell from %llu to %llu executions",
		       y->id, (unsigned long long)y->native,
		       y->kind < KDBT_KIND_NR ? kinds[y->kind] : "?",
		       y->insns, (unsigned long long)x->executions,
		       (unsigned long long)y->executions);
	}
}

int main(int argc, char **argv)
{
	struct sample s[2] = { { 0 }, { 0 } };
	long interval = argc > 2 ? atol(argv[2]) : 2000, samples = 0;
	const char *quiet = argc > 3 ? argv[3] : NULL;
	int cur = 0, have = 0, stalled = 0, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: kmono STOPFILE [INTERVAL_MS [QUIETFILE]]\n");
		return 2;
	}
	while (access(argv[1], F_OK)) {
		struct sample *b = &s[cur];
		struct timespec ts = { interval / 1000,
				       interval % 1000 * 1000000 };

		if (read_stats(b) || read_snapshot(b)) {
			if (access(argv[1], F_OK) == 0)
				break;
			fprintf(stderr, "kmono: reading /proc/kdbt: %s\n",
				strerror(errno));
			bad = 1;
			break;
		}
		samples++;
		if (have)
			compare(&s[!cur], b, quiet && !access(quiet, F_OK),
				&stalled);
		have = 1;
		cur = !cur;
		nanosleep(&ts, NULL);
	}
	printf("KMONO samples %ld blocks %ld falls %ld stalls %ld\n", samples,
	       compared, falls, stalls);
	free(s[0].buf);
	free(s[1].buf);
	return bad ? 2 : falls || stalls ? 1 : 0;
}
