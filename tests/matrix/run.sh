#!/bin/sh
# run.sh - the test matrix: kdbt on other CPU models and on the other
# kernels (6.1's and 6.12's flavours, 6.12's mitigations), one guest boot
# per cell, a short suite in each.
#
# Usage: run.sh [CELL...]     (default: every cell, in this order)
#   CELL                            -cpu                 kernel        words
#   Skylake-Server-IBRS             Skylake-Server-IBRS  6.1 generic   (PTI on)
#   Skylake-Server-IBRS/pti=off     Skylake-Server-IBRS  6.1 generic   pti=off
#   Skylake-Server-IBRS/6.12-stuff  Skylake-Server-IBRS  6.12 generic  retbleed=stuff
#                                   spectre_v2=retpoline (call-depth tracking:
#                                   call thunks, call_depth_return_thunk)
#   Cascadelake-Server/cloud        Cascadelake-Server   6.1 cloud     (PTI on)
#   Icelake-Server/6.12-cloud       Icelake-Server       6.12 cloud    (PTI on)
#                                   indirect_target_selection=on (ITS: the
#                                   return thunk is its_return_thunk)
#   EPYC-Rome/rt                    EPYC-Rome            6.1 rt (PREEMPT_RT)
#   EPYC-Milan/6.12-rt              EPYC-Milan           6.12 rt
# Each CPU model and each kernel is in some cell, not every pair: a
# cell pairs a model with a kernel (make test runs 6.1 generic on -cpu
# max, make test-612 6.12 generic), so that the matrix fits CI's budget.
# Every Intel model boots with page-table isolation under TCG (QEMU does
# not report the CPU as unaffected by Meltdown); EPYC-Rome returns
# through the return thunk.  Each cell boots once and runs
# tests/matrix/cell-*.sh in order (module load, exact getppid counts,
# workload + stress-ng in transparent mode, on/off cycles, then fast
# mode's workload and cycles last) with tests/vm/run.sh, VM_CPU and
# VM_APPEND (the cell's words, then the caller's) set for the cell.
# Kernels: generic is scripts/kver.sh's answer, the flavours
# `scripts/kver.sh --flavour F` (make deps-matrix installs them), 6.12
# `scripts/kernel612.sh --print` (make deps-612), its flavours
# `scripts/kernel612.sh --print --flavour F` (make deps-matrix).
# Modules: KDBT_KO (default kmod/kdbt.ko) for the generic kernel,
# build/kmod-<kver>/kdbt.ko for the others (make module-for KVER=<kver>).
# Output, per test: "PASS cell CELL: TEST (S s)" or "FAIL cell CELL: TEST
# (S s): WHY" and the last lines a failed test printed; per cell a line
# "cell CELL: S s, 1 boot(s), pti on|off; coverage ...; jumptable hit rate
# ..." (from /proc/kdbt/stats at the end of each mode's workload); at the
# end "matrix: N cells in M min S s" and "N passed, N failed".  A cell
# whose kernel or module is missing fails.  Console logs:
# build/matrix/CELL/ (/ in CELL as _).
# Linux 6.12's generic kernel on -cpu max is not a cell: `make test-612`
# (tests/run-all.sh --612, in CI) runs the whole guest suite there, and
# translates that kernel's text offline.
# Exit status: 0 if every test of every cell passed.
# Owns: the list of cells and how each boots.  Must never: load anything
# into the host kernel, or skip, excuse or special-case a cell: a cell
# fails until kdbt works there.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

# name cpu flavour (generic, cloud, rt, 6.12) and kernel words (the rest
# of the line, - for none), one cell per line (scripts/bench-matrix.sh reads them too)
CELLS=$(cat "$here/cells")
. "$here/lib.sh"

for c in "$@"; do
	echo "$CELLS" | awk -v c="$c" '$1 == c { f = 1 } END { exit !f }' || {
		echo "run.sh: no cell '$c'; cells: $(echo "$CELLS" | cut -d' ' -f1 | tr '\n' ' ')" >&2
		exit 2
	}
done
# shellcheck disable=SC2046
[ $# -gt 0 ] || set -- $(echo "$CELLS" | cut -d' ' -f1)

# One boot per cell: every cell test must ask for the same boot.
suite=$(ls "$here"/cell-*.sh)
keys=$(for t in $suite; do
	grep -E '^# vm-(smp|mem|cpu|append|qemu):' "$t" | sort | tr '\n' ' '
	echo
done | sort -u | wc -l)
if [ "$keys" != 1 ]; then
	echo "run.sh: tests/matrix/cell-*.sh ask for different boots (vm-smp, vm-mem, vm-cpu, vm-append, vm-qemu headers differ)" >&2
	exit 2
fi

out=$(mktemp)
trap 'rm -f "$out" "$out.cell"' EXIT
: "${KDBT_KO:=$top/kmod/kdbt.ko}"
generic_ko=$KDBT_KO
caller_append=${VM_APPEND:-}
t_all=$(date +%s)
ncells=0

# figure LOG TEST KEY: the value of "figure: KEY V" that TEST printed.
figure() {
	awk -v t="$2" -v k="$3" '$0 ~ "KDBT-TEST-BEGIN " t "$" { on = 1; next }
		/KDBT-TEST-END/ { on = 0 }
		on && $1 == "figure:" && $2 == k { v = $3 }
		END { print (v == "" ? "-" : v "%") }' "$1"
}

for cell in "$@"; do
	ncells=$((ncells + 1))
	cov= jt=
	t0=$(date +%s)
	if ! cell_resolve "$cell" "$generic_ko"; then
		echo "== cell $cell"
		echo "FAIL cell $cell: $why" | tee -a "$out"
		continue
	fi
	echo "== cell $cell: -cpu $cpu, $flavour kernel${words:+, $words}"
	logs=$top/build/matrix/$(echo "$cell" | tr / _)
	rm -rf "$logs"
	# shellcheck disable=SC2086
	VM_CPU=$cpu VM_APPEND="$words${caller_append:+ $caller_append}" \
		KDBT_KO=$ko sh "$top/tests/vm/run.sh" --kver "$kver" \
		--logdir "$logs" $suite > "$out.cell" 2>&1
	rc=$?
	# vm/cell-3-workload-fast -> cell CELL: workload fast
	awk -v c="$cell" '/^(PASS|FAIL) vm\/cell-[0-9]+-/ {
		v = $1; n = $2; rest = substr($0, length(v) + length(n) + 3)
		sub(/^vm\/cell-[0-9]+-/, "", n); sub(/:$/, "", n)
		colon = ($2 ~ /:$/) ? ":" : ""
		gsub(/-/, " ", n)
		print v " cell " c ": " n colon (rest == "" ? "" : " " rest)
		next } { print }' "$out.cell" | tee -a "$out"
	if [ $rc != 0 ] && ! grep -q '^FAIL ' "$out.cell"; then
		echo "FAIL cell $cell: tests/vm/run.sh exit status $rc" | tee -a "$out"
	fi
	boots=$(ls "$logs"/*.log 2>/dev/null | wc -l)
	log=$(ls "$logs"/*.log 2>/dev/null | head -n 1)
	pti=-
	if [ -n "$log" ]; then
		pti=$(sed -n 's/^cell: pti //p' "$log" | head -n 1)
		cov="coverage transparent $(figure "$log" cell-3-workload-transparent coverage)"
		cov="$cov fast $(figure "$log" cell-5-workload-fast coverage)"
		jt="jumptable hit rate transparent $(figure "$log" cell-3-workload-transparent jumptable_hit_rate)"
		jt="$jt fast $(figure "$log" cell-5-workload-fast jumptable_hit_rate)"
	fi
	echo "cell $cell: $(($(date +%s) - t0)) s, $boots boot(s), pti ${pti:--}; ${cov:-no coverage}; ${jt:-no jumptable hit rate}"
done
rm -f "$out.cell"
t=$(($(date +%s) - t_all))
echo "matrix: $ncells cells in $((t / 60)) min $((t % 60)) s"
passed=$(grep -c '^PASS ' "$out")
failed=$(grep -c '^FAIL ' "$out")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
