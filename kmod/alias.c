// SPDX-License-Identifier: GPL-2.0
/*
 * alias.c - the code cache's writable alias, read-only but while the
 * translator writes through it.
 *
 * The cache executes from module text (cache.S), read-only like all
 * module text.  kdbt writes it through a second mapping of the same
 * pages, made with vmap() at load (kdbt_alias_map()).  That alias is
 * read-only too, from kdbt_alias_protect() on (before it, at load, and
 * before anything runs in the cache, ksyms.c writes the veneers through
 * it): before the core writes bytes of the cache it opens their pages
 * (kdbt_alias_open_locked(), the core's cfg.open_cache), and before
 * kdbt_eng.lock is released every page opened meanwhile is read-only
 * again (kdbt_alias_seal_locked()).  So a kernel write primitive finds no
 * writable mapping of live code outside a translation, a link or an aim
 * (docs/ARCHITECTURE.md, "The cache's writable alias").
 *
 * Owns: the alias, its page-table entries and the set of pages open in
 * the current hold of kdbt_eng.lock.
 * Must never: leave a page writable after the lock is released (from
 * kdbt_alias_protect() on); touch the alias without the lock; sleep (the
 * open and seal run in the dispatcher, interrupts off).
 *
 * Concurrency: only the holder of kdbt_eng.lock writes or even reads the
 * alias, and it flushes its own TLB entry of each page it seals
 * (flush_tlb_one_kernel(): with page-table isolation the other address
 * spaces' entries go at their next switch), so no CPU keeps a writable
 * entry.  The exception would be a TLB fill made by speculation on
 * another CPU during the hold; no code path of kdbt's gives it an alias
 * address to speculate with.  The state below is under kdbt_eng.lock,
 * checked with lockdep_assert_held().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>
#include <asm/pgtable_types.h>
#include "kdbt.h"
#include "cache_size.h"
#include "engine.h"

#define ALIAS_PAGES	(KDBT_CACHE_BYTES >> PAGE_SHIFT)

static struct {
	pte_t **pte;			/* the alias's entries, one per page */
	unsigned long *open;		/* pages opened in this hold */
	unsigned int nopen;
	u64 opens, seals;		/* pages, since load */
	void (*flush_one)(unsigned long addr);
	void (*flush_range)(unsigned long start, unsigned long end);
	long (*write_nofault)(void *dst, const void *src, size_t size);
} alias;

/* Each page's entry: 4 KiB pages, as vmap() maps them. */
static int find_ptes(unsigned long a)
{
	unsigned int i, level;

	for (i = 0; i < ALIAS_PAGES; i++) {
		alias.pte[i] = lookup_address(a + ((unsigned long)i << PAGE_SHIFT),
					      &level);
		if (!alias.pte[i] || level != PG_LEVEL_4K ||
		    !pte_present(*alias.pte[i]))
			return -EFAULT;
	}
	return 0;
}

static void set_writable(unsigned int page, bool writable)
{
	pte_t *p = alias.pte[page];

	set_pte(p, writable ? pte_set_flags(*p, _PAGE_RW) :
		pte_clear_flags(*p, _PAGE_RW));
	alias.flush_one((unsigned long)kdbt_eng.cache_rw +
			((unsigned long)page << PAGE_SHIFT));
}

/* The alias of every cache page, by vmap(); NULL if out of memory. */
static u8 *vmap_cache(void)
{
	struct page **pages = kvmalloc_array(ALIAS_PAGES, sizeof(*pages),
					     GFP_KERNEL);
	unsigned int i;
	void *rw = NULL;

	if (!pages)
		return NULL;
	for (i = 0; i < ALIAS_PAGES; i++) {
		pages[i] = vmalloc_to_page(kdbt_cache +
					   ((size_t)i << PAGE_SHIFT));
		if (!pages[i])
			goto out;
	}
	rw = vmap(pages, ALIAS_PAGES, VM_MAP, PAGE_KERNEL);
out:
	kvfree(pages);
	return rw;
}

/**
 * kdbt_alias_map() - first at load: map the alias (kdbt_eng.cache_rw) and
 * find its page-table entries.  Calls no kernel function through a
 * pointer: its pages stay writable, as vmap() made them, for ksyms.c to
 * write the veneers, until kdbt_alias_protect().
 *
 * Return: 0, -EFAULT or -ENOMEM.
 */
int kdbt_alias_map(void)
{
	int err;

	alias.pte = kvcalloc(ALIAS_PAGES, sizeof(*alias.pte), GFP_KERNEL);
	alias.open = bitmap_zalloc(ALIAS_PAGES, GFP_KERNEL);
	kdbt_eng.cache_rw = alias.pte && alias.open ? vmap_cache() : NULL;
	if (!kdbt_eng.cache_rw) {
		err = -ENOMEM;
		goto fail;
	}
	err = find_ptes((unsigned long)kdbt_eng.cache_rw);
	if (err) {
		pr_err("cannot find the page-table entries of the cache's alias: %d\n",
		       err);
		vunmap(kdbt_eng.cache_rw);
		goto fail;
	}
	return 0;
fail:
	kdbt_eng.cache_rw = NULL;
	bitmap_free(alias.open);
	kvfree(alias.pte);
	return err;
}

/**
 * kdbt_alias_protect() - at load, once the veneers are written: make
 * every page of the alias read-only, with the kernel's TLB flushes
 * called through their veneers (ksyms.c).
 *
 */
void kdbt_alias_protect(void)
{
	unsigned long a = (unsigned long)kdbt_eng.cache_rw;
	unsigned int i;

	alias.flush_one = kdbt_ksym_fn("flush_tlb_one_kernel");
	alias.flush_range = kdbt_ksym_fn("flush_tlb_kernel_range");
	alias.write_nofault = kdbt_ksym_fn("copy_to_kernel_nofault");
	for (i = 0; i < ALIAS_PAGES; i++)
		set_pte(alias.pte[i], pte_clear_flags(*alias.pte[i], _PAGE_RW));
	alias.flush_range(a, a + KDBT_CACHE_BYTES);
}

/* At unload, with nothing left to write. */
void kdbt_alias_unmap(void)
{
	vunmap(kdbt_eng.cache_rw);
	kdbt_eng.cache_rw = NULL;
	bitmap_free(alias.open);
	kvfree(alias.pte);
}

/**
 * kdbt_alias_open_locked() - make the pages of [@off, @off + @len) of the
 * alias writable until the lock is released (the core's cfg.open_cache).
 * @ctx: unused.
 * @off: offset in the cache.
 * @len: bytes.
 */
void kdbt_alias_open_locked(void *ctx, u32 off, u32 len)
{
	unsigned int page, last;

	lockdep_assert_held(&kdbt_eng.lock);
	if (WARN_ON_ONCE(!len || off >= KDBT_CACHE_BYTES ||
			 len > KDBT_CACHE_BYTES - off))
		return;
	last = (off + len - 1) >> PAGE_SHIFT;
	for (page = off >> PAGE_SHIFT; page <= last; page++) {
		if (test_and_set_bit(page, alias.open))
			continue;
		set_writable(page, true);
		alias.nopen++;
		alias.opens++;
	}
}

/**
 * kdbt_alias_seal_locked() - every page opened since the lock was taken
 * is read-only again; called right before each release of the lock.
 */
void kdbt_alias_seal_locked(void)
{
	unsigned int page;

	lockdep_assert_held(&kdbt_eng.lock);
	if (!alias.nopen)
		return;
	for_each_set_bit(page, alias.open, ALIAS_PAGES) {
		set_writable(page, false);
		__clear_bit(page, alias.open);
		alias.seals++;
	}
	alias.nopen = 0;
}

/* At every take of the lock: the previous holder sealed what it opened. */
void kdbt_alias_check_sealed_locked(void)
{
	lockdep_assert_held(&kdbt_eng.lock);
	WARN_ON_ONCE(alias.nopen);
}

/*
 * Tests only (tests/vm/guest/alias-sealed.sh): writing 1 tries to write
 * every page of the alias, with the lock held and no page open, each
 * with its own byte (read through the executable mapping) so that a
 * write that succeeds changes nothing; the kernel log says how many
 * pages took the write.  Any other value is refused with EINVAL.
 */
static int probe_alias(const char *val, const struct kernel_param *kp)
{
	unsigned int page, writable = 0;
	unsigned long flags;
	u64 opens, seals;
	bool yes;
	u8 byte;

	if (kstrtobool(val, &yes) || !yes)
		return -EINVAL;
	if (!kdbt_eng.cache_rw)
		return -ENODEV;
	flags = kdbt_lock();
	for (page = 0; page < ALIAS_PAGES; page++) {
		size_t off = (size_t)page << PAGE_SHIFT;

		byte = READ_ONCE(kdbt_cache[off]);
		if (!alias.write_nofault(kdbt_eng.cache_rw + off, &byte, 1))
			writable++;
	}
	opens = alias.opens;
	seals = alias.seals;
	kdbt_unlock(flags);
	pr_info("alias: %u of %u pages writable outside a translation (%llu opened, %llu sealed since load)\n",
		writable, (unsigned int)ALIAS_PAGES, opens, seals);
	return 0;
}

static const struct kernel_param_ops probe_alias_ops = {
	.set = probe_alias,
};
module_param_cb(probe_alias, &probe_alias_ops, NULL, 0200);
MODULE_PARM_DESC(probe_alias, "tests only: 1 tries a write into every page of the cache's writable alias and logs how many took it");
