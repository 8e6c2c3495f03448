# cell-5-workload-fast.sh - matrix cell: the whole kernel translated in
# fast mode under load: the workload mix (translated_workload in
# guest-lib.sh, shortened to 30 s) with a stress-ng --verify mix beside
# it; coverage after warm-up >= 99%, efault as natively, every result of
# both checked, then off and rmmod.  Prints coverage and jumptable hit
# rate (figure: lines) for the cell's summary.
# Fast mode runs last in the cell (this and cell-6): a failed off pins
# kdbt and fails what follows.
# vm-smp: 2
# vm-mem: 1024
# vm-bin: /usr/bin/stress-ng
# vm-timeout: 150
. /tests/lib.sh

trap 'touch /tmp/translated-workload.stop; kill "$_st_pid" 2>/dev/null
      echo off 2>/dev/null > /proc/kdbt/control' EXIT
translated_workload fast 30 stress
