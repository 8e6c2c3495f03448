/* SPDX-License-Identifier: GPL-2.0 */
/* cache_size.h - the size of the code cache (cache.S, engine.c). */
#ifndef KDBT_CACHE_SIZE_H
#define KDBT_CACHE_SIZE_H

#define KDBT_CACHE_BYTES	(32 << 20)
/*
 * Its last page outlives every flush, and the translator uses the cache
 * below it.  The first half holds the entry trampolines (entries.c), the
 * second the veneers through which kdbt calls kernel functions (ksyms.c).
 */
#define KDBT_TAIL_BYTES		4096
#define KDBT_TRAMP_OFF		(KDBT_CACHE_BYTES - KDBT_TAIL_BYTES)
#define KDBT_TRAMP_BYTES	2048
#define KDBT_VENEER_OFF		(KDBT_TRAMP_OFF + KDBT_TRAMP_BYTES)
#define KDBT_VENEER_BYTES	(KDBT_TAIL_BYTES - KDBT_TRAMP_BYTES)

#endif /* KDBT_CACHE_SIZE_H */
