# chunked-walks.sh - a reset, a cache flush and text pokes never
# walk the whole cache with interrupts off (issue 24): with the cache
# filled by the workload mix (at least 3 x 4096 blocks), a reset while on,
# tracepoints and the function tracer switched on and off while on and
# while off (static keys, ftrace sites: __text_poke), and a flush (a mode
# change while off, then on), /proc/kdbt/stats' locked_walk_max (the most
# blocks or table entries a reset or flush walked in one hold of the lock)
# stays within the walk step (4096) plus 2048 made meanwhile, and
# invalidate_examined_max (the most blocks one invalidation looked at)
# within 2 x 4096 and an eighth of the cache's blocks - where walking
# every block would give the cache's size.  (Within 4096 until taken
# copies were derived and value profiles made slot copies: a hot page
# holds more blocks now - 4472 of 91368 once.)
# The workload must pass throughout.
# One QEMU thread runs both CPUs (thread=single): the function tracer and
# tracepoints flipped over and over are QEMU 7.2's multi-threaded TCG
# race at its likeliest (docs/KERNEL.md, section 5: a translation made
# while another vCPU writes its page keeps the batch's int3, and 6.1's
# kprobe handler backs every CPU up to it for ever - CI hung so once,
# both CPUs in exc_int3).  What this test measures is counts, not
# parallel speed; the text-poke tests keep multi-threaded TCG.
# vm-smp: 2
# vm-timeout: 240
# vm-qemu: -accel tcg,thread=single
. /tests/lib.sh

STEP=4096
TP=/sys/kernel/tracing
STOP=/tmp/chunked-walks.stop

cleanup() {
	touch $STOP
	echo nop 2>/dev/null > $TP/current_tracer
	echo 2>/dev/null > $TP/set_ftrace_filter
	echo 0 2>/dev/null > $TP/events/enable
	echo 1 2>/dev/null > $TP/tracing_on
	kdbt_leave
}
trap cleanup EXIT

# pokes: tracepoint groups on and off, the function tracer on a set of
# functions and off, ROUNDS times (every flip of a static key or an ftrace
# site goes through __text_poke).
pokes() {
	_r=0
	while [ $_r -lt "$1" ]; do
		for _g in sched irq timer syscalls signal; do
			echo 1 > $TP/events/$_g/enable || fail "enabling events/$_g"
			echo 0 > $TP/events/$_g/enable
		done
		echo 'vfs_*' > $TP/set_ftrace_filter || fail "set_ftrace_filter"
		echo function > $TP/current_tracer || fail "function tracer on"
		echo nop > $TP/current_tracer
		echo > $TP/set_ftrace_filter
		_r=$((_r + 1))
	done
}

[ -e $TP/current_tracer ] || fail "no tracefs at $TP"
echo 0 > $TP/tracing_on
insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
rm -f $STOP
workload 60 $STOP forkexec fileio pipes sockets signals mmap timers \
	> /tmp/workload.out 2>&1 &
wl=$!
sleep 25
kdbt_num blocks blocks
echo "figure: blocks before the reset $blocks"
[ "$blocks" -ge $((3 * STEP)) ] ||
	fail "the workload made only $blocks blocks, want >= $((3 * STEP))"

kdbt_control reset || fail "reset while on: $ctl_err"
kdbt_num p0 text_pokes
kdbt_num v0 invalidated_blocks
tick t0
pokes 3
tick t1
kdbt_num p1 text_pokes
kdbt_num v1 invalidated_blocks
echo "figure: while on: $((p1 - p0)) text pokes, $((v1 - v0)) blocks invalidated, $(((t1 - t0) * 10)) ms"
[ $((v1 - v0)) -gt 0 ] || fail "no block invalidated while on"
touch $STOP
wait $wl || { cat /tmp/workload.out; fail "the workload failed while translated"; }

kdbt_control off || fail "off: $ctl_err"
tick t0
pokes 2
tick t1
kdbt_num p2 text_pokes
echo "figure: while off: $((p2 - p1)) text pokes, $(((t1 - t0) * 10)) ms"
kdbt_control "mode fast" || fail "mode fast: $ctl_err"
kdbt_num f0 flushes
kdbt_control on || fail "on in fast mode (a flush): $ctl_err"
kdbt_num f1 flushes
[ $((f1 - f0)) -ge 1 ] || fail "on after a mode change did not flush"
kdbt_control reset || fail "reset after the flush: $ctl_err"
kdbt_control off || fail "off in fast mode: $ctl_err"

kdbt_num walk locked_walk_max
kdbt_num examined invalidate_examined_max
echo "figure: locked_walk_max $walk, invalidate_examined_max $examined (blocks $blocks)"
[ "$walk" -le $((STEP + 2048)) ] ||
	fail "locked_walk_max $walk > $((STEP + 2048)): a reset or flush walked the cache with the lock held"
[ "$examined" -le $((2 * STEP)) ] && [ "$examined" -lt $((blocks / 8)) ] ||
	fail "invalidate_examined_max $examined > $((2 * STEP)) or >= $((blocks / 8)) (of $blocks blocks): an invalidation looked at every block"
rmmod kdbt || fail "rmmod failed"
