# traces-proc-stack.sh - the kernel's own stack traces name native code
# while translated (issue 29; kmod/traces.c): /proc/PID/stack of a task
# asleep in nanosleep is, line for line and offset for offset, what it
# is natively - in fast mode, where every return address on that stack
# is a cache address (the sleeper from before on: block entries put in
# place of its return addresses; one started while on: translated
# calls' return sites), and in transparent mode.  trace_maps counts the
# addresses mapped.  And sysrq-l, with the other CPU copying in the
# kernel: no line of either CPU's backtrace names the cache, in either
# mode, "? " lines included (stale words: a transparent-mode return's
# indirect entry for entry code printed as "? kdbt_cache+0x..." on every
# backtrace until 2026-12-07), the writing CPU's (dump_stack() translated)
# has its native frames in order, and the copying CPU's, walked from its
# interrupted registers (in translated code: the native state they stand
# for, kdbt_native_state(); trace_frame_maps counts them), reaches its
# read or write system call, as natively (checked first, before insmod).  Then off: the same lines again, and rmmod.
# Without the mapping, fast mode shows one line, kdbt_cache+0x....
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

trap 'kill $old $new $busy 2>/dev/null; dmesg -n 8; kdbt_leave' EXIT

# asleep PID: wait until PID sleeps in nanosleep or clock_nanosleep
# (/proc/PID/syscall: system call 35 or 230, not read through the stack).
asleep() {
	_i=0
	while [ $_i -lt 50 ]; do
		read -r _nr _ < "/proc/$1/syscall"
		case $_nr in 35|230) sleep 0.2; return 0 ;; esac
		sleep 0.1
		_i=$((_i + 1))
	done
	fail "pid $1 is not in nanosleep after 5 s (/proc/$1/syscall: $_nr)"
}
# stack_of PID FILE: /proc/PID/stack without the hidden addresses.
stack_of() {
	sed 's/^\[<[0-9a-f]*>\] //' "/proc/$1/stack" > "$2"
}
# same_stack WHAT FILE: FILE must equal the native stack, line for line.
same_stack() {
	cmp -s /tmp/stack.native "$2" && return 0
	echo "native:"; sed 's/^/  /' /tmp/stack.native
	echo "$1:"; sed 's/^/  /' "$2"
	fail "$1: /proc/PID/stack differs from the native one"
}
# busy_stack MODE: /proc/PID/stack of the old sleeper while the lock
# seems busy to the stack-trace callbacks for 1.5 s (inject_lock_busy_ms,
# as a holder whose vCPU the host descheduled would make it): the maps
# take no lock (until 2026-12-07 they waited for it up to 10 ms and left
# the frame raw).
busy_stack() {
	tick _t0
	echo 1500 > /sys/module/kdbt/parameters/inject_lock_busy_ms ||
		fail "$1: inject_lock_busy_ms"
	stack_of $old /tmp/stack.busy
	tick _t1
	echo 0 > /sys/module/kdbt/parameters/inject_lock_busy_ms
	same_stack "$1, read while the lock seemed busy" /tmp/stack.busy
	echo "$1: /proc/PID/stack while the lock seemed busy: as natively ($(((_t1 - _t0) * 10)) ms)"
	[ $(((_t1 - _t0) * 10)) -lt 1500 ] ||
		fail "$1: the read took $(((_t1 - _t0) * 10)) ms, not within the 1.5 s the lock seemed busy"
}
# sysrq_l MODE: sysrq-l's backtraces (kept off the console: its
# "Call Trace:" would read as a kernel problem) while another CPU copies
# in the kernel; none names the cache, the writer's frames in order.
sysrq_l() {
	dd if=/dev/zero of=/dev/null bs=64k count=1000000 2>/dev/null &
	busy=$!
	sleep 1
	for _try in 1 2 3; do
		dmesg -n 1
		_mk=$(dmesg_mark)
		echo l > /proc/sysrq-trigger
		sleep 2
		dmesg -n 8
		dmesg_since "$_mk" | sed 's/^\[[ 0-9.]*\] //' > /tmp/sysrq.$1
		# the copying CPU's part: the one the writer is not in
		awk '/NMI backtrace for cpu/ { n++ } { print n + 0 "|" $0 }' \
			/tmp/sysrq.$1 > /tmp/sysrq.cpus
		_w=$(grep -m 1 '| write_sysrq_trigger+' /tmp/sysrq.cpus | cut -d'|' -f1)
		grep -v -e "^$_w|" -e '^0|' /tmp/sysrq.cpus | cut -d'|' -f2- \
			> /tmp/sysrq.other
		# again if interrupted in user mode (dd's own code: no kernel
		# frames), or if a walk's map gave up on a busy lock (a host
		# that deschedules the holder's vCPU, docs/LIMITS.md)
		grep -Eq '^ (ksys|vfs)_(read|write)\+' /tmp/sysrq.other && break
	done
	kill $busy
	wait $busy 2>/dev/null
	# Its frames from the interrupt on, read from its interrupted
	# registers (in translated code: their native state, part R).
	if ! grep -Eq '^ (ksys_read|vfs_read|ksys_write|vfs_write|__x64_sys_read|__x64_sys_write)\+' /tmp/sysrq.other; then
		sed 's/^/  /' /tmp/sysrq.other | head -n 30
		fail "$1: sysrq-l: the copying CPU's backtrace has no read or write system call frame"
	fi
	echo "$1: sysrq-l: the copying CPU: $(grep -c '^ [a-z_]' /tmp/sysrq.other) frame lines, $(grep -Eo '^ (ksys|vfs)_(read|write)' /tmp/sysrq.other | head -n 1 | tr -d ' ') among them"
	_n=$(grep -c 'NMI backtrace for cpu' /tmp/sysrq.$1)
	_c=$(grep -c 'kdbt_cache' /tmp/sysrq.$1)
	_q=$(grep -c '^ ? kdbt_cache' /tmp/sysrq.$1)
	echo "$1: sysrq-l: $_n CPUs, $(grep -c '^ ' /tmp/sysrq.$1) lines of frames, $_c with kdbt_cache, $_q of them '? ' lines"
	[ "$_n" -ge 2 ] || fail "$1: sysrq-l showed $_n CPUs, want 2"
	if [ "$_c" -ne 0 ]; then
		grep -B 3 kdbt_cache /tmp/sysrq.$1 | head -n 20 | sed 's/^/  /'
		fail "$1: sysrq-l printed $_c cache addresses"
	fi
	grep '^ [a-z_]' /tmp/sysrq.$1 | sed 's/^ //; s/+.*//' |
		awk '$0 == "write_sysrq_trigger" { w = NR } $0 == "ksys_write" && w { k = NR }
		     $0 == "do_syscall_64" && k { d = 1 } END { exit !d }' ||
		fail "$1: sysrq-l: the writer's frames are not write_sysrq_trigger, ksys_write, do_syscall_64 in order"
}

sleep 1000 &
old=$!
asleep $old
stack_of $old /tmp/stack.native
echo "native stack of a task in nanosleep:"
sed 's/^/  /' /tmp/stack.native
grep -q 'nanosleep' /tmp/stack.native ||
	fail "no nanosleep function in the native stack"

sysrq_l native

insmod "$KDBT_KO" || fail "insmod failed"
for m in fast transparent; do
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	kdbt_control on || fail "$m: on: $ctl_err"
	kdbt_num t0 trace_maps
	sleep 1000 &
	new=$!
	asleep $new
	stack_of $old /tmp/stack.old
	stack_of $new /tmp/stack.new
	kdbt_num t1 trace_maps
	echo "$m: the sleeper from before on:"
	sed 's/^/  /' /tmp/stack.old
	same_stack "$m, asleep since before on" /tmp/stack.old
	same_stack "$m, asleep since on" /tmp/stack.new
	busy_stack $m
	echo "$m: trace_maps +$((t1 - t0))"
	if [ $m = fast ]; then
		[ $((t1 - t0)) -ge 2 ] ||
			fail "fast: trace_maps grew by $((t1 - t0)): no cache address was mapped"
	fi
	kill $new
	wait $new 2>/dev/null
	kdbt_num f0 trace_frame_maps
	sysrq_l $m
	kdbt_num f1 trace_frame_maps
	echo "$m: trace_frame_maps +$((f1 - f0))"
	kdbt_control off || fail "$m: off: $ctl_err"
	stack_of $old /tmp/stack.off
	same_stack "$m, after off" /tmp/stack.off
done
rmmod kdbt || fail "rmmod failed"
stack_of $old /tmp/stack.unloaded
same_stack "after rmmod" /tmp/stack.unloaded
