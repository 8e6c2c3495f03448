#!/bin/sh
# ibt-entry.sh - kdbt.ko's dispatcher entry for indirect branches,
# kdbt_entry_indirect, the one jumptable target outside the code cache,
# starts with endbr64: on a kernel with CONFIG_X86_KERNEL_IBT (6.12), a
# CPU that enforces IBT would take #CP on an indirect jmp that lands
# anywhere else (docs/LINUX-6.12.md).  The cache's own indirect entries
# are checked by kernel-coverage.sh.
#
# Usage: ibt-entry.sh KO      (kdbt.ko built for an IBT kernel)
# Output: one PASS or FAIL line.
# Must never: load anything.
set -u
ko=${1:?usage: ibt-entry.sh KO}
first=$(objdump -d --no-show-raw-insn "$ko" 2>/dev/null |
	awk '/<kdbt_entry_indirect>:$/ {getline; print $2; exit}')
if [ "$first" = endbr64 ]; then
	echo "PASS unit/ibt-entry: kdbt_entry_indirect starts with endbr64 ($ko)"
else
	echo "FAIL unit/ibt-entry: kdbt_entry_indirect starts with '$first', not endbr64 ($ko)"
	exit 1
fi
