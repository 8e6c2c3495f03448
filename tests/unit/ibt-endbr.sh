#!/bin/sh
# ibt-endbr.sh - in kdbt.ko built for an IBT kernel (6.12), every function
# whose address is taken - what the kernel or kdbt may call indirectly:
# proc_ops, kernel_param_ops, probes, notifiers, stop_machine() and
# on_each_cpu() callbacks, the translator core's callbacks - starts with
# endbr64 and is not in objtool's .ibt_endbr_seal (whose endbr64 the
# module loader turns into a nop).  Address taken: a relocation to the
# function from data, or from code other than a call (R_X86_64_PLT32);
# ftrace's __mcount_loc, objtool's and ORC's tables are not uses.  With
# CET indirect branch tracking enforced, a call to one without endbr64
# is a #CP (docs/KERNEL.md, section 9; kernel functions are called
# through veneers: tests/unit/ksym-veneers.sh, abi-veneers.sh).
#
# Usage: ibt-endbr.sh [KO]   (default: build/kmod-6.12*/kdbt.ko, from
#                             `make module-612`; none: SKIP)
# Output: PASS/FAIL lines, one per bad function; exit status 1 if any.
# Owns: nothing but its scratch directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
ko=${1:-$(ls build/kmod-6.12*/kdbt.ko 2>/dev/null | head -n 1)}
if [ -z "$ko" ] || [ ! -f "$ko" ]; then
	echo "SKIP unit/ibt-endbr: no kdbt.ko built for 6.12 (make module-612)"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
readelf -S -W "$ko" > "$T/sections" &&
	readelf -s -W "$ko" > "$T/symbols" &&
	readelf -r -W "$ko" > "$T/relocs" || {
	echo "FAIL unit/ibt-endbr: readelf $ko"
	exit 1
}
if ! grep -q ' \.ibt_endbr_seal ' "$T/sections"; then
	echo "FAIL unit/ibt-endbr: $ko has no .ibt_endbr_seal (not built for IBT?)"
	exit 1
fi

# One line per address-taken function: NAME FILE-OFFSET SEALED(0/1).
awk -v S="$T/sections" -v Y="$T/symbols" -v R="$T/relocs" '
function hex(s,    i, v) {
	v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
BEGIN {
	while ((getline l < S) > 0) {
		if (l !~ /^ *\[ *[0-9]+\]/)
			continue
		sub(/^ *\[ */, "", l); sub(/\]/, "", l)
		split(l, f, " ")
		secname[f[1]] = f[2]; secoff[f[2]] = hex(f[5])
	}
	while ((getline l < Y) > 0) {
		n = split(l, f, " ")
		if (n < 8 || f[7] !~ /^[0-9]+$/)
			continue
		s = secname[f[7]]; v = hex(f[2])
		symsec[f[8]] = s; symval[f[8]] = v
		if (f[4] == "FUNC")
			fn[s " " v] = f[8]
	}
	skip["__mcount_loc"] = skip["__patchable_function_entries"] = 1
	skip[".ibt_endbr_seal"] = skip[".call_sites"] = skip[".return_sites"] = 1
	skip[".retpoline_sites"] = skip[".orc_unwind_ip"] = 1
	while ((getline l < R) > 0) {
		if (l ~ /^Relocation section/) {
			cur = l; sub(/^Relocation section .\.rela/, "", cur)
			sub(/. at offset.*/, "", cur)
			continue
		}
		n = split(l, f, " ")
		if (n < 5 || f[1] !~ /^[0-9a-f]+$/ || length(f[1]) != 16)
			continue
		sym = f[5]; add = 0
		if (n >= 7)
			add = (f[6] == "-" ? -1 : 1) * hex(f[7])
		if (sym ~ /^\./)
			key = sym " " add
		else if (sym in symsec)
			key = symsec[sym] " " (symval[sym] + add)
		else
			continue
		if (!(key in fn))
			continue
		if (cur == ".ibt_endbr_seal") {
			sealed[key] = 1
			continue
		}
		if ((cur in skip) || cur ~ /^\.(debug|discard)/)
			continue
		if (cur ~ /^\.(init\.|exit\.)?text$/ && f[3] == "R_X86_64_PLT32")
			continue
		taken[key] = 1
	}
	for (k in taken) {
		split(k, p, " ")
		print fn[k], secoff[p[1]] + p[2], (k in sealed) ? 1 : 0
	}
}' > "$T/taken"

n=0
bad=0
while read -r name off sealed; do
	n=$((n + 1))
	b=$(od -An -tx1 -j "$off" -N 4 "$ko" | tr -d ' \n')
	if [ "$b" != f30f1efa ]; then
		echo "FAIL unit/ibt-endbr/$name: address taken, starts with $b, not endbr64"
		bad=1
	elif [ "$sealed" = 1 ]; then
		echo "FAIL unit/ibt-endbr/$name: address taken, its endbr64 is in .ibt_endbr_seal"
		bad=1
	fi
done < "$T/taken"
if [ "$n" -lt 20 ]; then
	echo "FAIL unit/ibt-endbr: only $n address-taken functions found in $ko"
	exit 1
fi
[ "$bad" = 0 ] &&
	echo "PASS unit/ibt-endbr: $n address-taken functions of $ko start with endbr64, none sealed"
exit $bad
