# cell-3-workload-transparent.sh - matrix cell: the whole kernel translated in
# transparent mode under load: the workload mix (translated_workload in
# guest-lib.sh, shortened to 40 s) with a stress-ng --verify mix beside
# it; coverage after warm-up >= 99%, efault as natively, every result of
# both checked, then off and rmmod.  Prints coverage and jumptable hit
# rate (figure: lines) for the cell's summary.  40 s, not fast mode's 30:
# with 30 s, transparent coverage came out at 99.2-99.8% and once 98.6%
# (Cascadelake-Server, 103 native samples of 7543, one blockdev round in
# the window); fast mode's stayed >= 99.8% in every cell and run.
# vm-smp: 2
# vm-mem: 1024
# vm-bin: /usr/bin/stress-ng
# vm-timeout: 150
. /tests/lib.sh

trap 'touch /tmp/translated-workload.stop; kill "$_st_pid" 2>/dev/null
      echo off 2>/dev/null > /proc/kdbt/control' EXIT
translated_workload transparent 40 stress
