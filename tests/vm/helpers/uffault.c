// SPDX-License-Identifier: GPL-2.0
/*
 * uffault.c - a kernel uaccess fault that sleeps while kdbt switches.
 *
 * Usage: uffault COMMAND
 * A thread calls uname() into a page registered with userfaultfd, so the
 * kernel's copy_to_user() faults and the thread sleeps inside the page
 * fault handler, its pt_regs->ip at the copy instruction.  Once it
 * sleeps, COMMAND runs (sh -c: `echo on > /proc/kdbt/control`, say), so
 * that kdbt rewrites that sleeping task's stack (a fast-mode on pulls
 * return addresses into the cache, an off maps cache addresses back).
 * Then the page is unmapped and the userfaultfd closed: the fault
 * handler wakes, retries, finds no mapping and must take the exception
 * table's fixup at the address it trapped at, so uname() fails with
 * EFAULT.  Prints one line:
 *	ok   uname = EFAULT after COMMAND
 *	FAIL uname = RESULT after COMMAND, want EFAULT
 * Exit status 0 on ok, 1 on FAIL, 2 if the setup failed.
 * Owns: its page and its userfaultfd.
 * Must never: print kernel-problem words (the host scans the console),
 * or leave its thread behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static void *page;
static long result;
static int result_errno;

static void *call_uname(void *unused)
{
	(void)unused;
	result = syscall(SYS_uname, (struct utsname *)page);
	result_errno = errno;
	return NULL;
}

static int setup_failed(const char *what)
{
	fprintf(stderr, "uffault: %s: %s\n", what, strerror(errno));
	return 2;
}

/* Wait until the thread's fault reaches the userfaultfd. */
static int wait_for_fault(int uffd)
{
	struct pollfd p = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&p, 1, 10000) != 1)
		return -1;
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return -1;
	usleep(200000);		/* and sleeps in handle_userfault() */
	return 0;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	long psz = sysconf(_SC_PAGESIZE);
	pthread_t t;
	int uffd, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: uffault COMMAND\n");
		return 2;
	}
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		return setup_failed("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api))
		return setup_failed("UFFDIO_API");
	page = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return setup_failed("mmap");
	reg.range.start = (unsigned long)page;
	reg.range.len = psz;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		return setup_failed("UFFDIO_REGISTER");
	if (pthread_create(&t, NULL, call_uname, NULL))
		return setup_failed("pthread_create");
	if (wait_for_fault(uffd)) {
		fprintf(stderr, "uffault: the fault never reached userfaultfd\n");
		munmap(page, psz);
		close(uffd);
		pthread_join(t, NULL);
		return 2;
	}
	rc = system(argv[1]);
	munmap(page, psz);
	close(uffd);		/* wakes the fault, which finds no page */
	pthread_join(t, NULL);
	if (rc != 0)
		fprintf(stderr, "uffault: '%s' exited with %d\n", argv[1], rc);
	if (result == -1 && result_errno == EFAULT) {
		printf("ok   uname = EFAULT after %s\n", argv[1]);
		return 0;
	}
	printf("FAIL uname = %ld (%s) after %s, want EFAULT\n", result,
	       result == -1 ? strerror(result_errno) : "no error", argv[1]);
	return 1;
}
