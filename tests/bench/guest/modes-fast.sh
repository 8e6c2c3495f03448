# modes-fast.sh - kbench natively and translated in fast mode, interleaved in
# rounds in one boot (scripts/bench-guest.sh compares them).
# vm-smp: 2
# vm-timeout: 900
# vm-append: kdbt_bench=modes-fast
. /tests/lib.sh

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control "mode fast" || fail "mode fast: $ctl_err"
kbench 0.2 > /dev/null		# warm the page cache natively
kdbt_control on || fail "on: $ctl_err"
kbench 0.2 > /dev/null		# and the code cache
kdbt_control off || fail "off: $ctl_err"
for round in 1 2 3 4 5; do
	kbench 1 | sed "s/^/BENCH native /"
	kdbt_control on || fail "on: $ctl_err"
	kbench 1 | sed "s/^/BENCH fast /"
	kdbt_control off || fail "off: $ctl_err"
done
