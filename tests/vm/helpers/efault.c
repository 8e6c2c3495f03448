// SPDX-License-Identifier: GPL-2.0
/*
 * efault.c - system calls with bad user pointers must fail with EFAULT.
 *
 * Usage: efault
 * Calls about sixty system calls (through syscall(2), so that libc adds
 * nothing) with pointers the kernel must refuse: an unmapped low address
 * (8: the access faults and the exception table fixes it up), a kernel
 * address (access_ok() refuses it before any access), a PROT_NONE page,
 * and buffers that run from a good page into a PROT_NONE one (a partial
 * copy: the fixup must report exactly how far the copy got).  Each call is
 * also made with good pointers, which must succeed.  One line per check:
 *	ok   NAME = RESULT
 *	FAIL NAME = RESULT, want WANT
 * RESULT never depends on pids, fds, time or addresses, so the output of a
 * native run and of a translated run can be compared line by line.  Exit
 * status 1 if any check failed.
 * Owns: the list of checks and their expectations, which hold on Debian's
 * 6.1 kernel running natively.
 * Must never: touch anything outside its own temporary file under /tmp,
 * print kernel-problem words (the host scans the console), or leave a
 * child behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/futex.h>

#define BAD_LOW		((void *)8UL)
#define BAD_KERN	((void *)0xffffffff81000000UL)
#define FILE_SIZE	8192
/* Bytes of good memory before the PROT_NONE page in the partial checks. */
#define PART_ALIGNED	128
#define PART_ODD	100

static int failures;
static int checks;
static long pagesz;
static char *none;	/* a PROT_NONE page */
static char *guard;	/* a good page followed by a PROT_NONE page */
static char *edge_al;	/* PART_ALIGNED bytes before the PROT_NONE page */
static char *edge_odd;	/* PART_ODD bytes before the PROT_NONE page */
static char path[64];
static int fd;		/* FILE_SIZE bytes of pattern(), read-write */

static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 + 3);
}

static void result(char *out, size_t n, long r, int e)
{
	if (r == -1)
		snprintf(out, n, "-1 %s", strerrorname_np(e) ?: "E?");
	else
		snprintf(out, n, "%ld", r);
}

/*
 * check() - compare one call's result with what Linux gives natively.
 * @want: the return value wanted, or -1 with @want_err the errno wanted.
 */
static void check(const char *name, long r, int e, long want, int want_err)
{
	char got[64], exp[64];
	int ok = r == want && (r != -1 || e == want_err);

	result(got, sizeof(got), r, e);
	result(exp, sizeof(exp), want, want_err);
	checks++;
	if (ok) {
		printf("ok   %s = %s\n", name, got);
	} else {
		printf("FAIL %s = %s, want %s\n", name, got, exp);
		failures++;
	}
	fflush(stdout);
}

/* A check that is not about a return value. */
static void check_that(const char *name, int cond, const char *what)
{
	checks++;
	if (cond) {
		printf("ok   %s: %s\n", name, what);
	} else {
		printf("FAIL %s: not %s\n", name, what);
		failures++;
	}
	fflush(stdout);
}

#define SYS(name, want, want_err, nr, ...)				\
	do {								\
		long r_;						\
		errno = 0;						\
		r_ = syscall(nr, __VA_ARGS__);				\
		check(name, r_, errno, want, want_err);			\
	} while (0)
#define FAULTS(name, nr, ...)	SYS(name, -1, EFAULT, nr, __VA_ARGS__)
#define WORKS(name, nr, ...)	SYS(name, 0, 0, nr, __VA_ARGS__)
/* The value varies (a time, a pid): only whether it is positive shows. */
#define POSITIVE(name, nr, ...)						\
	do {								\
		long r_;						\
		errno = 0;						\
		r_ = syscall(nr, __VA_ARGS__);				\
		check(name, r_ > 0 ? 1 : r_, errno, 1, 0);		\
	} while (0)

/* The lowest free fd: it must not change when a failing call ends. */
static int lowest_fd(void)
{
	int d = dup(0);

	close(d);
	return d;
}

static int same_as_file(const char *buf, long off, long n)
{
	for (long i = 0; i < n; i++)
		if ((unsigned char)buf[i] != pattern(off + i))
			return 0;
	return 1;
}

static int zeroed(const char *buf, long n)
{
	for (long i = 0; i < n; i++)
		if (buf[i])
			return 0;
	return 1;
}

static void setup(void)
{
	char buf[FILE_SIZE];
	char *two;

	pagesz = sysconf(_SC_PAGESIZE);
	none = mmap(NULL, pagesz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	two = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (none == MAP_FAILED || two == MAP_FAILED ||
	    mprotect(two + pagesz, pagesz, PROT_NONE)) {
		perror("efault: mmap");
		exit(2);
	}
	guard = two;
	edge_al = two + pagesz - PART_ALIGNED;
	edge_odd = two + pagesz - PART_ODD;

	strcpy(path, "/tmp/efault.XXXXXX");
	fd = mkstemp(path);
	for (long i = 0; i < FILE_SIZE; i++)
		buf[i] = (char)pattern(i);
	if (fd < 0 || write(fd, buf, FILE_SIZE) != FILE_SIZE) {
		perror("efault: temporary file");
		exit(2);
	}
	if (chdir("/")) {
		perror("efault: chdir /");
		exit(2);
	}
}

static void io_checks(void)
{
	char buf[256];
	struct iovec iov[2];
	int p[2];

	WORKS("pread64(file, good, 0)", SYS_pread64, fd, buf, 0, 0);
	SYS("pread64(file, good, 64)", 64, 0, SYS_pread64, fd, buf, 64, 0);
	FAULTS("pread64(file, 8, 64)", SYS_pread64, fd, BAD_LOW, 64, 0);
	FAULTS("pread64(file, kernel, 64)", SYS_pread64, fd, BAD_KERN, 64, 0);
	FAULTS("pread64(file, PROT_NONE, 64)", SYS_pread64, fd, none, 64, 0);
	WORKS("pread64(file, 8, 0)", SYS_pread64, fd, BAD_LOW, 0, 0);
	SYS("pwrite64(file, good, 64)", 64, 0, SYS_pwrite64, fd, buf, 64, 0);
	FAULTS("pwrite64(file, 8, 64)", SYS_pwrite64, fd, BAD_LOW, 64, 0);
	FAULTS("pwrite64(file, kernel, 64)", SYS_pwrite64, fd, BAD_KERN, 64,
	       0);
	FAULTS("pwrite64(file, PROT_NONE, 64)", SYS_pwrite64, fd, none, 64,
	       0);

	if (lseek(fd, 0, SEEK_SET)) {
		perror("efault: lseek");
		exit(2);
	}
	FAULTS("read(file, 8, 64)", SYS_read, fd, BAD_LOW, 64);
	FAULTS("read(file, kernel, 64)", SYS_read, fd, BAD_KERN, 64);
	SYS("read(file, good, 64) after the faults", 64, 0, SYS_read, fd,
	    buf, 64);
	check_that("read after the faults", same_as_file(buf, 0, 64),
		   "the first 64 bytes of the file");
	FAULTS("write(file, 8, 64)", SYS_write, fd, BAD_LOW, 64);
	FAULTS("write(file, kernel, 64)", SYS_write, fd, BAD_KERN, 64);

	/* /dev/null never reads the buffer, only access_ok() looks at it. */
	{
		int nul = open("/dev/null", O_WRONLY);

		SYS("write(/dev/null, 8, 64)", 64, 0, SYS_write, nul,
		    BAD_LOW, 64);
		FAULTS("write(/dev/null, kernel, 64)", SYS_write, nul,
		       BAD_KERN, 64);
		close(nul);
	}

	iov[0].iov_base = buf;
	iov[0].iov_len = 32;
	iov[1].iov_base = BAD_LOW;
	iov[1].iov_len = 32;
	FAULTS("readv(file, iov at 8, 1)", SYS_readv, fd, BAD_LOW, 1);
	FAULTS("writev(file, iov at 8, 1)", SYS_writev, fd, BAD_LOW, 1);
	SYS("preadv(file, {good 32, 8 32}, 2)", 32, 0, SYS_preadv, fd, iov,
	    2, 0, 0);
	FAULTS("preadv(file, {8 32}, 1)", SYS_preadv, fd, iov + 1, 1, 0, 0);

	/* Pipes: a fault leaves the data in the pipe. */
	if (pipe(p)) {
		perror("efault: pipe");
		exit(2);
	}
	SYS("write(pipe, good, 100)", 100, 0, SYS_write, p[1], buf, 100);
	FAULTS("write(pipe, 8, 100)", SYS_write, p[1], BAD_LOW, 100);
	FAULTS("read(pipe, 8, 100)", SYS_read, p[0], BAD_LOW, 100);
	FAULTS("read(pipe, kernel, 100)", SYS_read, p[0], BAD_KERN, 100);
	SYS("read(pipe, good, 256) after the faults", 100, 0, SYS_read, p[0],
	    buf + 100, 256);
	check_that("pipe data after the faults",
		   !memcmp(buf, buf + 100, 100), "unchanged");
	close(p[0]);
	close(p[1]);
}

/*
 * Copies that cross from a good page into a PROT_NONE page: the exception
 * fixup in the middle of a copy must return exactly the bytes copied.
 */
static void partial_checks(void)
{
	struct iovec iov[2];
	char tmp[300];
	int p[2];
	int z;

	SYS("pread64(file, 128 good then PROT_NONE, 300)", PART_ALIGNED, 0,
	    SYS_pread64, fd, edge_al, 300, 0);
	check_that("partial pread64 data", same_as_file(edge_al, 0,
		   PART_ALIGNED), "the file's first 128 bytes");
	memset(edge_odd, 0, PART_ODD);
	SYS("pread64(file, 100 good then PROT_NONE, 300)", PART_ODD, 0,
	    SYS_pread64, fd, edge_odd, 300, 100);
	check_that("partial pread64 data (odd)",
		   same_as_file(edge_odd, 100, PART_ODD),
		   "the file's bytes 100..199");
	SYS("pread64(file, 100 good then PROT_NONE, 100)", PART_ODD, 0,
	    SYS_pread64, fd, edge_odd, 100, 0);

	/* Writing from a buffer that runs into PROT_NONE: a short write. */
	memset(edge_al, 'w', PART_ALIGNED);
	SYS("pwrite64(file, 128 good then PROT_NONE, 300)", PART_ALIGNED, 0,
	    SYS_pwrite64, fd, edge_al, 300, FILE_SIZE);
	SYS("pwrite64(file, 100 good then PROT_NONE, 300)", PART_ODD, 0,
	    SYS_pwrite64, fd, edge_odd, 300, FILE_SIZE);
	if (ftruncate(fd, FILE_SIZE)) {
		perror("efault: ftruncate");
		exit(2);
	}

	iov[0].iov_base = edge_al;
	iov[0].iov_len = PART_ALIGNED;
	iov[1].iov_base = none;
	iov[1].iov_len = 64;
	SYS("preadv(file, {good 128, PROT_NONE 64}, 2)", PART_ALIGNED, 0,
	    SYS_preadv, fd, iov, 2, 0, 0);

	/* A pipe read that cannot copy its first buffer fails whole. */
	if (pipe(p)) {
		perror("efault: pipe");
		exit(2);
	}
	memset(tmp, 'p', sizeof(tmp));
	SYS("write(pipe, good, 300)", 300, 0, SYS_write, p[1], tmp, 300);
	FAULTS("read(pipe, 100 good then PROT_NONE, 300)", SYS_read, p[0],
	       edge_odd, 300);
	SYS("read(pipe, good, 300) after it", 300, 0, SYS_read, p[0], tmp,
	    300);
	close(p[0]);
	close(p[1]);

	/* clear_user() */
	z = open("/dev/zero", O_RDONLY);
	memset(edge_al, 1, PART_ALIGNED);
	SYS("read(/dev/zero, 128 good then PROT_NONE, 300)", PART_ALIGNED, 0,
	    SYS_read, z, edge_al, 300);
	check_that("partial /dev/zero data",
		   zeroed(edge_al, PART_ALIGNED), "zeroed");
	FAULTS("read(/dev/zero, 8, 300)", SYS_read, z, BAD_LOW, 300);
	close(z);

	SYS("getrandom(128 good then PROT_NONE, 300)", PART_ALIGNED, 0,
	    SYS_getrandom, edge_al, 300, 0);
	FAULTS("getrandom(8, 16)", SYS_getrandom, BAD_LOW, 16, 0);
	FAULTS("getrandom(kernel, 16)", SYS_getrandom, BAD_KERN, 16, 0);
}

/* Paths: strncpy_from_user(), strnlen_user() and their tails. */
static void path_checks(void)
{
	struct stat st;
	char *at_end;

	WORKS("stat(good, good)", SYS_stat, path, &st);
	FAULTS("stat(8, good)", SYS_stat, BAD_LOW, &st);
	FAULTS("stat(kernel, good)", SYS_stat, BAD_KERN, &st);
	FAULTS("stat(good, 8)", SYS_stat, path, BAD_LOW);
	FAULTS("stat(good, kernel)", SYS_stat, path, BAD_KERN);
	FAULTS("lstat(PROT_NONE, good)", SYS_lstat, none, &st);
	WORKS("fstat(file, good)", SYS_fstat, fd, &st);
	check_that("fstat size", st.st_size == FILE_SIZE, "8192");
	FAULTS("fstat(file, 8)", SYS_fstat, fd, BAD_LOW);
	FAULTS("fstat(file, kernel)", SYS_fstat, fd, BAD_KERN);
	{
		int before = lowest_fd();

		FAULTS("open(8)", SYS_open, BAD_LOW, O_RDONLY);
		FAULTS("open(kernel)", SYS_open, BAD_KERN, O_RDONLY);
		FAULTS("openat(AT_FDCWD, 8)", SYS_openat, AT_FDCWD, BAD_LOW,
		       O_RDONLY);
		check_that("fds after failed opens", lowest_fd() == before,
			   "unchanged");
	}
	/* A path whose NUL is the last good byte, then one without a NUL. */
	at_end = guard + pagesz - 8;
	memcpy(at_end, "/nopath", 8);
	SYS("open(path ending on the last good byte)", -1, ENOENT, SYS_open,
	    at_end, O_RDONLY);
	memcpy(at_end, "/nopathx", 8);
	FAULTS("open(path running into PROT_NONE)", SYS_open, at_end,
	       O_RDONLY);
	FAULTS("mkdir(8)", SYS_mkdir, BAD_LOW, 0700);
	FAULTS("unlink(8)", SYS_unlink, BAD_LOW);
	FAULTS("chdir(8)", SYS_chdir, BAD_LOW);
	FAULTS("access(8)", SYS_access, BAD_LOW, F_OK);
	{
		char link[64];

		SYS("readlink(/proc/self/cwd, good, 64)", 1, 0, SYS_readlink,
		    "/proc/self/cwd", link, sizeof(link));
		FAULTS("readlink(/proc/self/cwd, 8, 64)", SYS_readlink,
		       "/proc/self/cwd", BAD_LOW, 64);
		FAULTS("readlink(8, good, 64)", SYS_readlink, BAD_LOW, link,
		       64);
	}
	{
		char cwd[64];

		SYS("getcwd(good, 64)", 2, 0, SYS_getcwd, cwd, sizeof(cwd));
		FAULTS("getcwd(8, 64)", SYS_getcwd, BAD_LOW, 64);
		FAULTS("getcwd(kernel, 64)", SYS_getcwd, BAD_KERN, 64);
	}
	{
		char *argv_bad[] = { "true", BAD_LOW, NULL };
		char *argv_end[] = { "true", at_end, NULL };
		char *envp[] = { NULL };

		FAULTS("execve(8, ...)", SYS_execve, BAD_LOW, argv_bad, envp);
		FAULTS("execve(/bin/true, argv at 8)", SYS_execve, "/bin/true",
		       BAD_LOW, envp);
		FAULTS("execve(/bin/true, argv[1] = 8)", SYS_execve,
		       "/bin/true", argv_bad, envp);
		FAULTS("execve(/bin/true, argv[1] into PROT_NONE)",
		       SYS_execve, "/bin/true", argv_end, envp);
	}
	{
		int d = open("/", O_RDONLY | O_DIRECTORY);
		char dents[1024];

		POSITIVE("getdents64(/, good, 1024) > 0", SYS_getdents64, d,
			 dents, sizeof(dents));
		close(d);
		d = open("/", O_RDONLY | O_DIRECTORY);
		FAULTS("getdents64(/, 8, 1024)", SYS_getdents64, d, BAD_LOW,
		       1024);
		close(d);
	}
}

static void misc_checks(void)
{
	struct utsname u;
	struct timespec ts = { 0, 1000 };
	struct timeval tv;
	struct rusage ru;
	struct sysinfo si;
	struct sigaction sa;
	sigset_t set;
	time_t t;
	char name[16];
	char mask[128];
	int p[2];
	int before;

	WORKS("uname(good)", SYS_uname, &u);
	check_that("uname sysname", !strcmp(u.sysname, "Linux"), "Linux");
	FAULTS("uname(8)", SYS_uname, BAD_LOW);
	FAULTS("uname(kernel)", SYS_uname, BAD_KERN);
	FAULTS("uname(across into PROT_NONE)", SYS_uname,
	       guard + pagesz - sizeof(u) / 2);
	WORKS("clock_gettime(MONOTONIC, good)", SYS_clock_gettime,
	      CLOCK_MONOTONIC, &ts);
	FAULTS("clock_gettime(MONOTONIC, 8)", SYS_clock_gettime,
	       CLOCK_MONOTONIC, BAD_LOW);
	FAULTS("clock_gettime(REALTIME, kernel)", SYS_clock_gettime,
	       CLOCK_REALTIME, BAD_KERN);
	FAULTS("clock_getres(MONOTONIC, 8)", SYS_clock_getres,
	       CLOCK_MONOTONIC, BAD_LOW);
	WORKS("gettimeofday(good, NULL)", SYS_gettimeofday, &tv, NULL);
	FAULTS("gettimeofday(8, NULL)", SYS_gettimeofday, BAD_LOW, NULL);
	POSITIVE("time(good) > 0", SYS_time, &t);
	FAULTS("time(8)", SYS_time, BAD_LOW);
	ts.tv_sec = 0;
	ts.tv_nsec = 1000;
	WORKS("nanosleep(good, NULL)", SYS_nanosleep, &ts, NULL);
	FAULTS("nanosleep(8, NULL)", SYS_nanosleep, BAD_LOW, NULL);
	WORKS("getrusage(SELF, good)", SYS_getrusage, RUSAGE_SELF, &ru);
	FAULTS("getrusage(SELF, 8)", SYS_getrusage, RUSAGE_SELF, BAD_LOW);
	FAULTS("getrusage(SELF, kernel)", SYS_getrusage, RUSAGE_SELF,
	       BAD_KERN);
	WORKS("sysinfo(good)", SYS_sysinfo, &si);
	FAULTS("sysinfo(8)", SYS_sysinfo, BAD_LOW);
	FAULTS("sysinfo(kernel)", SYS_sysinfo, BAD_KERN);

	before = lowest_fd();
	WORKS("pipe(good)", SYS_pipe, p);
	close(p[0]);
	close(p[1]);
	FAULTS("pipe(8)", SYS_pipe, BAD_LOW);
	FAULTS("pipe(kernel)", SYS_pipe, BAD_KERN);
	FAULTS("pipe2(PROT_NONE, 0)", SYS_pipe2, none, 0);
	FAULTS("socketpair(UNIX, STREAM, 8)", SYS_socketpair, AF_UNIX,
	       SOCK_STREAM, 0, BAD_LOW);
	check_that("fds after failed pipes", lowest_fd() == before,
		   "unchanged");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	WORKS("rt_sigaction(USR1, NULL, good)", SYS_rt_sigaction, SIGUSR1,
	      NULL, &sa, 8);
	FAULTS("rt_sigaction(USR1, 8, NULL)", SYS_rt_sigaction, SIGUSR1,
	       BAD_LOW, NULL, 8);
	FAULTS("rt_sigaction(USR1, NULL, 8)", SYS_rt_sigaction, SIGUSR1,
	       NULL, BAD_LOW, 8);
	sigemptyset(&set);
	WORKS("rt_sigprocmask(BLOCK, good, NULL)", SYS_rt_sigprocmask,
	      SIG_BLOCK, &set, NULL, 8);
	FAULTS("rt_sigprocmask(BLOCK, 8, NULL)", SYS_rt_sigprocmask,
	       SIG_BLOCK, BAD_LOW, NULL, 8);
	FAULTS("rt_sigprocmask(BLOCK, NULL, 8)", SYS_rt_sigprocmask,
	       SIG_BLOCK, NULL, BAD_LOW, 8);

	FAULTS("poll(8, 1, 0)", SYS_poll, BAD_LOW, 1, 0);
	{
		struct timeval zero = { 0, 0 };

		FAULTS("select(1, 8, NULL, NULL, 0s)", SYS_select, 1, BAD_LOW,
		       NULL, NULL, &zero);
		FAULTS("select(0, NULL, NULL, NULL, 8)", SYS_select, 0, NULL,
		       NULL, NULL, BAD_LOW);
	}
	{
		int word = 1;

		SYS("futex(good, WAIT, 0)", -1, EAGAIN, SYS_futex, &word,
		    FUTEX_WAIT, 0, NULL, NULL, 0);
		FAULTS("futex(8, WAIT, 0)", SYS_futex, BAD_LOW, FUTEX_WAIT, 0,
		       NULL, NULL, 0);
		FAULTS("futex(PROT_NONE, WAIT, 0)", SYS_futex, none,
		       FUTEX_WAIT, 0, NULL, NULL, 0);
		FAULTS("futex(good, WAIT, 1, timeout 8)", SYS_futex, &word,
		       FUTEX_WAIT, 1, BAD_LOW, NULL, 0);
	}
	POSITIVE("sched_getaffinity(0, 128, good) > 0",
		 SYS_sched_getaffinity, 0, sizeof(mask), mask);
	FAULTS("sched_getaffinity(0, 128, 8)", SYS_sched_getaffinity, 0, 128,
	       BAD_LOW);
	WORKS("prctl(GET_NAME, good)", SYS_prctl, PR_GET_NAME, name, 0, 0, 0);
	FAULTS("prctl(GET_NAME, 8)", SYS_prctl, PR_GET_NAME, BAD_LOW, 0, 0, 0);
	FAULTS("prctl(SET_NAME, 8)", SYS_prctl, PR_SET_NAME, BAD_LOW, 0, 0, 0);
	{
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		int v = 65536;
		socklen_t len = sizeof(v);

		WORKS("setsockopt(RCVBUF, good, 4)", SYS_setsockopt, s,
		      SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
		FAULTS("setsockopt(RCVBUF, 8, 4)", SYS_setsockopt, s,
		       SOL_SOCKET, SO_RCVBUF, BAD_LOW, sizeof(v));
		WORKS("getsockopt(RCVBUF, good, good)", SYS_getsockopt, s,
		      SOL_SOCKET, SO_RCVBUF, &v, &len);
		FAULTS("getsockopt(RCVBUF, good, len at 8)", SYS_getsockopt, s,
		       SOL_SOCKET, SO_RCVBUF, &v, BAD_LOW);
		FAULTS("getsockopt(RCVBUF, 8, good)", SYS_getsockopt, s,
		       SOL_SOCKET, SO_RCVBUF, BAD_LOW, &len);
		FAULTS("bind(8, 16)", SYS_bind, s, BAD_LOW,
		       sizeof(struct sockaddr_in));
		close(s);
	}
	{
		/* put_user() of the status happens after the reap. */
		pid_t pid = fork();
		int st;

		if (pid == 0)
			_exit(3);
		FAULTS("wait4(child, status at 8)", SYS_wait4, pid, BAD_LOW, 0,
		       NULL);
		SYS("wait4(-1) after it", -1, ECHILD, SYS_wait4, -1, &st,
		    WNOHANG, NULL);
		pid = fork();
		if (pid == 0)
			_exit(3);
		check_that("wait4(child, good)",
			   syscall(SYS_wait4, pid, &st, 0, NULL) == pid &&
			   WIFEXITED(st) && WEXITSTATUS(st) == 3,
			   "the child, exit status 3");
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup();
	io_checks();
	partial_checks();
	path_checks();
	misc_checks();
	close(fd);
	unlink(path);
	printf("%s: %d checks, %d failed\n", failures ? "FAIL" : "ok", checks,
	       failures);
	return failures ? 1 : 0;
}
