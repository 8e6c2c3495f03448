/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tfuncs.h - the compiled-C functions that translate_run.c runs from the
 * code cache and single-steps natively.
 *
 * Owns: the list of test functions and their arguments.
 * Must never: list a function whose result or instruction count depends on
 * anything but its argument (no static state, no allocation, no syscalls).
 */
#ifndef TFUNCS_H
#define TFUNCS_H

struct tfunc {
	const char *name;
	long (*fn)(long);
	long arg;
};

extern const struct tfunc tfuncs[];
extern const unsigned int n_tfuncs;

#endif /* TFUNCS_H */
