#!/bin/sh
# watchdog-check.sh - tests/vm/run.sh stops a hung guest, says what it was
# doing, and runs the tests after the hung one in a new boot.
#
# Usage: watchdog-check.sh      (from make test, through run-all.sh)
# Runs tests/vm/harness/watch-*.sh (a test that passes, one that stops the
# guest's own timeout and sleeps, one that passes) with a 10 s grace, and
# checks run.sh's report: the hung test fails as hung, each CPU's RIP is
# named with a kernel symbol, the last test passes in a second boot, and
# run.sh's status is a failure.
# Output: PASS/FAIL lines (harness/watchdog/...); run.sh's own report only
# indented (its PASS/FAIL lines must not count).
# Must never: run kernel code on the host (the guest is QEMU's).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
h=$top/tests/vm/harness
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The kernel symbols that name the CPUs' RIPs (made once, reused).
sh "$top/scripts/kernel-inputs.sh" > /dev/null || exit 1
HANG_GRACE=10 sh "$top/tests/vm/run.sh" --logdir "$out/logs" \
	"$h/watch-pass-before.sh" "$h/watch-hang.sh" "$h/watch-pass-after.sh" \
	> "$out/report" 2>&1
rc=$?
failed=0
check() {	# check NAME REGEX: a line of the report matches REGEX
	if grep -Eq -- "$2" "$out/report"; then
		echo "PASS harness/watchdog/$1"
	else
		echo "FAIL harness/watchdog/$1: no line matches '$2'"
		failed=1
	fi
}
check first-test-passes '^PASS vm/watch-pass-before '
check hung-test-fails '^FAIL vm/watch-hang: the guest hung: no end [0-9]+ s after its start \(limit 5 s\)'
check cpus-named '^ +\| QEMU: CPU#1 RIP ffffffff[0-9a-f]{8} [A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+ '
check new-boot '^ +\(a new boot for the tests after it: watch-pass-after\)$'
check last-test-passes '^PASS vm/watch-pass-after '
if [ "$rc" -ne 0 ]; then
	echo "PASS harness/watchdog/status-failure"
else
	echo "FAIL harness/watchdog/status-failure: run.sh exited 0"
	failed=1
fi
[ "$failed" = 0 ] || sed 's/^/      | /' "$out/report"
exit "$failed"
