# traces-warn.sh - a WARN hit below translated code prints the backtrace
# it prints natively (issue 29; kmod/traces.c): kdbt_test_warn.ko WARNs
# in the set function of a module parameter, called by the kernel's
# sysfs write path.  The frame lines of its "Call Trace:" (those the
# unwinder followed, offsets included) and its RIP: line must equal the
# native ones in both modes; in fast mode, where every return address
# above the WARN is a cache address, no line of the whole report may
# name the cache.  After each WARN the module's hit count grows and the
# write succeeds: the WARN returned where it trapped.  The reports are
# kept off the console (dmesg -n 1: a WARN there fails any test).
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

W=/bin/kdbt_test_warn.ko
P=/sys/module/kdbt_test_warn/parameters
trap 'dmesg -n 8; grep -q "^kdbt_test_warn " /proc/modules &&
      rmmod kdbt_test_warn; kdbt_leave' EXIT

# warn_once WHAT: one WARN; its report in /tmp/warn.all.WHAT, its
# followed frame lines in /tmp/warn.WHAT, its RIP: line in /tmp/rip.WHAT.
warn_once() {
	read -r _h0 < $P/hits
	dmesg -n 1
	_mk=$(dmesg_mark)
	echo 1 2>/tmp/warn.err > $P/warn ||
		{ dmesg -n 8; fail "$1: the write that WARNs failed: $(cat /tmp/warn.err)"; }
	dmesg -n 8
	read -r _h1 < $P/hits
	expect_eq "$1: hits after one WARN" "$_h1" $((_h0 + 1))
	dmesg_since "$_mk" | sed 's/^\[[ 0-9.]*\] //' > /tmp/warn.all.$1
	awk '/Call Trace:/ { on = 1; next } /<\/TASK>/ { on = 0 }
	     on && /^ [a-zA-Z_]/' /tmp/warn.all.$1 > /tmp/warn.$1
	grep '^RIP: ' /tmp/warn.all.$1 > /tmp/rip.$1
	grep -q 'warn_set' /tmp/rip.$1 ||
		fail "$1: no RIP: line at warn_set in the report"
}
# same_as_native WHAT FILE
same_as_native() {
	cmp -s "/tmp/$2.native" "/tmp/$2.$1" && return 0
	echo "native:"; sed 's/^/  /' "/tmp/$2.native"
	echo "$1:"; sed 's/^/  /' "/tmp/$2.$1"
	fail "$1: the WARN's $2 lines differ from the native ones"
}

insmod $W || fail "insmod kdbt_test_warn failed"
warn_once native
echo "native WARN backtrace:"
sed 's/^/  /' /tmp/warn.native
grep -q ksys_write /tmp/warn.native ||
	fail "native: no ksys_write frame in the WARN's backtrace"
insmod "$KDBT_KO" || fail "insmod failed"
for m in fast transparent; do
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	kdbt_control on || fail "$m: on: $ctl_err"
	kdbt_num t0 trace_maps
	warn_once $m
	kdbt_num t1 trace_maps
	_c=$(grep -c kdbt_cache /tmp/warn.all.$m)
	echo "$m: $(wc -l < /tmp/warn.$m) frame lines, $_c lines with kdbt_cache, trace_maps +$((t1 - t0))"
	same_as_native $m warn
	same_as_native $m rip
	if [ $m = fast ]; then
		[ "$_c" -eq 0 ] || fail "fast: the WARN's report names the cache $_c times"
		[ $((t1 - t0)) -gt 0 ] || fail "fast: trace_maps did not grow"
	fi
	kdbt_control off || fail "$m: off: $ctl_err"
done
rmmod kdbt || fail "rmmod failed"
rmmod kdbt_test_warn || fail "rmmod kdbt_test_warn failed"
