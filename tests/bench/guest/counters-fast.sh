# counters-fast.sh - kbench translated in fast mode without and with block
# counters, interleaved in rounds in one boot, then the cost of reading
# /proc/kdbt with a workload's working set (scripts/bench-guest.sh).
# vm-smp: 2
# vm-timeout: 900
# vm-append: kdbt_bench=counters-fast
. /tests/lib.sh

bench_counters fast 5
