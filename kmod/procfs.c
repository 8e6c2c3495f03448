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

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "kdbt.h"
#include "kdbt_abi.h"

static struct proc_dir_entry *kdbt_proc_dir;

/* Translation is not implemented yet (issue 6): the state is always off. */
static const char *kdbt_state_name(void)
{
	return "off";
}

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "version %d\n", KDBT_ABI_VERSION);
	seq_printf(m, "release %s\n", KDBT_RELEASE);
	seq_printf(m, "state %s\n", kdbt_state_name());
	return 0;
}

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
				stats_show))
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
