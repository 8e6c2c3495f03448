/* SPDX-License-Identifier: GPL-2.0 */
/* cache_size.h - the size of the code cache (cache.S, engine.c). */
#ifndef KDBT_CACHE_SIZE_H
#define KDBT_CACHE_SIZE_H

#define KDBT_CACHE_BYTES	(32 << 20)

#endif /* KDBT_CACHE_SIZE_H */
