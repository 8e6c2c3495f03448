// SPDX-License-Identifier: GPL-2.0
/*
 * procfs.c - the /proc/kdbt directory (ABI in proc/kdbt_abi.h, man kdbt(4)).
 *
 * Owns: creating and removing /proc/kdbt and its files, and formatting them.
 * Every file is root-only: the directory is 0500 and files are 0400, so an
 * unprivileged open fails with EACCES.
 * Must never: rename a field (fields are added, never renamed), or sleep
 * while holding anything the translator needs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "kdbt.h"
#include "kdbt_abi.h"

static struct proc_dir_entry *kdbt_proc_dir;

/* cache / (cache + native translatable), in percent with 2 decimals. */
static void show_coverage(struct seq_file *m, const struct kdbt_stats *s)
{
	u64 all = s->samples_cache + s->samples_native;
	u64 c = all ? div64_u64(s->samples_cache * 10000, all) : 0;

	seq_printf(m, "coverage %llu.%02llu\n", c / 100, c % 100);
}

static int stats_show(struct seq_file *m, void *v)
{
	struct kdbt_stats s;

	kdbt_engine_stats(&s);
	seq_printf(m, "version %d\n", KDBT_ABI_VERSION);
	seq_printf(m, "release %s\n", KDBT_RELEASE);
	seq_printf(m, "state %s\n", s.on ? "on" : "off");
	seq_printf(m, "mode %s\n", s.mode_fast ? "fast" : "transparent");
	seq_printf(m, "blocks %llu\n", s.blocks);
	seq_printf(m, "cache_bytes_used %llu\n", s.cache_used);
	seq_printf(m, "cache_bytes_total %llu\n", s.cache_total);
	seq_printf(m, "instructions %llu\n", s.instructions);
	seq_printf(m, "block_executions %llu\n", s.block_execs);
	seq_printf(m, "indirect_branches %llu\n", s.indirect);
	seq_printf(m, "jumptable_misses %llu\n", s.jt_misses);
	seq_printf(m, "dispatches %llu\n", s.dispatches);
	seq_printf(m, "exits %llu\n", s.exits);
	seq_printf(m, "indirect_sites %llu\n", s.sites);
	seq_printf(m, "native_stubs %llu\n", s.native_stubs);
	seq_printf(m, "extable_entries %llu\n", s.extable_entries);
	seq_printf(m, "extable_full %llu\n", s.extable_full);
	seq_printf(m, "refused %llu\n", s.refused);
	seq_printf(m, "vectors_translated %llu\n", s.vectors);
	seq_printf(m, "vectors_native %llu\n", s.vectors_native);
	seq_printf(m, "pulls %llu\n", s.pulls);
	seq_printf(m, "cpu_installs %llu\n", s.cpu_installs);
	seq_printf(m, "dispatch_deferred %llu\n", s.reentries);
	seq_printf(m, "samples_cache %llu\n", s.samples_cache);
	seq_printf(m, "samples_native %llu\n", s.samples_native);
	seq_printf(m, "samples_entry_and_thunks %llu\n", s.samples_kept_native);
	seq_printf(m, "samples_other_kernel %llu\n", s.samples_other);
	seq_printf(m, "samples_user %llu\n", s.samples_user);
	show_coverage(m, &s);
	seq_printf(m, "text_pokes %llu\n", s.text_pokes);
	seq_printf(m, "invalidated_blocks %llu\n", s.invalidated);
	seq_printf(m, "text_pokes_missed %llu\n", s.pokes_missed);
	seq_printf(m, "cache_full %llu\n", s.cache_full);
	seq_printf(m, "stack_rewrites %llu\n", s.stack_rewrites);
	seq_printf(m, "flushes %llu\n", s.flushes);
	seq_printf(m, "switchons %llu\n", s.ons);
	seq_printf(m, "switchoffs %llu\n", s.offs);
	seq_printf(m, "resets %llu\n", s.resets);
	return 0;
}

/*
 * /proc/kdbt/control: one command per write - "on", "off", "reset",
 * "mode fast", "mode transparent".  Anything else is -EINVAL and one
 * dmesg line.
 */
static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[32], *cmd;
	int err = 0;

	if (count >= sizeof(buf))
		goto bad_len;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	cmd = strim(buf);
	if (!strcmp(cmd, "on"))
		err = kdbt_on();
	else if (!strcmp(cmd, "off"))
		err = kdbt_off();
	else if (!strcmp(cmd, "reset"))
		kdbt_reset();
	else if (!strcmp(cmd, "mode fast"))
		err = kdbt_mode_set(true);
	else if (!strcmp(cmd, "mode transparent"))
		err = kdbt_mode_set(false);
	else
		goto bad;
	if (err == -EBUSY && !strncmp(cmd, "mode", 4))
		pr_warn("control: \"%s\" refused: translation is on, or fast-mode stacks could not be rewritten\n",
			cmd);
	return err ? err : count;
bad:
	pr_warn("control: unknown command \"%s\" (on, off, reset, mode fast, mode transparent)\n",
		cmd);
	return -EINVAL;
bad_len:
	pr_warn("control: command too long (%zu bytes)\n", count);
	return -EINVAL;
}

static const struct proc_ops control_ops = {
	.proc_write = control_write,
	.proc_lseek = noop_llseek,
};

/**
 * kdbt_procfs_init() - create /proc/kdbt and its files.
 *
 * Return: 0, or -ENOMEM (nothing is left behind on failure).
 */
int kdbt_procfs_init(void)
{
	kdbt_proc_dir = proc_mkdir_mode(KDBT_PROC_DIR, 0500, NULL);
	if (!kdbt_proc_dir)
		return -ENOMEM;
	if (!proc_create_single(KDBT_PROC_STATS, 0400, kdbt_proc_dir,
				stats_show) ||
	    !proc_create(KDBT_PROC_CONTROL, 0200, kdbt_proc_dir, &control_ops))
		goto out_remove_dir;
	return 0;

out_remove_dir:
	proc_remove(kdbt_proc_dir);
	kdbt_proc_dir = NULL;
	return -ENOMEM;
}

/**
 * kdbt_procfs_exit() - remove /proc/kdbt; waits for open readers to finish.
 */
void kdbt_procfs_exit(void)
{
	proc_remove(kdbt_proc_dir);
	kdbt_proc_dir = NULL;
}
