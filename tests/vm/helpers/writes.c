// SPDX-License-Identifier: GPL-2.0
/*
 * writes.c - write chosen chunks to a file, one write(2) each, through one
 * open file.
 *
 * Usage: writes FILE CHUNK...
 * Opens FILE write-only (no O_TRUNC, no O_CREAT) and writes each CHUNK
 * with exactly one write() call; an empty CHUNK is a zero-length write.
 * Prints one line per write: "ok N" (N bytes written) or the errno's
 * name ("EINVAL", "EBUSY", ...).  Exit status 0 if every write wrote its
 * whole chunk, 1 otherwise, 2 if FILE cannot be opened.  The shell and
 * dd cannot make a zero-length write, and stdio may split a chunk.
 * Owns: nothing.
 * Must never: print kernel-problem words (the host scans the console).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, i, bad = 0;
	ssize_t n;

	if (argc < 3) {
		fprintf(stderr, "usage: writes FILE CHUNK...\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "writes: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	for (i = 2; i < argc; i++) {
		size_t len = strlen(argv[i]);

		n = write(fd, argv[i], len);
		if (n < 0)
			printf("%s\n", strerrorname_np(errno) ?: "E?");
		else
			printf("ok %zd\n", n);
		if (n != (ssize_t)len)
			bad = 1;
	}
	close(fd);
	return bad;
}
