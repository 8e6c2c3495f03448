// SPDX-License-Identifier: GPL-2.0
/*
 * maps.c - native <-> cache address maps.
 *
 * Input: the blocks and per-instruction maps translate.c publishes.
 * Output: the native instruction behind a cache address (exceptions,
 * oops reports, switchoff) and the cache translation of a native
 * instruction (resuming a native context in the cache).
 * Invariants: read-only; blocks are allocated in cache order, so a binary
 * search over block ids finds the block that holds a cache address.
 */
#include "core.h"

/**
 * kdbt_block_at_cache() - the block whose translation holds @cache.
 * @tr: the translator.
 * @cache: a run-time cache address.
 *
 * Return: the block, or NULL (stubs outside blocks, free space).
 */
struct kdbt_block *kdbt_block_at_cache(const struct kdbt_tr *tr, u64 cache)
{
	u32 lo = 1, hi = tr->nblocks;
	u64 off;

	if (cache < tr->mem.cache_addr)
		return NULL;
	off = cache - tr->mem.cache_addr;
	while (lo < hi) {	/* first block starting above off */
		u32 mid = lo + (hi - lo) / 2;

		if (tr->mem.blocks[mid].cache_off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 1)
		return NULL;
	if (off >= tr->mem.blocks[lo - 1].cache_off +
		   tr->mem.blocks[lo - 1].cache_len)
		return NULL;
	return &tr->mem.blocks[lo - 1];
}

/**
 * kdbt_block_maps_fit() - whether block @b's map entries lie in the maps
 * table: always, but for a reader without the lock that met a block
 * being written again after a flush (traces.c drops what it read then,
 * and must not have read past the table meanwhile).
 * @tr: the translator.
 * @b: one of its blocks.
 *
 * Return: true if they do.
 */
bool kdbt_block_maps_fit(const struct kdbt_tr *tr, const struct kdbt_block *b)
{
	return (u64)b->map + b->ninsns <= tr->mem.max_maps;
}

/* Bytes an indirect entry (emit_ientry()) spans, at most. */
#define IENTRY_MAX_BYTES	40

/*
 * Whether the check of an indirect entry at @p (its lea) is followed by
 * its miss: jrcxz over a jmp to the dispatcher, rel32 or through a
 * literal (emit_ientry(), emit_jmp_abs()).  What tells an entry from
 * bytes that only look like its first eight, and what a stand-alone
 * entry leading out of the cache has instead of a block.  @end: where
 * the used cache ends.
 */
static bool ientry_miss_follows(const struct kdbt_tr *tr, u64 a, u64 end)
{
	const u8 *p = (const u8 *)(unsigned long)a;
	u64 lit;

	if (a + 9 + 14 > end)
		return false;
	if (p[8] == 5 && p[9] == 0xe9)
		return a + 14 + (s64)(s32)kdbt_le32(p + 10) ==
		       tr->cfg.dispatch_indirect;
	if (p[8] != 14 || p[9] != 0xff || p[10] != 0x25 || kdbt_le32(p + 11))
		return false;
	lit = kdbt_le32(p + 15) | (u64)kdbt_le32(p + 19) << 32;
	return lit == tr->cfg.dispatch_indirect;
}

/*
 * The native target of an indirect entry, for @cache inside one: the
 * entry's check, `lea -native(%rdx),%rcx; jrcxz`, names it.  Indirect
 * entries lie outside every block (before a chain's first block, or on
 * their own, leading to a block or out of the cache to native code: a
 * return into entry code, say); the bytes that follow the check must be
 * its miss, or the native address must have a block.  Return: its
 * native address, or 0.
 */
static u64 ientry_native(const struct kdbt_tr *tr, u64 cache)
{
	u64 lo = tr->mem.cache_addr, end = lo + tr->cache_used, a;
	const u8 *p;
	u64 native;
	u32 back;

	/* from 4 bytes on (@cache in its endbr64) to IENTRY_MAX_BYTES back */
	for (back = 0; back < IENTRY_MAX_BYTES + 4; back++) {
		a = cache + 4 - back;
		if (a < lo || a + 8 > end)
			continue;
		p = (const u8 *)(unsigned long)a;
		if (p[0] != 0x48 || p[1] != 0x8d || p[2] != 0x8a || p[7] != 0xe3)
			continue;
		if (a > cache && (a - 4 < lo || p[-4] != 0xf3 || p[-3] != 0x0f ||
				  p[-2] != 0x1e || p[-1] != 0xfa))
			continue;
		native = (u64)-(s64)(s32)kdbt_le32(p + 3);
		if (ientry_miss_follows(tr, a, end) ||
		    kdbt_find_block(tr, native))
			return native;
	}
	return 0;
}

/**
 * kdbt_cache_to_native() - the native instruction a cache address belongs to.
 * @tr: the translator.
 * @cache: a run-time cache address inside a block or an indirect entry.
 *
 * A fast-mode return site maps to the native return address; an indirect
 * entry to the first instruction of the block it leads to, or to the
 * native code it leaves the cache for.
 *
 * Return: the native address, or 0 if @cache is in neither.
 */
u64 kdbt_cache_to_native(const struct kdbt_tr *tr, u64 cache)
{
	const struct kdbt_block *b = kdbt_block_at_cache(tr, cache);
	const struct kdbt_map *m;
	u64 off;
	u32 i;

	if (!b)
		return ientry_native(tr, cache);
	off = cache - kdbt_block_entry(tr, b);
	if (b->ret_site && off >= b->ret_site)
		return b->native + b->native_len;
	if (!kdbt_block_maps_fit(tr, b))
		return 0;
	m = &tr->mem.maps[b->map];
	for (i = b->ninsns; i > 0; i--)
		if (m[i - 1].cache_off <= off)
			return b->native + m[i - 1].native_off;
	return b->native;	/* the counter belongs to the first insn */
}

/* The cache address of @native inside block @b, or 0. */
static u64 in_block(const struct kdbt_tr *tr, const struct kdbt_block *b,
		    u64 native)
{
	const struct kdbt_map *m = &tr->mem.maps[b->map];
	u32 i;

	if (native < b->native || native >= b->native + b->native_len)
		return 0;
	for (i = 0; i < b->ninsns; i++)
		if (b->native + m[i].native_off == native)
			return kdbt_block_entry(tr, b) + m[i].cache_off;
	return 0;
}

/**
 * kdbt_native_to_cache() - where native instruction @native can be resumed.
 * @tr: the translator.
 * @native: a native instruction address.
 *
 * A block start resumes at the block's entry (counted); an instruction
 * inside a block at its own translation.  Blocks are found by probing the
 * hash for every start address up to KDBT_MAX_BLOCK_BYTES back: slow, for
 * slow paths only.
 *
 * Return: the cache address, or 0 if @native is not translated.
 */
u64 kdbt_native_to_cache(const struct kdbt_tr *tr, u64 native)
{
	const struct kdbt_block *b;
	u64 start, cache;

	b = kdbt_find_block(tr, native);
	if (b)
		return kdbt_block_entry(tr, b);
	for (start = native - 1; start + KDBT_MAX_BLOCK_BYTES > native &&
	     start < native; start--) {
		b = kdbt_find_block(tr, start);
		if (b) {
			cache = in_block(tr, b, native);
			if (cache)
				return cache;
		}
	}
	return 0;
}
