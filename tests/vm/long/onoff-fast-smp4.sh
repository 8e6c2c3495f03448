# onoff-fast-smp4.sh (long tier) - onoff-fast.sh on 4 CPUs: 30
# on/off cycles in fast mode while the workload mix runs on every CPU.
# Every off waits until no task can return into the cache and rewrites the
# cache return addresses left on kernel stacks (stack_rewrites must grow);
# every on moves the return addresses of sleeping tasks into the cache
# (stack_pulls).  The state follows each write, every workload round stays
# correct, rmmod succeeds at the end.  Under TCG a fast-mode cycle takes
# 1.2-1.4 s here (an RCU-tasks grace period and two stop_machine() stack
# walks); the guest timeout, not a clock, bounds the run.  See
# onoff_cycles in guest-lib.sh.
# Fast mode has a boot of its own (shared with workload-fast-smp4.sh): if an
# off failed, kdbt would stay pinned.
# vm-smp: 4
# vm-timeout: 300
# vm-append: kdbt_test_boot=long-fast-smp4
. /tests/lib.sh

onoff_cycles 30 fast
