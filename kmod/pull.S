/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pull.S - the post stubs' way into kdbt_pull_c() (entries.c): the call
 * on the dispatcher stack (dstack.h), as kentry.S's dispatcher entries
 * make theirs.  Apart from kentry.S because it calls up into entries.c,
 * which kentry.S, below it, must not (docs/ARCHITECTURE.md, "Layers").
 *
 * Owns: kdbt_pull_entry.
 * Must never: write below %rsp, touch the vector registers, or clobber
 * %rax (the post stub saved only that).  objtool skips this object, as
 * it does kentry.S (Kbuild), and where it checks the linked module (IBT
 * kernels: 6.12) the annotations say why, as in kentry.S.
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/nospec-branch.h>
#include <asm/percpu.h>
#include "compat.h"
#include "dstack.h"

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
