# translate-uaccess-switch.sh - a uaccess fault that sleeps across a
# switch still takes its exception-table fixup (uffault: uname() into a
# userfaultfd page; after the switch the page goes away and uname() must
# fail with EFAULT).  In fast mode an on pulls the sleeping task's return
# addresses into the cache and an off maps cache addresses back; neither
# may move the pt_regs->ip of the page fault still being handled (a pull
# once moved it to the entry of a block starting there, where the fixup
# search found nothing: an oops in the soak).  Each mode, each direction,
# and a fault that starts and ends while on.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

C=/proc/kdbt/control
trap kdbt_leave EXIT
insmod "$KDBT_KO" || fail "insmod failed"
for m in fast transparent; do
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	uffault "echo on > $C" || fail "$m: a fault asleep across on"
	expect_eq "$m: state after on" "$(kdbt_stat state)" on
	uffault true || fail "$m: a fault asleep while on"
	uffault "echo off > $C" || fail "$m: a fault asleep across off"
	expect_eq "$m: state after off" "$(kdbt_stat state)" off
	echo "$m: $(kdbt_stat stack_pulls) stack words pulled in," \
		"$(kdbt_stat stack_rewrites) rewritten back"
done
rmmod kdbt || fail "rmmod failed"
