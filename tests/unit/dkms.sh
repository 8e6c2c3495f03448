#!/bin/sh
# dkms.sh - kdbt.ko through DKMS, for the guest kernel, against Debian's
# linux-headers: `make dkms-install` (stage the self-contained tree, dkms
# add, dkms install = build + install) and `make dkms-uninstall` (dkms
# remove --all), all in private DKMS trees.  The module DKMS built must have
# the vermagic of kmod/kdbt.ko (and its srcversion, when kmod/kdbt.ko is
# up to date), the staged tree must not refer to this checkout, and nothing
# may be left in the private trees or changed in the system's.
#
# Usage: dkms.sh           (as root, after `make all`; about a minute)
# Output: PASS/FAIL lines; exit status 1 if any failed.
# Owns: nothing but its scratch directory.  Must never: touch /var/lib/dkms,
# /usr/src or /lib/modules (every dkms command gets private trees and
# --no-depmod; the signing key DKMS makes goes to the scratch directory).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if [ "$(id -u)" != 0 ]; then
	echo "unit/dkms: skipped, dkms needs root"
	exit 0
fi
command -v dkms > /dev/null ||
	{ echo "FAIL unit/dkms: no dkms (make deps installs it)"; exit 1; }
K=$(sh scripts/kver.sh) || { echo "FAIL unit/dkms: no guest kernel"; exit 1; }
[ -f kmod/kdbt.ko ] ||
	{ echo "FAIL unit/dkms: kmod/kdbt.ko missing (make module)"; exit 1; }
V=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
status=0
pass() { echo "PASS unit/dkms/$1"; }
fail() { echo "FAIL unit/dkms/$1: $2"; status=1; }
files() { (cd "$1" && find . ! -type d | sed 's|^\./||' | sort); }
system_state() {
	ls -la /var/lib/dkms /usr/src /var/lib/dkms/mok.key 2>&1
	ls /lib/modules/*/updates/dkms 2>&1
}

mkdir -p "$T/dkms" "$T/src" "$T/lib/$K"
export mok_signing_key="$T/mok.key" mok_certificate="$T/mok.pub"
trees="DKMS_TREE=$T/dkms DKMS_SOURCETREE=$T/src DKMS_INSTALLTREE=$T/lib"
system_state > "$T/system.before"

# shellcheck disable=SC2086
# 6.6.0-kdbt-test: a kernel that dkms.conf excludes (BUILD_EXCLUSIVE).
if make --no-print-directory dkms-install $trees \
		DKMS_KVERS="$K 6.6.0-kdbt-test" DKMS_FLAGS=--no-depmod \
		> "$T/install.log" 2>&1; then
	pass dkms-install
	grep -q 'does not build for 6.6.0-kdbt-test' "$T/install.log" &&
		pass other-kernel-skipped ||
		fail other-kernel-skipped "no skip message for a kernel other than 6.1 and 6.12"
else
	fail dkms-install "make dkms-install failed:"
	sed 's/^/      /' "$T/install.log"
	# shellcheck disable=SC2086
	make --no-print-directory dkms-uninstall $trees > /dev/null 2>&1
	exit 1
fi

src=$T/src/kdbt-$V
links=$(find "$src" -type l)
refs=$(grep -rl "$top" "$src" "$T/dkms/kdbt/$V/$K/x86_64/log" 2>/dev/null)
[ -f "$src/dkms.conf" ] && [ -f "$src/kmod/zydis/src/Decoder.c" ] &&
	[ -f "$src/include/Zycore/Zycore.h" ] && [ -z "$links" ] && [ -z "$refs" ] &&
	pass self-contained-source ||
	fail self-contained-source "links: $links; refers to $top: $refs"

st=$(dkms --dkmstree "$T/dkms" --sourcetree "$T/src" --installtree "$T/lib" \
	status -m kdbt -v "$V" -k "$K")
case $st in
*": installed"*) pass status-installed ;;
*) fail status-installed "dkms status says: $st" ;;
esac

built=$T/dkms/kdbt/$V/$K/x86_64/module/kdbt.ko
inst=$T/lib/$K/updates/dkms/kdbt.ko
want=$(/sbin/modinfo -F vermagic kmod/kdbt.ko)
for ko in "$built" "$inst"; do
	name=${ko#"$T"/}
	got=$(/sbin/modinfo -F vermagic "$ko" 2>/dev/null)
	ver=$(/sbin/modinfo -F version "$ko" 2>/dev/null)
	[ -n "$got" ] && [ "$got" = "$want" ] && [ "${got%% *}" = "$K" ] &&
		[ "$ver" = "$V" ] && pass "vermagic/${name%%/*}" ||
		fail "vermagic/${name%%/*}" "$name: vermagic '$got' version '$ver'; kmod/kdbt.ko: '$want'"
done
# Same sources, same srcversion: only if kmod/kdbt.ko is newer than them.
stale=$(find kmod kmod/core proc/kdbt_abi.h -maxdepth 1 \
	\( -name '*.[chS]' -o -name Kbuild -o -name files.mk \) \
	! -name '*.mod.c' -newer kmod/kdbt.ko | head -n 3)
if [ -n "$stale" ]; then
	echo "unit/dkms: srcversion not compared, kmod/kdbt.ko is older than $(echo "$stale" | tr '\n' ' ')"
else
	a=$(/sbin/modinfo -F srcversion "$built") b=$(/sbin/modinfo -F srcversion kmod/kdbt.ko)
	[ -n "$a" ] && [ "$a" = "$b" ] && pass srcversion ||
		fail srcversion "DKMS build '$a', kmod/kdbt.ko '$b'"
fi

# shellcheck disable=SC2086
if make --no-print-directory dkms-uninstall $trees \
		> "$T/uninstall.log" 2>&1; then
	left=$(files "$T/dkms"; files "$T/src"; files "$T/lib")
	[ -z "$left" ] && pass dkms-uninstall ||
		fail dkms-uninstall "left behind: $(echo "$left" | tr '\n' ' ')"
else
	fail dkms-uninstall "make dkms-uninstall failed:"
	sed 's/^/      /' "$T/uninstall.log"
fi
system_state > "$T/system.after"
cmp -s "$T/system.before" "$T/system.after" && pass system-untouched ||
	fail system-untouched "$(diff "$T/system.before" "$T/system.after")"
exit $status
