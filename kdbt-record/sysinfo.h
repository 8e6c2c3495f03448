/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysinfo.h - facts about the running kernel for kdbt-record (sysinfo.c).
 */
#ifndef KDBT_SYSINFO_H
#define KDBT_SYSINFO_H

#include <stddef.h>

struct kdbt_rec;

size_t kdbt_notes_build_id(const unsigned char *notes, size_t len,
			   unsigned char *id, size_t cap);
size_t kdbt_kernel_build_id(unsigned char *id, size_t cap);
size_t kdbt_module_build_id(const char *name, unsigned char *id, size_t cap);
int kdbt_rec_set_module_build_ids(struct kdbt_rec *r);
int kdbt_rec_set_system(struct kdbt_rec *r);

#endif /* KDBT_SYSINFO_H */
