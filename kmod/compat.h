/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every difference between the kernels kdbt.ko builds for
 * (Debian 12's 6.1 and its alternative 6.12), in one place.
 *
 * The kernel glue, C and assembly (kentry.S), includes this header
 * instead of testing LINUX_VERSION_CODE itself; the freestanding
 * translator core (core/) never sees it.
 *
 * Owns: the version tests, each with the kernel release that brought the
 * change.
 * Must never: be included by the freestanding core.
 */
#ifndef KDBT_COMPAT_H
#define KDBT_COMPAT_H

#include <linux/version.h>
#include "kver_check.h"

#ifdef __ASSEMBLY__

#include <asm/unwind_hints.h>

/*
 * Code the ORC unwinder cannot unwind through (kentry.S: objtool sees it
 * where it checks the linked module).  6.4 renamed UNWIND_HINT_EMPTY.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KDBT_UNWIND_HINT_NONE UNWIND_HINT_UNDEFINED
#else
#define KDBT_UNWIND_HINT_NONE UNWIND_HINT_EMPTY
#endif

#else /* !__ASSEMBLY__ */

#include <linux/mmzone.h>
#include <linux/module.h>

/* 6.12: <asm/unaligned.h> moved to <linux/unaligned.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * The number of page orders the buddy allocator has (an allocation of
 * order o needs o < KDBT_PAGE_ORDERS).  6.4 made MAX_ORDER the largest
 * order instead of one past it; 6.8 renamed it MAX_PAGE_ORDER and added
 * NR_PAGE_ORDERS.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define KDBT_PAGE_ORDERS NR_PAGE_ORDERS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KDBT_PAGE_ORDERS (MAX_ORDER + 1)
#else
#define KDBT_PAGE_ORDERS MAX_ORDER
#endif

/*
 * A module's text, core or init: base and size.  6.4 replaced
 * core_layout/init_layout (text first, text_size) with one region per
 * kind of memory, mod->mem[MOD_TEXT] and mod->mem[MOD_INIT_TEXT].
 */
static inline void kdbt_module_text(const struct module *mod, bool init,
				    unsigned long *base, unsigned long *size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	const struct module_memory *m =
		&mod->mem[init ? MOD_INIT_TEXT : MOD_TEXT];

	*base = (unsigned long)m->base;
	*size = m->size;
#else
	const struct module_layout *l = init ? &mod->init_layout
					     : &mod->core_layout;

	*base = (unsigned long)l->base;
	*size = l->text_size;
#endif
}

#endif /* __ASSEMBLY__ */
#endif /* KDBT_COMPAT_H */
