/* SPDX-License-Identifier: GPL-2.0 */
/*
 * live.h - kdbt-report --live: /proc/kdbt now as a recording (live.c).
 */
#ifndef KDBT_LIVE_H
#define KDBT_LIVE_H

#include "kdbt_data.h"

struct live_source {
	const char *snapshot;	/* NULL: /proc/kdbt/snapshot */
	const char *kallsyms;	/* NULL: /proc/kallsyms */
	const char *modules;	/* NULL: /proc/modules */
};

int live_rec(struct kdbt_rec *r, const struct live_source *o,
	     struct kdbt_err *err);

#endif /* KDBT_LIVE_H */
