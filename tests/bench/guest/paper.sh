# paper.sh - the paper's table: kbench in every configuration (native,
# fast, transparent, fast with counters), interleaved in 5 rounds in one
# boot, then the cost of reading /proc/kdbt (scripts/bench-guest.sh).
# vm-smp: 2
# vm-timeout: 3000
# vm-append: kdbt_bench=paper
. /tests/lib.sh

bench_configs 5 1
bench_read_cost
rmmod kdbt || fail "rmmod failed"
