#!/bin/sh
# kernel612.sh - install Debian 12's alternative kernel, Linux 6.12, for
# building kdbt.ko against it and booting it in a guest (make deps-612;
# idempotent; needs root to install).  Prints its release on the last line.
#
# Debian 12's security suite serves 6.12 (Debian 13's kernel generation,
# built with bookworm's gcc) as linux-image-6.12.<x>+deb12-amd64 and
# linux-headers-6.12.<x>+deb12-amd64.  This installs the newest of those
# by those versioned names (the release the meta-package
# linux-image-6.12-amd64 currently depends on, read, never installed),
# unless a generic 6.12 image with headers is installed already: then it
# is kept.  The image lands in /boot, which the guest harness boots with
# `run.sh --kver`; scripts/kver.sh passes it over.
# Owns: that pair of packages.
# kernel612.sh --print: only print the newest installed one (exit 1 if
# there is none), for the Makefile.
# Must never: install or change the meta-packages linux-image-amd64 /
# linux-headers-amd64 (checked before and after: same version, still
# 6.1) or linux-image-6.12-amd64 / linux-headers-6.12-amd64, use another
# suite (-t bookworm-backports), or change what scripts/kver.sh answers
# (checked after: still the 6.1 kernel).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "deps-612: $*" >&2; exit 1; }

installed() {	# installed PKG: status 0 if PKG is installed
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
		grep -q '^install ok installed$'
}
meta() {	# the versions of the meta-packages, one line
	for p in linux-image-amd64 linux-headers-amd64 \
		linux-image-6.12-amd64 linux-headers-6.12-amd64; do
		printf '%s=%s ' "$p" "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null)"
	done
}
# The generic 6.12 releases with image and headers installed, newest last.
have612() {
	for img in /boot/vmlinuz-6.12.*-amd64; do
		v=${img#/boot/vmlinuz-}
		echo "$v" | grep -Eq '^6\.12\.[0-9]+\+deb12-amd64$' || continue
		installed "linux-headers-$v" || continue
		[ -f "/lib/modules/$v/build/Makefile" ] && echo "$v"
	done | sort -V
}

if [ "${1:-}" = --print ]; then
	ver=$(have612 | tail -n 1)
	[ -n "$ver" ] || die "no generic 6.12 kernel with headers installed: run 'make deps-612'"
	echo "$ver"
	exit 0
fi

kver61=$(KVER= sh "$top/scripts/kver.sh") || exit 1
before=$(meta)
case $before in
*linux-image-amd64=6.1.*linux-headers-amd64=6.1.*) ;;
*) die "the meta-packages are not on 6.1 ($before): run 'make deps' first" ;;
esac

ver=$(have612 | tail -n 1)
if [ -z "$ver" ]; then
	[ "$(id -u)" = 0 ] || die "must run as root to install the 6.12 kernel"
	rel() {	# the release the 6.12 meta-package depends on, or nothing
		apt-cache depends linux-image-6.12-amd64 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-\(6\.12\.[0-9]*+deb12-amd64\)\(-unsigned\)\{0,1\}$/\1/p' |
			head -n 1
	}
	ver=$(rel)
	[ -n "$ver" ] || { apt-get update -qq; ver=$(rel); }
	[ -n "$ver" ] || die "no linux-image-6.12.*+deb12-amd64 in the archive (is bookworm-security in apt's sources?)"
	pkgs="linux-image-$ver linux-headers-$ver"
	# shellcheck disable=SC2086
	plan=$(apt-get install -s --no-install-recommends $pkgs) ||
		die "apt-get cannot install: $pkgs"
	# Nothing but this release's own packages (and kbuild's tools) may
	# come: no meta-package, no other kernel, nothing from backports.
	if echo "$plan" | grep -E '^Inst ' |
		grep -Ev "^Inst (linux-(image|headers|kbuild)-$(echo "$ver" | sed 's/[.+]/\\&/g' | sed 's/-amd64$//')(-amd64|-common)? |pahole )" |
		grep -q .; then
		echo "$plan" | grep -E '^Inst ' >&2
		die "installing $pkgs would bring in more than its own packages: refused"
	fi
	echo "$plan" | grep -E '^Inst ' | grep -q 'backports' &&
		die "the plan takes packages from backports: refused"
	echo "deps-612: installing $pkgs" >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $pkgs > /dev/null
fi

after=$(meta)
[ "$after" = "$before" ] ||
	die "the meta-packages moved: before: $before; after: $after"
installed "linux-image-$ver" || installed "linux-image-$ver-unsigned" ||
	die "linux-image-$ver is not installed"
installed "linux-headers-$ver" || die "linux-headers-$ver is not installed"
[ -r "/boot/vmlinuz-$ver" ] || die "no /boot/vmlinuz-$ver"
[ -f "/lib/modules/$ver/build/Makefile" ] || die "no headers in /lib/modules/$ver/build"
now=$(KVER= sh "$top/scripts/kver.sh") || exit 1
[ "$now" = "$kver61" ] || die "scripts/kver.sh now answers $now, not $kver61"
echo "deps-612: ok ($ver; default kernel still $now; $after)" >&2
echo "$ver"
