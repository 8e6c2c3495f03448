/* SPDX-License-Identifier: GPL-2.0 */
/*
 * block.h - the block builder's output: one basic block of native code,
 * each instruction classified by the rule that will translate it.
 *
 * Owns: struct kdbt_bb and the rule classes.
 * Must never: emit code (that is translate.c's job).
 */
#ifndef KDBT_BLOCK_H
#define KDBT_BLOCK_H

#include "core.h"
#include "emit.h"

/* The rule that translates an instruction (one per instruction class). */
enum kdbt_rule {
	KDBT_RULE_COPY,		/* position independent: copied as is */
	KDBT_RULE_RIPREL,	/* copied, RIP-relative disp32 relocated */
	KDBT_RULE_JMP,		/* direct jmp rel8/rel32 */
	KDBT_RULE_JCC,		/* jcc rel8/rel32 */
	KDBT_RULE_JCC_SHORT,	/* loop*, jrcxz/jecxz: rel8 only */
	KDBT_RULE_CALL,		/* direct call rel32 */
	KDBT_RULE_JMP_IND,	/* jmp through register or memory */
	KDBT_RULE_CALL_IND,	/* call through register or memory */
	KDBT_RULE_RET,		/* ret */
	KDBT_RULE_NATIVE,	/* must run natively: the block exits to it */
	KDBT_RULE_UNHANDLED,	/* no rule: the block exits to it, counted */
};

/* Arithmetic flags a counter increment (inc) clobbers: all but CF. */
#define KDBT_INC_FLAGS	(ZYDIS_CPUFLAG_OF | ZYDIS_CPUFLAG_SF | \
			 ZYDIS_CPUFLAG_ZF | ZYDIS_CPUFLAG_AF | ZYDIS_CPUFLAG_PF)

#define KDBT_NO_SCRATCH	KDBT_NO_SCRATCH_REG	/* emit.h */

struct kdbt_binsn {
	u64 ip;
	u64 target;		/* direct branch target */
	u8 bytes[KDBT_MAX_INSN_LEN];
	u8 len;
	u8 rule;		/* enum kdbt_rule */
	u8 disp_off;		/* RIP-relative disp32 at bytes[disp_off] */
	u8 imm_off;		/* relative immediate at bytes[imm_off] */
	u8 imm_size;
	u8 thunk_reg;		/* call/jmp to an indirect thunk: register, or 0 */
	u16 mnemonic;
};

struct kdbt_bb {
	u64 start;
	u64 next;		/* native address after the last instruction */
	unsigned int n;		/* instructions in insn[] */
	enum kdbt_end end;
	u16 live_in;		/* KDBT_INC_FLAGS read before written */
	u16 unwritten;		/* KDBT_INC_FLAGS not written by the block */
	u8 scratch;		/* a GPR dead at entry (ModRM number), or none */
	u8 cfunc;		/* cfg.c_function() of the start (enum kdbt_cfunc),
				 * or KDBT_CFUNC_UNASKED */
	struct kdbt_binsn insn[KDBT_MAX_BLOCK_INSNS];
};

#define KDBT_CFUNC_UNASKED	0xff

int kdbt_build_block(struct kdbt_tr *tr, u64 start, struct kdbt_bb *bb);
bool kdbt_flags_live(struct kdbt_tr *tr, struct kdbt_bb *bb);
bool kdbt_bb_in_c(struct kdbt_tr *tr, struct kdbt_bb *bb);

#endif /* KDBT_BLOCK_H */
