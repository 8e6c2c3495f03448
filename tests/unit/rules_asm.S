/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rules_asm.S - one small function per translation rule, written in
 * assembly so the exact instruction form is known (compilers choose
 * forms freely).  Each is `long f(long x)` (SysV) and returns a value
 * that depends on the rule having been translated correctly.
 *
 * Owns: the known-answer inputs of tests/unit/translate_run.c.
 * Must never: depend on anything but its argument and its own data.
 */
	.text
	.globl	rt_asm_start, rt_asm_end	/* utr.c: not C (c_function()) */
rt_asm_start:

/* Stand-ins for the kernel's thunks (utr.c tells the translator). */
	.globl	kdbt_test_thunk_rax, kdbt_test_return_thunk
kdbt_test_thunk_rax:		/* __x86_indirect_thunk_rax, simplified */
	jmp	*%rax
kdbt_test_return_thunk:		/* __x86_return_thunk */
	ret
	int3

/*
 * Linux 6.12's call-depth tracking (retbleed=stuff): the call and jump
 * thunks that stand for __x86_indirect_thunk_<reg> (cfg.thunk_alias), and
 * the depth counter, %gs:16 (utr.c's utr_gs.call_depth, cfg.call_depth).
 */
	.globl	kdbt_test_call_thunk_rax, kdbt_test_jump_thunk_rax
kdbt_test_call_thunk_rax:	/* __x86_indirect_call_thunk_rax */
	sarq	$5, %gs:16
	jmp	*%rax
kdbt_test_jump_thunk_rax:	/* __x86_indirect_jump_thunk_rax */
	jmp	*%rax
	.globl	kdbt_test_its_thunk_rax
kdbt_test_its_thunk_rax:	/* __x86_indirect_its_thunk_rax (ITS) */
	jmp	*%rax
	int3

.macro FUNC name
	.globl	\name
	.type	\name, @function
	.p2align 4
\name:
.endm

add5:	lea	5(%rdi), %rax
	ret

/* Code the translator may not translate (utr.c): it runs natively. */
	.globl	kdbt_test_native_helper, kdbt_test_native_helper_end
kdbt_test_native_helper:
	lea	7(%rdi), %rax
	ret
kdbt_test_native_helper_end:

/* call __x86_indirect_thunk_rax: an indirect call (x + 5). */
FUNC rt_thunk_call
	lea	add5(%rip), %rax
	call	kdbt_test_thunk_rax
	ret

/* jmp __x86_indirect_thunk_rax: an indirect tail call (x + 5). */
FUNC rt_thunk_jmp
	lea	add5(%rip), %rax
	jmp	kdbt_test_thunk_rax

/* call __x86_indirect_call_thunk_rax: an indirect call (x + 5). */
FUNC rt_call_thunk_call
	lea	add5(%rip), %rax
	call	kdbt_test_call_thunk_rax
	ret

/* call __x86_indirect_its_thunk_rax: an indirect call (x + 5). */
FUNC rt_its_thunk_call
	lea	add5(%rip), %rax
	call	kdbt_test_its_thunk_rax
	ret

/* jmp __x86_indirect_jump_thunk_rax: an indirect tail call (x + 5). */
FUNC rt_jump_thunk_jmp
	lea	add5(%rip), %rax
	jmp	kdbt_test_jump_thunk_rax

/*
 * A direct call under call-depth tracking: the kernel aims it at the
 * accounting thunk it wrote into the callee's padding, right before the
 * callee, into which it falls (x + 1).  The thunk's block ends after the
 * accounting, so that rt_cd_fn starts a block of its own.
 */
FUNC rt_call_depth
	call	rt_cd_thunk
	ret
	.p2align 4
	.globl	rt_cd_thunk, rt_cd_fn
rt_cd_thunk:
	sarq	$5, %gs:16
rt_cd_fn:
	lea	1(%rdi), %rax
	ret

/* jmp __x86_return_thunk instead of ret (3x). */
FUNC rt_return_thunk
	lea	(%rdi,%rdi,2), %rax
	jmp	kdbt_test_return_thunk

/* jcc to the return thunk: a conditional return (x > 10 ? 1 : 2). */
FUNC rt_jcc_return_thunk
	mov	$1, %eax
	cmp	$10, %rdi
	jg	kdbt_test_return_thunk
	mov	$2, %eax
	ret

/* loop: rel8-only conditional branch (3x, x > 0). */
FUNC rt_loop
	mov	%rdi, %rcx
	xor	%eax, %eax
1:	add	$3, %rax
	loop	1b
	ret

/* jrcxz (x == 0 ? 2 : 1). */
FUNC rt_jrcxz
	mov	%rdi, %rcx
	jrcxz	1f
	mov	$1, %eax
	ret
1:	mov	$2, %eax
	ret

/* jmp *disp(%rip): an indirect jump through RIP-relative memory (x + 5). */
FUNC rt_jmp_riprel
	jmp	*.Ljmp_slot(%rip)

/* call *(%rsp): the operand is relative to %rsp, which the probe moves. */
FUNC rt_call_rsp
	lea	add5(%rip), %rax
	push	%rax
	call	*(%rsp)
	pop	%rcx
	ret

/* jmp *8(%rsp) with a scratch word above: x + 7. */
FUNC rt_jmp_rsp
	lea	.Lpop2_add7(%rip), %rax
	push	%rax
	push	%rax
	jmp	*8(%rsp)
.Lpop2_add7:
	pop	%rcx
	pop	%rcx
	lea	7(%rdi), %rax
	ret

/* int3 runs natively; the SIGTRAP handler adds 1000 to %rax (x + 1001). */
FUNC rt_int3
	mov	%rdi, %rax
	.globl	rt_int3_insn
rt_int3_insn:
	int3
	add	$1, %rax
	ret

/* RIP-relative data: SSE load, lea, and add from memory (x + 42 + 7). */
FUNC rt_riprel
	movq	.Lforty2(%rip), %xmm0
	movq	%xmm0, %rax
	lea	.Lseven(%rip), %rcx
	add	(%rcx), %rax
	add	%rdi, %rax
	ret

/* ZF live across a block boundary: the second block's counter must keep it. */
FUNC rt_flags_live
	cmp	%rdi, %rdi
	jmp	1f
1:	sete	%al
	movzbl	%al, %eax
	ret

/*
 * The block after a jcc starts with ZF live (x == 5: 3; x > 5: 2; else
 * 1): its counter increment must not touch the flags.
 */
FUNC rt_flags_live_jcc
	cmp	$5, %rdi
	ja	1f
	je	2f
	mov	$1, %eax
	ret
1:	mov	$2, %eax
	ret
2:	mov	$3, %eax
	ret

/* The same with OF, which inc would clear (x = LONG_MAX: 7). */
FUNC rt_flags_live_of
	mov	%rdi, %rax
	add	$1, %rax
	jz	1f
	jo	2f
	mov	$1, %eax
	ret
1:	xor	%eax, %eax
	ret
2:	mov	$7, %eax
	ret

/*
 * Blocks whose first instruction overwrites a register: the per-CPU
 * counter uses it as scratch (emit.c), which must never change a result.
 * %r12 takes the SIB encoding (x + 3).
 */
FUNC rt_scratch_r12
	push	%r12
	mov	%rdi, %rax
	jmp	1f
1:	mov	$3, %r12d
	add	%r12, %rax
	pop	%r12
	ret

/* xor of a register with itself: dead before, zero after (x + 5). */
FUNC rt_scratch_xor
	push	%r13
	mov	%rdi, %r13
	jmp	1f
1:	xor	%r13d, %r13d
	lea	5(%r13,%rdi), %rax
	pop	%r13
	ret

/* movzbl %al,%eax reads %eax: not scratch (x & 0xff). */
FUNC rt_scratch_movzx
	mov	%rdi, %rax
	jmp	1f
1:	movzbl	%al, %eax
	ret

/* lea 8(%rax),%rax reads %rax: not scratch (x + 8). */
FUNC rt_scratch_lea
	mov	%rdi, %rax
	jmp	1f
1:	lea	8(%rax), %rax
	ret

/*
 * The search goes past instructions that cannot fault: here %rax,
 * written by the fourth instruction and read by none before it, is
 * scratch (x + 5).
 */
FUNC rt_scratch_late
	mov	%rdi, %rcx
	jmp	1f
1:	nop
	push	%rbx
	mov	%rcx, %rbx
	lea	5(%rbx), %rax
	pop	%rbx
	ret

/* A load is a scratch writer (x + 9); so is a pop (x + 4). */
FUNC rt_scratch_load
	push	%rdi
	jmp	1f
1:	mov	(%rsp), %rax
	add	$9, %rax
	pop	%rdi
	ret

FUNC rt_scratch_pop
	push	%rdi
	jmp	1f
1:	pop	%rax
	add	$4, %rax
	ret

/* A load through the register it writes reads it: not scratch (x + 1). */
FUNC rt_scratch_load_self
	push	%rdi
	mov	%rsp, %rax
	jmp	1f
1:	mov	(%rax), %rax
	inc	%rax
	pop	%rdi
	ret

/* pop %rcx after push %rcx: read first, not scratch (x + 2). */
FUNC rt_scratch_pop_read
	mov	%rdi, %rcx
	jmp	1f
1:	push	%rcx
	pop	%rcx
	lea	2(%rcx), %rax
	ret

/* push %rcx reads %rcx before mov $7,%ecx writes it: not scratch (x + 7). */
FUNC rt_scratch_read_first
	mov	%rdi, %rcx
	jmp	1f
1:	nop
	push	%rcx
	mov	$7, %ecx
	pop	%rax
	add	%rcx, %rax
	ret

/*
 * A store with no exception fixup (utr.c says which have one) cannot
 * leave the block: the search goes past it, and %rax, written next, is
 * scratch (x + 6; translate_run checks the counter's register).
 */
FUNC rt_scratch_store
	push	%rdi
	mov	%rdi, %rcx
	jmp	rt_scratch_store_block
	.globl	rt_scratch_store_block
rt_scratch_store_block:
	mov	%rcx, (%rsp)
	mov	$6, %eax
	add	(%rsp), %rax
	pop	%rdi
	ret

/*
 * A store with an exception fixup ends the search: its fault resumes at
 * rt_scratch_fixup_resume, which reads the %rax that the path without a
 * fault overwrites.  The store to address 0 faults, and translate_run's
 * SIGSEGV handler plays the kernel's fixup (x + 100).
 */
FUNC rt_scratch_fixup
	mov	%rdi, %rax
	xor	%edx, %edx
	jmp	1f
1:
	.globl	rt_scratch_fixup_insn, rt_scratch_fixup_resume
rt_scratch_fixup_insn:
	movq	$0, (%rdx)
	mov	$5, %eax
	ret
rt_scratch_fixup_resume:
	add	$100, %rax
	ret

/*
 * No register of the block is free, but both successors overwrite %rax
 * first: it is dead at the block's entry (x + 5; translate_run checks
 * the counter's register).
 */
FUNC rt_scratch_succ
	mov	%rdi, %rax
	jmp	rt_scratch_succ_block
	.globl	rt_scratch_succ_block
rt_scratch_succ_block:
	test	%rdi, %rdi
	je	1f
	lea	5(%rdi), %rax
	ret
1:	mov	$7, %eax
	ret

/* Only one successor overwrites %rax; the other returns it (0 -> 0). */
FUNC rt_scratch_succ_one
	mov	%rdi, %rax
	jmp	1f
1:	test	%rdi, %rdi
	je	2f
	mov	$3, %eax
	ret
2:	ret

/*
 * The successor overwrites %rcx after a nop (the kernel's nop5, which
 * names %rax): a static branch's site may become a jmp elsewhere, so
 * %rcx stays live (4).
 */
FUNC rt_scratch_succ_nop
	mov	%rdi, %rcx
	jmp	rt_scratch_succ_nop_block
	.globl	rt_scratch_succ_nop_block
rt_scratch_succ_nop_block:
	test	%rdi, %rdi
	jmp	1f
1:	.byte	0x0f, 0x1f, 0x44, 0x00, 0x00
	mov	$4, %ecx
	mov	%rcx, %rax
	ret

/*
 * Two branches deep: the block's successors end in a jcc and a jmp, and
 * every path overwrites %rax before reading it (x + 5).
 */
FUNC rt_scratch_deep
	mov	%rdi, %rax
	jmp	rt_scratch_deep_block
	.globl	rt_scratch_deep_block
rt_scratch_deep_block:
	test	%rdi, %rdi
	je	2f
	cmp	$5, %rdi
	jb	1f
	lea	5(%rdi), %rax
	ret
1:	mov	$3, %eax
	ret
2:	test	%rdi, %rdi
	jne	1b
	mov	$7, %eax
	ret

/*
 * A successor that starts with a jmp (a static branch's site, maybe: a
 * nop would run on into the ret, which returns %rax) is not looked
 * through: %rax stays live (9).
 */
FUNC rt_scratch_succ_jmp
	mov	%rdi, %rax
	jmp	rt_scratch_succ_jmp_block
	.globl	rt_scratch_succ_jmp_block
rt_scratch_succ_jmp_block:
	test	%rdi, %rdi
	jmp	1f
1:	jmp	2f
	ret
2:	mov	$9, %eax
	ret

/* One path two branches deep returns %rax (3 -> 3). */
FUNC rt_scratch_deep_one
	mov	%rdi, %rax
	jmp	1f
1:	test	%rdi, %rdi
	je	3f
	cmp	$5, %rdi
	jb	2f
	lea	5(%rdi), %rax
	ret
2:	ret
3:	mov	$7, %eax
	ret

/* Both successors overwrite %rcx, but jrcxz reads it (0 -> 102). */
FUNC rt_scratch_succ_jrcxz
	mov	%rdi, %rcx
	mov	$100, %eax
	jmp	1f
1:	jrcxz	2f
	mov	$1, %ecx
	add	%rcx, %rax
	ret
2:	mov	$2, %ecx
	add	%rcx, %rax
	ret

/*
 * Functions that keep the C calling convention, as utr.c tells the
 * translator (cfg.c_function): %r11 is free at their entry and in a
 * returning block that does not read it.
 */
	.globl	rt_cfuncs_start, rt_cfuncs_end, rt_c_ret_free_exit
rt_cfuncs_start:

/* No register of the entry block is free but %r11 (x + 3). */
FUNC rt_c_entry
	push	%rbx
	mov	%rdi, %rbx
	add	$3, %rbx
	jmp	1f
1:	mov	%rbx, %rax
	pop	%rbx
	ret

/* The returning block reads %r11: not scratch (x + 1). */
FUNC rt_c_ret_r11
	mov	%rdi, %rax
	mov	$1, %r11d
	jmp	1f
1:	add	%r11, %rax
	ret

/*
 * A C function's block that calls through a register writes no flag,
 * but C keeps none live into a call: no pushfq (x + 3).
 */
FUNC rt_c_flags_call
	push	%rbx
	mov	%rdi, %rbx
	jmp	rt_c_flags_call_block
	.globl	rt_c_flags_call_block
rt_c_flags_call_block:
	mov	%rbx, %rdi
	lea	rt_c_entry(%rip), %rax
	call	*%rax
	pop	%rbx
	ret

/* The returning block writes no register: %r11 is scratch (x + 2). */
FUNC rt_c_ret_free
	mov	%rdi, %rax
	jmp	rt_c_ret_free_exit
rt_c_ret_free_exit:
	add	$2, %rax
	ret
rt_cfuncs_end:

/*
 * A block that calls a C function frees %r11 if it does not read it
 * (x + 3); one that reads it does not (x + 1 + 3).  The callers are not
 * C functions themselves: what counts is the callee's convention.
 */
FUNC rt_c_call
	sub	$8, %rsp
	jmp	rt_c_call_block
	.globl	rt_c_call_block
rt_c_call_block:
	test	%rdi, %rdi
	call	rt_c_entry
	add	$8, %rsp
	ret

FUNC rt_c_call_r11
	sub	$8, %rsp
	mov	$1, %r11d
	jmp	1f
1:	add	%r11, %rdi
	call	rt_c_entry
	add	$8, %rsp
	ret

/* pushfq at a block start sees the flags of the previous block (ZF: 64). */
FUNC rt_pushf
	xor	%eax, %eax
	jmp	1f
1:	pushfq
	pop	%rax
	and	$0x40, %eax
	ret

/*
 * cmpxchg16b after popfq and an add: the flags it leaves (pushfq right
 * after it).  The compare succeeds (memory and %rdx:%rax are 0), so ZF is
 * set and the rest is the add's: x + 5 in %rcx.  QEMU up to 7.2 computes
 * them from the add's source, x, unless the cmpxchg16b starts one of its
 * blocks (translate.c, split_before()).
 */
FUNC rt_cx16_flags
	push	%rbx
	sub	$48, %rsp
	lea	15(%rsp), %rsi
	and	$-16, %rsi
	xor	%eax, %eax
	mov	%rax, (%rsi)
	mov	%rax, 8(%rsi)
	xor	%edx, %edx
	mov	$1, %ebx
	mov	$5, %ecx
	pushq	$0x202
	popfq
	add	%rdi, %rcx
	.globl	rt_cx16_insn
rt_cx16_insn:
	cmpxchg16b (%rsi)
	pushfq
	pop	%rax
	add	$48, %rsp
	pop	%rbx
	ret

/* ret $8 has no rule: it runs natively (x + 9). */
retimm:	lea	9(%rdi), %rax
	ret	$8
FUNC rt_ret_imm
	push	%rdi
	call	retimm
	ret

/* A direct call whose target is the next instruction (x + 1). */
FUNC rt_call_next
	call	1f
1:	pop	%rax
	lea	1(%rdi), %rax
	ret

	.section .rodata
	.p2align 3
.Ljmp_slot:	.quad	add5
.Lforty2:	.quad	42
.Lseven:	.quad	7

/*
 * call to code that stays native: the caller must go on in the cache
 * after it returns, in both modes (x + 8; the helper's 2 uncounted).
 */
	.text
FUNC rt_call_native
	call	kdbt_test_native_helper
	add	$1, %rax
	ret

/*
 * lkgs (F2 0F 00 /6), which Zydis 4.0 cannot decode, ends its block with
 * an exit to the native instruction, like a native rule, not a refusal.
 * It sits on the fall-through of a jcc taken here, so the translator
 * meets it (the fall-through is translated right behind the jcc's block)
 * and the code still runs (x + 1, for x != 0).
 */
FUNC rt_lkgs
	test	%rdi, %rdi
	jnz	1f
	mov	$2, %eax
	.byte	0xf2, 0x0f, 0x00, 0xf7	/* lkgs %di: #UD in user mode */
1:	lea	1(%rdi), %rax
	ret
rt_asm_end:

	.section .note.GNU-stack, "", @progbits
