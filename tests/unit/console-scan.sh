#!/bin/sh
# console-scan.sh - unit test of the guest harness's console scanner
# (tests/vm/console.awk) against saved console logs with known verdicts.
#
# Each tests/vm/fixtures/NAME.log has NAME.expect: the exact PASS/FAIL lines
# the scanner must print for it.  clean.log and panic.log are real consoles
# of Debian's kernel under the harness; the others are clean.log with a
# kernel report (oops, WARNING, RCU stall, soft lockup, hung task, KASAN,
# UBSAN) spliced into one test, or with a test's ending changed, a FAIL:
# line added (quoted in the verdict), KDBT-LEFTOVER lines after it, or
# kdbt's line for cache addresses it could not take off the stacks;
# mitigation-note.log is warning.log after the kernel's boot note on
# RETBleed (Skylake-Server-IBRS), which fails nothing; watchdog.log and
# watchdog-cleanup.log end where run.sh's watchdog stopped a hung guest,
# in a test and after one.
# Output: one PASS/FAIL line per fixture.
here=$(cd "$(dirname "$0")/../vm" && pwd)
status=0
for log in "$here"/fixtures/*.log; do
	name=$(basename "$log" .log)
	expect="$here/fixtures/$name.expect"
	tests=$(sed -n 's/^[A-Z]* vm\/\([^:]*\).*/\1/p' "$expect" | tr '\n' ' ')
	got=$(awk -v tests="$tests" -f "$here/console.awk" "$log")
	if [ "$got" = "$(cat "$expect")" ]; then
		echo "PASS unit/console-scan/$name"
	else
		echo "FAIL unit/console-scan/$name: scanner said:"
		echo "$got" | sed 's/^/      /'
		status=1
	fi
done
# A clean log must pass and every problem log must fail: guard the goldens.
grep -q FAIL "$here/fixtures/clean.expect" && {
	echo "FAIL unit/console-scan/goldens: clean.expect contains a failure"
	status=1
}
for f in "$here"/fixtures/*.expect; do
	case $f in */clean.expect) continue ;; esac
	grep -q '^FAIL' "$f" || {
		echo "FAIL unit/console-scan/goldens: $(basename "$f") expects no failure"
		status=1
	}
done
exit $status
