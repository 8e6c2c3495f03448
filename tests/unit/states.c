// SPDX-License-Identifier: GPL-2.0
/*
 * states.c - check kdbt_native_state() (kmod/core/state.c) against real
 * execution: run a translated function in a forked child, single-step it
 * with ptrace, and at every step inside the cache ask the core which
 * native instruction and %rsp that context stands for; then check the
 * answer against where the child really goes.
 *
 * A step at a native instruction boundary of the translation (a block's
 * direct entry, a map entry, a fast-mode return site) is the truth: the
 * answers of every step since the last boundary must name it and the %rsp
 * the child has there.  A step outside the cache is the truth too when
 * the child jumped out to native code; after a jump into the dispatcher,
 * the truth is where the dispatcher resumes: a boundary back in the
 * cache, or the native instruction and %rsp the answers named.  Inside an
 * indirect branch's sequence before its target is loaded the core names
 * the branch itself, the boundary the child last passed: that is right
 * too.
 *
 * Owns: the child (always reaped).  Must never: translate in the parent
 * while the child runs (the child's cache is shared with the parent's:
 * utr.c maps it from one memfd, so the parent reads the same code).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include "utr.h"
#include "states.h"

#define MAX_STEPS	3000000ull
#define MAX_PENDING	256

long kdbt_user_call(u64 entry, long arg);

struct answer {
	u64 pc, native, sp;
	bool back;		/* the boundary before it is known: */
	u64 back_native, back_sp;	/* an answer may name it instead */
};

struct run {
	pid_t pid;
	struct states_tally *t;
	struct answer pend[MAX_PENDING];
	unsigned int npend;
	bool in_dispatch;
	bool last_ok;		/* the last boundary, while no jump out of */
	u64 last_native, last_sp;	/* the cache came after it */
};

static int peek(void *ctx, u64 addr, u64 *val)
{
	pid_t pid = *(pid_t *)ctx;

	errno = 0;
	*val = (u64)ptrace(PTRACE_PEEKDATA, pid, (void *)addr, 0);
	return errno ? -1 : 0;
}

static bool in_used_cache(u64 a)
{
	return a >= utr.mem.cache_addr &&
	       a - utr.mem.cache_addr < utr.cache_used;
}

static bool in_cache_area(u64 a)
{
	return a >= utr.mem.cache_addr &&
	       a - utr.mem.cache_addr < utr.mem.cache_size;
}

/* The test's own reading of the maps: is @pc a native boundary? */
static bool boundary(u64 pc, u64 *native)
{
	const struct kdbt_block *b = kdbt_block_at_cache(&utr, pc);
	u64 entry;
	u32 i;

	if (!b)
		return false;
	entry = kdbt_block_entry(&utr, b);
	if (pc == entry) {
		*native = b->native;
		return true;
	}
	if (b->ret_site && pc == entry + b->ret_site) {
		*native = b->native + b->native_len;
		return true;
	}
	for (i = 0; i < b->ninsns; i++)
		if (pc == entry + utr.mem.maps[b->map + i].cache_off) {
			*native = b->native + utr.mem.maps[b->map + i].native_off;
			return true;
		}
	return false;
}

/* The answers pending since the last truth, against @native and @sp. */
static void resolve(struct run *r, u64 native, u64 sp)
{
	unsigned int i;

	for (i = 0; i < r->npend; i++) {
		const struct answer *a = &r->pend[i];

		if (a->native == native && a->sp == sp) {
			r->t->right++;
			continue;
		}
		if (a->back && a->native == a->back_native &&
		    a->sp == a->back_sp) {
			r->t->right++;
			r->t->backward++;
			continue;
		}
		if (!r->t->wrong++)
			snprintf(r->t->first_wrong, sizeof(r->t->first_wrong),
				 "at cache+%#llx the core said native %#llx sp %#llx; the child reached %#llx sp %#llx",
				 (unsigned long long)(a->pc - utr.mem.cache_addr),
				 (unsigned long long)a->native,
				 (unsigned long long)a->sp,
				 (unsigned long long)native,
				 (unsigned long long)sp);
	}
	r->npend = 0;
}

/* Ask the core about the context in @regs; keep the answer. */
static void ask(struct run *r, const struct user_regs_struct *regs)
{
	struct kdbt_regs_in in = {
		.ip = regs->rip, .sp = regs->rsp,
		.cx = regs->rcx, .dx = regs->rdx, .cx_dx_known = true,
		.read_word = peek, .ctx = &r->pid,
	};
	u64 native, sp;

	if (!kdbt_native_state(&utr, &in, &native, &sp)) {
		if (!r->t->unknown++) {
			const unsigned char *c = (const void *)regs->rip;

			snprintf(r->t->first_unknown,
				 sizeof(r->t->first_unknown),
				 "cache+%#llx: %02x %02x %02x %02x %02x %02x %02x %02x",
				 regs->rip - utr.mem.cache_addr, c[0], c[1],
				 c[2], c[3], c[4], c[5], c[6], c[7]);
		}
		return;
	}
	if (r->npend == MAX_PENDING) {
		r->t->wrong++;
		snprintf(r->t->first_wrong, sizeof(r->t->first_wrong),
			 "%u answers without a boundary", MAX_PENDING);
		return;
	}
	r->pend[r->npend++] = (struct answer){ regs->rip, native, sp,
		r->last_ok, r->last_native, r->last_sp };
	r->t->answered++;
}

/* One step of the child, at @regs. */
static void look(struct run *r, const struct user_regs_struct *regs)
{
	u64 pc = regs->rip, native, sp;

	if (in_cache_area(pc) && !in_used_cache(pc)) {
		/* translated by the child (a slot's new copy): unknown here */
		r->t->unchecked += r->npend;
		r->npend = 0;
		r->last_ok = false;
		return;
	}
	if (in_used_cache(pc)) {
		r->in_dispatch = false;
		r->t->cache_steps++;
		if (!boundary(pc, &native)) {
			ask(r, regs);
			return;
		}
		r->t->boundaries++;
		resolve(r, native, regs->rsp);
		r->last_ok = true;
		r->last_native = native;
		r->last_sp = regs->rsp;
		/* at a boundary the core answers with it, unchanged */
		ask(r, regs);
		if (r->npend)
			resolve(r, native, regs->rsp);
		return;
	}
	r->last_ok = false;
	if (r->in_dispatch) {	/* the dispatcher leaves to native code? */
		if (r->npend && pc == r->pend[0].native &&
		    regs->rsp == r->pend[0].sp) {
			r->in_dispatch = false;
			resolve(r, pc, regs->rsp);
		}
		return;
	}
	if (pc == utr.cfg.dispatch_direct || pc == utr.cfg.dispatch_indirect) {
		r->in_dispatch = true;
		return;
	}
	native = pc;
	sp = regs->rsp;
	if (r->npend)
		resolve(r, native, sp);
}

static int step(pid_t pid, struct user_regs_struct *regs, bool *exited)
{
	int st;

	if (ptrace(PTRACE_SINGLESTEP, pid, 0, 0) < 0)
		return -errno;
	if (waitpid(pid, &st, 0) != pid)
		return -ECHILD;
	if (WIFEXITED(st)) {
		*exited = true;
		return WEXITSTATUS(st) ? -EIO : 0;
	}
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
		return -EINTR;
	return ptrace(PTRACE_GETREGS, pid, 0, regs) < 0 ? -errno : 0;
}

/**
 * states_run() - single-step fn(arg) from the cache in a child, checking
 * kdbt_native_state() at every step (the header comment).
 * @fn: a native function, translated already (so that the child
 *	translates nothing new the parent would not know of).
 * @arg: its argument.
 * @t: tallies, added to.
 *
 * Return: 0, or a negative errno if the child could not be run.
 */
int states_run(long (*fn)(long), long arg, struct states_tally *t)
{
	struct user_regs_struct regs;
	struct kdbt_block *b;
	struct run r = { .t = t };
	unsigned long long n;
	bool exited = false;
	int st, err;

	err = kdbt_translate(&utr, (u64)fn, &b);
	utr_seal();
	if (err)
		return err;
	r.pid = fork();
	if (r.pid < 0)
		return -errno;
	if (!r.pid) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		kdbt_user_call(kdbt_block_entry(&utr, b), arg);
		_exit(0);
	}
	if (waitpid(r.pid, &st, 0) != r.pid || !WIFSTOPPED(st)) {
		kill(r.pid, SIGKILL);
		waitpid(r.pid, &st, 0);
		return -ECHILD;
	}
	for (n = 0, err = 0; n < MAX_STEPS && !exited && !err; n++) {
		err = step(r.pid, &regs, &exited);
		if (!err && !exited)
			look(&r, &regs);
	}
	t->steps += n;
	t->unchecked += r.npend;
	if (!exited) {
		kill(r.pid, SIGKILL);
		waitpid(r.pid, &st, 0);
		return err ? err : -ETIMEDOUT;
	}
	return err;
}
