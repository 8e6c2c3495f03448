// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - the native state an interrupted cache context stands for.
 *
 * Input: the registers of a context interrupted in the code cache (its
 * ip, sp and, when known, %rcx and %rdx), a reader of its stack words,
 * and the translator's blocks, maps, exits and jumptable.
 * Output: a native instruction and the native %rsp there that the
 * context stands for - the one it reaches next, or, inside an indirect
 * branch's sequence before its target is loaded, the branch itself: what
 * the kernel's unwinder needs to go on from an interrupt frame whose ip
 * is in the cache (docs/STACK-TRACES.md, part R).
 *
 * At a native instruction boundary of a translation - a block's direct
 * entry, the start of any native instruction's translation (its map
 * entry), a fast-mode call's return site - the stack is the native one.
 * Between two of them the context may be inside a sequence kdbt inserted
 * (a counter's pushfq, a probe's pushes, an exit stub, an indirect
 * entry), where it is not.  Such a context is run forward, on paper,
 * through kdbt's own instructions - their few exact encodings, nothing
 * else - to the next boundary: the pushes and stores it would make are
 * kept in an overlay, never written.  A jump to the dispatcher ends the
 * run too: an exit stub's pushed id names the exit's native target, a
 * probe miss's %rdx the native target of the indirect branch.  A jump out
 * of the cache to other code is native code already.
 *
 * Invariants: read-only; the answer is exact or there is none (an unknown
 * instruction or register, a word that cannot be read, too many steps).
 * Must never: write memory; read code past the cache (STATE_MAX_READ);
 * follow a native instruction (a boundary comes first).  The caller keeps the translation from changing meanwhile (the
 * kernel: kdbt_eng.lock).
 */
#include "core.h"

#define STATE_MAX_STEPS		64
#define STATE_MAX_WRITES	24	/* 4-byte pieces in the overlay */
#define STATE_MAX_READ		16	/* bytes step() may read from its pc */

struct sim {
	const struct kdbt_tr *tr;
	const struct kdbt_regs_in *in;
	u64 pc, sp;
	u64 cx, dx;
	bool cx_ok, dx_ok;
	u32 nw;
	struct {
		u64 addr;	/* 4-aligned relative to the interrupted sp */
		u32 val;
		bool ok;	/* a known value (not a pushed %rax, flags) */
	} w[STATE_MAX_WRITES];
};

/* Is @pc a native instruction boundary? Then *@native is its address. */
static bool at_boundary(const struct kdbt_tr *tr, u64 pc, u64 *native)
{
	const struct kdbt_block *b = kdbt_block_at_cache(tr, pc);
	const struct kdbt_map *m;
	u64 entry, off;
	u32 i;

	if (!b)
		return false;
	entry = kdbt_block_entry(tr, b);
	if (pc < entry)
		return false;
	off = pc - entry;
	if (!off) {
		*native = b->native;
		return true;
	}
	if (b->ret_site && off == b->ret_site) {
		*native = b->native + b->native_len;
		return true;
	}
	m = &tr->mem.maps[b->map];
	for (i = 0; i < b->ninsns; i++)
		if (m[i].cache_off == off) {
			*native = b->native + m[i].native_off;
			return true;
		}
	return false;
}

/*
 * In the cache's used part, with room after @a for the longest encoding
 * step() reads (so that it never reads past the cache).
 */
static bool in_cache(const struct kdbt_tr *tr, u64 a)
{
	return a >= tr->mem.cache_addr &&
	       a - tr->mem.cache_addr < tr->cache_used &&
	       tr->mem.cache_size - (a - tr->mem.cache_addr) >= STATE_MAX_READ;
}

static u64 sext32(u32 v)
{
	return (u64)(s64)(s32)v;
}

static u64 rel8(u8 v)
{
	return v < 0x80 ? v : (u64)v - 0x100;
}

/* Overlay: the 4-byte piece at @a, as the run so far would leave it. */
static int read_piece(struct sim *s, u64 a, u32 *val)
{
	u32 i = s->nw;
	u64 word;

	while (i--)
		if (s->w[i].addr == a) {
			*val = s->w[i].val;
			return s->w[i].ok ? 0 : -1;
		}
	if (a < s->in->sp)	/* below the real stack: an interrupt wrote it */
		return -1;
	if (s->in->read_word(s->in->ctx, a & ~7ull, &word))
		return -1;
	*val = (a & 4) ? (u32)(word >> 32) : (u32)word;
	return 0;
}

static int read_word(struct sim *s, u64 a, u64 *val)
{
	u32 lo, hi;

	if ((a & 3) || read_piece(s, a, &lo) || read_piece(s, a + 4, &hi))
		return -1;
	*val = lo | (u64)hi << 32;
	return 0;
}

static int write_piece(struct sim *s, u64 a, u32 val, bool ok)
{
	if (s->nw == STATE_MAX_WRITES)
		return -1;
	s->w[s->nw].addr = a;
	s->w[s->nw].val = val;
	s->w[s->nw].ok = ok;
	s->nw++;
	return 0;
}

static int write_word(struct sim *s, u64 a, u64 val, bool ok)
{
	if (a & 3)
		return -1;
	return write_piece(s, a, (u32)val, ok) ||
	       write_piece(s, a + 4, (u32)(val >> 32), ok) ? -1 : 0;
}

static int push(struct sim *s, u64 val, bool ok)
{
	s->sp -= 8;
	return write_word(s, s->sp, val, ok);
}

/* pop into register @r (0 %rax .. 7 %rdi; only %rcx and %rdx matter). */
static int pop(struct sim *s, u8 r)
{
	u64 v = 0;
	bool ok = !read_word(s, s->sp, &v);

	if (r == 1) {
		s->cx = v;
		s->cx_ok = ok;
	} else if (r == 2) {
		s->dx = v;
		s->dx_ok = ok;
	}
	s->sp += 8;
	return 0;
}

/*
 * A jump to @t.  Into the cache: go on there (1).  To the dispatcher:
 * the native target and the stack the dispatcher would resume with (0).
 * The kernel's retpoline for %rcx (the probe's `jmp *%rcx` under
 * retpolines): go on at %rcx.  Any other code is native (0).  -1: no
 * answer.
 */
static int jump(struct sim *s, u64 t, u64 *native)
{
	const struct kdbt_tr *tr = s->tr;
	const struct kdbt_config *cfg = &tr->cfg;
	u64 id;

	if (t >= tr->mem.cache_addr &&
	    t - tr->mem.cache_addr < tr->mem.cache_size) {
		s->pc = t;	/* (checked before it is read) */
		return in_cache(tr, t) ? 1 : -1;
	}
	if (t == cfg->dispatch_direct) {	/* [exit id][skip] */
		if (read_word(s, s->sp, &id) || id >= tr->nexits ||
		    tr->mem.exits[id].target == KDBT_SLOT_EMPTY)
			return -1;	/* (a slot's exit: its filled target) */
		*native = tr->mem.exits[id].target;
		s->sp += 8 + cfg->stack_skip;
		return 0;
	}
	if (t == cfg->dispatch_indirect) {	/* [site][%rdx][%rcx][skip] */
		if (!s->dx_ok)
			return -1;
		*native = s->dx;
		s->sp += 24 + cfg->stack_skip;
		return 0;
	}
	if (t && t == cfg->indirect_thunk[1]) {	/* __x86_indirect_thunk_rcx */
		if (!s->cx_ok)
			return -1;
		return jump(s, s->cx, native);
	}
	*native = t;
	return 0;
}

/* The jumptable entry for index %rcx, given the instruction's disp32. */
static int jt_entry(struct sim *s, u32 disp, u64 *val)
{
	const struct kdbt_tr *tr = s->tr;

	if (!s->cx_ok || s->cx >= KDBT_JT_SIZE ||
	    sext32(disp) != sext32((u32)tr->cfg.jt_addr))
		return -1;
	*val = ((const volatile u64 *)tr->mem.jt)[s->cx];	/* filled racily */
	return 0;
}

/* A counter increment's forms (emit_counter_inc()); their length or 0. */
static u32 counter_insn(struct sim *s, const u8 *p)
{
	u32 n = p[0] == 0xf0;	/* lock */
	u8 rex;

	if (p[n] == 0x65 && p[n + 1] == 0x48 && p[n + 2] == 0xff &&
	    p[n + 3] == 0x04 && p[n + 4] == 0x25)
		return n + 9;			/* incq %gs:d32 */
	if (p[n] == 0x48 && p[n + 1] == 0xff && p[n + 2] == 0x05)
		return n + 7;			/* incq d32(%rip) */
	rex = p[n];
	if ((rex == 0x48 || rex == 0x49) && p[n + 1] == 0xff &&
	    (p[n + 2] & 0xf8) == 0x80)		/* incq d32(%r) */
		return n + 7 + ((p[n + 2] & 7) == 4);
	if (!n && p[0] == 0x65 && (p[1] == 0x48 || p[1] == 0x4c) &&
	    p[2] == 0x8b && (p[3] & 0xc7) == 0x04 && p[4] == 0x25) {
		u8 r = (p[3] >> 3 & 7) | (p[1] == 0x4c ? 8 : 0);

		if (r == 1)			/* mov %gs:d32,%r */
			s->cx_ok = false;
		if (r == 2)
			s->dx_ok = false;
		return 9;
	}
	return 0;
}

/*
 * One of kdbt's instructions at s->pc.  Return: 1 to go on, 0 when a jump
 * left the cache (*native set), -1 for anything else.
 */
static int step(struct sim *s, u64 *native)
{
	const u8 *p = (const u8 *)(unsigned long)s->pc;
	u64 v;
	u32 n = 0, len;

	while (n < 3 && p[n] == 0x2e)		/* emit_align_field() */
		n++;
	p += n;
	if (p[0] == 0xe9)
		return jump(s, s->pc + n + 5 + sext32(kdbt_le32(p + 1)), native);
	if (n)
		goto field;
	switch (p[0]) {
	case 0xeb:				/* jmp rel8 */
		return jump(s, s->pc + 2 + rel8(p[1]), native);
	case 0xe3:				/* jrcxz */
		if (!s->cx_ok)
			return -1;
		s->pc += 2;
		if (!s->cx)
			s->pc += rel8(p[1]);
		return 1;
	case 0x68:				/* push $imm32 */
		s->pc += 5;
		return push(s, sext32(kdbt_le32(p + 1)), true) ? -1 : 1;
	case 0x50:
	case 0x51:
	case 0x52:				/* push %rax, %rcx, %rdx */
		s->pc += 1;
		return push(s, p[0] == 0x51 ? s->cx : s->dx,
			    (p[0] == 0x51 && s->cx_ok) ||
			    (p[0] == 0x52 && s->dx_ok)) ? -1 : 1;
	case 0x58:
	case 0x59:
	case 0x5a:				/* pop %rax, %rcx, %rdx */
		s->pc += 1;
		return pop(s, p[0] - 0x58) ? -1 : 1;
	case 0x9c:				/* pushfq */
		s->pc += 1;
		return push(s, 0, false) ? -1 : 1;
	case 0x9d:				/* popfq */
		s->pc += 1;
		s->sp += 8;
		return 1;
	case 0xff:
		if (p[1] == 0x25) {		/* jmp *d32(%rip) */
			const u8 *lit = p + 6 + (s32)kdbt_le32(p + 2);

			v = *(const u64 *)lit;
			return jump(s, v, native);
		}
		if (p[1] == 0x24 && p[2] == 0xcd) {	/* jmp *d32(,%rcx,8) */
			if (jt_entry(s, kdbt_le32(p + 3), &v))
				return -1;
			return jump(s, v, native);
		}
		return -1;
	case 0xf3:				/* endbr64 */
		if (p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa) {
			s->pc += 4;
			return 1;
		}
		return -1;
	case 0x0f:				/* movzwl %dx,%ecx */
		if (p[1] == 0xb7 && p[2] == 0xca) {
			s->cx = s->dx & 0xffff;
			s->cx_ok = s->dx_ok;
			s->pc += 3;
			return 1;
		}
		return -1;
	case 0xc7:				/* movl $imm32,(%rsp), 4(%rsp) */
		if (p[1] == 0x04 && p[2] == 0x24) {
			s->pc += 7;
			return write_piece(s, s->sp, kdbt_le32(p + 3), true) ? -1 : 1;
		}
		if (p[1] == 0x44 && p[2] == 0x24 && p[3] == 0x04) {
			s->pc += 8;
			return write_piece(s, s->sp + 4, kdbt_le32(p + 4), true) ?
			       -1 : 1;
		}
		return -1;
	case 0x48:
		break;
	default:
		goto counter;
	}
	/* REX.W forms */
	if (p[1] == 0x8d && p[2] == 0x64 && p[3] == 0x24) {	/* lea d8(%rsp),%rsp */
		s->sp += rel8(p[4]);
		s->pc += 5;
		return 1;
	}
	if (p[1] == 0x8d && p[2] == 0xa4 && p[3] == 0x24) {	/* lea d32(%rsp),%rsp */
		s->sp += sext32(kdbt_le32(p + 4));
		s->pc += 8;
		return 1;
	}
	if (p[1] == 0x8b && p[2] == 0x54 && p[3] == 0x24) {	/* mov d8(%rsp),%rdx */
		s->dx_ok = !read_word(s, s->sp + rel8(p[4]), &s->dx);
		s->pc += 5;
		return 1;
	}
	if (p[1] == 0x8b && p[2] == 0x94 && p[3] == 0x24) {	/* mov d32(%rsp),%rdx */
		s->dx_ok = !read_word(s, s->sp + sext32(kdbt_le32(p + 4)), &s->dx);
		s->pc += 8;
		return 1;
	}
	if (p[1] == 0x89 && p[2] == 0x4c && p[3] == 0x24) {	/* mov %rcx,d8(%rsp) */
		s->pc += 5;
		return write_word(s, s->sp + rel8(p[4]), s->cx,
				  s->cx_ok) ? -1 : 1;
	}
	if (p[1] == 0x8b && p[2] == 0x0c && p[3] == 0xcd) {	/* mov d32(,%rcx,8),%rcx */
		if (jt_entry(s, kdbt_le32(p + 4), &v))
			return -1;
		s->cx = v;
		s->pc += 8;
		return 1;
	}
field:
	if (p[0] == 0x48 && p[1] == 0x8d && p[2] == 0x8a) {	/* lea d32(%rdx),%rcx */
		s->cx = s->dx + sext32(kdbt_le32(p + 3));
		s->cx_ok = s->dx_ok;
		s->pc += n + 7;
		return 1;
	}
	if (n)
		return -1;
counter:
	len = counter_insn(s, p);
	if (!len)
		return -1;
	s->pc += len;
	return 1;
}

/*
 * Length of `mov <r/m64>,%rdx` at @p (load_target()'s, as Zydis encodes
 * it: REX.W, an optional %gs or %fs prefix first; or `mov %r64,%rdx`),
 * or 0.
 */
static u32 mov_to_rdx_len(const u8 *p)
{
	u32 n = (p[0] == 0x65 || p[0] == 0x64), len;
	u8 modrm, mod, rm;

	if ((p[n] & 0xfc) != 0x48)		/* REX.W, no REX.R: %rdx */
		return 0;
	modrm = p[n + 2];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (p[n + 1] == 0x89)			/* mov %r64,%rdx */
		return mod == 3 && rm == 2 && !(p[n] & 1) ? n + 3 : 0;
	if (p[n + 1] != 0x8b || (modrm >> 3 & 7) != 2)
		return 0;
	len = n + 3;
	if (mod == 3)
		return len;
	if (rm == 4) {				/* SIB */
		len++;
		if (mod == 0 && (p[n + 3] & 7) == 5)
			len += 4;
	} else if (mod == 0 && rm == 5) {
		len += 4;			/* disp32(%rip) */
	}
	if (mod == 1)
		len += 1;
	if (mod == 2)
		len += 4;
	return len;
}

/*
 * What one instruction of an indirect branch's sequence up to its load
 * does to %rsp (push, lea; a ret's check of slot 0, nothing): *@delta; its
 * length, or 0 for anything else (a jump above all: the sequence is no
 * longer straight).  The check sits at the ret's map entry, a boundary:
 * a context at its `jne` (flags unknown) stands for the ret itself, which
 * step() leaves to backward() by not knowing `jne`.
 */
static u32 sp_effect(const u8 *p, s64 *delta)
{
	u32 len = mov_to_rdx_len(p), n = 0;

	*delta = 0;
	if (len)
		return len;
	while (n < 3 && p[n] == 0x2e)		/* emit_align_field() */
		n++;
	if (p[n] == 0x48 && p[n + 1] == 0x81 && p[n + 2] == 0x3c &&
	    p[n + 3] == 0x24)			/* a ret's cmpq $imm32,(%rsp) */
		return n + 8;
	if (n)
		return 0;
	if (p[0] == 0x68) {
		*delta = -8;
		return 5;
	}
	if (p[0] == 0x51 || p[0] == 0x52) {
		*delta = -8;
		return 1;
	}
	if (p[0] == 0x48 && p[1] == 0x8d && p[2] == 0x64 && p[3] == 0x24) {
		*delta = (s64)rel8(p[4]);
		return 5;
	}
	if (p[0] == 0x48 && p[1] == 0x8d && p[2] == 0xa4 && p[3] == 0x24) {
		*delta = (s64)sext32(kdbt_le32(p + 4));
		return 8;
	}
	if (p[0] == 0xc7 && p[1] == 0x04 && p[2] == 0x24)
		return 7;
	if (p[0] == 0xc7 && p[1] == 0x44 && p[2] == 0x24 && p[3] == 0x04)
		return 8;
	return 0;
}

/*
 * Where going forward needs what is not known yet - an indirect call's
 * or jump's target before its load into %rdx (any register or memory the
 * native instruction names) - go back instead: from the start of that
 * native instruction's translation, a boundary, straight to @in->ip,
 * through pushes, lea and the load only.  The context then stands for
 * the native state before that instruction.
 */
static bool backward(const struct kdbt_tr *tr, const struct kdbt_regs_in *in,
		     u64 *native, u64 *native_sp)
{
	const struct kdbt_block *b = kdbt_block_at_cache(tr, in->ip);
	const struct kdbt_map *m;
	u64 entry, pc;
	s64 delta = 0, d;
	u32 i, k, len;

	if (!b)
		return false;
	entry = kdbt_block_entry(tr, b);
	if (in->ip < entry || !b->ninsns)
		return false;
	m = &tr->mem.maps[b->map];
	for (k = b->ninsns; k > 0; k--)
		if (m[k - 1].cache_off <= in->ip - entry)
			break;
	if (!k)
		return false;
	pc = entry + m[k - 1].cache_off;
	for (i = 0; i < 8 && pc < in->ip; i++) {
		len = sp_effect((const u8 *)(unsigned long)pc, &d);
		if (!len)
			return false;
		pc += len;
		delta += d;
	}
	if (pc != in->ip)
		return false;
	*native = b->native + m[k - 1].native_off;
	*native_sp = in->sp - (u64)delta;
	return true;
}

/**
 * kdbt_native_state() - the native state an interrupted cache context
 * stands for: the native instruction it reaches next, and %rsp there.
 * @tr: the translator (kept from changing by the caller).
 * @in: the context's registers and a reader of its stack.
 * @native: receives the native instruction's address.
 * @native_sp: receives %rsp at it.
 *
 * Return: true with *@native and *@native_sp, or false (no exact answer:
 * @in->ip not in the cache's used part nor at the start of the %rcx
 * retpoline with %rcx there, an instruction kdbt does not emit, a
 * register or stack word needed and unknown).
 */
bool kdbt_native_state(const struct kdbt_tr *tr, const struct kdbt_regs_in *in,
		       u64 *native, u64 *native_sp)
{
	struct sim s = {
		.tr = tr, .in = in, .pc = in->ip, .sp = in->sp,
		.cx = in->cx, .dx = in->dx,
		.cx_ok = in->cx_dx_known, .dx_ok = in->cx_dx_known,
	};
	u32 i;
	int r;

	/*
	 * At the first instruction of the kernel's %rcx retpoline, which
	 * kdbt's probe leaves through with the jumptable entry in %rcx (an
	 * indirect entry, or the dispatcher: emit_probe()), the context goes
	 * on where %rcx leads, stack unchanged: the thunk's unwind hint ends
	 * every walk there, and natively it does not run once retpolines
	 * are patched out.
	 */
	if (in->ip && in->ip == tr->cfg.indirect_thunk[1] && s.cx_ok &&
	    (in_cache(tr, s.cx) || s.cx == tr->cfg.dispatch_indirect)) {
		r = jump(&s, s.cx, native);
		if (r <= 0) {
			*native_sp = s.sp;
			return !r;
		}
	}
	for (i = 0; i < STATE_MAX_STEPS; i++) {
		if (!in_cache(tr, s.pc))
			return false;
		if (at_boundary(tr, s.pc, native)) {
			*native_sp = s.sp;
			return true;
		}
		r = step(&s, native);
		if (r < 0)
			return backward(tr, in, native, native_sp);
		if (!r) {
			*native_sp = s.sp;
			return true;
		}
	}
	return false;
}
