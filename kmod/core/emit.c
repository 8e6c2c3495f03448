// SPDX-License-Identifier: GPL-2.0
/*
 * emit.c - the code emitter: bytes, branches and counter increments.
 *
 * Input: a struct kdbt_emit over free cache space.
 * Output: code that runs at e->addr + offset; every relative operand is
 * computed for that run-time address, never for the writable view.
 * Invariants: bounds are checked in emit_bytes() alone; every exit's
 * rel32 field is 4-byte aligned so that chaining patches it with a single
 * store that other CPUs see whole (old or new target, never a mix).
 */
#include "emit.h"

void emit_bytes(struct kdbt_emit *e, const void *p, u32 n)
{
	const u8 *s = p;
	u32 i;

	if (e->err)
		return;
	if (n > e->cap - e->pos) {
		e->err = -ENOSPC;
		return;
	}
	for (i = 0; i < n; i++)
		e->buf[e->pos + i] = s[i];
	e->pos += n;
}

void emit_u8(struct kdbt_emit *e, u8 b)
{
	emit_bytes(e, &b, 1);
}

void emit_u32(struct kdbt_emit *e, u32 v)
{
	u8 b[4] = { v, v >> 8, v >> 16, v >> 24 };

	emit_bytes(e, b, 4);
}

void emit_u64(struct kdbt_emit *e, u64 v)
{
	emit_u32(e, (u32)v);
	emit_u32(e, (u32)(v >> 32));
}

bool fits_s32(s64 v)
{
	return v >= -2147483648LL && v <= 2147483647LL;
}

/* rel32 from the end of an instruction ending at @end to @target. */
static u32 rel32(struct kdbt_emit *e, u64 end, u64 target)
{
	s64 rel = (s64)(target - end);

	if (!fits_s32(rel) && !e->err)
		e->err = -ERANGE;
	return (u32)rel;
}

/*
 * Pad a branch so that its 4-byte field, after @opcode_len bytes, is
 * 4-aligned, with CS segment prefixes on the branch itself (ignored in
 * 64-bit mode; the padding binutils uses against the JCC erratum): the
 * branch stays one instruction, where a NOP before it would put one more
 * on the path of three branches out of four.
 */
static void emit_align_field(struct kdbt_emit *e, u32 opcode_len)
{
	static const u8 cs[3] = { 0x2e, 0x2e, 0x2e };
	u32 pad = (4 - ((emit_here(e) + opcode_len) & 3)) & 3;

	emit_bytes(e, cs, pad);
}

/* An aligned branch: opcode bytes, then rel32.  Returns the field offset. */
static u32 emit_branch(struct kdbt_emit *e, const u8 *op, u32 oplen,
		       u64 target)
{
	u32 field;

	emit_align_field(e, oplen);
	emit_bytes(e, op, oplen);
	field = e->pos;
	emit_u32(e, rel32(e, emit_here(e) + 4, target));
	return field;
}

/**
 * emit_field32() - emit an instruction whose last 4 bytes are a field
 * patched later (a displacement), 4-aligned as a branch's rel32 is.
 * @e: the emitter.
 * @op: its bytes before the field (prefixes, REX, opcode, ModRM).
 * @oplen: how many.
 * @value: the field's first value.
 *
 * Return: buffer offset of the field.
 */
u32 emit_field32(struct kdbt_emit *e, const u8 *op, u32 oplen, u32 value)
{
	u32 field;

	emit_align_field(e, oplen);
	emit_bytes(e, op, oplen);
	field = e->pos;
	emit_u32(e, value);
	return field;
}

/**
 * emit_jmp() - emit `jmp rel32` with a patchable field.
 * @e: the emitter.
 * @target: where it jumps (run-time address).
 *
 * Return: buffer offset of the rel32 field.
 */
u32 emit_jmp(struct kdbt_emit *e, u64 target)
{
	static const u8 op[] = { 0xe9 };

	return emit_branch(e, op, 1, target);
}

/**
 * emit_jcc() - emit `jcc rel32` (0f 80+cc) with a patchable field.
 * @e: the emitter.
 * @cc: condition code, 0..15.
 * @target: where it jumps when taken.
 *
 * Return: buffer offset of the rel32 field.
 */
u32 emit_jcc(struct kdbt_emit *e, u8 cc, u64 target)
{
	u8 op[] = { 0x0f, 0x80 | (cc & 15) };

	return emit_branch(e, op, 2, target);
}

/**
 * emit_call() - emit `call rel32` with a patchable field.
 * @e: the emitter.
 * @target: the callee.
 *
 * Return: buffer offset of the rel32 field.
 */
u32 emit_call(struct kdbt_emit *e, u64 target)
{
	static const u8 op[] = { 0xe8 };

	return emit_branch(e, op, 1, target);
}

/**
 * emit_jmp_abs() - jump anywhere: rel32 if it reaches, else through an
 * inline 8-byte literal (`jmp *0(%rip)`), touching no register or flag.
 * @e: the emitter.
 * @target: destination.
 */
void emit_jmp_abs(struct kdbt_emit *e, u64 target)
{
	static const u8 ind[] = { 0xff, 0x25, 0, 0, 0, 0 };

	if (fits_s32((s64)(target - (emit_here(e) + 5)))) {
		emit_u8(e, 0xe9);
		emit_u32(e, rel32(e, emit_here(e) + 4, target));
		return;
	}
	emit_bytes(e, ind, sizeof(ind));
	emit_u64(e, target);
}

/**
 * emit_push_imm64() - push a 64-bit value without touching registers or
 * flags: `push imm32` when it sign-extends to @v, else reserve the slot
 * with lea and store both halves.
 * @e: the emitter.
 * @v: the value.
 */
void emit_push_imm64(struct kdbt_emit *e, u64 v)
{
	static const u8 lea[] = { 0x48, 0x8d, 0x64, 0x24, 0xf8 };
	static const u8 lo[] = { 0xc7, 0x04, 0x24 };
	static const u8 hi[] = { 0xc7, 0x44, 0x24, 0x04 };

	if (fits_s32((s64)v)) {
		emit_u8(e, 0x68);
		emit_u32(e, (u32)v);
		return;
	}
	emit_bytes(e, lea, sizeof(lea));	/* lea -8(%rsp),%rsp */
	emit_bytes(e, lo, sizeof(lo));		/* movl $lo,(%rsp) */
	emit_u32(e, (u32)v);
	emit_bytes(e, hi, sizeof(hi));		/* movl $hi,4(%rsp) */
	emit_u32(e, (u32)(v >> 32));
}

/**
 * emit_lea_rsp() - `lea delta(%rsp),%rsp`: move %rsp without touching flags.
 * @e: the emitter.
 * @delta: bytes to add (negative: reserve); 0 emits nothing.
 */
void emit_lea_rsp(struct kdbt_emit *e, s32 delta)
{
	static const u8 d8[] = { 0x48, 0x8d, 0x64, 0x24 };
	static const u8 d32[] = { 0x48, 0x8d, 0xa4, 0x24 };

	if (!delta)
		return;
	if (delta >= -128 && delta <= 127) {
		emit_bytes(e, d8, sizeof(d8));
		emit_u8(e, (u8)delta);
	} else {
		emit_bytes(e, d32, sizeof(d32));
		emit_u32(e, (u32)delta);
	}
}

/* `<op> disp32(%rip)` with the disp computed for the run-time address. */
static void emit_riprel(struct kdbt_emit *e, const u8 *op, u32 oplen,
			u64 target)
{
	emit_bytes(e, op, oplen);
	emit_u32(e, rel32(e, emit_here(e) + 4, target));
}

/* `mov %gs:disp32,%r64`: r from 0 (%rax) to 15 (%r15). */
static void emit_gs_load(struct kdbt_emit *e, u32 disp, u8 r)
{
	emit_u8(e, 0x65);				/* %gs */
	emit_u8(e, 0x48 | (r >= 8 ? 0x04 : 0));		/* REX.W, REX.R */
	emit_u8(e, 0x8b);
	emit_u8(e, 0x04 | (r & 7) << 3);		/* ModRM: SIB follows */
	emit_u8(e, 0x25);				/* SIB: disp32, no base */
	emit_u32(e, disp);
}

/* `[lock] incq disp32(%r64)`: r from 0 to 15, not 4 (%rsp). */
static void emit_inc_at(struct kdbt_emit *e, u8 r, u32 disp, bool atomic)
{
	if (atomic)
		emit_u8(e, 0xf0);
	emit_u8(e, 0x48 | (r >= 8 ? 0x01 : 0));		/* REX.W, REX.B */
	emit_u8(e, 0xff);
	emit_u8(e, 0x80 | (r & 7));			/* ModRM: /0, disp32 */
	if ((r & 7) == 4)
		emit_u8(e, 0x24);			/* SIB for %r12 */
	emit_u32(e, disp);
}

/* `[lock] incq %gs:disp32`: a per-CPU counter in one instruction. */
static void emit_gs_inc(struct kdbt_emit *e, s32 disp, bool atomic)
{
	static const u8 inc[] = { 0x65, 0x48, 0xff, 0x04, 0x25 };

	if (atomic)
		emit_u8(e, 0xf0);
	emit_bytes(e, inc, sizeof(inc));	/* ModRM /0 + SIB: disp32 only */
	emit_u32(e, (u32)disp);
}

/**
 * emit_counter_inc() - count one execution of a block.
 * @e: the emitter.
 * @c: where the counter is and how to increment it.
 * @flags_live: the arithmetic flags must survive.
 * @stack_skip: bytes below %rsp that pushes must step over.
 *
 * Per-CPU counters reached directly (@c->gs_direct): `incq %gs:disp32`,
 * this CPU's own copy of the counter, one instruction and no register.
 * Per-CPU counters through a pointer (@c->gs_ptr): `push %rax; mov
 * %gs:ptr,%rax; incq off(%rax); pop %rax` - %gs:ptr holds this CPU's
 * counter array, so no two CPUs ever increment the same word.  Where the
 * block's first instruction overwrites a register (@c->scratch), that
 * register serves instead of %rax and needs no saving: two instructions.
 * A shared counter: `incq c(%rip)`.  Flags live: pushfq ... popfq around
 * any of them.  The increment is a single instruction, so an interrupt
 * that runs the same block cannot make it lose a count.  A sentinel
 * (@c->shadow) also does a locked increment of a shared shadow counter,
 * against which the environment checks what its counters lost.
 */
void emit_counter_inc(struct kdbt_emit *e, const struct kdbt_counter_ref *c,
		      bool flags_live, u32 stack_skip)
{
	static const u8 inc[] = { 0x48, 0xff, 0x05 };
	static const u8 lock_inc[] = { 0xf0, 0x48, 0xff, 0x05 };
	bool ptr = !c->gs_direct && c->gs_ptr;
	bool scratch = ptr && c->scratch != KDBT_NO_SCRATCH_REG;
	bool stack = flags_live || (ptr && !scratch);

	if (stack)
		emit_lea_rsp(e, -(s32)stack_skip);
	if (flags_live)
		emit_u8(e, 0x9c);				/* pushfq */
	if (c->gs_direct) {
		emit_gs_inc(e, c->gs_disp, c->atomic);
	} else if (ptr) {
		u8 r = scratch ? c->scratch : 0;		/* else %rax */

		if (!scratch)
			emit_u8(e, 0x50);			/* push %rax */
		emit_gs_load(e, c->gs_ptr, r);			/* mov %gs:ptr,%r */
		emit_inc_at(e, r, c->offset, c->atomic);	/* incq off(%r) */
		if (!scratch)
			emit_u8(e, 0x58);			/* pop %rax */
	} else if (c->atomic) {
		emit_riprel(e, lock_inc, sizeof(lock_inc), c->addr);
	} else {
		emit_riprel(e, inc, sizeof(inc), c->addr);
	}
	if (c->shadow)
		emit_riprel(e, lock_inc, sizeof(lock_inc), c->shadow);
	if (flags_live)
		emit_u8(e, 0x9d);				/* popfq */
	if (stack)
		emit_lea_rsp(e, (s32)stack_skip);
}

/**
 * emit_patch_rel32() - retarget an emitted branch (chaining).
 * @field: writable view of a 4-aligned rel32 field.
 * @field_addr: run-time address of that field.
 * @target: new destination; the caller checked that it is in range.
 *
 * One aligned 32-bit store: a CPU executing the branch concurrently jumps
 * either to the old or to the new destination.
 */
void emit_patch_rel32(u8 *field, u64 field_addr, u64 target)
{
	*(volatile u32 *)field = (u32)(target - (field_addr + 4));
}
