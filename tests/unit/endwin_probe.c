// SPDX-License-Identifier: GPL-2.0
/*
 * endwin_probe.c - an LD_PRELOAD library for kdbt-top-screen.sh: an
 * endwin() that notes when it is called from a crash signal's handler.
 *
 * Usage: LD_PRELOAD=build/unit/endwin_probe.so ENDWIN_PROBE_LOG=FILE kdbt-top ...
 * endwin() is not async-signal-safe, so kdbt-top's crash handler must not
 * call it.  A handler runs with its own signal blocked (no SA_NODEFER),
 * so an endwin() called while SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT
 * is blocked appends a line naming that signal to FILE, any other call
 * the line "endwin()" (so a test can see the probe is in); then it goes
 * on to ncurses' endwin().
 * Owns: FILE.
 * Must never: change what endwin() does.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void note(const char *what)
{
	const char *log = getenv("ENDWIN_PROBE_LOG");
	ssize_t n;
	int fd;

	if (!log)
		return;
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = write(fd, what, strlen(what));
	(void)n;
	close(fd);
}

int endwin(void)
{
	static const struct { int sig; const char *line; } crash[] = {
		{ SIGSEGV, "endwin() in a SIGSEGV handler\n" },
		{ SIGBUS, "endwin() in a SIGBUS handler\n" },
		{ SIGFPE, "endwin() in a SIGFPE handler\n" },
		{ SIGILL, "endwin() in a SIGILL handler\n" },
		{ SIGABRT, "endwin() in a SIGABRT handler\n" },
	};
	int (*real)(void) = (int (*)(void))dlsym(RTLD_NEXT, "endwin");
	sigset_t blocked;
	size_t i;
	int in_handler = 0;

	if (!sigprocmask(SIG_BLOCK, NULL, &blocked))
		for (i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
			if (sigismember(&blocked, crash[i].sig)) {
				note(crash[i].line);
				in_handler = 1;
			}
	if (!in_handler)
		note("endwin()\n");
	return real ? real() : -1;
}
