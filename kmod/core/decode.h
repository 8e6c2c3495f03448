/* SPDX-License-Identifier: GPL-2.0 */
/*
 * decode.h - x86-64 instruction decoding for the translator core (Zydis).
 *
 * Owns: the decoder state and the conversion of Zydis status codes into
 * 0/-errno, done once here so no caller sees a ZyanStatus.
 * Must never: read memory outside the buffer it is given, or allocate.
 */
#ifndef KDBT_DECODE_H
#define KDBT_DECODE_H

#include "kdbt_env.h"
#include <Zydis/Zydis.h>

/* Longest x86 instruction, in bytes. */
#define KDBT_MAX_INSN_LEN	15

struct kdbt_decoder {
	ZydisDecoder zd;
};

/* The little the core keeps of a decoded instruction. */
struct kdbt_insn {
	u64 ip;			/* address the instruction runs at */
	u8 len;			/* length in bytes */
	ZydisMnemonic mnemonic;
	ZydisInstructionCategory category;
};

/* A whole decoded instruction, for the translator (operands on request). */
struct kdbt_full_insn {
	ZydisDecodedInstruction zi;
	ZydisDecoderContext ctx;
};

int kdbt_decoder_init(struct kdbt_decoder *dec);
int kdbt_decode_full(const struct kdbt_decoder *dec, const u8 *buf,
		     size_t len, struct kdbt_full_insn *fi);
int kdbt_decode_operands(const struct kdbt_decoder *dec,
			 const struct kdbt_full_insn *fi,
			 ZydisDecodedOperand *ops, u8 nops);
int kdbt_decode_one(const struct kdbt_decoder *dec, const u8 *buf,
		    size_t len, u64 ip, struct kdbt_insn *insn);
bool kdbt_is_lkgs(const u8 *buf, size_t len);
int kdbt_count_insns(const struct kdbt_decoder *dec, const u8 *buf,
		     size_t len, u64 ip, unsigned int *count);

#endif /* KDBT_DECODE_H */
