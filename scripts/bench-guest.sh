#!/bin/sh
# bench-guest.sh - system-call-level cost of running the kernel from the
# code cache: kbench (tests/bench/kbench.c) natively and translated, per
# mode, interleaved in rounds inside one guest boot per mode (absolute
# times under TCG are noisy; ratios within a boot are not), then the same
# under -icount, where guest time counts instructions (exact ratios).
# Then fast mode with counters against without (the cost of counting) and
# the cost of reading /proc/kdbt with a workload's working set.
# Prints, per benchmark: native ns/op, translated ns/op, the median of the
# per-round ratios and their spread.  A benchmark: it judges nothing.
# Usage: bench-guest.sh [transparent|fast]...   (default: both)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
modes=${*:-transparent fast}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# report FILE MODE TITLE [BASE]: medians and ratios from the BENCH lines,
# MODE against BASE (default native).
report() {
	echo "== $3"
	base=${4:-native}
	printf '%-14s %12s %12s %8s %16s\n' benchmark "$base-ns" "$2-ns" ratio \
		"ratio-spread"
	awk -v mode="$2" -v base="$base" '
	$1 == "BENCH" && ($2 == base || $2 == mode) { k = $3; cfg = $2
		if (cfg == base) nat[k, ++nn[k]] = $4
		else { tr[k, ++nt[k]] = $4; order[k] = order[k] ? order[k] : ++no; names[no] = k } }
	function median(a, k, n,   i, j, t, v) {
		for (i = 1; i <= n; i++) v[i] = a[k, i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	END {
		for (o = 1; o <= no; o++) {
			k = names[o]; n = nt[k] < nn[k] ? nt[k] : nn[k]
			lo = 1e9; hi = 0
			for (i = 1; i <= n; i++) {
				r[k, i] = tr[k, i] / nat[k, i]
				if (r[k, i] < lo) lo = r[k, i]; if (r[k, i] > hi) hi = r[k, i]
			}
			printf "%-14s %12.0f %12.0f %8.2f %7.2f-%-8.2f\n", k,
				median(nat, k, n), median(tr, k, n), median(r, k, n), lo, hi
		}
	}' "$1"
}

for m in $modes; do
	for kind in modes icount; do
		sh "$top/tests/vm/run.sh" --show \
			"$top/tests/bench/guest/$kind-$m.sh" > "$out/$kind-$m" 2>&1 ||
			{ cat "$out/$kind-$m"; exit 1; }
	done
	report "$out/modes-$m" "$m" "$m mode, 2 CPUs, wall clock (5 rounds)"
	report "$out/icount-$m" "$m" "$m mode, 1 CPU, -icount: instructions (2 rounds)"
done

# The cost of counting: fast mode with counters against without.
for kind in counters icount-counters; do
	sh "$top/tests/vm/run.sh" --show "$top/tests/bench/guest/$kind-fast.sh" \
		> "$out/$kind" 2>&1 || { cat "$out/$kind"; exit 1; }
done
report "$out/counters" counters-on \
	"fast mode with counters vs without, 2 CPUs, wall clock (5 rounds)" \
	counters-off
report "$out/icount-counters" counters-on \
	"fast mode with counters vs without, 1 CPU, -icount (2 rounds)" \
	counters-off
echo "== reading /proc/kdbt after a workload (2 CPUs): bytes, ms median/min/max"
grep -h '^READSET\|^READCOST' "$out/counters"
echo "== the same under -icount (1 CPU)"
grep -h '^READSET\|^READCOST' "$out/icount-counters"
