/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kver_check.h - stop the build on a kernel kdbt does not know.
 *
 * kdbt.ko patches the kernel's entry code, follows its text patching and
 * keeps parts of it native by name (docs/KERNEL.md); all of that changes
 * between releases, so a kernel that is neither 6.1 nor 6.12 gets an
 * error here, at build time, rather than a module that might load.
 * (tests/unit/kernel-version-check.sh preprocesses this header for known
 * and unknown releases.)
 *
 * Owns: the list of supported kernel releases.
 * Must never: include anything but <linux/version.h>.
 */
#ifndef KDBT_KVER_CHECK_H
#define KDBT_KVER_CHECK_H

#include <linux/version.h>

#define KDBT_KVER_IN(a, b) \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(a, b, 0) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(a, (b) + 1, 0))

#if !(KDBT_KVER_IN(6, 1) || KDBT_KVER_IN(6, 12))
#error "kdbt.ko builds for Linux 6.1 and 6.12 only (docs/KERNEL.md)"
#endif

#endif /* KDBT_KVER_CHECK_H */
