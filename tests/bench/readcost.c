// SPDX-License-Identifier: GPL-2.0
/*
 * readcost.c - how long reading a /proc/kdbt file whole takes.
 *
 * Usage: readcost FILE [N]
 * Reads FILE from offset 0 to its end N times (default 5) through one
 * 1 MiB buffer and prints "READCOST FILE BYTES MEDIAN_MS MIN_MS MAX_MS".
 * Owns: nothing but its measurement.  Must never: judge the figures.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Read @path whole once; returns its length or -1. */
static long read_whole(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	long total = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, cap)) > 0)
		total += n;
	close(fd);
	return n < 0 ? -1 : total;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int i, runs = argc > 2 ? atoi(argv[2]) : 5;
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	double t[64];
	long len = 0;

	if (argc < 2 || runs < 1 || runs > 64 || !buf) {
		fprintf(stderr, "usage: readcost FILE [N<=64]\n");
		return 2;
	}
	for (i = 0; i < runs; i++) {
		double t0 = now_ms();

		len = read_whole(argv[1], buf, cap);
		t[i] = now_ms() - t0;
		if (len < 0) {
			perror(argv[1]);
			return 1;
		}
	}
	qsort(t, runs, sizeof(t[0]), cmp_double);
	printf("READCOST %s %ld %.2f %.2f %.2f\n", argv[1], len, t[runs / 2],
	       t[0], t[runs - 1]);
	return 0;
}
