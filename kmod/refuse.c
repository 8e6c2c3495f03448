// SPDX-License-Identifier: GPL-2.0
/*
 * refuse.c - keep apart from translation what cannot run beside it:
 * livepatch transitions in fast mode, when the kernel's stack traces
 * cannot follow the cache.
 *
 * A livepatch switches each task to the new code only once a reliable
 * stack trace of the task shows none of the functions it replaces.  In
 * fast mode kernel stacks hold cache return addresses, which the ORC
 * unwinder follows only through traces.c's hooks (registered at the
 * first on: kdbt_traces_mapped()).  Without them no task that sleeps in
 * the kernel could ever be switched: the transition would wait until
 * `off`.  So then a livepatch module may not load while fast mode is
 * on, and fast-mode `on` is refused while a transition is in progress.
 * (Disabling a patch starts a transition too, through sysfs, where
 * nothing can refuse it: then in fast mode it completes at the next
 * `off`.)  With the hooks, a trace through the cache is reliable only
 * where it is exact (a task interrupted inside the cache is retried by
 * livepatch, as one running a patched function is), and nothing is
 * refused.
 *
 * Modules are refused by a module notifier with -EBUSY at
 * MODULE_STATE_COMING, before their init runs.  Both kinds of decision
 * are taken under the control mutex, so neither can slip between the
 * other's check and its effect.
 *
 * Owns: the module notifier, registered from load to unload.
 * Must never: refuse any other module, or refuse anything while off or
 * while the stack traces follow the cache.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include "kdbt.h"
#include "engine.h"

static bool is_livepatch(const struct module *mod)
{
#ifdef CONFIG_LIVEPATCH
	return mod->klp;
#else
	return false;
#endif
}

/* Whether a livepatch transition is in progress (klp_transition_patch). */
static bool klp_in_transition(void)
{
	void **patch = (void **)kdbt_ksym_addr("klp_transition_patch");

	return patch && READ_ONCE(*patch);
}

/**
 * kdbt_refuse_check() - whether translation may start, as far as
 * livepatch goes (control held).
 *
 * Return: 0, or -EBUSY (with one log line) in fast mode while a livepatch
 * transition is in progress and the stack traces cannot follow the cache.
 */
int kdbt_refuse_check(void)
{
	if (kdbt_eng.mode == KDBT_MODE_FAST && !kdbt_traces_mapped() &&
	    klp_in_transition()) {
		pr_warn("on refused: a livepatch transition is in progress (fast mode would keep it from ending): wait for it, or use mode transparent\n");
		return -EBUSY;
	}
	return 0;
}

/* The one log line of a refused module, or NULL to let it load. */
static const char *why_refused(const struct module *mod)
{
	if (is_livepatch(mod) && kdbt_eng.mode == KDBT_MODE_FAST &&
	    !kdbt_traces_mapped())
		return "fast-mode stacks hold cache addresses, and the stack-trace hooks are not registered";
	return NULL;
}

static int module_coming(struct notifier_block *nb, unsigned long state,
			 void *data)
{
	struct module *mod = data;
	const char *why;

	if (state != MODULE_STATE_COMING || !is_livepatch(mod))
		return NOTIFY_DONE;
	if (mutex_lock_killable(&kdbt_eng.control))
		return notifier_from_errno(-EINTR);
	why = kdbt_eng.on ? why_refused(mod) : NULL;
	mutex_unlock(&kdbt_eng.control);
	if (!why)
		return NOTIFY_DONE;
	pr_warn("%s refused while translation is on (%s): echo off > /proc/kdbt/control first\n",
		mod->name, why);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block refuse_nb = {
	.notifier_call = module_coming,
};

int kdbt_refuse_init(void)
{
	return register_module_notifier(&refuse_nb);
}

void kdbt_refuse_exit(void)
{
	unregister_module_notifier(&refuse_nb);
}
