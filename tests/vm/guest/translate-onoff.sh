# translate-onoff.sh - 20 on/off cycles in transparent mode while the
# workload mix runs on every CPU; the state follows each write, every
# workload round stays correct, and rmmod succeeds at the end.  Every 20th
# cycle stays on for 0.2 s and the instruction count must then be
# positive.  Under TCG with the workload a cycle takes 0.3-1.2 s (mostly
# relinking the working set after each on).  The long tier has 200 cycles
# (tests/vm/long/onoff-transparent.sh, and on 4 CPUs); onoff_cycles is in
# guest-lib.sh.
# vm-smp: 2
# vm-timeout: 150
. /tests/lib.sh

onoff_cycles 20
