# icount-counters-fast.sh - counters-fast.sh under -icount, where guest
# time counts instructions: the exact instruction cost of counting.
# vm-smp: 1
# vm-qemu: -icount shift=0,sleep=off
# vm-timeout: 900
# vm-append: kdbt_bench=icount-counters-fast
. /tests/lib.sh

bench_counters fast 2
