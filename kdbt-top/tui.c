// SPDX-License-Identifier: GPL-2.0
/*
 * tui.c - kdbt-top's live ncurses view.
 *
 * Owns: the terminal while kdbt-top runs (curses setup, colours where the
 * terminal has them, restoring it on exit and on SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT and crashes), the keys, the prompts (filter, module,
 * reset), the help screen, scrolling, pause, the refresh timer, and
 * the annotated view of a function (Enter; its listing comes from
 * annot.c) with its own scrolling.
 * A crash (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) cannot call curses,
 * which is not async-signal-safe: its handler only write()s the
 * terminal's reset strings, taken from terminfo at start, and
 * tcsetattr()s the modes the terminal had before curses, then dies of
 * the signal.
 * Must never: compute a count or word a line that batch mode prints
 * (format.c does both), block anywhere but in poll(), or call anything
 * but async-signal-safe functions in a signal handler.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "annot.h"
#include "format.h"
#include "top.h"

#define MAX_NOTICES	8
#define KEY_CTRL(c)	((c) & 0x1f)
#define KEY_ESC		27

enum colour_pair {
	C_TITLE = 1, C_TITLES, C_SORTED, C_HOT, C_WARM, C_SEL, C_NOTE,
	C_ERR, C_KEYS,
};

enum prompt { P_NONE, P_FILTER, P_MODULE, P_RESET };

struct tui {
	struct top *t;
	bool colour;
	bool paused;
	bool help;
	bool ended;		/* the replay has no more snapshots */
	bool quit;
	int signo;		/* the signal that ends kdbt-top, or 0 */
	size_t first;		/* the first row on the screen */
	size_t sel;		/* the selected row */
	int page;		/* rows the table had at the last draw */
	long refreshes;
	enum prompt prompt;
	char input[128];
	char msg[TOP_LINE];	/* one line for the user, or "" */
	bool msg_err;		/* an error (red) rather than a note */
	bool read_err;		/* msg is a failed snapshot read */
	bool annotating;	/* the annotated view is on the screen */
	bool placed;		/* its first listing was scrolled to */
	size_t afirst;		/* its first line on the screen */
	int apage;		/* lines of the listing at the last draw */
	struct top_annot annot;
};

/* The signal handlers reach the terminal and the loop through these. */
static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t curses_on;

/*
 * What a crash handler gives the terminal back with, ready before curses
 * starts drawing: the bytes endwin() would send (attributes and colours
 * off, the cursor shown, keypad and alternate screen left) and the
 * terminal's modes from before curses.
 */
static struct {
	int fd;			/* curses' output */
	char seq[256];
	size_t len;
	struct termios modes;
	bool have_modes;
} crash_restore = { .fd = -1 };

/* ------------------------------------------------------------------ */
/* Terminal                                                           */
/* ------------------------------------------------------------------ */

/* SIGINT, SIGTERM, SIGHUP, SIGQUIT: wake the loop, which cleans up. */
static void on_quit_signal(int sig)
{
	unsigned char c = sig;
	int e = errno;
	ssize_t n;

	n = write(sig_pipe[1], &c, 1);	/* full: one is pending already */
	(void)n;
	errno = e;
}

/*
 * A crash: give the terminal back (as htop does), then die of it (its
 * action is the default again: SA_RESETHAND).  write(), tcsetattr() and
 * raise() only: async-signal-safe.
 */
static void on_crash_signal(int sig)
{
	ssize_t n;

	if (curses_on) {
		n = write(crash_restore.fd, crash_restore.seq,
			  crash_restore.len);
		(void)n;
		if (crash_restore.have_modes)
			tcsetattr(crash_restore.fd, TCSANOW,
				  &crash_restore.modes);
	}
	raise(sig);
}

/* Add terminfo's string capability @cap, if the terminal has it. */
static void crash_restore_add(const char *cap)
{
	const char *s = tigetstr(cap);
	size_t n;

	if (!s || s == (const char *)-1)
		return;
	n = strlen(s);
	if (n > sizeof(crash_restore.seq) - crash_restore.len)
		return;
	memcpy(crash_restore.seq + crash_restore.len, s, n);
	crash_restore.len += n;
}

/* Before curses: the terminal's modes, which a crash restores. */
static void crash_restore_modes(void)
{
	crash_restore.fd = fileno(stdout);
	crash_restore.have_modes = !tcgetattr(crash_restore.fd,
					      &crash_restore.modes);
}

/* After newterm(): what endwin() would send, from terminfo. */
static void crash_restore_strings(void)
{
	static const char *const caps[] = {
		"sgr0", "op", "cnorm", "rmkx", "rmcup",
	};
	size_t i;

	crash_restore.len = 0;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		crash_restore_add(caps[i]);
}

static const int quit_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

#define NQUIT	(sizeof(quit_sigs) / sizeof(quit_sigs[0]))
#define NCRASH	(sizeof(crash_sigs) / sizeof(crash_sigs[0]))

static int install_signals(void)
{
	struct sigaction sa = { 0 };
	size_t i;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	for (i = 0; i < NQUIT; i++)
		sigaction(quit_sigs[i], &sa, NULL);
	sa.sa_handler = on_crash_signal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < NCRASH; i++)
		sigaction(crash_sigs[i], &sa, NULL);
	return 0;
}

/* Back to the default actions (for plain text after all). */
static void restore_signals(void)
{
	size_t i;

	for (i = 0; i < NQUIT; i++)
		signal(quit_sigs[i], SIG_DFL);
	for (i = 0; i < NCRASH; i++)
		signal(crash_sigs[i], SIG_DFL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
}

static void init_colours(struct tui *u)
{
	short bg;

	u->colour = !u->t->o.no_colour && has_colors();
	if (!u->colour)
		return;
	start_color();
	bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	init_pair(C_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_TITLES, COLOR_BLACK, COLOR_GREEN);
	init_pair(C_SORTED, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_HOT, COLOR_RED, bg);
	init_pair(C_WARM, COLOR_GREEN, bg);
	init_pair(C_SEL, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_NOTE, COLOR_YELLOW, bg);
	init_pair(C_ERR, COLOR_RED, bg);
	init_pair(C_KEYS, COLOR_BLACK, COLOR_CYAN);
}

/* Curses on stdin/stdout (signals first, so curses keeps ours). */
static int tui_start(struct tui *u)
{
	const char *term = getenv("TERM");
	int ret;

	ret = install_signals();
	if (ret)
		return ret;
	crash_restore_modes();
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr,
			PROG ": cannot use the terminal (TERM=%s): plain text instead\n",
			term ? term : "");
		restore_signals();
		return -ENOTTY;
	}
	crash_restore_strings();
	curses_on = 1;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	init_colours(u);
	return 0;
}

static void tui_stop(void)
{
	if (curses_on) {
		endwin();
		curses_on = 0;
	}
}

static int attr_of(const struct tui *u, enum colour_pair p)
{
	static const int mono[] = {
		[C_TITLE] = A_REVERSE, [C_TITLES] = A_REVERSE,
		[C_SORTED] = A_REVERSE | A_BOLD, [C_HOT] = A_BOLD,
		[C_WARM] = A_NORMAL, [C_SEL] = A_REVERSE, [C_NOTE] = A_BOLD,
		[C_ERR] = A_BOLD, [C_KEYS] = A_REVERSE,
	};

	if (!u->colour)
		return mono[p];
	if (p == C_SORTED || p == C_NOTE || p == C_ERR)
		return COLOR_PAIR(p) | A_BOLD;
	return COLOR_PAIR(p);
}

/* ------------------------------------------------------------------ */
/* Drawing                                                            */
/* ------------------------------------------------------------------ */

/* @text at line @y in @attr, padded to the width of the screen. */
static void bar(int y, int attr, const char *text)
{
	attron(attr);
	mvprintw(y, 0, "%-*.*s", COLS, COLS, text);
	attroff(attr);
}

static void line(int y, int attr, const char *text)
{
	attron(attr);
	mvaddnstr(y, 0, text, COLS);
	attroff(attr);
}

static void draw_title(const struct tui *u, const char *title)
{
	const char *state = u->paused ? "PAUSED" : u->ended ? "ENDED" : "";
	char right[64];
	int n;

	bar(0, attr_of(u, C_TITLE), title);
	n = snprintf(right, sizeof(right), " %s%s%s",
		     u->t->m.cumulative ? "total" : "delta",
		     state[0] ? "  " : "", state);
	if (n + 1 < COLS) {	/* over the end of the title if need be */
		attron(attr_of(u, C_TITLE) | A_BOLD);
		mvaddstr(0, COLS - n - 1, right);
		attroff(attr_of(u, C_TITLE) | A_BOLD);
	}
}

/* Title, totals, notices, message, status: returns the next line. */
static int draw_header(const struct tui *u)
{
	char hdr[TOP_HEADER_LINES][TOP_LINE], notes[MAX_NOTICES][TOP_LINE];
	char status[TOP_LINE];
	int i, n, y;

	format_header(&u->t->m, hdr);
	draw_title(u, hdr[0]);
	for (y = 1; y < TOP_HEADER_LINES; y++)
		line(y, A_NORMAL, hdr[y]);
	n = format_notices(&u->t->m, notes, MAX_NOTICES);
	for (i = 0; i < n; i++)
		line(y++, attr_of(u, C_NOTE), notes[i]);
	if (u->t->syms_note[0]) {
		snprintf(status, sizeof(status), "No symbols: %s",
			 u->t->syms_note);
		line(y++, attr_of(u, C_NOTE), status);
	}
	if (u->msg[0])
		line(y++, attr_of(u, u->msg_err ? C_ERR : C_NOTE), u->msg);
	line(y++, A_BOLD, format_status(&u->t->m, status, sizeof(status)));
	return y;
}

static void draw_titles(const struct tui *u, int y)
{
	char titles[TOP_LINE];
	int x, w;

	bar(y, attr_of(u, C_TITLES), format_titles(titles, sizeof(titles)));
	x = format_column_x(u->t->m.sort, &w);
	if (x >= COLS)
		return;
	if (!w || x + w > COLS)
		w = COLS - x;
	attron(attr_of(u, C_SORTED));
	mvaddnstr(y, x, titles + x, w);
	attroff(attr_of(u, C_SORTED));
}

/* Share cells in red from 5%, green from 0.5%, as perf colours them. */
static int share_attr(const struct tui *u, const struct top_row *r)
{
	__u64 sum = u->t->m.sum_insns;

	if (sum && r->c.instructions >= sum / 20)
		return attr_of(u, C_HOT);
	if (sum && r->c.instructions >= sum / 200)
		return attr_of(u, C_WARM);
	return A_NORMAL;
}

static void draw_row(const struct tui *u, int y, size_t i)
{
	const struct top_row *r = u->t->m.shown[i];
	char text[TOP_LINE];
	int w;

	format_row(&u->t->m, r, text, sizeof(text));
	if (i == u->sel) {
		bar(y, attr_of(u, C_SEL), text);
		return;
	}
	line(y, A_NORMAL, text);
	w = top_columns[0].width;
	if (w > COLS)
		w = COLS;
	attron(share_attr(u, r));
	mvaddnstr(y, 0, text, w);
	attroff(share_attr(u, r));
}

/* Keep the selection on the screen and inside the rows. */
static void clamp(struct tui *u)
{
	size_t n = u->t->m.nshown, page = u->page > 0 ? u->page : 1;

	if (u->sel >= n)
		u->sel = n ? n - 1 : 0;
	if (u->sel < u->first)
		u->first = u->sel;
	if (u->sel >= u->first + page)
		u->first = u->sel - page + 1;
	if (u->first + page > n)
		u->first = n > page ? n - page : 0;
}

static void draw_table(struct tui *u, int y)
{
	size_t i;

	draw_titles(u, y++);
	u->page = LINES - 1 - y;
	if (u->page < 0)
		u->page = 0;
	clamp(u);
	/* the rows on the screen in order; the next refresh sorts those */
	model_sort_upto(&u->t->m, u->first + u->page);
	model_set_want(&u->t->m, u->first + u->page);
	for (i = u->first; i < u->t->m.nshown && y < LINES - 1; i++)
		draw_row(u, y++, i);
}

/* The bottom line: each key, then what it does in the keys' colour. */
static void draw_key_bar(const struct tui *u, const char *const (*keys)[2],
			 size_t n)
{
	size_t i;

	move(LINES - 1, 0);
	for (i = 0; i < n; i++) {
		addstr(keys[i][0]);
		attron(attr_of(u, C_KEYS));
		printw("%s ", keys[i][1]);
		attroff(attr_of(u, C_KEYS));
	}
	clrtoeol();
}

static void draw_keys(const struct tui *u)
{
	static const char *const keys[][2] = {
		{ "h", "Help" }, { "q", "Quit" }, { "<>", "Sort" },
		{ "f", "Func/Block" }, { "/", "Filter" }, { "m", "Module" },
		{ "z", "Delta/Total" }, { "p", "Pause" }, { "r", "Reset" },
	};

	draw_key_bar(u, keys, sizeof(keys) / sizeof(keys[0]));
}

static void draw_prompt(const struct tui *u)
{
	static const char *const what[] = {
		[P_FILTER] = "Filter (regex on symbol or module; empty: all): ",
		[P_MODULE] = "Module (kernel, a module's name; empty: all): ",
		[P_RESET] = "Reset kdbt's counters? [y/N] ",
	};

	move(LINES - 1, 0);
	clrtoeol();
	attron(A_BOLD);
	addnstr(what[u->prompt], COLS);
	attroff(A_BOLD);
	if (u->prompt != P_RESET)
		addnstr(u->input, COLS > getcurx(stdscr) ?
			COLS - getcurx(stdscr) : 0);
}

static const char *const help_text[] = {
	"kdbt-top " KDBT_RELEASE " - the live view of kdbt's exact kernel profile",
	"",
	"Keys",
	"  q, F10         quit",
	"  h, ?, F1       this help (any key returns)",
	"  Up, Down       move the selection",
	"  PgUp, PgDn     a page up or down",
	"  Home, End      the first or the last row",
	"  s, >, <        sort by the next or the previous column",
	"  f              one row per function or per block",
	"  z              counts of the last interval (delta) or since the reset (total)",
	"  /              filter: a regex on the symbol or the module (empty: none)",
	"  m              only the rows of one module (empty: all)",
	"  p              pause: freeze the view (kdbt goes on counting)",
	"  r              reset kdbt's counters (asks first)",
	"  Enter          the selected function annotated: each instruction with its",
	"                 count (delta or total, as the table), live; hottest in bold",
	"  q, Esc, Bksp   (annotated view) back to the table; F10 quits",
	"  Ctrl-L         redraw the screen",
	"",
	"Columns",
	"  Insns%         share of the instructions of all rows",
	"  Insns/s        instructions per second over the last interval",
	"  Execs          block executions",
	"  Calls          executions of the block where the function starts",
	"  Indirect       indirect jumps and calls (and returns in transparent mode)",
	"  JT hit%        indirect branches whose target the jumptable held",
	"  Symbol         the function, or the block as function+offset/size, [module]",
	"",
	"Press any key to return.",
};

static void draw_help(const struct tui *u)
{
	size_t i;

	bar(0, attr_of(u, C_TITLE), help_text[0]);
	for (i = 1; i < sizeof(help_text) / sizeof(help_text[0]); i++)
		if ((int)i < LINES)
			line(i, A_NORMAL, help_text[i]);
}

/* The listing's first line: the hottest near the top, once; in range. */
static void annot_clamp(struct tui *u)
{
	const struct top_annot *a = &u->annot;
	size_t page = u->apage > 0 ? u->apage : 1;

	if (!u->placed && a->nlines) {
		u->afirst = a->hottest > page / 3 ? a->hottest - page / 3 : 0;
		u->placed = true;
	}
	if (u->afirst + page > a->nlines)
		u->afirst = a->nlines > page ? a->nlines - page : 0;
}

static void draw_annot_keys(const struct tui *u)
{
	static const char *const keys[][2] = {
		{ "q", "Back" }, { "Arrows PgUp PgDn Home End", "Scroll" },
		{ "z", "Delta/Total" }, { "p", "Pause" }, { "F10", "Quit" },
	};

	draw_key_bar(u, keys, sizeof(keys) / sizeof(keys[0]));
}

/* The annotated view: title, the function's counts, why not, listing. */
static void draw_annot(struct tui *u)
{
	const struct top_annot *a = &u->annot;
	char hdr[TOP_HEADER_LINES][TOP_LINE], text[TOP_LINE];
	size_t i;
	int y = 2;

	format_header(&u->t->m, hdr);
	draw_title(u, hdr[0]);
	line(1, A_BOLD, annot_title(a, u->t, text, sizeof(text)));
	if (u->msg[0])
		line(y++, attr_of(u, u->msg_err ? C_ERR : C_NOTE), u->msg);
	if (a->why[0])
		line(y++, attr_of(u, C_NOTE), a->why);
	u->apage = LINES - 1 - y;
	annot_clamp(u);
	for (i = u->afirst; i < a->nlines && y < LINES - 1; i++)
		line(y++, i == a->hottest ? attr_of(u, C_HOT) | A_BOLD :
		     A_NORMAL, a->lines[i]);
	draw_annot_keys(u);
}

static void draw(struct tui *u)
{
	erase();
	if (u->help) {
		draw_help(u);
	} else if (u->annotating) {
		draw_annot(u);
	} else {
		draw_table(u, draw_header(u));
		if (u->prompt)
			draw_prompt(u);
		else
			draw_keys(u);
	}
	curs_set(u->prompt == P_FILTER || u->prompt == P_MODULE);
	refresh();
}

/* ------------------------------------------------------------------ */
/* Keys                                                               */
/* ------------------------------------------------------------------ */

static void say(struct tui *u, bool error, const char *text)
{
	snprintf(u->msg, sizeof(u->msg), "%s", text);
	u->msg_err = error;
	u->read_err = false;
}

static void model_failed(struct tui *u, int ret, const struct kdbt_err *err)
{
	if (ret)
		say(u, true, err->msg);
}

static void scroll_by(struct tui *u, long d)
{
	long n = u->t->m.nshown, sel = (long)u->sel + d, first = u->first;

	if (d > 1 || d < -1)
		first += d;	/* a page moves the view with the selection */
	if (sel >= n)
		sel = n - 1;
	if (sel < 0)
		sel = 0;
	u->sel = sel;
	u->first = first < 0 ? 0 : first;
	clamp(u);
}

static void sort_step(struct tui *u, int d)
{
	int i;

	for (i = 0; i < TOP_SORT_NR; i++)
		if (top_columns[i].key == u->t->m.sort)
			break;
	i = (i + d + TOP_SORT_NR) % TOP_SORT_NR;
	model_set_sort(&u->t->m, top_columns[i].key);
}

static void start_prompt(struct tui *u, enum prompt p, const char *text)
{
	u->prompt = p;
	snprintf(u->input, sizeof(u->input), "%s", text ? text : "");
}

static void start_module_prompt(struct tui *u)
{
	const struct top_model *m = &u->t->m;
	const char *mod = m->module;

	if (!mod[0] && u->sel < m->nshown)
		mod = m->shown[u->sel]->module;
	start_prompt(u, P_MODULE, mod);
}

static void do_reset(struct tui *u)
{
	struct kdbt_err err = { 0 };

	if (source_reset(&u->t->src, &err))
		say(u, true, err.msg);
	else
		say(u, false, "Reset written: the next refresh counts afresh");
}

static void prompt_done(struct tui *u)
{
	struct kdbt_err err = { 0 };

	if (u->prompt == P_FILTER) {
		if (model_set_filter(&u->t->m, u->input, &err))
			say(u, true, err.msg);
	} else if (u->prompt == P_MODULE) {
		model_set_module(&u->t->m, u->input);
	}
	u->prompt = P_NONE;
	u->sel = u->first = 0;
}

static void prompt_key(struct tui *u, int ch)
{
	size_t n = strlen(u->input);

	if (ch == KEY_RESIZE)
		return;
	if (u->prompt == P_RESET) {
		u->prompt = P_NONE;
		if (ch == 'y' || ch == 'Y')
			do_reset(u);
		else
			say(u, false, "Reset cancelled");
		return;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
		prompt_done(u);
	else if (ch == KEY_ESC)
		u->prompt = P_NONE;
	else if (ch == KEY_BACKSPACE || ch == 127 || ch == KEY_CTRL('h'))
		u->input[n ? n - 1 : 0] = '\0';
	else if (ch == KEY_CTRL('u'))
		u->input[0] = '\0';
	else if (ch >= ' ' && ch < 127 && n + 1 < sizeof(u->input))
		snprintf(u->input + n, sizeof(u->input) - n, "%c", ch);
}

/* Keys that change what the model shows. */
static bool view_key(struct tui *u, int ch)
{
	struct top_model *m = &u->t->m;
	struct kdbt_err err = { 0 };

	switch (ch) {
	case 's':
	case '>':
	case '.':
		sort_step(u, 1);
		return true;
	case '<':
	case ',':
		sort_step(u, -1);
		return true;
	case 'f':
		model_failed(u, model_set_view(m, m->view == TOP_VIEW_BLOCKS ?
					       TOP_VIEW_FUNCTIONS :
					       TOP_VIEW_BLOCKS, &err), &err);
		u->sel = u->first = 0;
		return true;
	case 'z':
		model_failed(u, model_set_cumulative(m, !m->cumulative, &err),
			     &err);
		return true;
	case '/':
		start_prompt(u, P_FILTER, m->re_text);
		return true;
	case 'm':
		start_module_prompt(u);
		return true;
	}
	return false;
}

/* Keys that move the selection. */
static bool move_key(struct tui *u, int ch)
{
	long page = u->page > 1 ? u->page : 1;

	switch (ch) {
	case KEY_UP:
		scroll_by(u, -1);
		return true;
	case KEY_DOWN:
		scroll_by(u, 1);
		return true;
	case KEY_PPAGE:
		scroll_by(u, -page);
		return true;
	case KEY_NPAGE:
		scroll_by(u, page);
		return true;
	case KEY_HOME:
		u->sel = u->first = 0;
		return true;
	case KEY_END:
		u->sel = u->t->m.nshown;
		clamp(u);
		return true;
	}
	return false;
}

/* Enter: the annotated view of the selected row's function. */
static void annot_start(struct tui *u)
{
	const struct top_model *m = &u->t->m;
	const struct top_row *r = u->sel < m->nshown ? m->shown[u->sel] : NULL;

	char text[TOP_LINE];

	if (r && !r->sym && u->t->syms_note[0]) {
		snprintf(text, sizeof(text), "Nothing to annotate: no symbols: %s",
			 u->t->syms_note);
		say(u, true, text);
		return;
	}
	if (!r || !r->sym) {
		say(u, true, r ? "No symbol covers this row: nothing to annotate" :
		    "No row selected: nothing to annotate");
		return;
	}
	annot_open(&u->annot, u->t, r->sym);
	u->annotating = true;
	u->placed = false;
	u->afirst = 0;
}

static void annot_stop(struct tui *u)
{
	annot_close(&u->annot);
	u->annotating = false;
}

static void annot_scroll(struct tui *u, long d)
{
	long first = (long)u->afirst + d;

	u->afirst = first < 0 ? 0 : first;
	annot_clamp(u);
}

/* The keys both views share: quit, help, pause, redraw. */
static void common_key(struct tui *u, int ch)
{
	switch (ch) {
	case 'Q':
	case KEY_F(10):
		u->quit = true;
		break;
	case 'h':
	case '?':
	case KEY_F(1):
		u->help = true;
		break;
	case 'p':
		u->paused = !u->paused;
		break;
	case KEY_CTRL('l'):
		clearok(curscr, TRUE);
		break;
	}
}

/* The keys of the annotated view. */
static void annot_key(struct tui *u, int ch)
{
	long page = u->apage > 1 ? u->apage : 1;
	struct kdbt_err err = { 0 };

	switch (ch) {
	case 'q':
	case KEY_ESC:
	case KEY_BACKSPACE:
	case 127:
	case KEY_CTRL('h'):
		annot_stop(u);
		break;
	case KEY_UP:
	case KEY_DOWN:
		annot_scroll(u, ch == KEY_UP ? -1 : 1);
		break;
	case KEY_PPAGE:
	case KEY_NPAGE:
		annot_scroll(u, ch == KEY_PPAGE ? -page : page);
		break;
	case KEY_HOME:
		u->afirst = 0;
		break;
	case KEY_END:
		u->afirst = u->annot.nlines;
		annot_clamp(u);
		break;
	case 'z':
		model_failed(u, model_set_cumulative(&u->t->m,
						     !u->t->m.cumulative,
						     &err), &err);
		annot_update(&u->annot, u->t);
		break;
	default:
		common_key(u, ch);
		break;
	}
}

static void on_key(struct tui *u, int ch)
{
	if (u->help) {
		u->help = ch == KEY_RESIZE;
		return;
	}
	if (u->prompt) {
		prompt_key(u, ch);
		return;
	}
	if (!u->read_err && ch != KEY_RESIZE)
		u->msg[0] = '\0';
	if (u->annotating) {
		annot_key(u, ch);
		return;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		annot_start(u);
		return;
	}
	if (move_key(u, ch) || view_key(u, ch))
		return;
	switch (ch) {
	case 'q':
		u->quit = true;
		break;
	case 'r':
		if (source_can_reset(&u->t->src))
			start_prompt(u, P_RESET, NULL);
		else
			say(u, true, "Replaying saved snapshots: nothing to reset (--control FILE names a file)");
		break;
	default:
		common_key(u, ch);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* The loop                                                           */
/* ------------------------------------------------------------------ */

static void tick(struct tui *u)
{
	struct kdbt_err err = { 0 };
	char text[TOP_LINE];
	int ret;

	ret = top_refresh(u->t, &err);
	if (ret == 1) {
		u->ended = true;
		say(u, false, "End of the replay: the view stays (q quits)");
		return;
	}
	if (ret) {
		snprintf(text, sizeof(text), "%s%s", err.msg,
			 top_error_hint(u->t, &err));
		say(u, true, text);
		u->read_err = true;
		return;
	}
	if (u->read_err)
		u->msg[0] = '\0';
	u->read_err = false;
	u->refreshes++;
	clamp(u);
	if (u->annotating)
		annot_update(&u->annot, u->t);
}

/* Wait for a key, a signal or @deadline; handle what came. */
static void wait_input(struct tui *u, double deadline)
{
	struct pollfd fds[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = sig_pipe[0], .events = POLLIN },
	};
	double left = deadline - top_now();
	unsigned char sig;
	int ch, n;

	n = poll(fds, 2, left > 0 ? (int)ceil(left * 1000) : 0);
	if (n < 0 && errno != EINTR)
		u->quit = true;
	if (n > 0 && (fds[1].revents & POLLIN) && read(sig_pipe[0], &sig, 1) == 1) {
		u->signo = sig;
		u->quit = true;
		return;
	}
	if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
		u->quit = true;
	while (!u->quit && (ch = getch()) != ERR)
		on_key(u, ch);
}

static void run_loop(struct tui *u)
{
	double delay = u->t->o.delay, next = top_now() + delay;

	while (!u->quit) {
		draw(u);
		wait_input(u, next);
		if (u->quit || top_now() < next)
			continue;
		next += delay;
		if (next < top_now())
			next = top_now() + delay;
		if (u->paused || u->ended)
			continue;
		tick(u);
		if (u->t->o.iterations && u->refreshes >= u->t->o.iterations) {
			draw(u);
			u->quit = true;
		}
	}
}

/**
 * tui_run() - the live view, until q, -n refreshes or a signal
 * @t: kdbt-top, with its first snapshot taken
 *
 * Return: the exit status 0, or -ENOTTY when curses cannot use the
 * terminal (nothing was drawn: the caller may print plain text instead).
 * After SIGINT, SIGTERM, SIGHUP or SIGQUIT the terminal is restored and
 * kdbt-top dies of the same signal, as the shell expects.
 */
int tui_run(struct top *t)
{
	struct tui u = { .t = t };
	int ret;

	ret = tui_start(&u);
	if (ret)
		return ret;
	if (t->o.annotate) {	/* main.c checked that it exists */
		annot_open(&u.annot, t, annot_find(t->m.syms, t->o.annotate,
						   t->o.module));
		u.annotating = true;
	}
	run_loop(&u);
	annot_close(&u.annot);
	tui_stop();
	if (u.signo) {
		signal(u.signo, SIG_DFL);
		raise(u.signo);
	}
	return 0;
}
