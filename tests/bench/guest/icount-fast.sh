# icount-fast.sh - kbench natively and translated in fast mode, interleaved in
# rounds in one boot (scripts/bench-guest.sh compares them).
# With -icount, guest time counts instructions: exact, deterministic ratios.
# vm-smp: 1
# vm-qemu: -icount shift=0,sleep=off
# vm-timeout: 900
# vm-append: kdbt_bench=icount-fast
. /tests/lib.sh

bench_modes fast 2
