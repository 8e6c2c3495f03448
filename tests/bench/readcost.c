// SPDX-License-Identifier: GPL-2.0
/*
 * readcost.c - how long reading a /proc/kdbt file whole takes.
 *
 * Usage: readcost [-k] FILE [N]
 * Reads FILE from offset 0 to its end N times (default 5) through one
 * 1 MiB buffer and prints "READCOST FILE BYTES MEDIAN_MS MIN_MS MAX_MS"
 * (BYTES: the last read's).  Each read opens FILE; with -k one open file
 * is read once untimed, then N times from offset 0 (/proc/kdbt/changes:
 * the changes since the previous read, as kdbt-top reads them).
 * Owns: nothing but its measurement.  Must never: judge the figures.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Read @fd whole from offset 0; returns its length or -1. */
static long read_fd(int fd, char *buf, size_t cap)
{
	long total = 0;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((n = read(fd, buf, cap)) > 0)
		total += n;
	return n < 0 ? -1 : total;
}

/* Read @path whole once, through @keep if it is open; length or -1. */
static long read_whole(const char *path, int keep, char *buf, size_t cap)
{
	int fd = keep >= 0 ? keep : open(path, O_RDONLY);
	long total;

	if (fd < 0)
		return -1;
	total = read_fd(fd, buf, cap);
	if (fd != keep)
		close(fd);
	return total;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int k = argc > 1 && !strcmp(argv[1], "-k");
	int i, runs = argc > 2 + k ? atoi(argv[2 + k]) : 5, keep = -1;
	const char *path = argv[1 + k];
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	double t[64];
	long len = 0;

	if (argc < 2 + k || runs < 1 || runs > 64 || !buf) {
		fprintf(stderr, "usage: readcost [-k] FILE [N<=64]\n");
		return 2;
	}
	if (k) {
		keep = open(path, O_RDONLY);
		if (keep < 0 || read_fd(keep, buf, cap) < 0) {
			perror(path);
			return 1;
		}
	}
	for (i = 0; i < runs; i++) {
		double t0 = now_ms();

		len = read_whole(path, keep, buf, cap);
		t[i] = now_ms() - t0;
		if (len < 0) {
			perror(path);
			return 1;
		}
	}
	qsort(t, runs, sizeof(t[0]), cmp_double);
	printf("READCOST %s %ld %.2f %.2f %.2f\n", path, len, t[runs / 2],
	       t[0], t[runs - 1]);
	return 0;
}
