/* SPDX-License-Identifier: GPL-2.0 */
/*
 * states.h - kdbt_native_state() checked against single-stepped execution
 * (states.c).
 */
#ifndef STATES_H
#define STATES_H

struct states_tally {
	unsigned long long steps;	/* the child's steps */
	unsigned long long cache_steps;	/* of them in the cache */
	unsigned long long boundaries;	/* of them at a native boundary */
	unsigned long long answered;	/* the core named a native state */
	unsigned long long unknown;	/* the core had no exact answer */
	unsigned long long right, wrong;	/* answers checked */
	unsigned long long backward;	/* right ones naming the last boundary */
	unsigned long long unchecked;	/* answers the child never showed */
	char first_wrong[200];
	char first_unknown[80];
};

int states_run(long (*fn)(long), long arg, struct states_tally *t);

#endif /* STATES_H */
