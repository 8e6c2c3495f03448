# translate-onoff.sh - 200 on/off cycles in transparent
# mode while the workload mix runs on every CPU; the state follows each
# write, every workload round stays correct, and rmmod succeeds at the
# end.  Every 20th cycle stays on for 0.2 s and the instruction count must
# then be positive.  Under TCG with the workload a cycle takes 0.3-1.2 s
# (mostly relinking the working set after each on), more on 4 CPUs; the
# guest timeout, not a clock, bounds the run.
# (translate-onoff-smp4.sh runs the same on 4 CPUs: keep the two in step.)
# vm-smp: 2
# vm-timeout: 420
. /tests/lib.sh

stop=/tmp/translate-onoff.stop
# Whatever happens, stop the workload and leave the kernel native, and
# kdbt unloaded where it can be, for the tests after this one.
cleanup() {
	touch "$stop"
	[ "$(kdbt_stat state 2>/dev/null)" = on ] && kdbt_control off
	# Transparent mode unloads; after fast mode this fails, harmlessly.
	grep -q '^kdbt ' /proc/modules && rmmod kdbt 2>/dev/null
}
trap cleanup EXIT

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control "mode transparent" || fail "'mode transparent': $ctl_err"
expect_eq "mode" "$(kdbt_stat mode)" transparent
rm -f "$stop"
workload 400 "$stop" > /tmp/workload.out 2>&1 &
wl=$!
sleep 1
# tick: hundredths of a second since boot, in $cs, without forking.
tick() {
	read -r cs _ < /proc/uptime
	cs=${cs%.*}${cs#*.}
}
tick
t0=$cs
n=0
while [ $n -lt 200 ]; do
	i=$((n + 1))
	kdbt_control on || fail "cycle $i: on: $ctl_err"
	kdbt_get s state
	[ "$s" = on ] || fail "cycle $i: state '$s' after on"
	if [ $((i % 20)) = 0 ]; then
		usleep 200000
		kdbt_num c instructions
		[ "$c" -gt 0 ] || fail "cycle $i: no instructions in 0.2 s"
		echo "cycle $i: $c instructions"
	fi
	kdbt_control off || fail "cycle $i: off: $ctl_err"
	kdbt_get s state
	[ "$s" = off ] || fail "cycle $i: state '$s' after off"
	n=$i
	tick
done
echo "$n on/off cycles in $(((cs - t0) / 100)) s"
touch "$stop"
wait $wl
rc=$?
cat /tmp/workload.out
[ $rc = 0 ] || fail "workload failed during the on/off cycles"
grep -E '^(switchons|switchoffs|flushes) ' /proc/kdbt/stats
expect_eq "state at the end" "$(kdbt_stat state)" off
rmmod kdbt || fail "rmmod after the cycles failed"
[ -e /proc/kdbt ] && fail "/proc/kdbt left after rmmod"
efault > /tmp/efault.after || fail "efault fails after rmmod"
echo "$n on/off cycles under load, then rmmod"
