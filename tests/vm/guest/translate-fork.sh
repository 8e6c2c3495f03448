# translate-fork.sh - in fast mode, a child forked while on makes its
# first return (to ret_from_fork) into the cache: each of 200 forks adds
# one to fork_pulls (the probe on sched_process_fork, kmod/stacks.c), and
# every child runs and exits as it should.  Transparent mode needs no
# such move (its returns go through the jumptable): fork_pulls stays.
# In both modes the parent's side of each fork stays in the cache, after
# the probe too (fast mode: the probe, kdbt's own code called directly
# from kernel_clone() by a static call, returns into the cache):
# wake_up_new_task(), which kernel_clone() calls after it, gains at least
# 200 calls in /proc/kdbt/functions.
# Then off (the entries left on stacks of children not yet run are
# mapped back) and rmmod.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

trap kdbt_leave EXIT
insmod "$KDBT_KO" || fail "insmod failed"
# forks N: N children (an external command forks), each must exit 0.
forks() {
	i=0
	while [ $i -lt "$1" ]; do
		/bin/true || fail "child $i failed"
		i=$((i + 1))
	done
}
for m in fast transparent; do
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	kdbt_control on || fail "$m: on: $ctl_err"
	kdbt_num f0 fork_pulls
	kdbt_read functions /tmp/fork.functions0
	forks 200
	kdbt_read functions /tmp/fork.functions1
	kdbt_num f1 fork_pulls
	w0=$(function_field /tmp/fork.functions0 wake_up_new_task 8)
	w1=$(function_field /tmp/fork.functions1 wake_up_new_task 8)
	echo "$m: 200 forks, fork_pulls +$((f1 - f0)), wake_up_new_task" \
		"calls +$((w1 - w0))"
	[ $((w1 - w0)) -ge 200 ] ||
		fail "$m: wake_up_new_task gained $((w1 - w0)) calls in the cache for 200 forks: the rest of kernel_clone() ran natively"
	if [ $m = fast ]; then
		[ $((f1 - f0)) -ge 200 ] || fail "fast: fork_pulls grew by $((f1 - f0)) for 200 forks"
	else
		expect_eq "transparent: fork_pulls growth" $((f1 - f0)) 0
	fi
	kdbt_control off || fail "$m: off: $ctl_err"
done
rmmod kdbt || fail "rmmod failed"
