# translate-hotplug.sh - CPUs going offline and coming back online while
# translation is on, under the workload: a CPU that comes online enters
# through the cache too (cpu_installs grows by one per CPU and per
# return), the workload stays correct, coverage stays high, and off and
# rmmod work afterwards.  Then 30 quick rounds (one CPU down and straight
# back up) with off/on cycles running.
# vm-smp: 4
# vm-timeout: 300
. /tests/lib.sh

stop=/tmp/translate-hotplug.stop
cleanup() {
	touch "$stop" "$stop.quick"
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
rm -f "$stop" "$stop.quick"
workload 40 "$stop" > /tmp/workload.out 2>&1 &
wl=$!
for round in 1 2 3; do
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
expect_eq "installs after 3 rounds of 3 CPUs" "$i1" $((i0 + 9))
kdbt_control reset || fail "reset: $ctl_err"
sleep 6
touch "$stop"
wait $wl
rc=$?
cat /tmp/workload.out
[ $rc = 0 ] || fail "workload failed across CPU hotplug"
grep -E '^(coverage|samples_cache|samples_native) ' /proc/kdbt/stats
coverage_at_least 99 "after the CPUs came back"
# A CPU brought back straight after it went down is reset with INIT
# wherever it is on its way to halt: it must not be holding kdbt's lock
# (it would stay held; kdbt_cpu_leaving()).  30 quick rounds, with off/on
# cycles and resets meanwhile.
( while [ ! -e "$stop.quick" ]; do
	kdbt_control off; kdbt_control on; kdbt_control reset; usleep 100000
  done ) &
sw=$!
for round in $(seq 1 30); do
	c=$((round % 3 + 1))
	echo 0 > /sys/devices/system/cpu/cpu$c/online ||
		fail "quick round $round: cpu$c offline"
	echo 1 > /sys/devices/system/cpu/cpu$c/online ||
		fail "quick round $round: cpu$c online"
done
touch "$stop.quick"
wait $sw
kdbt_control on || fail "on after the quick rounds: $ctl_err"
kdbt_num i2 cpu_installs
[ "$i2" -ge $((i1 + 30)) ] ||
	fail "installs after 30 quick rounds: $i2, want >= $((i1 + 30))"
kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
