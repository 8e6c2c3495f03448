#!/bin/sh
# fuzz.sh - run the coverage-guided fuzz targets (libFuzzer, clang, with
# AddressSanitizer and UBSan): tests/unit/fuzz_kdbt_data.c, the kdbt.data
# reader, and tests/unit/fuzz_snapshot.c, the snapshot parser.
#
# Usage: [FUZZ_SECONDS=N] fuzz.sh [BUILD_DIR]
#   Builds the targets first (`make fuzz-bin`; clang comes with `make
#   deps`), then runs each for FUZZ_SECONDS (default 10: `make check`;
#   `make fuzz` passes 300) on a copy of its seeds,
#   tests/unit/fuzz-seeds/TARGET/, so the tree is never modified.
# Output: per target "PASS unit/fuzz/TARGET (N runs, coverage C)", or
#   "FAIL unit/fuzz/TARGET: ..." with the input that crashed, kept in
#   BUILD_DIR/unit/fuzz-crashes/ (add it to the seeds once fixed), and
#   the end of libFuzzer's log; exit status 1 if any failed.
# Owns: its scratch directory and BUILD_DIR/unit/fuzz-crashes/.
# Must never: write into tests/unit/fuzz-seeds/, or run longer than
#   FUZZ_SECONDS (plus start-up) per target.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-$top/build}
secs=${FUZZ_SECONDS:-10}
crashes=$b/unit/fuzz-crashes
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0

if ! command -v "${FUZZ_CC:-clang}" > /dev/null; then
	echo "FAIL unit/fuzz: no clang (make deps installs it)"
	exit 1
fi
if ! make --no-print-directory -s -C "$top" B="$b" fuzz-bin > "$TMP/build.log" 2>&1; then
	tail -n 20 "$TMP/build.log"
	echo "FAIL unit/fuzz: make fuzz-bin failed"
	exit 1
fi
mkdir -p "$crashes"

# fuzz TARGET SEEDS: run build/unit/fuzz_TARGET for $secs seconds.
fuzz() {
	name=$1
	corpus=$TMP/$name
	log=$TMP/$name.log
	mkdir -p "$corpus"
	cp "$top/tests/unit/fuzz-seeds/$2"/* "$corpus/"
	"$b/unit/fuzz_$name" -max_total_time="$secs" -timeout=10 \
		-max_len=16384 -print_final_stats=1 \
		-artifact_prefix="$crashes/$name-" "$corpus" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
	cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -n 1)
	crash=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$runs" ]; then
		echo "PASS unit/fuzz/$name ($runs runs, coverage ${cov:-?})"
		return
	fi
	tail -n 30 "$log" | sed 's/^/      | /'
	echo "FAIL unit/fuzz/$name: exit status $rc, input ${crash:-(none saved)}"
	status=1
}

fuzz kdbt_data kdbt-data
fuzz snapshot snapshot
exit $status
