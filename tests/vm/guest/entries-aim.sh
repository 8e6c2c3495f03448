# entries-aim.sh - every on leads every system call into the cache, and
# every off leads them all out: 8 on/off cycles per mode while a
# background loop makes system calls on both CPUs, so that a CPU is
# (re)translating the entry trampolines' page when on or off aims them.
# After each on and each off, `getppid --pin 1000 2` makes 1000 calls on
# each CPU: the block at __x64_sys_getppid must count exactly those made
# while on (8 x 2000), none made while off.
# Under QEMU's TCG a CPU translating a trampoline while its aim was
# stored kept the old jmp (entries.c, publish_aims()).  Before the fix,
# two runs with 12 cycles per mode counted 18000 of 24000 (three ons of
# twelve left every system call native), and the second guest then
# oopsed at rmmod: a system call still entered the freed cache (an off's
# aim not taken).
# vm-smp: 2
# vm-timeout: 150
. /tests/lib.sh

burn=
cleanup() {
	[ -n "$burn" ] && kill "$burn" 2>/dev/null
	wait
	kdbt_leave
}
trap cleanup EXIT

A=
# gp_count: the executions of the blocks at __x64_sys_getppid so far.
gp_count() {
	kdbt_read blocks /tmp/aim.blocks
	block_at /tmp/aim.blocks 5 "$A"
}

# calls WHAT: 1000 getppid() calls on each CPU.
calls() {
	_n=$(getppid --pin 1000 2) || fail "$1: getppid --pin 1000 2 failed"
	expect_eq "$1: getppid calls made" "$_n" 2000
}

# cycles MODE: 8 on/off cycles, 2000 calls after each on and each off;
# the first on of the mode empties the cache, the others keep it (and
# its counts), so the block at __x64_sys_getppid must gain exactly
# 8 x 2000 executions from the first on to the last off.
cycles() {
	kdbt_control "mode $1" || fail "mode $1: $ctl_err"
	kdbt_control on || fail "$1: first on: $ctl_err"
	_c0=$(gp_count)
	_i=0
	while [ $_i -lt 8 ]; do
		[ $_i = 0 ] || kdbt_control on || fail "$1: on $_i: $ctl_err"
		calls "$1: after on $_i"
		kdbt_control off || fail "$1: off $_i: $ctl_err"
		calls "$1: after off $_i"
		_i=$((_i + 1))
	done
	_c1=$(gp_count)
	echo "figure: $1: 8 on/off cycles: +$((_c1 - _c0)) executions of the block at __x64_sys_getppid for 16000 calls while on and 16000 while off"
	expect_eq "$1: executions of the block at __x64_sys_getppid in 8 cycles" \
		$((_c1 - _c0)) 16000
}

insmod "$KDBT_KO" || fail "insmod failed"
A=$(ksym_addr __x64_sys_getppid)
[ -n "$A" ] || fail "no __x64_sys_getppid in /proc/kallsyms"
getppid --burn 600 2 > /dev/null &
burn=$!
cycles fast
cycles transparent
kill "$burn"
burn=
wait
rmmod kdbt || fail "rmmod failed"
