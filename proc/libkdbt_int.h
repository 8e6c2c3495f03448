/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkdbt_int.h - what the files of libkdbt share and the tools do not
 * see: clearing an error, reading a whole file, a snapshot's statistics
 * by index, and two macros the kernel has.
 *
 * Owns: nothing but these declarations.
 * Must never: be included by a tool (they use libkdbt.h only).
 */
#ifndef LIBKDBT_INT_H
#define LIBKDBT_INT_H

#include "libkdbt.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

void kdbt_ok(struct kdbt_err *err);
int kdbt_read_all(int fd, size_t max, unsigned char **bufp, size_t *lenp);
__u64 *kdbt_snap_slot(struct kdbt_snap_header *h, unsigned int i);

#endif /* LIBKDBT_INT_H */
