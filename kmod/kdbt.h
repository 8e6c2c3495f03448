/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt.h - declarations shared by the kernel-side glue of kdbt.ko.
 *
 * Owns: the interfaces between main.c, ksyms.c, selftest.c and procfs.c.
 * Must never: be included by the freestanding translator core.
 */
#ifndef KDBT_H
#define KDBT_H

#include <linux/types.h>

#define KDBT_PR_PREFIX "kdbt: "

/* ksyms.c: kernel symbols the module needs but the kernel does not export. */
struct kdbt_ksyms {
	unsigned long (*lookup_name)(const char *name);
	int (*lookup_size_offset)(unsigned long addr, unsigned long *size,
				  unsigned long *offset);
};

extern struct kdbt_ksyms kdbt_ksyms;

int kdbt_ksyms_init(void);

/* selftest.c: prove the decoder works on live kernel text. */
int kdbt_selftest_decode(const char *name);

/* procfs.c: /proc/kdbt. */
int kdbt_procfs_init(void);
void kdbt_procfs_exit(void);

#endif /* KDBT_H */
