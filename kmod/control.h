/* SPDX-License-Identifier: GPL-2.0 */
/*
 * control.h - the controller's calls (control.c): on, off, mode,
 * counting, reset, every statistic, load and unload.
 *
 * Owns: the interface of the controller to the top layer, procfs.c and
 * main.c.
 * Must never: be included by a file below the controller: nothing below
 * it may call it (docs/ARCHITECTURE.md, "Layers"; tests/unit/layers.sh
 * fails on such a call).
 */
#ifndef KDBT_CONTROL_H
#define KDBT_CONTROL_H

#include <linux/types.h>

struct kdbt_stats;

bool kdbt_ibt_enforced(void);
int kdbt_control_init(void);
void kdbt_control_exit(void);
int kdbt_on(void);
int kdbt_off(void);
int kdbt_reset(void);
int kdbt_mode_set(bool fast);
int kdbt_counters_set(bool on);
void kdbt_control_stats(struct kdbt_stats *s);

#endif /* KDBT_CONTROL_H */
