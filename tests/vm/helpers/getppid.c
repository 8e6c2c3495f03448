// SPDX-License-Identifier: GPL-2.0
/*
 * getppid.c - a known number of system calls, for exact-count tests.
 *
 * Usage: getppid [--pin] N [THREADS]
 *        getppid --burn SECS [THREADS]
 * The first form makes exactly N getppid() system calls in each of
 * THREADS threads (default 1), all started together, each pinned to its
 * own CPU (thread i on the i-th online CPU) with --pin; prints the number
 * of calls made in all, N * THREADS.  The calls go through syscall(2)
 * with SYS_getppid, so no libc caching can save one.
 * The second form is other load for the same tests: for SECS seconds each
 * thread loops over getpid() and a one-byte read of /dev/zero (never
 * getppid); prints the number of loops made.
 * Owns: nothing but its threads.
 * Must never: call getppid() anywhere but in the counted loop, or print
 * kernel-problem words (the host scans the console).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#define MAX_THREADS	256

struct worker {
	pthread_t tid;
	int cpu;		/* CPU to pin to, or -1 */
	unsigned long made;	/* calls (or loops) made */
};

static unsigned long calls;	/* getppid() calls per thread */
static double burn_secs;	/* --burn: seconds to run, else 0 */
static pthread_barrier_t start;

static void die(const char *what)
{
	fprintf(stderr, "getppid: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	errno = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (errno)
		die("pinning a thread");
}

/* The counted loop: exactly `calls` getppid() system calls. */
static unsigned long do_calls(void)
{
	unsigned long i;

	for (i = 0; i < calls; i++)
		syscall(SYS_getppid);
	return i;
}

/* Other load: getpid() and a one-byte read, until burn_secs are over. */
static unsigned long do_burn(void)
{
	double end = now() + burn_secs;
	unsigned long loops = 0;
	char c;
	int fd;

	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0)
		die("/dev/zero");
	while (now() < end) {
		for (int i = 0; i < 100; i++) {
			syscall(SYS_getpid);
			if (read(fd, &c, 1) != 1)
				die("reading /dev/zero");
			loops++;
		}
	}
	close(fd);
	return loops;
}

static void *run(void *arg)
{
	struct worker *w = arg;

	if (w->cpu >= 0)
		pin(w->cpu);
	pthread_barrier_wait(&start);
	w->made = burn_secs > 0 ? do_burn() : do_calls();
	return NULL;
}

/* The CPU of the i-th online CPU in our affinity mask, or -1. */
static int nth_cpu(const cpu_set_t *set, int i)
{
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, set) && i-- == 0)
			return cpu;
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: getppid [--pin] N [THREADS]\n"
			"       getppid --burn SECS [THREADS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct worker w[MAX_THREADS];
	unsigned long total = 0;
	int pinned = 0, nthreads = 1, i;
	cpu_set_t set;
	char *end;

	if (argc > 1 && !strcmp(argv[1], "--pin")) {
		pinned = 1;
		argv++, argc--;
	} else if (argc > 1 && !strcmp(argv[1], "--burn")) {
		if (argc < 3)
			usage();
		burn_secs = strtod(argv[2], &end);
		if (*end || burn_secs <= 0)
			usage();
		argv++, argc--;
	}
	if (argc < 2 || argc > 3)
		usage();
	if (!burn_secs) {
		calls = strtoul(argv[1], &end, 10);
		if (*end || !*argv[1])
			usage();
	}
	if (argc == 3) {
		nthreads = atoi(argv[2]);
		if (nthreads < 1 || nthreads > MAX_THREADS)
			usage();
	}
	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity");
	if (pinned && nthreads > CPU_COUNT(&set)) {
		fprintf(stderr, "getppid: %d threads but %d CPUs to pin to\n",
			nthreads, CPU_COUNT(&set));
		return 2;
	}
	if (pthread_barrier_init(&start, NULL, nthreads))
		die("pthread_barrier_init");
	for (i = 0; i < nthreads; i++) {
		w[i].cpu = pinned ? nth_cpu(&set, i) : -1;
		if (i == 0)
			continue;	/* the main thread is worker 0 */
		errno = pthread_create(&w[i].tid, NULL, run, &w[i]);
		if (errno)
			die("pthread_create");
	}
	run(&w[0]);
	for (i = 0; i < nthreads; i++) {
		if (i)
			pthread_join(w[i].tid, NULL);
		total += w[i].made;
	}
	printf("%lu\n", total);
	return 0;
}
