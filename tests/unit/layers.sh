#!/bin/sh
# layers.sh - calls in kdbt.ko run one way: from a layer to its own or a
# lower one, never up (docs/ARCHITECTURE.md, "Layers").
#
# The table below gives every source file of kdbt.ko (kmod/*.c, kmod/*.S,
# kmod/core/*.c) a layer, lowest first.  Each object kbuild compiled from
# them is read with nm: the global symbols it defines (`nm -g
# --defined-only`) and those it refers to (`nm -u`).  A reference to a
# symbol that an object of a higher layer defines fails, naming the caller,
# the symbol and where it lives; references within a layer, down, or to
# the kernel (defined by no object here) are fine.  Static inline
# functions of a header are compiled into their callers, so what they call
# counts as the caller's.  The table must name exactly the files there are.
#
# Usage: layers.sh [DIR]   DIR: a kbuild output directory of kdbt.ko
#                          (default kmod, after `make module`; build/kmod-X
#                          after `make module-for KVER=X`).
# With the default DIR, a kdbt.ko older than a source of kmod/ (or none) is
# rebuilt first (`make module`); without headers for the guest kernel that
# cannot be, and the check is skipped with one line saying so.
# Output: one PASS/FAIL line per source file and one for the table; exit
# status 1 if any failed.
# Owns: the table of layers and its scratch directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
dir=${1:-kmod}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
status=0
pass() { echo "PASS unit/layers/$1"; }
fail() { echo "FAIL unit/layers/$1: $2"; status=1; }

# The layers, lowest first: "LAYER FILE..." (kmod/'s files; core/*.c is
# every file of kmod/core/).  Zydis, below the core, is not ours and
# calls nothing of ours: it is left out.
cat > "$T/table" << 'TABLE'
core	core/*.c
service	engine.c counters.c ksyms.c stats.c kentry.S cache.S
glue	entries.c pull.S stacks.c textpoke.c profile.c coverage.c refuse.c selftest.c
control	control.c
top	procfs.c main.c
TABLE

# The objects: rebuilt first if the default build is older than a source.
if [ "$dir" = kmod ]; then
	K=$(sh scripts/kver.sh 2> /dev/null) || K=
	stale=
	if [ ! -f kmod/kdbt.ko ]; then
		stale="no kmod/kdbt.ko"
	else
		f=$(find kmod proc/kdbt_abi.h -newer kmod/kdbt.ko \
			\( -name '*.[chS]' -o -name Kbuild -o -name '*.mk' \) \
			! -name '*.mod.c' | head -n 1)
		[ -n "$f" ] && stale="$f is newer than kmod/kdbt.ko"
	fi
	if [ -n "$stale" ]; then
		if [ -z "$K" ] || [ ! -f "/lib/modules/$K/build/Makefile" ]; then
			echo "unit/layers: skipped, no headers for the guest kernel to build kdbt.ko's objects with ($stale)"
			exit 0
		fi
		if ! make --no-print-directory module > "$T/build" 2>&1; then
			fail build "make module failed ($stale):"
			tail -n 12 "$T/build" | sed 's/^/      /'
			exit 1
		fi
	fi
fi
[ -f "$dir/kdbt.ko" ] || { fail build "no $dir/kdbt.ko"; exit 1; }

# Every file the table names, as "layer-number layer file", and the files
# there are.
awk -F'\t' '{n = split($2, f, " "); for (i = 1; i <= n; i++)
	print NR, $1, f[i]}' "$T/table" > "$T/named"
{
	grep -v ' core/\*\.c$' "$T/named"
	l=$(awk '$3 == "core/*.c" {print $1, $2}' "$T/named")
	for f in kmod/core/*.c; do
		echo "$l core/$(basename "$f")"
	done
} | sort -s -n -k1,1 > "$T/files"
(cd kmod && ls -- *.c *.S core/*.c) | grep -v '\.mod\.c$' | sort > "$T/present"
awk '{print $3}' "$T/files" | sort > "$T/listed"
words() { tr '\n' ' ' | sed 's/ $//'; }
missing=$(comm -23 "$T/present" "$T/listed" | words)
gone=$(comm -13 "$T/present" "$T/listed" | words)
twice=$(uniq -d "$T/listed" | words)
if [ -n "$missing" ]; then
	fail table "files with no layer (add them to tests/unit/layers.sh): $missing"
elif [ -n "$gone" ]; then
	fail table "files in the table that kmod/ does not have: $gone"
elif [ -n "$twice" ]; then
	fail table "files in two places of the table: $twice"
else
	pass "table ($(wc -l < "$T/listed") files in $(wc -l < "$T/table") layers: $(cut -f1 "$T/table" | tr '\n' ' ' | sed 's/ $//; s/ / < /g'))"
fi

# What each object defines and refers to: "D layer file symbol" and
# "U layer file symbol".
while read -r n layer f; do
	o=$dir/${f%.*}.o
	if [ ! -f "$o" ]; then
		echo "X $n $f $layer"
		continue
	fi
	nm -g --defined-only "$o" | awk -v n="$n" -v f="$f" -v l="$layer" \
		'NF == 3 {print "D", n, f, $3, l}'
	nm -u "$o" | awk -v n="$n" -v f="$f" -v l="$layer" \
		'{print "U", n, f, $NF, l}'
done < "$T/files" > "$T/syms"

# A reference whose symbol an object of a higher layer defines.
awk '$1 == "D" {def[$4] = $2; defat[$4] = $3 " (" $5 ")"; next}
	$1 == "U" {ref[++nref] = $0; next}
	$1 == "X" {print "X", $3, $4}
	END {
		for (i = 1; i <= nref; i++) {
			split(ref[i], r, " ")
			if (!(r[4] in def))
				continue
			if (def[r[4]] > r[2])
				print "UP", r[3], r[4], defat[r[4]]
			else
				print "OK", r[3], r[4]
		}
	}' "$T/syms" > "$T/verdicts"

while read -r n layer f; do
	if grep -q "^X $f " "$T/verdicts"; then
		fail "$f" "no object $dir/${f%.*}.o (is it in kmod/Kbuild?)"
		continue
	fi
	up=$(awk -v f="$f" '$1 == "UP" && $2 == f {printf "%s%s in %s %s",
		(k++ ? "; " : ""), $3, $4, $5}' "$T/verdicts")
	ok=$(awk -v f="$f" '$1 == "OK" && $2 == f' "$T/verdicts" | wc -l)
	if [ -n "$up" ]; then
		fail "$f" "$layer calls up: $up"
	else
		pass "$f ($layer: $ok references to its own layer or below)"
	fi
done < "$T/files"
exit $status
