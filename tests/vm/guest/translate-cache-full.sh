# translate-cache-full.sh - a full code cache is emptied and refilled
# while translation stays on (transparent mode), not a failure: with the
# cache limited to 1 MiB (module parameter cache_kb) the workload's kernel
# working set overflows it again and again; every refill is counted
# (cache_full, flushes), the workload and efault stay correct, and off and
# rmmod work afterwards.  See cache_full_session in guest-lib.sh;
# translate-cache-full-fast.sh is the same in fast mode.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

trap 'touch /tmp/cache-full.stop; kdbt_leave' EXIT
cache_full_session transparent
