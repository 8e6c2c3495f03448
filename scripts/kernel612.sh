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
# kernel612.sh --flavours: also install that release's cloud and rt
# flavours (linux-image-6.12.<x>+deb12-{cloud,rt}-amd64 and headers, for
# the test matrix: make deps-matrix); prints the generic release last.
# kernel612.sh --print --flavour F: print the installed flavour F (cloud,
# rt) of the newest generic 6.12 (exit 1 if it is not installed).
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

# flavour_of VER F: the release of flavour F of generic release VER
# (6.12.118+deb12-amd64 cloud -> 6.12.118+deb12-cloud-amd64).
flavour_of() {
	echo "${1%-amd64}-$2-amd64"
}

if [ "${1:-}" = --print ]; then
	ver=$(have612 | tail -n 1)
	[ -n "$ver" ] || die "no generic 6.12 kernel with headers installed: run 'make deps-612'"
	if [ "${2:-}" = --flavour ]; then
		f=$(flavour_of "$ver" "${3:?usage: kernel612.sh --print --flavour cloud|rt}")
		{ installed "linux-headers-$f" && [ -r "/boot/vmlinuz-$f" ] &&
			[ -f "/lib/modules/$f/build/Makefile" ]; } ||
			die "no $f with headers installed: run 'make deps-matrix'"
		ver=$f
	fi
	echo "$ver"
	exit 0
fi
flavours=
case ${1:-} in
"") ;;
--flavours) flavours="cloud rt" ;;
*) die "usage: kernel612.sh [--print [--flavour F] | --flavours]" ;;
esac

kver61=$(KVER= sh "$top/scripts/kver.sh") || exit 1
before=$(meta)
case $before in
*linux-image-amd64=6.1.*linux-headers-amd64=6.1.*) ;;
*) die "the meta-packages are not on 6.1 ($before): run 'make deps' first" ;;
esac

# install_release VER PKGS: install PKGS, the packages of release VER
# (6.12.<x>+deb12), after a simulated plan shows nothing but that
# release's own packages (and kbuild's tools): no meta-package, no other
# kernel, nothing from backports.
install_release() {
	_rel=$(echo "$1" | sed 's/[.+]/\\&/g')
	shift
	[ "$(id -u)" = 0 ] || die "must run as root to install: $*"
	# shellcheck disable=SC2086
	plan=$(apt-get install -s --no-install-recommends "$@") ||
		die "apt-get cannot install: $*"
	if echo "$plan" | grep -E '^Inst ' |
		grep -Ev "^Inst (linux-(image|headers|kbuild)-$_rel(-cloud|-rt)?(-amd64|-common|-common-rt)? |pahole )" |
		grep -q .; then
		echo "$plan" | grep -E '^Inst ' >&2
		die "installing $* would bring in more than its own packages: refused"
	fi
	echo "$plan" | grep -E '^Inst ' | grep -q 'backports' &&
		die "the plan takes packages from backports: refused"
	echo "deps-612: installing $*" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$@" > /dev/null
}

# check_release VER: image and headers of VER are installed and usable.
check_release() {
	installed "linux-image-$1" || installed "linux-image-$1-unsigned" ||
		die "linux-image-$1 is not installed"
	installed "linux-headers-$1" || die "linux-headers-$1 is not installed"
	[ -r "/boot/vmlinuz-$1" ] || die "no /boot/vmlinuz-$1"
	[ -f "/lib/modules/$1/build/Makefile" ] || die "no headers in /lib/modules/$1/build"
}

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
	install_release "${ver%-amd64}" "linux-image-$ver" "linux-headers-$ver"
fi
# The flavours of the same release, for the matrix.
miss=
for f in $flavours; do
	fv=$(flavour_of "$ver" "$f")
	for p in "linux-image-$fv" "linux-headers-$fv"; do
		installed "$p" || miss="$miss $p"
	done
done
# shellcheck disable=SC2086
[ -z "$miss" ] || install_release "${ver%-amd64}" $miss

after=$(meta)
[ "$after" = "$before" ] ||
	die "the meta-packages moved: before: $before; after: $after"
check_release "$ver"
for f in $flavours; do
	check_release "$(flavour_of "$ver" "$f")"
done
now=$(KVER= sh "$top/scripts/kver.sh") || exit 1
[ "$now" = "$kver61" ] || die "scripts/kver.sh now answers $now, not $kver61"
echo "deps-612: ok ($ver${flavours:+ with $flavours}; default kernel still $now; $after)" >&2
echo "$ver"
