// SPDX-License-Identifier: GPL-2.0
/*
 * wlhelper.c - the parts of the guest workload (workload.sh) that busybox
 * cannot do: memory mapping and page faults, and sockets with checked data.
 *
 * Usage: wlhelper mmap | sock
 *   mmap  anonymous memory written and checked page by page, copy-on-write
 *         across fork, mprotect, madvise(DONTNEED), mremap, a shared and a
 *         private mapping of a tmpfs file, and a SIGSEGV caught in a
 *         handler (page fault, signal delivery, rt_sigreturn)
 *   sock  a stream socketpair, TCP and UDP over loopback (brought up if it
 *         is down), each echoing a pattern back through a child
 * One round per run.  Silent on success; on a wrong result prints one line
 * saying what differed and exits 1 (2 if the round could not be set up).
 * Owns: these two rounds and the data they check.
 * Must never: print kernel-problem words (the host scans the console),
 * leave a child or a file behind, or depend on timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define MAP_PAGES	256
#define STREAM_BYTES	(256 * 1024)

static long pagesz;

static void die(const char *what)
{
	printf("%s: %s\n", what, strerror(errno));
	exit(2);
}

static void wrong(const char *what)
{
	printf("%s\n", what);
	exit(1);
}

static unsigned long word(unsigned long page, unsigned long i,
			  unsigned long salt)
{
	return (page * 1000003UL + i) ^ salt;
}

static void fill(char *p, long pages, unsigned long salt)
{
	for (long pg = 0; pg < pages; pg++) {
		unsigned long *w = (unsigned long *)(p + pg * pagesz);

		for (long i = 0; i < pagesz / 8; i += 61)
			w[i] = word(pg, i, salt);
	}
}

/* Pages @first..@end-1 of the mapping at @p hold fill(@salt)'s words. */
static int filled_from(const char *p, long first, long end,
		       unsigned long salt)
{
	for (long pg = first; pg < end; pg++) {
		const unsigned long *w = (const void *)(p + pg * pagesz);

		for (long i = 0; i < pagesz / 8; i += 61)
			if (w[i] != word(pg, i, salt))
				return 0;
	}
	return 1;
}

static int filled(const char *p, long pages, unsigned long salt)
{
	return filled_from(p, 0, pages, salt);
}

static int zero_pages(const char *p, long pages)
{
	for (long i = 0; i < pages * pagesz; i += 64)
		if (p[i])
			return 0;
	return 1;
}

/* wait for one child and require exit status 0 */
static void reap(pid_t pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("%s: child status %#x\n", what, st);
		exit(1);
	}
}

static sigjmp_buf segv_jmp;
static void *volatile segv_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	segv_addr = si->si_addr;
	siglongjmp(segv_jmp, 1);
}

static void round_mmap(void)
{
	long len = MAP_PAGES * pagesz;
	char path[] = "/tmp/wlhelper.XXXXXX";
	char *a, *f, *g, *buf;
	struct sigaction sa;
	pid_t pid;
	int fd;

	a = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		die("mmap anonymous");
	if (!zero_pages(a, MAP_PAGES))
		wrong("new anonymous memory is not zero");
	fill(a, MAP_PAGES, 1);
	if (!filled(a, MAP_PAGES, 1))
		wrong("anonymous memory lost a write");

	/* Copy-on-write: the child changes its copy, the parent's stays. */
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (!filled(a, MAP_PAGES, 1))
			wrong("child does not see the parent's memory");
		fill(a, MAP_PAGES, 2);
		if (!filled(a, MAP_PAGES, 2))
			wrong("child lost a copy-on-write write");
		_exit(0);
	}
	reap(pid, "copy-on-write child");
	if (!filled(a, MAP_PAGES, 1))
		wrong("the child's writes reached the parent");

	if (mprotect(a, len, PROT_READ))
		die("mprotect");
	if (!filled(a, MAP_PAGES, 1))
		wrong("read-only memory changed");
	if (mprotect(a, len, PROT_READ | PROT_WRITE))
		die("mprotect");
	if (madvise(a, len / 2, MADV_DONTNEED))
		die("madvise");
	if (!zero_pages(a, MAP_PAGES / 2))
		wrong("memory not zero after MADV_DONTNEED");
	if (!filled_from(a, MAP_PAGES / 2, MAP_PAGES, 1))
		wrong("MADV_DONTNEED reached beyond its range");
	a = mremap(a, len, 2 * len, MREMAP_MAYMOVE);
	if (a == MAP_FAILED)
		die("mremap");
	if (!zero_pages(a + len, MAP_PAGES))
		wrong("memory added by mremap is not zero");
	munmap(a, 2 * len);

	/* A file on tmpfs: written through a shared mapping, read back. */
	fd = mkstemp(path);
	if (fd < 0)
		die("mkstemp");
	unlink(path);
	if (ftruncate(fd, len))
		die("ftruncate");
	f = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (f == MAP_FAILED)
		die("mmap shared");
	fill(f, MAP_PAGES, 3);
	if (msync(f, len, MS_SYNC))
		die("msync");
	buf = malloc(len);
	if (!buf)
		die("malloc");
	if (pread(fd, buf, len, 0) != len)
		die("pread");
	if (!filled(buf, MAP_PAGES, 3))
		wrong("read() does not see writes through a shared mapping");
	/* A private mapping of it: writes stay private. */
	g = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (g == MAP_FAILED)
		die("mmap private");
	if (!filled(g, MAP_PAGES, 3))
		wrong("private mapping does not show the file");
	fill(g, MAP_PAGES, 4);
	if (!filled(f, MAP_PAGES, 3))
		wrong("a private write reached the shared mapping");
	munmap(g, len);
	munmap(f, len);
	free(buf);
	close(fd);

	/* A fault the kernel turns into SIGSEGV, caught and returned from. */
	g = mmap(NULL, pagesz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED)
		die("mmap PROT_NONE");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSEGV, &sa, NULL))
		die("sigaction");
	segv_addr = NULL;
	if (!sigsetjmp(segv_jmp, 1)) {
		*(volatile char *)(g + 123) = 1;
		wrong("a write to PROT_NONE memory did not fault");
	}
	if (segv_addr != g + 123)
		wrong("SIGSEGV reports the wrong address");
	signal(SIGSEGV, SIG_DFL);
	munmap(g, pagesz);
}

/* Echo everything read from @fd back until EOF; the child of a pair. */
static void echo_stream(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, n - off);

			if (w <= 0)
				_exit(3);
			off += w;
		}
	}
	_exit(n < 0 ? 4 : 0);
}

/* Send STREAM_BYTES through an echoing peer, check what comes back. */
static void stream_check(int fd, const char *what)
{
	static char out[STREAM_BYTES], in[STREAM_BYTES];
	long sent = 0, got = 0;

	for (long i = 0; i < STREAM_BYTES; i++)
		out[i] = (char)(i * 13 + i / 4096);
	/*
	 * Interleave writes and reads, with at most 72 KiB on the way, far
	 * less than any socket buffer: neither side can block the other.
	 */
	while (got < STREAM_BYTES) {
		ssize_t n;

		if (sent < STREAM_BYTES && sent - got < 65536) {
			long chunk = STREAM_BYTES - sent < 8192 ?
				     STREAM_BYTES - sent : 8192;

			n = write(fd, out + sent, chunk);
			if (n <= 0)
				die(what);
			sent += n;
			if (sent == STREAM_BYTES)
				shutdown(fd, SHUT_WR);
		}
		n = read(fd, in + got, STREAM_BYTES - got);
		if (n < 0)
			die(what);
		if (n == 0)
			break;
		got += n;
	}
	if (got != STREAM_BYTES || memcmp(in, out, STREAM_BYTES)) {
		printf("%s: %ld of %d bytes came back%s\n", what, got,
		       STREAM_BYTES, got == STREAM_BYTES ? " changed" : "");
		exit(1);
	}
}

static void loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		die("SIOCGIFFLAGS lo");
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr))
			die("SIOCSIFFLAGS lo");
	}
	close(s);
}

static void round_sock(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char msg[512], back[512];
	int sv[2], l, c, u1, u2;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		echo_stream(sv[1]);
	}
	close(sv[1]);
	stream_check(sv[0], "unix stream");
	close(sv[0]);
	reap(pid, "unix echo");

	loopback_up();
	l = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (void *)&sin, sizeof(sin)) || listen(l, 1) ||
	    getsockname(l, (void *)&sin, &len))
		die("tcp listen");
	pid = fork();
	if (pid == 0) {
		int a = accept(l, NULL, NULL);

		if (a < 0)
			_exit(5);
		close(l);
		echo_stream(a);
	}
	close(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (void *)&sin, sizeof(sin)))
		die("tcp connect");
	stream_check(c, "tcp loopback");
	close(c);
	reap(pid, "tcp echo");

	/* UDP to ourselves: datagrams keep their boundaries and data. */
	u1 = socket(AF_INET, SOCK_DGRAM, 0);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_port = 0;
	len = sizeof(sin);
	if (u1 < 0 || u2 < 0 || bind(u1, (void *)&sin, sizeof(sin)) ||
	    getsockname(u1, (void *)&sin, &len))
		die("udp bind");
	for (int i = 0; i < 16; i++) {
		ssize_t n;

		memset(msg, 'a' + i, sizeof(msg));
		if (sendto(u2, msg, 100 + i, 0, (void *)&sin, sizeof(sin)) !=
		    100 + i)
			die("udp sendto");
		n = recv(u1, back, sizeof(back), 0);
		if (n != 100 + i || memcmp(msg, back, n)) {
			printf("udp datagram %d: %zd bytes, want %d\n", i, n,
			       100 + i);
			exit(1);
		}
	}
	close(u1);
	close(u2);
}

int main(int argc, char **argv)
{
	pagesz = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "mmap"))
		round_mmap();
	else if (argc == 2 && !strcmp(argv[1], "sock"))
		round_sock();
	else {
		fprintf(stderr, "usage: wlhelper mmap | sock\n");
		return 2;
	}
	return 0;
}
