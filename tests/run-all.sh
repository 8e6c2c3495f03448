#!/bin/sh
# run-all.sh - run kdbt's tests and print the tally.
#
# Usage: run-all.sh [--unit | --vm | --612 | --long]
#   (none)   make test: the unit suites, beside the guest tests
#            (tests/vm/guest; their lines after the guests'), and the
#            kdbt-record suite
#   --unit   make check: the unit suites only (no guest)
#   --vm     the guest tests and the kdbt-record suite
#   --612    make test-612: the guest tests on Linux 6.12 (KVER612, default
#            scripts/kernel612.sh --print) with its kdbt.ko
#            (build/kmod-KVER612/), its whole text translated offline and
#            the IBT landing pads of that kdbt.ko (its dispatcher entry,
#            every address-taken function)
#   --long   make long: the long tier (tests/vm/long: hundreds of on/off
#            cycles, the short soaks, 4-CPU variants, bench-quick, unload
#            races) and the harness's own watchdog check
# Env: TESTS=REGEX   only the guest tests whose names match REGEX (grep -E,
#                    unanchored, on NAME of tests/vm/guest/NAME.sh or
#                    tests/vm/long/NAME.sh; the kdbt-record suite is named
#                    record-report), e.g. TESTS='^profile-|module-load'; a
#                    REGEX that matches no guest test is a failure.  Unit
#                    suites are not filtered (--vm leaves them out).
# Each suite's seconds follow it, "(NAME: S s)", and all of them again
# before the tally.
# Owns: the list of test suites and the final line "N passed, N failed",
# counted over every PASS/FAIL line the suites print.  Exit status non-zero
# if any test failed or a suite failed without saying which test.
# Must never: run kernel code on the host (guest tests go through
# tests/vm/run.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
what=${1:-all}
out=$(mktemp)
trap 'rm -f "$out" "$out".*' EXIT

# suite NAME COMMAND...: run a suite, show its lines as they come, keep
# them for the tally.  A suite that fails without naming a failed test
# counts as one, and so does one that hangs (killed after SUITE_TIMEOUT
# seconds: what it printed until then stays shown).
SUITE_TIMEOUT=${SUITE_TIMEOUT:-2700}
suite() {
	name=$1
	shift
	echo "== $name"
	t0=$(date +%s)
	{
		timeout "$SUITE_TIMEOUT" "$@" 2>&1
		echo $? > "$out.rc"
	} | tee "$out.suite"
	rc=$(cat "$out.rc")
	cat "$out.suite" >> "$out"
	echo "($name: $(($(date +%s) - t0)) s)" | tee -a "$out.times"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out.suite"; then
		if [ "$rc" = 124 ]; then
			why="killed after $SUITE_TIMEOUT s"
		else
			why="exit status $rc"
		fi
		echo "FAIL suite: $name ($why, see above)" | tee -a "$out"
	fi
}

case $what in
all|--unit|--vm|--612|--long) ;;
*) echo "usage: run-all.sh [--unit | --vm | --612 | --long]" >&2; exit 2 ;;
esac

# The unit suites (make check).
unit_suites() {
	suite "unit: console scanner" sh tests/unit/console-scan.sh
	suite "unit: kdbt.ko refuses kernels other than 6.1 and 6.12" \
		sh tests/unit/kernel-version-check.sh
	suite "unit: the translator core includes no kernel or libc header" \
		sh tests/unit/core-freestanding.sh
	suite "unit: kdbt.ko calls kernel functions only through veneers" \
		sh tests/unit/ksym-veneers.sh
	suite "unit: kdbt.ko's calls run down its layers (docs/ARCHITECTURE.md)" \
		sh tests/unit/layering.sh
	suite "unit: kdbt.ko for 6.12: every address-taken function has endbr64" \
		sh tests/unit/ibt-endbr.sh
	suite "unit: decoder vs objdump" sh tests/unit/decode-vs-objdump.sh \
		build/unit/decode_check
	suite "unit: translate and run from a code cache" \
		build/unit/translate_run
	suite "unit: translate the whole guest kernel text" \
		sh tests/unit/kernel-coverage.sh build/unit/kcover
	suite "unit: proc/ reader library" build/unit/libkdbt_test \
		build/guest/kdbt-snapshot
	suite "unit: statistics table vs kdbt.ko's printer and kdbt(4)" \
		sh tests/unit/stats-table.sh build/unit/stats_check
	suite "unit: native bytes read through a text-poke batch in flight" \
		build/unit/pokes_check
	suite "unit: kdbt-top model, formats and batch output" \
		build/unit/kdbt_top_model_test build/kdbt-top
	suite "unit: kdbt-top screens in tmux" sh tests/unit/kdbt-top-screen.sh \
		build/kdbt-top build/unit/kdbt_top_model_test
	suite "unit: kdbt.data format, kdbt-report views, reader fuzzing" \
		sh tests/record/format.sh
	suite "unit: kdbt-record's recorder: changes record as snapshots" \
		build/unit/recorder_test
	suite "unit: libFuzzer on the kdbt.data reader and the snapshot parser" \
		sh tests/unit/fuzz.sh
	suite "unit: pprof and Prometheus outputs read by go tool pprof, promtool, node_exporter" \
		sh tests/unit/pprof-prom.sh
	suite "unit: man pages: --help options documented, no groff warnings" \
		sh tests/unit/man-options.sh
	suite "unit: make install/uninstall into a DESTDIR" \
		sh tests/unit/install.sh
	suite "unit: DKMS build and install in private trees" \
		sh tests/unit/dkms.sh
}

if [ "$what" = --unit ]; then
	unit_suites
elif [ "$what" = all ]; then
	# Beside the guest suite: a guest under TCG keeps about one and a
	# half of two cores busy, and the unit suites take minutes of the
	# rest.  Their lines (and their FAILs, in $out.u) come after the
	# guest suite's.
	(out=$out.u; : > "$out.times"; unit_suites) > "$out.u.log" 2>&1 &
	unit_pid=$!
fi
# unit_results: wait for the unit suites run beside, show their lines and
# count them.
unit_results() {
	[ -n "${unit_pid:-}" ] || return 0
	wait "$unit_pid"
	unit_pid=
	echo "== the unit suites, run beside the guest suite"
	cat "$out.u.log"
	cat "$out.u" >> "$out" 2>/dev/null
	cat "$out.u.times" >> "$out.times" 2>/dev/null
}
# chosen NAME: status 0 if NAME is among the guest tests TESTS asks for.
chosen() {
	[ -z "${TESTS:-}" ] || echo "$1" | grep -Eq -- "$TESTS"
}
# chosen_in DIR: the tests DIR/NAME.sh that TESTS asks for, on one line.
chosen_in() {
	for _t in "$1"/*.sh; do
		chosen "$(basename "$_t" .sh)" && printf ' %s' "$_t"
	done
}

if [ "$what" = all ] || [ "$what" = --vm ]; then
	guest=$(chosen_in tests/vm/guest)
	if [ -n "${TESTS:-}" ] && [ -z "$guest" ] && ! chosen record-report; then
		echo "FAIL run-all: TESTS='$TESTS' matches no guest test" | tee -a "$out"
	fi
	# shellcheck disable=SC2086
	[ -n "$guest" ] && suite "guest: Debian $(sh scripts/kver.sh) under QEMU" \
		sh tests/vm/run.sh $guest
	unit_results
	chosen record-report &&
		suite "guest: kdbt-record in the guest, kdbt-report on the host" \
			sh tests/record/record-report.sh
fi
if [ "$what" = --612 ]; then
	k=${KVER612:-$(sh scripts/kernel612.sh --print)} || exit 1
	guest=$(chosen_in tests/vm/guest)
	if [ -z "$guest" ]; then
		echo "FAIL run-all: TESTS='${TESTS:-}' matches no guest test" | tee -a "$out"
	fi
	if [ -z "${TESTS:-}" ]; then
		suite "6.12: its whole text translated offline, IBT landing pads" \
			sh tests/unit/kernel-coverage.sh build/unit/kcover "$k"
		suite "6.12: kdbt.ko's dispatcher entry starts with endbr64" \
			sh tests/unit/ibt-entry.sh "build/kmod-$k/kdbt.ko"
		suite "6.12: every address-taken function of its kdbt.ko has endbr64" \
			sh tests/unit/ibt-endbr.sh "build/kmod-$k/kdbt.ko"
	fi
	# shellcheck disable=SC2086
	[ -n "$guest" ] && suite "guest: Debian $k under QEMU" \
		env KDBT_KO="build/kmod-$k/kdbt.ko" \
		sh tests/vm/run.sh --kver "$k" $guest
fi
if [ "$what" = --long ]; then
	long=$(chosen_in tests/vm/long)
	if [ -z "$long" ]; then
		echo "FAIL run-all: TESTS='${TESTS:-}' matches no long-tier test" | tee -a "$out"
	fi
	[ -z "${TESTS:-}" ] &&
		suite "long: the harness stops a hung guest and goes on" \
			sh tests/vm/watchdog-check.sh
	# shellcheck disable=SC2086
	[ -n "$long" ] && suite "long: Debian $(sh scripts/kver.sh) under QEMU" \
		sh tests/vm/run.sh $long
fi

# The failures again, with what the guest tests printed last, where the
# end of a long log shows them.
if grep -q '^FAIL ' "$out"; then
	echo "== failures"
	awk '/^FAIL / {p = 1; print; next} p && /^      \| / {print; next}
	     {p = 0}' "$out"
fi
echo "== seconds per suite"
cat "$out.times" 2>/dev/null
if grep -q '^[A-Z]* vm/.* ([0-9]* s)' "$out"; then
	echo "== the slowest guest tests"
	sed -n 's/^[A-Z]* vm\/\(.*\) (\([0-9]*\) s).*/\2 \1/p' "$out" |
		sort -rn | head -n 10
fi
passed=$(grep -c '^PASS ' "$out")
failed=$(grep -c '^FAIL ' "$out")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
