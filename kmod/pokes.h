/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pokes.h - native code read as it will be once the kernel's text-poke
 * batch in flight is written (textpoke.c, docs/KERNEL.md section 5).
 *
 * text_poke_bp() and text_poke_finish() (jump labels, static calls,
 * ftrace, optprobes) write each site of a batch in three steps: an int3
 * on its first byte, the rest of the new instruction, then the new first
 * byte, with every CPU serialised after each step.  A CPU that meets the
 * int3 meanwhile has the new instruction emulated by
 * poke_int3_handler().  The translator must not copy that int3 into the
 * cache, and kdbt does not send the CPU to the native one either (under
 * QEMU's TCG that can leave both CPUs looping on a stale int3:
 * docs/KERNEL.md, section 5): it translates the new instruction, which is
 * what poke_int3_handler() would run.  The int3 is written only in the window, and the last step
 * invalidates the blocks that read the site (textpoke.c), so the window's
 * translations end with it.
 *
 * The batch is the kernel's struct bp_patching_desc bp_desc (static in
 * arch/x86/kernel/alternative.c) and the struct text_poke_loc vector it
 * points to; the layouts below are those of 6.1 and 6.12, and kdbt.ko
 * checks them at load against the code of poke_int3_handler()
 * (textpoke.c).
 *
 * Owns: those layouts, kdbt_pokes_overlay() and kdbt_pokes_cover().
 * Must never: read anything but its arguments (it is compiled into the
 * unit test tests/unit/pokes_check.c as well as into kdbt.ko).
 */
#ifndef KDBT_POKES_H
#define KDBT_POKES_H

#include "core/kdbt_env.h"

#define KDBT_INT3		0xcc
#define KDBT_POKE_MAX_LEN	5	/* POKE_MAX_OPCODE_SIZE */

/* struct text_poke_loc: one site of the batch. */
struct kdbt_poke_loc {
	s32 rel_addr;			/* the site is _stext + rel_addr */
	s32 disp;
	u8 len;				/* bytes written at the site */
	u8 opcode;			/* what poke_int3_handler() emulates */
	u8 text[KDBT_POKE_MAX_LEN];	/* the new instruction */
	u8 old;
};

/* struct bp_patching_desc: the batch; refs is 0 between batches. */
struct kdbt_bp_desc {
	struct kdbt_poke_loc *vec;
	int nr_entries;
	int refs;			/* atomic_t */
};

/* Offsets that textpoke.c checks against poke_int3_handler(). */
#define KDBT_BP_DESC_VEC	0
#define KDBT_BP_DESC_NR		8
#define KDBT_BP_DESC_REFS	12

/**
 * kdbt_pokes_overlay() - make @buf, the @len native bytes read at @addr,
 * read as they will once the batch @vec[0..@nr) is written.
 * @stext: the kernel's _stext (sites are relative to it).
 *
 * A site is overlaid only if its first byte is in @buf and reads int3
 * (the batch's first step reached it; before that the old instruction is
 * still the one that runs).  All of its bytes that lie in @buf become the
 * new instruction's, whatever the second step has written of them yet.
 *
 * Return: the number of sites overlaid.
 */
static inline int kdbt_pokes_overlay(u8 *buf, u64 addr, size_t len,
				     const struct kdbt_poke_loc *vec, int nr,
				     u64 stext)
{
	int i, overlaid = 0;

	for (i = 0; i < nr; i++) {
		const struct kdbt_poke_loc *tp = &vec[i];
		u64 site = stext + (u64)(s64)tp->rel_addr;
		size_t at, k, n = tp->len;

		if (site < addr || site - addr >= len)
			continue;
		at = site - addr;
		if (buf[at] != KDBT_INT3)
			continue;
		if (n > KDBT_POKE_MAX_LEN)
			n = KDBT_POKE_MAX_LEN;
		for (k = 0; k < n && at + k < len; k++)
			buf[at + k] = tp->text[k];
		overlaid++;
	}
	return overlaid;
}

/**
 * kdbt_pokes_cover() - whether the @len bytes at @addr lie in one site of
 * the batch @vec[0..@nr) (a poke of the batch's own three steps).
 * @stext: the kernel's _stext.
 */
static inline bool kdbt_pokes_cover(u64 addr, u64 len,
				    const struct kdbt_poke_loc *vec, int nr,
				    u64 stext)
{
	int i;

	for (i = 0; i < nr; i++) {
		u64 site = stext + (u64)(s64)vec[i].rel_addr;
		u64 n = vec[i].len;

		if (n > KDBT_POKE_MAX_LEN)
			n = KDBT_POKE_MAX_LEN;
		if (len && addr >= site && addr - site + len <= n)
			return true;
	}
	return false;
}

#endif /* KDBT_POKES_H */
