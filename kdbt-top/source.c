// SPDX-License-Identifier: GPL-2.0
/*
 * source.c - snapshots, symbols and reset for kdbt-top (source.h).
 *
 * Owns: reading the next snapshot (live: one open /proc/kdbt/changes,
 * which sends only the blocks that changed since the previous refresh,
 * passed on as they came for the model to apply; /proc/kdbt/snapshot,
 * read whole, from a kdbt.ko without changes; reopened after a failure,
 * so that kdbt-top survives an rmmod and insmod; replay: the next saved
 * file), loading the symbol table from the
 * files that go with the source, watching /proc/modules for module loads
 * and unloads, and writing "reset" to the control file.
 * Must never: print, exit, or write anything but "reset".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "source.h"

#define CONTROL_PATH	"/proc/" KDBT_PROC_DIR "/" KDBT_PROC_CONTROL
/**
 * source_init() - a live source with the default paths
 * @src: the source
 */
void source_init(struct top_source *src)
{
	memset(src, 0, sizeof(*src));
	src->fd = -1;
}

static int add_file(struct top_source *src, const char *path,
		    struct kdbt_err *err)
{
	char **files = realloc(src->files, (src->nfiles + 1) * sizeof(*files));

	if (!files)
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", path);
	src->files = files;
	files[src->nfiles] = strdup(path);
	if (!files[src->nfiles])
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", path);
	src->nfiles++;
	return 0;
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* The files of @dir in version order (snap.2 before snap.10). */
static int add_dir(struct top_source *src, const char *dir,
		   struct kdbt_err *err)
{
	struct dirent **names;
	char path[4096];
	struct stat sb;
	int i, n, ret = 0;

	n = scandir(dir, &names, not_hidden, versionsort);
	if (n < 0)
		return kdbt_fail(err, -errno, "%s: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!ret && !stat(path, &sb) && S_ISREG(sb.st_mode))
			ret = add_file(src, path, err);
		free(names[i]);
	}
	free(names);
	if (!ret && !src->nfiles)
		ret = kdbt_fail(err, -ENOENT, "%s: no snapshot files in it", dir);
	return ret;
}

/**
 * source_add_replay() - replay saved snapshots rather than /proc/kdbt
 * @src: the source
 * @path: a snapshot file, or a directory of them (its files in version
 *        order: snap.2 comes before snap.10)
 * @err: the message on failure; may be NULL
 *
 * Return: 0, or the -errno of reading @path.
 */
int source_add_replay(struct top_source *src, const char *path,
		      struct kdbt_err *err)
{
	struct stat sb;

	src->replay = true;
	if (stat(path, &sb))
		return kdbt_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return add_dir(src, path, err);
	return add_file(src, path, err);
}

/*
 * Open /proc/kdbt/changes, or snapshot if kdbt.ko has no changes; the
 * library says why neither opens.
 */
static int open_live(struct top_source *src, struct kdbt_err *err)
{
	struct kdbt_snap s = { 0 };
	int ret;

	src->whole = false;
	src->fd = kdbt_changes_open(NULL, true);
	if (src->fd >= 0)
		return 0;
	src->whole = true;
	src->fd = open(KDBT_SNAPSHOT_PATH, O_RDONLY | O_CLOEXEC);
	if (src->fd >= 0)
		return 0;
	ret = kdbt_snap_read(&s, KDBT_SNAPSHOT_PATH, err);
	kdbt_snap_free(&s);
	return ret ? ret : kdbt_fail(err, -EAGAIN, "%s: could not open it",
				KDBT_SNAPSHOT_PATH);
}

/**
 * source_open() - check that the source can give snapshots
 * @src: the source
 * @err: the message on failure; may be NULL
 *
 * Return: 0, or (live) -ENOENT (kdbt.ko is not loaded), -EACCES (root
 * only) or another -errno; (replay) -ENOENT without files.
 */
int source_open(struct top_source *src, struct kdbt_err *err)
{
	if (!src->replay)
		return open_live(src, err);
	if (!src->nfiles)
		return kdbt_fail(err, -ENOENT, "no snapshot files to replay");
	return 0;
}

/**
 * source_next() - the next snapshot
 * @src: the source
 * @s: receives it, as for kdbt_snap_read(); from /proc/kdbt/changes,
 *     after the first read, only the blocks that changed since the
 *     previous one (KDBT_SNAP_DELTA: model_push_changes() applies them)
 * @err: the message on failure; may be NULL
 *
 * Return: 0; 1 at the end of a replay; or the error of kdbt_snap_read()
 * (a live source reopens the file at the next call).
 */
int source_next(struct top_source *src, struct kdbt_snap *s,
		struct kdbt_err *err)
{
	int ret;

	if (src->replay) {
		if (src->next >= src->nfiles)
			return 1;
		return kdbt_snap_read(s, src->files[src->next++], err);
	}
	if (src->fd < 0) {
		ret = open_live(src, err);
		if (ret)
			return ret;
	}
	if (src->whole)
		ret = kdbt_snap_read_fd(s, src->fd, KDBT_SNAPSHOT_PATH, err);
	else
		ret = kdbt_changes_read_fd(s, src->fd, KDBT_CHANGES_PATH, err);
	if (ret)
		source_reopen(src);
	return ret;
}

/**
 * source_reopen() - read a complete snapshot next: a live source closes
 * its file and opens it again at the next source_next() (after changes
 * that did not fit the snapshot they update)
 * @src: the source
 */
void source_reopen(struct top_source *src)
{
	if (src->fd >= 0)
		close(src->fd);
	src->fd = -1;
}

/**
 * source_load_syms() - the symbol table that goes with the snapshots
 * @src: the source
 * @st: receives the table
 * @err: the message on failure; may be NULL
 *
 * Live: --kallsyms or /proc/kallsyms, with --modules or /proc/modules.
 * Replay: the files given with --kallsyms and --modules only (saved
 * snapshots come from another boot, perhaps another machine).
 *
 * Return: 0; 1 when there are no symbols to load (replay without
 * --kallsyms); -EPERM when kptr_restrict hides the addresses; or the
 * error of kdbt_syms_load().
 */
int source_load_syms(struct top_source *src, struct kdbt_syms *st,
		     struct kdbt_err *err)
{
	const char *modules = src->modules;
	struct stat sb;

	if (src->replay && !src->kallsyms)
		return 1;
	if (!modules && !src->replay && !stat(KDBT_MODULES_PATH, &sb))
		modules = KDBT_MODULES_PATH;
	return kdbt_syms_load(st, src->kallsyms, modules, err);
}

/* "name address" of every line of /proc/modules (not the refcounts). */
static char *modules_key(void)
{
	char *line = NULL, *key = NULL, name[64], addr[32];
	size_t cap = 0, klen = 0;
	FILE *f = fopen(KDBT_MODULES_PATH, "re"), *k;

	if (!f)
		return NULL;
	k = open_memstream(&key, &klen);
	while (k && getline(&line, &cap, f) > 0)
		if (sscanf(line, "%63s %*s %*s %*s %*s %31s", name, addr) == 2)
			fprintf(k, "%s %s\n", name, addr);
	if (k)
		fclose(k);
	free(line);
	fclose(f);
	return key;
}

/**
 * source_modules_changed() - whether a module came or went since the
 * last call
 * @src: the source
 *
 * Only for a live source using /proc/modules; the first call says no.
 *
 * Return: true when the symbols should be loaded again.
 */
bool source_modules_changed(struct top_source *src)
{
	bool changed;
	char *key;

	if (src->replay || src->modules || src->kallsyms)
		return false;
	key = modules_key();
	if (!key)
		return false;
	changed = src->mods_seen && strcmp(key, src->mods_seen);
	free(src->mods_seen);
	src->mods_seen = key;
	return changed;
}

static const char *control_path(const struct top_source *src)
{
	if (src->control)
		return src->control;
	return src->replay ? NULL : CONTROL_PATH;
}

/**
 * source_can_reset() - whether there is a control file to reset through
 * @src: the source
 */
bool source_can_reset(const struct top_source *src)
{
	return control_path(src) != NULL;
}

/**
 * source_reset() - zero kdbt's counters
 * @src: the source
 * @err: the message on failure; may be NULL
 *
 * Writes "reset" to --control or /proc/kdbt/control.
 *
 * Return: 0, -EOPNOTSUPP (replaying without --control), -ENOENT (kdbt.ko
 * not loaded), -EACCES (not root) or another -errno.
 */
int source_reset(struct top_source *src, struct kdbt_err *err)
{
	static const char word[] = "reset\n";
	const char *path = control_path(src);
	ssize_t n;
	int fd, e;

	if (!path)
		return kdbt_fail(err, -EOPNOTSUPP,
			    "replaying saved snapshots: nothing to reset");
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT && !src->control)
			return kdbt_fail(err, -e, "cannot reset: kdbt.ko is not loaded (no %s)",
				    path);
		if (e == EACCES)
			return kdbt_fail(err, -EACCES,
				    "cannot reset: permission denied: %s is root-only",
				    path);
		if (e == EPERM)
			return kdbt_fail(err, -EACCES,
				    "cannot reset: permission denied: %s needs CAP_SYS_ADMIN",
				    path);
		return kdbt_fail(err, -e, "cannot reset: %s: %s", path,
			    strerror(e));
	}
	n = write(fd, word, sizeof(word) - 1);
	e = n < 0 ? errno : EIO;
	close(fd);
	if (n != (ssize_t)sizeof(word) - 1)
		return kdbt_fail(err, -e, "cannot reset: writing %s: %s", path,
			    strerror(e));
	return 0;
}

/**
 * source_close() - close files and free the file list
 * @src: the source
 */
void source_close(struct top_source *src)
{
	size_t i;

	if (src->fd >= 0)
		close(src->fd);
	for (i = 0; i < src->nfiles; i++)
		free(src->files[i]);
	free(src->files);
	free(src->mods_seen);
	src->files = NULL;
	src->nfiles = 0;
	src->mods_seen = NULL;
	src->fd = -1;
}
