/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dstack.h - the size of each CPU's dispatcher stack (kentry.S, engine.c).
 */
#ifndef KDBT_DSTACK_H
#define KDBT_DSTACK_H

#define KDBT_DSTACK_BYTES	16384

#endif /* KDBT_DSTACK_H */
