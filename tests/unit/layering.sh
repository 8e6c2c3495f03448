#!/bin/sh
# layering.sh - kdbt.ko's calls run one way, down the layers of
# docs/ARCHITECTURE.md ("Layers"): core <- service <- glue <- controller
# <- front.  The table there is the one list of layers; this test reads
# it, gives each source of kmod/ and kmod/core/ its layer, and checks
# every object kbuild made of them (make module):
#   assigned   every source (kmod/*.c, kmod/*.S, kmod/core/*.c) is in
#              the table, and each in one row only;
#   built      each has its object (kmod/X.o);
#   calls      every undefined symbol of an object that another object
#              of kdbt.ko defines (functions and data alike: nm) is
#              defined in the same layer or a lower one.  A call up is
#              reported as "FILE -> SYMBOL -> FILE (layer N -> layer M)".
# One call up is allowed by design, and listed here only:
#   kentry.S -> kdbt_pull_c (entries.c): the post stubs' way from the
#   cache into C (docs/ARCHITECTURE.md, "Layers").
# What it cannot see: calls through pointers (which is how a lower layer
# is meant to reach a higher one: what the higher one registers at load)
# and inline functions of headers.
#
# Usage: layering.sh [KMOD_DIR]   (default kmod; the objects are read
#        from there, the sources too)
# Output: one PASS/FAIL line per check; exit status 1 if any failed.
# Owns: nothing but its scratch directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
kmod=${1:-kmod}
doc=docs/ARCHITECTURE.md
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
status=0
pass() { echo "PASS unit/layering/$1"; }
fail() {
	echo "FAIL unit/layering/$1: $2"
	[ -s "$T/why" ] && sed 's/^/      /' "$T/why"
	status=1
}
allowed='kentry.S kdbt_pull_c entries.c'

# The table: "LAYER FILE" for each file (relative to kmod/) of each row,
# kmod/core/*.c expanded.  Rows are those under "## Layers" whose first
# cell starts with a number.
sed -n '/^## Layers$/,/^## /p' "$doc" |
	awk -F'|' '$2 ~ /^ *[0-9]/ {
		split($2, l, " "); n = split($3, f, ",")
		for (i = 1; i <= n; i++) {
			gsub(/[` ]/, "", f[i]); print l[1], f[i]
		}
	}' > "$T/rows"
: > "$T/layer"
while read -r layer f; do
	f=${f#kmod/}
	case $f in
	*'*'*) for g in "$kmod"/$f; do
			[ -e "$g" ] && echo "$layer ${g#"$kmod"/}" >> "$T/layer"
		done ;;
	*) echo "$layer $f" >> "$T/layer" ;;
	esac
done < "$T/rows"
if [ ! -s "$T/layer" ]; then
	echo "no table of layers under \"## Layers\" in $doc" > "$T/why"
	fail assigned "the table is missing"
	exit 1
fi

# Every source of kdbt.ko in exactly one row.
: > "$T/why"
for s in "$kmod"/*.c "$kmod"/*.S "$kmod"/core/*.c; do
	s=${s#"$kmod"/}
	case $s in *.mod.c) continue ;; esac	# modpost's
	n=$(awk -v s="$s" '$2 == s' "$T/layer" | wc -l)
	[ "$n" -eq 0 ] && echo "$s has no layer in $doc (\"Layers\")" >> "$T/why"
	[ "$n" -gt 1 ] && echo "$s is in $n rows of $doc (\"Layers\")" >> "$T/why"
done
awk '{ print $2 }' "$T/layer" | while read -r s; do
	[ -e "$kmod/$s" ] || echo "$s is in $doc (\"Layers\") but not in $kmod/" >> "$T/why"
done
if [ -s "$T/why" ]; then
	fail assigned "every source of kdbt.ko belongs to one layer"
else
	pass assigned
fi

# Each source's object; "SYMBOL FILE" for what each defines.
: > "$T/why"
: > "$T/defs"
: > "$T/objs"
while read -r layer s; do
	o=$kmod/${s%.*}.o
	if [ ! -e "$kmod/$s" ]; then
		continue
	elif [ ! -f "$o" ]; then
		echo "$o is missing (make module)" >> "$T/why"
		continue
	fi
	echo "$layer $s $o" >> "$T/objs"
	nm --defined-only "$o" |
		awk -v s="$s" '$2 ~ /^[A-Z]$/ { print $3, s }' >> "$T/defs"
done < "$T/layer"
if [ -s "$T/why" ]; then
	fail built "every source has its object"
	exit 1
fi
pass built

# Every reference from an object to another's symbol: down or level.
: > "$T/why"
while read -r layer s o; do
	nm -u "$o" | awk '{ print $NF }' | while read -r sym; do
		d=$(awk -v y="$sym" '$1 == y { print $2; exit }' "$T/defs")
		[ -n "$d" ] || continue		# the kernel's, or Zydis'
		dl=$(awk -v d="$d" '$2 == d { print $1; exit }' "$T/layer")
		[ "$dl" -le "$layer" ] && continue
		[ "$s $sym $d" = "$allowed" ] && continue
		echo "$s -> $sym -> $d (layer $layer -> layer $dl)"
	done
done < "$T/objs" > "$T/why"
if [ -s "$T/why" ]; then
	fail calls "calls up the layers of $doc (\"Layers\")"
else
	pass calls
fi
exit $status
