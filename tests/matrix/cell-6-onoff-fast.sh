# cell-6-onoff-fast.sh - matrix cell: 2 on/off cycles in fast mode
# under the workload mix (translate-onoff-fast.sh's 200 cut to 2): every
# off rewrites the cache return addresses on kernel stacks, every on pulls
# sleeping tasks' return addresses in; rmmod works at the end.
# vm-smp: 2
# vm-mem: 1024
# vm-bin: /usr/bin/stress-ng
# vm-timeout: 120
. /tests/lib.sh

onoff_cycles 2 fast
