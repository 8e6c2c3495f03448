// SPDX-License-Identifier: GPL-2.0
/*
 * translate_run.c - run real code from a userspace code cache through the
 * translator core, in both call/ret modes, and check it against native.
 *
 * For every function of tfuncs.c (compiled C: loops, recursion, jump
 * tables, function pointers, tail calls, string routines, ...) and of
 * rules_asm.S (one per translation rule):
 *   - the translated result equals the native result (and the expected
 *     value where one is given), on the first run (translating) and the
 *     second (chained, jumptable warm);
 *   - the executed-instruction count from the block counters equals the
 *     count from single-stepping the native function with ptrace
 *     (stepcount.c), on both runs.
 * Then, over every block translated: the round-trip property of the maps.
 * Output: one PASS/FAIL line per check; exit status 1 on any failure.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "utr.h"
#include "tfuncs.h"
#include "stepcount.h"
#include "states.h"

#define ASM_FN(n) long n(long)
ASM_FN(rt_thunk_call); ASM_FN(rt_thunk_jmp); ASM_FN(rt_return_thunk);
ASM_FN(rt_jcc_return_thunk); ASM_FN(rt_loop); ASM_FN(rt_jrcxz);
ASM_FN(rt_jmp_riprel); ASM_FN(rt_call_rsp); ASM_FN(rt_jmp_rsp);
ASM_FN(rt_int3); ASM_FN(rt_riprel); ASM_FN(rt_flags_live); ASM_FN(rt_pushf);
ASM_FN(rt_flags_live_jcc); ASM_FN(rt_flags_live_of);
ASM_FN(rt_scratch_r12); ASM_FN(rt_scratch_xor); ASM_FN(rt_scratch_movzx);
ASM_FN(rt_scratch_lea); ASM_FN(rt_scratch_late); ASM_FN(rt_scratch_read_first);
ASM_FN(rt_scratch_load); ASM_FN(rt_scratch_pop); ASM_FN(rt_scratch_load_self);
ASM_FN(rt_scratch_pop_read); ASM_FN(rt_scratch_store);
ASM_FN(rt_scratch_fixup); ASM_FN(rt_c_entry); ASM_FN(rt_c_ret_r11);
ASM_FN(rt_c_ret_free); ASM_FN(rt_c_call); ASM_FN(rt_c_call_r11);
ASM_FN(rt_scratch_succ); ASM_FN(rt_scratch_succ_one);
ASM_FN(rt_scratch_succ_nop); ASM_FN(rt_scratch_succ_jrcxz);
ASM_FN(rt_c_flags_call); ASM_FN(rt_scratch_deep); ASM_FN(rt_scratch_deep_one);
ASM_FN(rt_scratch_succ_jmp); ASM_FN(rt_cx16_flags);
extern char rt_c_ret_free_exit[], rt_scratch_store_block[];
extern char rt_c_call_block[], rt_scratch_succ_block[];
extern char rt_scratch_succ_nop_block[], rt_c_flags_call_block[];
extern char rt_scratch_deep_block[], rt_scratch_succ_jmp_block[];
extern char rt_scratch_fixup_insn[], rt_scratch_fixup_resume[];
ASM_FN(rt_ret_imm); ASM_FN(rt_call_next); ASM_FN(rt_call_native);
ASM_FN(rt_lkgs);
ASM_FN(rt_call_thunk_call); ASM_FN(rt_jump_thunk_jmp); ASM_FN(rt_call_depth);
ASM_FN(rt_its_thunk_call);
extern char rt_cd_thunk[], rt_cd_fn[];
extern char rt_int3_insn[], rt_cx16_insn[];

/*
 * @uncounted: native instructions that the translated run does not count,
 * by mode (fast, transparent), because the rule replaces or bypasses them:
 * an indirect thunk's own jmp (the branch goes straight to its target;
 * a call-depth call thunk's accounting too),
 * the return thunk's ret in fast mode (it runs natively, returning into
 * the cache), a ret imm16 and, in transparent mode, everything after it
 * (native exits).  -1: no reference count (a signal interrupts stepping).
 */
static const struct rule_case {
	const char *name;
	long (*fn)(long);
	long arg, expect;
	int uncounted[2];
} rule_cases[] = {
	{ "thunk_call", rt_thunk_call, 10, 15, { 1, 1 } },
	{ "thunk_jmp", rt_thunk_jmp, 10, 15, { 1, 1 } },
	{ "call_thunk_call", rt_call_thunk_call, 10, 15, { 2, 2 } },
	{ "jump_thunk_jmp", rt_jump_thunk_jmp, 10, 15, { 1, 1 } },
	{ "its_thunk_call", rt_its_thunk_call, 10, 15, { 1, 1 } },
	{ "call_depth", rt_call_depth, 10, 11, { 0, 0 } },
	{ "return_thunk", rt_return_thunk, 10, 30, { 1, 1 } },
	{ "jcc_return_thunk", rt_jcc_return_thunk, 11, 1, { 1, 0 } },
	{ "jcc_return_thunk_not", rt_jcc_return_thunk, 3, 2, { 0, 0 } },
	{ "loop", rt_loop, 7, 21, { 0, 0 } },
	{ "jrcxz_taken", rt_jrcxz, 0, 2, { 0, 0 } },
	{ "jrcxz_not", rt_jrcxz, 5, 1, { 0, 0 } },
	{ "jmp_riprel", rt_jmp_riprel, 1, 6, { 0, 0 } },
	{ "call_rsp", rt_call_rsp, 1, 6, { 0, 0 } },
	{ "jmp_rsp", rt_jmp_rsp, 1, 8, { 0, 0 } },
	{ "int3_native", rt_int3, 1, 1002, { -1, -1 } },
	{ "riprel", rt_riprel, 1, 50, { 0, 0 } },
	{ "flags_live", rt_flags_live, 1, 1, { 0, 0 } },
	{ "flags_live_jcc", rt_flags_live_jcc, 5, 3, { 0, 0 } },
	{ "flags_live_of", rt_flags_live_of, 0x7fffffffffffffffL, 7, { 0, 0 } },
	{ "scratch_r12", rt_scratch_r12, 10, 13, { 0, 0 } },
	{ "scratch_xor", rt_scratch_xor, 10, 15, { 0, 0 } },
	{ "scratch_movzx", rt_scratch_movzx, 0x1234, 0x34, { 0, 0 } },
	{ "scratch_lea", rt_scratch_lea, 10, 18, { 0, 0 } },
	{ "scratch_late", rt_scratch_late, 10, 15, { 0, 0 } },
	{ "scratch_read_first", rt_scratch_read_first, 10, 17, { 0, 0 } },
	{ "scratch_load", rt_scratch_load, 10, 19, { 0, 0 } },
	{ "scratch_pop", rt_scratch_pop, 10, 14, { 0, 0 } },
	{ "scratch_load_self", rt_scratch_load_self, 10, 11, { 0, 0 } },
	{ "scratch_pop_read", rt_scratch_pop_read, 10, 12, { 0, 0 } },
	{ "scratch_store", rt_scratch_store, 10, 16, { 0, 0 } },
	{ "scratch_fixup", rt_scratch_fixup, 10, 110, { -1, -1 } },
	{ "scratch_succ", rt_scratch_succ, 10, 15, { 0, 0 } },
	{ "scratch_succ_one", rt_scratch_succ_one, 0, 0, { 0, 0 } },
	{ "scratch_succ_nop", rt_scratch_succ_nop, 10, 4, { 0, 0 } },
	{ "scratch_succ_jrcxz", rt_scratch_succ_jrcxz, 0, 102, { 0, 0 } },
	{ "scratch_deep", rt_scratch_deep, 10, 15, { 0, 0 } },
	{ "scratch_succ_jmp", rt_scratch_succ_jmp, 10, 9, { 0, 0 } },
	{ "scratch_deep_one", rt_scratch_deep_one, 3, 3, { 0, 0 } },
	{ "c_entry", rt_c_entry, 10, 13, { 0, 0 } },
	{ "c_ret_r11", rt_c_ret_r11, 10, 11, { 0, 0 } },
	{ "c_ret_free", rt_c_ret_free, 10, 12, { 0, 0 } },
	{ "c_call", rt_c_call, 10, 13, { 0, 0 } },
	{ "c_flags_call", rt_c_flags_call, 10, 13, { 0, 0 } },
	{ "c_call_r11", rt_c_call_r11, 10, 14, { 0, 0 } },
	{ "pushf", rt_pushf, 1, 64, { 0, 0 } },
	{ "cx16", rt_cx16_flags, 10, 0x246, { 0, 0 } },
	{ "ret_imm_native", rt_ret_imm, 1, 10, { 1, 2 } },
	{ "call_next", rt_call_next, 1, 2, { 0, 0 } },
	{ "call_native", rt_call_native, 1, 9, { 2, 2 } },
	{ "lkgs_native", rt_lkgs, 5, 6, { 0, 0 } },
};

static int failures;
static unsigned long long int3_seen_ip;
static int fixups_seen;

#define pass(...) do { printf("PASS unit/translate/"); printf(__VA_ARGS__); \
		       putchar('\n'); } while (0)
#define fail(...) do { printf("FAIL unit/translate/"); printf(__VA_ARGS__); \
		       putchar('\n'); failures++; } while (0)

/* The native #BP handler's view: add 1000 and remember where it trapped. */
static void on_trap(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)sig;
	(void)si;
	int3_seen_ip = uc->uc_mcontext.gregs[REG_RIP];
	uc->uc_mcontext.gregs[REG_RAX] += 1000;
}

/*
 * The kernel's exception fixup, for the one instruction utr.c says has
 * one: a fault there, natively or at its translation, resumes natively
 * at its fixup.  Any other fault is a crash.
 */
static void on_segv(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	u64 ip = uc->uc_mcontext.gregs[REG_RIP];
	u64 cache = utr.mem.cache_addr;

	(void)si;
	if (ip - cache < utr.mem.cache_size)
		ip = kdbt_cache_to_native(&utr, ip);
	if (ip != (u64)rt_scratch_fixup_insn) {
		signal(sig, SIG_DFL);
		return;
	}
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)rt_scratch_fixup_resume;
	fixups_seen++;
}

/*
 * The configurations every case runs in, per mode: counters through a %gs
 * pointer; reached by `incq %gs:disp32` (direct); and direct with the
 * counts of jcc blocks derived from their successors' copies (derived,
 * kdbt.ko's default); and derived with endbr64 landing pads on the
 * indirect entries (ibt, as on Linux 6.12).
 */
static const struct {
	const char *suffix;
	bool direct, derive, ibt;
} forms[] = {
	{ "", false, false, false },
	{ "-direct", true, false, false },
	{ "-derived", true, true, false },
	{ "-ibt", true, true, true },
};
static unsigned int form;
static bool direct;

static const char *mode_name(enum kdbt_mode m)
{
	static char name[32];

	snprintf(name, sizeof(name), "%s%s",
		 m == KDBT_MODE_FAST ? "fast" : "transparent",
		 forms[form].suffix);
	return name;
}

/*
 * Run @fn twice from the cache; compare results with @want and counts
 * with @ref (skipped if ref < 0).
 */
static void check_one(enum kdbt_mode mode, const char *name,
		      long (*fn)(long), long arg, long want, long long ref)
{
	unsigned long long got[2];
	unsigned int sentinels;
	long r[2];
	int run, err;

	for (run = 0; run < 2; run++) {
		utr_zero_counters();
		r[run] = utr_run(fn, arg, &err);
		got[run] = utr_insns();
		if (err) {
			fail("%s/%s: translation failed: %d", mode_name(mode),
			     name, err);
			return;
		}
	}
	if (r[0] != want || r[1] != want) {
		fail("%s/%s: result %ld, %ld; want %ld", mode_name(mode), name,
		     r[0], r[1], want);
		return;
	}
	if (ref >= 0 && (got[0] != (unsigned long long)ref ||
			 got[1] != (unsigned long long)ref)) {
		fail("%s/%s: counted %llu, %llu instructions; ptrace counted %lld",
		     mode_name(mode), name, got[0], got[1], ref);
		return;
	}
	if (utr_shadow_mismatches(&sentinels)) {
		fail("%s/%s: %u of %u sentinel blocks count differently in their shadow counters",
		     mode_name(mode), name, utr_shadow_mismatches(&sentinels),
		     sentinels);
		return;
	}
	pass("%s/%s (result %ld, %llu instructions)", mode_name(mode), name,
	     want, got[0]);
}

/* Native reference: result and single-stepped instruction count. */
static long long reference(const char *name, long (*fn)(long), long arg,
			   long *result)
{
	unsigned long long n;

	if (stepcount(fn, arg, &n, result)) {
		fail("reference/%s: stepcount failed", name);
		return -2;
	}
	return (long long)n;
}

static void run_tfuncs(enum kdbt_mode mode, const long long *ref,
		       const long *native)
{
	unsigned int i;

	for (i = 0; i < n_tfuncs; i++)
		if (ref[i] >= -1)
			check_one(mode, tfuncs[i].name, tfuncs[i].fn,
				  tfuncs[i].arg, native[i], ref[i]);
}

static void run_rules(enum kdbt_mode mode, const long long *ref)
{
	unsigned int i;

	for (i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		const struct rule_case *rc = &rule_cases[i];
		long long want_count = ref[i] < 0 ? -1 :
				       ref[i] - rc->uncounted[mode];

		u32 lkgs = utr.native_lkgs;
		u64 undecoded = utr.refused[KDBT_REFUSE_DECODE];

		int3_seen_ip = 0;
		fixups_seen = 0;
		check_one(mode, rc->name, rc->fn, rc->arg, rc->expect,
			  want_count);
		if (rc->fn == rt_lkgs &&
		    (utr.native_lkgs == lkgs ||
		     utr.refused[KDBT_REFUSE_DECODE] != undecoded))
			fail("%s/lkgs_native: %u native lkgs exits, %llu decode refusals, want 1 and 0",
			     mode_name(mode), utr.native_lkgs - lkgs,
			     (unsigned long long)(utr.refused[KDBT_REFUSE_DECODE] - undecoded));
		if (rc->fn == rt_scratch_fixup && fixups_seen != 2)
			fail("%s/scratch_fixup: %d faults fixed up, want 2 (one per run)",
			     mode_name(mode), fixups_seen);
		if (rc->fn == rt_int3 &&
		    int3_seen_ip != (unsigned long long)rt_int3_insn + 1)
			fail("%s/int3_native: the trap saw ip %#llx, not native %p+1",
			     mode_name(mode), int3_seen_ip, rt_int3_insn);
	}
}

/*
 * The calling convention frees %r11 (cfg.c_function): the counter of a
 * C function's entry block, of a returning block and of a block that
 * calls a C function - the last two not reading it - starts
 * `mov %gs:ptr,%r11` (no push, no pushfq).
 */
static void check_abi_scratch(enum kdbt_mode mode)
{
	static const u8 load_r11[] = { 0x65, 0x4c, 0x8b, 0x1c, 0x25 };
	const u64 at[] = { (u64)rt_c_entry, (u64)rt_c_ret_free_exit,
			   (u64)rt_c_call_block };
	const struct kdbt_block *b;
	unsigned int i;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		const u8 *code;

		b = kdbt_find_block(&utr, at[i]);
		code = b ? utr.mem.cache + b->cache_off : NULL;
		if (!code || memcmp(code, load_r11, sizeof(load_r11))) {
			fail("%s/abi_scratch: block %#llx does not count through %%r11",
			     mode_name(mode), (unsigned long long)at[i]);
			return;
		}
	}
	b = kdbt_find_block(&utr, (u64)rt_c_flags_call_block);
	if (!b || b->flags_live) {
		fail("%s/abi_flags: a C function's block that calls through a register keeps the flags",
		     mode_name(mode));
		return;
	}
	pass("%s/abi_scratch (a C function's entry block, a returning block and a calling block count through %%r11; a C function's call needs no flags kept)",
	     mode_name(mode));
}

/*
 * Does every block at @native (private copies too: with derived counts
 * some code is translated only as copies) end in @end with @target
 * recorded, and is there one?
 */
static bool ends_with(const void *native, enum kdbt_end end, const void *target)
{
	const struct kdbt_block *b;
	unsigned int n = 0;
	u32 id;

	for (id = 1; id < utr.nblocks; id++) {
		b = &utr.mem.blocks[id];
		if (b->native != (u64)native || b->invalid)
			continue;
		if (b->end != end || b->target != (u64)target)
			return false;
		n++;
	}
	return n > 0;
}

/*
 * A block records the native target of the direct call or jmp it ends
 * in (struct kdbt_block.target, the call arcs of /proc/kdbt); a call or
 * jmp to an indirect thunk (or to a call-depth call or jump thunk) is an
 * indirect branch, and a jmp to the return thunk a return: no target.
 * A call-depth accounting thunk's block ends after the accounting: the
 * function it falls into has a block of its own.
 */
static void check_targets(enum kdbt_mode mode)
{
	enum kdbt_end ret = mode == KDBT_MODE_FAST ? KDBT_END_THUNK :
			    KDBT_END_RET;

	if (!ends_with(rt_c_call_block, KDBT_END_CALL, rt_c_entry) ||
	    !ends_with(rt_c_call, KDBT_END_JMP, rt_c_call_block) ||
	    !ends_with(rt_thunk_call, KDBT_END_CALL_IND, NULL) ||
	    !ends_with(rt_thunk_jmp, KDBT_END_JMP_IND, NULL) ||
	    !ends_with(rt_call_thunk_call, KDBT_END_CALL_IND, NULL) ||
	    !ends_with(rt_jump_thunk_jmp, KDBT_END_JMP_IND, NULL) ||
	    !ends_with(rt_its_thunk_call, KDBT_END_CALL_IND, NULL) ||
	    !ends_with(rt_call_depth, KDBT_END_CALL, rt_cd_thunk) ||
	    !ends_with(rt_cd_thunk, KDBT_END_FALL, NULL) ||
	    !ends_with(rt_cd_fn, KDBT_END_RET, NULL) ||
	    !ends_with(rt_return_thunk, ret, NULL)) {
		fail("%s/targets: a block's recorded call or jmp target is wrong",
		     mode_name(mode));
		return;
	}
	pass("%s/targets (direct call and jmp: their targets; through the thunks: none; call-depth thunk: its own block)",
	     mode_name(mode));
}

/*
 * kdbt_call_depth_ref() (core.h): the %gs address of the call-depth
 * counter in the two instruction forms 6.12 uses - a call thunk's
 * `sarq $5, %gs:m(%rip)` (9 bytes, relative to its end) and the return
 * thunk's `shlq $5, %gs:m(%rip)` (engine.c reads the counter from it) -
 * and in rules_asm.S's absolute `sarq $5, %gs:16`; nothing for other
 * shifts, counts or segments.
 */
static void check_call_depth_ref(void)
{
	static const u8 sar_rip[] = { 0x65, 0x48, 0xc1, 0x3d, 0x00, 0x32, 0xb5, 0x7a, 0x05 };
	static const u8 shl_rip[] = { 0x65, 0x48, 0xc1, 0x25, 0xf3, 0xe6, 0xb3, 0x7a, 0x05 };
	static const u8 sar_abs[] = { 0x65, 0x48, 0xc1, 0x3c, 0x25, 0x10, 0, 0, 0, 0x05 };
	static const u8 sar_4[] = { 0x65, 0x48, 0xc1, 0x3d, 0x00, 0x32, 0xb5, 0x7a, 0x04 };
	static const u8 sar_fs[] = { 0x64, 0x48, 0xc1, 0x3d, 0x00, 0x32, 0xb5, 0x7a, 0x05 };
	const u64 ip = 0xffffffff81000000ull;
	struct kdbt_decoder dec;
	struct kdbt_full_insn fi;
	unsigned long long got[5];
	const u8 *const code[5] = { sar_rip, shl_rip, sar_abs, sar_4, sar_fs };
	const size_t len[5] = { sizeof(sar_rip), sizeof(shl_rip),
				sizeof(sar_abs), sizeof(sar_4), sizeof(sar_fs) };
	const ZydisMnemonic m[5] = { ZYDIS_MNEMONIC_SAR, ZYDIS_MNEMONIC_SHL,
				     ZYDIS_MNEMONIC_SAR, ZYDIS_MNEMONIC_SAR,
				     ZYDIS_MNEMONIC_SAR };
	int i;

	if (kdbt_decoder_init(&dec)) {
		fail("call_depth_ref: no decoder");
		return;
	}
	for (i = 0; i < 5; i++)
		got[i] = kdbt_decode_full(&dec, code[i], len[i], &fi) ? ~0ull :
			 kdbt_call_depth_ref(&fi.zi, ip, m[i]);
	if (got[0] != ip + 9 + 0x7ab53200 || got[1] != ip + 9 + 0x7ab3e6f3 ||
	    got[2] != 16 || got[3] || got[4])
		fail("call_depth_ref: %#llx %#llx %#llx %#llx %#llx",
		     got[0], got[1], got[2], got[3], got[4]);
	else
		pass("call_depth_ref (sarq/shlq $5 on %%gs: the counter's address; other shifts and segments: none)");
}

/*
 * Which register the counter of the block at @native uses: 1 if it
 * counts through %rax with no push, 0 if it pushes %rax, -1 otherwise.
 */
static int counts_through_rax(const void *native)
{
	static const u8 load_rax[] = { 0x65, 0x48, 0x8b, 0x04, 0x25 };
	static const u8 push_load[] = { 0x50, 0x65, 0x48, 0x8b, 0x04, 0x25 };
	const struct kdbt_block *b = kdbt_find_block(&utr, (u64)native);
	const u8 *code = b ? utr.mem.cache + b->cache_off : NULL;

	if (!code)
		return -1;
	if (!memcmp(code, load_rax, sizeof(load_rax)))
		return 1;
	return memmem(code, 16, push_load, sizeof(push_load)) ? 0 : -1;
}

/*
 * The scratch search passes a store without an exception fixup, and a
 * block none of whose registers is free takes one that its successors
 * overwrite first: those count through %rax with no push.  A store with
 * a fixup stops the search, and so does a nop in a successor: those
 * push %rax around their counter.
 */
static void check_scratch_forms(enum kdbt_mode mode)
{
	static const struct {
		const char *what;
		const void *at;
		int want;
	} c[] = {
		{ "scratch_store", rt_scratch_store_block, 1 },
		{ "scratch_fixup", rt_scratch_fixup_insn, 0 },
		{ "scratch_succ", rt_scratch_succ_block, 1 },
		{ "scratch_succ_nop", rt_scratch_succ_nop_block, 0 },
		{ "scratch_deep", rt_scratch_deep_block, 1 },
		{ "scratch_succ_jmp", rt_scratch_succ_jmp_block, 0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (counts_through_rax(c[i].at) != c[i].want) {
			fail("%s/%s: the block's counter %s",
			     mode_name(mode), c[i].what, c[i].want ?
			     "does not count through a free %rax" :
			     "does not push %rax");
			return;
		}
	pass("%s/scratch_forms (past a store without a fixup, not one with; into successors two branches deep, not past a nop or a jmp)",
	     mode_name(mode));
}

/* Does a direct counter for block @id sit in @code's first @len bytes? */
static bool has_direct_counter(const u8 *code, u32 len, u32 id)
{
	static const u8 load[] = { 0x65, 0x48, 0x8b }, load_hi[] = { 0x65, 0x4c, 0x8b };
	u8 want[9] = { 0x65, 0x48, 0xff, 0x04, 0x25 };
	s32 disp = utr_counter_disp(id);

	memcpy(want + 5, &disp, sizeof(disp));
	return memmem(code, len, want, sizeof(want)) &&
	       !memmem(code, len, load, sizeof(load)) &&
	       !memmem(code, len, load_hi, sizeof(load_hi));
}

/* Sum of the block counters of "CPU" @cpu. */
static unsigned long long cpu_total(int cpu)
{
	unsigned long long n = 0;
	u32 id;

	for (id = 1; id < utr.nblocks; id++)
		n += utr_counter(cpu, id);
	return n;
}

/*
 * Direct counters: every block counts itself with one `incq %gs:disp32`
 * at its own window displacement, before its first instruction and with
 * no register loaded; and a run with the GS base of "CPU" 1 counts in
 * CPU 1's counters only, exactly as many as the same run on CPU 0.
 */
/*
 * IBT: every address an indirect branch in the cache can reach - each
 * jumptable slot that is not the dispatcher, each block's indirect entry -
 * starts with endbr64, and without ibt none does (the pad costs 4 bytes
 * and an instruction).  The cases above ran through them.
 */
static void check_ibt(enum kdbt_mode mode)
{
	bool want = forms[form].ibt;
	u32 i, slots = 0, entries = 0;

	for (i = 0; i < KDBT_JT_SIZE; i++) {
		u64 t = utr.mem.jt[i];

		if (t == utr.cfg.dispatch_indirect)
			continue;
		slots++;
		if (kdbt_is_endbr64(utr.mem.cache + (t - utr.mem.cache_addr)) != want) {
			fail("%s/ibt: jumptable slot %u leads to %#llx, %s endbr64",
			     mode_name(mode), i, (unsigned long long)t,
			     want ? "without" : "with");
			return;
		}
	}
	for (i = 1; i < utr.nblocks; i++) {
		const struct kdbt_block *b = &utr.mem.blocks[i];

		if (b->ientry == KDBT_NO_IENTRY)
			continue;
		entries++;
		if (kdbt_is_endbr64(utr.mem.cache + b->ientry) != want) {
			fail("%s/ibt: the indirect entry of block %u (%#llx) %s endbr64",
			     mode_name(mode), i, (unsigned long long)b->native,
			     want ? "lacks" : "has");
			return;
		}
	}
	if (!slots || !entries) {
		fail("%s/ibt: no jumptable slot (%u) or indirect entry (%u) to check",
		     mode_name(mode), slots, entries);
		return;
	}
	pass("%s/ibt (%u jumptable slots and %u indirect entries %s endbr64)",
	     mode_name(mode), slots, entries, want ? "start with" : "without");
}

static void check_direct_form(enum kdbt_mode mode)
{
	const struct tfunc *t = &tfuncs[0];
	unsigned long long c0[2], c1[2];
	u32 id, checked = 0;
	long r[2];
	int err[2];

	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];

		if (b->invalid || !b->ninsns || b->derived)
			continue;
		checked++;
		if (!has_direct_counter(utr.mem.cache + b->cache_off,
					utr.mem.maps[b->map].cache_off, id)) {
			fail("%s/direct_form: block %u (%#llx) has no incq %%gs:%#x alone before its code",
			     mode_name(mode), id, (unsigned long long)b->native,
			     (unsigned int)utr_counter_disp(id));
			return;
		}
	}
	utr_zero_counters();
	r[0] = utr_run(t->fn, t->arg, &err[0]);
	c0[0] = cpu_total(0);
	c1[0] = cpu_total(1);
	if (utr_set_cpu(1)) {
		fail("%s/direct_form: cannot move the GS base", mode_name(mode));
		return;
	}
	r[1] = utr_run(t->fn, t->arg, &err[1]);
	utr_set_cpu(0);
	c0[1] = cpu_total(0);
	c1[1] = cpu_total(1);
	if (checked < 100 || err[0] || err[1] || r[0] != r[1] || !c0[0] ||
	    c1[0] || c0[1] != c0[0] || c1[1] != c0[0])
		fail("%s/direct_form: %u blocks; %s on CPU 0 counted %llu/%llu (CPU 0/1), then on CPU 1 %llu/%llu",
		     mode_name(mode), checked, t->name, c0[0], c1[0], c0[1],
		     c1[1]);
	else
		pass("%s/direct_form (%u blocks count with one incq %%gs:disp32; %s counts %llu on CPU 0, then the same on CPU 1 alone)",
		     mode_name(mode), checked, t->name, c0[0]);
}

/*
 * Derived counts: a block that ends in a jcc has no counter, runs on into
 * a private copy of its fall-through (the next block, chained) and jumps
 * to a private copy of its taken target (after the chain), and neither
 * copy is found by its native address; one that ends in a jmp (or runs
 * on) has a copy of its one successor right after it.  (That the counts come out exact
 * is what every case's count against ptrace checks.)
 */
static void check_derived(enum kdbt_mode mode)
{
	static const u8 inc_gs[] = { 0x65, 0x48, 0xff, 0x04, 0x25 };
	u32 id, derived = 0, copies = 0, jmps = 0;

	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];
		const struct kdbt_block *t = &utr.mem.blocks[b->taken];
		const u8 *code = utr.mem.cache + b->cache_off;

		copies += b->copy;
		if (!b->derived)
			continue;
		derived++;
		if (b->end != KDBT_END_JCC) {	/* jmp or run-on: one copy */
			if (!b->chained || !b[1].copy || b->taken ||
			    (b->cache_len &&	/* not a lone, elided jmp */
			     !memcmp(code, inc_gs, sizeof(inc_gs))))
				break;
			jmps++;
			continue;
		}
		if (!b->chained || !b[1].copy ||
		    b->taken <= id + 1 || !t->copy ||
		    !memcmp(code, inc_gs, sizeof(inc_gs)) ||
		    kdbt_find_block(&utr, b[1].native) == &b[1] ||
		    kdbt_find_block(&utr, t->native) == t) {
			fail("%s/derived: block %u (%#llx): chained %u, copies %u/%u at %u",
			     mode_name(mode), id, (unsigned long long)b->native,
			     b->chained, b[1].copy, t->copy, b->taken);
			return;
		}
	}
	if (id < utr.nblocks)
		fail("%s/derived: block %u (%#llx) ends in a jmp but does not run on into a copy",
		     mode_name(mode), id,
		     (unsigned long long)utr.mem.blocks[id].native);
	else if (derived - jmps < 50 || jmps < 20)
		fail("%s/derived: only %u jcc and %u jmp derived blocks",
		     mode_name(mode), derived - jmps, jmps);
	else
		pass("%s/derived (%u jcc blocks counted by their successors' copies, %u jmp or run-on blocks by one; %u copies)",
		     mode_name(mode), derived - jmps, jmps, copies);
}

/*
 * cmpxchg16b's translation starts with a jmp to it (translate.c,
 * split_before()), and its flags are right although the add before it
 * takes an operand whose bits, as flags, would set TF, IOPL, NT and VM:
 * x + 5 gives PF, the compare ZF, and popfq IF.  The native run's flags
 * are reported: under QEMU 7.2 they are that operand's bits.
 */
#define CX16_OPERAND	0x0182d3c0L
#define CX16_FLAGS	0x246L

static void check_cx16(enum kdbt_mode mode)
{
	static const u8 split[] = { 0xeb, 0x00 };
	long native = rt_cx16_flags(CX16_OPERAND), translated;
	const u8 *code = NULL;
	int err;
	u64 at;

	translated = utr_run(rt_cx16_flags, CX16_OPERAND, &err);
	at = kdbt_native_to_cache(&utr, (u64)rt_cx16_insn);
	if (at)
		code = utr.mem.cache + (at - utr.mem.cache_addr);
	if (err || translated != CX16_FLAGS) {
		fail("%s/cx16_split: translated flags %#lx, want %#lx (native %#lx)",
		     mode_name(mode), translated, CX16_FLAGS, native);
		return;
	}
	if (!code || memcmp(code - 2, split, 2) ||
	    memcmp(code, rt_cx16_insn, 4)) {
		fail("%s/cx16_split: cmpxchg16b's translation does not follow a jmp .+2",
		     mode_name(mode));
		return;
	}
	pass("%s/cx16_split (cmpxchg16b starts a QEMU block; flags %#lx, native here %#lx%s)",
	     mode_name(mode), translated, native, native == CX16_FLAGS ? "" :
	     ": this CPU computes them from a stale cc_op");
}

/*
 * A jmp that ends a chained block has no translation: the next block
 * follows in its place.  Its cache address is the next block's entry,
 * which maps to the jmp's target.
 */
static bool elided_jmp(const struct kdbt_block *b, u32 i, u64 cache)
{
	const struct kdbt_block *next = b + 1;

	/* A derived jmp-only block is empty: its successor's copy runs. */
	while (next->derived && !next->cache_len &&
	       next + 1 < utr.mem.blocks + utr.nblocks)
		next++;
	return b->chained && b->end == KDBT_END_JMP && i == b->ninsns - 1U &&
	       cache == kdbt_block_entry(&utr, b + 1) &&
	       kdbt_cache_to_native(&utr, cache) == next->native;
}

/*
 * A stand-alone indirect entry for code that stays native (it leaves the
 * cache, as a transparent-mode return into entry code does): every byte
 * of it names that native code (a stale copy of its address on a stack
 * printed as "? kdbt_cache+0x..." until 2026-12-07).  Return: the bytes
 * that do not, or 1 if no entry could be made.
 */
extern char kdbt_test_native_helper[];	/* rules_asm.S: stays native */

static unsigned long long native_ientry_misnamed(void)
{
	u64 native = (u64)kdbt_test_native_helper, entry, a, end;
	unsigned long long bad = 0;
	u32 used = utr.cache_used;

	if (kdbt_indirect_entry(&utr, native, &entry) ||
	    entry != utr.mem.cache_addr + used)
		return 1;
	end = utr.mem.cache_addr + utr.cache_used;
	for (a = entry; a < end; a++)
		if (kdbt_cache_to_native(&utr, a) != native)
			bad++;
	return bad;
}

/*
 * Round trip: every translated instruction's cache address maps back to
 * its native address, and resuming at that native address lands on a
 * translation of the same instruction (an elided jmp: on its target's).
 * Chains: each chained block ends where the next one's entry starts.
 */
static void check_maps(enum kdbt_mode mode)
{
	unsigned long long n = 0, bad = 0, elided = 0, chained = 0;
	unsigned long long copies = 0, ientries = 0, bad_ientry = 0;
	u32 id, i;

	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];
		const struct kdbt_map *m = &utr.mem.maps[b->map];

		if (b->chained) {
			chained++;
			if (id + 1 >= utr.nblocks ||
			    b->cache_off + b->cache_len != b[1].cache_off)
				bad++;
		}
		for (i = 0; i < b->ninsns; i++, n++) {
			u64 native = b->native + m[i].native_off;
			u64 cache = kdbt_block_entry(&utr, b) + m[i].cache_off;
			u64 back = kdbt_native_to_cache(&utr, native);

			if (elided_jmp(b, i, cache)) {
				elided++;
				continue;
			}
			if (kdbt_cache_to_native(&utr, cache) != native)
				bad++;
			else if (b->copy)	/* found by the hash: no */
				copies++;
			else if (!back ||
				 kdbt_cache_to_native(&utr, back) != native)
				bad++;
		}
	}
	/* Every byte of an indirect entry names its block's native start. */
	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];
		u64 a = utr.mem.cache_addr + b->ientry;

		if (b->ientry == KDBT_NO_IENTRY)
			continue;
		ientries++;
		for (; a < kdbt_block_entry(&utr, b); a++)
			if (kdbt_cache_to_native(&utr, a) != b->native)
				bad_ientry++;
	}
	bad_ientry += native_ientry_misnamed();
	ientries++;
	if (bad || n < 1000 || chained < 50 || bad_ientry || ientries < 5)
		fail("%s/maps: %llu of %llu instructions do not round-trip; %llu chained blocks; %llu bytes of %llu indirect entries name another native address",
		     mode_name(mode), bad, n, chained, bad_ientry, ientries);
	else
		pass("%s/maps (%llu instructions in %u blocks round-trip, %llu of them in copies one way; %llu blocks chained, %llu jmps elided; %llu indirect entries name their blocks)",
		     mode_name(mode), n, utr.nblocks - 1, copies, chained,
		     elided, ientries);
}

/* Unlink every exit in steps of @step (as quiesce() does); 0 if all are. */
static int utr_unlink_in_steps(u32 step)
{
	u32 next = 0, i;

	do
		next = kdbt_tr_unlink(&utr, next, step);
	while (next < utr.nexits);
	for (i = 0; i < utr.nexits; i++)
		if (utr.mem.exits[i].linked)
			return -1;
	return 0;
}

/*
 * Detach (what switchoff does): a function that ran from the cache runs
 * again with every indirect branch leaving for native code, its direct
 * links still followed, and gives the native result, counting no more
 * than before; with the links taken away in steps (what quiesce() does)
 * it counts only its first block; attached again, it counts everything
 * again.
 */
static void check_detach(enum kdbt_mode mode, const long long *ref,
			 const long *native)
{
	unsigned int i, n = 0, kept = 0;

	for (i = 0; i < n_tfuncs; i++) {
		unsigned long long full, linked, det, again;
		long r1, r2, r3, r4;
		int err, unlinked;

		if (ref[i] < 0)
			continue;
		utr_zero_counters();
		r1 = utr_run(tfuncs[i].fn, tfuncs[i].arg, &err);
		full = utr_insns();
		kdbt_tr_detach(&utr);
		utr_zero_counters();
		r2 = utr_run(tfuncs[i].fn, tfuncs[i].arg, &err);
		linked = utr_insns();
		unlinked = utr_unlink_in_steps(3);
		utr_zero_counters();
		r3 = utr_run(tfuncs[i].fn, tfuncs[i].arg, &err);
		det = utr_insns();
		utr.detached = false;
		utr_zero_counters();
		r4 = utr_run(tfuncs[i].fn, tfuncs[i].arg, &err);
		again = utr_insns();
		if (r1 != native[i] || r2 != native[i] || r3 != native[i] ||
		    r4 != native[i] || unlinked ||
		    full != (unsigned long long)ref[i] || linked > full ||
		    det >= full || det > linked || again != full) {
			fail("%s/detach/%s: results %ld %ld %ld %ld (native %ld), counts %llu %llu %llu %llu, unlink %d",
			     mode_name(mode), tfuncs[i].name, r1, r2, r3, r4,
			     native[i], full, linked, det, again, unlinked);
			return;
		}
		kept += linked > det;
		n++;
	}
	if (!kept) {
		fail("%s/detach: no function ran further on its kept links than unlinked",
		     mode_name(mode));
		return;
	}
	pass("%s/detach (%u functions: native results while detached; %u ran on along kept links, then only their first block with the links taken away in steps; full counts again after)",
	     mode_name(mode), n, kept);
}

/* The tfunc called @name, or NULL. */
static const struct tfunc *tfunc_named(const char *name)
{
	unsigned int i;

	for (i = 0; i < n_tfuncs; i++)
		if (!strcmp(tfuncs[i].name, name))
			return &tfuncs[i];
	return NULL;
}

/* Targets held by the slots of transparent-mode returns. */
static unsigned int ret_slots_filled(void)
{
	unsigned int n = 0;
	u32 id;

	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];

		if (b->end == KDBT_END_RET && b->site >= 0)
			n += utr.mem.sites[b->site].nslots;
	}
	return n;
}

/*
 * Rets' checks of slot 0 (kdbt_site.ret_check, C functions' rets) that
 * match their slot 0's return address; *@n: how many rets have one and
 * a filled slot 0.
 */
static unsigned int ret_checks_matching(unsigned int *n)
{
	unsigned int match = 0;
	u32 id;

	*n = 0;
	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];
		const struct kdbt_site *s;
		s32 imm;

		if (b->end != KDBT_END_RET || b->site < 0)
			continue;
		s = &utr.mem.sites[b->site];
		if (!s->ret_check || !s->nslots)
			continue;
		++*n;
		memcpy(&imm, (const u8 *)utr.mem.cache_addr + s->ret_check, 4);
		match += (u64)(s64)imm == utr.mem.exits[s->slot_exit].target;
	}
	return match;
}

/* Close or open every site's slot checks in steps of one site. */
static void utr_slots_in_steps(bool open)
{
	u32 next = 0;

	do
		next = kdbt_tr_slots(&utr, next, 1, open);
	while (next < utr.nsites);
}

/* Run @f; its count of native instructions and the new jumptable misses. */
static long run_counted(const struct tfunc *f, unsigned long long *insns,
			unsigned long long *misses)
{
	unsigned long long m = utr_site_misses();
	long r;
	int err;

	utr_zero_counters();
	r = utr_run(f->fn, f->arg, &err);
	*insns = err ? 0 : utr_insns();
	*misses = utr_site_misses() - m;
	return r;
}

/*
 * Transparent-mode returns check slots of return addresses (an inline
 * cache: the return site's own block) before the jumptable.  A recursive
 * function, warm, with the jumptable emptied: every return hits a slot
 * (no miss), counts stay exact.  Detached with its direct links kept and
 * the checks closed in steps (what off does): it leaves the cache at its
 * first return, as it would without slots.  Opened in steps and attached
 * (what on does): every return hits its slot again.
 */
static void check_ret_slots(enum kdbt_mode mode, const long long *ref)
{
	const struct tfunc *f = tfunc_named("fib");
	unsigned long long full, hit, closed, open;
	unsigned long long m_hit, m_closed, m_open;
	unsigned int filled, checks, fast, fast_closed, fast_open;
	long want, r1, r2, r3;

	if (mode != KDBT_MODE_TRANSPARENT || !f)
		return;
	want = f->fn(f->arg);
	r1 = run_counted(f, &full, &m_hit);
	filled = ret_slots_filled();
	fast = ret_checks_matching(&checks);
	kdbt_tr_detach(&utr);		/* the jumptable emptied */
	utr.detached = false;
	r1 = run_counted(f, &hit, &m_hit);
	kdbt_tr_detach(&utr);
	utr_slots_in_steps(false);
	fast_closed = ret_checks_matching(&checks);
	r2 = run_counted(f, &closed, &m_closed);
	utr_slots_in_steps(true);
	fast_open = ret_checks_matching(&checks);
	utr.detached = false;
	r3 = run_counted(f, &open, &m_open);
	if (r1 != want || r2 != want || r3 != want || filled < 3 ||
	    full != (unsigned long long)ref[f - tfuncs] || hit != full ||
	    m_hit || closed * 8 > full || !m_closed || open != full ||
	    m_open || utr.slots_closed || !fast || fast != checks ||
	    fast_closed || fast_open != fast) {
		fail("%s/ret_slots: results %ld %ld %ld (native %ld), %u targets in slots; counts %llu %llu %llu %llu (want %lld), misses %llu %llu %llu; of %u rets' checks of slot 0, %u %u %u match",
		     mode_name(mode), r1, r2, r3, want, filled, full, hit,
		     closed, open, ref[f - tfuncs], m_hit, m_closed, m_open,
		     checks, fast, fast_closed, fast_open);
		return;
	}
	pass("%s/ret_slots (fib: %u return addresses in slots, %u rets check slot 0 first; %llu instructions with the jumptable empty and no miss; slots closed while detached: %llu instructions, left at the first return; opened: %llu, no miss)",
	     mode_name(mode), filled, checks, hit, closed, open);
}

/* The native start of a block of @f's translation that ends in a ret. */
static u64 ret_block_of(const struct tfunc *f)
{
	int err;
	u32 id;

	utr_run(f->fn, f->arg, &err);
	for (id = 1; !err && id < utr.nblocks; id++)
		if (utr.mem.blocks[id].end == KDBT_END_RET &&
		    !utr.mem.blocks[id].copy)
			return utr.mem.blocks[id].native;
	return 0;
}

/*
 * The cache filling up at every byte of a block that ends in a ret (in
 * transparent mode a C function's ret compares with slot 0 first), as
 * the first block of a translation, which may use the room to its last
 * byte: the translation fits or fails with -ENOSPC, and nothing is
 * written past the room the core opened (utr's writable view ends with
 * the cache: such a write would crash).
 */
static void check_cache_end(enum kdbt_mode mode)
{
	const struct tfunc *f = tfunc_named("fib");
	unsigned int room, fit = 0, full = 0;
	struct kdbt_block *b;
	u64 native = f ? ret_block_of(f) : 0;
	int err;

	if (!native) {
		fail("%s/cache_end: no block of fib ends in a ret",
		     mode_name(mode));
		return;
	}
	for (room = 1; room <= 300; room++) {
		kdbt_tr_flush(&utr);
		utr.cache_used = utr.mem.cache_size - room;
		err = kdbt_translate(&utr, native, &b);
		utr_seal();
		if (err && err != -ENOSPC) {
			fail("%s/cache_end: %u bytes left: err %d",
			     mode_name(mode), room, err);
			return;
		}
		fit += !err;
		full += !!err;
	}
	kdbt_tr_flush(&utr);
	if (!fit || !full) {
		fail("%s/cache_end: %u translations fit, %u did not: want both",
		     mode_name(mode), fit, full);
		return;
	}
	pass("%s/cache_end (a block that ends in a ret, with 1 to 300 bytes of cache left: %u fit, %u -ENOSPC, nothing written past the room)",
	     mode_name(mode), fit, full);
}

/*
 * A page of code the test writes itself, @a at offset 0 and @b at @b_off,
 * that the translator may translate; NULL (a failure reported) if mmap
 * fails.
 */
static u8 *code_page(enum kdbt_mode mode, const char *name, const u8 *a,
		     size_t a_len, const u8 *b, size_t b_len, size_t b_off)
{
	u8 *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (page == MAP_FAILED) {
		fail("%s/%s: mmap failed", mode_name(mode), name);
		return NULL;
	}
	memcpy(page, a, a_len);
	memcpy(page + b_off, b, b_len);
	utr_allow_code(page, 4096);
	return page;
}

/* The page goes: its translations first. */
static void drop_code_page(u8 *page)
{
	kdbt_invalidate(&utr, (u64)page, (u64)page + 4096);
	utr_allow_code(NULL, 0);
	munmap(page, 4096);
}

/*
 * Text patching: code the test writes itself is translated, patched, and
 * invalidated.  Until kdbt_invalidate() the cache runs the old bytes (the
 * reason for the kernel's text-poke hook); after it, both the patched
 * function and a caller that was chained to it run the new bytes.
 */
static void check_invalidate(enum kdbt_mode mode)
{
	static const u8 callee[] = { 0xb8, 1, 0, 0, 0, 0xc3 };	/* mov $1,%eax; ret */
	static const u8 caller[] = { 0xe8, 0xbb, 0xff, 0xff, 0xff,	/* call page */
				     0x83, 0xc0, 0x0a, 0xc3 };		/* add $10,%eax; ret */
	u8 *page = code_page(mode, "invalidate", callee, sizeof(callee),
			     caller, sizeof(caller), 64);
	long (*f)(long), (*g)(long), r[6];
	u32 n;
	int err;

	if (!page)
		return;
	f = (long (*)(long))page;
	g = (long (*)(long))(page + 64);
	r[0] = utr_run(f, 0, &err);
	r[1] = utr_run(g, 0, &err);
	page[1] = 2;				/* mov $2,%eax */
	r[2] = utr_run(f, 0, &err);
	r[3] = utr_run(g, 0, &err);
	n = kdbt_invalidate(&utr, (u64)page + 1, (u64)page + 2);
	r[4] = utr_run(f, 0, &err);
	r[5] = utr_run(g, 0, &err);
	if (r[0] != 1 || r[1] != 11 || r[2] != 1 || r[3] != 11 || n != 1 ||
	    r[4] != 2 || r[5] != 12)
		fail("%s/invalidate: results %ld %ld | stale %ld %ld | %u invalidated | new %ld %ld",
		     mode_name(mode), r[0], r[1], r[2], r[3], n, r[4], r[5]);
	else
		pass("%s/invalidate (stale until invalidated, then the new text, also through a chained caller)",
		     mode_name(mode));
	drop_code_page(page);
}

/*
 * Chains: a block translated together with its untranslated successor
 * runs on into it with no exit, so when the successor's text changes the
 * block must go too.  f: a jcc whose fall-through is patched; g: a jmp
 * (elided in the chain) whose target is patched.
 */
static void check_invalidate_chain(enum kdbt_mode mode)
{
	static const u8 f_code[] = {
		0x48, 0x85, 0xff,		/* test %rdi,%rdi */
		0x74, 0x06,			/* jz 1f */
		0xb8, 1, 0, 0, 0, 0xc3,		/* mov $1,%eax; ret */
		0xb8, 3, 0, 0, 0, 0xc3,		/* 1: mov $3,%eax; ret */
	};
	static const u8 g_code[] = {
		0xeb, 0x10,			/* jmp 1f */
		[18] = 0xb8, 5, 0, 0, 0, 0xc3,	/* 1: mov $5,%eax; ret */
	};
	u8 *page = code_page(mode, "invalidate_chain", f_code, sizeof(f_code),
			     g_code, sizeof(g_code), 256);
	long (*f)(long), (*g)(long), r[4];
	u32 n[2];
	int err;

	if (!page)
		return;
	f = (long (*)(long))page;
	g = (long (*)(long))(page + 256);
	r[0] = utr_run(f, 1, &err);
	r[1] = utr_run(g, 0, &err);
	page[6] = 2;				/* mov $2,%eax */
	page[256 + 19] = 6;			/* mov $6,%eax */
	n[0] = kdbt_invalidate(&utr, (u64)page + 6, (u64)page + 7);
	n[1] = kdbt_invalidate(&utr, (u64)page + 275, (u64)page + 276);
	r[2] = utr_run(f, 1, &err);
	r[3] = utr_run(g, 0, &err);
	if (r[0] != 1 || r[1] != 5 || n[0] != 2 || n[1] != 2 || r[2] != 2 ||
	    r[3] != 6)
		fail("%s/invalidate_chain: results %ld %ld | %u %u invalidated | new %ld %ld",
		     mode_name(mode), r[0], r[1], n[0], n[1], r[2], r[3]);
	else
		pass("%s/invalidate_chain (a block chained into patched text goes with it: jcc fall-through, elided jmp)",
		     mode_name(mode));
	drop_code_page(page);
}

/*
 * The old rule of kdbt_invalidate(), every block from the highest id
 * down, on a copy of the invalid flags (@inv): what the page index must
 * give.
 */
static void reference_invalidate(u8 *inv, u64 start, u64 end)
{
	u32 id;

	for (id = utr.nblocks - 1; id >= 1; id--) {
		const struct kdbt_block *b = &utr.mem.blocks[id];

		if (inv[id])
			continue;
		if ((b->native < end && b->native + b->native_len > start) ||
		    (b->derived && b->taken && inv[b->taken]) ||
		    (b->chained && id + 1 < utr.nblocks && inv[id + 1]))
			inv[id] = 1;
	}
}

/*
 * What kdbt_invalidate(@start, @start + 1) may look at through the page
 * index: the valid blocks that start in the pages from a block's reach
 * before @start to @start, and the chains of those that overlap it.
 */
static u32 index_bound(u64 start)
{
	u64 lo = start > KDBT_MAX_BLOCK_BYTES ? start - KDBT_MAX_BLOCK_BYTES : 0;
	u32 id, n = 0;

	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];

		if (b->invalid || b->native >> 12 < lo >> 12 ||
		    b->native >> 12 > start >> 12)
			continue;
		n++;
		if (b->native <= start && b->native + b->native_len > start)
			n += b->chain_n;
	}
	return n;
}

/*
 * The page index (kdbt_mem.page_hash): invalidating a byte looks only at
 * the blocks of its pages and their chains (index_bound()), not at every
 * block, and invalidates exactly the blocks the full scan would - for a
 * byte at every 97th block's start, and at its block's end, in the
 * test's own translated functions.
 */
static void check_invalidate_index(enum kdbt_mode mode)
{
	static u8 inv[1u << 18];
	u32 id, ranges = 0, most = 0, bad = 0, over = 0, n, want;

	for (id = 1; id < utr.nblocks && !bad; id += 97) {
		const struct kdbt_block *b = &utr.mem.blocks[id];
		u64 at[2] = { b->native, b->native + b->native_len - 1 };
		u32 k, i, bound;

		for (k = 0; k < 2 && !bad; k++) {
			u64 before = utr.inval_examined;

			for (i = 1; i < utr.nblocks; i++)
				inv[i] = utr.mem.blocks[i].invalid;
			reference_invalidate(inv, at[k], at[k] + 1);
			for (i = 1, want = 0; i < utr.nblocks; i++)
				want += inv[i] && !utr.mem.blocks[i].invalid;
			bound = index_bound(at[k]);
			n = kdbt_invalidate(&utr, at[k], at[k] + 1);
			for (i = 1; i < utr.nblocks; i++)
				bad += inv[i] != utr.mem.blocks[i].invalid;
			if (n != want)
				bad++;
			if (utr.inval_examined - before > bound)
				over++;
			if (utr.inval_examined - before > most)
				most = (u32)(utr.inval_examined - before);
			ranges++;
		}
	}
	if (bad || over || !ranges)
		fail("%s/invalidate_index: %u ranges, %u blocks differ from the full scan, %u looked at more than their pages' blocks and chains",
		     mode_name(mode), ranges, bad, over);
	else
		pass("%s/invalidate_index (%u ranges: the same blocks as the full scan; only their pages' blocks and chains looked at, at most %u of %u blocks)",
		     mode_name(mode), ranges, most, utr.nblocks - 1);
}

/* Are the native-address hash, the page index and the jumptable empty? */
static bool tables_empty(void)
{
	u32 i;

	for (i = 0; i < utr.mem.hash_size; i++)
		if (utr.mem.hash[i])
			return false;
	for (i = 0; i < utr.mem.page_hash_size; i++)
		if (utr.mem.page_hash[i])
			return false;
	for (i = 0; i < KDBT_JT_SIZE; i++)
		if (utr.mem.jt[i] != utr.cfg.dispatch_indirect)
			return false;
	return true;
}

/*
 * A flush in steps (kdbt_tr_flush_step(), with the lock dropped between
 * them in the kernel): the tables are empty after the steps and the
 * flush, the flush finds them so; a block made after the steps makes the
 * flush empty them itself; and code translates and runs again after.
 */
static void check_flush_steps(enum kdbt_mode mode)
{
	static const u8 code[] = { 0xb8, 7, 0, 0, 0, 0xc3 };	/* mov $7,%eax; ret */
	u8 *page = code_page(mode, "flush_steps", code, sizeof(code), code, 0, 0);
	long (*f)(long) = (long (*)(long))page;
	u32 next = 0, steps = 0;
	bool ready, empty[2];
	long r[2];
	int err;

	if (!page)
		return;
	r[0] = utr_run(f, 0, &err);
	do {
		next = kdbt_tr_flush_step(&utr, next, 10000);
		steps++;
	} while (next);
	ready = utr.flush_ready;
	kdbt_tr_flush(&utr);
	empty[0] = tables_empty() && utr.nblocks == 1;
	r[1] = utr_run(f, 0, &err);		/* a block after the steps */
	while ((next = kdbt_tr_flush_step(&utr, next, 10000)))
		;
	r[1] += utr_run(f, 0, &err) == 7 && utr.nblocks > 1;
	kdbt_tr_flush(&utr);
	empty[1] = tables_empty() && utr.nblocks == 1;
	if (r[0] != 7 || r[1] != 8 || !ready || !empty[0] || !empty[1] ||
	    steps < 2)
		fail("%s/flush_steps: results %ld %ld, %u steps, ready %d, empty %d %d",
		     mode_name(mode), r[0], r[1], steps, ready, empty[0],
		     empty[1]);
	else
		pass("%s/flush_steps (%u steps empty the tables, the flush after them finds them empty, or empties them itself after a new block)",
		     mode_name(mode), steps);
	utr_allow_code(NULL, 0);
	munmap(page, 4096);
}

/*
 * --cx16: only check_cx16(), in both modes - the guest runs it
 * (tests/vm/guest/translate-cx16.sh) on the CPU the kernel's translation
 * runs on.
 */
static int cx16_only(void)
{
	enum kdbt_mode mode;

	for (mode = KDBT_MODE_FAST; mode <= KDBT_MODE_TRANSPARENT; mode++) {
		if (utr_setup(mode, true))
			fail("%s: translator setup failed", mode_name(mode));
		else
			check_cx16(mode);
	}
	return failures ? 1 : 0;
}

/*
 * The cache's writable view is read-only but for what the core opened
 * since the last return to translated code (utr.c): after the cases ran,
 * nothing of it is writable; kdbt_cache_open() opens exactly the pages
 * of its bytes, and utr_seal() closes them.
 */
static void check_sealed(enum kdbt_mode mode)
{
	long before = utr_cache_writable(), opened, after;

	kdbt_cache_open(&utr, 3 * 4096 + 4090, 10);
	opened = utr_cache_writable();
	utr_seal();
	after = utr_cache_writable();
	if (before != 0 || opened != 2 * 4096 || after != 0)
		fail("%s/sealed: writable bytes %ld, then %ld opened, then %ld (want 0, 8192, 0)",
		     mode_name(mode), before, opened, after);
	else
		pass("%s/sealed", mode_name(mode));
}

long t_value_mix(long n);
long t_value_many(long n);
long vp_a(long x), vp_b(long x), vp_c(long x), vp_d(long x), vp_e(long x);
long vp_f(long x);

/*
 * Executions counted by slot copies of @target, and their site: the end
 * of its call instruction (several blocks can end in one call: a loop
 * entered at its head and at its back edge), as readers key sites.
 */
static unsigned long long slot_count(void *target, u64 *site)
{
	unsigned long long n = 0;
	u32 id;

	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];

		if (!b->slot_of || b->native != (u64)target)
			continue;
		*site = utr.mem.blocks[b->slot_of].native +
			utr.mem.blocks[b->slot_of].native_len;
		n += utr_block_count(id);
	}
	return n;
}

/* Executions of the blocks that end in the indirect call ending at @end. */
static unsigned long long site_count(u64 end)
{
	unsigned long long n = 0;
	u32 id;

	for (id = 1; id < utr.nblocks; id++) {
		const struct kdbt_block *b = &utr.mem.blocks[id];

		if (b->native + b->native_len == end &&
		    b->end == KDBT_END_CALL_IND)
			n += utr_block_count(id);
	}
	return n;
}

/*
 * Value profiles (struct kdbt_site): run @fn(@arg) on a fresh translator
 * twice (cold, then warm) and compare what the slot copies of the six
 * vp_* targets counted on the warm run with @want, all at one call site
 * executed @arg times.  With @want NULL (more targets than slots), each
 * target counts at most @arg / 6 and the slots at least 4 targets, and
 * leave some executions to "other".
 */
static void check_slot_case(enum kdbt_mode mode, const char *name,
			    long (*fn)(long), long arg,
			    const unsigned long long *want)
{
	long (*const t[6])(long) = { vp_a, vp_b, vp_c, vp_d, vp_e, vp_f };
	unsigned long long got[6], sum = 0, total;
	u64 site = 0, one = 0;
	int err = 0, i, seen = 0, bad = -1;

	if (utr_setup(mode, true)) {
		fail("%s/slots_%s: translator setup failed", mode_name(mode),
		     name);
		return;
	}
	utr_run(fn, arg, &err);
	utr_zero_counters();
	if (!err)
		utr_run(fn, arg, &err);
	for (i = 0; i < 6; i++) {
		got[i] = slot_count((void *)t[i], &site);
		sum += got[i];
		seen += got[i] != 0;
		if (got[i] && !one)
			one = site;
		if (bad < 0 && ((want && got[i] != want[i]) ||
				(!want && got[i] > (unsigned long long)arg / 6) ||
				(got[i] && site != one)))
			bad = i;
	}
	total = site_count(one);
	if (!want && bad < 0 && (seen < 4 || sum >= total))
		bad = 6;
	if (err || bad >= 0 || total != (unsigned long long)arg)
		fail("%s/slots_%s: err %d, target %d counted %llu, site %#llx executed %llu times (want %ld): %llu %llu %llu %llu %llu %llu",
		     mode_name(mode), name, err, bad, bad >= 0 && bad < 6 ?
		     got[bad] : 0, (unsigned long long)one, total, arg,
		     got[0], got[1], got[2], got[3], got[4], got[5]);
	else
		pass("%s/slots_%s (one site: %llu of its %llu executions in its slots, %llu other: %llu %llu %llu %llu %llu %llu)",
		     mode_name(mode), name, sum, total, total - sum, got[0],
		     got[1], got[2], got[3], got[4], got[5]);
}

/* Last in run_mode(): each case starts a translator of its own. */
static void check_slots(enum kdbt_mode mode)
{
	static const unsigned long long mix[6] = { 1000, 200, 7 };

	check_slot_case(mode, "mix", t_value_mix, 1207, mix);
	check_slot_case(mode, "many", t_value_many, 60, NULL);
}

/* Everything, in @mode and the current counter form. */
/*
 * Interrupted anywhere in the cache, a context stands for one native state
 * (kdbt_native_state(), what the kernel's unwinder is given for an
 * interrupt frame in the cache): short runs of the tfuncs with indirect
 * calls and jumps (registers, memory, jump tables, slots), returns,
 * recursion and the rel8-only branches, single-stepped from the cache (states.c), warm and then with every
 * exit unlinked and the jumptable empty (the exit stubs and dispatcher
 * paths) - but the slots' exits: the child's dispatcher would make new
 * slot copies for them, code this process does not see.  Every answer must be what the child then does, and every step
 * must get one.  Last in a mode: the children relink exits in the cache
 * they share with this process, behind the translator's back.
 */
/*
 * The argument of tfunc @name's single-stepped run, warm or @cold, or 0
 * for none: the cold runs step through the dispatcher too, about 2000
 * steps a dispatch, so only a few of them.
 */
static long states_arg(const char *name, bool cold)
{
	static const struct {
		const char *name;
		long arg;
		bool cold;
	} runs[] = {
		{ "ackermann", 2, true }, { "switch_table", 20, true },
		{ "sparse_switch", 20, false }, { "fnptr_table", 30, false },
		{ "value_many", 60, true }, { "tail_indirect", 20, false },
		{ "volatile_recursion", 20, false }, { "computed_goto", 10, false },
		{ "flags_jcc", 20, false }, { "jrcxz", 20, false }, { "loop_insn", 20, false },
		{ "string", 1, false }, { "varargs", 4, false }, { "struct_by_value", 2, false },
	};
	unsigned int i;

	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		if (!strcmp(runs[i].name, name) && (!cold || runs[i].cold))
			return runs[i].arg;
	return 0;
}

static void check_states(enum kdbt_mode mode)
{
	struct states_tally t;
	unsigned int i, j, cold;
	long arg;
	int err;

	memset(&t, 0, sizeof(t));
	if (utr_setup(mode, true)) {
		fail("%s/states: translator setup failed", mode_name(mode));
		return;
	}
	for (cold = 0; cold < 2; cold++) {
		for (i = 0; i < n_tfuncs; i++) {
			arg = states_arg(tfuncs[i].name, cold);
			if (!arg)
				continue;
			utr_run(tfuncs[i].fn, arg, &err);
			for (j = 0; !err && cold && j < utr.nexits; j++)
				if (!utr.mem.exits[j].slot)	/* (above) */
					kdbt_tr_unlink(&utr, j, 1);
			for (j = 0; cold && j < KDBT_JT_SIZE; j++)
				utr.mem.jt[j] = utr.cfg.dispatch_indirect;
			if (!err)
				err = states_run(tfuncs[i].fn, arg, &t);
			if (err) {
				fail("%s/states/%s: the single-stepped run failed: %d",
				     mode_name(mode), tfuncs[i].name, err);
				return;
			}
		}
	}
	if (t.wrong || t.unknown || t.right < 10000)
		fail("%s/states: %llu of %llu answers wrong (%s), %llu steps of %llu in the cache (%llu in all) without an answer (%s)",
		     mode_name(mode), t.wrong, t.wrong + t.right,
		     t.wrong ? t.first_wrong : "-", t.unknown, t.cache_steps,
		     t.steps, t.unknown ? t.first_unknown : "-");
	else
		pass("%s/states (%llu steps, %llu in the cache, %llu at native boundaries; %llu inside kdbt's sequences, all answered right, %llu of them by the branch before its target is loaded; %llu answers not shown by the child)",
		     mode_name(mode), t.steps, t.cache_steps, t.boundaries,
		     t.cache_steps - t.boundaries, t.backward, t.unchecked);
}

static void run_mode(enum kdbt_mode mode, long long *tref, long long *rref,
		     long *native)
{
	if (utr_setup(mode, true)) {
		fail("%s: translator setup failed", mode_name(mode));
		return;
	}
	run_tfuncs(mode, tref, native);
	run_rules(mode, rref);
	check_sealed(mode);
	if (forms[form].derive)
		check_derived(mode);
	if (direct) {
		check_direct_form(mode);
	} else {
		check_abi_scratch(mode);
		check_scratch_forms(mode);
	}
	check_targets(mode);
	check_ibt(mode);
	check_cx16(mode);
	check_maps(mode);
	check_detach(mode, tref, native);
	check_ret_slots(mode, tref);
	check_invalidate(mode);
	check_invalidate_chain(mode);
	check_invalidate_index(mode);
	check_flush_steps(mode);
	check_slots(mode);
	if (form == 0 || forms[form].ibt)
		check_states(mode);
	check_cache_end(mode);
}

int main(int argc, char **argv)
{
	unsigned int nr = sizeof(rule_cases) / sizeof(rule_cases[0]);
	long long *tref = calloc(n_tfuncs, sizeof(*tref));
	long long *rref = calloc(nr, sizeof(*rref));
	long *native = calloc(n_tfuncs, sizeof(*native));
	struct sigaction sa = { .sa_sigaction = on_trap,
				.sa_flags = SA_SIGINFO };
	enum kdbt_mode mode;
	unsigned int i;
	long res;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--cx16"))
		return cx16_only();
	sigaction(SIGTRAP, &sa, NULL);
	sa.sa_sigaction = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	utr_set_cpu(0);		/* the GS base: rules_asm.S's %gs:16 */
	check_call_depth_ref();
	for (i = 0; i < n_tfuncs; i++) {
		tref[i] = reference(tfuncs[i].name, tfuncs[i].fn,
				    tfuncs[i].arg, &native[i]);
		if (tref[i] >= 0 && native[i] != tfuncs[i].fn(tfuncs[i].arg)) {
			fail("reference/%s: not deterministic", tfuncs[i].name);
			tref[i] = -2;
		}
	}
	for (i = 0; i < nr; i++)
		rref[i] = rule_cases[i].uncounted[0] < 0 ? -1 :
			  reference(rule_cases[i].name, rule_cases[i].fn,
				    rule_cases[i].arg, &res);
	for (form = 0; form < sizeof(forms) / sizeof(forms[0]); form++) {
		direct = forms[form].direct;
		utr_counter_form(direct);
		utr_derive_counts(forms[form].derive);
		utr_ibt(forms[form].ibt);
		for (mode = KDBT_MODE_FAST; mode <= KDBT_MODE_TRANSPARENT;
		     mode++)
			run_mode(mode, tref, rref, native);
	}
	return failures ? 1 : 0;
}
