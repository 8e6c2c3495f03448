/* SPDX-License-Identifier: GPL-2.0 */
/* cache_size.h - the size of the code cache (cache.S, engine.c). */
#ifndef KDBT_CACHE_SIZE_H
#define KDBT_CACHE_SIZE_H

#define KDBT_CACHE_BYTES	(32 << 20)
/*
 * Its last page holds the entry trampolines (entries.c), which outlive
 * every flush: the translator uses the cache below it.
 */
#define KDBT_TRAMP_BYTES	4096
#define KDBT_TRAMP_OFF		(KDBT_CACHE_BYTES - KDBT_TRAMP_BYTES)

#endif /* KDBT_CACHE_SIZE_H */
