/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emit.h - write x86-64 code into the code cache.
 *
 * Owns: the byte emitter (bounds checked here, so no caller can forget),
 * rel32 computation against the address where the code will run, and the
 * fixed sequences the rules are made of.
 * Must never: write outside [buf, buf + cap), or emit a displacement that
 * does not fit (the error sticks in ->err and the block is abandoned).
 */
#ifndef KDBT_EMIT_H
#define KDBT_EMIT_H

#include "kdbt_env.h"

struct kdbt_emit {
	u8 *buf;		/* writable view */
	u64 addr;		/* where buf[0] runs */
	u32 pos;
	u32 cap;
	int err;		/* first error: -ENOSPC or -ERANGE */
};

static inline u64 emit_here(const struct kdbt_emit *e)
{
	return e->addr + e->pos;
}

/* A block's counter, for emit_counter_inc(). */
struct kdbt_counter_ref {
	u64 addr;		/* shared counter (when !gs_ptr, !gs_direct) */
	u32 gs_ptr;		/* per CPU: %gs offset of the array pointer */
	s32 gs_disp;		/* per CPU, direct: %gs offset of the counter */
	bool gs_direct;		/* `incq %gs:gs_disp`, no register */
	u32 offset;		/* per CPU: byte offset in the array */
	u64 shadow;		/* sentinel: shadow counter, or 0 */
	u8 scratch;		/* per CPU: a register dead at the block's
				 * entry (0-15), or KDBT_NO_SCRATCH_REG */
	bool atomic;		/* lock the increment */
};

#define KDBT_NO_SCRATCH_REG	0xff

void emit_bytes(struct kdbt_emit *e, const void *p, u32 n);
void emit_u8(struct kdbt_emit *e, u8 b);
void emit_u32(struct kdbt_emit *e, u32 v);
void emit_u64(struct kdbt_emit *e, u64 v);
bool fits_s32(s64 v);
u32 emit_field32(struct kdbt_emit *e, const u8 *op, u32 oplen, u32 value);
u32 emit_jmp(struct kdbt_emit *e, u64 target);
u32 emit_jcc(struct kdbt_emit *e, u8 cc, u64 target);
u32 emit_call(struct kdbt_emit *e, u64 target);
void emit_jmp_abs(struct kdbt_emit *e, u64 target);
void emit_push_imm64(struct kdbt_emit *e, u64 v);
void emit_lea_rsp(struct kdbt_emit *e, s32 delta);
void emit_counter_inc(struct kdbt_emit *e, const struct kdbt_counter_ref *c,
		      bool flags_live, u32 stack_skip);
void emit_patch_rel32(u8 *field, u64 field_addr, u64 target);

#endif /* KDBT_EMIT_H */
