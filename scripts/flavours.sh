#!/bin/sh
# flavours.sh - install the cloud and rt flavours of the guest kernel for
# the test matrix (make deps-matrix; idempotent; needs root to install).
#
# Debian 12's 6.1 kernel comes as generic (linux-image-6.1.0-N-amd64, the
# default), -cloud-amd64 and -rt-amd64 (PREEMPT_RT).  For the ABI number N
# of the default kernel (scripts/kver.sh), this installs
# linux-image-6.1.0-N-{cloud,rt}-amd64 and their linux-headers-* by those
# versioned names, from the suites apt already uses.
# Owns: that list of four packages.
# Must never: change the linux-image-amd64 / linux-headers-amd64
# meta-packages (checked before and after: same version, still 6.1),
# install any 6.12 package (the plan is simulated first and refused if it
# names one), use another suite (-t bookworm-backports), or change what
# scripts/kver.sh answers (checked after).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
FLAVOURS="cloud rt"

die() { echo "deps-matrix: $*" >&2; exit 1; }

# The default kernel by the rule alone: KVER may name anything.
kver=$(KVER= sh "$top/scripts/kver.sh") || exit 1
abi=${kver%-amd64}
case $abi in
6.1.*-[0-9]*) ;;
*) die "default kernel $kver is not a Debian 6.1 generic kernel" ;;
esac

installed() {	# installed PKG: status 0 if PKG is installed
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null |
		grep -q '^install ok installed$'
}
meta() {	# the versions of the two meta-packages, one line
	for p in linux-image-amd64 linux-headers-amd64; do
		printf '%s=%s ' "$p" "$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null)"
	done
}

pkgs= miss=
for f in $FLAVOURS; do
	for p in linux-image-$abi-$f-amd64 linux-headers-$abi-$f-amd64; do
		pkgs="$pkgs $p"
		installed "$p" || miss="$miss $p"
	done
done

# 6.12 packages by name (installed ones only).
sixes() {
	dpkg-query -W -f='${Package} ${Status}\n' 'linux-*6.12*' 2>/dev/null |
		sed -n 's/ install ok installed$//p'
}

before=$(meta)
sixes_before=$(sixes)
case $before in
*linux-image-amd64=6.1.*linux-headers-amd64=6.1.*) ;;
*) die "the meta-packages are not on 6.1 ($before): run 'make deps' first" ;;
esac

if [ -n "$miss" ]; then
	[ "$(id -u)" = 0 ] || die "must run as root to install:$miss"
	# The archive keeps the newest ABI only: an older default kernel's
	# flavours may be gone from it.
	for p in $miss; do
		apt-cache show "$p" > /dev/null 2>&1 && continue
		apt-get update -qq
		apt-cache show "$p" > /dev/null 2>&1 ||
			die "$p is not in the archive: is $kver still Debian's newest 6.1 kernel? ('apt-get update && make deps' to move on)"
	done
	# shellcheck disable=SC2086
	plan=$(apt-get install -s --no-install-recommends $miss) ||
		die "apt-get cannot install:$miss"
	if echo "$plan" |
		grep -Eq '^Inst ([^ ]*6\.12|linux-(image|headers)-amd64 )'; then
		echo "$plan" | grep -E '^Inst ' >&2
		die "installing$miss would bring in a 6.12 package or move a meta-package: refused"
	fi
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $miss > /dev/null
fi

after=$(meta)
[ "$after" = "$before" ] ||
	die "the meta-packages moved: before: $before; after: $after"
for p in $pkgs; do
	installed "$p" || die "$p is not installed"
done
[ "$(sixes)" = "$sixes_before" ] || die "6.12 packages appeared: $(sixes)"
now=$(KVER= sh "$top/scripts/kver.sh") || exit 1
[ "$now" = "$kver" ] || die "scripts/kver.sh now answers $now, not $kver"
for f in $FLAVOURS; do
	KVER=$kver sh "$top/scripts/kver.sh" --flavour "$f" > /dev/null || exit 1
done
echo "deps-matrix: ok ($kver; flavours:$(for f in $FLAVOURS; do printf ' %s' "$abi-$f-amd64"; done))"
