# report-checks.sh - checks of kdbt-report on a recording, sourced by
# format.sh (synthetic recordings) and record-report.sh (real ones).
#
# Set REPORT (the kdbt-report to run) and TMP (a scratch directory) first.
# Each check prints "PASS record/NAME" or "FAIL record/NAME: why" and
# returns non-zero on failure; `checks_failed` counts the failures.
# Owns: what "the formats agree", "folded sums to the total", "the blocks'
# calls add up to their functions'", "the diff has the expected signs"
# and "bad input gets a message" mean.
# Must never: change the recording it checks.

checks_failed=0

pass() {
	echo "PASS record/$1"
}

failed() {
	echo "FAIL record/$1: $2"
	checks_failed=$((checks_failed + 1))
	return 1
}

# total FILE KEY: KEY (instructions, block_executions, ...) of FILE's totals
# in the table.
total() {
	"$REPORT" --stdio -n 1 -i "$1" |
		awk -v k="$2" '$1 == "#" && $2 == k { print $3; exit }'
}

# rows_table FILE, rows_json FILE, rows_csv FILE: every function as
# "module symbol instructions executions calls indirect misses hit_rate
# share", sorted, from each format.
rows_table() {
	"$REPORT" --stdio -n 0 -i "$1" | awk '
		/^#/ { next }
		{ r = $7; sub(/%$/, "", r); s = $1; sub(/%$/, "", s)
		  print $8, $9, $2, $3, $4, $5, $6, r, s }' | sort
}

rows_json() {
	"$REPORT" --format json -n 0 -i "$1" | awk '
		function val(k,   r) {
			if (!match($0, "\"" k "\": (\"[^\"]*\"|[^,}]*)"))
				return "?"
			r = substr($0, RSTART + length(k) + 4,
				   RLENGTH - length(k) - 4)
			gsub(/"/, "", r)
			return r == "null" ? "-" : r
		}
		/^    \{"symbol"/ {
			print val("module"), val("symbol"), val("instructions"),
			      val("executions"), val("calls"), val("indirect"),
			      val("misses"), val("hit_rate"), val("share")
		}' | sort
}

rows_csv() {
	"$REPORT" --format csv -n 0 -i "$1" | awk -F, '
		NR == 1 { next }
		{ print $2, $1, $4, $5, $11, $6, $7, ($9 == "" ? "-" : $9), $10 }' |
		sort
}

# json_valid FILE: the JSON output parses (python3 or jq, if there is one).
json_valid() {
	if command -v python3 > /dev/null 2>&1; then
		python3 -m json.tool > /dev/null
	elif command -v jq > /dev/null 2>&1; then
		jq . > /dev/null
	else
		cat > /dev/null
	fi
}

# check_formats NAME FILE: table, JSON and CSV carry the same rows and
# totals, and the JSON parses.
check_formats() {
	rows_table "$2" > "$TMP/rows.table"
	rows_json "$2" > "$TMP/rows.json"
	rows_csv "$2" > "$TMP/rows.csv"
	n=$(wc -l < "$TMP/rows.table")
	[ "$n" -gt 0 ] || { failed "$1/formats" "no rows in the table"; return; }
	cmp -s "$TMP/rows.table" "$TMP/rows.json" ||
		{ failed "$1/formats" "table and JSON differ: $(diff "$TMP/rows.table" "$TMP/rows.json" | head -3 | tr '\n' ' ')"; return; }
	cmp -s "$TMP/rows.table" "$TMP/rows.csv" ||
		{ failed "$1/formats" "table and CSV differ: $(diff "$TMP/rows.table" "$TMP/rows.csv" | head -3 | tr '\n' ' ')"; return; }
	for v in json "json --interval" "json --blocks"; do
		# shellcheck disable=SC2086
		"$REPORT" --format $v -n 0 -i "$2" | json_valid ||
			{ failed "$1/formats" "--format $v is not valid JSON"; return; }
	done
	ti=$(total "$2" instructions)
	ji=$("$REPORT" --format json -i "$2" |
		sed -n 's/^  "totals": {"instructions": \([0-9]*\),.*/\1/p')
	[ -n "$ti" ] && [ "$ti" = "$ji" ] ||
		{ failed "$1/formats" "total instructions: table '$ti', JSON '$ji'"; return; }
	pass "$1/formats ($n functions agree in table, JSON and CSV)"
}

# check_folded NAME FILE: folded lines are "module;function count" and
# sum to the total instructions, per function and per block.
check_folded() {
	want=$(total "$2" instructions)
	for b in "" --blocks; do
		# shellcheck disable=SC2086
		got=$("$REPORT" --format folded $b -i "$2" | awk '
			!/^[^; ]+;[^ ]+ [0-9]+$/ { bad = 1 }
			{ s += $NF } END { printf "%s%.0f\n", bad ? "bad " : "", s }')
		[ "$got" = "$want" ] ||
			{ failed "$1/folded" "folded${b:+ $b} sums to '$got', total $want"; return; }
	done
	pass "$1/folded (sums to $want instructions)"
}

# check_blocks NAME FILE: per block, the same totals as per function.
check_blocks() {
	f=$("$REPORT" --format csv -n 0 -i "$2" | awk -F, 'NR > 1 { s += $4 } END { printf "%.0f\n", s }')
	b=$("$REPORT" --format csv --blocks -n 0 -i "$2" | awk -F, 'NR > 1 { s += $7 } END { printf "%.0f\n", s }')
	[ "$f" = "$b" ] && [ "$f" = "$(total "$2" instructions)" ] ||
		{ failed "$1/blocks" "functions sum to $f, blocks to $b"; return; }
	pass "$1/blocks (blocks and functions both sum to $f)"
}

# check_calls NAME FILE: the Calls column.  Per block (table and CSV
# agree), only blocks that start their function have calls, and they add
# up to their functions' calls; -s calls orders the table by calls,
# largest first, ties by instructions, then by name.
check_calls() {
	# (by name: static functions of one name add up on both sides)
	f=$("$REPORT" --format csv -n 0 -i "$2" |
		awk -F, 'NR > 1 { c[$1] += $11 }
			END { for (k in c) printf "%s %.0f\n", k, c[k] }' |
		sort)
	b=$("$REPORT" --format csv --blocks -n 0 -i "$2" |
		awk -F, 'NR > 1 { c[$2] += $14; if ($14 && $1 != $2 && $1 !~ /\+0x0$/) bad = 1 }
			 END { for (k in c) printf "%s %.0f\n", k, c[k]
			       if (bad) print "bad" }' | sort)
	[ -n "$f" ] && [ "$f" = "$b" ] ||
		{ failed "$1/calls" "blocks' calls per function differ from the functions': $(echo "$f" | head -3 | tr '\n' ' ') / $(echo "$b" | head -3 | tr '\n' ' ')"; return; }
	tb=$("$REPORT" --stdio --blocks -n 0 -i "$2" |
		awk '!/^#/ { print $NF, $4 }' | sort)
	cb=$("$REPORT" --format csv --blocks -n 0 -i "$2" |
		awk -F, 'NR > 1 { print $1, $14 }' | sort)
	[ "$tb" = "$cb" ] ||
		{ failed "$1/calls" "--blocks: table and CSV calls differ"; return; }
	o=$("$REPORT" --stdio -s calls -n 0 -i "$2" | LC_ALL=C awk '
		/^# Functions by / { by = $4; sub(/:$/, "", by) }
		/^#/ { next }
		n && ($4 > c || ($4 == c && ($2 > i || ($2 == i && $NF < s)))) {
			bad = bad " " $NF
		}
		{ c = $4; i = $2; s = $NF; n++ }
		END { print by, n + 0, (bad ? "out of order:" bad : "ok") }')
	case $o in
	"calls "[1-9]*" ok") ;;
	*) failed "$1/calls" "-s calls: $o"; return ;;
	esac
	o=${o#calls }
	pass "$1/calls (blocks add up to functions; -s calls orders ${o% ok} rows)"
}

# check_interval NAME FILE: the time series sums to the totals.
check_interval() {
	s=$("$REPORT" --format csv --interval -i "$2" | awk -F, 'NR > 1 { s += $3; n++ } END { printf "%.0f %d\n", s, n }')
	want=$(total "$2" instructions)
	[ "${s% *}" = "$want" ] ||
		{ failed "$1/interval" "intervals sum to ${s% *}, total $want"; return; }
	pass "$1/interval (${s#* } intervals sum to $want)"
}

# diff_delta OLD NEW FUNC: the delta of FUNC in the CSV diff ("" if none).
diff_delta() {
	"$REPORT" --diff "$1" "$2" --format csv -n 0 |
		awk -F, -v f="$3" '$1 == f { print $5; exit }'
}

# check_diff NAME OLD NEW DOWN UP: in the diff of OLD and NEW, function
# DOWN has a negative delta, UP a positive one, and the totals' deltas are
# NEW's totals minus OLD's.
check_diff() {
	d=$(diff_delta "$2" "$3" "$4")
	u=$(diff_delta "$2" "$3" "$5")
	case "$d/$u" in
	-[0-9]*/[1-9]*) ;;
	*) failed "$1/diff" "delta of $4 '$d' (want < 0), of $5 '$u' (want > 0)"; return ;;
	esac
	a=$(total "$2" instructions)
	b=$(total "$3" instructions)
	t=$("$REPORT" --diff "$2" "$3" --stdio | awk '$1 == "#" && $2 == "instructions" { print $3, $4, $5; exit }')
	[ "$t" = "$a $b $(awk -v a="$a" -v b="$b" 'BEGIN { d = b - a; printf "%s%.0f", (d > 0 ? "+" : ""), d }')" ] ||
		{ failed "$1/diff" "totals line '$t' for $a and $b"; return; }
	"$REPORT" --diff "$2" "$3" --format json -n 0 | json_valid ||
		{ failed "$1/diff" "the JSON diff is not valid JSON"; return; }
	pass "$1/diff ($4 $d, $5 $u)"
}

# refused NAME FILE WORDS...: kdbt-report -i FILE exits 1 with a message
# that names FILE and contains WORDS.
refused() {
	_n=$1 _f=$2
	shift 2
	"$REPORT" --stdio -i "$_f" > "$TMP/out" 2> "$TMP/err"
	_rc=$?
	_m=$(head -n 1 "$TMP/err")
	[ $_rc = 1 ] && [ ! -s "$TMP/out" ] ||
		{ failed "$_n" "exit status $_rc, output $(wc -c < "$TMP/out") bytes: $_m"; return; }
	case $_m in
	"kdbt-report: $_f: "*"$*"*) pass "$_n ($_m)" ;;
	*) failed "$_n" "message '$_m' lacks '$_f: ...$*'" ;;
	esac
}

# check_bad_input NAME FILE: damaged copies of FILE are refused, each
# with its own message, and usage errors exit 2.
check_bad_input() {
	b=$TMP/bad.data
	: > "$b"
	refused "$1/bad-empty" "$b" "empty file"
	head -c $(($(wc -c < "$2") / 2)) "$2" > "$b"
	refused "$1/bad-truncated" "$b" "truncated"
	head -c 40 "$2" > "$b"
	refused "$1/bad-truncated-header" "$b" "truncated header"
	cp "$2" "$b"
	printf 'NOTKDBT!' | dd of="$b" conv=notrunc 2>/dev/null
	refused "$1/bad-magic" "$b" "not a kdbt recording"
	cp "$2" "$b"
	printf '\143\000\000\000' | dd of="$b" bs=1 seek=8 conv=notrunc 2>/dev/null
	refused "$1/bad-newer-version" "$b" "format version 99 is newer"
	cp "$2" "$b"
	printf '\000\000\000\000\000\000\000\000' |
		dd of="$b" bs=1 seek=16 conv=notrunc 2>/dev/null
	refused "$1/bad-unfinished" "$b" "unfinished recording"
	refused "$1/bad-missing" "$TMP/no-such.data" "No such file"
	"$REPORT" --sort nonsense -i "$2" > /dev/null 2>&1
	[ $? = 2 ] && pass "$1/bad-usage" ||
		failed "$1/bad-usage" "an unknown sort key does not exit 2"
	rm -f "$b"
}

# check_pprof GETPPID DD: go tool pprof on --format pprof of the real
# recordings gives the exact calls: __do_sys_getppid 1000000, vfs_read
# the report's own count, one per dd read (100000, and a few more the
# process makes starting).  Passes over it without go (make deps).  Its
# variables are pp_*: the caller's (record-report.sh's $g) are left alone.
check_pprof() {
	if ! command -v go > /dev/null; then
		echo "SKIP record/pprof: no go tool (make deps)"
		return 0
	fi
	"$REPORT" -i "$1" --format pprof -o "$TMP/getppid.pb.gz" &&
		"$REPORT" -i "$2" --format pprof -o "$TMP/dd.pb.gz" ||
		{ failed pprof "kdbt-report --format pprof failed"; return 1; }
	pp_g=$(HOME=$TMP go tool pprof -top -sample_index=calls \
		"$TMP/getppid.pb.gz" 2>/dev/null |
		awk '$NF == "__do_sys_getppid" { print $1 }')
	pp_d=$(HOME=$TMP go tool pprof -top -sample_index=calls \
		"$TMP/dd.pb.gz" 2>/dev/null | awk '$NF == "vfs_read" { print $1 }')
	pp_want=$("$REPORT" --format csv -n 0 -i "$2" |
		awk -F, '$1 == "vfs_read" { print $11 }')
	if [ "$pp_g" != 1000000 ]; then
		failed pprof "__do_sys_getppid calls in pprof: '$pp_g', want 1000000"
	elif [ -z "$pp_d" ] || [ "$pp_d" != "$pp_want" ] ||
		[ "$pp_d" -lt 100000 ] || [ "$pp_d" -gt 100100 ]; then
		failed pprof "vfs_read calls in pprof: '$pp_d', report '$pp_want', want 100000 dd reads (+ a few)"
	else
		pass "pprof (go tool pprof: __do_sys_getppid 1000000 calls, vfs_read $pp_d)"
	fi
}
