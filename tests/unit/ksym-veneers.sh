#!/bin/sh
# ksym-veneers.sh - kdbt.ko calls kernel functions only through their
# veneers (kmod/ksyms.c: endbr64; jmp rel32, which CET indirect branch
# tracking lets an indirect call land on), read from the source:
#   lookup      no file of kmod/ but ksyms.c names kallsyms_lookup_name
#               or a lookup_name (comments aside): symbols come from
#               kdbt_ksym_fn() and kdbt_ksym_addr() only;
#   fn-names    every name passed to kdbt_ksym_fn() has a veneer (is in
#               ksyms.c's veneer_names[]), so no load fails on a WARN;
#   addr-names  no function with a veneer is looked up as an address
#               (kdbt_ksym_addr() or a file's sym()/sym_end() wrapper),
#               and no address from them is cast to void * or to a
#               function pointer, the ways one would be stored to call.
# Comments are dropped first (no string of kdbt's holds /* or //), so
# they may say anything.  What it cannot see: an address laundered through a variable
# of another type; the guest test abi-veneers.sh checks each veneer's
# bytes.
#
# Usage: ksym-veneers.sh
# Output: one PASS/FAIL line per check; exit status 1 if any failed.
# Owns: nothing but its scratch directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
status=0
pass() { echo "PASS unit/ksym-veneers/$1"; }
fail() {
	echo "FAIL unit/ksym-veneers/$1: $2"
	[ -s "$T/why" ] && sed 's/^/      /' "$T/why"
	status=1
}

# Each kdbt.ko source file without its comments, in $T/src/.
mkdir "$T/src" "$T/name"
for f in kmod/*.c kmod/*.h kmod/*.S kmod/core/*.c kmod/core/*.h; do
	n=$(echo "$f" | tr / _)
	perl -0777 -pe 's{/\*.*?\*/}{($c = $&) =~ s/[^\n]//g; $c}gse;
		s{//[^\n]*}{}g' "$f" > "$T/src/$n"
	echo "$f" > "$T/name/$n"
done
# grep_src REGEX: FILE:LINE: and the line, of every match.
grep_src() {
	for s in "$T"/src/*; do
		grep -nE "$1" "$s" | sed "s|^|$(cat "$T/name/${s##*/}"):|"
	done
}

grep_src 'lookup_name' | grep -v '^kmod/ksyms\.c:' > "$T/why"
if [ -s "$T/why" ]; then
	fail lookup "a file other than kmod/ksyms.c names lookup_name"
else
	pass lookup
fi

sed -n '/^static const char \*const veneer_names\[\] = {/,/^};/p' \
	kmod/ksyms.c | sed -n 's/^[[:space:]]*"\([^"]*\)",$/\1/p' \
	> "$T/veneers"
if ! grep -qx kallsyms_lookup_name "$T/veneers"; then
	: > "$T/why"
	fail fn-names "no veneer_names[] with kallsyms_lookup_name in kmod/ksyms.c"
	exit 1
fi
grep_src 'kdbt_ksym_fn\("[^"]*"\)' |
	sed 's/\(^[^:]*:[0-9]*:\).*kdbt_ksym_fn("\([^"]*\)").*/\1 \2/' |
	while read -r at name; do
		grep -qx "$name" "$T/veneers" || echo "$at $name has no veneer"
	done > "$T/why"
if [ -s "$T/why" ]; then
	fail fn-names "kdbt_ksym_fn() of a name not in veneer_names[]"
else
	pass fn-names
fi

addr='(kdbt_ksym_addr|sym|sym_end)\('
grep_src "$addr\"[^\"]*\"\)" |
	sed -E "s/(^[^:]*:[0-9]*:).*$addr\"([^\"]*)\".*/\1 \3/" |
	while read -r at name; do
		! grep -qx "$name" "$T/veneers" ||
			echo "$at $name, called through its veneer, looked up as an address"
	done > "$T/why"
grep_src "\((void|[^()]*\(\*\)[^()]*\([^()]*\)) *\*?\) *$addr" >> "$T/why"
if [ -s "$T/why" ]; then
	fail addr-names "a called function's address from kallsyms"
else
	pass addr-names
fi
exit $status
