#!/bin/sh
# vm-append: nokaslr
# vm-timeout: 120
# kallsyms.sh - print the kernel's symbols from a nokaslr boot (used by
# scripts/kernel-inputs.sh; not a test).  Addresses then equal vmlinux's
# link-time addresses.
cat /proc/kallsyms
