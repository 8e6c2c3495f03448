/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkdbt_int.h - what the files of libkdbt share and the tools do not
 * see: error reporting and two macros the kernel has.
 *
 * Owns: nothing but these declarations.
 * Must never: be included by a tool (they use libkdbt.h only).
 */
#ifndef LIBKDBT_INT_H
#define LIBKDBT_INT_H

#include "libkdbt.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

__printf(3, 4)
int kdbt_fail(struct kdbt_err *err, int code, const char *fmt, ...);
void kdbt_ok(struct kdbt_err *err);
int kdbt_open_failed(const char *path, int e, struct kdbt_err *err);

#endif /* LIBKDBT_INT_H */
