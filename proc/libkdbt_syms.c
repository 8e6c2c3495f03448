// SPDX-License-Identifier: GPL-2.0
/*
 * libkdbt_syms.c - the kernel's text symbols for the kdbt tools, from
 * /proc/kallsyms and /proc/modules (libkdbt.h).
 *
 * Owns: the symbol table: text symbols (t, T, w, W) sorted by address,
 * each sized as the kernel's own kallsyms lookup sizes it (up to the next
 * symbol of its module of any type, capped at _etext or at the end of the
 * module), the first of aliases kept, module names as the kernel prints
 * them.
 * Must never: read anything but the two files it is given, print, or
 * keep global state; trust a line of either file (a bad line is skipped).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libkdbt.h"
#include "libkdbt_int.h"

/* One kallsyms line while loading; only text symbols keep a name. */
struct ksym_ent {
	__u64 addr;
	__u32 line;		/* file order: the first of aliases wins */
	__u32 mod;		/* index in mods, 0 for the core kernel */
	size_t name;		/* offset in the string pool */
	bool text;
};

/* The state of a load, freed whatever happens. */
struct ksym_load {
	struct kdbt_syms *st;
	struct ksym_ent *ents;
	size_t nents, cap;
	size_t strlen, strcap;
	__u64 etext;		/* _etext, 0 if not listed */
	size_t nonzero;		/* lines with an address other than 0 */
	__u32 last_mod;		/* cache for the module lookup */
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}

/* Index of module @name in st->mods, added if new; -1 if out of memory. */
static long mod_index(struct kdbt_syms *st, const char *name, size_t len)
{
	struct kdbt_module *m;
	size_t i;

	if (len >= sizeof(m->name))
		len = sizeof(m->name) - 1;
	for (i = 0; i < st->nmods; i++)
		if (!strncmp(st->mods[i].name, name, len) &&
		    !st->mods[i].name[len])
			return i;
	m = realloc(st->mods, (st->nmods + 1) * sizeof(*m));
	if (!m)
		return -1;
	st->mods = m;
	m = &st->mods[st->nmods];
	memset(m, 0, sizeof(*m));
	memcpy(m->name, name, len);
	return st->nmods++;
}

/* Read /proc/modules: "name size refs deps state address [taints]". */
static int load_modules(struct kdbt_syms *st, const char *path,
			struct kdbt_err *err)
{
	unsigned long long size, addr;
	char *line = NULL, name[64];
	size_t cap = 0;
	FILE *f;
	long i;
	int ret = 0;

	f = fopen(path, "re");
	if (!f)
		return kdbt_open_failed(path, errno, err);
	while (getline(&line, &cap, f) > 0) {
		addr = 0;
		if (sscanf(line, "%63s %llu %*s %*s %*s %llx", name, &size,
			   &addr) < 2)
			continue;
		i = mod_index(st, name, strlen(name));
		if (i < 0) {
			ret = kdbt_fail(err, -ENOMEM, "%s: out of memory",
					path);
			break;
		}
		st->mods[i].start = addr;
		st->mods[i].size = addr ? size : 0;
	}
	free(line);
	fclose(f);
	return ret;
}

/* Keep @name (of @len bytes) in the string pool; its offset in @off. */
static int pool_add(struct ksym_load *ld, const char *name, size_t len,
		    size_t *off)
{
	char *p = grow(ld->st->strings, &ld->strcap, ld->strlen + len + 1, 1);

	if (!p)
		return -ENOMEM;
	ld->st->strings = p;
	memcpy(p + ld->strlen, name, len);
	p[ld->strlen + len] = '\0';
	*off = ld->strlen;
	ld->strlen += len + 1;
	return 0;
}

/*
 * The module of a kallsyms line: "\t[name]" after the symbol, if any;
 * -ENOENT for the "[__builtin__*]" tags (ftrace trampolines, kprobe
 * slots), which the kernel's kallsyms lookup does not resolve either.
 */
static long line_module(struct ksym_load *ld, const char *tag)
{
	const char *end;
	struct kdbt_module *m;
	long i;

	if (tag[0] != '\t' || tag[1] != '[')
		return 0;
	tag += 2;
	end = strchr(tag, ']');
	if (!end)
		return 0;
	if (!strncmp(tag, "__builtin__", 11))
		return -ENOENT;
	m = &ld->st->mods[ld->last_mod];
	if (!strncmp(m->name, tag, end - tag) && !m->name[end - tag])
		return ld->last_mod;
	i = mod_index(ld->st, tag, end - tag);
	if (i < 0)
		return -ENOMEM;
	ld->last_mod = i;
	return i;
}

static bool is_text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

/* One line "ffffffff810be3a0 T name[\t[module]]"; bad lines are skipped. */
static int add_line(struct ksym_load *ld, const char *line, __u32 nr)
{
	struct ksym_ent *e;
	unsigned long long addr;
	size_t len;
	char *p;
	long mod;

	addr = strtoull(line, &p, 16);
	if (p == line || p[0] != ' ' || !p[1] || p[2] != ' ' || !p[3])
		return 0;
	len = strcspn(p + 3, "\t\n");
	if (!len)
		return 0;
	mod = line_module(ld, p + 3 + len);
	if (mod < 0)
		return mod == -ENOENT ? 0 : mod;
	e = grow(ld->ents, &ld->cap, ld->nents + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	ld->ents = e;
	e = &ld->ents[ld->nents++];
	*e = (struct ksym_ent){ .addr = addr, .line = nr, .mod = mod,
				.text = is_text_type(p[1]) };
	if (addr)
		ld->nonzero++;
	if (!mod && len == 6 && !strncmp(p + 3, "_etext", 6))
		ld->etext = addr;
	return e->text ? pool_add(ld, p + 3, len, &e->name) : 0;
}

static int read_kallsyms(struct ksym_load *ld, const char *path,
			 struct kdbt_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	__u32 nr = 0;
	FILE *f;
	int ret = 0;

	f = fopen(path, "re");
	if (!f)
		return kdbt_open_failed(path, errno, err);
	while (!ret && getline(&line, &cap, f) > 0)
		ret = add_line(ld, line, nr++);
	if (ret)
		kdbt_fail(err, ret, "%s: out of memory", path);
	else if (ferror(f))
		ret = kdbt_fail(err, -EIO, "%s: read error", path);
	free(line);
	fclose(f);
	return ret;
}

/* Order for sizing: by module, then address, then file order. */
static int cmp_ent(const void *a, const void *b)
{
	const struct ksym_ent *x = a, *y = b;

	if (x->mod != y->mod)
		return x->mod < y->mod ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* By address; at one address, by module (the core kernel first). */
static int cmp_sym(const void *a, const void *b)
{
	const struct kdbt_sym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->module != y->module)
		return x->module < y->module ? -1 : 1;
	return 0;
}

/* Where the text of @e ends: the cap of its module or of the kernel. */
static __u64 text_cap(const struct ksym_load *ld, const struct ksym_ent *e)
{
	const struct kdbt_module *m = &ld->st->mods[e->mod];

	if (!e->mod)
		return ld->etext > e->addr ? ld->etext : 0;
	if (m->start && m->start <= e->addr && e->addr < m->start + m->size)
		return m->start + m->size;
	return 0;
}

/* The end of ents[i]: the next address in its module, capped. */
static __u64 ent_end(const struct ksym_load *ld, size_t i)
{
	const struct ksym_ent *e = &ld->ents[i];
	__u64 cap = text_cap(ld, e), end = 0;
	size_t j;

	for (j = i + 1; j < ld->nents && ld->ents[j].mod == e->mod; j++) {
		if (ld->ents[j].addr > e->addr) {
			end = ld->ents[j].addr;
			break;
		}
	}
	if (cap && (!end || cap < end))
		end = cap;
	return end;
}

/*
 * Symbols of different modules (or kallsyms tags) that overlap: end each
 * at the next one's start and keep one per address (the core kernel's
 * first), so that kdbt_syms_find() needs to look at one symbol only.
 * Never happens with a consistent /proc/kallsyms.
 */
static void trim_overlaps(struct kdbt_syms *st)
{
	struct kdbt_sym *s = st->syms;
	size_t i, n = 0;

	for (i = 0; i < st->nsyms; i++) {
		if (n && s[n - 1].start == s[i].start)
			continue;
		s[n++] = s[i];
	}
	for (i = 0; i + 1 < n; i++)
		if (s[i + 1].start - s[i].start < s[i].size)
			s[i].size = s[i + 1].start - s[i].start;
	st->nsyms = n;
}

/*
 * The module a symbol is in, as the kernel names it: BPF programs (sized
 * apart, as a module) are core kernel text to kallsyms_lookup().
 */
static const char *module_name(const struct kdbt_syms *st, __u32 mod)
{
	return strcmp(st->mods[mod].name, "bpf") ? st->mods[mod].name :
		st->mods[0].name;
}

/*
 * Size the text symbols, keep the first of aliases, sort by address.
 * Called once the string pool and the module list are complete (their
 * addresses no longer move).
 */
static int build_syms(struct ksym_load *ld)
{
	struct kdbt_syms *st = ld->st;
	const struct ksym_ent *e;
	struct kdbt_sym *s;
	const char *mod;
	__u64 end;
	size_t i;

	if (ld->nents)
		qsort(ld->ents, ld->nents, sizeof(*ld->ents), cmp_ent);
	st->syms = calloc(ld->nents ? ld->nents : 1, sizeof(*st->syms));
	if (!st->syms)
		return -ENOMEM;
	for (i = 0; i < ld->nents; i++) {
		e = &ld->ents[i];
		mod = module_name(st, e->mod);
		s = &st->syms[st->nsyms];
		if (!e->text || (st->nsyms && s[-1].start == e->addr &&
				 s[-1].module == mod))
			continue;
		end = ent_end(ld, i);
		if (end <= e->addr)
			continue;
		s->start = e->addr;
		s->size = end - e->addr;
		s->name = st->strings + e->name;
		s->module = mod;
		st->nsyms++;
	}
	qsort(st->syms, st->nsyms, sizeof(*st->syms), cmp_sym);
	trim_overlaps(st);
	return 0;
}

/**
 * kdbt_syms_free() - free a symbol table and zero it
 * @st: a table, zeroed or loaded; may be NULL
 */
void kdbt_syms_free(struct kdbt_syms *st)
{
	if (!st)
		return;
	free(st->syms);
	free(st->mods);
	free(st->strings);
	memset(st, 0, sizeof(*st));
}

static int load_syms(struct ksym_load *ld, const char *kallsyms,
		     const char *modules, struct kdbt_err *err)
{
	int ret;

	if (mod_index(ld->st, "kernel", 6) < 0)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	if (modules) {
		ret = load_modules(ld->st, modules, err);
		if (ret)
			return ret;
	}
	ret = read_kallsyms(ld, kallsyms, err);
	if (ret)
		return ret;
	if (ld->nents && !ld->nonzero)
		return kdbt_fail(err, -EPERM,
				 "%s: addresses hidden by kptr_restrict (run as root, or set kernel.kptr_restrict=0)",
				 kallsyms);
	if (build_syms(ld))
		return kdbt_fail(err, -ENOMEM, "%s: out of memory", kallsyms);
	if (!ld->st->nsyms)
		return kdbt_fail(err, -EBADMSG, "%s: no text symbols",
				 kallsyms);
	return 0;
}

/**
 * kdbt_syms_load() - load the kernel's text symbols
 * @st: receives the table (freed first if it holds one); on failure it
 *      is left empty
 * @kallsyms: /proc/kallsyms or a file in its format; NULL for the former
 * @modules: /proc/modules or a file in its format, for the ends of module
 *           text; NULL to do without
 * @err: the message on failure; may be NULL
 *
 * Keeps the t/T/w/W symbols; the size of each is the distance to the next
 * symbol of its module (or of the core kernel) of any type, capped at
 * the end of the module or at _etext, as the kernel's kallsyms lookup
 * sizes them; of several at one address the first listed is kept, as the
 * kernel does.  One difference: the kernel ends the last function of a
 * module at the end of the module's text, which /proc/modules does not
 * give; here it ends at the module's next (data) symbol or at its end.
 * Lines it cannot parse are skipped.
 *
 * Return: 0, -EPERM if every address is zero (kptr_restrict), -EBADMSG if
 * there is no text symbol, -ENOMEM, or the -errno of opening a file.
 */
int kdbt_syms_load(struct kdbt_syms *st, const char *kallsyms,
		   const char *modules, struct kdbt_err *err)
{
	struct ksym_load ld = { .st = st };
	int ret;

	if (!kallsyms)
		kallsyms = KDBT_KALLSYMS_PATH;
	kdbt_syms_free(st);
	ret = load_syms(&ld, kallsyms, modules, err);
	free(ld.ents);
	if (ret) {
		kdbt_syms_free(st);
		return ret;
	}
	kdbt_ok(err);
	return 0;
}

/**
 * kdbt_syms_find() - the symbol containing an address
 * @st: a loaded table, or NULL
 * @addr: a native kernel address
 *
 * Return: the symbol with start <= @addr < start + size, or NULL when no
 * symbol covers @addr (or @st is NULL).
 */
const struct kdbt_sym *kdbt_syms_find(const struct kdbt_syms *st, __u64 addr)
{
	size_t lo = 0, hi, mid;
	const struct kdbt_sym *s;

	if (!st || !st->nsyms)
		return NULL;
	hi = st->nsyms;
	while (hi - lo > 1) {		/* syms[lo].start <= addr, if any */
		mid = lo + (hi - lo) / 2;
		if (st->syms[mid].start <= addr)
			lo = mid;
		else
			hi = mid;
	}
	s = &st->syms[lo];
	return s->start <= addr && addr - s->start < s->size ? s : NULL;
}
