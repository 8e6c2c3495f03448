#!/bin/sh
# kver.sh - print the release of the guest kernel kdbt builds and tests on.
#
# Usage: kver.sh                 the default kernel (the rule below)
#        kver.sh --flavour F     its flavour F (cloud, rt) of the same ABI
#
# The rule: $KVER if it is set and not empty (it overrides everything);
# otherwise the newest Debian 12 generic 6.1 kernel, that is the newest
# /boot/vmlinuz-6.1.<x>-<abi>-amd64 (no flavour in its name: not -cloud-,
# not -rt-) that has headers (/lib/modules/<ver>/build/Makefile), in
# `sort -V` order.  Kernels kdbt does not build for (6.12, flavours) are
# passed over without a word, so installing one (scripts/flavours.sh puts
# the cloud and rt images in /boot) never changes the answer.  With no
# such kernel: exit 1 and say what was looked for.
# --flavour F: the default kernel with -amd64 replaced by -F-amd64
# (6.1.0-57-amd64 -> 6.1.0-57-rt-amd64); exit 1 unless its image and
# headers are installed (`make deps-matrix`).
# Owns: choosing the guest kernel.  Must never: answer `uname -r` (that is
# the host's kernel, which kdbt never touches), or print anything but the
# answer on stdout (the Makefile reads it with $(shell)).
set -eu

flavour=
case ${1:-} in
"") ;;
--flavour) flavour=${2:?usage: kver.sh [--flavour cloud|rt]} ;;
*) echo "usage: kver.sh [--flavour cloud|rt]" >&2; exit 2 ;;
esac

if [ -n "${KVER:-}" ]; then
	ver=$KVER
else
	ver=$(for img in /boot/vmlinuz-6.1.*-amd64; do
		v=${img#/boot/vmlinuz-}
		echo "$v" | grep -Eq '^6\.1\.[0-9]+-[0-9]+-amd64$' || continue
		[ -f "/lib/modules/$v/build/Makefile" ] && echo "$v"
	done | sort -V | tail -n 1)
	if [ -z "$ver" ]; then
		echo "kver: no generic Debian 6.1 kernel with headers: looked for" \
			"/boot/vmlinuz-6.1.<x>-<abi>-amd64 with" \
			"/lib/modules/<ver>/build/Makefile; run 'make deps'" >&2
		exit 1
	fi
fi
[ -z "$flavour" ] && { echo "$ver"; exit 0; }

fver=${ver%-amd64}-$flavour-amd64
if [ ! -r "/boot/vmlinuz-$fver" ] || [ ! -f "/lib/modules/$fver/build/Makefile" ]; then
	echo "kver: no $flavour flavour of $ver: looked for /boot/vmlinuz-$fver" \
		"and /lib/modules/$fver/build/Makefile; run 'make deps-matrix'" >&2
	exit 1
fi
echo "$fver"
