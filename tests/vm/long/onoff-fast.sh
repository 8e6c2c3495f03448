# onoff-fast.sh (long tier) - 60 on/off cycles in fast mode on 2 CPUs
# while the workload mix runs on every CPU.  Every off waits until no task
# can return into the cache and rewrites the cache return addresses left
# on kernel stacks (stack_rewrites must grow); every on moves the return
# addresses of sleeping tasks into the cache (stack_pulls).  The state
# follows each write, every workload round stays correct, rmmod succeeds
# at the end.  Under TCG a fast-mode cycle takes about 2.5 s (an
# RCU-tasks grace period and two stop_machine() stack walks); the guest
# timeout, not a clock, bounds the run.  make test has 10 cycles
# (tests/vm/guest/translate-onoff-fast.sh).
# Fast mode has a boot of its own (shared with cache-full-fast.sh): if an
# off failed, kdbt would stay pinned.
# vm-smp: 2
# vm-timeout: 400
# vm-append: kdbt_test_boot=long-fast
. /tests/lib.sh

onoff_cycles 60 fast
