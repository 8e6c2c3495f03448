# translate-livepatch.sh - livepatch and translation (kmod/refuse.c),
# with kdbt_test_klp.ko (tests/vm/modules: replaces cmdline_proc_show(),
# the reader of /proc/cmdline) and the old function already translated.
# Transparent mode: the patch loads while on, its transition completes
# (every task switched, which needs reliable stack traces), the
# translated kernel runs the new function, and after the patch is
# disabled and removed, the old one again.  Fast mode, where every
# sleeping task's stack holds cache return addresses that the unwinder
# follows only through kdbt's hooks (kmod/traces.c): the same, patched
# and unpatched while on; then loaded while off, it is seen while on.
# (Without the hooks kdbt refuses the patch in fast mode: refuse.c.)
# vm-smp: 2
# vm-timeout: 240
. /tests/lib.sh

K=/sys/kernel/livepatch/kdbt_test_klp
KLP=/bin/kdbt_test_klp.ko
cleanup() {
	[ -e $K/enabled ] && echo 0 2>/dev/null > $K/enabled
	grep -q '^kdbt_test_klp ' /proc/modules && rmmod kdbt_test_klp
	kdbt_leave
}
trap cleanup EXIT

in_transition() {
	[ "$(cat $K/transition 2>/dev/null)" = 1 ]
}

# wait_transition WHAT: until the patch's transition is over (60 s).
wait_transition() {
	i=0
	while in_transition; do
		i=$((i + 1))
		[ $i -le 600 ] || fail "$1: the transition did not end in 60 s"
		usleep 100000
	done
	echo "$1: transition over in $((i / 10)).$((i % 10)) s"
}

# rmmod_klp WHAT: remove the disabled patch's module.  The transition's
# end is not the module's release: the kernel frees the patch from a work
# item and only then drops its reference (klp_free_patch_finish()), so
# rmmod may meet EAGAIN for a moment (CI did); retried for 10 s.
rmmod_klp() {
	i=0
	until rmmod kdbt_test_klp 2>/tmp/klp.rmmod; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "$1: rmmod kdbt_test_klp: $(cat /tmp/klp.rmmod)"
		usleep 100000
	done
	[ $i -eq 0 ] || echo "$1: rmmod kdbt_test_klp after $i retries"
}

expect_cmdline() {	# expect_cmdline WHAT WANT
	for i in 1 2 3; do
		expect_eq "$1: /proc/cmdline" "$(cat /proc/cmdline)" "$2"
	done
}

[ -r $KLP ] || fail "no $KLP (make test-modules)"
native=$(cat /proc/cmdline)
insmod "$KDBT_KO" || fail "insmod failed"

# Transparent mode: patched and unpatched while on.
kdbt_control on || fail "transparent: on: $ctl_err"
expect_cmdline "transparent, before" "$native"
insmod $KLP || fail "transparent: insmod kdbt_test_klp"
wait_transition "transparent: patch"
expect_cmdline "transparent, patched" kdbt-test-livepatched
echo 0 > $K/enabled || fail "transparent: disabling the patch"
wait_transition "transparent: unpatch"
rmmod_klp transparent
expect_cmdline "transparent, unpatched" "$native"
expect_eq "transparent: state" "$(kdbt_stat state)" on
kdbt_control off || fail "transparent: off: $ctl_err"

# Fast mode: patched and unpatched while on; loaded while off, then seen
# while on.
kdbt_control "mode fast" || fail "mode fast: $ctl_err"
kdbt_control on || fail "fast: on: $ctl_err"
expect_cmdline "fast, before" "$native"
insmod $KLP || fail "fast: insmod kdbt_test_klp while on"
wait_transition "fast: patch"
expect_cmdline "fast, patched" kdbt-test-livepatched
echo 0 > $K/enabled || fail "fast: disabling the patch"
wait_transition "fast: unpatch"
expect_eq "fast: state" "$(kdbt_stat state)" on
rmmod_klp fast
expect_cmdline "fast, unpatched" "$native"
kdbt_control off || fail "fast: off: $ctl_err"
insmod $KLP || fail "fast: insmod kdbt_test_klp while off"
wait_transition "fast, off: patch"
kdbt_control on || fail "fast: on with the patch: $ctl_err"
expect_cmdline "fast, patched at on" kdbt-test-livepatched
echo 0 > $K/enabled || fail "fast: disabling the patch"
wait_transition "fast: unpatch while on"
kdbt_control off || fail "fast: off: $ctl_err"
rmmod_klp fast
expect_cmdline "fast, unpatched" "$native"
rmmod kdbt || fail "rmmod failed"
echo "livepatch: applied and reverted while on, in both modes"
