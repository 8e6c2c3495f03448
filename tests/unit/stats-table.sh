#!/bin/sh
# stats-table.sh - the table of statistics (KDBT_STATS() in proc/kdbt_abi.h)
# against what prints /proc/kdbt/stats and against its documentation:
#   - printer: kdbt.ko's printer (kmod/stats.c, run in userspace by
#     build/unit/stats_check) prints exactly one line per statistic of the
#     table that has a /proc line, in the table's order, each in its
#     format (U64 "123", PCT "12.34", STR a word), and nothing else;
#   - derived: indirect branches, jumptable hits and hit rate and coverage
#     follow from the figures they come from (kdbt_stats_finish());
#   - procfs: stats_show() in kmod/procfs.c prints nothing itself (every
#     line goes through the printer);
#   - names: of [a-z_] only;
#   - man: every statistic of the table that has a /proc line is an item
#     (a .TP tag) of the /proc/kdbt/stats section of man/kdbt.4, and every
#     item there is a statistic of the table.
#
# Usage: stats-table.sh [STATS_CHECK]   (default build/unit/stats_check)
# Output: PASS/FAIL lines; exit status 1 if any failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
check=${1:-build/unit/stats_check}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0
pass() { printf 'PASS unit/stats/%s\n' "$1"; }
fail() { printf 'FAIL unit/stats/%s: %s\n' "$1" "$2"; status=1; }

if ! "$check" table > "$TMP/table" || [ ! -s "$TMP/table" ]; then
	echo "FAIL unit/stats/table: $check table failed (make user)"
	exit 1
fi
awk '$2 != "NONE" {print $1}' "$TMP/table" > "$TMP/names"

# Names: lower-case letters and underscores only, which every reader of
# "name value" lines may assume (abi-read-while-switching.sh checks it).
bad=$(awk '$1 !~ /^[a-z_]+$/ {print $1}' "$TMP/table" | tr '\n' ' ')
if [ -z "$bad" ]; then
	pass "names ($(wc -l < "$TMP/table") of [a-z_])"
else
	fail names "not of [a-z_]: $bad"
fi

# What the printer must print for stats_check show: statistic i (from 0,
# in table order) holds 1000 * i + 7, 100 * i + 5 or "s<i>".
awk '{i = NR - 1}
	$2 == "U64" {print $1, 1000 * i + 7}
	$2 == "PCT" {printf "%s %d.05\n", $1, i}
	$2 == "STR" {print $1, "s" i}' "$TMP/table" > "$TMP/expect"
"$check" show > "$TMP/show" 2>&1
if cmp -s "$TMP/expect" "$TMP/show"; then
	pass "printer ($(wc -l < "$TMP/show") lines, each a statistic of the table, in its order and format)"
else
	d=$(diff -u "$TMP/expect" "$TMP/show" | grep '^[-+][a-z]' | head -n 5)
	fail printer "the lines printed differ from the table (- table, + printed): $(printf '%s\n' "$d" | tr '\n' ' ')"
fi

# Derived: calls 1 + jumps 2 + returns 3 = 6 indirect, 1 miss: 5 hits,
# 83.33%; samples 2 in the cache, 1 native: coverage 66.66%.
"$check" finish > "$TMP/finish" 2>&1
derived='indirect_branches|jumptable_hits|jumptable_hit_rate|coverage'
got=$(grep -E "^($derived) " "$TMP/finish" | tr '\n' ' ')
want="indirect_branches 6 jumptable_hits 5 jumptable_hit_rate 83.33"
want="$want coverage 66.66 "
if [ "$got" = "$want" ]; then
	pass "derived ($got)"
else
	fail derived "got '$got', want '$want'"
fi

# Past 2^64 / 10000 the rates must not wrap (they did at 1.8e15):
# indirect 2^61 + 2^61 + 2^62 = 2^63, 2^61 misses: 75.00%;
# coverage 3e18 of 4e18: 75.00%.
"$check" finish-huge > "$TMP/huge" 2>&1
got=$(grep -E "^(jumptable_hit_rate|coverage) " "$TMP/huge" | tr '\n' ' ')
want="jumptable_hit_rate 75.00 coverage 75.00 "
if [ "$got" = "$want" ]; then
	pass "derived past 1.8e15 ($got)"
else
	fail derived-huge "got '$got', want '$want'"
fi

# stats_show() in procfs.c: its body, from its opening line to the first
# "}" at the start of a line; and the seq_file calls that print.
seq_out='seq_(printf|puts|putc|write|put_decimal[a-z_]*|pad|escape)\('
awk '/^static int stats_show\(/ {p = 1} p {print} p && /^}/ {exit}' \
	kmod/procfs.c > "$TMP/stats_show"
if [ ! -s "$TMP/stats_show" ]; then
	fail procfs "no stats_show() in kmod/procfs.c"
elif ! grep -q 'kdbt_stats_show(' "$TMP/stats_show"; then
	fail procfs "stats_show() does not print through kdbt_stats_show()"
elif grep -Eq "$seq_out" "$TMP/stats_show"; then
	l=$(grep -E "$seq_out" "$TMP/stats_show" | head -n 1)
	fail procfs "stats_show() prints a line itself: $(printf '%s' "$l" | sed 's/^[[:space:]]*//')"
else
	pass "procfs (stats_show() prints only through the table's printer)"
fi

# The tags of the items of the /proc/kdbt/stats section of kdbt(4): the
# bold arguments of the line after each .TP: all of ".B", the first,
# third, ... of ".BR" (".BR a \", \" b"); quoted arguments are one.
awk '/^\.S[SH] / {ins = ($0 == ".SS /proc/kdbt/stats")}
	ins && prev ~ /^\.TP/ && /^\.BR? / {
		line = substr($0, length($1) + 2)
		for (k = 1; ; k++) {
			sub(/^ +/, "", line)
			if (line == "")
				break
			if (substr(line, 1, 1) == "\"") {
				e = index(substr(line, 2), "\"")
				arg = substr(line, 2, e - 1)
				line = substr(line, e + 2)
			} else {
				e = index(line " ", " ")
				arg = substr(line, 1, e - 1)
				line = substr(line, e)
			}
			if ($1 == ".B" || k % 2 == 1)
				print arg
		}
	}
	{prev = $0}' man/kdbt.4 | sort -u > "$TMP/man"
sort -u "$TMP/names" > "$TMP/names.sorted"
undoc=$(comm -23 "$TMP/names.sorted" "$TMP/man" | tr '\n' ' ')
unknown=$(comm -13 "$TMP/names.sorted" "$TMP/man" | tr '\n' ' ')
if [ ! -s "$TMP/man" ]; then
	fail man "no items in the /proc/kdbt/stats section of man/kdbt.4"
elif [ -n "$undoc" ]; then
	fail man "not an item of /proc/kdbt/stats in man/kdbt.4: $undoc"
elif [ -n "$unknown" ]; then
	fail man "items of /proc/kdbt/stats in man/kdbt.4 that the table does not have: $unknown"
else
	pass "man ($(wc -l < "$TMP/names") statistics, each an item of /proc/kdbt/stats in man/kdbt.4, and no other)"
fi
exit $status
