#!/bin/sh
# kver.sh - print the release of the guest kernel kdbt builds and tests on.
#
# Owns: choosing the newest Debian kernel in /boot that has matching headers
# (/lib/modules/<ver>/build).  Must never: answer `uname -r` (that is the
# host's kernel, which kdbt never touches).
set -eu
best=
for img in /boot/vmlinuz-*; do
	[ -e "$img" ] || continue
	ver=${img#/boot/vmlinuz-}
	[ -f "/lib/modules/$ver/build/Makefile" ] || continue
	best="$best$ver
"
done
ver=$(printf '%s' "$best" | sort -V | tail -n 1)
if [ -z "$ver" ]; then
	echo "kver: no /boot/vmlinuz-* with matching headers; run 'make deps'" >&2
	exit 1
fi
echo "$ver"
