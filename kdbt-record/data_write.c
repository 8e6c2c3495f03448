// SPDX-License-Identifier: GPL-2.0
/*
 * data_write.c - write a kdbt.data file (kdbt_data.h) safely.
 *
 * The file is written under a temporary name in the directory of the
 * final one (".NAME.XXXXXX"): a placeholder header (file_size 0, "not
 * finished"), the intervals as they are recorded, then the other
 * sections, the section table and at last the real header.  Then fsync,
 * the previous NAME becomes NAME.old, the temporary file becomes NAME
 * (rename(2), atomic) and the directory is synced.  A crash or a full
 * disk leaves at most the temporary file, never a half file under NAME.
 *
 * Owns: the temporary file, the section table, the header, the renames.
 * Must never: leave the temporary file behind on an error it sees, or
 * replace NAME before the new file is complete on disk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "data_int.h"

static int put(struct kdbt_data_writer *w, const void *buf, size_t len,
	       struct kdbt_err *err)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(w->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kdbt_fail(err, -errno, "%s: write: %s",
					      w->tmp, strerror(errno));
		p += n;
		len -= n;
		w->off += n;
	}
	return 0;
}

static int pad(struct kdbt_data_writer *w, struct kdbt_err *err)
{
	static const char zeros[KDBT_DATA_ALIGN];
	size_t n = (KDBT_DATA_ALIGN - w->off % KDBT_DATA_ALIGN) %
		KDBT_DATA_ALIGN;

	return n ? put(w, zeros, n, err) : 0;
}

static void add_section(struct kdbt_data_writer *w, __u32 type,
			__u64 start)
{
	struct kdbt_data_section *s = &w->secs[w->nsecs++];

	s->type = type;
	s->version = kdbt_data_secops_of(type)->version;
	s->offset = start;
	s->size = w->off - start;
}

/* The temporary name: ".BASE.XXXXXX" in the directory of @path. */
static char *tmp_name(const char *path)
{
	char *d = strdup(path), *b = strdup(path), *t = NULL;
	size_t n;

	if (d && b) {
		n = strlen(path) + 16;
		t = malloc(n);
		if (t)
			snprintf(t, n, "%s/.%s.XXXXXX", dirname(d), basename(b));
	}
	free(d);
	free(b);
	return t;
}

/**
 * kdbt_data_create() - start a recording file
 * @w: the writer, filled
 * @path: the final name of the file
 * @err: the message on failure; may be NULL
 *
 * Creates the temporary file beside @path (so that a directory that
 * cannot take the file fails now, not after the recording) and writes a
 * placeholder header.  Intervals follow with kdbt_data_add_interval().
 *
 * Return: 0 or a -errno.
 */
int kdbt_data_create(struct kdbt_data_writer *w, const char *path,
		     struct kdbt_err *err)
{
	struct kdbt_data_header h = {
		.magic = KDBT_DATA_MAGIC,
		.version = KDBT_DATA_VERSION,
		.header_size = sizeof(h),
	};
	struct stat st;
	int ret;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return kdbt_fail(err, -EISDIR, "%s: is a directory", path);
	w->path = strdup(path);
	w->tmp = tmp_name(path);
	if (!w->path || !w->tmp) {
		kdbt_data_abort(w);
		return kdbt_fail(err, -ENOMEM, "out of memory");
	}
	w->fd = mkostemp(w->tmp, O_CLOEXEC);
	if (w->fd < 0) {
		ret = kdbt_fail(err, -errno, "%s: cannot create: %s",
				     w->tmp, strerror(errno));
		free(w->tmp);
		w->tmp = NULL;
		kdbt_data_abort(w);
		return ret;
	}
	ret = put(w, &h, sizeof(h), err);
	if (ret) {
		kdbt_data_abort(w);
		return ret;
	}
	w->ivl_start = w->off;
	return 0;
}

/**
 * kdbt_data_add_interval() - append one interval to the recording
 * @w: the writer
 * @h: the interval's counts; its sizes are set here
 * @recs: its h->nrecs block records
 * @err: the message on failure; may be NULL
 *
 * Return: 0 or a -errno of write(2) (the caller aborts).
 */
int kdbt_data_add_interval(struct kdbt_data_writer *w,
			   const struct kdbt_data_interval *h,
			   const struct kdbt_data_rec *recs,
			   struct kdbt_err *err)
{
	struct kdbt_data_interval hh = *h;
	int ret;

	hh.header_size = sizeof(hh);
	hh.rec_size = sizeof(*recs);
	ret = put(w, &hh, sizeof(hh), err);
	if (!ret && hh.nrecs)
		ret = put(w, recs, (size_t)hh.nrecs * sizeof(*recs), err);
	if (!ret)
		w->nivls++;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Sections                                                           */
/* ------------------------------------------------------------------ */

int kdbt_wr_info(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		 struct kdbt_err *err)
{
	return put(w, &r->info, sizeof(r->info), err);
}

int kdbt_wr_strings(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		    struct kdbt_err *err)
{
	return put(w, r->strings, r->strings_len, err);
}

int kdbt_wr_build_id(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		     struct kdbt_err *err)
{
	return put(w, r->build_id, r->build_id_len, err);
}

int kdbt_wr_cmdline(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		    struct kdbt_err *err)
{
	__u32 head[2] = { r->argc, r->command };
	__u32 i;
	int ret;

	ret = put(w, head, sizeof(head), err);
	for (i = 0; !ret && i < r->argc; i++)
		ret = put(w, r->argv[i], strlen(r->argv[i]) + 1, err);
	return ret;
}

int kdbt_wr_modules(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		    struct kdbt_err *err)
{
	struct kdbt_data_table t = {
		.count = r->syms.nmods,
		.entry_size = sizeof(struct kdbt_data_module),
	};
	struct kdbt_data_module m;
	size_t i;
	int ret;

	ret = put(w, &t, sizeof(t), err);
	for (i = 0; !ret && i < r->syms.nmods; i++) {
		memset(&m, 0, sizeof(m));
		m.start = r->syms.mods[i].start;
		m.size = r->syms.mods[i].size;
		snprintf(m.name, sizeof(m.name), "%s", r->syms.mods[i].name);
		ret = put(w, &m, sizeof(m), err);
	}
	return ret;
}

int kdbt_wr_module_build_ids(struct kdbt_data_writer *w,
			     const struct kdbt_rec *r, struct kdbt_err *err)
{
	struct kdbt_data_table t = {
		.entry_size = sizeof(struct kdbt_data_module_build_id),
	};
	struct kdbt_data_module_build_id e;
	const struct kdbt_build_id *id;
	size_t i;
	int ret;

	for (i = 1; i < r->syms.nmods; i++)
		t.count += kdbt_rec_module_build_id(r, i) != NULL;
	ret = put(w, &t, sizeof(t), err);
	for (i = 1; !ret && i < r->syms.nmods; i++) {
		id = kdbt_rec_module_build_id(r, i);
		if (!id)
			continue;
		memset(&e, 0, sizeof(e));
		e.module = i;
		e.size = id->len;
		memcpy(e.id, id->id, id->len);
		ret = put(w, &e, sizeof(e), err);
	}
	return ret;
}

/* The index in the modules of a symbol's module name (0: the kernel). */
static __u32 module_index(const struct kdbt_syms *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nmods; i++)
		if (st->mods[i].name == name || !strcmp(st->mods[i].name, name))
			return i;
	return 0;
}

int kdbt_wr_symbols(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		    struct kdbt_err *err)
{
	const struct kdbt_syms *st = &r->syms;
	struct kdbt_data_symtab t = {
		.count = st->nsyms,
		.entry_size = sizeof(struct kdbt_data_symbol),
	};
	struct kdbt_data_symbol s;
	size_t i;
	int ret;

	for (i = 0; i < st->nsyms; i++)
		t.strings_size += strlen(st->syms[i].name) + 1;
	ret = put(w, &t, sizeof(t), err);
	t.strings_size = 0;
	for (i = 0; !ret && i < st->nsyms; i++) {
		s = (struct kdbt_data_symbol){
			.start = st->syms[i].start,
			.size = st->syms[i].size,
			.name = t.strings_size,
			.module = module_index(st, st->syms[i].module),
		};
		t.strings_size += strlen(st->syms[i].name) + 1;
		ret = put(w, &s, sizeof(s), err);
	}
	for (i = 0; !ret && i < st->nsyms; i++)
		ret = put(w, st->syms[i].name, strlen(st->syms[i].name) + 1,
			  err);
	return ret;
}

int kdbt_wr_blocks(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		   struct kdbt_err *err)
{
	struct kdbt_data_table t = {
		.count = r->nblocks,
		.entry_size = sizeof(struct kdbt_data_block),
	};
	int ret;

	ret = put(w, &t, sizeof(t), err);
	if (!ret && r->nblocks)
		ret = put(w, r->blocks, (size_t)r->nblocks * sizeof(*r->blocks),
			  err);
	return ret;
}

int kdbt_wr_code(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		 struct kdbt_err *err)
{
	struct kdbt_data_codetab t = {
		.count = r->ncode,
		.entry_size = sizeof(struct kdbt_data_code),
	};
	struct kdbt_data_code c;
	__u32 i;
	int ret;

	for (i = 0; i < r->ncode; i++)
		t.bytes_size += r->code[i].size;
	ret = put(w, &t, sizeof(t), err);
	t.bytes_size = 0;
	for (i = 0; !ret && i < r->ncode; i++) {
		c = (struct kdbt_data_code){
			.start = r->code[i].start, .size = r->code[i].size,
			.offset = t.bytes_size,
		};
		t.bytes_size += r->code[i].size;
		ret = put(w, &c, sizeof(c), err);
	}
	for (i = 0; !ret && i < r->ncode; i++)
		ret = put(w, r->code[i].bytes, r->code[i].size, err);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Finishing                                                          */
/* ------------------------------------------------------------------ */

/* Every section but the intervals, then the table and the header. */
static int write_rest(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		      struct kdbt_err *err)
{
	struct kdbt_data_header h = {
		.magic = KDBT_DATA_MAGIC,
		.version = KDBT_DATA_VERSION,
		.header_size = sizeof(h),
		.section_size = sizeof(struct kdbt_data_section),
	};
	const struct kdbt_data_secops *ops;
	unsigned int i;
	__u64 start;
	int ret;

	add_section(w, KDBT_SEC_INTERVALS, w->ivl_start);
	for (i = 0; i < kdbt_data_nsecops; i++) {
		ops = &kdbt_data_secops[i];
		if (!ops->write || (ops->present && !ops->present(r)))
			continue;
		ret = pad(w, err);
		start = w->off;
		if (!ret)
			ret = ops->write(w, r, err);
		if (ret)
			return ret;
		add_section(w, ops->type, start);
	}
	ret = pad(w, err);
	h.sections_offset = w->off;
	h.nsections = w->nsecs;
	for (i = 0; i < w->nsecs; i++)
		h.features |= 1ULL << w->secs[i].type;
	if (!ret)
		ret = put(w, w->secs, w->nsecs * sizeof(w->secs[0]), err);
	if (ret)
		return ret;
	h.file_size = w->off;
	if (pwrite(w->fd, &h, sizeof(h), 0) != sizeof(h))
		return kdbt_fail(err, errno ? -errno : -EIO,
				      "%s: write: %s", w->tmp,
				      strerror(errno ? errno : EIO));
	return 0;
}

/* NAME to NAME.old (keeping NAME in place until the last rename). */
static int keep_old(const char *path, struct kdbt_err *err)
{
	size_t n = strlen(path) + 5;
	char *old = malloc(n);
	int ret = 0;

	if (!old)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	snprintf(old, n, "%s.old", path);
	if (access(path, F_OK) == 0) {
		if (unlink(old) && errno != ENOENT)
			ret = kdbt_fail(err, -errno, "%s: %s", old,
					     strerror(errno));
		else if (link(path, old) && rename(path, old))
			ret = kdbt_fail(err, -errno,
					     "cannot rename %s to %s: %s",
					     path, old, strerror(errno));
	}
	free(old);
	return ret;
}

static void sync_dir(const char *path)
{
	char *d = strdup(path);
	int fd;

	if (!d)
		return;
	fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(d);
}

/**
 * kdbt_data_finish() - complete the file and give it its name
 * @w: the writer; freed whatever happens
 * @r: the recording's sections other than the intervals
 * @err: the message on failure; may be NULL
 *
 * Return: 0, or a -errno (the temporary file is then removed and the
 * previous file is where it was).
 */
int kdbt_data_finish(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		     struct kdbt_err *err)
{
	int ret;

	ret = write_rest(w, r, err);
	if (!ret && fsync(w->fd))
		ret = kdbt_fail(err, -errno, "%s: fsync: %s", w->tmp,
				     strerror(errno));
	if (!ret) {
		if (close(w->fd))
			ret = kdbt_fail(err, -errno, "%s: close: %s",
					     w->tmp, strerror(errno));
		w->fd = -1;
	}
	if (!ret)
		ret = keep_old(w->path, err);
	if (!ret && rename(w->tmp, w->path))
		ret = kdbt_fail(err, -errno, "cannot rename %s to %s: %s",
				     w->tmp, w->path, strerror(errno));
	if (ret) {
		kdbt_data_abort(w);
		return ret;
	}
	sync_dir(w->path);
	free(w->tmp);
	free(w->path);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	return 0;
}

/**
 * kdbt_data_abort() - give up: remove the temporary file, free @w
 * @w: the writer (after kdbt_data_create(), or zeroed with fd -1)
 */
void kdbt_data_abort(struct kdbt_data_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp)
		unlink(w->tmp);
	free(w->tmp);
	free(w->path);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}
