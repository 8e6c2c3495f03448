// SPDX-License-Identifier: GPL-2.0
/*
 * refuse.c - keep apart from translation what cannot run beside it:
 * KVM, and livepatch transitions in fast mode.
 *
 * KVM: kdbt loads no IDT of its own (entries.c) and keeps kvm_amd's
 * VM-entry functions native (engine.c), and KVM guests do run while
 * translated - but one run in three or four of tests/vm/repro/
 * translate-kvm.sh hangs the machine: both CPUs loop in the int3 handler
 * at a jump-label site in __schedule (the preempt notifiers' static key,
 * which KVM flips when it creates or destroys a VM) while one holds its
 * runqueue lock.  Until that is understood, `on` is refused while kvm is
 * loaded, and kvm, kvm_intel and kvm_amd may not load while translation
 * is on, unless the module parameter allow_kvm=1 says otherwise (for
 * that reproducer only).
 *
 * A livepatch switches each task to the new code only once a reliable
 * stack trace of the task shows none of the functions it replaces.  In
 * fast mode kernel stacks hold cache return addresses, which the ORC
 * unwinder cannot follow, so no task that sleeps in the kernel could
 * ever be switched: the transition would wait until `off`.  So a
 * livepatch module may not load while fast mode is on, and fast-mode
 * `on` is refused while a transition is in progress.  (Disabling a patch
 * starts a transition too, through sysfs, where nothing can refuse it:
 * in fast mode it completes at the next `off`.)
 *
 * Modules are refused by a module notifier with -EBUSY at
 * MODULE_STATE_COMING, before their init runs.  Both kinds of decision
 * are taken under the control mutex, so neither can slip between the
 * other's check and its effect.
 *
 * Owns: the module notifier, registered from load to unload.
 * Must never: refuse any other module, or refuse anything while off.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include "kdbt.h"
#include "engine.h"

static bool allow_kvm;
module_param(allow_kvm, bool, 0400);
MODULE_PARM_DESC(allow_kvm, "translate beside KVM: known to hang the machine (kdbt(7), BUGS; default 0)");

static const char *const kvm_modules[] = { "kvm", "kvm_intel", "kvm_amd" };

static bool is_kvm(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kvm_modules); i++)
		if (!strcmp(name, kvm_modules[i]))
			return true;
	return false;
}

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
	void **patch = (void **)kdbt_ksyms.lookup_name("klp_transition_patch");

	return patch && READ_ONCE(*patch);
}

/**
 * kdbt_refuse_check() - whether translation may start, as far as KVM and
 * livepatch go (control held).
 *
 * Return: 0, or -EBUSY (with one log line) while kvm is loaded or built
 * in (kvm_init, which its vendor modules call, is then a symbol) and
 * allow_kvm is off, or, in fast mode, while a livepatch transition is in
 * progress.
 */
int kdbt_refuse_check(void)
{
	if (!allow_kvm && kdbt_ksyms.lookup_name("kvm_init")) {
		pr_warn("on refused: kvm is loaded (translation beside KVM can hang the machine, kdbt(7) BUGS): rmmod kvm_intel kvm_amd kvm first\n");
		return -EBUSY;
	}
	if (kdbt_eng.mode == KDBT_MODE_FAST && klp_in_transition()) {
		pr_warn("on refused: a livepatch transition is in progress (fast mode would keep it from ending): wait for it, or use mode transparent\n");
		return -EBUSY;
	}
	return 0;
}

/* The one log line of a refused module, or NULL to let it load. */
static const char *why_refused(const struct module *mod)
{
	if (!allow_kvm && is_kvm(mod->name))
		return "translation beside KVM can hang the machine, kdbt(7) BUGS";
	if (is_livepatch(mod) && kdbt_eng.mode == KDBT_MODE_FAST)
		return "its transition cannot end while fast-mode stacks hold cache addresses";
	return NULL;
}

static int module_coming(struct notifier_block *nb, unsigned long state,
			 void *data)
{
	struct module *mod = data;
	const char *why;

	if (state != MODULE_STATE_COMING ||
	    (!is_livepatch(mod) && !is_kvm(mod->name)))
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
