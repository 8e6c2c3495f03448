# first-run.sh - the cost of the first work after `on` (issue 27's "first
# run after on"): 50 fork+exit (kbench fork_exit at scale 0.25) in the
# profiling configuration (fast mode, counters), on one CPU under
# -icount (guest time counts instructions: exact, deterministic ratios).
# Figures, not verdicts:
#   figure: first-run native NS          (the second of two native runs)
#   figure: first-run cold NS RATIO N dispatches (right after the first `on`: the
#                                         cache is empty, every block of
#                                         fork and exit is translated)
#   figure: first-run steady NS RATIO    (the same again, all translated)
#   figure: first-run warm NS RATIO      (right after off and on again:
#                                         the cache was kept; three times)
#   figure: first-run after-reset NS RATIO (right after a reset: counts
#                                         zeroed, translations kept;
#                                         three times)
# RATIO is NS over native's; each translated figure line ends with the
# dispatcher entries the run made (translations, links, jumptable misses).
# Run it by hand: sh tests/vm/run.sh --show tests/bench/guest/first-run.sh
# vm-smp: 1
# vm-qemu: -icount shift=0,sleep=off
# vm-timeout: 900
. /tests/lib.sh

trap kdbt_leave EXIT

# forks LABEL: 50 fork+exit (kdbt.ko loaded); sets ns and disp
# (dispatcher entries during the run, 0 natively), prints nothing.
forks() {
	kdbt_num _d0 dispatches
	kbench 0.25 fork_exit > /tmp/first-run.out || fail "kbench failed ($1)"
	kdbt_num _d1 dispatches
	disp=$((_d1 - _d0))
	ns=$(awk '$1 == "fork_exit" { print $2 }' /tmp/first-run.out)
	[ -n "$ns" ] || fail "no fork_exit line ($1): $(cat /tmp/first-run.out)"
}

# figure LABEL: the figure line for $ns against $native.
figure() {
	echo "figure: first-run $1 $ns $(awk -v a="$ns" -v b="$native" \
		'BEGIN { printf "%.2fx", a / b }') $disp dispatches"
}

insmod "$KDBT_KO" || fail "insmod failed"
forks native
forks native
native=$ns
echo "figure: first-run native $ns"
kdbt_control "mode fast" || fail "mode fast: $ctl_err"
kdbt_control "counters on" || fail "counters on: $ctl_err"
kdbt_control on || fail "on: $ctl_err"
forks cold
figure cold
forks steady
figure steady
for i in 1 2 3; do
	kdbt_control off || fail "off: $ctl_err"
	kdbt_control on || fail "on again: $ctl_err"
	forks warm
	figure warm
done
for i in 1 2 3; do
	kdbt_control reset || fail "reset: $ctl_err"
	forks after-reset
	figure after-reset
done
kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
