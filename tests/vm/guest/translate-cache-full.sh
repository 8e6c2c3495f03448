# translate-cache-full.sh - a full code cache is emptied and refilled
# while translation stays on (transparent mode), not a failure: with the
# cache limited to 1 MiB (module parameter cache_kb) the workload's kernel
# working set overflows it again and again; every refill is counted
# (cache_full, flushes), the workload and efault stay correct, and off and
# rmmod work afterwards.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

stop=/tmp/translate-cache-full.stop
cleanup() {
	touch "$stop"
	[ "$(kdbt_stat state 2>/dev/null)" = on ] && kdbt_control off
	grep -q '^kdbt ' /proc/modules && rmmod kdbt
}
trap cleanup EXIT

efault > /tmp/efault.native || fail "efault fails natively"
insmod "$KDBT_KO" cache_kb=1024 || fail "insmod failed"
expect_eq "cache size" "$(kdbt_stat cache_bytes_total)" 1048576
kdbt_control on || fail "on: $ctl_err"
rm -f "$stop"
workload 25 "$stop" > /tmp/workload.out 2>&1
rc=$?
cat /tmp/workload.out
[ $rc = 0 ] || fail "workload failed while the cache was refilled"
efault > /tmp/efault.on || fail "efault while on"
cmp -s /tmp/efault.native /tmp/efault.on || fail "efault differs from native"
grep -E '^(state|blocks|cache_bytes_used|cache_full|flushes|coverage) ' \
	/proc/kdbt/stats
expect_eq "state" "$(kdbt_stat state)" on
kdbt_num full cache_full
kdbt_num flushes flushes
[ "$full" -ge 1 ] || fail "the 1 MiB cache never filled"
[ "$flushes" -ge 1 ] || fail "a full cache was never flushed"
kdbt_num used cache_bytes_used
[ "$used" -le 1048576 ] || fail "cache_bytes_used $used beyond the limit"
kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
