/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kentry.S - the kernel half of the dispatcher entry: from the code cache
 * into C (engine.c) and back, with every register and the flags intact.
 *
 * Of the service layer (docs/ARCHITECTURE.md, "Layers"), but for its
 * one call up, by design: kdbt_pull_entry, the way of entries.c's post
 * stubs from the cache into C, calls kdbt_pull_c() (entries.c).
 *
 * The C dispatcher (and kdbt_pull_c()) runs on a stack of its own, one
 * per CPU (kdbt_dstack_top, 16 KiB): translating a block takes a few KiB
 * of stack, which a deep kernel path may not have left.  Interrupts are
 * off on it; a fault while translating (a nofault read) and the
 * translated handler it runs stay on it, and a dispatcher entry from
 * there finds it is already on it and does not switch again.
 *
 * Owns: the stack layouts the translator's stubs and probes leave (see
 * kmod/core/translate.c), the switch to "interrupts off" around the C call and
 * the switch to the dispatcher stack and back.
 * Must never: write below %rsp (the kernel has no red zone), touch the
 * vector registers (translated code may be inside kernel_fpu_begin()), or
 * return anywhere but where C says.  objtool skips this object (Kbuild):
 * its bare ret instructions go to generated code, not to callers.  Where
 * objtool checks the linked module instead (IBT kernels: 6.12), the
 * annotations say so: every ret is bare by design (ANNOTATE_UNRET_SAFE),
 * kdbt_entry_indirect is the target of indirect jumps (an empty
 * jumptable slot holds it: ENDBR, endbr64 where the kernel has IBT),
 * no other entry is (generated code reaches them with direct jumps, or
 * C's ret does: ANNOTATE_NOENDBR), and
 * the unwinder cannot go through this code (KDBT_UNWIND_HINT_NONE: the
 * stacks are the cache's and the dispatcher's).
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include "compat.h"
#include "dstack.h"

/* Caller-saved registers; the C dispatcher preserves the rest. */
.macro SAVE_REGS
	pushfq
	cli
	cld
	push	%rax
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
.endm

.macro RESTORE_REGS
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
 * To this CPU's dispatcher stack, unless already on it; the old %rsp is
 * pushed on the new stack, for DSTACK_LEAVE.  Clobbers %rcx, %rdx, %r11
 * (saved by SAVE_REGS or free in the caller) and the flags.
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

/*
 * An exit stub ran `push $exit_id; jmp kdbt_entry_direct`.
 * Stack: [exit_id].  Saved: 9 registers + flags = 80 bytes.
 */
SYM_CODE_START(kdbt_entry_direct)
	KDBT_UNWIND_HINT_NONE
	ANNOTATE_NOENDBR
	SAVE_REGS
	movl	80(%rsp), %edi
	DSTACK_ENTER
	call	kdbt_dispatch_direct_c
	DSTACK_LEAVE
	movq	%rax, 80(%rsp)		/* the exit id's slot: where to go */
	RESTORE_REGS
	ANNOTATE_UNRET_SAFE
	ret
SYM_CODE_END(kdbt_entry_direct)

/*
 * A jumptable probe missed (reached by the probe's indirect jump through
 * an empty slot, or by an indirect entry's direct one).  Stack: [site][%rdx][%rcx], and the live
 * %rdx is the native target.  A resume slot goes below them; C returns
 * the indirect entry to resume at (it checks %rdx and pops the three
 * words), or kdbt_leave_indirect.
 * Offsets after SAVE_REGS: %rdx 48, slot 80, site 88.
 */
SYM_CODE_START(kdbt_entry_indirect)
	KDBT_UNWIND_HINT_NONE
	ENDBR
	lea	-8(%rsp), %rsp
	SAVE_REGS
	movl	88(%rsp), %edi
	movq	48(%rsp), %rsi
	DSTACK_ENTER
	call	kdbt_dispatch_indirect_c
	DSTACK_LEAVE
	movq	%rax, 80(%rsp)
	RESTORE_REGS
	ANNOTATE_UNRET_SAFE
	ret
SYM_CODE_END(kdbt_entry_indirect)

/*
 * Leave the cache for the native target in %rdx: drop the probe's site,
 * restore %rcx and %rdx from the probe's words, jump.  No flag changes.
 */
SYM_CODE_START(kdbt_leave_indirect)
	KDBT_UNWIND_HINT_NONE
	ANNOTATE_NOENDBR
	lea	8(%rsp), %rsp		/* [%rdx][%rcx] */
	movq	8(%rsp), %rcx
	movq	%rdx, 8(%rsp)		/* [%rdx][target] */
	pop	%rdx
	ANNOTATE_UNRET_SAFE
	ret
SYM_CODE_END(kdbt_leave_indirect)

/*
 * kdbt_pull_c(regs, vector) on the dispatcher stack: called by the post
 * stubs (entries.c) with interrupts off; %rax is saved by the stub, the
 * other caller-saved registers are free there.
 */
SYM_CODE_START(kdbt_pull_entry)
	KDBT_UNWIND_HINT_NONE
	ANNOTATE_NOENDBR
	DSTACK_ENTER
	call	kdbt_pull_c
	DSTACK_LEAVE
	ANNOTATE_UNRET_SAFE
	ret
SYM_CODE_END(kdbt_pull_entry)
