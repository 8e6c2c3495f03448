# cell-2-profile-exact.sh - matrix cell: exact counts (profile-exact.sh
# on the cell's 2 CPUs, direct counters are per CPU): in transparent mode,
# after a warm-up, N getppid() calls add exactly N to the block at
# __x64_sys_getppid and to its function's calls, and N times its
# straight-line path (pathlen, from /proc/kcore) to its instructions.
# vm-smp: 2
# vm-mem: 1024
# vm-bin: /usr/bin/stress-ng
# vm-timeout: 120
. /tests/lib.sh

N=100000
trap kdbt_leave EXIT
insmod "$KDBT_KO" || fail "insmod failed"
expect_eq "counter form" "$(kdbt_stat counter_form)" direct
kdbt_control on || fail "on: $ctl_err"
getppid_exact $N
kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
