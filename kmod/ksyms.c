// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms.c - find the unexported kernel symbols kdbt needs.
 *
 * Owns: resolving kallsyms_lookup_name() once at load, through a kprobe
 * that is registered disabled (KPROBE_FLAG_DISABLED: never armed, so no
 * kernel text is patched), and every other symbol through it.
 * Must never: arm a probe, or let the module load without a symbol it needs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/kallsyms.h>
#include "kdbt.h"

struct kdbt_ksyms kdbt_ksyms;

/* Address of kallsyms_lookup_name, via a probe that is never armed. */
static unsigned long find_lookup_name(void)
{
	struct kprobe kp = {
		.symbol_name = "kallsyms_lookup_name",
		.flags = KPROBE_FLAG_DISABLED,
	};
	unsigned long addr;
	int err;

	err = register_kprobe(&kp);
	if (err) {
		pr_err("cannot find kallsyms_lookup_name: register_kprobe: %d\n",
		       err);
		return 0;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

/* Resolve @name or say which symbol is missing. */
static unsigned long require(const char *name)
{
	unsigned long addr = kdbt_ksyms.lookup_name(name);

	if (!addr)
		pr_err("required kernel symbol %s not found\n", name);
	return addr;
}

/**
 * kdbt_ksyms_init() - resolve every kernel symbol kdbt uses.
 *
 * Cross-checks the kprobe result with sprint_symbol() so that a wrong
 * address is refused rather than called.
 *
 * Return: 0, or -ENOENT if a symbol is missing or does not check out.
 */
int kdbt_ksyms_init(void)
{
	char name[KSYM_SYMBOL_LEN];
	unsigned long addr;

	addr = find_lookup_name();
	if (!addr)
		return -ENOENT;
	sprint_symbol_no_offset(name, addr);
	if (strcmp(name, "kallsyms_lookup_name")) {
		pr_err("kallsyms_lookup_name resolved to %s, refusing\n", name);
		return -ENOENT;
	}
	kdbt_ksyms.lookup_name = (void *)addr;

	addr = require("kallsyms_lookup_size_offset");
	if (!addr)
		return -ENOENT;
	kdbt_ksyms.lookup_size_offset = (void *)addr;

	addr = require("kallsyms_lookup");
	if (!addr)
		return -ENOENT;
	kdbt_ksyms.lookup = (void *)addr;

	addr = require("kallsyms_show_value");
	if (!addr)
		return -ENOENT;
	kdbt_ksyms.show_value = (void *)addr;
	return 0;
}
