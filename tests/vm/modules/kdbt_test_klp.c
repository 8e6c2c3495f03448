// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt_test_klp.c - a livepatch for the guest tests (after the kernel's
 * samples/livepatch/livepatch-sample.c): cmdline_proc_show(), the reader
 * of /proc/cmdline, is replaced by one that prints a fixed line, so a
 * test sees from user space which version of the function runs.
 *
 * Owns: nothing but its patch.
 * Must never: be loaded outside a test guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "kdbt-test-livepatched\n");
	return 0;
}

static struct klp_func funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	}, { }
};

static struct klp_object objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kdbt_test_klp_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kdbt_test_klp_exit(void)
{
}

module_init(kdbt_test_klp_init);
module_exit(kdbt_test_klp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("kdbt guest tests: a livepatch of cmdline_proc_show");
