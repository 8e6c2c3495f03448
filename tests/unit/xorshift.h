/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xorshift.h - the unit tests' pseudo-random numbers: Marsaglia's
 * xorshift64 (shifts 13, 7, 17), the same sequence from the same seed,
 * so that a failure repeats.
 */
#ifndef KDBT_TEST_XORSHIFT_H
#define KDBT_TEST_XORSHIFT_H

#include <linux/types.h>

/* The next number after *@state (never 0 unless the seed is). */
static inline __u64 xorshift64(__u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif /* KDBT_TEST_XORSHIFT_H */
