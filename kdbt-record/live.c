// SPDX-License-Identifier: GPL-2.0
/*
 * live.c - kdbt-report --live: /proc/kdbt now, as a recording of one
 * interval (from the last reset to now), so that every view, and above
 * all --format prometheus for node_exporter's textfile collector, works
 * on the running kernel as on a file.
 *
 * The interval's totals are the snapshot header's (since the last
 * reset); its records are every block's counts; the symbols are
 * /proc/kallsyms and /proc/modules (or the files given, with a saved
 * snapshot, to replay one: --snapshot, --kallsyms, --modules); the build
 * ids are the running kernel's and its modules' (none with a replay).
 *
 * Owns: turning one snapshot into a struct kdbt_rec.
 * Must never: write to /proc/kdbt, or leave a partly built recording
 * (on failure it is freed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "live.h"
#include "sysinfo.h"


static void live_interval(struct kdbt_data_interval *h,
			  const struct kdbt_snap_header *s)
{
	unsigned int i;
	__u64 *slot;

	memset(h, 0, sizeof(*h));
	h->header_size = sizeof(*h);
	h->rec_size = sizeof(struct kdbt_data_rec);
	h->start_ns = s->time_ns - (s->on_ns < s->time_ns ? s->on_ns : 0);
	h->end_ns = s->time_ns;
	for (i = 0; i < KDBT_STAT_NR; i++) {
		slot = kdbt_data_ivl_slot(h, i);
		if (slot)
			kdbt_snap_u64(s, i, slot);
	}
}

/**
 * live_rec() - /proc/kdbt now as a recording of one interval
 * @r: filled (zeroed first); kdbt_rec_free() frees it
 * @o: the source: snapshot, kallsyms, modules (NULL: /proc's)
 * @err: the message on failure, naming the file
 *
 * Return: 0 or a negative errno (as libkdbt's: -ENOENT, kdbt.ko not
 * loaded; -EACCES, not root; ...).
 */
int live_rec(struct kdbt_rec *r, const struct live_source *o,
	     struct kdbt_err *err)
{
	struct kdbt_snap s = { 0 };
	struct kdbt_rec_interval *iv;
	struct timespec now;
	struct stat sb;
	__u32 i;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = kdbt_snap_read(&s, o->snapshot ? o->snapshot :
			     KDBT_SNAPSHOT_PATH, err);
	if (ret)
		return ret;
	ret = kdbt_syms_load(&r->syms, o->kallsyms, o->modules ? o->modules :
			     stat(KDBT_MODULES_PATH, &sb) ? NULL :
			     KDBT_MODULES_PATH, err);
	if (ret)
		goto out;
	r->version = KDBT_DATA_VERSION;
	r->blocks = calloc(s.hdr.nblocks + 1, sizeof(*r->blocks));
	r->ivls = calloc(1, sizeof(*r->ivls));
	iv = r->ivls;
	if (!r->blocks || !iv ||
	    !(iv->recs = calloc(s.hdr.nblocks + 1, sizeof(*iv->recs))) ||
	    kdbt_rec_set_system(r)) {
		ret = kdbt_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	r->nivls = 1;
	r->targets = kdbt_snap_block_has(s.hdr.block_size, target);
	r->edges = kdbt_snap_block_has(s.hdr.block_size, edge);
	live_interval(&iv->h, &s.hdr);
	for (i = 0; i < s.hdr.nblocks; i++) {
		const struct kdbt_snap_block *b = &s.blocks[i];

		r->blocks[i] = kdbt_data_block_of(b, s.hdr.flushes);
		iv->recs[iv->h.nrecs++] = (struct kdbt_data_rec){
			.block = i, .executions = b->executions,
			.misses = b->misses,
		};
	}
	r->nblocks = s.hdr.nblocks;
	clock_gettime(CLOCK_REALTIME, &now);
	r->info.end_ns = iv->h.end_ns;
	r->info.start_ns = iv->h.start_ns;
	r->info.start_realtime_ns = (__u64)now.tv_sec * 1000000000ULL +
		now.tv_nsec - (r->info.end_ns - r->info.start_ns);
	r->info.ncpus = s.hdr.ncpus;
	r->info.snap_flags = s.hdr.flags;
	r->info.snap_version = s.hdr.version;
	r->info.resets = s.hdr.resets;
	r->info.flushes = s.hdr.flushes;
	if (!o->snapshot) {
		r->build_id_len = kdbt_kernel_build_id(r->build_id,
						       sizeof(r->build_id));
		if (kdbt_rec_set_module_build_ids(r))
			ret = kdbt_fail(err, -ENOMEM, "out of memory");
	}
out:
	kdbt_snap_free(&s);
	if (ret)
		kdbt_rec_free(r);
	return ret;
}
