# onoff-transparent.sh (long tier) - 200 on/off cycles in transparent
# mode while the workload mix runs on every CPU; the state follows each
# write, every workload round stays correct, and rmmod succeeds at the
# end.  Every 20th cycle stays on for 0.2 s and the instruction count must
# then be positive.  Under TCG with the workload a cycle takes 0.3-1.2 s;
# the guest timeout, not a clock, bounds the run.  make test has 20
# cycles (tests/vm/guest/translate-onoff.sh); onoff_cycles is in
# guest-lib.sh.
# vm-smp: 2
# vm-timeout: 420
. /tests/lib.sh

onoff_cycles 200
