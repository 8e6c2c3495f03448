/* SPDX-License-Identifier: GPL-2.0 */
/*
 * source.h - where kdbt-top's snapshots, symbols and reset go to and come
 * from: the live /proc/kdbt, or saved snapshot files replayed one per
 * refresh.
 *
 * Owns: the open /proc/kdbt/changes (or snapshot, from an older
 * kdbt.ko) and the complete snapshot it keeps up to date, the list of
 * replay files, the
 * paths of kallsyms, modules, control and kcore (which annot.c reads),
 * and noticing module loads.
 * Must never: print, or write to /proc/kdbt anything but "reset" (and
 * only when asked to).
 */
#ifndef KDBT_TOP_SOURCE_H
#define KDBT_TOP_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include "libkdbt.h"

struct top_source {
	/* Settings, from the options. */
	bool replay;		/* files, not /proc/kdbt/snapshot */
	const char *kallsyms;	/* NULL: /proc/kallsyms (live), none (replay) */
	const char *modules;	/* NULL: /proc/modules (live), none (replay) */
	const char *control;	/* NULL: /proc/kdbt/control (live), none */
	const char *kcore;	/* NULL: /proc/kcore (live), none (replay) */

	/* State. */
	char **files;		/* replay: snapshot files, in order */
	size_t nfiles, next;
	int fd;			/* live: /proc/kdbt/changes, or -1 */
	bool whole;		/* live: fd is /proc/kdbt/snapshot */
	char *mods_seen;	/* live: names and addresses of the modules */
};

void source_init(struct top_source *src);
int source_add_replay(struct top_source *src, const char *path,
		      struct kdbt_err *err);
int source_open(struct top_source *src, struct kdbt_err *err);
int source_next(struct top_source *src, struct kdbt_snap *s,
		struct kdbt_err *err);
void source_reopen(struct top_source *src);
int source_load_syms(struct top_source *src, struct kdbt_syms *st,
		     struct kdbt_err *err);
bool source_modules_changed(struct top_source *src);
bool source_can_reset(const struct top_source *src);
int source_reset(struct top_source *src, struct kdbt_err *err);
void source_close(struct top_source *src);

#endif /* KDBT_TOP_SOURCE_H */
