#!/bin/sh
# format.sh - unit test of the kdbt.data format and of kdbt-report, on
# synthetic recordings (no guest): the format's round trip, refusals and
# safe writing (kdbt_data_fuzz check), the report's formats, folded sums,
# blocks, time series, diff signs and bad input (report-checks.sh), and
# reader fuzzing under AddressSanitizer and UBSan (kdbt_data_fuzz fuzz,
# with build/unit/kdbt-report-san).
#
# Usage: format.sh [BUILD_DIR]
# Output: PASS/FAIL lines; exit status 1 if any failed.
# Owns: nothing but its scratch directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-$top/build}
REPORT=$b/kdbt-report
FUZZ=$b/unit/kdbt_data_fuzz
SAN=$b/unit/kdbt-report-san
for f in "$REPORT" "$FUZZ" "$SAN"; do
	[ -x "$f" ] || { echo "FAIL record/format: $f missing (make user)"; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$top/tests/record/report-checks.sh"
export ASAN_OPTIONS=exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:exitcode=99

status=0
"$FUZZ" check "$TMP" || status=1
"$FUZZ" make "$TMP/getppid.data" 0 && "$FUZZ" make "$TMP/reads.data" 1 ||
	{ echo "FAIL record/format: cannot make the synthetic recordings"; exit 1; }

# Known answers: the synthetic getppid recording's totals and top function.
t=$(total "$TMP/getppid.data" instructions)
top1=$("$REPORT" --format csv -n 1 -i "$TMP/getppid.data" | sed -n '2s/,.*//p')
[ "$t" = 409749 ] && [ "$top1" = __task_pid_nr_ns ] &&
	pass "synthetic/known-answers" ||
	failed "synthetic/known-answers" "total $t (want 409749), top '$top1'"
# Two lines for one native block (a copy, kdbt(4)) are one --blocks row.
m=$("$REPORT" --format csv --blocks -n 0 -i "$TMP/reads.data" |
	awk -F, '$4 == "0xffffffff81000180" { n++; e = $8 } END { print n + 0, e }')
[ "$m" = "1 306" ] && pass "synthetic/blocks-merged" ||
	failed "synthetic/blocks-merged" "rows, executions at __task_pid_nr_ns: $m (want 1 306)"
u=$(total "$TMP/reads.data" unattributed)
[ "$u" = 500 ] && pass "synthetic/unattributed" ||
	failed "synthetic/unattributed" "unattributed $u, want 500 (a flush)"

for r in getppid reads; do
	check_formats "synthetic-$r" "$TMP/$r.data"
	check_folded "synthetic-$r" "$TMP/$r.data"
	check_blocks "synthetic-$r" "$TMP/$r.data"
	check_interval "synthetic-$r" "$TMP/$r.data"
done
check_diff synthetic "$TMP/getppid.data" "$TMP/reads.data" \
	__do_sys_getppid read_zero
check_bad_input synthetic "$TMP/getppid.data"
"$FUZZ" make "$TMP/nothing.data" 3 &&
	refused synthetic/bad-nothing-counted "$TMP/nothing.data" "nothing was counted"
[ $checks_failed = 0 ] || status=1

"$FUZZ" fuzz "$TMP/reads.data" "$SAN" 2000 || status=1
exit $status
