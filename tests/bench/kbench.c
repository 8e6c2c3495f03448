// SPDX-License-Identifier: GPL-2.0
/*
 * kbench.c - kernel microbenchmarks for the guest (lmbench-style): each
 * operation in a loop, reported as nanoseconds per operation.
 *
 * Usage: kbench [SCALE [NAME...]]  (SCALE multiplies the iteration
 *                                   counts; NAMEs: only those)
 *        kbench --list      (the benchmark names)
 * Output: one line per benchmark, "NAME NS_PER_OP".
 * Owns: the benchmarks and their iteration counts.
 * Must never: judge a result (make bench compares configurations), or
 * depend on anything but the kernel (static, busybox guest).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
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

/*
 * One fault per 4 KiB page.  Transparent huge pages off for the mapping:
 * whether a 2 MiB fault happens depends on how fragmented memory is at
 * the time, not on the code under test, and it would cost 512 pages'
 * clearing in one operation.
 */
static void b_pagefault(long n)
{
	long pages = n;
	char *m = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long i;

	if (m == MAP_FAILED)
		exit(1);
	madvise(m, pages * 4096, MADV_NOHUGEPAGE);
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

/* select() on 64 pipe ends that are all writable: the cost of the scan. */
static void b_select(long n)
{
	int p[32][2], i, maxfd = 0;
	fd_set w;

	for (i = 0; i < 32; i++) {
		if (pipe(p[i]))
			exit(1);
		maxfd = p[i][1] > maxfd ? p[i][1] : maxfd;
	}
	while (n--) {
		FD_ZERO(&w);
		for (i = 0; i < 32; i++) {
			FD_SET(p[i][0], &w);
			FD_SET(p[i][1], &w);
		}
		if (select(maxfd + 1, NULL, &w, NULL, NULL) < 32)
			exit(1);
	}
	for (i = 0; i < 32; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

/* One byte there and back between two processes over two pipes. */
static void b_pipe_rtt(long n)
{
	int a[2], b[2];
	char c = 'x';
	pid_t pid;

	if (pipe(a) || pipe(b))
		exit(1);
	pid = fork();
	if (!pid) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1 && write(b[1], &c, 1) == 1)
			;
		_exit(0);
	}
	while (n--)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			exit(1);
	close(a[1]);
	waitpid(pid, NULL, 0);
	close(a[0]);
	close(b[0]);
	close(b[1]);
}

/*
 * A token passed around a ring of 4 processes over pipes (lmbench's
 * lat_ctx): one operation is one hop, one context switch.
 */
static void b_ctxsw(long n)
{
	enum { RING = 4 };
	int p[RING][2], i, j;
	pid_t pid[RING];
	char c = 't';

	for (i = 0; i < RING; i++)
		if (pipe(p[i]))
			exit(1);
	for (i = 1; i < RING; i++) {
		pid[i] = fork();
		if (!pid[i]) {
			for (j = 0; j < RING; j++) {
				if (j != i)
					close(p[j][0]);
				if (j != (i + 1) % RING)
					close(p[j][1]);
			}
			while (read(p[i][0], &c, 1) == 1 &&
			       write(p[(i + 1) % RING][1], &c, 1) == 1)
				;
			_exit(0);
		}
	}
	for (n = (n + RING - 1) / RING; n--; )
		if (write(p[1][1], &c, 1) != 1 || read(p[0][0], &c, 1) != 1)
			exit(1);
	for (i = 0; i < RING; i++)
		close(p[i][1]);
	for (i = 1; i < RING; i++)
		waitpid(pid[i], NULL, 0);
	for (i = 0; i < RING; i++)
		close(p[i][0]);
}

/* Bring up the loopback interface (the guest's init does not). */
static void loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr))
		exit(1);
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr))
			exit(1);
	}
	close(s);
}

/* 32 bytes there and back over TCP on 127.0.0.1 between two processes. */
static void b_tcp(long n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l, c, one = 1;
	char buf[32] = { 0 };
	pid_t pid;

	loopback_up();
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(l, 1) || getsockname(l, (struct sockaddr *)&sa, &len))
		exit(1);
	pid = fork();
	if (!pid) {
		int s = accept(l, NULL, NULL);

		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (read(s, buf, sizeof(buf)) == sizeof(buf) &&
		       write(s, buf, sizeof(buf)) == sizeof(buf))
			;
		_exit(0);
	}
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)))
		exit(1);
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (n--)
		if (write(c, buf, sizeof(buf)) != sizeof(buf) ||
		    read(c, buf, sizeof(buf)) != sizeof(buf))
			exit(1);
	close(c);
	waitpid(pid, NULL, 0);
	close(l);
}

/* Run a shell command; the benchmark fails if it does. */
static void sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "kbench: failed: %s\n", cmd);
		exit(1);
	}
}

/*
 * File-heavy: unpack a tar of 16 directories x 16 files (0.5-8 KiB) on
 * tmpfs, pack it again, remove it.  The tar is made once.
 */
static void b_untar(long n)
{
	sh("[ -f /tmp/kbench.tar ] || { d=/tmp/kbench-src; rm -rf $d; "
	   "for i in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do mkdir -p $d/$i; "
	   "for j in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do "
	   "head -c $((512 * (1 + 0x$j % 16))) /dev/zero > $d/$i/$j; "
	   "done; done; tar -cf /tmp/kbench.tar -C $d . && rm -rf $d; }");
	while (n--)
		sh("rm -rf /tmp/kbench-x && mkdir /tmp/kbench-x && "
		   "tar -xf /tmp/kbench.tar -C /tmp/kbench-x && "
		   "tar -cf /dev/null -C /tmp/kbench-x . && rm -rf /tmp/kbench-x");
}

/* Process-heavy: a shell loop of pipelines and short-lived commands. */
static void b_shell(long n)
{
	while (n--)
		sh("i=0; while [ $i -lt 10 ]; do echo $i | cat | wc -c "
		   "> /dev/null; true; i=$((i + 1)); done");
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
	{ "select", b_select, 5000 },
	{ "pipe_rtt", b_pipe_rtt, 3000 },
	{ "ctxsw", b_ctxsw, 4000 },
	{ "tcp_rtt", b_tcp, 2000 },
	{ "untar_tar", b_untar, 2 },
	{ "shell", b_shell, 4 },
};

/* Is @name among the @n names at @names? */
static int chosen(const char *name, int n, char **names)
{
	while (n--)
		if (!strcmp(name, names[n]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	double scale = argc > 1 ? atof(argv[1]) : 1.0;
	unsigned int i;

	if (argc > 1 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
			printf("%s\n", benches[i].name);
		return 0;
	}

	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		long n = (long)(benches[i].n * scale);
		double t0, t1;

		if (argc > 2 && !chosen(benches[i].name, argc - 2, argv + 2))
			continue;
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
