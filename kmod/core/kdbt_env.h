/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt_env.h - the one interface between the translator core and the world.
 *
 * Owns: the integer types and errno values the freestanding core uses, in
 * the kernel (kdbt.ko: the kernel's own) and in userspace (the unit tests:
 * the compiler's <stddef.h>, <stdint.h> and <stdbool.h>, and Linux's errno
 * values defined here, so that the core needs nothing of libc).
 * And kdbt_publish_barrier(): a compiler barrier, so that what the core
 * publishes (a block, then the count that covers it) is stored in that
 * order (x86: the CPU keeps it) for readers that take no lock.
 * Must never: pull in anything but types, errno values and that barrier;
 * core files include this instead of kernel or libc headers (checked by
 * tests/unit/core-freestanding.sh).
 */
#ifndef KDBT_ENV_H
#define KDBT_ENV_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#else
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
/*
 * The values the core returns negated, as in <linux/errno.h>.  A test
 * that includes libc's <errno.h> too gets the same definitions from it;
 * one that differed would be a redefined macro, an error under -Werror.
 */
#define EPERM		1
#define EFAULT		14
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define ENODATA		61
#define EILSEQ		84
#define EOPNOTSUPP	95
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
#endif

/* The kernel's barrier(), which the core may not include. */
static inline void kdbt_publish_barrier(void)
{
	__asm__ __volatile__("" : : : "memory");
}

#endif /* KDBT_ENV_H */
