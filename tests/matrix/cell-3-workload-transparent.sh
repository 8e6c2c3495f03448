# cell-3-workload-transparent.sh - matrix cell: the whole kernel translated in
# transparent mode under load: the workload mix (translated_workload in
# guest-lib.sh, 60 s) with a stress-ng --verify mix beside it; coverage
# after warm-up >= 99%, efault as natively, every result of both checked,
# then off and rmmod.  Prints coverage and jumptable hit rate (figure:
# lines) for the cell's summary.  60 s, not fast mode's 30: native
# samples come in bursts (a blockdev round with its module load in the
# window: once 103 of 7543 samples with 30 s, on Cascadelake-Server), and
# a short window lets one burst decide; with 40 s, rt's transparent
# coverage came out at 98.9-99.9% (under 99% once, with other guests
# beside it, and 99.09% alone).  Fast mode's stayed >= 99.7%.
# vm-smp: 2
# vm-mem: 1024
# vm-bin: /usr/bin/stress-ng
# vm-timeout: 180
. /tests/lib.sh

trap 'touch /tmp/translated-workload.stop; kill "$_st_pid" 2>/dev/null
      echo off 2>/dev/null > /proc/kdbt/control' EXIT
translated_workload transparent 60 stress
