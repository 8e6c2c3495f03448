# translate-off-leaves.sh - after off no CPU stays in the cache, though
# transparent-mode returns check slots of return addresses before the
# jumptable: off closes the slots' checks (kdbt_tr_slots()), so a return
# still leaves at its next execution, and the next on opens them again.
# kdbt_test_spin.ko's write of "spin" to /proc/kdbt_test_spin stays in
# the kernel, calling kdbt_spin_step() in a loop, until "stop".  Started while on, the loop
# runs from the cache: kdbt_spin_step's calls (/proc/kdbt/functions) grow.
# After off its steps go on but its calls stop (with the checks left
# open, its return hits its slot and the loop stays in the cache).  On
# again, a new spin is counted, and its returns hit their slot: the
# function's jumptable misses do not grow.  Prints the figures.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

SPIN=/bin/kdbt_test_spin.ko
P=/proc/kdbt_test_spin
cleanup() {
	[ -e $P ] && echo stop > $P
	wait
	grep -q '^kdbt_test_spin ' /proc/modules && rmmod kdbt_test_spin
	kdbt_leave
}
trap cleanup EXIT

# spin_counts VAR: "calls misses steps" of kdbt_spin_step into VAR.
spin_counts() {
	kdbt_read functions /tmp/functions
	_st=$(cat $P)
	eval "$1=\$(awk -v st=\$_st '\$1 == \"kdbt_spin_step\" { c += \$8; m += \$6 }
		END { printf \"%.0f %.0f %s\\n\", c, m, st }' /tmp/functions)"
}

# spin_window LABEL: spin_counts 1 s apart into c0 m0 s0 and c1 m1 s1,
# printed after LABEL.
spin_window() {
	spin_counts _a
	sleep 1
	spin_counts _b
	echo "$1: kdbt_spin_step calls misses steps: $_a -> $_b"
	set -- $_a $_b
	c0=$1 m0=$2 s0=$3 c1=$4 m1=$5 s1=$6
}

# spin_start: the spin, in the background; 1 s later it runs.
spin_start() {
	echo spin > $P &
	sleep 1
}

spin_stop() {
	echo stop > $P || fail "writing stop to $P"
	wait
}

[ -r $SPIN ] || fail "no $SPIN"
insmod "$KDBT_KO" || fail "insmod kdbt failed"
insmod $SPIN || fail "insmod kdbt_test_spin"
kdbt_control "mode transparent" || fail "mode: $ctl_err"
kdbt_control on || fail "on: $ctl_err"
spin_start
spin_window on
[ "$c1" -gt "$c0" ] ||
	fail "the spin does not run in the cache: calls $c0 -> $c1"
kdbt_control off || fail "off: $ctl_err"
sleep 1
spin_window off
[ "$s1" -gt "$s0" ] || fail "the spin stopped after off: steps $s0 -> $s1"
[ "$c1" = "$c0" ] ||
	fail "a CPU stays in the cache after off: kdbt_spin_step's calls $c0 -> $c1 while the spin made $s0 -> $s1 steps"
spin_stop
kdbt_control on || fail "on again: $ctl_err"
spin_start
spin_window "on again"
[ "$c1" -gt "$c0" ] || fail "on again: the spin is not counted: calls $c0 -> $c1"
[ "$m1" = "$m0" ] ||
	fail "on again: kdbt_spin_step's returns miss their slots: misses $m0 -> $m1 over $c0 -> $c1 calls"
spin_stop
kdbt_control off || fail "off: $ctl_err"
echo "figure: a spin left the cache at off and was counted again after on"
