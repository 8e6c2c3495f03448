// SPDX-License-Identifier: GPL-2.0
/*
 * stepcount.c - count the instructions a native function executes by
 * single-stepping it with ptrace in a forked child: the reference that
 * the translator's block counters are checked against.
 *
 * Counting: from the function's first instruction up to and including
 * the ret that pops its return address (RIP == that address and RSP one
 * slot above where it was on entry).  A single-step trap follows every
 * instruction and every iteration of a rep string instruction; a step
 * after which RIP did not move is a rep iteration, not an instruction.
 *
 * Owns: the child process it creates (always reaped).
 * Must never: let the child run on after the function returns.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include "stepcount.h"

#define MAX_STEPS	20000000ull	/* a runaway function, not a count */
#define MAX_APPROACH	100000		/* from raise() back to the call */

static int step(pid_t pid, struct user_regs_struct *regs)
{
	int st;

	if (ptrace(PTRACE_SINGLESTEP, pid, 0, 0) < 0)
		return -errno;
	if (waitpid(pid, &st, 0) != pid)
		return -ECHILD;
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
		fprintf(stderr, "stepcount: child stopped by status %#x\n", st);
		return -EINTR;
	}
	if (ptrace(PTRACE_GETREGS, pid, 0, regs) < 0)
		return -errno;
	return 0;
}

/* Step the stopped child until it is about to run @entry. */
static int approach(pid_t pid, unsigned long long entry,
		    struct user_regs_struct *regs)
{
	int i, err;

	for (i = 0; i < MAX_APPROACH; i++) {
		err = step(pid, regs);
		if (err)
			return err;
		if (regs->rip == entry)
			return 0;
	}
	return -ETIMEDOUT;
}

static int count_until_return(pid_t pid, struct user_regs_struct *regs,
			      unsigned long long *insns)
{
	unsigned long long rsp0 = regs->rsp, prev = regs->rip, n = 0, steps;
	unsigned long long ret;
	int err;

	errno = 0;
	ret = (unsigned long long)ptrace(PTRACE_PEEKDATA, pid, (void *)rsp0, 0);
	if (errno)
		return -errno;
	for (steps = 0; steps < MAX_STEPS; steps++) {
		err = step(pid, regs);
		if (err)
			return err;
		if (regs->rip != prev)
			n++;
		prev = regs->rip;
		if (regs->rip == ret && regs->rsp == rsp0 + 8) {
			*insns = n;
			return 0;
		}
	}
	return -ETIMEDOUT;
}

/**
 * stepcount() - run fn(arg) natively in a child, single-stepping it.
 * @fn: the function.
 * @arg: its argument.
 * @insns: receives the number of instructions it executed.
 * @result: receives its return value.
 *
 * Return: 0, or a negative errno (the child misbehaved or ptrace failed).
 */
int stepcount(long (*fn)(long), long arg, unsigned long long *insns,
	      long *result)
{
	struct user_regs_struct regs;
	pid_t pid;
	int st, err;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		volatile long r;

		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		r = fn(arg);
		_exit(r == 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return -ECHILD;
	}
	err = approach(pid, (unsigned long long)fn, &regs);
	if (!err)
		err = count_until_return(pid, &regs, insns);
	if (!err)
		*result = (long)regs.rax;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return err;
}
