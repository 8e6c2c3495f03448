# modes-transparent.sh - kbench natively and translated in transparent mode, interleaved in
# rounds in one boot (scripts/bench-guest.sh compares them).
# vm-smp: 2
# vm-timeout: 900
# vm-append: kdbt_bench=modes-transparent
. /tests/lib.sh

bench_modes transparent 5
