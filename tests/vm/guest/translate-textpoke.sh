# translate-textpoke.sh - kernel text patched while it runs translated:
# the translated kernel must observe every change (textpoke.c).
#
# With translation on and the open path already translated (warm-up):
#   - a kprobe attached to do_sys_openat2 must count hits for opens made
#     afterwards (kprobe_profile), and stop counting once removed;
#   - enabling the sched_process_exec tracepoint flips its static key
#     (a jump label): execs made afterwards must appear in the trace;
#   - disabling it again must stop new events.
# Without invalidation the cache keeps the old bytes and sees neither.
# vm-smp: 2
# vm-timeout: 90
. /tests/lib.sh

T=/sys/kernel/tracing
cleanup() {
	echo 0 2>/dev/null > $T/events/kprobes/kdbtprobe/enable
	echo '-:kdbtprobe' 2>/dev/null >> $T/kprobe_events
	echo 0 2>/dev/null > $T/events/sched/sched_process_exec/enable
	[ "$(kdbt_stat state 2>/dev/null)" = on ] && kdbt_control off
	grep -q '^kdbt ' /proc/modules && rmmod kdbt
}
trap cleanup EXIT

[ -e $T/kprobe_events ] || fail "no tracefs at $T"
opens() {	# opens N: N opens of /proc/version
	_i=0
	while [ $_i -lt "$1" ]; do
		read -r _l < /proc/version
		_i=$((_i + 1))
	done
}
hits() {	# the kprobe's hit count
	while read -r _name _hits _miss; do
		[ "$_name" = kdbtprobe ] && { echo "$_hits"; return; }
	done < $T/kprobe_profile
	echo 0
}

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
opens 50
kdbt_num p0 text_pokes
kdbt_num v0 invalidated_blocks

echo 'p:kdbtprobe do_sys_openat2' > $T/kprobe_events || fail "kprobe_events"
echo 1 > $T/events/kprobes/kdbtprobe/enable || fail "enabling the kprobe"
h0=$(hits)
opens 20
h1=$(hits)
echo "kprobe hits: $h0 before, $h1 after 20 opens"
[ $((h1 - h0)) -ge 20 ] || fail "translated opens missed the kprobe ($h0 -> $h1)"
echo 0 > $T/events/kprobes/kdbtprobe/enable
echo '-:kdbtprobe' >> $T/kprobe_events || fail "removing the kprobe"

echo > $T/trace
echo 1 > $T/events/sched/sched_process_exec/enable || fail "enabling the tracepoint"
for i in 1 2 3 4 5; do /bin/true; done
echo 0 > $T/events/sched/sched_process_exec/enable
n=$(grep -c 'sched_process_exec' $T/trace)
echo "sched_process_exec events: $n"
[ "$n" -ge 5 ] || fail "translated execs missed the tracepoint: $n events"
for i in 1 2 3; do /bin/true; done
expect_eq "events after disabling" "$(grep -c 'sched_process_exec' $T/trace)" "$n"

kdbt_num p1 text_pokes
kdbt_num v1 invalidated_blocks
echo "text pokes seen: $((p1 - p0)), blocks invalidated: $((v1 - v0))"
[ $((p1 - p0)) -gt 0 ] || fail "no text poke seen"
[ $((v1 - v0)) -gt 0 ] || fail "no block invalidated"
expect_eq "state" "$(kdbt_stat state)" on
kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
