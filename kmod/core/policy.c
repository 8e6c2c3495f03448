// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c - the one answer to "may kdbt translate code at this address?"
 *
 * It answers for core kernel text (_stext.._etext): all of it is a
 * translation source, minus the ranges the kernel glue excludes
 * (docs/ARCHITECTURE.md; docs/KERNEL.md, section 3, "Code that stays
 * native"):
 *   - entry text with the SRSO untrain/safe-ret sections beside it: the
 *     asm stubs run with the user GS base or on entry stacks and compare
 *     RIP against their own addresses;
 *   - the thunk range (__indirect_thunk_start..end on 6.1, the first
 *     retpoline to the return thunk on 6.12): retpolines, return thunks
 *     and untrain sequences built from overlapping instructions; calls
 *     and jumps to them are rules (block.c), their bodies stay native;
 *   - srso_alias_return_thunk where it lies outside that range (6.12),
 *     for the same reason;
 *   - .head.text code that runs only at boot, some of it in 32-bit mode.
 * Addresses outside that range are the glue's to judge: the glue
 * (kdbt_may_translate() in engine.c) translates other modules' text too,
 * but for the functions it keeps native by name; BPF images and
 * trampolines run natively.
 *
 * Owns: the range table it is given.
 * Must never: allocate or take locks (called with the translation lock
 * held, from the dispatcher).
 */
#include "policy.h"

void kdbt_policy_init(struct kdbt_policy *p, u64 stext, u64 etext)
{
	p->text.start = stext;
	p->text.end = etext;
	p->text.why = "outside core kernel text";
	p->nexcluded = 0;
}

/**
 * kdbt_policy_exclude() - never translate [@start, @end).
 * @p: the policy.
 * @start: first byte.
 * @end: one past the last byte.
 * @why: a short reason, kept for messages (a string constant).
 *
 * Return: 0, -EINVAL for an empty range, -ENOSPC if the table is full.
 */
int kdbt_policy_exclude(struct kdbt_policy *p, u64 start, u64 end,
			const char *why)
{
	if (end <= start)
		return -EINVAL;
	if (p->nexcluded == KDBT_POLICY_MAX_RANGES)
		return -ENOSPC;
	p->excluded[p->nexcluded].start = start;
	p->excluded[p->nexcluded].end = end;
	p->excluded[p->nexcluded].why = why;
	p->nexcluded++;
	return 0;
}

/**
 * kdbt_policy_refuses() - why code at @addr must not be translated.
 * @p: the policy.
 * @addr: a native address.
 *
 * Return: NULL if it may be translated, else the reason.
 */
const char *kdbt_policy_refuses(const struct kdbt_policy *p, u64 addr)
{
	u32 i;

	if (addr < p->text.start || addr >= p->text.end)
		return p->text.why;
	for (i = 0; i < p->nexcluded; i++)
		if (addr >= p->excluded[i].start && addr < p->excluded[i].end)
			return p->excluded[i].why;
	return NULL;
}
