# translate-onoff-fast.sh - translate-onoff.sh in fast mode on 2 CPUs:
# 10 on/off cycles while the workload mix runs on every CPU.  Every off
# waits until no task can return into the cache and rewrites the cache
# return addresses left on kernel stacks (stack_rewrites must grow); every
# on moves the return addresses of sleeping tasks into the cache
# (stack_pulls).  The state follows each write, every workload round stays
# correct, rmmod succeeds at the end.  See onoff_cycles in guest-lib.sh;
# the long tier has 60 cycles (tests/vm/long/onoff-fast.sh, and 30 on
# 4 CPUs).
# Fast-mode tests share a boot apart from the rest (kdbt_test_boot=fast):
# had an off failed, kdbt would stay pinned.
# vm-smp: 2
# vm-timeout: 150
# vm-append: kdbt_test_boot=fast
. /tests/lib.sh

onoff_cycles 10 fast
