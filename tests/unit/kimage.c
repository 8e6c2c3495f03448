// SPDX-License-Identifier: GPL-2.0
/*
 * kimage.c - read the guest kernel's code offline: the loadable segments
 * of an ELF64 vmlinux (extracted from Debian's vmlinuz), addressed by
 * their link-time virtual addresses (a nokaslr boot's addresses), and the
 * text symbols of a /proc/kallsyms taken from a nokaslr boot.
 *
 * Owns: a private copy of the image file.
 * Must never: return bytes from outside a loaded segment (a read that
 * crosses a segment's end fails, as a fault would in the kernel).
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kimage.h"

#define KIMAGE_MAX_SEGS 16

struct kseg {
	unsigned long long vaddr, filesz;
	unsigned char *data;
};

struct kimage {
	unsigned char *file;
	size_t size;
	int nsegs;
	struct kseg segs[KIMAGE_MAX_SEGS];
};

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		p = malloc(n);
		if (p && fread(p, 1, n, f) != (size_t)n) {
			free(p);
			p = NULL;
		}
		*size = n;
	}
	fclose(f);
	return p;
}

static const char *load_segments(struct kimage *k)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)k->file;
	int i;

	if (k->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
		return "not an x86-64 ELF64 file";
	if (eh->e_phoff + (unsigned long long)eh->e_phnum * sizeof(Elf64_Phdr) >
	    k->size)
		return "program headers outside the file";
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)
			(k->file + eh->e_phoff) + i;

		if (ph->p_type != PT_LOAD || !ph->p_filesz)
			continue;
		if (ph->p_offset + ph->p_filesz > k->size)
			return "a segment extends past the end of the file";
		if (k->nsegs == KIMAGE_MAX_SEGS)
			return "too many segments";
		k->segs[k->nsegs].vaddr = ph->p_vaddr;
		k->segs[k->nsegs].filesz = ph->p_filesz;
		k->segs[k->nsegs].data = k->file + ph->p_offset;
		k->nsegs++;
	}
	return k->nsegs ? NULL : "no loadable segments";
}

/**
 * kimage_open() - load an ELF64 vmlinux.
 * @path: its file name.
 *
 * Return: the image, or NULL after printing a message naming the file.
 */
struct kimage *kimage_open(const char *path)
{
	struct kimage *k = calloc(1, sizeof(*k));
	const char *why;

	if (!k)
		return NULL;
	k->file = slurp(path, &k->size);
	if (!k->file) {
		fprintf(stderr, "kimage: %s: %s\n", path, strerror(errno));
		free(k);
		return NULL;
	}
	why = load_segments(k);
	if (why) {
		fprintf(stderr, "kimage: %s: %s\n", path, why);
		kimage_close(k);
		return NULL;
	}
	return k;
}

/* The image's bytes at kernel address @addr, if all @len are in one segment. */
static unsigned char *bytes_at(const struct kimage *k, unsigned long long addr,
			       size_t len)
{
	int i;

	for (i = 0; i < k->nsegs; i++) {
		const struct kseg *s = &k->segs[i];

		if (addr >= s->vaddr && addr - s->vaddr <= s->filesz &&
		    len <= s->filesz - (addr - s->vaddr))
			return s->data + (addr - s->vaddr);
	}
	return NULL;
}

/**
 * kimage_read() - copy @len bytes at kernel address @addr.
 *
 * Return: 0, or -EFAULT if the range is not inside one loaded segment.
 */
int kimage_read(const struct kimage *k, unsigned long long addr, void *buf,
		size_t len)
{
	const unsigned char *p = bytes_at(k, addr, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

/**
 * kimage_write() - patch @len bytes at kernel address @addr, as the
 * kernel patches its text at boot.
 *
 * Return: 0, or -EFAULT if the range is not inside one loaded segment.
 */
int kimage_write(struct kimage *k, unsigned long long addr, const void *buf,
		 size_t len)
{
	unsigned char *p = bytes_at(k, addr, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

void kimage_close(struct kimage *k)
{
	if (k) {
		free(k->file);
		free(k);
	}
}

struct ksym {
	unsigned long long addr;
	char name[64];		/* truncated: for messages only */
};

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

/* Where the kernel's exception table starts and ends. */
struct ktable {
	unsigned long long start, end;
};

/*
 * Parse "ADDR TYPE NAME [module]" text symbols; note _stext and _etext,
 * and the exception table's bounds.
 */
static long read_kallsyms(FILE *f, const char *path, struct ksym **out,
			  unsigned long long *stext, unsigned long long *etext,
			  struct ktable *ex)
{
	char line[512], type, name[256];
	unsigned long long addr;
	struct ksym *v = NULL, *nv;
	long n = 0, cap = 0, lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3) {
			fprintf(stderr, "kimage: %s:%ld: expected ADDR TYPE NAME\n",
				path, lineno);
			free(v);
			return -EINVAL;
		}
		if (!strcmp(name, "_stext"))
			*stext = addr;
		if (!strcmp(name, "_etext"))
			*etext = addr;
		if (!strcmp(name, "__start___ex_table"))
			ex->start = addr;
		if (!strcmp(name, "__stop___ex_table"))
			ex->end = addr;
		if (type != 't' && type != 'T')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n].addr = addr;
		memcpy(v[n].name, name, sizeof(v[n].name) - 1);
		v[n].name[sizeof(v[n].name) - 1] = 0;
		n++;
	}
	*out = v;
	return n;
}

struct ksyms {
	struct ksym *v;
	long n;
	unsigned long long stext, etext;
	struct ktable ex;
};

/**
 * ksyms_load() - read a copy of /proc/kallsyms from a nokaslr boot.
 * @path: its file name.
 *
 * Return: the text symbols sorted by address, or NULL after a message
 * naming the file and the problem.
 */
struct ksyms *ksyms_load(const char *path)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	FILE *f = fopen(path, "r");

	if (!ks || !f) {
		fprintf(stderr, "kimage: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	ks->n = read_kallsyms(f, path, &ks->v, &ks->stext, &ks->etext,
			      &ks->ex);
	if (ks->n < 0)
		goto fail;
	if (!ks->stext || ks->etext <= ks->stext) {
		fprintf(stderr, "kimage: %s: no _stext/_etext symbols\n", path);
		goto fail;
	}
	qsort(ks->v, ks->n, sizeof(*ks->v), by_addr);
	fclose(f);
	return ks;
fail:
	if (f)
		fclose(f);
	if (ks)
		free(ks->v);
	free(ks);
	return NULL;
}

void ksyms_free(struct ksyms *ks)
{
	if (ks) {
		free(ks->v);
		free(ks);
	}
}

/**
 * ksyms_extable() - where the kernel's exception table lies.
 *
 * Return: 0, or -ENOENT if the symbols do not say.
 */
int ksyms_extable(const struct ksyms *ks, unsigned long long *start,
		  unsigned long long *end)
{
	if (!ks->ex.start || ks->ex.end <= ks->ex.start)
		return -ENOENT;
	*start = ks->ex.start;
	*end = ks->ex.end;
	return 0;
}

/* The end of the symbol at index @i: the next higher text symbol. */
static unsigned long long sym_end(const struct ksyms *ks, long i)
{
	long j;

	for (j = i + 1; j < ks->n && ks->v[j].addr == ks->v[i].addr; j++)
		;
	return j < ks->n && ks->v[j].addr < ks->etext ? ks->v[j].addr :
							ks->etext;
}

/**
 * ksyms_range() - the address of text symbol @name and where it ends.
 *
 * Return: 0, or -ENOENT if there is no such text symbol.
 */
int ksyms_range(const struct ksyms *ks, const char *name,
		unsigned long long *start, unsigned long long *end)
{
	long i;

	for (i = 0; i < ks->n; i++)
		if (!strcmp(ks->v[i].name, name)) {
			*start = ks->v[i].addr;
			*end = sym_end(ks, i);
			return 0;
		}
	return -ENOENT;
}

/**
 * ksyms_start() - the start of the text symbol holding @addr.
 *
 * Return: 0, or -ENOENT if @addr is outside [_stext, _etext).
 */
int ksyms_start(const struct ksyms *ks, unsigned long long addr,
		unsigned long long *start)
{
	long lo = 0, hi = ks->n;

	if (addr < ks->stext || addr >= ks->etext)
		return -ENOENT;
	while (hi - lo > 1) {			/* v[lo].addr <= addr */
		long mid = lo + (hi - lo) / 2;

		if (ks->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (!ks->n || ks->v[lo].addr > addr)
		return -ENOENT;
	*start = ks->v[lo].addr;
	return 0;
}

/**
 * ksyms_functions() - call @fn for every function of the kernel text.
 * @ks: the symbols.
 * @fn: called with each function's start, size and name; the size runs
 *	to the next text symbol (the last one to _etext).
 * @ctx: passed to @fn.
 *
 * Only text symbols in [_stext, _etext) count; aliases at one address are
 * one function.  Stops at the first non-zero return of @fn.
 * Return: the number of functions, or that non-zero return.
 */
long ksyms_functions(const struct ksyms *ks, kfunc_fn fn, void *ctx)
{
	long i, count = 0;
	int err = 0;

	for (i = 0; i < ks->n && !err; i++) {
		if (ks->v[i].addr < ks->stext || ks->v[i].addr >= ks->etext ||
		    (i && ks->v[i].addr == ks->v[i - 1].addr))
			continue;
		err = fn(ks->v[i].addr, sym_end(ks, i) - ks->v[i].addr,
			 ks->v[i].name, ctx);
		count++;
	}
	return err ? err : count;
}
