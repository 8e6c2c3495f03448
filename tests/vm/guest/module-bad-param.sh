# module-bad-param.sh - a load that cannot complete fails with a clear
# message and leaves nothing behind: a missing selftest function, and a
# cache_kb= outside kdbt(4)'s 256..32764 (4194304 once wrapped to a
# 0-byte cache).
# vm-timeout: 60
. /tests/lib.sh

mark=$(dmesg_mark)
insmod "$KDBT_KO" selftest_fn=kdbt_no_such_function 2>/tmp/err &&
	fail "insmod with a missing function succeeded"
cat /tmp/err
dmesg_since "$mark" | grep -q 'kdbt: selftest: no kernel function kdbt_no_such_function' ||
	fail "no dmesg line naming the missing function"
grep -q '^kdbt ' /proc/modules && fail "kdbt is loaded after a failed init"
[ -e /proc/kdbt ] && fail "/proc/kdbt left behind by a failed init"
for kb in 4194304 255 32765 -1 12x; do
	mark=$(dmesg_mark)
	insmod "$KDBT_KO" cache_kb=$kb 2>/tmp/err &&
		fail "insmod with cache_kb=$kb succeeded"
	grep -q 'Invalid argument' /tmp/err ||
		fail "cache_kb=$kb: not EINVAL: $(cat /tmp/err)"
	dmesg_since "$mark" | grep -q "invalid for parameter .cache_kb." ||
		fail "cache_kb=$kb: no dmesg line naming the parameter"
	[ -e /proc/kdbt ] && fail "/proc/kdbt left behind by cache_kb=$kb"
done
echo "cache_kb outside 256..32764 refused with EINVAL"
for kb in 256 32764; do
	insmod "$KDBT_KO" cache_kb=$kb || fail "insmod cache_kb=$kb"
	expect_eq "cache_kb" "$(cat /sys/module/kdbt/parameters/cache_kb)" $kb
	rmmod kdbt || fail "rmmod"
done
# And a good load still works afterwards.
insmod "$KDBT_KO" || fail "insmod after a failed one"
expect_eq "default cache_kb" "$(cat /sys/module/kdbt/parameters/cache_kb)" 32764
rmmod kdbt || fail "rmmod"
echo "failed load left nothing behind"
