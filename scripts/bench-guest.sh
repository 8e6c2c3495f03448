#!/bin/sh
# bench-guest.sh - the paper's table: kbench (tests/bench/kbench.c:
# lmbench-style microbenchmarks and two macro workloads) in four
# configurations - native, fast mode and transparent mode without counters
# (the cost of translation), fast mode with counters (the profiling
# setup) - interleaved in rounds inside one guest boot (absolute times
# under TCG are noisy; ratios within a boot are not), then the same on one
# CPU under -icount, where guest time counts instructions (exact ratios).
# Per benchmark and configuration: median ns/op, the median of the
# per-round ratios to native and their range, the geometric mean of the
# ratios, and per configuration the jumptable hit rate, dispatcher entries
# per second, cache bytes and coverage; then the cost of reading
# /proc/kdbt whole with a workload's working set.
#
# Usage: bench-guest.sh [--quick]   (--quick: one round at a fifth of the
#                                    iterations, no -icount boot: CI-sized)
# Writes build/bench/<time>/{wall,icount}.{txt,csv,json} and prints where.
# Owns: running the bench boots and presenting them.  Must never: judge a
# figure (targets are compared in closing notes, not here).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
quick=0
[ "${1:-}" = --quick ] && quick=1
out=$top/build/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"

# boot SCRIPT NAME: run one bench boot, keep what it printed.
boot() {
	if ! sh "$top/tests/vm/run.sh" --show "$top/tests/bench/guest/$1" \
		> "$out/$2.log" 2>&1; then
		cat "$out/$2.log"
		echo "bench-guest: the $2 boot failed" >&2
		exit 1
	fi
}

# table NAME TITLE: the table of one boot, in text, CSV and JSON.
table() {
	awk -v title="$2" -v csv="$out/$1.csv" -v json="$out/$1.json" \
		-f "$top/scripts/bench-table.awk" "$out/$1.log" |
		tee "$out/$1.txt"
}

if [ $quick = 1 ]; then
	boot paper-quick.sh wall
	table wall "2 CPUs, wall clock, 1 round (quick)"
else
	boot paper.sh wall
	table wall "2 CPUs, wall clock, 5 rounds"
	echo "== reading /proc/kdbt whole after a workload (2 CPUs): bytes, ms median/min/max"
	grep -h '^READSET\|^READCOST' "$out/wall.log" | tee -a "$out/wall.txt"
	boot paper-icount.sh icount
	table icount "1 CPU, -icount (guest time = instructions), 1 round"
fi
echo "bench-guest: results in $out"
