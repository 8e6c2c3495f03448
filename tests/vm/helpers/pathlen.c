// SPDX-License-Identifier: GPL-2.0
/*
 * pathlen.c - instructions on the straight-line path of a branch-free
 * function, read from an ELF image (/proc/kcore in the guest, vmlinux on
 * the host).
 *
 * Usage: pathlen [-v] ELF ADDR
 * Reads the code at virtual address ADDR (hex, 0x optional) through the
 * PT_LOAD program headers of ELF, decodes forward from ADDR and prints the
 * number of instructions up to and including the first ret or
 * unconditional jmp (a jmp to the return thunk is the function's last
 * instruction).  A call counts as one instruction and is followed by the
 * next one: the callee is another function.  -v also lists each
 * instruction (address, length, mnemonic) on stderr.
 * Exit status 1, with a message, if the path meets a conditional branch,
 * an int3 or ud2, bytes that do not decode, or the end of the segment:
 * tests use it only for functions without branches.
 * Owns: nothing; reads ELF with pread at 64-bit offsets (/proc/kcore puts
 * the kernel text far above 2 GiB).
 * Must never: write to anything, or print kernel-problem words.
 */
#define _FILE_OFFSET_BITS 64
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <Zydis/Zydis.h>

/* Bytes read from ADDR on: far more than any branch-free path needs. */
#define WINDOW		16384
/* Longest path we believe; longer means we are lost. */
#define MAX_INSNS	4096

static const char *elf_path;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "pathlen: %s: ", elf_path);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n < 0)
		die("read: %s", strerror(errno));
	if ((size_t)n != len)
		die("%s", "short read");
}

/*
 * map_addr() - the file offset of virtual address @addr and how many
 * bytes of its PT_LOAD segment follow it in the file.
 */
static off_t map_addr(int fd, unsigned long long addr, size_t *avail)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int i;

	read_at(fd, &eh, sizeof(eh), 0);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph))
		die("%s", "not a 64-bit ELF file");
	for (i = 0; i < eh.e_phnum; i++) {
		read_at(fd, &ph, sizeof(ph),
			(off_t)(eh.e_phoff + (unsigned long long)i * sizeof(ph)));
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr - ph.p_vaddr >= ph.p_filesz)
			continue;
		*avail = ph.p_filesz - (addr - ph.p_vaddr);
		return (off_t)(ph.p_offset + (addr - ph.p_vaddr));
	}
	die("%s", "no PT_LOAD segment holds the address");
	return 0;
}

/*
 * path_length() - decode @code (which runs at @ip) up to the first ret or
 * jmp; return the number of instructions, or exit on a branch.
 */
static int path_length(const unsigned char *code, size_t len,
		       unsigned long long ip, int verbose)
{
	ZydisDecodedInstruction zi;
	ZydisDecoderContext ctx;
	ZydisDecoder dec;
	size_t pos = 0;
	char what[160];
	int n;

	if (ZYAN_FAILED(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64,
					 ZYDIS_STACK_WIDTH_64)))
		die("%s", "cannot set up the decoder");
	for (n = 1; n <= MAX_INSNS; n++) {
		if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(&dec, &ctx,
				code + pos, len - pos, &zi))) {
			snprintf(what, sizeof(what), "%#llx", ip + pos);
			die("no valid instruction at %s", what);
		}
		if (verbose)
			fprintf(stderr, "%#llx %u %s\n", ip + pos, zi.length,
				ZydisMnemonicGetString(zi.mnemonic));
		snprintf(what, sizeof(what), "%s at %#llx",
			 ZydisMnemonicGetString(zi.mnemonic), ip + pos);
		switch (zi.meta.category) {
		case ZYDIS_CATEGORY_COND_BR:
			die("conditional branch %s: not a straight-line path",
			    what);
			break;
		case ZYDIS_CATEGORY_RET:
		case ZYDIS_CATEGORY_SYSRET:
		case ZYDIS_CATEGORY_UNCOND_BR:
			return n;
		default:
			break;
		}
		if (zi.mnemonic == ZYDIS_MNEMONIC_INT3 ||
		    zi.mnemonic == ZYDIS_MNEMONIC_UD2)
			die("%s: the path does not end in ret or jmp", what);
		pos += zi.length;
	}
	snprintf(what, sizeof(what), "%d", MAX_INSNS);
	die("no ret or jmp in %s instructions", what);
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char code[WINDOW];
	unsigned long long addr;
	int verbose = 0, fd;
	size_t avail;
	char *end;
	off_t off;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argv++, argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: pathlen [-v] ELF ADDR\n");
		return 2;
	}
	elf_path = argv[1];
	addr = strtoull(argv[2], &end, 16);
	if (*end || !*argv[2])
		die("bad address '%s'", argv[2]);
	fd = open(elf_path, O_RDONLY);
	if (fd < 0)
		die("%s", strerror(errno));
	off = map_addr(fd, addr, &avail);
	if (avail > sizeof(code))
		avail = sizeof(code);
	read_at(fd, code, avail, off);
	close(fd);
	printf("%d\n", path_length(code, avail, addr, verbose));
	return 0;
}
