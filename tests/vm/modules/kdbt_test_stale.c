// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt_test_stale.c - an old interrupt frame on a sleeping thread's stack,
 * for translate-stale-frame.sh: a kernel thread keeps, in a local of the
 * frame it sleeps in, five words shaped like the head of an interrupt
 * frame (ip, __KERNEL_CS, flags, sp, ss) whose ip is @addr, a cache
 * address that maps to no native instruction - what a thread preempted
 * inside a sequence kdbt inserted leaves behind once it has moved on and
 * a later frame never overwrote the words.  kdbt's switch-off must see
 * that the frame is old (the unwinder walks the thread's stack to its
 * end without it) and free the cache all the same.
 *
 * Owns: its thread, which sleeps until the module is removed.
 * Must never: be loaded outside a test guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>

static unsigned long addr;
module_param(addr, ulong, 0400);
MODULE_PARM_DESC(addr, "the ip of the old frame (a cache address)");

static struct task_struct *thread;

static int keep_old_frame(void *unused)
{
	volatile unsigned long frame[8];

	frame[0] = addr;
	frame[1] = __KERNEL_CS;
	frame[2] = X86_EFLAGS_FIXED | X86_EFLAGS_IF;
	frame[3] = (unsigned long)&frame[6];
	frame[4] = __KERNEL_DS;
	frame[5] = 0;
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return frame[0] == addr ? 0 : -EINVAL;	/* (keeps the frame live) */
}

static int __init stale_init(void)
{
	if (!addr)
		return -EINVAL;
	thread = kthread_run(keep_old_frame, NULL, "kdbt_stale");
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	pr_info("an old frame with ip %px on %s's stack\n", (void *)addr,
		thread->comm);
	return 0;
}

static void __exit stale_exit(void)
{
	kthread_stop(thread);
}

module_init(stale_init);
module_exit(stale_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdbt test: an old interrupt frame on a sleeping stack");
