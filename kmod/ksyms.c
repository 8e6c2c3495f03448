// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms.c - find the unexported kernel symbols kdbt needs, and call the
 * kernel functions among them only through veneers.
 *
 * kallsyms_lookup_name() is found once at load, through a kprobe that is
 * registered disabled (KPROBE_FLAG_DISABLED: never armed, so no kernel
 * text is patched), and every other symbol through it.
 *
 * Veneers: with CET indirect branch tracking (6.12 on a CPU with IBT)
 * an indirect call must land on an endbr64, and the kernel seals at boot
 * the endbr64 of every function objtool found not address-taken - those
 * kdbt calls among them.  So kdbt never calls a kernel function through
 * its kallsyms address: each function of veneer_names[] gets a veneer,
 *	endbr64; jmp rel32 <function>; int3 x7
 * in the second half of the cache's last page (cache_size.h), within
 * rel32 of kernel text, and kdbt_ksym_fn() gives the veneer.  The direct
 * jmp is not checked; the function runs from its first byte.  Veneers are
 * used on every kernel (endbr64 is a nop without IBT), written once at
 * load through the cache's writable alias, before kdbt_alias_protect()
 * (main.c): kallsyms_lookup_name's first, before its first call, then
 * each other one with its address from it.
 *
 * Owns: the symbol lookups (nothing else calls kallsyms_lookup_name), the
 * veneers and kdbt_ksyms.
 * Must never: arm a probe; let the module load without a symbol or a
 * veneer it needs; hand out a kernel function's address to be called
 * (kdbt_ksym_addr() is for data and comparisons); write a veneer after
 * load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/kallsyms.h>
#include <linux/moduleparam.h>
#include "compat.h"
#include "kdbt.h"
#include "cache_size.h"
#include "engine.h"

#define VENEER_SIZE	16	/* endbr64 (4), jmp rel32 (5), int3 x7 */
#define VENEER_JMP	4	/* offset of the jmp */

/* Every kernel function kdbt calls; kallsyms_lookup_name first. */
static const char *const veneer_names[] = {
	"kallsyms_lookup_name",
	"kallsyms_lookup_size_offset",
	"kallsyms_lookup",
	"kallsyms_show_value",
	"flush_tlb_one_kernel",
	"flush_tlb_kernel_range",
	"copy_to_kernel_nofault",
	"search_kernel_exception_table",
	"search_exception_tables",
	"__module_text_address",
	"text_poke_queue",
	"text_poke_finish",
	"text_poke",
	"idle_task",
};

#define NVENEERS	ARRAY_SIZE(veneer_names)
static_assert(NVENEERS * VENEER_SIZE <= KDBT_VENEER_BYTES);

struct kdbt_ksyms kdbt_ksyms;
static unsigned long (*lookup_name)(const char *name);	/* a veneer */
static unsigned int nveneers;	/* written, in veneer_names[] order */

/* Veneer @i as it executes (module text). */
static void *veneer(unsigned int i)
{
	return kdbt_cache + KDBT_VENEER_OFF + i * VENEER_SIZE;
}

/*
 * Write veneer @i, aimed at @target, through the alias (still writable:
 * before kdbt_alias_protect()).  Return: 0, or -ERANGE out of rel32.
 */
static int write_veneer(unsigned int i, unsigned long target)
{
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	u8 *rw = kdbt_eng.cache_rw + KDBT_VENEER_OFF + i * VENEER_SIZE;
	s64 rel = (s64)(target - ((unsigned long)veneer(i) + VENEER_JMP + 5));
	unsigned long flags;

	if (rel != (s32)rel) {
		pr_err("%s is out of rel32 reach of the cache\n",
		       veneer_names[i]);
		return -ERANGE;
	}
	flags = kdbt_lock();
	memset(rw, 0xcc, VENEER_SIZE);
	memcpy(rw, endbr64, sizeof(endbr64));
	rw[VENEER_JMP] = 0xe9;
	put_unaligned((s32)rel, (s32 *)(rw + VENEER_JMP + 1));
	kdbt_unlock(flags);
	return 0;
}

/* Address of kallsyms_lookup_name, via a probe that is never armed. */
static unsigned long find_lookup_name(void)
{
	struct kprobe kp = {
		.symbol_name = "kallsyms_lookup_name",
		.flags = KPROBE_FLAG_DISABLED,
	};
	unsigned long addr;
	int err;

	err = register_kprobe(&kp);
	if (err) {
		pr_err("cannot find kallsyms_lookup_name: register_kprobe: %d\n",
		       err);
		return 0;
	}
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

/*
 * The start of the function at @addr if it is kallsyms_lookup_name (the
 * probe's address is past its endbr64 on IBT kernels), else 0: checked
 * with sprint_symbol() so that a wrong address is refused, not called.
 */
static unsigned long lookup_name_start(unsigned long addr)
{
	static const char want[] = "kallsyms_lookup_name+";
	char name[KSYM_SYMBOL_LEN];
	unsigned long off;

	sprint_symbol(name, addr);
	if (strncmp(name, want, sizeof(want) - 1) ||
	    sscanf(name + sizeof(want) - 1, "%lx/", &off) != 1 || off > 16) {
		pr_err("kallsyms_lookup_name resolved to %s, refusing\n", name);
		return 0;
	}
	return addr - off;
}

/* Every veneer but kallsyms_lookup_name's, which is written. */
static int write_veneers(void)
{
	unsigned long addr;
	int err;

	for (nveneers = 1; nveneers < NVENEERS; nveneers++) {
		addr = lookup_name(veneer_names[nveneers]);
		if (!addr) {
			pr_err("required kernel symbol %s not found\n",
			       veneer_names[nveneers]);
			return -ENOENT;
		}
		err = write_veneer(nveneers, addr);
		if (err)
			return err;
	}
	return 0;
}

/**
 * kdbt_ksyms_init() - resolve kallsyms_lookup_name and write the veneer
 * of every kernel function kdbt calls; at load, with the alias mapped and
 * not yet protected (main.c).
 *
 * Return: 0, -ENOENT if a symbol is missing or does not check out, or
 * -ERANGE if one is out of the veneers' reach.
 */
int kdbt_ksyms_init(void)
{
	unsigned long addr;
	int err;

	addr = lookup_name_start(find_lookup_name());
	if (!addr)
		return -ENOENT;
	err = write_veneer(0, addr);
	if (err)
		return err;
	nveneers = 1;
	lookup_name = veneer(0);
	err = write_veneers();
	if (err)
		return err;
	kdbt_ksyms.lookup_size_offset = kdbt_ksym_fn("kallsyms_lookup_size_offset");
	kdbt_ksyms.lookup = kdbt_ksym_fn("kallsyms_lookup");
	kdbt_ksyms.show_value = kdbt_ksym_fn("kallsyms_show_value");
	return 0;
}

/**
 * kdbt_ksym_fn() - the veneer through which to call kernel function
 * @name, which must be in veneer_names[].
 * @name: the function.
 *
 * Return: the veneer, or NULL (with a warning) for a name without one.
 */
void *kdbt_ksym_fn(const char *name)
{
	unsigned int i;

	for (i = 0; i < nveneers; i++)
		if (!strcmp(name, veneer_names[i]))
			return veneer(i);
	WARN(1, "kdbt: no veneer for %s\n", name);
	return NULL;
}

/**
 * kdbt_ksym_addr() - the address of kernel symbol @name, for data and
 * comparisons only (call functions through kdbt_ksym_fn()).
 * @name: the symbol.
 *
 * Return: the address, or 0 if not found.
 */
unsigned long kdbt_ksym_addr(const char *name)
{
	return lookup_name ? lookup_name(name) : 0;
}

/*
 * Tests only (tests/vm/guest/abi-veneers.sh): writing 1 logs each veneer
 * - its function, its offset from kdbt_cache and its 16 bytes as they
 * execute - then their count, for the test to decode against
 * /proc/kallsyms.  Any other value is refused with EINVAL.
 */
static int probe_veneers(const char *val, const struct kernel_param *kp)
{
	unsigned int i;
	bool yes;

	if (kstrtobool(val, &yes) || !yes)
		return -EINVAL;
	for (i = 0; i < nveneers; i++)
		pr_info("veneer: %s +%#x %*ph\n", veneer_names[i],
			KDBT_VENEER_OFF + i * VENEER_SIZE, VENEER_SIZE,
			veneer(i));
	pr_info("veneers: %u\n", nveneers);
	return 0;
}

static const struct kernel_param_ops probe_veneers_ops = {
	.set = probe_veneers,
};
module_param_cb(probe_veneers, &probe_veneers_ops, NULL, 0200);
MODULE_PARM_DESC(probe_veneers, "tests only: 1 logs every veneer through which kdbt calls a kernel function, with its bytes");
