#!/bin/sh
# deps.sh - install everything kdbt needs from Debian's archive (idempotent).
#
# Usage: deps.sh            what users need and what the tests need (make deps)
#        deps.sh --user     what users need only (make deps-user), with the
#                           headers of the running kernel if Debian has them
# Owns: the package lists (USER_PKGS, TEST_PKGS), the deb-src entry that
# `apt-get source zydis` needs, and fetching the Zydis/Zycore sources into
# build/src.
# Must never: install anything from outside Debian's archive, or touch the
# host kernel (we only install the guest kernel image and its headers).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
src="$top/build/src"

# What a user needs to build kdbt.ko and the tools and to use them on a
# real machine: the compiler and kbuild's headers for the kernel
# (linux-headers-amd64 follows Debian's newest kernel, the running one once
# it is booted; --user adds linux-headers-$(uname -r)), kmod (insmod,
# modinfo, depmod), ncurses for kdbt-top, zlib for kdbt-report's pprof
# output, Zycore's headers, dpkg-dev for `apt-get source zydis`, and dkms
# for `make dkms-install`.
USER_PKGS="build-essential dpkg-dev kmod linux-headers-amd64
libncurses-dev zlib1g-dev libzycore-dev dkms"
# What only the tests, `make bench` and `make demo` need: the kernel image
# the guest boots (linux-image-amd64; the module is built with the headers
# above), QEMU, what makes its initramfs and unpacks vmlinux (busybox,
# cpio, gzip, xz), tmux (kdbt-top's screen test), stress-ng (the workload),
# groff (the man page checks), and the real clients of kdbt-report's pprof
# and Prometheus outputs (tests/unit/pprof-prom.sh): go tool pprof
# (golang-go) with graphviz for its SVG, promtool (prometheus) and
# prometheus-node-exporter; clang with libFuzzer's runtime (only
# recommended by clang, so named: bookworm's clang is 14) for the
# coverage-guided fuzz targets (tests/unit/fuzz.sh).
TEST_PKGS="linux-image-amd64 qemu-system-x86 busybox-static cpio gzip
xz-utils tmux stress-ng groff-base golang-go graphviz prometheus
prometheus-node-exporter clang libclang-rt-14-dev linux-perf"
case ${1:-} in
"") PKGS="$USER_PKGS $TEST_PKGS" ;;
--user) PKGS=$USER_PKGS ;;
*) echo "usage: deps.sh [--user]" >&2; exit 2 ;;
esac

SRC_LIST=/etc/apt/sources.list.d/kdbt-deb-src.sources

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "deps: must run as root to install packages: $*" >&2
		exit 1
	fi
}

# Add a deb-src twin of the main Debian source (deb822 or legacy format).
add_deb_src() {
	[ -f "$SRC_LIST" ] && return 1
	need_root "deb-src entry"
	cat > "$SRC_LIST" <<'EOT'
# added by kdbt's scripts/deps.sh for `apt-get source zydis`
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	return 0
}

missing_pkgs() {
	for p in $PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# Zydis is compiled from Debian's source package.  Zycore (its support
# library) is needed only for its headers: Zydis's decoder and encoder call
# no Zycore function, so Debian's libzycore-dev provides all we use.
fetch_zydis_sources() {
	[ -f "$src/zydis/include/Zydis/Zydis.h" ] && return 0
	rm -rf "$src"
	mkdir -p "$src"
	(cd "$src" && apt-get source --download-only zydis 2>/dev/null >/dev/null &&
		dpkg-source -x zydis_*.dsc >/dev/null &&
		ln -s zydis-*/ zydis) || {
		echo "deps: apt-get source zydis failed" >&2
		exit 1
	}
}

updated=0
if add_deb_src; then
	apt-get update -qq
	updated=1
fi
if [ "${1:-}" = --user ] &&
	apt-cache show "linux-headers-$(uname -r)" > /dev/null 2>&1; then
	PKGS="$PKGS linux-headers-$(uname -r)"
fi
miss=$(missing_pkgs)
if [ -n "$miss" ]; then
	need_root $miss
	[ $updated = 1 ] || apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $miss >/dev/null
fi
fetch_zydis_sources
echo "deps: ok"
