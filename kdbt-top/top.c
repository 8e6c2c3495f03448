// SPDX-License-Identifier: GPL-2.0
/*
 * top.c - one refresh of kdbt-top, the same for both views (top.h).
 *
 * Owns: the step "symbols again if a module came or went, the next
 * snapshot, into the model", and swapping symbol tables without leaving
 * the model pointing at a freed one.
 * Must never: print or draw (the views say what went wrong).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "top.h"

/* How often to look for modules that came or went (their symbols). */
#define MODULES_POLL_SECS	5.0

/**
 * top_now() - CLOCK_MONOTONIC in seconds
 */
double top_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void drop_syms(struct top *t, const char *why)
{
	model_set_syms(&t->m, NULL, NULL);
	kdbt_syms_free(&t->syms[0]);
	kdbt_syms_free(&t->syms[1]);
	t->slot = -1;
	snprintf(t->syms_note, sizeof(t->syms_note), "%s", why);
}

/**
 * top_load_syms() - load the symbol table (again) and give it to the model
 * @t: kdbt-top
 * @err: the message on failure; may be NULL
 *
 * The new table is loaded beside the one in use, handed to the model,
 * and only then the old one freed.  Without symbols (replay without
 * --kallsyms, addresses hidden) t->syms_note says why.
 *
 * Return: 0, or the error of loading the symbols.
 */
int top_load_syms(struct top *t, struct kdbt_err *err)
{
	int next = t->slot == 0 ? 1 : 0;
	int ret;

	ret = source_load_syms(&t->src, &t->syms[next], err);
	if (ret == 1) {
		drop_syms(t, "");
		return 0;
	}
	if (ret == -EPERM) {
		drop_syms(t, err ? err->msg : "addresses hidden");
		return 0;
	}
	if (ret)
		return ret;
	model_set_syms(&t->m, &t->syms[next], NULL);
	if (t->slot >= 0)
		kdbt_syms_free(&t->syms[t->slot]);
	t->slot = next;
	t->syms_note[0] = '\0';
	return 0;
}

/**
 * top_refresh() - take the next snapshot into the model
 * @t: kdbt-top
 * @err: the message on failure; may be NULL
 *
 * Every MODULES_POLL_SECS it also checks /proc/modules, and loads the
 * symbols again if a module came or went (a new module's blocks show as
 * unknown until then).  After a failed read, the next snapshot starts
 * afresh: kdbt.ko may have been unloaded and loaded again, and a new
 * module's counts have nothing to do with the old ones.
 *
 * Return: 0; 1 at the end of a replay; or the error of reading the
 * snapshot or of the model (the model keeps what it had).
 */
int top_refresh(struct top *t, struct kdbt_err *err)
{
	struct kdbt_snap s = { 0 };
	int ret;

	if (top_now() >= t->modules_due) {
		t->modules_due = top_now() + MODULES_POLL_SECS;
		if (source_modules_changed(&t->src))
			top_load_syms(t, NULL);
	}
	ret = source_next(&t->src, &s, err);
	if (ret < 0)
		t->broken = true;
	if (ret)
		return ret;
	if (t->broken)		/* kdbt.ko may have been loaded again */
		model_restart(&t->m);
	t->broken = false;
	ret = model_push_changes(&t->m, &s, err);
	kdbt_snap_free(&s);
	if (ret == -EBADMSG) {	/* the next read is complete again */
		source_reopen(&t->src);
		t->broken = true;
	}
	return ret;
}

/**
 * top_error_hint() - what a user can do about an error
 * @t: kdbt-top
 * @err: the error of source_open() or top_refresh()
 *
 * Return: advice to print after the message, or "".
 */
const char *top_error_hint(const struct top *t, const struct kdbt_err *err)
{
	if (t->src.replay)
		return "";
	if (err->code == -ENOENT && strstr(err->msg, "not loaded"))
		return "; load it first (as root): insmod kdbt.ko";
	if (err->code == -EACCES)
		return "; kdbt-top needs root: run it as root (sudo kdbt-top)";
	if (err->code == -EPROTO)
		return "; kdbt.ko and kdbt-top come from different releases";
	return "";
}
