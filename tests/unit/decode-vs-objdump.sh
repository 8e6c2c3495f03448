#!/bin/sh
# decode-vs-objdump.sh - kdbt's decoder (kmod/core/decode.c over Zydis,
# the code compiled into kdbt.ko) must split real compiled code into
# exactly the same instructions as binutils' objdump.
#
# Subject: every sized function of decode_check itself, a static -O2 binary
# whose glibc carries SSE, AVX2 and AVX-512 string routines.  Ranges come
# from nm (sorted by start).  Output: one PASS/FAIL line.
set -u
bin=${1:?usage: decode-vs-objdump.sh DECODE_CHECK_BINARY}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

nm -S --defined-only "$bin" |
	awk '$3 ~ /^[Tt]$/ && $2 !~ /^0+$/ {print $1, $2}' | sort -u > "$work/ranges"
objdump -d -w --no-show-raw-insn "$bin" |
	sed -n 's/^ *\([0-9a-f][0-9a-f]*\):\t.*/\1/p' > "$work/objdump"
if out=$("$bin" "$work/ranges" "$work/objdump") &&
   [ "$(wc -l < "$work/ranges")" -gt 500 ]; then
	echo "PASS unit/decode-vs-objdump ($out)"
else
	echo "FAIL unit/decode-vs-objdump: $out"
	exit 1
fi
