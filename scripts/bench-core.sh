#!/bin/sh
# bench-core.sh - translator-core figures over the whole guest kernel text:
# translation speed (native bytes and blocks per second) and code
# expansion (cache bytes per native byte), per mode, with and without
# counters.  A benchmark, not a test: it prints figures and judges nothing.
# Usage: bench-core.sh [KCOVER_BINARY]     (runs each configuration 3 times
# and reports the fastest run)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kcover=${1:-$top/build/unit/kcover}
# shellcheck disable=SC2046
set -- $(sh "$top/scripts/kernel-inputs.sh")
vmlinux=$1 kallsyms=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT

printf '%-12s %-9s %9s %9s %12s %12s %10s %7s\n' mode counters blocks \
	"native-KB" "cache-KB" "MB/s" "blocks/s" expansion
for mode in fast transparent; do
	for ctr in counters nocounters; do
		best=
		for run in 1 2 3; do
			"$kcover" "$vmlinux" "$kallsyms" $mode $ctr > "$out"
			s=$(sed -n 's/^seconds //p' "$out")
			if [ -z "$best" ] ||
			   awk "BEGIN { exit !($s < $best) }"; then
				best=$s
				cp "$out" "$out.best"
			fi
		done
		get() { sed -n "s/^$1 //p" "$out.best"; }
		printf '%-12s %-9s %9s %9s %12s %12s %10s %7s\n' $mode \
			"$(get counters)" "$(get blocks)" \
			$(($(get native_bytes) / 1024)) \
			$(($(get cache_bytes) / 1024)) \
			"$(awk "BEGIN { printf \"%.1f\", $(get native_bytes_per_sec) / 1e6 }")" \
			"$(get blocks_per_sec)" "$(get expansion)"
	done
done
rm -f "$out.best"
