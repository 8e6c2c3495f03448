/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cache.S - the code cache: executable module memory, reserved here.
 *
 * A NOBITS executable section: the .ko stays small, the module loader
 * zero-fills it and maps it read-only and executable next to kdbt's text
 * (within rel32 and disp32 of the kernel), and the kernel sees cache
 * addresses as kdbt's text (oops reports, exception tables).  engine.c
 * writes it through a separate writable alias (vmap).
 * Must never: be made writable through this mapping; hold anything but
 * generated code (objtool skips this object: see Kbuild).
 */
#include <linux/linkage.h>
#include "cache_size.h"

	.section .kdbt_cache, "ax", @nobits
	.balign 4096
SYM_DATA_START(kdbt_cache)
	.skip KDBT_CACHE_BYTES
SYM_DATA_END(kdbt_cache)
