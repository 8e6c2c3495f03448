# cell-4-onoff-transparent.sh - matrix cell: 4 on/off cycles in
# transparent mode while the workload mix runs on every CPU (onoff_cycles
# in guest-lib.sh, translate-onoff.sh's 200 cut to 4): the state follows
# each write, the last cycle counts instructions, the workload stays correct,
# rmmod works.
# vm-smp: 2
# vm-mem: 1024
# vm-bin: /usr/bin/stress-ng
# vm-timeout: 120
. /tests/lib.sh

onoff_cycles 4
