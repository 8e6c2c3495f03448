#!/bin/sh
# demo.sh - the main job of `make demo`: profile a workload in a guest and
# report it on the host, the way kdbt is meant to be used.
#
# Boots Debian's kernel in QEMU, loads kdbt.ko, runs kdbt-record over a
# workload of file I/O, processes (fork/exec), pipes and sockets (TCP and
# UDP over loopback, AF_UNIX), brings the recording back to the host
# (tests/vm/fetch.sh, the same way the tests do) and prints kdbt-report's
# totals, hottest functions and jumptable summary.  The recording stays in
# build/demo/kdbt.data for kdbt-report.
# Owns: the demo's guest script and presenting its output.
# Must never: load kdbt.ko into the host kernel.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/demo
report=$top/build/kdbt-report
rel=build/demo/kdbt.data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/demo.sh" <<'EOT'
# vm-smp: 2
# vm-timeout: 150
# Kernel messages reach this console by themselves (the harness scans them).
echo "### insmod kdbt.ko"
insmod /kdbt/kdbt.ko || exit 1
echo "### kdbt-record -o /tmp/kdbt.data -- workload 8 ... forkexec fileio pipes sockets"
kdbt-record -o /tmp/kdbt.data -- \
	workload 8 /nonexistent forkexec fileio pipes sockets || exit 1
rmmod kdbt
echo "### sending the recording to the host"
sendfile kdbt.data /tmp/kdbt.data || exit 1
EOT
t0=$(date +%s)
echo "Booting Debian $(sh "$top/scripts/kver.sh") in QEMU (TCG, 2 CPUs)..."
rm -f "$out/kdbt.data"
sh "$top/tests/vm/fetch.sh" --show "$out" "$work/demo.sh"
[ -s "$out/kdbt.data" ] || { echo "demo: no recording came back" >&2; exit 1; }

echo
echo "### kdbt-report -i $rel -n 15   (on the host)"
"$report" --stdio -i "$out/kdbt.data" -n 15
echo
echo "### Jumptable: the indirect-branch lookups, and the functions with the most misses"
"$report" --stdio -i "$out/kdbt.data" -n 1 |
	grep -E '^#   (indirect_branches|jumptable_hits|jumptable_misses) '
"$report" --stdio -i "$out/kdbt.data" -s misses -n 8 |
	sed -n '/^#  Share/,$p' | grep -v '^# \.\.\.'
echo
echo "Recorded and reported in $(($(date +%s) - t0)) s.  The recording is saved on the host:"
echo "  $rel"
echo "Report it again, or differently:"
echo "  build/kdbt-report -i $rel                 # totals and the hottest functions"
echo "  build/kdbt-report -i $rel --interval      # the time series"
echo "  build/kdbt-report -i $rel --blocks -s misses"
echo "  build/kdbt-report -i $rel --format folded > kdbt.folded   # for flamegraph.pl"
echo "  build/kdbt-report --diff OLD.data NEW.data  # what a change did"
