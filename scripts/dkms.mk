# Makefile of the DKMS source tree (scripts/dkms-source.sh copies this file
# to /usr/src/kdbt-<version>/Makefile): builds kmod/kdbt.ko for one kernel.
#
#   make KVER=<release>    build for that kernel (default: the running one)
#   make clean
#
# DKMS runs `make KVER=$kernelver KERNELRELEASE=$kernelver` (dkms.conf).
# Everything the build needs is inside this tree: Zydis in kmod/zydis,
# Zycore's headers in include/, the /proc ABI header in proc/.

KVER ?= $(or $(KERNELRELEASE),$(shell uname -r))
KDIR ?= /lib/modules/$(KVER)/build

all: modules

modules:
	@test -f $(KDIR)/Makefile || { echo "kdbt: no headers for kernel $(KVER) in $(KDIR): install linux-headers-$(KVER)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod ZYCORE_INCLUDE=$(CURDIR)/include modules

clean:
	-test ! -f $(KDIR)/Makefile || $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	rm -f kmod/zydis/src/*.o kmod/zydis/src/.*.cmd

.PHONY: all modules clean
