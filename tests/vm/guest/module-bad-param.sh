# module-bad-param.sh - a load that cannot complete fails with a clear
# message and leaves nothing behind.
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
# And a good load still works afterwards.
insmod "$KDBT_KO" || fail "insmod after a failed one"
rmmod kdbt || fail "rmmod"
echo "failed load left nothing behind"
