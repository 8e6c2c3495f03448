// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - decode one live kernel function at load time.
 *
 * Owns: the proof that Zydis, built freestanding into kdbt.ko, decodes the
 * running (alternatives-patched) kernel text: it decodes a whole function
 * and reports the instruction count in dmesg.
 * Must never: write kernel text, or read it other than with
 * copy_from_kernel_nofault().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "kdbt.h"
#include "core/decode.h"

/* Functions larger than this are not worth a self-test. */
#define SELFTEST_MAX_BYTES	(64 * 1024)

/**
 * kdbt_selftest_decode() - decode kernel function @name and log the count.
 * @name: a kernel text symbol.
 *
 * Return: 0 if the whole function decodes and its last instruction ends
 * exactly at the end of the symbol; -ENOENT, -EFBIG, -ENOMEM, -EFAULT or
 * the decoder's error otherwise.
 */
int kdbt_selftest_decode(const char *name)
{
	unsigned long addr, size, offset;
	struct kdbt_decoder dec;
	unsigned int count;
	u8 *buf;
	int err;

	addr = kdbt_ksym_addr(name);
	if (!addr || !kdbt_ksyms.lookup_size_offset(addr, &size, &offset)) {
		pr_err("selftest: no kernel function %s\n", name);
		return -ENOENT;
	}
	if (!size || size > SELFTEST_MAX_BYTES) {
		pr_err("selftest: %s has unusable size %lu\n", name, size);
		return -EFBIG;
	}
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = copy_from_kernel_nofault(buf, (void *)addr, size);
	if (err) {
		pr_err("selftest: cannot read %s: %d\n", name, err);
		goto out_free;
	}
	err = kdbt_decoder_init(&dec);
	if (!err)
		err = kdbt_count_insns(&dec, buf, size, addr, &count);
	if (err)
		pr_err("selftest: decoding %s failed after %u instructions: %d\n",
		       name, count, err);
	else
		pr_info("selftest: decoded %s: %lu bytes, %u instructions (Zydis %u.%u.%u)\n",
			name, size, count,
			(unsigned int)ZYDIS_VERSION_MAJOR(ZYDIS_VERSION),
			(unsigned int)ZYDIS_VERSION_MINOR(ZYDIS_VERSION),
			(unsigned int)ZYDIS_VERSION_PATCH(ZYDIS_VERSION));
out_free:
	kfree(buf);
	return err;
}
