/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - which native kernel text may be translated.
 *
 * Owns: the ranges kdbt never translates (entry text, the thunk range,
 * boot-only code), filled from kallsyms by the kernel glue and by the
 * offline tools alike, so both apply one policy.
 * Must never: include kernel or libc headers (freestanding, like core.h).
 */
#ifndef KDBT_POLICY_H
#define KDBT_POLICY_H

#include "kdbt_env.h"

#define KDBT_POLICY_MAX_RANGES	16

struct kdbt_range {
	u64 start, end;		/* [start, end) */
	const char *why;
};

struct kdbt_policy {
	struct kdbt_range text;		/* _stext.._etext: the only source */
	u32 nexcluded;
	struct kdbt_range excluded[KDBT_POLICY_MAX_RANGES];
};

void kdbt_policy_init(struct kdbt_policy *p, u64 stext, u64 etext);
int kdbt_policy_exclude(struct kdbt_policy *p, u64 start, u64 end,
			const char *why);
const char *kdbt_policy_refuses(const struct kdbt_policy *p, u64 addr);

#endif /* KDBT_POLICY_H */
