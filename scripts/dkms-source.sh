#!/bin/sh
# dkms-source.sh - stage the self-contained source tree that DKMS builds
# kdbt.ko from (`make dkms-source`).
#
# Usage: dkms-source.sh OUTDIR       (prints OUTDIR/kdbt-VERSION)
# Owns: OUTDIR/kdbt-VERSION, made afresh: dkms.conf, a Makefile for DKMS
# (scripts/dkms.mk), kmod/'s sources and kmod/core/'s (no build outputs),
# proc/kdbt_abi.h, Zydis's headers and sources (from build/src/zydis,
# `make deps`) in kmod/zydis, Zycore's headers (from libzycore-dev) in
# include/, and their licences.  No symbolic links and nothing that points
# back into this checkout, so DKMS can copy the tree to /usr/src and build
# it there for any kernel long after build/ is gone.
# Must never: write outside OUTDIR/kdbt-VERSION.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: dkms-source.sh OUTDIR}
zydis=$top/build/src/zydis
zycore=${ZYCORE_DIR:-/usr/include/Zycore}

die() { echo "dkms-source: $*" >&2; exit 1; }

[ -f "$zydis/include/Zydis/Zydis.h" ] ||
	die "Zydis sources missing in build/src/zydis: run 'make deps'"
[ -f "$zycore/Zycore.h" ] || die "Zycore headers missing in $zycore: install libzycore-dev"

# One version for the module, the tools and DKMS: KDBT_RELEASE.
ver=$(sed -n 's/^#define KDBT_RELEASE[[:space:]]*"\(.*\)"/\1/p' "$top/proc/kdbt_abi.h")
[ -n "$ver" ] || die "no KDBT_RELEASE in proc/kdbt_abi.h"
conf_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
[ "$conf_ver" = "$ver" ] ||
	die "dkms.conf says PACKAGE_VERSION=\"$conf_ver\", proc/kdbt_abi.h says $ver"

dst=$out/kdbt-$ver
rm -rf "$dst"
mkdir -p "$dst/kmod/core" "$dst/kmod/zydis/src/Generated" \
	"$dst/kmod/zydis/include" "$dst/include" "$dst/proc"

cp "$top/dkms.conf" "$dst/dkms.conf"
cp "$top/scripts/dkms.mk" "$dst/Makefile"
cp "$top/proc/kdbt_abi.h" "$dst/proc/"
# kmod/: what Kbuild compiles, not what it produced (kdbt.mod.c is output).
cp "$top/kmod/Kbuild" "$top/kmod/objtool-cache.sh" "$dst/kmod/"
for f in "$top"/kmod/*.c "$top"/kmod/*.h "$top"/kmod/*.S; do
	case $f in *.mod.c) continue ;; esac
	cp "$f" "$dst/kmod/"
done
cp "$top"/kmod/core/files.mk "$top"/kmod/core/*.c "$top"/kmod/core/*.h \
	"$dst/kmod/core/"
# Zydis: headers, sources and generated tables, without the objects that
# the checkout's own builds left beside them.
cp -R "$zydis/include/." "$dst/kmod/zydis/include/"
cp "$zydis"/src/*.c "$dst/kmod/zydis/src/"
cp "$zydis"/src/Generated/* "$dst/kmod/zydis/src/Generated/"
cp "$zydis/LICENSE" "$dst/kmod/zydis/LICENSE"
cp -R "$zycore" "$dst/include/Zycore"
if [ -f /usr/share/doc/libzycore-dev/copyright ]; then
	cp /usr/share/doc/libzycore-dev/copyright "$dst/include/Zycore.copyright"
fi

# Self-contained: regular files and directories only.
links=$(find "$dst" -type l)
[ -z "$links" ] || die "symbolic links in the staged tree: $links"
echo "$dst"
