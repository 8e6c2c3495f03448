# paper-quick.sh - paper.sh in one round at a fifth of the iterations
# (scripts/bench-guest.sh --quick).
# vm-smp: 2
# vm-timeout: 900
# vm-append: kdbt_bench=paper-quick
. /tests/lib.sh

bench_configs 1 0.2
rmmod kdbt || fail "rmmod failed"
