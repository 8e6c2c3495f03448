// SPDX-License-Identifier: GPL-2.0
/*
 * kvmrun - run a tiny KVM guest and check what it did: a real-mode loop
 * that writes N bytes to an I/O port (one VM exit each) and halts.
 *
 * Usage: kvmrun [N [VMS]]   (default 1000 exits, 1 VM)
 * Prints "kvmrun: VMS vms, EXITS io exits, sum SUM" and exits 0 when every
 * VM made exactly N port writes of the bytes 1..N (mod 256) and halted;
 * else prints "FAIL: ..." and exits 1.  Built static for the guest tests
 * (translate-kvm.sh): every VM entry and exit runs the host kernel's KVM
 * code, translated while kdbt is on.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_BASE	0x1000
#define PORT		0x10

/*
 * mov $n,%cx; mov $PORT,%dx; xor %al,%al;
 * 1: inc %al; out %al,(%dx); loop 1b; hlt
 */
static const uint8_t code_tmpl[] = {
	0xb9, 0, 0,		/* mov $n,%cx (filled in) */
	0xba, PORT, 0x00,	/* mov $PORT,%dx */
	0x30, 0xc0,		/* xor %al,%al */
	0xfe, 0xc0,		/* 1: inc %al */
	0xee,			/* out %al,(%dx) */
	0xe2, 0xfb,		/* loop 1b */
	0xf4,			/* hlt */
};

static void die(const char *what)
{
	printf("FAIL: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);

	if (r < 0)
		die(what);
	return r;
}

/*
 * Say all a later reader needs of an exit other than the port write or
 * the halt: the exit, the guest's registers, its code as it is now.
 */
static void unexpected_exit(int vcpu, const struct kvm_run *run,
			    const uint8_t *mem, long exits)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	unsigned int i;

	printf("FAIL: unexpected exit %u after %ld port writes",
	       run->exit_reason, exits);
	if (run->exit_reason == KVM_EXIT_IO)
		printf(" (io: dir %u size %u port %#x count %u)",
		       run->io.direction, run->io.size, run->io.port,
		       run->io.count);
	else if (run->exit_reason == KVM_EXIT_MMIO)
		printf(" (mmio: %s %u bytes at %#llx)",
		       run->mmio.is_write ? "write" : "read", run->mmio.len,
		       (unsigned long long)run->mmio.phys_addr);
	else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		printf(" (internal error: suberror %u)",
		       run->internal.suberror);
	printf("\n");
	if (ioctl(vcpu, KVM_GET_REGS, &regs) == 0)
		printf("regs: rip %#llx rax %#llx rcx %#llx rdx %#llx rbx %#llx rsi %#llx rflags %#llx\n",
		       regs.rip, regs.rax, regs.rcx, regs.rdx, regs.rbx,
		       regs.rsi, regs.rflags);
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) == 0)
		printf("sregs: cs %#x base %#llx ds %#x base %#llx cr0 %#llx\n",
		       sregs.cs.selector, sregs.cs.base, sregs.ds.selector,
		       sregs.ds.base, sregs.cr0);
	printf("code:");
	for (i = 0; i < sizeof(code_tmpl) + 2; i++)
		printf(" %02x", mem[i]);
	printf("\n");
	exit(1);
}

/* One VM: returns the number of port writes, adds their bytes to *sum. */
static long run_vm(int kvm, unsigned int n, unsigned long *sum)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	struct kvm_run *run;
	long exits = 0;
	int vm, vcpu, size;
	uint8_t *mem;

	vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap guest memory");
	memcpy(mem, code_tmpl, sizeof(code_tmpl));
	mem[1] = n & 0xff;
	mem[2] = n >> 8;
	region.guest_phys_addr = GUEST_BASE;
	region.memory_size = 0x1000;
	region.userspace_addr = (uintptr_t)mem;
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &region,
	       "KVM_SET_USER_MEMORY_REGION");
	vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	xioctl(vcpu, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	xioctl(vcpu, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS");
	regs.rip = GUEST_BASE;
	regs.rflags = 0x2;
	xioctl(vcpu, KVM_SET_REGS, &regs, "KVM_SET_REGS");
	for (;;) {
		xioctl(vcpu, KVM_RUN, 0, "KVM_RUN");
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO ||
		    run->io.direction != KVM_EXIT_IO_OUT ||
		    run->io.port != PORT || run->io.size != 1)
			unexpected_exit(vcpu, run, mem, exits);
		*sum += *((uint8_t *)run + run->io.data_offset);
		exits++;
	}
	munmap(run, size);
	munmap(mem, 0x1000);
	close(vcpu);
	close(vm);
	return exits;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? atoi(argv[1]) : 1000;
	unsigned int vms = argc > 2 ? atoi(argv[2]) : 1, i, k;
	unsigned long sum = 0, want = 0;
	long exits = 0;
	int kvm;

	if (n < 1 || n > 0xffff || vms < 1) {
		fprintf(stderr, "usage: kvmrun [N (1-65535) [VMS]]\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("KVM_GET_API_VERSION");
	for (i = 0; i < vms; i++) {
		long e = run_vm(kvm, n, &sum);

		if (e != n) {
			printf("FAIL: vm %u made %ld port writes, want %u\n",
			       i, e, n);
			return 1;
		}
		exits += e;
	}
	for (k = 1; k <= n; k++)
		want += k & 0xff;
	want *= vms;
	printf("kvmrun: %u vms, %ld io exits, sum %lu\n", vms, exits, sum);
	if (sum != want) {
		printf("FAIL: sum of the bytes written %lu, want %lu\n",
		       sum, want);
		return 1;
	}
	return 0;
}
