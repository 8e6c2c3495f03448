# profile-exact-smp4.sh (long tier) - the known-trip-count check of profile-exact.sh
# on 4 CPUs under other load, in transparent mode and then in fast mode:
# 4 threads, one pinned to each CPU, make 100000 getppid() system calls
# each while two shell loops read /proc files and `getppid --burn` makes
# other system calls; the executions of the block at __x64_sys_getppid,
# the calls of its function and its instructions (per its path length,
# from /proc/kcore) must be exact with direct counters (`counter_form
# direct`, the default: nothing can lose a count) and lost_estimate 0;
# in the pointer form, whose increments can race with a migration
# (kdbt(4)), within 0.1%.  Prints the fraction lost, per block of the
# function, and the kernel's own lost_estimate.  Both modes are measured
# before the test fails on a figure out of bounds.
# vm-smp: 4
# vm-timeout: 240
. /tests/lib.sh

THREADS=4
PER=100000
N=$((THREADS * PER))
stop=/tmp/profile-exact-smp4.stop
burn=
cleanup() {
	touch "$stop"
	[ -n "$burn" ] && kill "$burn" 2>/dev/null
	wait
	kdbt_leave
}
trap cleanup EXIT

# within WHAT GOT WANT: GOT = WANT with direct counters, else
# |GOT - WANT| <= WANT / 1000; if not, note it in $missed (both modes are
# measured before the test fails).
missed=
within() {
	_d=$(($2 - $3))
	[ $_d -lt 0 ] && _d=$((-_d))
	if [ "$form" = direct ]; then
		[ $_d = 0 ] || missed="$missed; $1: $2, want exactly $3"
	else
		[ $((_d * 1000)) -le "$3" ] ||
			missed="$missed; $1: $2, want $3 within 0.1%"
	fi
}

# lost WHAT GOT WANT: print the fraction of WANT that GOT lacks.
lost() {
	awk -v w="$1" -v g="$2" -v n="$3" 'BEGIN {
		printf "figure: %s: %.0f of %.0f, lost fraction %.6f\n",
			w, g, n, (n - g) / n }'
}

measure() {	# measure MODE
	kdbt_control "mode $1" || fail "mode $1: $ctl_err"
	kdbt_control on || fail "$1: on: $ctl_err"
	kdbt_control reset || fail "$1: reset: $ctl_err"
	getppid_profile $PER $THREADS
	kdbt_read stats /tmp/stats
	le=$(stat_of /tmp/stats lost_estimate)
	be=$(stat_of /tmp/stats block_executions)
	kdbt_control off || fail "$1: off: $ctl_err"
	expect_eq "$1: getppid calls made" "$gp_calls" $N
	lost "$1: executions of the block at __x64_sys_getppid" "$gp_execs" $N
	lost "$1: calls of $gp_name" "$gp_fcalls" $N
	lost "$1: instructions of $gp_name" "$gp_insns" \
		$((N * gp_len))
	awk -v m="$1" -v l="$le" -v b="$be" 'BEGIN {
		printf "figure: %s: lost_estimate %.0f of %.0f block executions" \
			" since the reset (whole kernel), fraction %.6f\n",
			m, l, b + l, b + l ? l / (b + l) : 0 }'
	# Per block of the function: where the counts were lost.
	awk -v f="$gp_name+" -v m="$1" 'index($2, f) != 1 { next }
		FILENAME == ARGV[1] { e0[$1] = $5; next }
		{ printf "figure: %s: block %s %s: +%.0f executions\n",
			m, $2, $9, $5 - e0[$1] }' \
		/tmp/gp.blocks0 /tmp/gp.blocks1
	within "$1: executions of the block at __x64_sys_getppid" "$gp_execs" $N
	within "$1: calls of $gp_name" "$gp_fcalls" $N
	within "$1: instructions of $gp_name" "$gp_insns" \
		$((N * gp_len))
	[ "$form" != direct ] || [ "$le" = 0 ] ||
		missed="$missed; $1: lost_estimate $le with direct counters"
}

insmod "$KDBT_KO" || fail "insmod failed"
form=$(kdbt_stat counter_form)
echo "figure: counter form $form"
rm -f "$stop"
for i in 1 2; do
	while [ ! -e "$stop" ]; do
		cat /proc/meminfo /proc/stat /proc/interrupts /etc/passwd \
			> /dev/null
	done &
done
getppid --burn 200 1 > /dev/null &
burn=$!
measure transparent
measure fast
touch "$stop"
kill "$burn"
burn=
wait
rmmod kdbt || fail "rmmod failed"
[ -z "$missed" ] || fail "${missed#; }"
