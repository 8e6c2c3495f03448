# onoff-transparent-smp4.sh (long tier) - onoff-transparent.sh on 4
# CPUs: 100 on/off
# cycles in transparent mode while the workload mix runs on every CPU; the
# state follows each write, every workload round stays correct, and rmmod
# succeeds at the end.  Every 20th cycle stays on for 0.2 s and the
# instruction count must then be positive.  Under TCG with the workload a
# cycle takes 0.5-1.2 s (mostly relinking the working set after each on);
# the guest timeout, not a clock, bounds the run.  See onoff_cycles in
# guest-lib.sh.
# vm-smp: 4
# vm-timeout: 420
. /tests/lib.sh

onoff_cycles 100
