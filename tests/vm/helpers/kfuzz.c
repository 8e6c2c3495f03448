// SPDX-License-Identifier: GPL-2.0
/*
 * kfuzz.c - hostile input for /proc/kdbt: a random fuzzer for the control
 * file and for reads of every file, and the access rules.
 *
 * Usage:
 *   kfuzz fuzz SECONDS [SEED [WRITERS [READERS [SWITCHERS [WORDS]]]]]
 *   kfuzz access
 *
 * fuzz: for SECONDS, WRITERS processes (default 3) write random input to
 * /proc/kdbt/control - random bytes of 0 to 64 pages, words near the real
 * ones (whitespace, case, truncation, inserted, deleted and flipped
 * bytes, NULs), one to four segments through writev, counts far larger
 * than the buffer, and bad buffers (NULL, a PROT_NONE page, a kernel
 * address, a buffer that runs into a PROT_NONE page); READERS processes
 * (default 3) read every /proc/kdbt file with pread/preadv at random
 * offsets (up to 2^63 - 1, and negative) and sizes (0 to 1 MiB), read
 * whole files in chunks of random size and check what they read (stats
 * "name value" lines; blocks and functions their "#" lines and field
 * counts; the snapshot its magic and length), seek at random, read into
 * bad buffers, write the read-only files, read the control file, and
 * make odd calls (ioctl, mmap, poll); SWITCHERS processes (default 1)
 * write real commands all the while (writes while switching).  WORDS
 * (default "on,off,reset") are the commands any process may send:
 * input that the kernel would take as another command (say "mode fast")
 * is never written, so the caller's mode and counters stay as they are.
 * Every result is checked against what the kernel must answer, from the
 * bytes and the buffer alone: a command (after the kernel's strim(),
 * whose white space includes 0xa0) is taken - "mode" and "counters" may
 * be refused with EBUSY while on - and everything else fails with
 * EINVAL (or EFAULT where the kernel cannot copy the bytes); a read
 * returns at most what was asked, or fails with EAGAIN (blocks,
 * functions, snapshot: a reset or flush during the read), EFAULT (bad
 * buffer), EINVAL (negative offset) or ENOMEM (snapshot).
 * Prints its counts and one line per mismatch (at most 5 per process):
 *	kfuzz: mismatch: WHAT
 *	KFUZZ cases N writes N reads N whole N switches N odd N failures N
 * Exit status 0 if no case failed.
 *
 * access: an unprivileged user (uid/gid 65534) gets EACCES opening every
 * file (read, write, both) and stat()ing it; then for kptr_restrict 0, 1
 * and 2, root with all its capabilities and root without CAP_SYSLOG see
 * addresses in blocks, functions and the snapshot exactly when they see
 * them in /proc/kallsyms (kptr_restrict is restored at the end), in the
 * first MiB of each.  Needs blocks in the profile.  Prints one line per check that fails and
 *	KFUZZ-ACCESS checks N failures N
 *
 * Owns: the cases and what each must answer.
 * Must never: write a command outside WORDS, print kernel-problem words
 * (the host scans the console), or leave a child behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include "kdbt_abi.h"

#define DIR_PATH	"/proc/" KDBT_PROC_DIR
#define CONTROL		DIR_PATH "/" KDBT_PROC_CONTROL
#define BAD_KERN	((void *)0xffffffff81000000UL)
#define MAX_WRITE	(64 * 4096)
#define MAX_READ	(1 << 20)
#define MAX_REPORTS	5

/* Outcomes a case may have (bit per outcome). */
#define R_OK_FULL	0x01	/* the whole count written */
#define R_EINVAL	0x02
#define R_EBUSY		0x04
#define R_EFAULT	0x08
#define R_ANY		0x80	/* anything but a crash */

struct counts {
	long cases, writes, reads, whole, switches, odd, failures, skipped;
	long w_ok, w_einval, w_ebusy, w_efault;
	long r_ok, r_eagain, r_efault, r_other;
	long whole_eagain;
};

static struct counts *shared;	/* one per process, MAP_SHARED */
static struct counts *me;
static int reports;
static long pagesz;
static char *none_page;		/* PROT_NONE */
static char *ro_page;		/* PROT_READ */
static char *guard;		/* a good page, then a PROT_NONE page */
static uint64_t rng;

static const char *const files[] = {
	KDBT_PROC_STATS, KDBT_PROC_BLOCKS, KDBT_PROC_FUNCTIONS,
	KDBT_PROC_SNAPSHOT, KDBT_PROC_CONTROL,
};
#define NFILES	(sizeof(files) / sizeof(files[0]))

/* The commands control takes (procfs.c), and those we may send. */
static const char *const commands[] = {
	"on", "off", "reset", "mode fast", "mode transparent",
	"counters on", "counters off",
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))
static int allowed[NCOMMANDS];

/* Words to mutate: the commands and their pieces. */
static const char *const seeds[] = {
	"on", "off", "reset", "mode fast", "mode transparent",
	"counters on", "counters off", "mode", "counters", "fast",
	"transparent", "o", "of", "onoff", "on off",
};

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

/* A number in [0, n). */
static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* A size in [lo, hi], spread evenly over the powers of two. */
static size_t logsize(size_t lo, size_t hi)
{
	int bits = 0;
	size_t top;

	while ((hi >> bits) > 1)
		bits++;
	top = (size_t)1 << below(bits + 1);
	top = top + below(top);
	if (top < lo)
		top = lo;
	return top > hi ? hi : top;
}

/* write(2) and pread(2) with buffers the compiler must not judge. */
static ssize_t raw_write(int fd, const void *b, size_t n)
{
	return syscall(SYS_write, fd, b, n);
}

static ssize_t raw_pread(int fd, void *b, size_t n, loff_t off)
{
	return syscall(SYS_pread64, fd, b, n, off);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, n) < 0)
		return;
}

static void mismatch(const char *fmt, ...)
{
	char what[400];
	va_list ap;

	__atomic_add_fetch(&me->failures, 1, __ATOMIC_RELAXED);
	if (reports++ >= MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	say("kfuzz: mismatch: %s", what);
}

/* Printable form of up to 24 bytes of @b, for messages. */
static const char *show(const char *b, size_t n)
{
	static char out[24 * 4 + 8];
	size_t i, o = 0;

	for (i = 0; i < n && i < 24; i++) {
		unsigned char c = b[i];

		if (c >= 0x21 && c < 0x7f && c != '\\')
			out[o++] = c;
		else
			o += sprintf(out + o, "\\x%02x", c);
	}
	if (n > 24)
		o += sprintf(out + o, "...");
	out[o] = 0;
	return out;
}

/* The kernel's isspace() (lib/ctype.c): also 0xa0, Latin-1's NBSP. */
static int kspace(unsigned char c)
{
	return c == ' ' || (c >= 9 && c <= 13) || c == 0xa0;
}

/*
 * What control must answer to the @n bytes at @b, copied whole: the
 * index of the command they make (after strim()), or -1 (EINVAL).
 */
static int command_of(const char *b, size_t n)
{
	size_t s = 0, e = n;
	unsigned int i;

	if (n >= 32 || memchr(b, 0, n))
		return -1;
	while (s < e && kspace(b[s]))
		s++;
	while (e > s && kspace(b[e - 1]))
		e--;
	for (i = 0; i < NCOMMANDS; i++)
		if (strlen(commands[i]) == e - s &&
		    !memcmp(commands[i], b + s, e - s))
			return i;
	return -1;
}

/* The outcomes allowed for command @c (-1: not a command). */
static int want_of(int c)
{
	if (c < 0)
		return R_EINVAL;
	if (c >= 3)		/* mode and counters: EBUSY while on */
		return R_OK_FULL | R_EBUSY;
	return R_OK_FULL;
}

static int outcome(ssize_t r, size_t count)
{
	if (r >= 0)
		return (size_t)r == count ? R_OK_FULL : 0;
	switch (errno) {
	case EINVAL: return R_EINVAL;
	case EBUSY: return R_EBUSY;
	case EFAULT: return R_EFAULT;
	}
	return 0;
}

static void tally_write(int got)
{
	__atomic_add_fetch(got == R_OK_FULL ? &me->w_ok :
			   got == R_EINVAL ? &me->w_einval :
			   got == R_EBUSY ? &me->w_ebusy : &me->w_efault,
			   1, __ATOMIC_RELAXED);
}

static void check_write(const char *what, const char *b, size_t n,
			ssize_t r, int want)
{
	int got = outcome(r, n);

	__atomic_add_fetch(&me->cases, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&me->writes, 1, __ATOMIC_RELAXED);
	if (got)
		tally_write(got);
	if (want & R_ANY)
		return;
	if (!(got & want))
		mismatch("write %s of %zu bytes '%s': %s (returned %zd)", what,
			 n, b ? show(b, n) : "", r < 0 ? strerror(errno) :
			 "succeeded", r);
}

/* Fill @b with @n bytes of random input for control. */
static size_t make_input(char *b, size_t max)
{
	static const char ws[] = " \t\n\v\f\r\xa0";
	const char *s;
	size_t n, i, k;
	unsigned int kind = below(100);

	if (kind < 25) {		/* random bytes near the limit */
		n = below(41);
		for (i = 0; i < n; i++)
			b[i] = rnd();
		return n;
	}
	if (kind < 35) {		/* random bytes, up to a page */
		n = below(4097);
		for (i = 0; i < n; i++)
			b[i] = rnd();
		return n;
	}
	if (kind < 40) {		/* many pages: a word repeated */
		n = logsize(4096, max);
		for (i = 0; i < n; i++)
			b[i] = "on off "[i % 7];
		return n;
	}
	/* A word, mutated. */
	s = seeds[below(sizeof(seeds) / sizeof(seeds[0]))];
	n = strlen(s);
	memcpy(b, s, n);
	for (k = below(4); k > 0; k--) {
		unsigned int m = below(9);

		if (m == 0 && n < 60) {			/* white space before */
			memmove(b + 1, b, n++);
			b[0] = ws[below(sizeof(ws) - 1)];
		} else if (m == 1 && n < 60) {		/* white space after */
			b[n++] = ws[below(sizeof(ws) - 1)];
		} else if (m == 2 && n) {		/* truncate */
			n = below(n);
		} else if (m == 3 && n < 60) {		/* insert a byte */
			i = below(n + 1);
			memmove(b + i + 1, b + i, n - i);
			b[i] = rnd();
			n++;
		} else if (m == 4 && n) {		/* delete a byte */
			i = below(n);
			memmove(b + i, b + i + 1, n - i - 1);
			n--;
		} else if (m == 5 && n) {		/* flip a bit */
			b[below(n)] ^= 1 << below(8);
		} else if (m == 6 && n) {		/* change case */
			i = below(n);
			b[i] ^= 0x20;
		} else if (m == 7 && n < 50) {		/* NUL and junk */
			b[n++] = 0;
			memcpy(b + n, "junk", 4);
			n += below(5);
		} else if (m == 8 && n && n < 30) {	/* double it */
			memcpy(b + n, b, n);
			n *= 2;
		}
	}
	return n;
}

/* One control case from a writer; @fd is open for writing. */
static void write_case(int fd, char *buf)
{
	unsigned int how = below(100);
	size_t n = make_input(buf, MAX_WRITE);
	int c = command_of(buf, n);
	ssize_t r;

	if (c >= 0 && !allowed[c]) {	/* another command: never sent */
		__atomic_add_fetch(&me->skipped, 1, __ATOMIC_RELAXED);
		return;
	}
	if (how < 70) {
		r = write(fd, buf, n);
		check_write("", buf, n, r, want_of(c));
	} else if (how < 75) {
		r = pwrite(fd, buf, n, below(1 << 20));
		check_write("(pwrite)", buf, n, r, want_of(c));
	} else if (how < 80) {
		/* A count far beyond the buffer: refused before any copy
		 * (EINVAL), or by the VFS (EFAULT: the range is not user
		 * memory). */
		size_t big = (size_t)1 << (32 + below(31));

		r = raw_write(fd, buf, big);
		check_write("(huge count)", NULL, big, r, R_EINVAL | R_EFAULT);
	} else if (how < 84) {
		/* Unreadable buffers: EFAULT once the kernel copies (counts
		 * below 32), EINVAL before (longer; empty). */
		void *bad[] = { NULL, none_page, (void *)8UL };
		size_t k = below(40);

		r = raw_write(fd, bad[below(3)], k);
		check_write("(unreadable buffer)", NULL, k, r,
			    k >= 32 ? R_EINVAL : k ? R_EFAULT : R_EINVAL);
	} else if (how < 86) {
		/* A kernel address: access_ok() refuses it. */
		size_t k = below(40);

		r = raw_write(fd, BAD_KERN, k);
		check_write("(kernel address)", NULL, k, r,
			    k ? R_EFAULT : R_EINVAL | R_EFAULT);
	} else if (how < 92) {
		/* Runs from good memory into a PROT_NONE page. */
		size_t good = 1 + below(31), k = below(40);
		char *p = guard + pagesz - good;
		int want;

		memcpy(p, buf, n < good ? n : good);
		if (n < good)
			memset(p + n, 'x', good - n);
		if (k >= 32)
			want = R_EINVAL;
		else if (k > good)
			want = R_EFAULT;
		else {
			c = command_of(p, k);
			if (c >= 0 && !allowed[c])
				return;
			want = want_of(c);
		}
		r = raw_write(fd, p, k);
		check_write("(into PROT_NONE)", p, k < good ? k : good, r,
			    want);
		(void)r;
	} else {
		/* writev: the segments are taken one write each; the first
		 * refusal stops it (its error if nothing was taken yet).
		 * No segment is empty (the VFS skips a writev of 0 bytes). */
		struct iovec iov[4];
		char *p = buf;
		int nv = 1 + below(4), i;
		ssize_t want_total = 0, total = 0;
		int want_err = 0, stopped = 0;

		for (i = 0; i < nv; i++) {
			size_t k = make_input(p, 64);

			if (k == 0) {	/* empty segments: see above */
				p[0] = 'x';
				k = 1;
			}
			c = command_of(p, k);
			if (c >= 3 || (c >= 0 && !allowed[c]))
				return;		/* EBUSY-able or not allowed */
			iov[i].iov_base = p;
			iov[i].iov_len = k;
			if (!stopped) {
				if (c < 0) {
					want_err = want_total ? 0 : EINVAL;
					stopped = 1;
				} else {
					want_total += k;
				}
			}
			total += k;
			p += 64;
		}
		r = writev(fd, iov, nv);
		__atomic_add_fetch(&me->cases, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&me->writes, 1, __ATOMIC_RELAXED);
		if (want_err ? !(r < 0 && errno == want_err) : r != want_total)
			mismatch("writev of %d segments (%zd bytes, first '%s'): %zd (%s), want %zd",
				 nv, total, show(iov[0].iov_base,
						 iov[0].iov_len), r,
				 r < 0 ? strerror(errno) : "ok",
				 want_err ? -1 : want_total);
	}
}

static void writer(double end)
{
	char *buf = malloc(MAX_WRITE + 4096);
	int fd = -1;
	long k = 0;

	if (!buf)
		exit(2);
	while (now() < end) {
		if (fd < 0 || below(64) == 0) {
			if (fd >= 0)
				close(fd);
			fd = open(CONTROL, below(4) ? O_WRONLY : O_RDWR);
			if (fd < 0) {
				mismatch("open %s for writing: %s", CONTROL,
					 strerror(errno));
				sleep(1);
				continue;
			}
		}
		write_case(fd, buf);
		if ((++k & 255) == 0)
			usleep(1000);
	}
	free(buf);
}

/* Real commands, all the while (writes while switching). */
static void switcher(double end)
{
	int fd = open(CONTROL, O_WRONLY);

	if (fd < 0) {
		mismatch("open %s: %s", CONTROL, strerror(errno));
		return;
	}
	while (now() < end) {
		unsigned int c = below(NCOMMANDS);
		ssize_t r;

		if (!allowed[c])
			continue;
		r = write(fd, commands[c], strlen(commands[c]));
		__atomic_add_fetch(&me->switches, 1, __ATOMIC_RELAXED);
		check_write("(switcher)", commands[c], strlen(commands[c]), r,
			    want_of(c));
		usleep(below(50000));
	}
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Readers                                                              */
/* ------------------------------------------------------------------ */

static int may_eagain(unsigned int f)
{
	return f == 1 || f == 2 || f == 3;	/* blocks, functions, snapshot */
}

/*
 * Check a read's result: @r of @count bytes asked for.  @bad_buf: the
 * buffer is bad (EFAULT allowed); @einval: EINVAL allowed (a negative
 * offset, or one whose sum with the count overflows); @neg: the offset is
 * negative (the read must fail).
 */
static void check_read(unsigned int f, const char *what, ssize_t r,
		       size_t count, int bad_buf, int einval, int neg)
{
	__atomic_add_fetch(&me->cases, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&me->reads, 1, __ATOMIC_RELAXED);
	if (r >= 0) {
		__atomic_add_fetch(&me->r_ok, 1, __ATOMIC_RELAXED);
		if ((size_t)r > count)
			mismatch("%s of %s: %zd bytes for %zu asked", what,
				 files[f], r, count);
		if (f == 4 && r > 0)
			mismatch("%s of control succeeded (%zd)", what, r);
		if (neg)
			mismatch("%s of %s at a negative offset succeeded",
				 what, files[f]);
		return;
	}
	if (errno == EAGAIN && may_eagain(f)) {
		__atomic_add_fetch(&me->r_eagain, 1, __ATOMIC_RELAXED);
		return;
	}
	if (errno == EFAULT && bad_buf) {
		__atomic_add_fetch(&me->r_efault, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_add_fetch(&me->r_other, 1, __ATOMIC_RELAXED);
	if ((errno == EINVAL && einval) || (errno == ENOMEM && f == 3) ||
	    (errno == EIO && f == 4))	/* control: no read */
		return;
	mismatch("%s of %s (%zu bytes): %s", what, files[f], count,
		 strerror(errno));
}

/* Does [@off, @off + @count) leave the file offsets (EINVAL)? */
static int off_invalid(loff_t off, size_t count)
{
	return off < 0 || (uint64_t)off + count > (uint64_t)INT64_MAX;
}

/* The number of space-separated fields of line @s. */
static int count_fields(const char *s)
{
	int n = 1;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

/* Check a whole text file read at once: stats, blocks or functions. */
static int check_text(unsigned int f, char *b, size_t n)
{
	static const char *const cols[] = { NULL, KDBT_BLOCKS_COLUMNS,
					    KDBT_FUNCTIONS_COLUMNS };
	size_t line = 0;
	char *p = b, *end = b + n, *nl;

	if (n == 0 || b[n - 1] != '\n')
		return mismatch("%s read whole: %zu bytes, no final newline",
				files[f], n), 1;
	for (; p < end; p = nl + 1, line++) {
		int fields, i;
		char *q;

		nl = memchr(p, '\n', end - p);
		*nl = 0;
		fields = count_fields(p);
		if (f == 0) {
			if (line == 0 ? strcmp(p, "version 1") : fields != 2)
				goto bad;
			for (q = p; *q && *q != ' '; q++)
				if (!(*q == '_' || (*q >= 'a' && *q <= 'z')))
					goto bad;
			continue;
		}
		if (line == 0) {
			if (strcmp(p, "# version 1"))
				goto bad;
		} else if (line == 1) {
			if (strncmp(p, "# ", 2) || strcmp(p + 2, cols[f]))
				goto bad;
		} else if (fields != count_fields(cols[f])) {
			goto bad;
		} else if (f == 1) {
			for (i = 0; i < 16; i++)
				if (!strchr("0123456789abcdef", p[i]))
					goto bad;
			if (p[16] != ' ')
				goto bad;
		}
		continue;
bad:
		mismatch("%s read whole: line %zu: '%s'", files[f], line + 1,
			 show(p, strlen(p)));
		return 1;
	}
	return 0;
}

/* Read file @f from offset 0 to its end in chunks of random size. */
static void whole_read(unsigned int f, char **bufp, size_t *capp)
{
	char path[64];
	size_t len = 0, chunk = f == 0 ? logsize(1, 4096) :
			logsize(64, 65536);
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), DIR_PATH "/%s", files[f]);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		mismatch("open %s: %s", path, strerror(errno));
		return;
	}
	for (;;) {
		if (len + chunk > *capp) {
			size_t cap = (len + chunk) * 2;
			char *nb = realloc(*bufp, cap);

			if (!nb)
				break;
			*bufp = nb;
			*capp = cap;
		}
		r = read(fd, *bufp + len, chunk);
		if (r < 0) {
			if (errno == EAGAIN && may_eagain(f)) {
				__atomic_add_fetch(&me->whole_eagain, 1,
						   __ATOMIC_RELAXED);
			} else {
				mismatch("reading %s whole at %zu: %s", path,
					 len, strerror(errno));
			}
			close(fd);
			return;
		}
		if (r == 0)
			break;
		if ((size_t)r > chunk)
			mismatch("read of %s: %zd bytes for %zu", path, r,
				 chunk);
		len += r;
	}
	close(fd);
	__atomic_add_fetch(&me->cases, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&me->whole, 1, __ATOMIC_RELAXED);
	if (f == 3) {
		struct kdbt_snap_header h;

		if (len < sizeof(h)) {
			mismatch("snapshot read whole: %zu bytes", len);
			return;
		}
		memcpy(&h, *bufp, sizeof(h));
		if (h.magic != KDBT_SNAP_MAGIC || h.version != KDBT_SNAP_VERSION ||
		    len != h.header_size + (size_t)h.nblocks * h.block_size)
			mismatch("snapshot read whole: %zu bytes, magic %llx, version %u, header %u + %u blocks of %u",
				 len, (unsigned long long)h.magic, h.version,
				 h.header_size, h.nblocks, h.block_size);
		return;
	}
	check_text(f, *bufp, len);
}

static loff_t random_offset(void)
{
	unsigned int k = below(100);

	if (k < 30)
		return below(4096);
	if (k < 70)
		return below(4 << 20);
	if (k < 80)
		return (loff_t)1 << below(63);
	if (k < 85)
		return INT64_MAX - below(4096);
	if (k < 90)
		return -(loff_t)(1 + below(1 << 20));
	return 0;
}

static size_t random_size(void)
{
	unsigned int k = below(100);

	if (k < 5)
		return 0;
	if (k < 50)
		return 1 + below(512);
	return logsize(1, MAX_READ);
}

/* Odd calls on @fd (file @f): anything but a crash is fine. */
static void odd_case(int fd, unsigned int f)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	struct stat st;
	void *m;

	switch (below(6)) {
	case 0:
		ioctl(fd, (unsigned long)rnd() & 0xffffffff, 0);
		break;
	case 1:
		ioctl(fd, FIONREAD, none_page);
		break;
	case 2:
		m = mmap(NULL, pagesz, PROT_READ, MAP_SHARED, fd, 0);
		if (m != MAP_FAILED) {
			volatile char c = *(char *)m;

			(void)c;
			munmap(m, pagesz);
		}
		break;
	case 3:
		poll(&p, 1, 0);
		break;
	case 4:
		fstat(fd, &st);
		break;
	case 5:
		/* The read-only files refuse writes; control takes them. */
		if (f != 4) {
			ssize_t r = write(fd, "on", 2);

			if (r >= 0)
				mismatch("write to %s succeeded", files[f]);
		}
		break;
	}
	__atomic_add_fetch(&me->cases, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&me->odd, 1, __ATOMIC_RELAXED);
}

static void reader(double end)
{
	int fds[NFILES];
	char *buf = malloc(MAX_READ), *whole = NULL;
	size_t whole_cap = 0;
	unsigned int i;

	if (!buf)
		exit(2);
	for (i = 0; i < NFILES; i++)
		fds[i] = -1;
	while (now() < end) {
		unsigned int f = below(NFILES), how = below(100);
		char path[64];
		size_t count = random_size();
		loff_t off;
		ssize_t r;

		snprintf(path, sizeof(path), DIR_PATH "/%s", files[f]);
		if (fds[f] < 0 || below(32) == 0) {
			if (fds[f] >= 0)
				close(fds[f]);
			/* Root may open every file either way. */
			fds[f] = open(path, below(8) ? O_RDONLY : O_RDWR);
			if (fds[f] < 0) {
				mismatch("open %s: %s", path, strerror(errno));
				sleep(1);
				continue;
			}
		}
		if (how < 40) {
			off = random_offset();
			r = pread(fds[f], buf, count, off);
			check_read(f, "pread", r, count, 0,
				   off_invalid(off, count), off < 0);
		} else if (how < 50) {
			struct iovec iov[3];
			size_t a = below(count + 1), b2 = below(count - a + 1);

			iov[0] = (struct iovec){ buf, a };
			iov[1] = (struct iovec){ buf + a, b2 };
			iov[2] = (struct iovec){ buf + a + b2, count - a - b2 };
			off = random_offset();
			r = preadv(fds[f], iov, 3, off);
			check_read(f, "preadv", r, count, 0,
				   off_invalid(off, count), off < 0);
		} else if (how < 58) {
			if (f != 4)
				whole_read(f, &whole, &whole_cap);
		} else if (how < 70) {
			int wh[] = { SEEK_SET, SEEK_CUR, SEEK_END };

			off = lseek(fds[f], random_offset(), wh[below(3)]);
			if (off < 0)	/* refused: the offset stays */
				off = lseek(fds[f], 0, SEEK_CUR);
			r = read(fds[f], buf, count);
			check_read(f, "read after lseek", r, count, 0,
				   off < 0 || off_invalid(off, count), 0);
		} else if (how < 82) {
			/* Bad buffers: EFAULT, or a short read into the good
			 * part of the guard page. */
			size_t good = below(pagesz);
			void *bad[] = { NULL, none_page, ro_page, BAD_KERN,
					guard + pagesz - good };
			unsigned int b = below(5);

			count = 1 + below(2 * pagesz);
			off = below(2) ? 0 : below(1 << 16);
			r = raw_pread(fds[f], bad[b], count, off);
			check_read(f, "pread into a bad buffer", r,
				   b == 4 ? good : count, 1, 0, 0);
			if (r > 0 && b != 4)
				mismatch("pread of %s into %s succeeded (%zd)",
					 files[f], b == 2 ? "a read-only page" :
					 "an unmapped address", r);
		} else if (how < 88) {
			odd_case(fds[f], f);
		} else {
			off = lseek(fds[f], 0, SEEK_CUR);
			r = read(fds[f], buf, count);
			check_read(f, "read", r, count, 0,
				   off < 0 || off_invalid(off, count), 0);
		}
	}
	for (i = 0; i < NFILES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(buf);
	free(whole);
}

static void setup_pages(void)
{
	pagesz = sysconf(_SC_PAGESIZE);
	none_page = mmap(NULL, pagesz, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, pagesz, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	guard = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (none_page == MAP_FAILED || ro_page == MAP_FAILED ||
	    guard == MAP_FAILED || mprotect(guard + pagesz, pagesz, PROT_NONE)) {
		perror("kfuzz: mmap");
		exit(2);
	}
}

static int parse_words(const char *list)
{
	char *copy = strdup(list), *w, *save = NULL;
	unsigned int i;

	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NCOMMANDS && strcmp(commands[i], w); i++)
			;
		if (i == NCOMMANDS) {
			fprintf(stderr, "kfuzz: no command '%s'\n", w);
			return -1;
		}
		allowed[i] = 1;
	}
	free(copy);
	return 0;
}

static int fuzz(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 10, end;
	unsigned long seed = argc > 3 ? strtoul(argv[3], NULL, 0) : 1;
	int nw = argc > 4 ? atoi(argv[4]) : 3;
	int nr = argc > 5 ? atoi(argv[5]) : 3;
	int ns = argc > 6 ? atoi(argv[6]) : 1;
	int n = nw + nr + ns, i, status;
	struct counts t = { 0 };

	if (parse_words(argc > 7 ? argv[7] : "on,off,reset") || n <= 0 ||
	    n > 64)
		return 2;
	setup_pages();
	shared = mmap(NULL, (n + 1) * sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 2;
	say("kfuzz: %.0f s, seed %lu: %d writers, %d readers, %d switchers",
	    secs, seed, nw, nr, ns);
	end = now() + secs;
	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			perror("kfuzz: fork");
			break;
		}
		if (p == 0) {
			me = &shared[i];
			rng = seed * 0x9e3779b97f4a7c15ULL + i + 1;
			rnd();
			if (i < nw)
				writer(end);
			else if (i < nw + nr)
				reader(end);
			else
				switcher(end);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			say("kfuzz: mismatch: a child ended with status %#x",
			    status);
			shared[n].failures++;
		}
	for (i = 0; i <= n; i++) {
		long *a = (long *)&t, *b = (long *)&shared[i];
		unsigned int k;

		for (k = 0; k < sizeof(t) / sizeof(long); k++)
			a[k] += b[k];
	}
	say("kfuzz: writes %ld: ok %ld, EINVAL %ld, EBUSY %ld, EFAULT %ld; %ld commands not sent",
	    t.writes, t.w_ok, t.w_einval, t.w_ebusy, t.w_efault, t.skipped);
	say("kfuzz: reads %ld: ok %ld, EAGAIN %ld, EFAULT %ld, other errors %ld; whole reads %ld (+%ld EAGAIN)",
	    t.reads, t.r_ok, t.r_eagain, t.r_efault, t.r_other, t.whole,
	    t.whole_eagain);
	say("KFUZZ cases %ld writes %ld reads %ld whole %ld switches %ld odd %ld failures %ld",
	    t.cases, t.writes, t.reads, t.whole, t.switches, t.odd,
	    t.failures);
	return t.failures ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* access                                                               */
/* ------------------------------------------------------------------ */

static long checks, failed;

/* What access reads of blocks, functions and the snapshot: their first
 * MiB (about 12000 blocks; the last line may be cut). */
#define ACCESS_READ	(1 << 20)

static void check(int ok, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	checks++;
	if (ok)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	failed++;
	say("kfuzz: mismatch: %s", what);
}

/* In a child: every file refused to uid/gid 65534. */
static void unprivileged(void)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	char path[64];
	unsigned int f, m;
	struct stat st;
	int fd;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		check(0, "dropping to uid 65534: %s", strerror(errno));
		return;
	}
	fd = open(DIR_PATH, O_RDONLY | O_DIRECTORY);
	check(fd < 0 && errno == EACCES, "uid 65534 opens %s: %s", DIR_PATH,
	      fd < 0 ? strerror(errno) : "succeeded");
	for (f = 0; f < NFILES; f++) {
		snprintf(path, sizeof(path), DIR_PATH "/%s", files[f]);
		for (m = 0; m < 3; m++) {
			fd = open(path, modes[m]);
			check(fd < 0 && errno == EACCES,
			      "uid 65534 opens %s (%s): %s", path,
			      m == 0 ? "read" : m == 1 ? "write" : "read/write",
			      fd < 0 ? strerror(errno) : "succeeded");
			if (fd >= 0)
				close(fd);
		}
		check(stat(path, &st) && errno == EACCES,
		      "uid 65534 stats %s: %s", path, strerror(errno));
	}
}

static int drop_syslog(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned int i = CAP_SYSLOG / 32, bit = 1u << (CAP_SYSLOG % 32);

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[i].effective &= ~bit;
	d[i].permitted &= ~bit;
	d[i].inheritable &= ~bit;
	return syscall(SYS_capset, &h, d);
}

/* Read all of @path (at most @cap bytes) into @b; -1 on error. */
static ssize_t slurp(const char *path, char *b, size_t cap)
{
	size_t len = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (len < cap && (r = read(fd, b + len, cap - len)) > 0)
		len += r;
	close(fd);
	return len;
}

/* In a child: does this process see addresses, in kallsyms and kdbt? */
static void addresses(int k, int nosyslog, char *b, size_t cap)
{
	const char *who = nosyslog ? "root without CAP_SYSLOG" : "root";
	long shown = 0, hidden = 0, fshown = 0, fhidden = 0, snap_nz = 0;
	long snap_read = 0;
	struct kdbt_snap_header h;
	int kall, fd, tries;
	ssize_t n;
	char *p;
	uint32_t i;

	if (nosyslog && drop_syslog()) {
		check(0, "dropping CAP_SYSLOG: %s", strerror(errno));
		return;
	}
	/* kallsyms: any address that is not 0 in its first 64 KiB (the
	 * first symbols, per-CPU ones, may be at 0 itself). */
	fd = open("/proc/kallsyms", O_RDONLY);
	n = 0;
	if (fd >= 0) {
		ssize_t r;

		while (n < 65536 && (r = read(fd, b + n, 65536 - n)) > 0)
			n += r;
		close(fd);
	}
	if (n < 17) {
		check(0, "reading /proc/kallsyms: %s", strerror(errno));
		return;
	}
	b[n] = 0;
	kall = 0;
	for (p = b; p && *p && !kall; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		kall = strspn(p, "0") < 16 && strlen(p) > 17;
	/* blocks: the address of every record.  Right after a flush (a
	 * full cache refilled, a mode change) there may be none yet: try
	 * again a little later. */
	for (tries = 0; tries < 20; tries++) {
		n = slurp(DIR_PATH "/" KDBT_PROC_BLOCKS, b, cap - 1);
		if (n < 0 && errno != EAGAIN) {
			check(0, "%s reading blocks: %s", who, strerror(errno));
			return;
		}
		if (n > 0 && memchr(b, '\n', n) &&
		    n - ((char *)memchr(b, '\n', n) - b) > 100)
			break;		/* more than the two "#" lines */
		usleep(250000);
	}
	if (n < 0)
		n = 0;
	b[n] = 0;
	for (p = b; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (*p == '#' || *p == '\n' || !strchr(p, '\n'))
			continue;	/* (and a cut last line) */
		if (!strncmp(p, "0000000000000000 ", 17))
			hidden++;
		else
			shown++;
		/* The symbol of a block without one: 0x<address>. */
		if (!strncmp(p + 17, "0x", 2)) {
			if (!strncmp(p + 17, "0x0 ", 4))
				fhidden++;
			else
				fshown++;
		}
	}
	/* functions: only unnamed ones have an address ("0x..."). */
	n = slurp(DIR_PATH "/" KDBT_PROC_FUNCTIONS, b, cap - 1);
	if (n >= 0) {
		b[n] = 0;
		for (p = b; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
			if (!strncmp(p, "0x", 2)) {
				if (!strncmp(p, "0x0 ", 4))
					fhidden++;
				else
					fshown++;
			}
	}
	/* snapshot: the flag and every record's address (again, there may
	 * be no record just after a flush). */
	for (tries = 0; tries < 20; tries++) {
		n = slurp(DIR_PATH "/" KDBT_PROC_SNAPSHOT, b, cap - 1);
		if (n < (ssize_t)sizeof(h) && errno != EAGAIN) {
			check(0, "%s reading the snapshot: %zd", who, n);
			return;
		}
		if (n >= (ssize_t)sizeof(h)) {
			memcpy(&h, b, sizeof(h));
			if (h.nblocks)
				break;
		}
		usleep(250000);
	}
	if (n < (ssize_t)sizeof(h)) {
		check(0, "%s reading the snapshot: %zd", who, n);
		return;
	}
	for (i = 0; i < h.nblocks; i++) {
		size_t at = h.header_size + (size_t)i * h.block_size;
		uint64_t a;

		if (at + 8 > (size_t)n)
			break;
		memcpy(&a, b + at, 8);
		snap_nz += a != 0;
		snap_read++;
	}
	say("kfuzz: kptr_restrict=%d, %s: kallsyms %s; blocks %ld shown %ld hidden; unnamed %ld shown %ld hidden; snapshot %s, %ld of %ld records read with an address",
	    k, who, kall ? "shows addresses" : "hides addresses", shown,
	    hidden, fshown, fhidden,
	    h.flags & KDBT_SNAP_HIDDEN ? "hidden" : "shown", snap_nz,
	    snap_read);
	check(shown + hidden > 0 && h.nblocks > 0,
	      "%s: no blocks to look at (%ld lines, %u records)", who,
	      shown + hidden, h.nblocks);
	if (kall) {
		check(hidden == 0 && fhidden == 0,
		      "kptr_restrict=%d, %s: kallsyms shows addresses, kdbt hides %ld",
		      k, who, hidden + fhidden);
		check(!(h.flags & KDBT_SNAP_HIDDEN) && snap_nz > 0,
		      "kptr_restrict=%d, %s: kallsyms shows addresses, the snapshot does not",
		      k, who);
	} else {
		check(shown == 0 && fshown == 0,
		      "kptr_restrict=%d, %s: kallsyms hides addresses, kdbt shows %ld",
		      k, who, shown + fshown);
		check((h.flags & KDBT_SNAP_HIDDEN) && snap_nz == 0,
		      "kptr_restrict=%d, %s: kallsyms hides addresses, the snapshot shows %ld",
		      k, who, snap_nz);
	}
}

static int set_kptr(int v)
{
	char c = '0' + v;
	int fd = open("/proc/sys/kernel/kptr_restrict", O_WRONLY);
	int ok = fd >= 0 && write(fd, &c, 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* Run @fn (NULL: unprivileged()) in a child; add its counts to ours. */
static void in_child(void (*fn)(int, int, char *, size_t), int k, int nosys,
		     char *b, size_t cap)
{
	pid_t p;
	int status;

	shared->cases = shared->failures = 0;
	p = fork();
	if (p == 0) {
		checks = failed = 0;
		if (fn)
			fn(k, nosys, b, cap);
		else
			unprivileged();
		shared->cases = checks;
		shared->failures = failed;
		_exit(0);
	}
	if (p < 0 || waitpid(p, &status, 0) != p) {
		check(0, "fork: %s", strerror(errno));
		return;
	}
	checks += shared->cases;
	failed += shared->failures;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		check(0, "a child ended with status %#x", status);
}

static int access_checks(void)
{
	size_t cap = ACCESS_READ + 1;
	char *b = malloc(cap), old[8] = "";
	int fd, k;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!b || shared == MAP_FAILED)
		return 2;
	in_child(NULL, 0, 0, b, cap);
	fd = open("/proc/sys/kernel/kptr_restrict", O_RDONLY);
	if (fd < 0 || read(fd, old, sizeof(old) - 1) <= 0) {
		check(0, "reading kptr_restrict: %s", strerror(errno));
		return 1;
	}
	close(fd);
	for (k = 0; k <= 2; k++) {
		if (set_kptr(k)) {
			check(0, "setting kptr_restrict to %d", k);
			continue;
		}
		in_child(addresses, k, 0, b, cap);
		in_child(addresses, k, 1, b, cap);
	}
	check(set_kptr(old[0] - '0') == 0, "restoring kptr_restrict");
	say("KFUZZ-ACCESS checks %ld failures %ld", checks, failed);
	free(b);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && !strcmp(argv[1], "fuzz"))
		return fuzz(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "access"))
		return access_checks();
	fprintf(stderr, "usage: kfuzz fuzz SECONDS [SEED [WRITERS [READERS [SWITCHERS [WORDS]]]]]\n"
		"       kfuzz access\n");
	return 2;
}
