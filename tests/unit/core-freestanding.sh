#!/bin/sh
# core-freestanding.sh - the translator core (kmod/core/) includes no kernel
# header (<linux/...>, <asm/...>) and no libc header (<stdio.h>,
# <string.h>, <errno.h>, ...), directly or through another header, and
# kmod/core/files.mk, the one list of its files, names exactly the .c and
# .h files there.
#
# Every .c and .h in kmod/core/ is compiled on its own (-fsyntax-only) as
# the unit tests compile it (not as the kernel: no __KERNEL__), with
# -nostdinc -ffreestanding, Zydis's freestanding defines and no include
# directory but the allowed ones:
#   kmod/core/                the core's own headers, by bare name
#   build/src/zydis/include   <Zydis/...>, Zydis's public headers
#   build/include             <Zycore/...>, libzycore-dev's (a link)
#   a private directory       links to the compiler's own <stddef.h>,
#                             <stdint.h> (with <stdint-gcc.h>, its body
#                             when freestanding) and <stdbool.h>
# Anything else is "No such file or directory", and the compiler says
# through which core header it came.  The compile sees only the branches
# it takes, so each #include line is also read: <...> must be one of the
# three compiler headers or under Zydis/ or Zycore/, "..." a bare name of
# a file in kmod/core/; the one exception is kdbt_env.h's kernel branch,
# <linux/types.h> and <linux/errno.h>, which give kdbt.ko the same types
# and errno values from the kernel.
#
# Usage: core-freestanding.sh      (after `make all`: Zydis in build/)
# Env: CC (default cc).
# Output: one PASS/FAIL line per file and one for files.mk; exit status 1
# if any failed.
# Owns: nothing but its scratch directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
CC=${CC:-cc}
core=kmod/core
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
status=0
pass() { echo "PASS unit/core-freestanding/$1"; }
fail() {
	echo "FAIL unit/core-freestanding/$1: $2"
	[ -s "$T/why" ] && sed 's/^/      /' "$T/why"
	status=1
}

if [ ! -f build/src/zydis/include/Zydis/Zydis.h ] ||
   [ ! -f build/include/Zycore/Zycore.h ]; then
	echo "FAIL unit/core-freestanding: no Zydis/Zycore headers in build/"
	exit 1
fi

# The allowed compiler headers, and nothing else of the compiler's.
mkdir "$T/inc"
for h in stddef.h stdint.h stdint-gcc.h stdbool.h; do
	p=$($CC -print-file-name="include/$h")
	[ -f "$p" ] && ln -s "$p" "$T/inc/$h"
done

CFLAGS="-nostdinc -ffreestanding -isystem $T/inc -I$core \
-Ibuild/src/zydis/include -Ibuild/include \
-DZYAN_NO_LIBC -DZYDIS_STATIC_BUILD -DZYDIS_DISABLE_FORMATTER \
-Wall -Wextra -Werror -fsyntax-only"

# check_includes FILE: every #include line of FILE is allowed (above).
check_includes() {
	f=$1 name=$(basename "$1")
	: > "$T/why"
	grep -n '^[[:space:]]*#[[:space:]]*include' "$f" |
	while IFS= read -r line; do
		inc=$(echo "$line" |
			sed 's/^[0-9]*:[[:space:]]*#[[:space:]]*include[[:space:]]*//')
		case $inc in
		'<stddef.h>'* | '<stdint.h>'* | '<stdbool.h>'*) ;;
		'<Zydis/'* | '<Zycore/'*) ;;
		'<linux/types.h>'* | '<linux/errno.h>'*)
			[ "$name" = kdbt_env.h ] || echo "$name:$line" ;;
		'"'*)
			q=${inc#\"}
			q=${q%%\"*}
			case $q in
			*/*) echo "$name:$line" ;;
			*) [ -f "$core/$q" ] || echo "$name:$line" ;;
			esac ;;
		*) echo "$name:$line" ;;
		esac
	done > "$T/why"
	[ ! -s "$T/why" ]
}

for f in "$core"/*.c "$core"/*.h; do
	name=$(basename "$f")
	# shellcheck disable=SC2086
	if ! $CC $CFLAGS -x c "$f" > "$T/why" 2>&1; then
		head -n 12 "$T/why" > "$T/why.head" && mv "$T/why.head" "$T/why"
		fail "$name" "does not compile freestanding:"
	elif ! check_includes "$f"; then
		fail "$name" "includes what the core may not:"
	else
		pass "$name"
	fi
done

# files.mk names exactly the .c and .h files of kmod/core/.
: > "$T/why"
# shellcheck disable=SC2016
listed=$(printf 'print:\n\t@echo $(KDBT_CORE_SRCS) $(KDBT_CORE_HDRS)\n' |
	make -s --no-print-directory -f "$core/files.mk" -f - print) || {
	fail files.mk "make cannot read it"
	exit 1
}
echo "$listed" | tr ' ' '\n' | sed '/^$/d' | sort > "$T/listed"
(cd "$core" && ls -- *.c *.h) | sort > "$T/present"
comm -23 "$T/present" "$T/listed" |
	sed 's|$|: in kmod/core/, not in files.mk|' > "$T/why"
comm -13 "$T/present" "$T/listed" |
	sed 's|$|: in files.mk, not in kmod/core/|' >> "$T/why"
if [ -s "$T/why" ] && [ -s "$T/listed" ]; then
	fail files.mk "the list and the folder differ:"
elif [ ! -s "$T/listed" ]; then
	fail files.mk "lists no file"
else
	pass "files.mk ($(wc -l < "$T/listed") files)"
fi
exit $status
