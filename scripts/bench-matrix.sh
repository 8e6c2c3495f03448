#!/bin/sh
# bench-matrix.sh - the exact instruction ratios of kdbt on every cell of
# the test matrix (tests/matrix/cells: CPU models, PTI, the cloud, rt and
# 6.12 kernels): one 1-CPU -icount boot per cell running the paper's
# benchmarks (tests/bench/guest/paper-icount.sh) natively, in fast and
# transparent mode and with counters (profiling), as `make bench` does
# for the default cell.
#
# Usage: bench-matrix.sh [CELL...]   (default: every cell; about 2 min each)
# Writes build/bench/matrix-<time>/CELL.{log,txt,csv,json} and prints one
# line per cell: the geomean ratio per configuration, the jumptable hit
# rate and the coverage with counters; then where the tables are.
# Owns: running the per-cell bench boots.  Must never: judge a figure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/tests/matrix
CELLS=$(cat "$here/cells")
. "$here/lib.sh"
out=$top/build/bench/matrix-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
[ $# -gt 0 ] || set -- $(echo "$CELLS" | cut -d' ' -f1)
status=0


for cell in "$@"; do
	name=$(echo "$cell" | tr / _)
	if ! cell_resolve "$cell" "${KDBT_KO:-$top/kmod/kdbt.ko}"; then
		echo "cell $cell: $why"
		status=1
		continue
	fi
	VM_CPU=$cpu VM_APPEND="$words" KDBT_KO=$ko \
		sh "$top/tests/vm/run.sh" --show --kver "$kver" \
		--logdir "$out/$name.logs" \
		"$top/tests/bench/guest/paper-icount.sh" > "$out/$name.log" 2>&1
	if ! grep -q '^PASS vm/paper-icount' "$out/$name.log"; then
		echo "cell $cell: the bench boot failed ($out/$name.log)"
		status=1
		continue
	fi
	awk -v title="$cell: 1 CPU, -icount" -v csv="$out/$name.csv" \
		-v json="$out/$name.json" -f "$top/scripts/bench-table.awk" \
		"$out/$name.log" > "$out/$name.txt"
	awk -v cell="$cell" '$1 == "geomean" { g = $3 " fast, " $4 " transparent, " $5 " profiling" }
		$1 ~ /^jumptable_hit/ { jt = $NF }
		$1 == "coverage" { cov = $NF }
		END { printf "cell %s: geomean %s; jumptable hit rate %s%%; coverage %s%% (profiling)\n", cell, g, jt, cov }' \
		"$out/$name.txt"
done
echo "bench-matrix: tables in $out"
exit $status
