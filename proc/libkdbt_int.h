/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkdbt_int.h - what the files of libkdbt share and the tools do not
 * see: clearing an error and two macros the kernel has.
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

#endif /* LIBKDBT_INT_H */
