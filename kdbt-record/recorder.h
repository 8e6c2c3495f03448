/* SPDX-License-Identifier: GPL-2.0 */
/*
 * recorder.h - turn a sequence of reads of /proc/kdbt/changes (or of
 * snapshots) into a recording (recorder.c), for kdbt-record.
 */
#ifndef KDBT_RECORDER_H
#define KDBT_RECORDER_H

#include "kdbt_data.h"

struct recorder {
	struct kdbt_data_writer w;
	struct kdbt_rec rec;		/* blocks grow here; the rest at the end */
	__u32 blocks_cap;
	__u32 *hash;			/* block table index + 1, or 0 */
	__u32 hash_size;		/* a power of two */
	__u32 *id_map;			/* kernel block id -> index + 1 */
	__u32 id_cap;
	__u64 generation;		/* flushes of the blocks in id_map */
	struct kdbt_data_rec *recs;	/* one interval's records */
	size_t recs_cap;
	__u64 instructions;		/* recorded so far */
	int warned_reset, warned_flush;
	int untargeted;			/* a snapshot without blocks' targets */
	int unedged;			/* a snapshot without blocks' edges */
};

int recorder_interval(struct recorder *rc, const struct kdbt_snap *older,
		      const struct kdbt_snap *newer, struct kdbt_err *err);
int recorder_gather(struct kdbt_snap *acc, struct kdbt_snap *d,
		    const char *name, struct kdbt_err *err);
int recorder_commit(struct recorder *rc, struct kdbt_snap *prev,
		    struct kdbt_snap *acc, const char *name,
		    struct kdbt_err *err);
int recorder_symbols(struct recorder *rc, const struct kdbt_syms *st,
		     struct kdbt_err *err);
int recorder_code(struct recorder *rc, const char *path,
		  struct kdbt_err *err);
void recorder_free(struct recorder *rc);

#endif /* KDBT_RECORDER_H */
