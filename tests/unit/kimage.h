/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kimage.h - the guest kernel's image, offline: its text from an ELF
 * vmlinux, and its functions from a list made from /proc/kallsyms.
 */
#ifndef KIMAGE_H
#define KIMAGE_H

#include <stddef.h>

struct kimage;

struct kimage *kimage_open(const char *path);
int kimage_read(const struct kimage *k, unsigned long long addr, void *buf,
		size_t len);
int kimage_write(struct kimage *k, unsigned long long addr, const void *buf,
		 size_t len);
void kimage_close(struct kimage *k);

typedef int (*kfunc_fn)(unsigned long long start, unsigned long long size,
			const char *name, void *ctx);
struct ksyms;

struct ksyms *ksyms_load(const char *path);
void ksyms_free(struct ksyms *ks);
int ksyms_range(const struct ksyms *ks, const char *name,
		unsigned long long *start, unsigned long long *end);
long ksyms_functions(const struct ksyms *ks, kfunc_fn fn, void *ctx);
int ksyms_start(const struct ksyms *ks, unsigned long long addr,
		unsigned long long *start);
int ksyms_extable(const struct ksyms *ks, unsigned long long *start,
		  unsigned long long *end);

#endif /* KIMAGE_H */
