#!/bin/sh
# kernel-version-check.sh - kdbt.ko refuses to build for a kernel it does
# not know (kmod/kver_check.h): the header is preprocessed with a stand-in
# <linux/version.h> for each release below; 6.1.x and 6.12.x must pass,
# every other release must stop at the header's #error.
#
# Usage: kernel-version-check.sh
# Output: one PASS/FAIL line per release.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/linux"

# check A B C WANT: release A.B.C builds (ok) or is refused (error)
check() {
	cat > "$tmp/linux/version.h" <<VERSION
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + \\
	((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE KERNEL_VERSION($1, $2, $3)
VERSION
	if ${CC:-cc} -E -nostdinc -I"$tmp" "$top/kmod/kver_check.h" \
		> /dev/null 2> "$tmp/err"; then
		got=ok
	elif grep -q 'builds for Linux 6.1 and 6.12 only' "$tmp/err"; then
		got=error
	else
		got="failure: $(head -n 1 "$tmp/err")"
	fi
	if [ "$got" = "$4" ]; then
		echo "PASS unit/kernel-version/$1.$2.$3 ($got)"
	else
		echo "FAIL unit/kernel-version/$1.$2.$3: want $4, got $got"
	fi
}

check 6 1 0 ok
check 6 1 192 ok
check 6 1 300 ok
check 6 12 0 ok
check 6 12 118 ok
check 5 10 0 error
check 6 0 19 error
check 6 2 0 error
check 6 6 0 error
check 6 11 11 error
check 6 13 0 error
check 6 17 0 error
check 7 1 0 error
