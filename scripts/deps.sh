#!/bin/sh
# deps.sh - install everything kdbt needs from Debian's archive (idempotent).
#
# Owns: the package list, the deb-src entry that `apt-get source zydis`
# needs, and fetching the Zydis/Zycore sources into build/src.
# Must never: install anything from outside Debian's archive, or touch the
# host kernel (we only install the guest kernel image and its headers).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
src="$top/build/src"

PKGS="build-essential dpkg-dev cpio gzip xz-utils kmod
linux-image-amd64 linux-headers-amd64
qemu-system-x86 busybox-static libncurses-dev libzycore-dev tmux stress-ng"

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
miss=$(missing_pkgs)
if [ -n "$miss" ]; then
	need_root $miss
	[ $updated = 1 ] || apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $miss >/dev/null
fi
fetch_zydis_sources
echo "deps: ok"
