// SPDX-License-Identifier: GPL-2.0
/*
 * kbench.c - kernel microbenchmarks for the guest (lmbench-style): each
 * operation in a loop, reported as nanoseconds per operation.
 *
 * Usage: kbench [SCALE]      (SCALE multiplies the iteration counts)
 * Output: one line per benchmark, "NAME NS_PER_OP".
 * Owns: the benchmarks and their iteration counts.
 * Must never: judge a result (make bench compares configurations), or
 * depend on anything but the kernel (static, busybox guest).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void b_null(long n)
{
	while (n--)
		syscall(SYS_getppid);
}

static void b_read(long n)
{
	int fd = open("/dev/zero", O_RDONLY);
	char c[64];

	while (n--)
		if (read(fd, c, sizeof(c)) != sizeof(c))
			exit(1);
	close(fd);
}

static void b_write(long n)
{
	int fd = open("/dev/null", O_WRONLY);
	char c[64] = { 0 };

	while (n--)
		if (write(fd, c, sizeof(c)) != sizeof(c))
			exit(1);
	close(fd);
}

static void b_openclose(long n)
{
	while (n--)
		close(open("/proc/self/stat", O_RDONLY));
}

static void b_stat(long n)
{
	struct stat st;

	while (n--)
		stat("/bin/busybox", &st);
}

static void b_pipe(long n)
{
	int p[2];
	char c = 'x';

	if (pipe(p))
		exit(1);
	while (n--)
		if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
			exit(1);
	close(p[0]);
	close(p[1]);
}

static void b_unix(long n)
{
	int s[2];
	char c[32] = { 0 };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s))
		exit(1);
	while (n--)
		if (write(s[0], c, sizeof(c)) != sizeof(c) ||
		    read(s[1], c, sizeof(c)) != sizeof(c))
			exit(1);
	close(s[0]);
	close(s[1]);
}

static void b_fork(long n)
{
	while (n--) {
		pid_t p = fork();

		if (!p)
			_exit(0);
		waitpid(p, NULL, 0);
	}
}

static void b_exec(long n)
{
	while (n--) {
		pid_t p = fork();

		if (!p) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(1);
		}
		waitpid(p, NULL, 0);
	}
}

static void b_pagefault(long n)
{
	long pages = n;
	char *m = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long i;

	if (m == MAP_FAILED)
		exit(1);
	for (i = 0; i < pages; i++)
		m[i * 4096] = 1;
	munmap(m, pages * 4096);
}

static void b_mmap(long n)
{
	while (n--) {
		void *m = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			exit(1);
		munmap(m, 65536);
	}
}

static volatile long caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static void b_signal(long n)
{
	signal(SIGUSR1, on_usr1);
	while (n--)
		kill(getpid(), SIGUSR1);
}

static const struct bench {
	const char *name;
	void (*fn)(long);
	long n;
} benches[] = {
	{ "null_syscall", b_null, 20000 },
	{ "read", b_read, 20000 },
	{ "write", b_write, 20000 },
	{ "open_close", b_openclose, 3000 },
	{ "stat", b_stat, 5000 },
	{ "pipe", b_pipe, 5000 },
	{ "af_unix", b_unix, 5000 },
	{ "fork_exit", b_fork, 200 },
	{ "fork_exec", b_exec, 100 },
	{ "page_fault", b_pagefault, 5000 },
	{ "mmap", b_mmap, 3000 },
	{ "signal", b_signal, 10000 },
};

int main(int argc, char **argv)
{
	double scale = argc > 1 ? atof(argv[1]) : 1.0;
	unsigned int i;

	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		long n = (long)(benches[i].n * scale);
		double t0, t1;

		if (n < 1)
			n = 1;
		t0 = now();
		benches[i].fn(n);
		t1 = now();
		printf("%s %.0f\n", benches[i].name, (t1 - t0) / n);
		fflush(stdout);
	}
	return 0;
}
