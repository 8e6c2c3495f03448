// SPDX-License-Identifier: GPL-2.0
/*
 * kcore.c - read the running kernel's memory through /proc/kcore, an
 * ELF64 core file whose PT_LOAD program headers map kernel virtual
 * addresses (the kernel's text, the module area, vmalloc, the direct
 * map) to file offsets.
 *
 * Owns: the file descriptor of /proc/kcore and its program headers; the
 * checks of the ELF header (64-bit, little endian, x86-64, a core file).
 * Must never: read outside a PT_LOAD segment (the kernel has nothing
 * there), trust a count or size of the header before checking it, or
 * write anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kcore.h"

/* More program headers than a kernel has ever had is a damaged file. */
#define KCORE_MAX_PHDRS	4096

/* Read exactly @len bytes at @off; 0, or -EIO for a short read. */
static int read_at(int fd, void *buf, size_t len, __u64 off)
{
	ssize_t n;
	size_t got = 0;

	while (got < len) {
		n = pread(fd, (char *)buf + got, len - got, off + got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -EIO;
		got += n;
	}
	return 0;
}

static int check_ehdr(const Elf64_Ehdr *e, const char *path,
		      struct kdbt_err *err)
{
	if (memcmp(e->e_ident, ELFMAG, SELFMAG) ||
	    e->e_ident[EI_CLASS] != ELFCLASS64 ||
	    e->e_ident[EI_DATA] != ELFDATA2LSB || e->e_type != ET_CORE ||
	    e->e_machine != EM_X86_64)
		return kdbt_fail(err, -ENOEXEC,
				 "%s: not an x86-64 ELF64 core file", path);
	if (e->e_phentsize != sizeof(Elf64_Phdr) || !e->e_phnum ||
	    e->e_phnum > KCORE_MAX_PHDRS)
		return kdbt_fail(err, -ENOEXEC,
				 "%s: %u program headers of %u bytes", path,
				 e->e_phnum, e->e_phentsize);
	return 0;
}

/* Keep the PT_LOAD headers of the @n at @ph. */
static int keep_loads(struct kcore *k, const Elf64_Phdr *ph, size_t n)
{
	size_t i;

	k->load = calloc(n, sizeof(*k->load));
	if (!k->load)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
			k->load[k->nload++] = ph[i];
	return 0;
}

/**
 * kcore_open() - open /proc/kcore and read its program headers
 * @k: filled (kcore_close() it, whatever this returns)
 * @path: the file, KDBT_KCORE_PATH
 * @err: the message on failure; may be NULL
 *
 * Return: 0, the -errno of open(2) or read(2) (-EACCES, -EPERM: not
 * root, or a kernel in lockdown), -ENOEXEC if it is not a core file of
 * this machine, -ENOMEM.
 */
int kcore_open(struct kcore *k, const char *path, struct kdbt_err *err)
{
	Elf64_Phdr *ph;
	Elf64_Ehdr e;
	int ret;

	memset(k, 0, sizeof(*k));
	k->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0)
		return kdbt_fail(err, -errno, "%s: %s", path, strerror(errno));
	ret = read_at(k->fd, &e, sizeof(e), 0);
	if (ret)
		return kdbt_fail(err, ret, "%s: reading the ELF header: %s",
				 path, strerror(-ret));
	ret = check_ehdr(&e, path, err);
	if (ret)
		return ret;
	ph = calloc(e.e_phnum, sizeof(*ph));
	if (!ph)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	ret = read_at(k->fd, ph, e.e_phnum * sizeof(*ph), e.e_phoff);
	if (!ret)
		ret = keep_loads(k, ph, e.e_phnum);
	free(ph);
	if (ret)
		return kdbt_fail(err, ret, "%s: reading the program headers: %s",
				 path, strerror(-ret));
	return 0;
}

/**
 * kcore_read() - copy kernel memory
 * @k: an open kcore
 * @addr: the kernel virtual address of the first byte
 * @buf: receives @len bytes
 * @len: how many
 *
 * Return: 0, -EFAULT if no PT_LOAD segment holds the whole range, or the
 * -errno of pread(2) (-EIO: a short read).
 */
int kcore_read(const struct kcore *k, __u64 addr, void *buf, size_t len)
{
	const Elf64_Phdr *p;
	size_t i;

	for (i = 0; i < k->nload; i++) {
		p = &k->load[i];
		if (addr < p->p_vaddr || addr - p->p_vaddr > p->p_filesz ||
		    len > p->p_filesz - (addr - p->p_vaddr))
			continue;
		return read_at(k->fd, buf, len, p->p_offset +
			       (addr - p->p_vaddr));
	}
	return -EFAULT;
}

/**
 * kcore_close() - close it and free its headers
 * @k: after kcore_open(), or zeroed with fd -1
 */
void kcore_close(struct kcore *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->load);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}
