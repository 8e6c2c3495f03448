// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt_test_spin.c - a system call that stays in the kernel, calling a
 * function in a loop, for translate-off-leaves.sh: writing "spin" to
 * /proc/kdbt_test_spin calls kdbt_spin_step() over and over until "stop"
 * is written (or a signal comes, or 15 s pass); reading it gives the
 * calls so far.  Entered while kdbt is on, the loop runs in the code
 * cache, and its only way out is a return or an exit that leads to the
 * dispatcher: after off, kdbt_spin_step()'s count must stop while the
 * calls go on.  The loop calls nothing else: the return of a function
 * with many callers, cond_resched() say, has its slots full of others
 * and would leave through the jumptable whatever off does.  It does not
 * yield, so it stops after 15 s, below the soft-lockup and RCU-stall
 * limits.  (Not module parameters: sysfs holds the module's parameter
 * lock across a write, so "stop" could not get in.)
 *
 * Owns: /proc/kdbt_test_spin.
 * Must never: be loaded outside a test guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>

static unsigned long steps;
static bool stop;

static noinline long kdbt_spin_step(long x)
{
	return x * 7 + 1;
}

static void spin(void)
{
	unsigned long end = jiffies + 15 * HZ;
	long x = 0;

	WRITE_ONCE(stop, false);
	while (!READ_ONCE(stop) && !signal_pending(current) &&
	       time_before(jiffies, end)) {
		x = kdbt_spin_step(x) & 0xffff;
		WRITE_ONCE(steps, steps + 1);
		cpu_relax();
	}
	pr_info("%lu steps: %ld\n", steps, x);
}

static ssize_t spin_write(struct file *file, const char __user *buf,
			  size_t len, loff_t *pos)
{
	char word[8];

	if (len == 0 || len >= sizeof(word))
		return -EINVAL;
	if (copy_from_user(word, buf, len))
		return -EFAULT;
	word[len] = '\0';
	if (sysfs_streq(word, "spin"))
		spin();
	else if (sysfs_streq(word, "stop"))
		WRITE_ONCE(stop, true);
	else
		return -EINVAL;
	return len;
}

static int spin_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%lu\n", READ_ONCE(steps));
	return 0;
}

static int spin_open(struct inode *inode, struct file *file)
{
	return single_open(file, spin_show, NULL);
}

static const struct proc_ops spin_ops = {
	.proc_open = spin_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = spin_write,
};

static int __init spin_init(void)
{
	return proc_create("kdbt_test_spin", 0600, NULL, &spin_ops) ?
	       0 : -ENOMEM;
}
module_init(spin_init);

static void __exit spin_exit(void)
{
	remove_proc_entry("kdbt_test_spin", NULL);
}
module_exit(spin_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdbt test: a system call that loops in the kernel until stopped");
