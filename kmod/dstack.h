/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dstack.h - each CPU's dispatcher stack: its size (engine.c allocates
 * the stacks, kdbt_dstack_top) and, in assembly, the switch to it and
 * back (kentry.S, pull.S).
 */
#ifndef KDBT_DSTACK_H
#define KDBT_DSTACK_H

#define KDBT_DSTACK_BYTES	16384

#ifdef __ASSEMBLY__
/*
 * To this CPU's dispatcher stack, unless already on it; the old %rsp is
 * pushed on the new stack, for DSTACK_LEAVE.  Clobbers %rcx, %rdx, %r11
 * (saved by the caller or free there) and the flags.  Needs
 * <asm/percpu.h>.
 */
.macro DSTACK_ENTER
	movq	%rsp, %rcx
	movq	PER_CPU_VAR(kdbt_dstack_top), %rdx
	testq	%rdx, %rdx
	jz	.Lstay_\@
	movq	%rdx, %r11
	subq	%rsp, %r11
	cmpq	$KDBT_DSTACK_BYTES, %r11
	jb	.Lstay_\@		/* 0 <= top - %rsp < size: on it */
	movq	%rdx, %rsp
.Lstay_\@:
	pushq	%rcx
.endm

.macro DSTACK_LEAVE
	popq	%rsp
.endm
#endif /* __ASSEMBLY__ */

#endif /* KDBT_DSTACK_H */
