/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcore.h - read the running kernel's memory through /proc/kcore
 * (kcore.c), for kdbt-record's code bytes.
 */
#ifndef KDBT_KCORE_H
#define KDBT_KCORE_H

#include <elf.h>
#include <stddef.h>
#include "libkdbt.h"

#define KDBT_KCORE_PATH	"/proc/kcore"

struct kcore {
	int fd;
	Elf64_Phdr *load;	/* the PT_LOAD program headers */
	size_t nload;
};

int kcore_open(struct kcore *k, const char *path, struct kdbt_err *err);
int kcore_read(const struct kcore *k, __u64 addr, void *buf, size_t len);
void kcore_close(struct kcore *k);

#endif /* KDBT_KCORE_H */
