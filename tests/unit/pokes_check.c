// SPDX-License-Identifier: GPL-2.0
/*
 * pokes_check.c - kdbt_pokes_overlay() (kmod/pokes.h, compiled in here as
 * it is into kdbt.ko): native bytes read while a text-poke batch is in
 * flight must read as the batch will leave them, site by site, and only
 * where the batch's int3 is written; and kdbt_pokes_cover() must know
 * the batch's own pokes from others.
 *
 * The bytes are a jump-label site of the test guest's __schedule (a
 * 5-byte nop, as the preempt notifiers' key leaves it off) and the
 * instruction after it; the batch turns the nop into a `jmp rel32`, as
 * the key's enable does.
 *
 * Prints "PASS pokes_NAME" or "FAIL pokes_NAME: why" per case.
 * Owns: the cases.
 */
#include <stdio.h>
#include <string.h>
#include "pokes.h"

#define STEXT	0xffffffff81000000ull
#define SITE	0xffffffff81a5267bull	/* __schedule+0x2ab */

/* The site's old bytes (nop5) and the instruction after it. */
static const u8 native[] = {
	0x0f, 0x1f, 0x44, 0x00, 0x00,			/* nopl 0(%rax,%rax) */
	0x41, 0xc7, 0x44, 0x24, 0x34, 0x01, 0x00, 0x00, 0x00, /* movl */
};
/* The batch's new instruction: jmp SITE + 5 + 0x1a5. */
static const u8 jmp5[] = { 0xe9, 0xa5, 0x01, 0x00, 0x00 };

static int failed;

static void result(const char *name, const char *why)
{
	if (why) {
		printf("FAIL pokes_%s: %s\n", name, why);
		failed = 1;
	} else {
		printf("PASS pokes_%s\n", name);
	}
}

static struct kdbt_poke_loc loc(u64 site, const u8 *text, u8 len)
{
	struct kdbt_poke_loc tp = {
		.rel_addr = (s32)(site - STEXT),
		.len = len,
		.opcode = text[0],
		.old = 0x0f,
	};

	memcpy(tp.text, text, len);
	return tp;
}

/*
 * Overlay @vec on the native bytes with @int3 written at the site and
 * the tail as @tail (NULL: still the old one), read at SITE + @from for
 * @len bytes; compare with @want (the bytes at SITE + @from) and the
 * count with @sites.
 */
static const char *overlay(const struct kdbt_poke_loc *vec, int nr,
			   int int3, const u8 *tail, long from, size_t len,
			   const u8 *want, int sites)
{
	static char why[160];
	u8 text[sizeof(native)], buf[sizeof(native)];
	int n;

	memcpy(text, native, sizeof(text));
	if (int3)
		text[0] = KDBT_INT3;
	if (tail)
		memcpy(text + 1, tail + 1, 4);
	memcpy(buf, text + from, len);
	n = kdbt_pokes_overlay(buf, SITE + from, len, vec, nr, STEXT);
	if (n != sites) {
		snprintf(why, sizeof(why), "%d sites overlaid, want %d",
			 n, sites);
		return why;
	}
	if (memcmp(buf, want, len)) {
		snprintf(why, sizeof(why),
			 "bytes %02x %02x %02x %02x %02x, want %02x %02x %02x %02x %02x",
			 buf[0], buf[1], buf[2], buf[3], buf[4],
			 want[0], want[1], want[2], want[3], want[4]);
		return why;
	}
	return NULL;
}

int main(void)
{
	struct kdbt_poke_loc one = loc(SITE, jmp5, 5);
	struct kdbt_poke_loc two[2];
	u8 want[sizeof(native)];
	static const u8 jmp2[] = { 0xeb, 0x10, 0xcc, 0xcc, 0xcc };
	u8 int3_native[sizeof(native)];

	memcpy(want, jmp5, 5);
	memcpy(want + 5, native + 5, sizeof(native) - 5);
	memcpy(int3_native, native, sizeof(native));
	int3_native[0] = KDBT_INT3;

	/* Before the first step: the old instruction still runs. */
	result("no_int3_yet", overlay(&one, 1, 0, NULL, 0, sizeof(native),
				      native, 0));
	/* After the first step: int3 and the old tail read as the jmp. */
	result("int3_old_tail", overlay(&one, 1, 1, NULL, 0, sizeof(native),
					want, 1));
	/* After the second step: int3 and the new tail, the same. */
	result("int3_new_tail", overlay(&one, 1, 1, jmp5, 0, sizeof(native),
					want, 1));
	/* A read that ends inside the site gets the new bytes it covers. */
	result("read_ends_in_site", overlay(&one, 1, 1, NULL, 0, 3, want, 1));
	/* A read from before the site (the block before it) sees it too. */
	{
		struct kdbt_poke_loc early = loc(SITE + 5, jmp5, 5);
		u8 w[sizeof(native)];

		/* the site is now the movl's first 5 bytes, int3 written */
		memcpy(w, native, sizeof(native));
		memcpy(w + 5, jmp5, 5);
		{
			u8 buf[sizeof(native)];

			memcpy(buf, native, sizeof(native));
			buf[5] = KDBT_INT3;
			result("site_inside_read",
			       kdbt_pokes_overlay(buf, SITE, sizeof(buf),
						  &early, 1, STEXT) == 1 &&
			       !memcmp(buf, w, sizeof(buf)) ? NULL :
			       "site at offset 5 not overlaid");
		}
	}
	/* A read that starts past the site's first byte is left alone. */
	result("read_starts_in_site",
	       overlay(&one, 1, 1, NULL, 2, sizeof(native) - 2,
		       int3_native + 2, 0));
	/* Another site's batch leaves this one alone, int3 or not. */
	{
		struct kdbt_poke_loc other = loc(SITE + 0x40, jmp5, 5);

		result("other_site", overlay(&other, 1, 1, NULL, 0,
					     sizeof(native), int3_native, 0));
	}
	/* Two sites, in order: only the one in the buffer counts. */
	two[0] = loc(SITE - 0x100, jmp5, 5);
	two[1] = one;
	result("vector_of_two", overlay(two, 2, 1, NULL, 0, sizeof(native),
					want, 1));
	/* A 2-byte jmp padded with int3 (JMP8 sites): all five bytes. */
	{
		struct kdbt_poke_loc short_jmp = loc(SITE, jmp2, 5);
		u8 w[sizeof(native)];

		memcpy(w, jmp2, 5);
		memcpy(w + 5, native + 5, sizeof(native) - 5);
		result("jmp8_padded", overlay(&short_jmp, 1, 1, NULL, 0,
					      sizeof(native), w, 1));
	}
	/* A site below _stext (rel_addr < 0) is found as well. */
	{
		struct kdbt_poke_loc below = loc(STEXT - 0x1000, jmp5, 5);
		u8 buf[8] = { KDBT_INT3, 0x1f, 0x44, 0, 0, 0x90, 0x90, 0x90 };

		result("below_stext",
		       kdbt_pokes_overlay(buf, STEXT - 0x1000, sizeof(buf),
					  &below, 1, STEXT) == 1 &&
		       buf[0] == 0xe9 && buf[4] == 0 && buf[5] == 0x90 ?
		       NULL : "site below _stext not overlaid");
	}
	/* A corrupt length never writes past the site's five bytes. */
	{
		struct kdbt_poke_loc bad = loc(SITE, jmp5, 5);

		bad.len = 200;
		result("len_capped", overlay(&bad, 1, 1, NULL, 0,
					     sizeof(native), want, 1));
	}
	/* The batch's own three pokes are its sites'; others are not. */
	{
		const char *why = NULL;

		if (!kdbt_pokes_cover(SITE, 1, &one, 1, STEXT))
			why = "step 1 (the int3) not covered";
		else if (!kdbt_pokes_cover(SITE + 1, 4, &one, 1, STEXT))
			why = "step 2 (the tail) not covered";
		else if (!kdbt_pokes_cover(SITE, 5, &one, 1, STEXT))
			why = "the whole site not covered";
		else if (kdbt_pokes_cover(SITE + 1, 5, &one, 1, STEXT))
			why = "a poke past the site's end covered";
		else if (kdbt_pokes_cover(SITE - 1, 2, &one, 1, STEXT))
			why = "a poke from before the site covered";
		else if (kdbt_pokes_cover(SITE, 0, &one, 1, STEXT))
			why = "an empty poke covered";
		else if (kdbt_pokes_cover(SITE, 1, &one, 0, STEXT))
			why = "covered by an empty batch";
		else if (!kdbt_pokes_cover(SITE + 2, 3, two, 2, STEXT))
			why = "the second site of two not covered";
		result("cover", why);
	}
	/* No batch: nothing to do. */
	result("empty_vector", overlay(&one, 0, 1, NULL, 0, sizeof(native),
				       int3_native, 0));
	return failed;
}
