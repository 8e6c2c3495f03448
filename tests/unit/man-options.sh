#!/bin/sh
# man-options.sh - the man pages against the tools and against groff:
#   - every option (long and short) that a tool's --help lists is an item
#     (a .TP tag) of the OPTIONS section of its man page;
#   - every page renders without a warning: groff -ww at 80 and 60
#     columns, and man --warnings (man-db) where man is installed;
#   - every page's NAME line parses for whatis/apropos (lexgrog), its .TH
#     names this release (KDBT_RELEASE), and kdbt(7) refers to every page.
# kdbt-snapshot (build/guest) has no man page on purpose: it is a test and
# debugging aid built for guests only, not installed by `make install`; its
# --help is its documentation.
#
# Usage: man-options.sh [BUILD_DIR]     (after `make user`)
# Output: PASS/FAIL lines; exit status 1 if any failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-$top/build}
cd "$top" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0
pass() { echo "PASS unit/man/$1"; }
fail() { echo "FAIL unit/man/$1: $2"; status=1; }

# Options as they are written: -x and --long-name, after a blank, a comma,
# a bracket, a parenthesis or a bar (so "kdbt-diff" is no option).
opts() {
	grep -oE '(^|[][ ,(|])--?[A-Za-z0-9][A-Za-z0-9-]*' | sed 's/^[][ ,(|]//' |
		sort -u
}

# The tags of the OPTIONS section's items, font escapes and \- undone.
man_option_tags() {
	awk '/^\.SH /{ins = ($0 ~ /^\.SH "?OPTIONS"?$/)}
		ins && prev ~ /^\.TP/ {print} {prev = $0}' "$1" |
		sed -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' \
			-e 's/\\-/-/g' -e 's/"/ /g' | opts
}

for t in kdbt-top kdbt-record kdbt-report; do
	page=man/$t.1
	if [ ! -x "$b/$t" ]; then
		fail "$t/options" "$b/$t missing (make user)"
		continue
	fi
	"$b/$t" --help > "$TMP/help" 2>&1 ||
		{ fail "$t/options" "$t --help exits with status $?"; continue; }
	opts < "$TMP/help" > "$TMP/help.opts"
	man_option_tags "$page" > "$TMP/man.opts"
	n=$(wc -l < "$TMP/help.opts")
	missing=$(comm -23 "$TMP/help.opts" "$TMP/man.opts" | tr '\n' ' ')
	if [ "$n" -lt 3 ]; then
		fail "$t/options" "only $n options found in --help"
	elif [ -n "$missing" ]; then
		fail "$t/options" "in --help but not an item of OPTIONS in $page: $missing"
	else
		pass "$t/options ($n options of --help in $page)"
	fi
done

rel=$(sed -n 's/^#define KDBT_RELEASE[[:space:]]*"\(.*\)"/\1/p' proc/kdbt_abi.h)
for page in man/*.[1-9]; do
	name=$(basename "$page")
	for w in 80 60; do
		groff -ww -man -Tutf8 -rLL=${w}n -z "$page" 2>&1
		if command -v man > /dev/null; then
			# shellcheck disable=SC2069 # stderr kept, the page dropped
			MANWIDTH=$w man --warnings=w -l "$page" 2>&1 > /dev/null
		fi
	done > "$TMP/warnings"
	[ -s "$TMP/warnings" ] &&
		fail "$name/renders" "$(sort -u "$TMP/warnings" | sed 's/^/      /')" ||
		pass "$name/renders"
	if command -v lexgrog > /dev/null; then
		lexgrog "$page" > /dev/null 2>&1 && pass "$name/whatis" ||
			fail "$name/whatis" "lexgrog cannot parse its NAME section"
	fi
	grep -q "^\.TH .*\"kdbt $rel\"" "$page" && pass "$name/release" ||
		fail "$name/release" ".TH does not say \"kdbt $rel\""
done

# kdbt(7), the overview, refers to every other page in its SEE ALSO.
see=$(awk '/^\.SH /{ins = ($0 ~ /^\.SH "?SEE ALSO"?$/); next} ins' man/kdbt.7 |
	sed 's/\\-/-/g')
missing=
for page in man/*.[1-9]; do
	[ "$page" = man/kdbt.7 ] && continue
	n=$(basename "$page") sec=${page##*.}
	printf '%s\n' "$see" | grep -q "^\.BR ${n%.*} ($sec)" ||
		missing="$missing ${n%.*}($sec)"
done
[ -z "$missing" ] && pass "kdbt.7/see-also" ||
	fail "kdbt.7/see-also" "SEE ALSO lacks:$missing"
exit $status
