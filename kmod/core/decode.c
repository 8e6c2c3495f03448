// SPDX-License-Identifier: GPL-2.0
/*
 * decode.c - x86-64 instruction decoding for the translator core (Zydis).
 *
 * Input: a buffer of native code bytes and the address they run at.
 * Output: one struct kdbt_insn per instruction, or -errno.
 * Invariants: freestanding (kdbt_env.h and Zydis only); decodes without
 * operands unless a caller asks for them; never reads past @len.
 */
#include "decode.h"

/* Convert a Zydis status into 0/-errno, once, for every caller. */
static int zydis_errno(ZyanStatus status)
{
	if (ZYAN_SUCCESS(status))
		return 0;
	switch (status) {
	case ZYDIS_STATUS_NO_MORE_DATA:
		return -ENODATA;	/* instruction runs past the buffer */
	case ZYDIS_STATUS_DECODING_ERROR:
	case ZYDIS_STATUS_INSTRUCTION_TOO_LONG:
	case ZYDIS_STATUS_BAD_REGISTER:
	case ZYDIS_STATUS_ILLEGAL_LOCK:
	case ZYDIS_STATUS_ILLEGAL_LEGACY_PFX:
	case ZYDIS_STATUS_ILLEGAL_REX:
	case ZYDIS_STATUS_INVALID_MAP:
	case ZYDIS_STATUS_MALFORMED_EVEX:
	case ZYDIS_STATUS_MALFORMED_MVEX:
	case ZYDIS_STATUS_INVALID_MASK:
		return -EILSEQ;		/* not a valid instruction */
	default:
		return -EINVAL;
	}
}

/**
 * kdbt_decoder_init() - prepare a decoder for 64-bit kernel code.
 * @dec: caller-owned decoder state.
 *
 * Return: 0, or -EINVAL if Zydis refuses the mode.
 */
int kdbt_decoder_init(struct kdbt_decoder *dec)
{
	return zydis_errno(ZydisDecoderInit(&dec->zd,
					    ZYDIS_MACHINE_MODE_LONG_64,
					    ZYDIS_STACK_WIDTH_64));
}

/**
 * kdbt_decode_one() - decode the instruction at the start of @buf.
 * @dec: an initialised decoder.
 * @buf: native code bytes.
 * @len: bytes available in @buf (at most KDBT_MAX_INSN_LEN are read).
 * @ip: the address @buf runs at.
 * @insn: filled on success.
 *
 * Return: 0; -ENODATA if the instruction does not fit in @len; -EILSEQ
 * if the bytes are not a valid instruction; -EINVAL otherwise.
 */
int kdbt_decode_one(const struct kdbt_decoder *dec, const u8 *buf,
		    size_t len, u64 ip, struct kdbt_insn *insn)
{
	ZydisDecoderContext ctx;
	ZydisDecodedInstruction zi;
	int err;

	err = zydis_errno(ZydisDecoderDecodeInstruction(&dec->zd, &ctx, buf,
							len, &zi));
	if (err)
		return err;
	insn->ip = ip;
	insn->len = zi.length;
	insn->mnemonic = zi.mnemonic;
	insn->category = zi.meta.category;
	return 0;
}

/**
 * kdbt_decode_full() - decode one instruction without its operands.
 * @dec: an initialised decoder.
 * @buf: native code bytes.
 * @len: bytes available in @buf.
 * @fi: receives the instruction and the context kdbt_decode_operands()
 *	needs if the caller wants the operands too.
 *
 * Return: 0 or the errors of kdbt_decode_one().
 */
int kdbt_decode_full(const struct kdbt_decoder *dec, const u8 *buf,
		     size_t len, struct kdbt_full_insn *fi)
{
	return zydis_errno(ZydisDecoderDecodeInstruction(&dec->zd, &fi->ctx,
							 buf, len, &fi->zi));
}

/**
 * kdbt_decode_operands() - decode the operands of @fi.
 * @dec: the decoder that decoded @fi.
 * @fi: an instruction from kdbt_decode_full().
 * @ops: receives up to @nops operands (visible and hidden).
 * @nops: size of @ops.
 *
 * Return: 0 or -EINVAL.
 */
int kdbt_decode_operands(const struct kdbt_decoder *dec,
			 const struct kdbt_full_insn *fi,
			 ZydisDecodedOperand *ops, u8 nops)
{
	return zydis_errno(ZydisDecoderDecodeOperands(&dec->zd, &fi->ctx,
						      &fi->zi, ops, nops));
}

/**
 * kdbt_is_lkgs() - is the instruction at @buf an `lkgs r/m16`?
 * @buf: native code bytes.
 * @len: bytes available in @buf.
 *
 * LKGS (F2 [REX] 0F 00 /6, "load kernel GS": 6.2 and later load a user
 * GS selector with it on CPUs that have it) came after Zydis 4.0, which
 * does not decode it.  The translator runs it natively.
 *
 * Return: true for that encoding.
 */
bool kdbt_is_lkgs(const u8 *buf, size_t len)
{
	size_t i = 1;

	if (len < 4 || buf[0] != 0xf2)
		return false;
	if ((buf[1] & 0xf0) == 0x40)	/* REX */
		i++;
	return len >= i + 3 && buf[i] == 0x0f && buf[i + 1] == 0x00 &&
	       ((buf[i + 2] >> 3) & 7) == 6;
}

/**
 * kdbt_count_insns() - decode a whole range and count its instructions.
 * @dec: an initialised decoder.
 * @buf: native code bytes.
 * @len: length of the range.
 * @ip: the address @buf runs at.
 * @count: number of instructions decoded, also on error (those before it).
 *
 * Return: 0 when the range decodes and its last instruction ends exactly at
 * @len; otherwise the error of the first instruction that does not decode.
 */
int kdbt_count_insns(const struct kdbt_decoder *dec, const u8 *buf,
		     size_t len, u64 ip, unsigned int *count)
{
	struct kdbt_insn insn;
	size_t off = 0;
	int err;

	*count = 0;
	while (off < len) {
		err = kdbt_decode_one(dec, buf + off, len - off, ip + off,
				      &insn);
		if (err)
			return err;
		off += insn.len;
		(*count)++;
	}
	return 0;
}
