/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user_glue.S - the environment-specific half of the dispatcher, for
 * running translated userspace code in the unit tests.
 *
 * Owns: entering and leaving the C dispatcher from the code cache with
 * every register, the flags and the whole extended (vector) state intact,
 * and the trampoline tests call translated functions through.
 * Must never: write into the translated code's red zone (the core steps
 * over it with cfg.stack_skip = 128 and we return with `ret $128`).
 */
	.text

/* long kdbt_user_call(u64 entry, long arg): call translated code. */
	.globl	kdbt_user_call, kdbt_user_call_end
	.type	kdbt_user_call, @function
kdbt_user_call:
	mov	%rdi, %rax
	mov	%rsi, %rdi
	sub	$8, %rsp		/* the callee expects %rsp = 8 mod 16 */
	call	*%rax
	add	$8, %rsp
	ret
kdbt_user_call_end:
	.size	kdbt_user_call, . - kdbt_user_call

/* Save everything the translated code may have live, call C, restore. */
.macro SAVE_ALL
	pushfq
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%rbx
	push	%rbp
	cld
	mov	%rsp, %rbp
	and	$-64, %rsp
	sub	$16384, %rsp
	xor	%eax, %eax
	mov	%rax, 512(%rsp)		/* XSAVE header must start zeroed */
	mov	%rax, 520(%rsp)
	mov	%rax, 528(%rsp)
	mov	%rax, 536(%rsp)
	mov	%rax, 544(%rsp)
	mov	%rax, 552(%rsp)
	mov	%rax, 560(%rsp)
	mov	%rax, 568(%rsp)
	mov	$-1, %eax
	mov	$-1, %edx
	xsave	(%rsp)
.endm

/* %rax: the C result, moved to %rbx (callee-saved) around xrstor. */
.macro RESTORE_ALL slot
	mov	%rax, %rbx
	mov	$-1, %eax
	mov	$-1, %edx
	xrstor	(%rsp)
	mov	%rbx, \slot(%rbp)
	mov	%rbp, %rsp
	pop	%rbp
	pop	%rbx
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rax
	popfq
.endm

/*
 * Exit stub: lea -128(%rsp),%rsp; push $exit; jmp here.
 * Stack: [exit][128 bytes red zone]; saved area is 12 words = 96 bytes.
 */
	.globl	kdbt_user_dispatch_direct
	.type	kdbt_user_dispatch_direct, @function
kdbt_user_dispatch_direct:
	SAVE_ALL
	mov	96(%rbp), %edi
	call	kdbt_user_direct
	RESTORE_ALL 96
	ret	$128
	.size	kdbt_user_dispatch_direct, . - kdbt_user_dispatch_direct

/*
 * Jumptable miss: stack [site][%rdx][%rcx][red zone], %rdx = target.
 * Resume (by ret) at the indirect entry C returns, which pops the rest.
 */
	.globl	kdbt_user_dispatch_indirect
	.type	kdbt_user_dispatch_indirect, @function
kdbt_user_dispatch_indirect:
	lea	-8(%rsp), %rsp		/* resume slot */
	SAVE_ALL
	mov	104(%rbp), %edi		/* site */
	mov	64(%rbp), %rsi		/* the live %rdx: the target */
	call	kdbt_user_indirect
	RESTORE_ALL 96
	ret
	.size	kdbt_user_dispatch_indirect, . - kdbt_user_dispatch_indirect

/*
 * Leave the cache for the native target in %rdx (a detached translator):
 * drop the probe's site, restore %rcx and %rdx, step back over the red
 * zone and jump.  Stack: [site][%rdx][%rcx][128 bytes].
 */
	.globl	kdbt_user_leave_indirect
	.type	kdbt_user_leave_indirect, @function
kdbt_user_leave_indirect:
	lea	8(%rsp), %rsp
	mov	8(%rsp), %rcx
	mov	%rdx, 8(%rsp)
	pop	%rdx
	ret	$128
	.size	kdbt_user_leave_indirect, . - kdbt_user_leave_indirect

	.section .note.GNU-stack, "", @progbits
