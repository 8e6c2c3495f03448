# profile-exact.sh - a loop of known trip count counts exactly.  On one CPU
# (no racing increments), in transparent mode: after a warm-up, 300000
# getppid() system calls add exactly 300000 to the executions of the
# block at __x64_sys_getppid (its address in /proc/kallsyms; the profile
# may name it by an alias, __do_sys_getppid) in /proc/kdbt/blocks and to
# the calls of its function in /proc/kdbt/functions, and the function's
# instructions there grow by exactly 300000 times the length of its
# straight-line path, which pathlen decodes from the live text in
# /proc/kcore.  Prints the figures.  (tests/vm/long/profile-exact-smp4.sh:
# 4 CPUs.)  On one CPU the kernel has patched its lock prefixes away:
# kdbt must still find the text-poke batch descriptor (textpoke.c), with
# no "does not use bp_desc" line at load.
# vm-smp: 1
# vm-timeout: 120
. /tests/lib.sh

N=300000
trap kdbt_leave EXIT
mark=$(dmesg_mark)
insmod "$KDBT_KO" || fail "insmod failed"
dmesg_since "$mark" | grep 'does not use bp_desc' &&
	fail "kdbt did not find the text-poke batch descriptor on one CPU"
expect_eq "mode after insmod" "$(kdbt_stat mode)" transparent
expect_eq "counter form" "$(kdbt_stat counter_form)" direct
kdbt_control on || fail "on: $ctl_err"
getppid_exact $N
kdbt_control off || fail "off: $ctl_err"
echo "figure: exact: delta $gp_execs for $N calls," \
	"$((gp_insns / N)) instructions per call"
rmmod kdbt || fail "rmmod failed"
