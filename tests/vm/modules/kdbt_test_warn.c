// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt_test_warn.c - a WARN on demand, for traces-warn.sh: each write of
 * 1 to /sys/module/kdbt_test_warn/parameters/warn hits a WARN() in the
 * parameter's set function, called by the kernel's sysfs write path
 * (translated while kdbt is on), then counts the hit in `hits`: a count
 * that grows says the WARN returned where it trapped and the write went
 * on.  Its backtrace is what the test compares with the native one.
 *
 * Owns: nothing but its counter.
 * Must never: be loaded outside a test guest (it taints the kernel with
 * every write).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static unsigned int hits;
module_param(hits, uint, 0444);
MODULE_PARM_DESC(hits, "WARNs hit and returned from");

static noinline int warn_set(const char *val, const struct kernel_param *kp)
{
	bool yes;

	if (kstrtobool(val, &yes) || !yes)
		return -EINVAL;
	WARN(1, "kdbt_test_warn: hit %u\n", hits + 1);
	hits++;
	return 0;
}

static int warn_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "0\n");
}

static const struct kernel_param_ops warn_ops = {
	.set = warn_set,
	.get = warn_get,
};
module_param_cb(warn, &warn_ops, NULL, 0600);
MODULE_PARM_DESC(warn, "write 1: hit a WARN()");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdbt test: a WARN on demand");
