// SPDX-License-Identifier: GPL-2.0
/*
 * procfs.c - the /proc/kdbt directory (ABI in proc/kdbt_abi.h, man kdbt(4)).
 *
 * Owns: creating and removing /proc/kdbt and its files, and formatting them
 * (but for the lines of stats, which stats.c formats from the table).
 * Who may open what (checked at open, against the opener's credentials,
 * besides the modes): control needs CAP_SYS_ADMIN in the initial user
 * namespace; the readers need that or CAP_PERFMON, as perf_event_open()
 * does (perfmon_capable()).  Root in a container's user namespace, or a
 * process with only CAP_DAC_OVERRIDE, gets EPERM.  The modes stay too:
 * the directory is 0500 and files are 0400 (control 0200; changes 0600:
 * its reader writes the form of its reads), so a user without
 * CAP_DAC_OVERRIDE who is not root gets EACCES first.
 * Must never: rename a field (fields are added, never renamed), or sleep
 * while holding anything the translator needs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "kdbt.h"
#include "kdbt_abi.h"

static struct proc_dir_entry *kdbt_proc_dir;

/*
 * may_control() - whether the opener of @file may drive kdbt: switch the
 * whole kernel's translation on or off, change its mode, reset it.
 * file_ns_capable() checks the credentials the file was opened with, so
 * a descriptor handed to a less privileged process keeps what it was.
 */
static bool may_control(const struct file *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
}

/* The one line a refused open logs (rate-limited: any process can try). */
static int refuse_open(const struct file *file, const char *needs)
{
	pr_notice_ratelimited("%s: open refused to %s[%d]: needs %s in the initial user namespace\n",
			      file->f_path.dentry->d_name.name, current->comm,
			      task_pid_nr(current), needs);
	return -EPERM;
}

/* A reader's open: 0 if its opener may read the counts, else -EPERM. */
static int may_read(const struct file *file)
{
	if (file_ns_capable(file, &init_user_ns, CAP_PERFMON) ||
	    may_control(file))
		return 0;
	return refuse_open(file, "CAP_PERFMON or CAP_SYS_ADMIN");
}

/* /proc/kdbt/stats: every statistic of KDBT_STATS(), printed by stats.c. */
static int stats_show(struct seq_file *m, void *v)
{
	struct kdbt_stats s;

	kdbt_engine_stats(&s);
	kdbt_stats_show(m, &s);
	return 0;
}

static int stats_open(struct inode *inode, struct file *file)
{
	return may_read(file) ?: single_open(file, stats_show, NULL);
}

static const struct proc_ops stats_fops = {
	.proc_open = stats_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

/* ------------------------------------------------------------------ */
/* blocks and functions: one line per record, from one profile epoch   */
/* ------------------------------------------------------------------ */

/*
 * A reader of blocks or functions: the epoch of its read from offset 0.
 * Records are only shown while that epoch lasts; after a reset or flush,
 * show() skips them and the next read() fails with EAGAIN, so a reader
 * never mixes counts from both sides.  (show() itself must not fail:
 * seq_file retries a failed ->show() while repositioning.)
 */
struct reader {
	unsigned int seq;
	bool show_addr;			/* kptr_restrict allows it */
	char name[KSYM_NAME_LEN];
};

/*
 * Position 0 is the header (SEQ_START_TOKEN, which is (void *)1); record
 * @pos (a block or function id, from 1) is (void *)(@pos + 1).
 */
static void *rec_at(loff_t pos, u32 n)
{
	return pos < n ? (void *)(uintptr_t)(pos + 1) : NULL;
}

static u32 rec_id(void *v)
{
	return (u32)((uintptr_t)v - 1);
}

static void *rec_start(struct seq_file *m, loff_t *pos, u32 n)
{
	struct reader *r = m->private;

	if (*pos == 0) {
		r->seq = kdbt_profile_begin();
		return SEQ_START_TOKEN;
	}
	if (kdbt_profile_changed(r->seq))
		return ERR_PTR(-EAGAIN);
	return rec_at(*pos, n);
}

static void *rec_next(struct seq_file *m, loff_t *pos, u32 n)
{
	++*pos;
	return rec_at(*pos, n);
}

static void rec_stop(struct seq_file *m, void *v)
{
}

/* "name+0xoff/0xsize [module]" or "name [module]" of @addr. */
static void show_symbol(struct seq_file *m, struct reader *r, u64 addr,
			bool with_offset)
{
	unsigned long size = 0, off = 0;
	char *mod = NULL;
	const char *name;

	name = kdbt_ksyms.lookup(addr, &size, &off, &mod, r->name);
	if (!name)
		seq_printf(m, "0x%llx [unknown]", r->show_addr ? addr : 0);
	else if (with_offset)
		seq_printf(m, "%s+0x%lx/0x%lx [%s]", name, off, size,
			   mod ? mod : "kernel");
	else
		seq_printf(m, "%s [%s]", name, mod ? mod : "kernel");
}

static void *blocks_start(struct seq_file *m, loff_t *pos)
{
	return rec_start(m, pos, kdbt_profile_nblocks());
}

static void *blocks_next(struct seq_file *m, void *v, loff_t *pos)
{
	return rec_next(m, pos, kdbt_profile_nblocks());
}

static int blocks_show(struct seq_file *m, void *v)
{
	static const char * const kinds[] = KDBT_KIND_NAMES;
	static const char * const edges[] = KDBT_EDGE_NAMES;
	struct reader *r = m->private;
	struct kdbt_snap_block b;
	u32 flags = kdbt_profile_flags(false);

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# version %d\n# %s\n", KDBT_ABI_VERSION,
			   KDBT_BLOCKS_COLUMNS);
		return 0;
	}
	kdbt_profile_block(rec_id(v), &b, false);
	if (kdbt_profile_changed(r->seq))
		return SEQ_SKIP;
	seq_printf(m, "%016llx ", r->show_addr ? b.native : 0);
	show_symbol(m, r, b.native, true);
	seq_printf(m, " %llu %llu %llu %llu %u %s %016llx %d %s %016llx\n",
		   b.executions * b.insns, b.executions,
		   kdbt_snap_indirect(&b, flags), b.misses, b.insns,
		   b.kind < KDBT_KIND_NR ? kinds[b.kind] : "?",
		   r->show_addr ? b.target : 0,
		   !!(b.flags & KDBT_BLOCK_DERIVED),
		   b.edge < KDBT_EDGE_NR ? edges[b.edge] : "?",
		   r->show_addr ? b.edge_of : 0);
	return 0;
}

static const struct seq_operations blocks_ops = {
	.start = blocks_start,
	.next = blocks_next,
	.stop = rec_stop,
	.show = blocks_show,
};

static void *funcs_start(struct seq_file *m, loff_t *pos)
{
	return rec_start(m, pos, kdbt_profile_nfuncs());
}

static void *funcs_next(struct seq_file *m, void *v, loff_t *pos)
{
	return rec_next(m, pos, kdbt_profile_nfuncs());
}

static int funcs_show(struct seq_file *m, void *v)
{
	struct reader *r = m->private;
	struct kdbt_func_sum f;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "# version %d\n# %s\n", KDBT_ABI_VERSION,
			   KDBT_FUNCTIONS_COLUMNS);
		return 0;
	}
	kdbt_profile_func(rec_id(v), &f);
	if (kdbt_profile_changed(r->seq))
		return SEQ_SKIP;
	show_symbol(m, r, f.start, false);
	seq_printf(m, " %llu %llu %llu %llu %u %llu\n", f.instructions,
		   f.executions, f.indirect, f.misses, f.blocks, f.calls);
	return 0;
}

static const struct seq_operations funcs_ops = {
	.start = funcs_start,
	.next = funcs_next,
	.stop = rec_stop,
	.show = funcs_show,
};

static int reader_open(struct file *file, const struct seq_operations *ops)
{
	struct reader *r;
	int err = may_read(file);

	if (err)
		return err;
	r = __seq_open_private(file, ops, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->show_addr = kdbt_ksyms.show_value(file->f_cred);
	return 0;
}

static int blocks_open(struct inode *inode, struct file *file)
{
	return reader_open(file, &blocks_ops);
}

static int funcs_open(struct inode *inode, struct file *file)
{
	return reader_open(file, &funcs_ops);
}

static const struct proc_ops blocks_fops = {
	.proc_open = blocks_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release_private,
};

static const struct proc_ops funcs_fops = {
	.proc_open = funcs_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release_private,
};

/* ------------------------------------------------------------------ */
/* native: where the coverage samples found code running natively      */
/* ------------------------------------------------------------------ */

static int native_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct kdbt_native_sample));
}

/* One place: @n samples at @ns. */
static void native_line(struct seq_file *m, struct reader *r, u32 n,
			const struct kdbt_native_sample *ns)
{
	unsigned int i;

	seq_printf(m, "%u ", n);
	show_symbol(m, r, ns->at[0], true);
	for (i = 1; i < KDBT_NATIVE_DEPTH && ns->at[i]; i++) {
		unsigned long size = 0, off = 0;
		char *mod = NULL;
		const char *name;

		name = kdbt_ksyms.lookup(ns->at[i], &size, &off, &mod, r->name);
		seq_putc(m, i == 1 ? ' ' : ',');
		if (name)
			seq_printf(m, "%s+0x%lx/0x%lx", name, off, size);
		else
			seq_printf(m, "0x%llx", r->show_addr ? ns->at[i] : 0);
	}
	seq_puts(m, i == 1 ? " -\n" : "\n");
}

/* A place: @len equal samples from index @start of the sorted samples. */
struct native_run {
	u32 start, len;
};

/* The most frequent place first; equal ones in the samples' order. */
static int native_run_cmp(const void *a, const void *b)
{
	const struct native_run *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Every CPU's last native samples, sorted so that equal places are
 * adjacent, grouped into places, and the places printed by frequency.
 */
static int native_show(struct seq_file *m, void *v)
{
	u32 max = nr_cpu_ids * KDBT_NATIVE_RING, n, i, nruns = 0;
	struct reader *r = m->private;
	struct kdbt_native_sample *ns;
	struct native_run *runs;

	seq_printf(m, "# version %d\n# %s\n", KDBT_ABI_VERSION,
		   KDBT_NATIVE_COLUMNS);
	ns = kvmalloc_array(max, sizeof(*ns), GFP_KERNEL);
	runs = kvmalloc_array(max, sizeof(*runs), GFP_KERNEL);
	if (!ns || !runs) {
		kvfree(ns);
		kvfree(runs);
		return -ENOMEM;
	}
	n = kdbt_coverage_native(ns);
	sort(ns, n, sizeof(*ns), native_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (i && !native_cmp(&ns[i - 1], &ns[i])) {
			runs[nruns - 1].len++;
			continue;
		}
		runs[nruns].start = i;
		runs[nruns++].len = 1;
	}
	sort(runs, nruns, sizeof(*runs), native_run_cmp, NULL);
	for (i = 0; i < nruns; i++)
		native_line(m, r, runs[i].len, &ns[runs[i].start]);
	kvfree(ns);
	kvfree(runs);
	return 0;
}

/* One record, the whole file: native_show() prints it at position 0. */
static void *native_start(struct seq_file *m, loff_t *pos)
{
	return *pos ? NULL : SEQ_START_TOKEN;
}

static void *native_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static const struct seq_operations native_ops = {
	.start = native_start,
	.next = native_next,
	.stop = rec_stop,
	.show = native_show,
};

static int native_open(struct inode *inode, struct file *file)
{
	return reader_open(file, &native_ops);
}

static const struct proc_ops native_fops = {
	.proc_open = native_open,
	.proc_read_iter = seq_read_iter,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release_private,
};

/*
 * The log lines of the control and changes files: one per refused
 * write, but at most 100 in 5 s, so that a writer in a loop cannot flood
 * the kernel log (the kernel's default, 10, would hide the line of a
 * single bad command typed after a few others).
 */
static DEFINE_RATELIMIT_STATE(control_log, 5 * HZ, 100);
#define control_warn(fmt, ...)						\
	do {								\
		if (__ratelimit(&control_log))				\
			pr_warn(fmt, ##__VA_ARGS__);			\
	} while (0)

/* ------------------------------------------------------------------ */
/* snapshot: binary, taken whole at every read from offset 0           */
/* ------------------------------------------------------------------ */

struct snap_reader {
	struct mutex lock;
	void *buf;
	size_t cap;
	ssize_t len;		/* of the snapshot in buf; <0: none yet */
	bool hide;
	bool changes;		/* /proc/kdbt/changes: @seen is used */
	struct kdbt_snap_seen seen;
};

static int snap_reader_open(struct file *file, bool changes)
{
	struct snap_reader *r;
	int err = may_read(file);

	if (err)
		return err;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	r->len = -1;
	r->hide = !kdbt_ksyms.show_value(file->f_cred);
	r->changes = changes;
	file->private_data = r;
	return 0;
}

static int snap_open(struct inode *inode, struct file *file)
{
	return snap_reader_open(file, false);
}

/*
 * /proc/kdbt/changes: as snapshot, but each read from offset 0 sends
 * only what changed since this open file's previous one (the first, and
 * the first after a cache flush, send every block).
 */
static int changes_open(struct inode *inode, struct file *file)
{
	return snap_reader_open(file, true);
}

static ssize_t snap_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct snap_reader *r = file->private_data;
	ssize_t ret;

	mutex_lock(&r->lock);
	if (*ppos == 0 || r->len < 0)
		r->len = kdbt_profile_snapshot(&r->buf, &r->cap, r->hide,
					       r->changes ? &r->seen : NULL);
	ret = r->len < 0 ? r->len :
	      simple_read_from_buffer(ubuf, count, ppos, r->buf, r->len);
	mutex_unlock(&r->lock);
	return ret;
}

/*
 * A write to /proc/kdbt/changes picks the form of this open file's reads
 * with KDBT_SNAP_DELTA: "short" sends the blocks it had before as struct
 * kdbt_snap_count (KDBT_SNAP_SHORT), "full" every record whole (the
 * default).  Anything else is -EINVAL and one dmesg line.
 */
static ssize_t changes_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct snap_reader *r = file->private_data;
	char buf[16], *word;
	bool short_form;

	if (count >= sizeof(buf)) {
		control_warn("changes: write too long (%zu bytes; short, full)\n",
			     count);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	word = strim(buf);
	if (!strcmp(word, "short")) {
		short_form = true;
	} else if (!strcmp(word, "full")) {
		short_form = false;
	} else {
		control_warn("changes: unknown form \"%*pE\" (short, full)\n",
			     (int)count, buf);
		return -EINVAL;
	}
	mutex_lock(&r->lock);
	r->seen.short_form = short_form;
	mutex_unlock(&r->lock);
	return count;
}

static int snap_release(struct inode *inode, struct file *file)
{
	struct snap_reader *r = file->private_data;

	kvfree(r->buf);
	kdbt_snap_seen_free(&r->seen);
	kfree(r);
	return 0;
}

static const struct proc_ops snap_fops = {
	.proc_open = snap_open,
	.proc_read = snap_read,
	.proc_lseek = default_llseek,
	.proc_release = snap_release,
};

static const struct proc_ops changes_fops = {
	.proc_open = changes_open,
	.proc_read = snap_read,
	.proc_write = changes_write,
	.proc_lseek = default_llseek,
	.proc_release = snap_release,
};

/*
 * /proc/kdbt/control: one command per write - "on", "off", "reset",
 * "mode fast", "mode transparent", "counters on", "counters off".
 * Anything else is -EINVAL and one dmesg line.
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
	if (memchr(buf, '\0', count))
		goto bad_nul;
	cmd = strim(buf);
	if (!strcmp(cmd, "on"))
		err = kdbt_on();
	else if (!strcmp(cmd, "off"))
		err = kdbt_off();
	else if (!strcmp(cmd, "reset"))
		err = kdbt_reset();
	else if (!strcmp(cmd, "mode fast"))
		err = kdbt_mode_set(true);
	else if (!strcmp(cmd, "mode transparent"))
		err = kdbt_mode_set(false);
	else if (!strcmp(cmd, "counters on"))
		err = kdbt_counters_set(true);
	else if (!strcmp(cmd, "counters off"))
		err = kdbt_counters_set(false);
	else
		goto bad;
	if (err == -EBUSY && (!strncmp(cmd, "mode", 4) ||
			      !strncmp(cmd, "counters", 8)))
		control_warn("control: \"%s\" refused: translation is on, or fast-mode stacks could not be rewritten\n",
			cmd);
	return err ? err : count;
bad:
	control_warn("control: unknown command \"%*pE\" (on, off, reset, mode fast|transparent, counters on|off)\n",
		(int)strlen(cmd), cmd);
	return -EINVAL;
bad_len:
	control_warn("control: command too long (%zu bytes)\n", count);
	return -EINVAL;
bad_nul:
	control_warn("control: command \"%*pE\" contains a NUL byte\n", (int)count,
		buf);
	return -EINVAL;
}

static int control_open(struct inode *inode, struct file *file)
{
	if (!may_control(file))
		return refuse_open(file, "CAP_SYS_ADMIN");
	return 0;	/* pwrite() as write(), as before: noop_llseek */
}

static const struct proc_ops control_ops = {
	.proc_open = control_open,
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
	if (!proc_create(KDBT_PROC_STATS, 0400, kdbt_proc_dir, &stats_fops) ||
	    !proc_create(KDBT_PROC_BLOCKS, 0400, kdbt_proc_dir, &blocks_fops) ||
	    !proc_create(KDBT_PROC_FUNCTIONS, 0400, kdbt_proc_dir,
			 &funcs_fops) ||
	    !proc_create(KDBT_PROC_SNAPSHOT, 0400, kdbt_proc_dir, &snap_fops) ||
	    !proc_create(KDBT_PROC_CHANGES, 0600, kdbt_proc_dir,
			 &changes_fops) ||
	    !proc_create(KDBT_PROC_NATIVE, 0400, kdbt_proc_dir, &native_fops) ||
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
