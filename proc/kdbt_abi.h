/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt_abi.h - the /proc/kdbt ABI shared by kdbt.ko and the userspace tools.
 *
 * Owns: the ABI version and the names of the /proc/kdbt files and fields.
 * Must never: include kernel or libc headers, or rename a field (fields are
 * added, never renamed; a change that breaks readers bumps the version).
 */
#ifndef KDBT_ABI_H
#define KDBT_ABI_H

/* Version of the /proc/kdbt text formats (the `version` line of stats). */
#define KDBT_ABI_VERSION	1

/* Release of kdbt itself (module and tools ship together). */
#define KDBT_RELEASE		"0.1.0"

#define KDBT_PROC_DIR		"kdbt"
#define KDBT_PROC_STATS		"stats"
#define KDBT_PROC_CONTROL	"control"

#endif /* KDBT_ABI_H */
