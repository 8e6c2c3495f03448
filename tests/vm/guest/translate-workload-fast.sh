# translate-workload-fast.sh - the whole kernel from the code cache in fast mode on 2 CPUs:
# system calls, interrupts and exceptions enter through the cache, and
# the workload mix (fork/exec, files, pipes, sockets, signals, mmap and
# page faults, timers, a loop block device with module load/unload) runs
# 20 s with every result checked; coverage after warm-up >= 99%; efault
# as natively; then off and rmmod.  See translated_workload in guest-lib.sh
# (tests/vm/long/workload-*-smp4.sh: 32 s on 4 CPUs).
# Fast-mode tests share a boot apart from the rest (kdbt_test_boot=fast):
# had an off failed, kdbt would stay pinned.
# vm-smp: 2
# vm-timeout: 150
# vm-append: kdbt_test_boot=fast
. /tests/lib.sh

trap 'touch /tmp/translated-workload.stop; echo off 2>/dev/null > /proc/kdbt/control' EXIT
translated_workload fast 20
