# paper-icount.sh - paper.sh on one CPU under -icount, where guest time
# counts instructions: exact, deterministic ratios (one round suffices).
# vm-smp: 1
# vm-qemu: -icount shift=0,sleep=off
# vm-timeout: 3000
# vm-append: kdbt_bench=paper-icount
. /tests/lib.sh

bench_configs 1 0.5
rmmod kdbt || fail "rmmod failed"
