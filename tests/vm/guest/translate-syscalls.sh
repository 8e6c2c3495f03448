# translate-syscalls.sh - with translation on, the system calls of
# every CPU run from the code cache and behave exactly as natively, in
# transparent mode and then in fast mode, each in its own module load.
#
# Per mode: `mode M` while off; an unknown word fails with EINVAL and one
# dmesg line; `on`; `mode` fails with EBUSY while on; the workload mix
# runs 10 s while the stats are sampled (state on, instructions never go
# back, instructions and blocks grow); efault's output equals its native
# output line for line (EFAULT from faulting user accesses, exact partial
# copies); `off`; `mode` works again.  Transparent mode: rmmod then
# succeeds, and in a second load rmmod while on (under the workload)
# switches off and unloads (kdbt(4), UNLOADING).  Fast mode comes last:
# rmmod is refused while on and the kernel keeps working; after off
# (which rewrites the cache return addresses on every stack) it succeeds.
# Its boot is the fast-mode tests' (kdbt_test_boot=fast), apart from the
# rest: had off failed, kdbt would stay pinned.
# vm-smp: 2
# vm-timeout: 90
# vm-append: kdbt_test_boot=fast
. /tests/lib.sh

stop=/tmp/translate-syscalls.stop
# Whatever happens, stop the workload and leave the kernel native, and
# kdbt unloaded where it can be, for the tests after this one.
cleanup() {
	touch "$stop"
	[ "$(kdbt_stat state 2>/dev/null)" = on ] && kdbt_control off
	# Fails harmlessly if fast mode could not rewrite the stacks.
	grep -q '^kdbt ' /proc/modules && rmmod kdbt 2>/dev/null
}
trap cleanup EXIT

efault > /tmp/efault.native ||
	fail "efault fails natively: $(grep FAIL /tmp/efault.native)"

session() {	# session MODE OTHER_MODE
	m=$1
	echo "== $m mode"
	insmod "$KDBT_KO" || fail "$m: insmod failed"
	kdbt_control "mode $m" || fail "$m: 'mode $m' while off: $ctl_err"
	expect_eq "$m: mode" "$(kdbt_stat mode)" "$m"
	expect_eq "$m: state before on" "$(kdbt_stat state)" off

	mark=$(dmesg_mark)
	control_fails bogus "Invalid argument"
	expect_eq "$m: kdbt dmesg lines after 'bogus'" \
		"$(dmesg_since "$mark" | grep -c kdbt)" 1

	kdbt_control on || fail "$m: on: $ctl_err"
	expect_eq "$m: state after on" "$(kdbt_stat state)" on
	kdbt_num i0 instructions
	kdbt_num b0 blocks
	control_fails "mode $2" "Device or resource busy"
	control_fails "mode $m" "Device or resource busy"
	control_fails bogus "Invalid argument"
	expect_eq "$m: mode while on" "$(kdbt_stat mode)" "$m"
	if [ "$m" = fast ]; then
		rmmod kdbt 2>/dev/null && fail "$m: rmmod succeeded while on"
		grep -q '^kdbt ' /proc/modules || fail "$m: kdbt gone while on"
		expect_eq "$m: state after the refused rmmod" \
			"$(kdbt_stat state)" on
	fi

	rm -f "$stop"
	workload 10 "$stop" > /tmp/workload.out 2>&1 &
	wl=$!
	prev=$i0
	for s in 1 2 3 4 5; do
		sleep 2
		expect_eq "$m: state, sample $s" "$(kdbt_stat state)" on
		kdbt_num i instructions
		kdbt_num b blocks
		echo "sample $s: instructions $i blocks $b"
		[ "$i" -ge "$prev" ] ||
			fail "$m: instructions went back from $prev to $i"
		prev=$i
	done
	wait $wl
	rc=$?
	cat /tmp/workload.out
	[ $rc = 0 ] || fail "$m: workload failed while translated"

	efault > /tmp/efault.on
	rc=$?
	if [ $rc != 0 ] || ! cmp -s /tmp/efault.native /tmp/efault.on; then
		diff /tmp/efault.native /tmp/efault.on
		fail "$m: efault differs from its native run (exit $rc)"
	fi
	tail -n 1 /tmp/efault.on

	expect_eq "$m: state before off" "$(kdbt_stat state)" on
	cat /proc/kdbt/stats
	kdbt_num i1 instructions
	kdbt_num b1 blocks
	kdbt_num d1 dispatches
	kdbt_num used cache_bytes_used
	kdbt_num total cache_bytes_total
	kdbt_num x extable_entries
	[ "$i1" -gt "$i0" ] || fail "$m: instructions did not grow ($i0 -> $i1)"
	[ "$b1" -gt "$b0" ] || fail "$m: blocks did not grow ($b0 -> $b1)"
	[ "$d1" -gt 0 ] || fail "$m: no dispatches"
	[ "$used" -gt 0 ] && [ "$used" -le "$total" ] ||
		fail "$m: cache_bytes_used $used of $total"

	kdbt_control off || fail "$m: off: $ctl_err"
	expect_eq "$m: state after off" "$(kdbt_stat state)" off
	kdbt_control "mode $m" || fail "$m: 'mode $m' after off: $ctl_err"
	efault > /tmp/efault.after || fail "$m: efault fails after off"
	echo "$m: $i1 instructions, $b1 blocks, $d1 dispatches," \
		"$used cache bytes, $x extable entries"
}

session transparent fast
rmmod kdbt || fail "transparent: rmmod after off failed"
[ -e /proc/kdbt ] && fail "transparent: /proc/kdbt left after rmmod"

echo "== transparent mode, rmmod while on"
insmod "$KDBT_KO" || fail "insmod for rmmod while on failed"
kdbt_control "mode transparent" || fail "'mode transparent': $ctl_err"
kdbt_control on || fail "on: $ctl_err"
rm -f "$stop"
workload 6 "$stop" > /tmp/workload.out 2>&1 &
wl=$!
sleep 3
expect_eq "state before rmmod" "$(kdbt_stat state)" on
rmmod kdbt || fail "transparent: rmmod while on failed"
grep -q '^kdbt ' /proc/modules && fail "kdbt still loaded after rmmod"
[ -e /proc/kdbt ] && fail "/proc/kdbt left after rmmod while on"
wait $wl
rc=$?
cat /tmp/workload.out
[ $rc = 0 ] || fail "workload failed across rmmod while on"
efault > /tmp/efault.after || fail "efault fails after rmmod while on"

session fast transparent
# Off rewrote every cache return address on every kernel stack (kdbt(4),
# UNLOADING), so the module may go.
kdbt_num sr stack_rewrites
echo "fast: $sr stack words rewritten at off"
rmmod kdbt || fail "fast: rmmod after off failed"
efault > /tmp/efault.after || fail "fast: efault fails after rmmod"
echo "both modes translated the workload and efault"
