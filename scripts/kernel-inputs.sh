#!/bin/sh
# kernel-inputs.sh - the guest kernel's code and symbols for offline tools
# (tests/unit/kcover.c): build/kernel/vmlinux, the ELF image unpacked from
# Debian's /boot/vmlinuz, and build/kernel/kallsyms, /proc/kallsyms from a
# nokaslr guest boot (Debian's System.map is a stub).
#
# Usage: kernel-inputs.sh [KVER]     Re-running reuses what exists.
# Must never: read the host's own kernel (the guest kernel is Debian's).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
kver=${1:-$(sh "$top/scripts/kver.sh")}
out=$top/build/kernel/$kver
mkdir -p "$out"

is_elf() {
	[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]
}

# Like the kernel's scripts/extract-vmlinux: try every offset where the
# compressor's magic appears until one decompresses to an ELF file.
try_decompress() {	# MAGIC-OCTAL MARKER COMMAND...
	magic=$1 marker=$2
	shift 2
	for pos in $(tr "$magic\n$marker" "\n$marker=" < "$img" |
		     grep -abo "^$marker" | cut -d: -f1); do
		tail -c +"$pos" "$img" | "$@" > "$out/vmlinux.tmp" \
			2>/dev/null || true
		if [ -s "$out/vmlinux.tmp" ] && is_elf "$out/vmlinux.tmp"; then
			mv "$out/vmlinux.tmp" "$out/vmlinux"
			return 0
		fi
	done
	return 1
}

img=/boot/vmlinuz-$kver
if ! [ -s "$out/vmlinux" ]; then
	[ -r "$img" ] || { echo "kernel-inputs: cannot read $img" >&2; exit 1; }
	try_decompress '\3757zXZ\000' abcde xz -dc ||
	try_decompress '\037\213\010' xy gzip -dc ||
	try_decompress '(\265/\375' xxx zstd -dc || {
		rm -f "$out/vmlinux.tmp"
		echo "kernel-inputs: no known compressed vmlinux in $img" >&2
		exit 1
	}
fi

if ! [ -s "$out/kallsyms" ]; then
	# The console scanner takes symbol names such as hung_task_panic for
	# kernel reports: the listing's own checks below decide instead.
	sh "$top/tests/vm/run.sh" --show --kver "$kver" \
		--logdir "$top/build/vm/logs" \
		"$top/tests/vm/tools/kallsyms.sh" > "$out/kallsyms.log" || true
	grep -E '^[0-9a-f]{16} [A-Za-z] ' "$out/kallsyms.log" \
		> "$out/kallsyms.tmp"
	grep -q ' T _stext$' "$out/kallsyms.tmp" &&
	grep -q '^ffffffff81000000 ' "$out/kallsyms.tmp" || {
		echo "kernel-inputs: no nokaslr kallsyms in $out/kallsyms.log" >&2
		exit 1
	}
	mv "$out/kallsyms.tmp" "$out/kallsyms"
fi
echo "$out/vmlinux $out/kallsyms"
