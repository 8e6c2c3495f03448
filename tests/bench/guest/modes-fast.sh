# modes-fast.sh - kbench natively and translated in fast mode, interleaved in
# rounds in one boot (scripts/bench-guest.sh compares them).
# vm-smp: 2
# vm-timeout: 900
# vm-append: kdbt_bench=modes-fast
. /tests/lib.sh

bench_modes fast 5
