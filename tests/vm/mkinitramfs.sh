#!/bin/sh
# mkinitramfs.sh - build the initramfs of one test guest boot.
#
# Usage: mkinitramfs.sh OUT.cpio.gz STAGE_DIR ORDER_FILE TEST.sh...
# Env: KDBT_KO (module to include), KDBT_GUEST_BINS (extra host binaries,
# copied with every library ldd lists), KDBT_GUEST_FILES (static files
# copied to /bin, e.g. test helpers).
# Owns: the guest's file system: busybox-static with one link per applet,
# /init, /tests (scripts, lib.sh, order), /kdbt/kdbt.ko, helpers.
# Must never: include anything from the host beyond what is named.
set -eu

out=$1 stage=$2 order=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$stage"
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/usr/bin "$stage"/usr/sbin \
	"$stage"/dev "$stage"/proc "$stage"/sys "$stage"/tmp "$stage"/tests \
	"$stage"/kdbt "$stage"/etc "$stage"/root

cp /bin/busybox "$stage/bin/busybox"
for applet in $(/bin/busybox --list-full); do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done
# Nodes in case devtmpfs is slow to appear.
mknod -m 600 "$stage/dev/console" c 5 1
mknod -m 666 "$stage/dev/null" c 1 3
echo "root:x:0:0:root:/root:/bin/sh" > "$stage/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> "$stage/etc/passwd"
echo "root:x:0:" > "$stage/etc/group"
echo "nogroup:x:65534:" >> "$stage/etc/group"

cp "$here/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"
cp "$here/guest-lib.sh" "$stage/tests/lib.sh"
cp "$order" "$stage/tests/order"
for t in "$@"; do
	cp "$t" "$stage/tests/$(basename "$t")"
done
[ -n "${KDBT_KO:-}" ] && cp "$KDBT_KO" "$stage/kdbt/kdbt.ko"
for f in ${KDBT_GUEST_FILES:-}; do
	cp "$f" "$stage/bin/"
done

# Copy a dynamic executable with every library it needs, at the same paths.
copy_with_libs() {
	mkdir -p "$stage$(dirname "$1")"
	cp -L "$1" "$stage$1"
	for lib in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+'); do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
for b in ${KDBT_GUEST_BINS:-}; do
	copy_with_libs "$b"
done

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) |
	gzip -1 > "$out"
