# translate-hotplug.sh - CPUs going offline and coming back online while
# translation is on, under the workload: a CPU that comes online enters
# through the cache too (cpu_installs grows by one per CPU and per
# return), the workload stays correct, coverage stays high, and off and
# rmmod work afterwards.
# vm-smp: 4
# vm-timeout: 120
. /tests/lib.sh

stop=/tmp/translate-hotplug.stop
cleanup() {
	touch "$stop"
	for c in 1 2 3; do
		echo 1 > /sys/devices/system/cpu/cpu$c/online 2>/dev/null
	done
	[ "$(kdbt_stat state 2>/dev/null)" = on ] && kdbt_control off
	grep -q '^kdbt ' /proc/modules && rmmod kdbt
}
trap cleanup EXIT

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
kdbt_num i0 cpu_installs
expect_eq "CPUs entering through the cache at on" "$i0" 4
rm -f "$stop"
workload 40 "$stop" > /tmp/workload.out 2>&1 &
wl=$!
for round in 1 2 3 4 5; do
	for c in 1 2 3; do
		echo 0 > /sys/devices/system/cpu/cpu$c/online ||
			fail "round $round: cpu$c offline"
	done
	sleep 1
	for c in 1 2 3; do
		echo 1 > /sys/devices/system/cpu/cpu$c/online ||
			fail "round $round: cpu$c online"
	done
	sleep 1
done
kdbt_num i1 cpu_installs
expect_eq "installs after 5 rounds of 3 CPUs" "$i1" $((i0 + 15))
kdbt_control reset || fail "reset: $ctl_err"
sleep 10
touch "$stop"
wait $wl
rc=$?
cat /tmp/workload.out
[ $rc = 0 ] || fail "workload failed across CPU hotplug"
grep -E '^(coverage|samples_cache|samples_native) ' /proc/kdbt/stats
coverage_at_least 99 "after the CPUs came back"
kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
