/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt_env.h - the one interface between the translator core and the world.
 *
 * Owns: the integer types and errno values the freestanding core uses, in
 * the kernel (kdbt.ko) and in userspace (the unit tests).
 * Must never: pull in anything but types and errno values; core files
 * include this instead of kernel or libc headers.
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
#include <errno.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
#endif

#endif /* KDBT_ENV_H */
