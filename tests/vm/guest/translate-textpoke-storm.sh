# translate-textpoke-storm.sh - a static key in the scheduler's hottest
# path flipped while both CPUs switch tasks from the code cache, in
# transparent mode and then in fast mode: 15 enables and disables of the
# sched_switch tracepoint (each a text_poke_bp() batch on __schedule's
# jump-label site) under the pipes and signals workloads.  While a batch
# is in flight its sites hold an int3; a CPU that meets one in the cache
# must not be sent to the native int3 (the dispatcher reads the batch's
# new bytes instead, textpoke.c): under QEMU's TCG, native code met on a
# page that a poke empties of translated blocks can keep a stale int3,
# and both CPUs then loop in the int3 handler (the KVM hang of kdbt(7)).
# Checks: no hang, the workload passes, sched_switch events are traced
# while enabled and none after, and text_poke_overlays grows (with the
# int3 copied or sent native instead it stays 0).
# vm-smp: 2
# vm-timeout: 240
. /tests/lib.sh

TP=/sys/kernel/tracing
storm_cleanup() {
	touch /tmp/storm.stop
	echo 0 2>/dev/null > $TP/events/sched/sched_switch/enable
	kdbt_leave
}
trap storm_cleanup EXIT

storm() {
	_m=$1
	insmod "$KDBT_KO" || fail "$_m: insmod failed"
	kdbt_control "mode $_m" || fail "mode $_m: $ctl_err"
	kdbt_control on || fail "$_m: on: $ctl_err"
	kdbt_num _o0 text_poke_overlays
	rm -f /tmp/storm.stop
	/bin/workload 600 /tmp/storm.stop pipes signals > /tmp/storm.wl 2>&1 &
	_wl=$!
	_i=0
	while [ $_i -lt 15 ]; do
		echo 1 > $TP/events/sched/sched_switch/enable ||
			fail "$_m: enabling sched_switch ($_i)"
		echo 0 > $TP/events/sched/sched_switch/enable ||
			fail "$_m: disabling sched_switch ($_i)"
		_i=$((_i + 1))
	done
	touch /tmp/storm.stop
	wait $_wl || { cat /tmp/storm.wl; fail "$_m: the workload failed"; }
	cat /tmp/storm.wl
	kdbt_num _o1 text_poke_overlays
	echo "$_m: batch sites read as their new bytes: $((_o1 - _o0))"
	[ $((_o1 - _o0)) -gt 0 ] ||
		fail "$_m: text_poke_overlays did not grow in 30 flips"
	echo > $TP/trace
	echo 1 > $TP/events/sched/sched_switch/enable
	sleep 1
	echo 0 > $TP/events/sched/sched_switch/enable
	_n=$(grep -c 'sched_switch:' $TP/trace)
	echo "$_m: sched_switch events in 1 s: $_n"
	[ "$_n" -gt 0 ] || fail "$_m: no sched_switch event traced"
	sleep 1
	expect_eq "$_m: events after disabling" \
		"$(grep -c 'sched_switch:' $TP/trace)" "$_n"
	expect_eq "$_m: state" "$(kdbt_stat state)" on
	kdbt_control off || fail "$_m: off: $ctl_err"
	rmmod kdbt || fail "$_m: rmmod failed"
}
storm transparent
storm fast
