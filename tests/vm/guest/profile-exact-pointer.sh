# profile-exact-pointer.sh - the counters' fallback form counts exactly
# too.  kdbt.ko loaded with direct_counters=0 reports `counter_form
# pointer` in /proc/kdbt/stats (every block then counts through the
# per-CPU pointer, `mov %gs:ptr,%r; incq 8*id(%r)`); on 2 CPUs, in fast
# mode, 2 pinned threads making 250000 getppid() calls each add exactly
# 500000 executions to the block at __x64_sys_getppid and exactly 500000
# times its path length to its function's instructions.  Loaded again
# without the parameter, it reports `counter_form direct`.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

N=500000
trap kdbt_leave EXIT
insmod "$KDBT_KO" direct_counters=0 || fail "insmod direct_counters=0 failed"
expect_eq "counter form with direct_counters=0" \
	"$(kdbt_stat counter_form)" pointer
kdbt_control "mode fast" || fail "mode fast: $ctl_err"
kdbt_control on || fail "on: $ctl_err"
getppid_profile $((N / 2)) 2
kdbt_control off || fail "off: $ctl_err"
echo "figure: pointer form: +$gp_execs executions of the block at" \
	"__x64_sys_getppid for $gp_calls calls, +$gp_insns instructions" \
	"of $gp_name (path $gp_len)"
expect_eq "getppid calls made" "$gp_calls" $N
expect_eq "new executions of the block at __x64_sys_getppid" "$gp_execs" $N
expect_eq "new instructions of $gp_name" "$gp_insns" $((N * gp_len))
rmmod kdbt || fail "rmmod failed"
insmod "$KDBT_KO" || fail "insmod failed"
expect_eq "counter form by default" "$(kdbt_stat counter_form)" direct
rmmod kdbt || fail "rmmod failed"
