#!/bin/sh
# format.sh - unit test of the kdbt.data format and of kdbt-report, on
# synthetic recordings (no guest): the format's round trip, refusals and
# safe writing (kdbt_data_fuzz check), the report's formats, folded sums,
# blocks, time series, diff signs and bad input (report-checks.sh),
# module build ids (and a file from before them, tests/record/fixtures), and
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

# Module build ids (MODULE_BUILD_IDS, kdbt-data(5)): what the writer put
# in is what --header shows; a recording written before the section
# existed (a fixture, written by kdbt 0.1.0 before it) still reads, with
# the same totals as today's synthetic recording of the same counts; a
# damaged section is refused with a message naming the file.
hdr=$("$REPORT" --stdio --header -i "$TMP/reads.data")
echo "$hdr" | grep -q '^#   ffffffffc0000000    32768 loop e0d9d2cbc4bdb6afa8a19a938c857e777069625b$' &&
	echo "$hdr" | grep -q '^#   ffffffffc0010100    16384 nvme 00112233445566778899aabbccddeeff$' &&
	echo "$hdr" | grep -q '^#   0000000000000000        0 bpf$' &&
	echo "$hdr" | grep -q '^# module ids    : 2 of 3 modules have a build id$' &&
	pass "synthetic/module-build-ids" ||
	failed "synthetic/module-build-ids" "--header: $(echo "$hdr" | grep -A4 '^# modules')"
js=$("$REPORT" --format json -n 1 -i "$TMP/reads.data" |
	sed -n 's/.*"module_build_ids": \({[^}]*}\).*/\1/p')
[ "$js" = '{"loop": "e0d9d2cbc4bdb6afa8a19a938c857e777069625b", "nvme": "00112233445566778899aabbccddeeff"}' ] &&
	pass "synthetic/module-build-ids-json" ||
	failed "synthetic/module-build-ids-json" "JSON module_build_ids: '$js'"
grep -v '^#' "$top/tests/record/fixtures/before-module-build-ids.data.b64" |
	base64 -d > "$TMP/old.data"
hdr=$("$REPORT" --stdio --header -i "$TMP/old.data" 2>&1)
to=$(total "$TMP/old.data" instructions)
tn=$(total "$TMP/reads.data" instructions)
[ -n "$to" ] && [ "$to" = "$tn" ] &&
	echo "$hdr" | grep -q '^#   ffffffffc0000000    32768 loop$' &&
	! echo "$hdr" | grep -q 'module_build_ids\|module ids' &&
	pass "old-file/reads (no module build ids; $to instructions)" ||
	failed "old-file/reads" "instructions '$to' (want $tn), --header: $hdr"
check_formats old-file "$TMP/old.data"
"$REPORT" --format json -n 1 -i "$TMP/old.data" | grep -q '"module_build_ids": null, ' &&
	pass "old-file/json (module_build_ids null)" ||
	failed "old-file/json" "module_build_ids is not null"
off=$("$REPORT" --stdio --header -i "$TMP/reads.data" |
	sed -n 's/^#   section module_build_ids *v1 at *\([0-9]*\),.*/\1/p')
cp "$TMP/reads.data" "$TMP/bad-ids.data"
printf '\011' | dd of="$TMP/bad-ids.data" bs=1 seek=$((off + 8)) conv=notrunc 2>/dev/null
refused synthetic/bad-module-build-ids "$TMP/bad-ids.data" \
	"module_build_ids: entry 0 is for module 9, not one of modules 1..3"
[ $checks_failed = 0 ] || status=1

"$FUZZ" fuzz "$TMP/reads.data" "$SAN" 2000 || status=1
exit $status
