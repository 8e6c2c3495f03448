/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stepcount.h - an independent instruction count: single-step a native
 * function with ptrace in a child process.
 */
#ifndef STEPCOUNT_H
#define STEPCOUNT_H

int stepcount(long (*fn)(long), long arg, unsigned long long *insns,
	      long *result);

#endif /* STEPCOUNT_H */
