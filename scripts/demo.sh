#!/bin/sh
# demo.sh - the main job of `make demo`: boot a guest on Debian's kernel,
# load kdbt.ko, and show what it reports.
#
# Owns: the demo's guest script and presenting its output.  Later issues
# grow it into the full profile-a-workload-and-report demo.
# Must never: load kdbt.ko into the host kernel.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/demo.sh" <<'EOT'
# vm-timeout: 60
# Kernel messages reach this console by themselves (the harness scans them).
echo "### insmod kdbt.ko"
insmod /kdbt/kdbt.ko || exit 1
echo "### cat /proc/kdbt/stats"
cat /proc/kdbt/stats
echo "### rmmod kdbt"
rmmod kdbt
EOT
echo "Booting Debian $(sh "$top/scripts/kver.sh") in QEMU (TCG, 2 CPUs)..."
sh "$top/tests/vm/run.sh" --show --logdir "$top/build/vm/demo-logs" "$work/demo.sh"
