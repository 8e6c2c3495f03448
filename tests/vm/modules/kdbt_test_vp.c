// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt_test_vp.c - one indirect call site with a known mix of targets,
 * for profile-targets.sh: writing N to the parameter `run` makes
 * kdbt_vp_mix() call through a table of function pointers N times, the
 * first target 1000 times, the second 200 and the third 7 in every 1207
 * calls (N = 1207: exactly those), all from one `call` in its loop.
 * kdbt's value profile of that site must count exactly that.
 *
 * Owns: nothing but its parameter.
 * Must never: be loaded outside a test guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static noinline long kdbt_vp_t0(long x)
{
	return x + 1;
}

static noinline long kdbt_vp_t1(long x)
{
	return x * 3;
}

static noinline long kdbt_vp_t2(long x)
{
	return x ^ 0x55;
}

static long (*volatile kdbt_vp_table[3])(long) = {
	kdbt_vp_t0, kdbt_vp_t1, kdbt_vp_t2
};

/* The site: one indirect call, whose target follows the call's number. */
static noinline long kdbt_vp_mix(unsigned long n)
{
	unsigned long i, j;
	long x = 0;

	for (i = 0; i < n; i++) {
		j = i % 1207;
		x = kdbt_vp_table[j < 1000 ? 0 : j < 1200 ? 1 : 2](x) & 0xffff;
	}
	return x;
}

static int run_set(const char *val, const struct kernel_param *kp)
{
	unsigned long n;
	int err = kstrtoul(val, 0, &n);

	if (err)
		return err;
	pr_info("%lu calls: %ld\n", n, kdbt_vp_mix(n));
	return 0;
}

static const struct kernel_param_ops run_ops = {
	.set = run_set,
};
module_param_cb(run, &run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "calls to make through the table");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdbt test: an indirect call site with a known mix of targets");
