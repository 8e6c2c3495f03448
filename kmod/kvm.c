// SPDX-License-Identifier: GPL-2.0
/*
 * kvm.c - keep KVM and translation apart.
 *
 * KVM's vendor modules (kvm_intel, kvm_amd) note the IDT a CPU has when
 * they set it up to run guests, and the CPU loads that IDT again at every
 * VM exit.  Were it kdbt's shadow IDT, guests would bring it back after
 * `off` - and after rmmod, into freed memory.  So the two do not mix: `on`
 * is refused while kvm is loaded (kdbt_kvm_check()), and kvm, kvm_intel
 * and kvm_amd may not load while translation is on (a module notifier
 * fails them with -EBUSY at MODULE_STATE_COMING, before their init runs).
 * Both decisions are taken under the control mutex, so neither can slip
 * between the other's check and its effect.
 *
 * Owns: the module notifier, registered from load to unload.
 * Must never: refuse any other module, or refuse kvm while off.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include "kdbt.h"
#include "engine.h"

static const char *const kvm_modules[] = { "kvm", "kvm_intel", "kvm_amd" };

static bool is_kvm(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kvm_modules); i++)
		if (!strcmp(name, kvm_modules[i]))
			return true;
	return false;
}

/**
 * kdbt_kvm_check() - whether translation may start as far as KVM goes
 * (control held).
 *
 * Return: 0, or -EBUSY (with one log line) while kvm is loaded or built
 * in: kvm_init, which its vendor modules call, is then a symbol.
 */
int kdbt_kvm_check(void)
{
	if (!kdbt_ksyms.lookup_name("kvm_init"))
		return 0;
	pr_warn("on refused: kvm is loaded (KVM would keep kdbt's IDT for its guests): rmmod kvm_intel kvm_amd kvm first\n");
	return -EBUSY;
}

static int module_coming(struct notifier_block *nb, unsigned long state,
			 void *data)
{
	struct module *mod = data;
	bool on;

	if (state != MODULE_STATE_COMING || !is_kvm(mod->name))
		return NOTIFY_DONE;
	if (mutex_lock_killable(&kdbt_eng.control))
		return notifier_from_errno(-EINTR);
	on = kdbt_eng.on;
	mutex_unlock(&kdbt_eng.control);
	if (!on)
		return NOTIFY_DONE;
	pr_warn("%s refused while translation is on (KVM would keep kdbt's IDT for its guests): echo off > /proc/kdbt/control first\n",
		mod->name);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block kvm_nb = {
	.notifier_call = module_coming,
};

int kdbt_kvm_init(void)
{
	return register_module_notifier(&kvm_nb);
}

void kdbt_kvm_exit(void)
{
	unregister_module_notifier(&kvm_nb);
}
