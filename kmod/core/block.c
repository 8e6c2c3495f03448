// SPDX-License-Identifier: GPL-2.0
/*
 * block.c - build one basic block: decode native instructions from a start
 * address up to and including a control transfer (or a call thunk's
 * call-depth accounting, which falls into its function: cfg.call_depth),
 * classify each by rule, and work out whether the arithmetic flags are
 * live at block entry.
 *
 * Input: a native address (read through cfg.read_code).
 * Output: struct kdbt_bb; nothing is emitted here.  An instruction that
 * must run natively is not part of the block: the block ends before it
 * (KDBT_END_NATIVE, bb->next is its address), so a block may hold no
 * instruction at all.
 * Invariants: a block never ends right after `sti` (its shadow must cover
 * the instruction after it), holds at most KDBT_MAX_BLOCK_INSNS
 * instructions and KDBT_MAX_BLOCK_BYTES bytes, and an instruction no rule
 * can translate ends the block as an exit to native code, counted.
 */
#include "block.h"

/* Read up to KDBT_MAX_INSN_LEN code bytes at @ip; fewer near unreadable. */
static int fetch(struct kdbt_tr *tr, u64 ip, u8 *buf, size_t *len)
{
	size_t n;

	for (n = KDBT_MAX_INSN_LEN; n > 0; n--) {
		if (!tr->cfg.read_code(tr->cfg.ctx, ip, buf, n)) {
			*len = n;
			return 0;
		}
	}
	return -EFAULT;
}

static bool is_riprel(const ZydisDecodedInstruction *zi)
{
	return (zi->attributes & ZYDIS_ATTRIB_HAS_MODRM) &&
	       zi->raw.modrm.mod == 0 && zi->raw.modrm.rm == 5 &&
	       zi->raw.disp.size == 32;
}

/*
 * Is @zi at @ip the call-depth accounting of a call thunk (cfg.call_depth),
 * which falls through into its function?  It ends the block.
 */
static bool is_call_depth_thunk(const struct kdbt_tr *tr,
				const ZydisDecodedInstruction *zi, u64 ip)
{
	return tr->cfg.call_depth && zi->mnemonic == ZYDIS_MNEMONIC_SAR &&
	       kdbt_call_depth_ref(zi, ip, ZYDIS_MNEMONIC_SAR) ==
	       tr->cfg.call_depth;
}

/*
 * Classify one instruction.  Rules, and why:
 * - jmp/jcc/call rel: chained exits; calls and jumps to the kernel's
 *   __x86_indirect_thunk_<reg> (and cfg.thunk_alias: the call-depth and
 *   ITS thunks) are the indirect branches they stand for.
 * - the call-depth accounting of a call thunk (cfg.call_depth) is copied
 *   and ends its block (kdbt_build_block()): the function it falls into
 *   starts a block of its own.
 * - jmp/call through register or memory, ret: see translate.c.
 * - far transfers, iret, sysret, sysexit, int*, ud*: run natively
 *   (the block exits to the native instruction), so the kernel's own
 *   handlers see a native ip (BUG/WARN, kprobes, text_poke int3s) and
 *   entry/exit code never runs from the cache.
 * - swapgs: copied when its matching swapgs follows closely in straight
 *   line (see swapgs_window()), else native like the above.
 * - xbegin (a rel32 abort target) has no rule: native exit, counted.
 * - lkgs, which Zydis 4.0 cannot decode (kdbt_is_lkgs()), runs natively
 *   too (kdbt_build_block()): it is privileged, and rare.
 * - everything else is position independent once a RIP-relative disp32
 *   is relocated; privileged instructions (hlt, cli, sti, wrmsr, mov cr)
 *   are copied as they are.
 */
static enum kdbt_rule classify(const struct kdbt_tr *tr,
			       const ZydisDecodedInstruction *zi,
			       struct kdbt_binsn *in)
{
	bool rel = zi->raw.imm[0].is_relative;

	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_JMP:
		if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
			return KDBT_RULE_NATIVE;
		if (!rel)
			return KDBT_RULE_JMP_IND;
		in->thunk_reg = kdbt_thunk_reg(&tr->cfg, in->target);
		return in->thunk_reg ? KDBT_RULE_JMP_IND : KDBT_RULE_JMP;
	case ZYDIS_MNEMONIC_CALL:
		if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
			return KDBT_RULE_NATIVE;
		if (!rel)
			return KDBT_RULE_CALL_IND;
		in->thunk_reg = kdbt_thunk_reg(&tr->cfg, in->target);
		return in->thunk_reg ? KDBT_RULE_CALL_IND : KDBT_RULE_CALL;
	case ZYDIS_MNEMONIC_RET:	/* far ret and ret imm16 stay native */
		if (zi->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR ||
		    zi->operand_count_visible)
			return KDBT_RULE_NATIVE;
		return KDBT_RULE_RET;
	case ZYDIS_MNEMONIC_LOOP:
	case ZYDIS_MNEMONIC_LOOPE:
	case ZYDIS_MNEMONIC_LOOPNE:
	case ZYDIS_MNEMONIC_JRCXZ:
	case ZYDIS_MNEMONIC_JECXZ:
	case ZYDIS_MNEMONIC_JCXZ:
		return KDBT_RULE_JCC_SHORT;
	case ZYDIS_MNEMONIC_IRET:
	case ZYDIS_MNEMONIC_IRETD:
	case ZYDIS_MNEMONIC_IRETQ:
	case ZYDIS_MNEMONIC_SYSRET:
	case ZYDIS_MNEMONIC_SYSEXIT:
	case ZYDIS_MNEMONIC_SWAPGS:
	case ZYDIS_MNEMONIC_INT3:
	case ZYDIS_MNEMONIC_INT:
	case ZYDIS_MNEMONIC_INT1:
	case ZYDIS_MNEMONIC_INTO:
	case ZYDIS_MNEMONIC_UD0:
	case ZYDIS_MNEMONIC_UD1:
	case ZYDIS_MNEMONIC_UD2:
		return KDBT_RULE_NATIVE;
	case ZYDIS_MNEMONIC_XBEGIN:
		return KDBT_RULE_UNHANDLED;
	default:
		break;
	}
	if (zi->meta.category == ZYDIS_CATEGORY_COND_BR)
		return rel ? KDBT_RULE_JCC : KDBT_RULE_UNHANDLED;
	if (rel)
		return KDBT_RULE_UNHANDLED;
	return is_riprel(zi) ? KDBT_RULE_RIPREL : KDBT_RULE_COPY;
}

static enum kdbt_end rule_end(enum kdbt_rule rule)
{
	switch (rule) {
	case KDBT_RULE_JMP:		return KDBT_END_JMP;
	case KDBT_RULE_JCC:
	case KDBT_RULE_JCC_SHORT:	return KDBT_END_JCC;
	case KDBT_RULE_CALL:		return KDBT_END_CALL;
	case KDBT_RULE_JMP_IND:		return KDBT_END_JMP_IND;
	case KDBT_RULE_CALL_IND:	return KDBT_END_CALL_IND;
	case KDBT_RULE_RET:		return KDBT_END_RET;
	case KDBT_RULE_NATIVE:
	case KDBT_RULE_UNHANDLED:	return KDBT_END_NATIVE;
	default:			return KDBT_END_FALL;
	}
}

static u16 flags_written(const ZydisDecodedInstruction *zi)
{
	const ZydisAccessedFlags *f = zi->cpu_flags;

	if (!f)
		return 0;
	return (f->modified | f->set_0 | f->set_1 | f->undefined) &
	       KDBT_INC_FLAGS;
}

static u16 flags_read(const ZydisDecodedInstruction *zi)
{
	return zi->cpu_flags ? zi->cpu_flags->tested & KDBT_INC_FLAGS : 0;
}

/* The 64-bit GPR number (0-15) that @r is part of, or -1. */
static int gpr_number(ZydisRegister r)
{
	ZydisRegister r64;

	if (r == ZYDIS_REGISTER_NONE)
		return -1;
	r64 = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
	if (ZydisRegisterGetClass(r64) != ZYDIS_REGCLASS_GPR64)
		return -1;
	return r64 - ZYDIS_REGISTER_RAX;
}

/* `pop %r64` (not %rsp): its register, or KDBT_NO_SCRATCH. */
static u8 popped(const struct kdbt_tr *tr, const struct kdbt_full_insn *fi)
{
	ZydisDecodedOperand op;
	int r;

	if (fi->zi.operand_count_visible != 1 ||
	    kdbt_decode_operands(&tr->dec, fi, &op, 1) ||
	    op.type != ZYDIS_OPERAND_TYPE_REGISTER || op.size != 64)
		return KDBT_NO_SCRATCH;
	r = gpr_number(op.reg.value);
	return r < 0 || r == 4 ? KDBT_NO_SCRATCH : (u8)r;
}

/*
 * A general-purpose register that @fi overwrites whole without reading
 * it, so that, if no instruction before it in the block read it either,
 * its value at the block's entry is dead and the counter increment may
 * use it as scratch.  Only moves qualify (mov, movzx, movsx, movsxd, lea,
 * pop, and xor or sub of a register with itself), to a 64-bit or 32-bit
 * (zero-extending) register other than %rsp, from a general-purpose
 * register, an immediate or memory.  A load may fault: an exception
 * fixup then finds the counter's pointer in its destination instead of
 * the old value.  That is no change a fixup can see: the destination of
 * a faulting load is an output of its asm (uaccess, *_nofault: the C
 * code after the fault does not read it), or the fixup writes it
 * (load_unaligned_zeropad).  No earlier instruction may fault to a
 * fixup (scratch_passes()).
 * Return: the register's number (0-15, as in ModRM), or KDBT_NO_SCRATCH.
 */
static u8 dead_scratch(const struct kdbt_tr *tr, const struct kdbt_full_insn *fi)
{
	const ZydisDecodedInstruction *zi = &fi->zi;
	ZydisDecodedOperand ops[2];
	bool zeroing;
	int r;

	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_POP:
		return popped(tr, fi);
	case ZYDIS_MNEMONIC_MOV: case ZYDIS_MNEMONIC_MOVZX:
	case ZYDIS_MNEMONIC_MOVSX: case ZYDIS_MNEMONIC_MOVSXD:
	case ZYDIS_MNEMONIC_LEA: case ZYDIS_MNEMONIC_XOR:
	case ZYDIS_MNEMONIC_SUB:
		break;
	default:
		return KDBT_NO_SCRATCH;
	}
	if (zi->operand_count_visible != 2 ||
	    kdbt_decode_operands(&tr->dec, fi, ops, 2) ||
	    ops[0].type != ZYDIS_OPERAND_TYPE_REGISTER)
		return KDBT_NO_SCRATCH;
	zeroing = ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
		  ops[1].reg.value == ops[0].reg.value;
	if ((zi->mnemonic == ZYDIS_MNEMONIC_XOR ||
	     zi->mnemonic == ZYDIS_MNEMONIC_SUB) != zeroing)
		return KDBT_NO_SCRATCH;	/* xor/sub only as zeroing idioms */
	if (!zeroing && ops[0].actions != ZYDIS_OPERAND_ACTION_WRITE)
		return KDBT_NO_SCRATCH;
	if (ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
	    gpr_number(ops[1].reg.value) < 0)
		return KDBT_NO_SCRATCH;	/* control, debug, segment registers */
	if (ops[0].size != 64 && ops[0].size != 32)
		return KDBT_NO_SCRATCH;
	r = gpr_number(ops[0].reg.value);
	if (r < 0 || r == 4)			/* not a GPR, or %rsp */
		return KDBT_NO_SCRATCH;
	if (!zeroing && ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
	    gpr_number(ops[1].reg.value) == r)
		return KDBT_NO_SCRATCH;	/* reads it (movzx %al,%eax) */
	if (ops[1].type == ZYDIS_OPERAND_TYPE_MEMORY &&
	    (gpr_number(ops[1].mem.base) == r ||
	     gpr_number(ops[1].mem.index) == r))
		return KDBT_NO_SCRATCH;	/* lea 8(%rax),%rax reads it */
	return (u8)r;
}

/*
 * Can a fault at @ip resume anywhere but at @ip itself?  Only through an
 * exception fixup: a kernel fault without one is fixed and retried (a
 * spurious fault) or it is an oops.
 */
static bool may_fix_up(const struct kdbt_tr *tr, u64 ip)
{
	return !tr->cfg.has_fixup || tr->cfg.has_fixup(tr->cfg.ctx, ip);
}

/*
 * May the search for a scratch register go on past @fi at @ip: no
 * exception fixup can run before the scratch register is written (no
 * memory access that has one, besides its own push or pop; no
 * privileged or trapping instruction) and it is straight-line.  The
 * GPRs it reads, explicitly or not, join @read: none of them can be the
 * scratch register.
 */
static bool scratch_passes(const struct kdbt_tr *tr,
			   const struct kdbt_full_insn *fi, u64 ip, u16 *read)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	const ZydisDecodedInstruction *zi = &fi->zi;
	bool no_access;
	int i, r;

	switch (zi->mnemonic) {
	case ZYDIS_MNEMONIC_NOP: case ZYDIS_MNEMONIC_ENDBR64:
	case ZYDIS_MNEMONIC_LEA:
		no_access = true;
		break;
	case ZYDIS_MNEMONIC_PUSH: case ZYDIS_MNEMONIC_POP:
	case ZYDIS_MNEMONIC_MOV:
	case ZYDIS_MNEMONIC_MOVZX: case ZYDIS_MNEMONIC_MOVSX:
	case ZYDIS_MNEMONIC_MOVSXD: case ZYDIS_MNEMONIC_ADD:
	case ZYDIS_MNEMONIC_SUB: case ZYDIS_MNEMONIC_AND:
	case ZYDIS_MNEMONIC_OR: case ZYDIS_MNEMONIC_XOR:
	case ZYDIS_MNEMONIC_CMP: case ZYDIS_MNEMONIC_TEST:
	case ZYDIS_MNEMONIC_INC: case ZYDIS_MNEMONIC_DEC:
	case ZYDIS_MNEMONIC_NEG: case ZYDIS_MNEMONIC_NOT:
	case ZYDIS_MNEMONIC_SHL: case ZYDIS_MNEMONIC_SHR:
	case ZYDIS_MNEMONIC_SAR:
		no_access = false;
		break;
	default:
		return false;
	}
	if (kdbt_decode_operands(&tr->dec, fi, ops, ZYDIS_MAX_OPERAND_COUNT))
		return false;
	for (i = 0; i < zi->operand_count; i++) {
		const ZydisDecodedOperand *op = &ops[i];

		if (op->type == ZYDIS_OPERAND_TYPE_REGISTER) {
			r = gpr_number(op->reg.value);
			if (r >= 0 && (op->actions & ZYDIS_OPERAND_ACTION_MASK_READ))
				*read |= 1u << r;
		} else if (op->type == ZYDIS_OPERAND_TYPE_MEMORY) {
			bool stack = (zi->mnemonic == ZYDIS_MNEMONIC_PUSH ||
				      zi->mnemonic == ZYDIS_MNEMONIC_POP) &&
				     op->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN;

			if (!no_access && !stack && may_fix_up(tr, ip))
				return false;
			r = gpr_number(op->mem.base);
			if (r >= 0)
				*read |= 1u << r;
			r = gpr_number(op->mem.index);
			if (r >= 0)
				*read |= 1u << r;
		}
	}
	return true;
}

/* The scratch register search (find_scratch()). */
struct scratch_scan {
	u16 read;		/* GPRs read so far */
	u16 passed;		/* instructions passed (scratch_passes()) */
	bool searching;		/* still going on */
};

/*
 * The scratch register search, one instruction at a time from the
 * block's entry.
 */
static void find_scratch(const struct kdbt_tr *tr, struct kdbt_bb *bb,
			 const struct kdbt_full_insn *fi,
			 const struct kdbt_binsn *in, struct scratch_scan *s)
{
	u8 r;

	if (!s->searching)
		return;
	if (in->rule != KDBT_RULE_COPY && in->rule != KDBT_RULE_RIPREL) {
		s->searching = false;
		return;
	}
	r = dead_scratch(tr, fi);
	if (r != KDBT_NO_SCRATCH && !(s->read & (1u << r))) {
		bb->scratch = r;
		s->searching = false;
		return;
	}
	s->searching = scratch_passes(tr, fi, in->ip, &s->read);
	if (s->searching)
		s->passed++;
}

#define R11	11

/* Does @bb end by returning: ret, or jmp to the return thunk? */
static bool ends_in_return(const struct kdbt_tr *tr, const struct kdbt_bb *bb)
{
	const struct kdbt_binsn *last = &bb->insn[bb->n ? bb->n - 1 : 0];

	if (bb->end == KDBT_END_RET)
		return true;
	return bb->end == KDBT_END_JMP && tr->cfg.return_thunk &&
	       last->target == tr->cfg.return_thunk;
}

/* Does @bb end by calling, or jumping to, a C function's first byte? */
static bool enters_c_function(const struct kdbt_tr *tr,
			      const struct kdbt_bb *bb)
{
	const struct kdbt_binsn *last = &bb->insn[bb->n ? bb->n - 1 : 0];

	return (bb->end == KDBT_END_CALL || bb->end == KDBT_END_JMP) &&
	       tr->cfg.c_function &&
	       tr->cfg.c_function(tr->cfg.ctx, last->target) ==
	       KDBT_CFUNC_ENTRY;
}

/*
 * No instruction of the block frees a register: the calling convention
 * may.  %r11 carries nothing into a C function (not an argument, not the
 * static chain) and nothing out of one, so it is dead at a C function's
 * first byte (every way in is a call or a tail call); in a block that
 * returns from a C function; and in a block that calls or tail-calls
 * one (the caller cannot keep a value in %r11 across the call) - these
 * two if no instruction before the branch reads it or can fault to an
 * exception fixup (which stays in the function and might).
 */
static u8 abi_scratch(const struct kdbt_tr *tr, const struct kdbt_bb *bb,
		      const struct scratch_scan *s)
{
	if (bb->cfunc == KDBT_CFUNC_ENTRY)
		return R11;
	if (s->passed + 1u != bb->n || (s->read & (1u << R11)))
		return KDBT_NO_SCRATCH;
	if (bb->cfunc == KDBT_CFUNC_BODY && ends_in_return(tr, bb))
		return R11;
	if (enters_c_function(tr, bb))
		return R11;
	return KDBT_NO_SCRATCH;
}

/*
 * swapgs outside entry text (__rdgsbase_inactive, __wrgsbase_inactive,
 * interrupts off) comes in pairs around one GS-base access.  It is copied
 * only when the matching swapgs follows within a few straight-line
 * instructions, so the whole window lies inside one block: no exit, no
 * counter and no dispatcher entry (which uses per-CPU data) ever runs
 * with the other GS base.  Otherwise it ends the block natively.
 * Return: instructions after @ip's swapgs up to and including the
 * matching one, or 0.
 */
static u32 swapgs_window(struct kdbt_tr *tr, u64 ip)
{
	struct kdbt_full_insn fi;
	u8 buf[KDBT_MAX_INSN_LEN];
	size_t len;
	u32 n;

	for (n = 1; n <= 8; n++) {
		if (fetch(tr, ip, buf, &len) ||
		    kdbt_decode_full(&tr->dec, buf, len, &fi))
			return 0;
		if (fi.zi.mnemonic == ZYDIS_MNEMONIC_SWAPGS)
			return n;
		if (fi.zi.meta.category == ZYDIS_CATEGORY_COND_BR ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_UNCOND_BR ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_CALL ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_RET ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_INTERRUPT ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_SYSCALL ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_SYSRET ||
		    fi.zi.mnemonic == ZYDIS_MNEMONIC_UD2 ||
		    fi.zi.mnemonic == ZYDIS_MNEMONIC_UD1 ||
		    fi.zi.mnemonic == ZYDIS_MNEMONIC_UD0)
			return 0;
		ip += fi.zi.length;
	}
	return 0;
}

/* Decode one instruction at @ip into @in and @fi; 0 or -errno. */
static int decode_at(struct kdbt_tr *tr, u64 ip, struct kdbt_full_insn *fi,
		     struct kdbt_binsn *in)
{
	size_t avail;
	int err;

	err = fetch(tr, ip, in->bytes, &avail);
	if (err) {
		kdbt_refuse(tr, KDBT_REFUSE_READ, ip);
		return err;
	}
	err = kdbt_decode_full(&tr->dec, in->bytes, avail, fi);
	if (err && kdbt_is_lkgs(in->bytes, avail))
		return -EOPNOTSUPP;	/* known, runs natively */
	if (err) {
		kdbt_refuse(tr, KDBT_REFUSE_DECODE, ip);
		return err;
	}
	in->ip = ip;
	in->len = fi->zi.length;
	in->mnemonic = fi->zi.mnemonic;
	in->disp_off = fi->zi.raw.disp.offset;
	in->imm_off = fi->zi.raw.imm[0].offset;
	in->imm_size = fi->zi.raw.imm[0].size;
	in->thunk_reg = 0;
	in->target = 0;
	if (fi->zi.raw.imm[0].is_relative)
		in->target = ip + in->len + fi->zi.raw.imm[0].value.s;
	return 0;
}

/* Instructions dead_at() looks at; branches it follows. */
#define DEAD_SCAN	8
#define DEAD_DEPTH	2

static u16 dead_after(struct kdbt_tr *tr, const struct kdbt_binsn *in,
		      enum kdbt_rule rule, int depth);

/*
 * The GPRs that the code at @ip overwrites before reading, on every path
 * through up to @depth conditional branches: dead there.  The scan takes
 * what the scratch search takes (scratch_passes()) but nops and jmps,
 * which may be patch sites: a static branch turns one into the other,
 * towards code that may read them (and it invalidates only the blocks
 * holding the site).
 */
static u16 dead_at(struct kdbt_tr *tr, u64 ip, int depth)
{
	struct kdbt_full_insn fi;
	struct kdbt_binsn in = { 0 };
	u16 read = 0, dead = 0;
	int i;

	for (i = 0; i < DEAD_SCAN; i++) {
		enum kdbt_rule rule;
		u8 r;

		if (decode_at(tr, ip, &fi, &in))
			break;
		rule = classify(tr, &fi.zi, &in);
		if (rule == KDBT_RULE_JCC || rule == KDBT_RULE_JCC_SHORT)
			return dead | (dead_after(tr, &in, rule, depth) & ~read);
		if ((rule != KDBT_RULE_COPY && rule != KDBT_RULE_RIPREL) ||
		    fi.zi.mnemonic == ZYDIS_MNEMONIC_NOP ||
		    fi.zi.mnemonic == ZYDIS_MNEMONIC_SWAPGS)
			break;
		r = dead_scratch(tr, &fi);
		if (r != KDBT_NO_SCRATCH && !(read & (1u << r)))
			dead |= 1u << r;
		if (!scratch_passes(tr, &fi, ip, &read))
			break;
		ip += in.len;
	}
	return dead;
}

/*
 * The GPRs dead after the direct branch @in (of @rule): at each of its
 * successors, and not read by the branch itself (loop, jrcxz: %rcx).  A
 * jmp is only followed when it ends the block being built, whose
 * translation goes if the jmp is patched.
 */
static u16 dead_after(struct kdbt_tr *tr, const struct kdbt_binsn *in,
		      enum kdbt_rule rule, int depth)
{
	u16 dead;

	if (!depth)
		return 0;
	dead = dead_at(tr, in->target, depth - 1);
	if (rule == KDBT_RULE_JMP || !dead)
		return dead;
	dead &= dead_at(tr, in->ip + in->len, depth - 1);
	if (rule == KDBT_RULE_JCC_SHORT)
		dead &= ~(1u << 1);
	return dead;
}

/*
 * Still no register: one that no instruction of the block reads (and
 * none can fault to a fixup) and that every path from its end overwrites
 * first is dead at the block's entry too.
 */
static u8 successor_scratch(struct kdbt_tr *tr, const struct kdbt_bb *bb,
			    const struct scratch_scan *s)
{
	const struct kdbt_binsn *last = &bb->insn[bb->n ? bb->n - 1 : 0];
	u32 body = bb->end == KDBT_END_FALL ? bb->n : bb->n - 1u;
	u16 dead;
	int r;

	if (!bb->n || s->passed != body)
		return KDBT_NO_SCRATCH;
	if (bb->end == KDBT_END_FALL)
		dead = dead_at(tr, bb->next, DEAD_DEPTH - 1);
	else if (bb->end == KDBT_END_JMP || bb->end == KDBT_END_JCC)
		dead = dead_after(tr, last, (enum kdbt_rule)last->rule,
				  DEAD_DEPTH);
	else
		return KDBT_NO_SCRATCH;
	dead &= ~s->read;
	for (r = 0; r < 16; r++)
		if (dead & (1u << r))
			return (u8)r;
	return KDBT_NO_SCRATCH;
}

/*
 * cfg.c_function() of @bb's start, asked once (a symbol lookup in the
 * kernel): only counters that need a register or must decide about the
 * flags ask.
 */
static u8 block_cfunc(struct kdbt_tr *tr, struct kdbt_bb *bb)
{
	if (bb->cfunc != KDBT_CFUNC_UNASKED)
		return bb->cfunc;
	bb->cfunc = KDBT_CFUNC_UNKNOWN;
	if ((tr->cfg.counters || tr->cfg.mode == KDBT_MODE_TRANSPARENT) &&
	    tr->cfg.c_function && bb->n)
		bb->cfunc = tr->cfg.c_function(tr->cfg.ctx, bb->start);
	return bb->cfunc;
}

/**
 * kdbt_build_block() - decode and classify the block starting at @start.
 * @tr: the translator (lock held).
 * @start: native address of the first instruction.
 * @bb: receives the block.
 *
 * Return: 0; -EFAULT or -EILSEQ if not even the first instruction decodes.
 * A later undecodable instruction ends the block with a native exit to it.
 */
int kdbt_build_block(struct kdbt_tr *tr, u64 start, struct kdbt_bb *bb)
{
	struct kdbt_full_insn fi;
	/* Only a counter reached through a pointer needs a scratch register. */
	bool want_scratch = tr->cfg.counters && !tr->cfg.counters_windows;
	struct scratch_scan scan = { .searching = want_scratch };
	u16 killed = 0;
	u64 ip = start;
	u32 hold = 0;		/* instructions the block must keep together */
	int err;

	bb->start = start;
	bb->n = 0;
	bb->live_in = 0;
	bb->scratch = KDBT_NO_SCRATCH;
	bb->end = KDBT_END_FALL;
	for (;;) {
		struct kdbt_binsn *in = &bb->insn[bb->n];
		enum kdbt_rule rule;

		err = decode_at(tr, ip, &fi, in);
		if (err == -EOPNOTSUPP) {	/* lkgs: like a native rule */
			tr->native_lkgs++;
			tr->native_exit_ip = ip;
			bb->end = KDBT_END_NATIVE;
			break;
		}
		if (err) {
			if (!bb->n)
				return err;
			bb->end = KDBT_END_NATIVE;	/* exit before it */
			break;
		}
		rule = classify(tr, &fi.zi, in);
		if (in->mnemonic == ZYDIS_MNEMONIC_SWAPGS) {
			u32 w = hold ? 0 : swapgs_window(tr, ip + in->len);

			if (hold) {		/* the matching swapgs */
				rule = KDBT_RULE_COPY;
			} else if (w && bb->n + w < KDBT_MAX_BLOCK_INSNS - 1) {
				rule = KDBT_RULE_COPY;
				hold = w + 1;
			}
		}
		in->rule = rule;
		if (rule == KDBT_RULE_NATIVE || rule == KDBT_RULE_UNHANDLED) {
			/* Not part of the block: it runs natively. */
			if (rule == KDBT_RULE_NATIVE) {
				tr->native_exits[in->mnemonic]++;
				tr->native_exit_ip = ip;
			} else {
				tr->unhandled[in->mnemonic]++;
				kdbt_refuse(tr, KDBT_REFUSE_FORM, ip);
			}
			bb->end = KDBT_END_NATIVE;
			break;
		}
		find_scratch(tr, bb, &fi, in, &scan);
		bb->live_in |= flags_read(&fi.zi) & ~killed;
		killed |= flags_written(&fi.zi);
		ip += in->len;
		bb->n++;
		bb->end = rule_end(rule);
		if (bb->end != KDBT_END_FALL ||
		    is_call_depth_thunk(tr, &fi.zi, in->ip))
			break;
		if (in->mnemonic == ZYDIS_MNEMONIC_STI)
			continue;	/* never split sti from its successor */
		if (hold && --hold)
			continue;	/* inside a swapgs window */
		if (bb->n >= KDBT_MAX_BLOCK_INSNS - 1 ||
		    ip - start >= KDBT_MAX_BLOCK_BYTES - KDBT_MAX_INSN_LEN)
			break;
	}
	bb->next = ip;
	bb->unwritten = KDBT_INC_FLAGS & ~killed;
	bb->cfunc = KDBT_CFUNC_UNASKED;		/* kdbt_flags_live() asks */
	if (want_scratch)
		block_cfunc(tr, bb);
	if (bb->scratch == KDBT_NO_SCRATCH && want_scratch)
		bb->scratch = abi_scratch(tr, bb, &scan);
	if (bb->scratch == KDBT_NO_SCRATCH && want_scratch)
		bb->scratch = successor_scratch(tr, bb, &scan);
	return 0;
}

/**
 * kdbt_bb_in_c() - is @bb part of a C function (cfg.c_function())?  Asked
 * with counters (kdbt_flags_live()) and in transparent mode (rule_ret()).
 * @tr: the translator.
 * @bb: a built block.
 *
 * Return: true for a C function's first block or any block of its body.
 */
bool kdbt_bb_in_c(struct kdbt_tr *tr, struct kdbt_bb *bb)
{
	u8 cfunc = block_cfunc(tr, bb);

	return cfunc == KDBT_CFUNC_ENTRY || cfunc == KDBT_CFUNC_BODY;
}

/* Flags among @want read before written in straight-line code at @ip. */
static u16 peek_live(struct kdbt_tr *tr, u64 ip, u16 want)
{
	struct kdbt_full_insn fi;
	struct kdbt_binsn in;
	int i;

	for (i = 0; i < 16 && want; i++) {
		u16 live;

		if (decode_at(tr, ip, &fi, &in))
			return want;
		live = flags_read(&fi.zi) & want;
		if (live)
			return live;
		want &= ~flags_written(&fi.zi);
		if (fi.zi.meta.category == ZYDIS_CATEGORY_COND_BR ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_UNCOND_BR ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_CALL ||
		    fi.zi.meta.category == ZYDIS_CATEGORY_RET)
			return want;	/* unknown beyond: assume live */
		ip += in.len;
	}
	return want;
}

/**
 * kdbt_flags_live() - must the counter at @bb's entry preserve the flags?
 * @tr: the translator.
 * @bb: a built block.
 *
 * Flags are live at entry if the block reads one before writing it, or
 * leaves one unwritten that a successor may read.  Direct successors (the
 * branch target, the fall-through, a callee's entry) are looked into for
 * a few instructions; returns, indirect branches and native exits are
 * assumed to read everything - but for C functions (cfg.c_function()),
 * whose calling convention passes no flag in or out: at a C function's
 * first byte, out of a block that returns from one or calls anything
 * from one (C never keeps the flags live into a call, nor into inline
 * asm), and into a call or tail call of one, they are dead.
 *
 * Return: true if the flag-preserving increment is needed.
 */
bool kdbt_flags_live(struct kdbt_tr *tr, struct kdbt_bb *bb)
{
	const struct kdbt_binsn *last = &bb->insn[bb->n ? bb->n - 1 : 0];
	u16 want = bb->unwritten;
	u8 cfunc;

	if (bb->live_in)
		return true;
	if (!want)
		return false;
	cfunc = block_cfunc(tr, bb);
	if (cfunc == KDBT_CFUNC_ENTRY ||
	    (cfunc == KDBT_CFUNC_BODY &&
	     (ends_in_return(tr, bb) || bb->end == KDBT_END_CALL ||
	      bb->end == KDBT_END_CALL_IND)) ||
	    enters_c_function(tr, bb))
		return false;
	switch (bb->end) {
	case KDBT_END_FALL:
		return peek_live(tr, bb->next, want);
	case KDBT_END_JMP:
	case KDBT_END_CALL:
		return peek_live(tr, last->target, want);
	case KDBT_END_JCC:
		return peek_live(tr, last->target, want) ||
		       peek_live(tr, bb->next, want);
	default:
		return true;
	}
}
