// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - load and unload kdbt.ko.
 *
 * Owns: the order of initialisation (symbols, decoder self-test, engine,
 * /proc) and
 * its exact reverse at unload.
 * Must never: leave anything registered when init fails, or start
 * translating from init (translation starts from /proc/kdbt/control, after
 * init has returned and trim_init_extable() has run; see docs/KERNEL.md,
 * section 7, "Exceptions, the exception table, BUG/WARN, unwinding").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "kdbt.h"
#include "kdbt_abi.h"

static char *selftest_fn = "__schedule";
module_param(selftest_fn, charp, 0400);
MODULE_PARM_DESC(selftest_fn, "kernel function decoded at load (default __schedule)");

static int __init kdbt_init(void)
{
	int err;

	if (kdbt_ibt_enforced()) {	/* before any call through a pointer */
		pr_err("CET indirect branch tracking (IBT) is enforced: kdbt cannot run (boot with ibt=off to profile)\n");
		return -EOPNOTSUPP;
	}
	err = kdbt_ksyms_init();
	if (err)
		return err;
	err = kdbt_selftest_decode(selftest_fn);
	if (err)
		return err;
	err = kdbt_engine_init();
	if (err)
		return err;
	err = kdbt_procfs_init();
	if (err) {
		kdbt_engine_exit();
		return err;
	}
	pr_info("loaded, release %s, /proc/%s ready\n", KDBT_RELEASE,
		KDBT_PROC_DIR);
	return 0;
}

static void __exit kdbt_exit(void)
{
	kdbt_procfs_exit();
	kdbt_engine_exit();
	pr_info("unloaded\n");
}

module_init(kdbt_init);
module_exit(kdbt_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdbt: exact kernel profiling by dynamic binary translation");
MODULE_VERSION(KDBT_RELEASE);
