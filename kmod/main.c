// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - load and unload kdbt.ko.
 *
 * Owns: the order of initialisation (the cache's alias, symbols and
 * veneers, the alias read-only, decoder self-test, engine, /proc) and
 * its exact reverse at unload.
 * Must never: leave anything registered when init fails, or start
 * translating from init (translation starts from /proc/kdbt/control, after
 * init has returned and trim_init_extable() has run; see docs/KERNEL.md,
 * section 7, "Exceptions, the exception table, BUG/WARN, unwinding").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "kdbt.h"
#include "engine.h"
#include "kdbt_abi.h"

static char *selftest_fn = "__schedule";
module_param(selftest_fn, charp, 0400);
MODULE_PARM_DESC(selftest_fn, "kernel function decoded at load (default __schedule)");

/*
 * The alias, then the veneers through it (ksyms.c: before the first call
 * of a kernel function through a pointer), then the alias read-only.
 */
static int __init kdbt_symbols_init(void)
{
	int err;

	err = kdbt_alias_map();
	if (err)
		return err;
	err = kdbt_ksyms_init();
	if (err) {
		kdbt_alias_unmap();
		return err;
	}
	kdbt_alias_protect();
	return 0;
}

static int __init kdbt_init(void)
{
	int err;

	err = kdbt_symbols_init();
	if (err)
		return err;
	err = kdbt_selftest_decode(selftest_fn);
	if (err)
		goto out_unmap;
	err = kdbt_engine_init();
	if (err)
		goto out_unmap;
	err = kdbt_procfs_init();
	if (err) {
		kdbt_engine_exit();
		goto out_unmap;
	}
	pr_info("loaded, release %s, /proc/%s ready, CET IBT %s\n",
		KDBT_RELEASE, KDBT_PROC_DIR,
		kdbt_ibt_enforced() ? "enforced" : "not enforced");
	return 0;
out_unmap:
	kdbt_alias_unmap();
	return err;
}

static void __exit kdbt_exit(void)
{
	kdbt_procfs_exit();
	kdbt_engine_exit();
	kdbt_alias_unmap();
	pr_info("unloaded\n");
}

module_init(kdbt_init);
module_exit(kdbt_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdbt: exact kernel profiling by dynamic binary translation");
MODULE_VERSION(KDBT_RELEASE);
