# workload-fast-smp4.sh (long tier) - the whole kernel from the code cache in fast mode on 4 CPUs:
# system calls, interrupts and exceptions enter through the cache, and
# the workload mix (fork/exec, files, pipes, sockets, signals, mmap and
# page faults, timers, a loop block device with module load/unload) runs
# 32 s with every result checked; coverage after warm-up >= 99%; efault
# as natively; then off and rmmod.  See translated_workload in guest-lib.sh.
# Fast mode has a boot of its own (shared with onoff-fast-smp4.sh): if off
# failed, kdbt would stay pinned.
# vm-smp: 4
# vm-timeout: 150
# vm-append: kdbt_test_boot=long-fast-smp4
. /tests/lib.sh

trap 'touch /tmp/translated-workload.stop; echo off 2>/dev/null > /proc/kdbt/control' EXIT
translated_workload fast 32
