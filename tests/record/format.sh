#!/bin/sh
# format.sh - unit test of the kdbt.data format and of kdbt-report, on
# synthetic recordings (no guest): the format's round trip, refusals and
# safe writing (kdbt_data_fuzz check), the report's formats, folded sums,
# blocks, calls (the Calls column, -s calls), time series, diff signs and
# bad input (report-checks.sh), module build ids (and a file from before them, tests/record/fixtures),
# kdbt-report --annotate (a golden listing, tests/record/fixtures; a file
# without code, a damaged code section, an unknown function),
# kdbt-report --callers/--callees/--arcs (a golden table with a tail
# call, sums, folded arcs, dot that graphviz renders, a file from before
# the call targets),
# hostile names (escape sequences, a newline, bytes that are not UTF-8:
# every text view prints them as \xNN, JSON by its own rules), and
# reader fuzzing under AddressSanitizer and UBSan (kdbt_data_fuzz fuzz,
# with build/unit/kdbt-report-san).
#
# Usage: format.sh [BUILD_DIR]
# Output: PASS/FAIL lines; exit status 1 if any failed.
# Owns: nothing but its scratch directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-$top/build}
REPORT=$b/kdbt-report
FUZZ=$b/unit/kdbt_data_fuzz
SAN=$b/unit/kdbt-report-san
for f in "$REPORT" "$FUZZ" "$SAN"; do
	[ -x "$f" ] || { echo "FAIL record/format: $f missing (make user)"; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$top/tests/record/report-checks.sh"
export ASAN_OPTIONS=exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:exitcode=99

status=0
"$FUZZ" check "$TMP" || status=1
"$FUZZ" make "$TMP/getppid.data" 0 && "$FUZZ" make "$TMP/reads.data" 1 ||
	{ echo "FAIL record/format: cannot make the synthetic recordings"; exit 1; }

# Known answers: the synthetic getppid recording's totals and top function.
t=$(total "$TMP/getppid.data" instructions)
top1=$("$REPORT" --format csv -n 1 -i "$TMP/getppid.data" | sed -n '2s/,.*//p')
[ "$t" = 409749 ] && [ "$top1" = __task_pid_nr_ns ] &&
	pass "synthetic/known-answers" ||
	failed "synthetic/known-answers" "total $t (want 409749), top '$top1'"
# Two lines for one native block (a copy, kdbt(4)) are one --blocks row.
m=$("$REPORT" --format csv --blocks -n 0 -i "$TMP/reads.data" |
	awk -F, '$4 == "0xffffffff81000180" { n++; e = $8 } END { print n + 0, e }')
[ "$m" = "1 306" ] && pass "synthetic/blocks-merged" ||
	failed "synthetic/blocks-merged" "rows, executions at __task_pid_nr_ns: $m (want 1 306)"
# The Calls column (the table's 4th) by -s calls: read_zero and
# ksys_read tie at 24000 and go by instructions; the block without a
# symbol is a function of its own, its executions its calls, so it comes
# before do_syscall_64 (6051 of 18162 executions); [unattributed] has
# none.  Per block (--blocks), only the block that starts do_syscall_64.
c=$("$REPORT" --stdio -s calls -n 0 -i "$TMP/reads.data" |
	awk '!/^#/ { printf "%s%s %s", n++ ? ", " : "", $NF, $4 }')
w="read_zero 24000, ksys_read 24000, 0xffffffff90000000 6087, do_syscall_64 6051, __task_pid_nr_ns 306, lo_rw_aio 300, __do_sys_getppid 6, [unattributed] 0"
b=$("$REPORT" --stdio --blocks -s symbol --symbol-filter '^do_syscall_64$' \
	-n 0 -i "$TMP/reads.data" |
	awk '!/^#/ { printf "%s%s %s", n++ ? ", " : "", $NF, $4 }')
[ "$c" = "$w" ] &&
	[ "$b" = "do_syscall_64+0x0 6051, do_syscall_64+0x40 0, do_syscall_64+0x80 0" ] &&
	pass "synthetic/calls-column ($c)" ||
	failed "synthetic/calls-column" "-s calls: '$c', want '$w'; do_syscall_64's blocks: '$b'"
u=$(total "$TMP/reads.data" unattributed)
[ "$u" = 500 ] && pass "synthetic/unattributed" ||
	failed "synthetic/unattributed" "unattributed $u, want 500 (a flush)"

for r in getppid reads; do
	check_formats "synthetic-$r" "$TMP/$r.data"
	check_folded "synthetic-$r" "$TMP/$r.data"
	check_blocks "synthetic-$r" "$TMP/$r.data"
	check_calls "synthetic-$r" "$TMP/$r.data"
	check_interval "synthetic-$r" "$TMP/$r.data"
done
check_diff synthetic "$TMP/getppid.data" "$TMP/reads.data" \
	__do_sys_getppid read_zero
check_bad_input synthetic "$TMP/getppid.data"
"$FUZZ" make "$TMP/nothing.data" 3 &&
	refused synthetic/bad-nothing-counted "$TMP/nothing.data" "nothing was counted"

# Module build ids (MODULE_BUILD_IDS, kdbt-data(5)): what the writer put
# in is what --header shows; a recording written before the section
# existed (a fixture, written by kdbt 0.1.0 before it) still reads, with
# the same totals as today's synthetic recording of the same counts; a
# damaged section is refused with a message naming the file.
hdr=$("$REPORT" --stdio --header -i "$TMP/reads.data")
echo "$hdr" | grep -q '^#   ffffffffc0000000    32768 loop e0d9d2cbc4bdb6afa8a19a938c857e777069625b$' &&
	echo "$hdr" | grep -q '^#   ffffffffc0010100    16384 nvme 00112233445566778899aabbccddeeff$' &&
	echo "$hdr" | grep -q '^#   0000000000000000        0 bpf$' &&
	echo "$hdr" | grep -q '^# module ids    : 2 of 3 modules have a build id$' &&
	pass "synthetic/module-build-ids" ||
	failed "synthetic/module-build-ids" "--header: $(echo "$hdr" | grep -A4 '^# modules')"
js=$("$REPORT" --format json -n 1 -i "$TMP/reads.data" |
	sed -n 's/.*"module_build_ids": \({[^}]*}\).*/\1/p')
[ "$js" = '{"loop": "e0d9d2cbc4bdb6afa8a19a938c857e777069625b", "nvme": "00112233445566778899aabbccddeeff"}' ] &&
	pass "synthetic/module-build-ids-json" ||
	failed "synthetic/module-build-ids-json" "JSON module_build_ids: '$js'"
grep -v '^#' "$top/tests/record/fixtures/before-module-build-ids.data.b64" |
	base64 -d > "$TMP/old.data"
hdr=$("$REPORT" --stdio --header -i "$TMP/old.data" 2>&1)
to=$(total "$TMP/old.data" instructions)
tn=$(total "$TMP/reads.data" instructions)
[ -n "$to" ] && [ "$to" = "$tn" ] &&
	echo "$hdr" | grep -q '^#   ffffffffc0000000    32768 loop$' &&
	! echo "$hdr" | grep -q 'module_build_ids\|module ids' &&
	pass "old-file/reads (no module build ids; $to instructions)" ||
	failed "old-file/reads" "instructions '$to' (want $tn), --header: $hdr"
check_formats old-file "$TMP/old.data"
"$REPORT" --format json -n 1 -i "$TMP/old.data" | grep -q '"module_build_ids": null, ' &&
	pass "old-file/json (module_build_ids null)" ||
	failed "old-file/json" "module_build_ids is not null"
off=$("$REPORT" --stdio --header -i "$TMP/reads.data" |
	sed -n 's/^#   section module_build_ids *v1 at *\([0-9]*\),.*/\1/p')
cp "$TMP/reads.data" "$TMP/bad-ids.data"
printf '\011' | dd of="$TMP/bad-ids.data" bs=1 seek=$((off + 8)) conv=notrunc 2>/dev/null
refused synthetic/bad-module-build-ids "$TMP/bad-ids.data" \
	"module_build_ids: entry 0 is for module 9, not one of modules 1..3"
# kdbt-report --annotate (CODE, kdbt-data(5)): the synthetic read_zero,
# whose code kdbt_data_fuzz writes, exactly as the golden listing
# (counts, shares, AT&T disassembly, branch targets; the path the je
# skips counts 0); the counts add up to read_zero's row in the table.
# Refused, exit 1, one message naming the file: a file from before the
# section, a damaged section, a function not in the file or without
# code; --annotate with a view it does not go with: a usage error.
# annotate_refused NAME FILE TEXT ARGS...: kdbt-report --annotate ARGS
# exits 1, prints nothing, and says "FILE: ...TEXT".
annotate_refused() {
	_n=$1 _f=$2 _t=$3
	shift 3
	"$REPORT" --stdio -i "$_f" --annotate "$@" > "$TMP/out" 2> "$TMP/err"
	_rc=$?
	_m=$(head -n 1 "$TMP/err")
	if [ $_rc != 1 ] || [ -s "$TMP/out" ]; then
		failed "annotate/$_n" "exit status $_rc, output $(wc -c < "$TMP/out") bytes: $_m"
	else
		case $_m in
		"kdbt-report: $_f: "*"$_t"*) pass "annotate/$_n ($_m)" ;;
		*) failed "annotate/$_n" "message '$_m' lacks '$_f: ...$_t'" ;;
		esac
	fi
}
"$REPORT" --stdio --annotate read_zero "$TMP/reads.data" > "$TMP/ann" 2>&1
tail -n +3 "$top/tests/record/fixtures/annotate-read_zero.expect" > "$TMP/ann.want"
if cmp -s "$TMP/ann" "$TMP/ann.want"; then
	pass "annotate/golden (read_zero: $(grep -vc '^#' "$TMP/ann") instructions)"
else
	failed "annotate/golden" "$(diff "$TMP/ann.want" "$TMP/ann" | head -n 6 | tr '\n' '|')"
fi
sum=$(awk '!/^#/ { s += $1 } END { print s + 0 }' "$TMP/ann")
row=$("$REPORT" --format csv -n 0 -i "$TMP/reads.data" |
	awk -F, '$1 == "read_zero" { print $4 }')
[ "$sum" = "$row" ] && [ "$sum" = 432000 ] &&
	pass "annotate/sum (read_zero: $sum instructions, as its row)" ||
	failed "annotate/sum" "counts add up to $sum, the row has $row (want 432000)"
# The edges of each jcc (KDBT_REC_EDGES): read_zero's je, derived, its
# taken copy the second block: taken 24000, fell through 0, which add up
# to its count; not derived (variant 4): "taken ?"; a recording without
# edges (variant 0): no edges on any line, and the header says why; an
# edge out of range: refused.
e=$(grep ' jz ' "$TMP/ann")
case $e in
*"<read_zero+0x50>  taken 24000, fell through 0") pass "annotate/edges (read_zero's jz: taken 24000, fell through 0 of 24000)" ;;
*) failed "annotate/edges" "jz line: $e" ;;
esac
"$FUZZ" make "$TMP/underived.data" 4 &&
	"$REPORT" --stdio --annotate read_zero "$TMP/underived.data" > "$TMP/ann4" 2>&1
e=$(grep ' jz ' "$TMP/ann4")
case $e in
*"  taken ?, fell through ? (24000 of its executions not derived: no edge counted)") pass "annotate/edges-not-derived (taken ?)" ;;
*) failed "annotate/edges-not-derived" "jz line: $e" ;;
esac
"$REPORT" --stdio --annotate read_zero "$TMP/getppid.data" > "$TMP/ann0" 2>&1
grep -q '^# edges        : not recorded (by a kdbt.ko or kdbt-record from before edges)' "$TMP/ann0" &&
	! grep -q ' taken ' "$TMP/ann0" &&
	pass "annotate/no-edges (header says why, no line has edges)" ||
	failed "annotate/no-edges" "$(grep -e '^# edges' -e ' jz ' "$TMP/ann0" | tr '\n' '|')"
off=$("$REPORT" --stdio --header -i "$TMP/reads.data" |
	sed -n 's/^#   section blocks *v1 at *\([0-9]*\),.*/\1/p')
cp "$TMP/reads.data" "$TMP/bad-edge.data"
printf '\011' | dd of="$TMP/bad-edge.data" bs=1 seek=$((off + 8 + 40)) conv=notrunc 2>/dev/null
refused synthetic/bad-edge "$TMP/bad-edge.data" \
	"blocks: block 0 has edge 9 (0..4)"
annotate_refused old-file "$TMP/old.data" \
	"no code section (recorded before kdbt-record kept code" read_zero
annotate_refused not-found "$TMP/reads.data" \
	"no function no_such_function in the recording" no_such_function
annotate_refused other-module "$TMP/reads.data" \
	"no function read_zero in loop in the recording" read_zero --module loop
annotate_refused no-code "$TMP/reads.data" \
	"no code for ksys_read at 0xffffffff81000300" ksys_read
off=$("$REPORT" --stdio --header -i "$TMP/reads.data" |
	sed -n 's/^#   section code *v1 at *\([0-9]*\),.*/\1/p')
cp "$TMP/reads.data" "$TMP/bad-code.data"
printf '\141' | dd of="$TMP/bad-code.data" bs=1 seek=$((off + 8)) conv=notrunc 2>/dev/null
annotate_refused truncated-section "$TMP/bad-code.data" \
	"code: 97 bytes of code run past the section (truncated?)" read_zero
for u in "--format json" "--diff" "--blocks" "-n 5" "--header" "--live"; do
	"$REPORT" --annotate read_zero $u "$TMP/reads.data" > /dev/null 2>&1
	rc=$?
	[ $rc = 2 ] && pass "annotate/usage ($u: exit 2)" ||
		failed "annotate/usage" "--annotate read_zero $u: exit status $rc, want 2"
done

# Call arcs (kdbt-report --callers/--callees, the blocks' targets): the
# synthetic reads recording exactly as the golden output (do_syscall_64
# calls ksys_read directly; the rest of ksys_read's calls are [other];
# __task_pid_nr_ns tail-calls read_zero from a jmp block listed twice, a
# copy: 6 + 300 = 306 tail calls; read_zero's jmp to its own start and
# the jmp into the middle of ksys_read are no arcs); the callers' rows
# and [other] add up to the function's calls in the table, and so do
# their folded lines; --format dot renders with dot -Tsvg without a word
# on stderr.  A file from before the targets: exit 1, one message naming
# the file; the options they do not go with: a usage error.
tail -n +3 "$top/tests/record/fixtures/arcs-reads.expect" > "$TMP/arcs.want"
{ "$REPORT" --stdio --callers ksys_read "$TMP/reads.data" &&
  "$REPORT" --stdio --callees do_syscall_64 "$TMP/reads.data" &&
  "$REPORT" --stdio --callers read_zero "$TMP/reads.data" &&
  "$REPORT" --stdio --callees __task_pid_nr_ns "$TMP/reads.data"; } > "$TMP/arcs" 2>&1
if cmp -s "$TMP/arcs" "$TMP/arcs.want"; then
	pass "arcs/golden (--callers ksys_read, read_zero (a tail call), --callees do_syscall_64, __task_pid_nr_ns)"
else
	failed "arcs/golden" "$(diff "$TMP/arcs.want" "$TMP/arcs" | head -n 6 | tr '\n' '|')"
fi
"$REPORT" --format csv -n 0 -i "$TMP/reads.data" |
	awk -F, 'NR > 1 && $1 !~ /^([[]|0x)/ { print $1, $11 }' > "$TMP/calls"
bad=
while read -r fn calls; do
	sum=$("$REPORT" --stdio --callers "$fn" "$TMP/reads.data" |
		awk '!/^#/ { s += $1 } END { print s + 0 }')
	fsum=$("$REPORT" --format folded --callers "$fn" "$TMP/reads.data" |
		awk '{ s += $NF } END { print s + 0 }')
	[ "$sum" = "$calls" ] && [ "$fsum" = "$calls" ] ||
		bad="$bad $fn: $sum (folded $fsum), not $calls;"
done < "$TMP/calls"
[ -z "$bad" ] && pass "arcs/sum (every function's callers and [other] add up to its calls, table and folded)" ||
	failed "arcs/sum" "$bad"
# Folded arcs: --callers read_zero and --callees do_syscall_64 exactly;
# --arcs every arc of the recording, most first (not the loop, not the
# jump into ksys_read).
f=$("$REPORT" --format folded --callers read_zero "$TMP/reads.data" | tr '\n' '|')
w='__task_pid_nr_ns [kernel];read_zero [kernel] (tail call) 306|[other];read_zero [kernel] 23694|'
[ "$f" = "$w" ] && pass "arcs/folded-callers ($f)" ||
	failed "arcs/folded-callers" "'$f', want '$w'"
f=$("$REPORT" --format folded --callees do_syscall_64 "$TMP/reads.data" | tr '\n' '|')
w='do_syscall_64 [kernel];ksys_read [kernel] 6051|'
[ "$f" = "$w" ] && pass "arcs/folded-callees ($f)" ||
	failed "arcs/folded-callees" "'$f', want '$w'"
f=$("$REPORT" --arcs --format folded "$TMP/reads.data" | tr '\n' '|')
w='do_syscall_64 [kernel];ksys_read [kernel] 6051|__task_pid_nr_ns [kernel];read_zero [kernel] (tail call) 306|__do_sys_getppid [kernel];__task_pid_nr_ns [kernel] 6|'
[ "$f" = "$w" ] && pass "arcs/folded-all (--arcs: 3 arcs)" ||
	failed "arcs/folded-all" "'$f', want '$w'"
# The getppid recording's ksys_read has fewer calls than direct calls
# into it (a synthetic inconsistency; a function that runs natively has
# no calls at all): [other] is 0, and a note says why.
"$REPORT" --stdio --callers ksys_read "$TMP/getppid.data" > "$TMP/arcs.more"
grep -q '^# note *: more calls by arcs than calls' "$TMP/arcs.more" &&
	grep -q '^ *0 *0.00%  \[other\]' "$TMP/arcs.more" &&
	pass "arcs/more-direct-than-calls ([other] 0, a note)" ||
	failed "arcs/more-direct-than-calls" "$(head -c 400 "$TMP/arcs.more")"
for v in "--callers __task_pid_nr_ns" "--callees do_syscall_64" \
	"--callers read_zero" "--callees __task_pid_nr_ns"; do
	"$REPORT" --format dot $v "$TMP/reads.data" > "$TMP/arcs.dot" &&
		dot -Tsvg "$TMP/arcs.dot" > "$TMP/arcs.svg" 2> "$TMP/dot.err"
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$TMP/dot.err" ] && [ -s "$TMP/arcs.svg" ]; then
		pass "arcs/dot ($v: dot -Tsvg exit 0, nothing on stderr)"
	else
		failed "arcs/dot" "$v: exit status $rc: $(head -c 300 "$TMP/dot.err")"
	fi
done
"$REPORT" --format dot --callers read_zero "$TMP/reads.data" |
	grep -q '^  f0_0 -> f0 \[label="306 (tail call)", style=dashed\];$' &&
	pass "arcs/dot-tail-call (a dashed edge)" ||
	failed "arcs/dot-tail-call" "no dashed edge labelled 306 (tail call)"
"$REPORT" --stdio --callers ksys_read "$TMP/old.data" > "$TMP/out" 2> "$TMP/err"
rc=$?
m=$(head -n 1 "$TMP/err")
case $rc:$(wc -c < "$TMP/out"):$m in
"1:0:kdbt-report: $TMP/old.data: no call targets"*) pass "arcs/old-file ($m)" ;;
*) failed "arcs/old-file" "exit status $rc, output $(wc -c < "$TMP/out") bytes: $m" ;;
esac
for u in "--format json" "--callees ksys_read" "--blocks" "-n 5" "--annotate read_zero" "--arcs"; do
	"$REPORT" --callers ksys_read $u "$TMP/reads.data" > /dev/null 2>&1
	rc=$?
	[ $rc = 2 ] && pass "arcs/usage ($u: exit 2)" ||
		failed "arcs/usage" "--callers ksys_read $u: exit status $rc, want 2"
done
for u in "" "--format table" "--format dot" "--format folded --module kernel" "--format folded -n 5"; do
	"$REPORT" --arcs $u "$TMP/reads.data" > /dev/null 2>&1
	rc=$?
	[ $rc = 2 ] && pass "arcs/usage (--arcs $u: exit 2)" ||
		failed "arcs/usage" "--arcs $u: exit status $rc, want 2"
done
"$REPORT" --format dot "$TMP/reads.data" > /dev/null 2>&1
rc=$?
[ $rc = 2 ] && pass "arcs/usage (--format dot alone: exit 2)" ||
	failed "arcs/usage" "--format dot without --callers: exit status $rc, want 2"

# Hostile names (kdbt_data_fuzz make 4: EVIL_*): no view writes a
# control byte (but its newlines), a C1 control or a byte that is not
# UTF-8; the text views show the names as \xNN; JSON carries them
# exactly, as JSON escapes (a byte that is not UTF-8 as U+FFFD).
# clean_text NAME FILE: FILE is UTF-8 without a control character.
clean_text() {
	if tr -d '\n' < "$2" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		failed "$1" "a control byte in the output: $(LC_ALL=C grep -n '[[:cntrl:]]' "$2" | head -n 2 | od -c | head -n 3)"
	elif LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$2"; then
		failed "$1" "a C1 control in the output"
	elif ! iconv -f UTF-8 -t UTF-8 "$2" > /dev/null 2>&1; then
		failed "$1" "the output is not UTF-8"
	else
		return 0
	fi
}
# hostile NAME WANT ARGS...: kdbt-report ARGS exits 0, its output is
# clean_text and holds WANT (if not empty); kept as $TMP/evil.NAME.
hostile() {
	_n=$1 _w=$2
	shift 2
	"$REPORT" "$@" > "$TMP/evil.$_n" 2>&1
	_rc=$?
	if [ $_rc != 0 ]; then
		failed "hostile-names/$_n" "exit status $_rc: $(head -c 300 "$TMP/evil.$_n")"
	elif clean_text "hostile-names/$_n" "$TMP/evil.$_n"; then
		if [ -n "$_w" ] && ! grep -qF -- "$_w" "$TMP/evil.$_n"; then
			failed "hostile-names/$_n" "no '$_w' in: $(head -c 300 "$TMP/evil.$_n")"
		else
			pass "hostile-names/$_n${_w:+ ($_w)}"
		fi
	fi
}
"$FUZZ" make "$TMP/evil.data" 4 ||
	{ echo "FAIL record/hostile-names: cannot make the recording"; exit 1; }
e=$TMP/evil.data
evil='__do_sys_\x1b[2J\x0aevil'
hostile table "$evil" --stdio -n 0 -i "$e"
hostile header 'lo\x1b]0;pwned\x07op\xff' --stdio --header -i "$e"
hostile interval 'host\x0d\x1b[31m\xc2\x9b1m' --stdio --interval -i "$e"
hostile blocks "$evil+0x0" --stdio --blocks -n 0 -i "$e"
hostile csv "$evil" --format csv -n 0 -i "$e"
hostile folded "$evil" --format folded -i "$e"
hostile prometheus '__do_sys_\\x1b[2J\\x0aevil' --format prometheus -n 0 -i "$e"
hostile json '' --format json -n 0 -i "$e"
hostile diff "$evil" --stdio -n 0 --diff "$TMP/getppid.data" "$e"
hostile diff-csv "$evil" --format csv -n 0 --diff "$TMP/getppid.data" "$e"
hostile diff-json '' --format json -n 0 --diff "$TMP/getppid.data" "$e"
hostile callers "$evil" --stdio --callers __task_pid_nr_ns -i "$e"
hostile callers-folded "$evil" --format folded --callers __task_pid_nr_ns -i "$e"
hostile arcs-folded "$evil" --arcs --format folded -i "$e"
hostile callers-dot '__do_sys_\\x1b[2J\\x0aevil' --format dot \
	--callers __task_pid_nr_ns -i "$e"
if dot -Tsvg "$TMP/evil.callers-dot" > /dev/null 2> "$TMP/dot.err" &&
	[ ! -s "$TMP/dot.err" ]; then
	pass "hostile-names/callers-dot-renders"
else
	failed "hostile-names/callers-dot-renders" "$(head -c 300 "$TMP/dot.err")"
fi
if command -v python3 > /dev/null 2>&1; then
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
f = {r["symbol"]: r["module"] for r in d["functions"]}
sys.exit(not (f.get("__do_sys_\x1b[2J\nevil") == "kernel" and
	      f.get("lo_rw_aio") == "lo\x1b]0;pwned\x07op\ufffd" and
	      d["recording"]["hostname"] == "host\r\x1b[31m\x9b1m"))' \
		"$TMP/evil.json"
else
	jq -e '([.functions[] | select(.symbol == "__do_sys_\u001b[2J\nevil")] | length == 1) and
	       (.recording.hostname == "host\r\u001b[31m\u009b1m")' "$TMP/evil.json" > /dev/null
fi && pass "hostile-names/json-exact" ||
	failed "hostile-names/json-exact" "the JSON does not carry the names exactly"
[ $checks_failed = 0 ] || status=1

"$FUZZ" fuzz "$TMP/reads.data" "$SAN" 2000 || status=1
exit $status
