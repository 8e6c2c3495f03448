#!/bin/sh
# record-report.sh - record in the guest, report on the host.
#
# Boots a guest running guest-record.sh (kdbt-record of `getppid 1000000`
# and of a dd of 100000 one-byte reads and writes, and kdbt-record's
# behaviour), brings the two recordings back over the console
# (tests/vm/fetch.sh), and checks with the host's kdbt-report:
#   - totals: instructions, block executions, indirect branches, jumptable
#     hits and misses equal the deltas of /proc/kdbt/stats the guest read
#     around each recording (translation was off at both ends);
#   - getppid: the top function by instructions is __task_pid_nr_ns, the
#     work getppid() does (task_tgid_vnr()); the handler __do_sys_getppid
#     is in the top 10 with exactly 1000000 calls and a whole number of
#     instructions per call;
#   - table, JSON and CSV carry the same numbers (calls too); folded,
#     blocks and the time series sum to the total; the blocks' calls add
#     up to their functions', and -s calls orders by calls;
#   - the diff getppid -> dd: __do_sys_getppid down, vfs_read up;
#   - dd.data keeps the code of its functions, and --annotate vfs_read
#     lists every instruction objdump finds in vfs_read's recorded bytes,
#     the first with at least 100000 executions, the counts adding up to
#     vfs_read's instructions in the table, and each executed jcc taken
#     and fell through as often as it ran (the recording's edges);
#   - kdbt-report --callers vfs_read: ksys_read with at least 100000
#     calls, the rows and [other] adding up to vfs_read's calls; --callees
#     ksys_read: vfs_read with the same count; --format dot renders;
#     folded, vfs_read's callers add up to its calls too; --arcs has
#     the ksys_read -> vfs_read arc and tail calls, and the busiest tail
#     call is in its callee's --callers and its caller's --callees with
#     the same count, the callee's rows and [other] adding up to its calls;
#     __x64_sys_read tail-calls ksys_read at least once per read;
#   - kdbt's module build id is the one of the kdbt.ko the guest loaded
#     and of its /sys/module/kdbt/notes;
#   - bad input (damaged copies) gets a message naming the file;
#   - the reader is fuzzed on the real recording (kdbt_data_fuzz with the
#     AddressSanitizer/UBSan build of kdbt-report).
# The recordings stay in build/record-test/ for a look by hand.
# Output: PASS/FAIL lines.  Exit status 1 if any failed.
# Must never: load anything into the host kernel (the guest harness boots
# QEMU).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/record-test
REPORT=$top/build/kdbt-report
for f in "$REPORT" "$top/build/guest/kdbt-record" "$top/build/guest/kdbt-report" \
	 "$top/build/guest/sendfile" "$top/build/unit/kdbt_data_fuzz" \
	 "$top/build/unit/kdbt-report-san"; do
	[ -x "$f" ] || { echo "FAIL record/guest: $f missing (make user)"; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$top/tests/record/report-checks.sh"

rm -f "$out/getppid.data" "$out/dd.data"
sh "$top/tests/vm/fetch.sh" "$out" "$top/tests/record/guest-record.sh"
status=$?
for r in getppid dd; do
	[ -s "$out/$r.data" ] ||
		{ echo "FAIL record/guest: no $r.data came back from the guest"; exit 1; }
done

# Totals against the guest's /proc/kdbt/stats.
grep -h '^STATS ' "$out"/logs/*.log > "$TMP/stats"
for r in getppid dd; do
	bad=
	n=0
	while read -r _ file key before after; do
		[ "$file" = "$r.data" ] || continue
		got=$(total "$out/$file" "$key")
		want=$((after - before))
		[ "$got" = "$want" ] || bad="$bad $key: report $got, stats $want;"
		n=$((n + 1))
	done < "$TMP/stats"
	if [ $n != 5 ]; then
		failed "$r/totals" "$n STATS lines in the console log, want 5"
	elif [ -n "$bad" ]; then
		failed "$r/totals" "$bad"
	else
		pass "$r/totals (= /proc/kdbt/stats deltas: $(total "$out/$r.data" instructions) instructions)"
	fi
done

# kdbt's build id in the recording: 40 hex digits, the GNU build id note
# of the kdbt.ko the guest loaded (readelf here) and the guest's
# /sys/module/kdbt/notes/.note.gnu.build-id byte for byte.
ko=${KDBT_KO:-$top/kmod/kdbt.ko}
want=$(readelf -n "$ko" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p' | head -n 1)
notes=$(grep -h '^MODNOTES kdbt ' "$out"/logs/*.log | head -n 1 | tr -d '\r' |
	cut -d' ' -f3)
got=$("$REPORT" --stdio --header -i "$out/getppid.data" |
	awk '$1 == "#" && $4 == "kdbt" { print $5 }')
if echo "$got" | grep -Eq '^[0-9a-f]{40}$' && [ "$got" = "$want" ] &&
	[ "$notes" = "040000001400000003000000474e5500$got" ]; then
	pass "module-build-id (kdbt $got: kdbt.ko's, the guest's /sys/module/kdbt/notes)"
else
	failed module-build-id "recorded '$got', kdbt.ko '$want', guest notes '$notes'"
fi

# The getppid loop's functions.
g=$out/getppid.data
"$REPORT" --format csv -n 10 -i "$g" > "$TMP/top10"
first=$(sed -n '2s/,.*//p' "$TMP/top10")
h=$(awk -F, '$1 == "__do_sys_getppid" { print $4, $11 }' "$TMP/top10")
calls=${h#* } insns=${h% *}
if [ "$first" != __task_pid_nr_ns ]; then
	failed getppid/top "top function '$first', want __task_pid_nr_ns"
elif [ -z "$h" ] || [ "$calls" != 1000000 ] || [ $((insns % 1000000)) != 0 ]; then
	failed getppid/top "__do_sys_getppid in the top 10: '$h' (instructions calls), want 1000000 calls"
else
	pass "getppid/top (__task_pid_nr_ns first; __do_sys_getppid: 1000000 calls, $((insns / 1000000)) instructions each)"
fi

for r in getppid dd; do
	check_formats "$r" "$out/$r.data"
	check_folded "$r" "$out/$r.data"
	check_blocks "$r" "$out/$r.data"
	check_calls "$r" "$out/$r.data"
	check_interval "$r" "$out/$r.data"
done
check_diff getppid-dd "$out/getppid.data" "$out/dd.data" __do_sys_getppid vfs_read

# The code the dd recording keeps (CODE, kdbt-data(5)) and kdbt-report
# --annotate vfs_read: every instruction objdump finds in vfs_read's
# recorded bytes is a line, at the same address; the first (vfs_read's
# entry) ran at least once per read; the counts add up to vfs_read's
# instructions in the table.
d=$out/dd.data
"$REPORT" --stdio --header -i "$d" > "$TMP/hdr"
coff=$(sed -n 's/^#   section code *v1 at *\([0-9]*\), *\([0-9]*\) bytes$/\1 \2/p' "$TMP/hdr")
ncode=$(sed -n 's/^# code *: \([0-9]*\) functions.*/\1/p' "$TMP/hdr")
nsyms=$(sed -n 's/^# symbols *: \([0-9]*\)$/\1/p' "$TMP/hdr")
size=$(wc -c < "$d")
if [ -z "$coff" ] || [ "${ncode:-0}" = 0 ]; then
	failed dd/code "no code section in dd.data (kdbt-record's warnings: $(grep -h 'warning' "$out"/logs/*.log | head -n 2))"
else
	pass "dd/code ($ncode of $nsyms functions, ${coff#* } bytes of code: dd.data is $size bytes, $((size - ${coff#* })) without it)"
fi
# code_bytes START OUT: the bytes dd.data keeps of the function at START
# (16 hex digits) into OUT; the CODE table's entries are one line each
# of `od -tx8`: start, then offset (high half) and size (low half).
code_bytes() {
	_o=${coff% *}
	set -- "$1" "$2" $(od -An -tu4 -j "$_o" -N 8 "$d")
	_e=$(od -An -v -tx8 -j $((_o + 16)) -N $(($3 * $4)) "$d" |
		awk -v s="$1" '$1 == s { print substr($2, 1, 8), substr($2, 9) }')
	[ -n "$_e" ] || return 1
	tail -c +$((_o + 17 + $3 * $4 + 0x${_e% *})) "$d" |
		head -c $((0x${_e#* })) > "$2"
}
a=$TMP/annotate
"$REPORT" --stdio --annotate vfs_read "$d" > "$a" 2> "$TMP/annotate.err"
rc=$?
start=$(sed -n '1s/.* at 0x\([0-9a-f]*\), .*/\1/p' "$a")
awk '!/^#/ { print $3 }' "$a" > "$TMP/ann.addrs"
if [ $rc != 0 ] || [ -z "$start" ] || ! code_bytes "$start" "$TMP/vfs_read.bin"; then
	failed dd/annotate-listing "exit status $rc, start '$start': $(head -n 2 "$TMP/annotate.err" "$a")"
else
	objdump -D -b binary -m i386:x86-64 --insn-width=16 \
		--adjust-vma=0x$start "$TMP/vfs_read.bin" |
		awk -F'\t' 'NF >= 3 { a = $1; sub(/^ */, "", a); sub(/:$/, "", a)
			printf "%016s\n", a }' | tr ' ' 0 > "$TMP/objdump.addrs"
	n=$(wc -l < "$TMP/ann.addrs")
	if cmp -s "$TMP/ann.addrs" "$TMP/objdump.addrs"; then
		pass "dd/annotate-listing (vfs_read: $n instructions at the addresses objdump gives for its $(wc -c < "$TMP/vfs_read.bin") recorded bytes)"
	else
		failed dd/annotate-listing "$n lines, objdump finds $(wc -l < "$TMP/objdump.addrs") instructions: $(diff "$TMP/ann.addrs" "$TMP/objdump.addrs" | head -n 4 | tr '\n' ' ')"
	fi
fi
first=$(awk '!/^#/ { print $1; exit }' "$a")
entries=$(sed -n 's/^# entries *: \([0-9]*\) .*/\1/p' "$a")
if [ "${first:-0}" -ge 100000 ] && [ "$first" = "$entries" ]; then
	pass "dd/annotate-entries (vfs_read's first instruction: $first executions, >= 100000 reads)"
else
	failed dd/annotate-entries "first instruction's count '$first', entries '$entries', want >= 100000 and equal"
fi
sum=$(awk '!/^#/ { s += $1 } END { print s + 0 }' "$a")
row=$("$REPORT" --format csv -n 0 -i "$d" |
	awk -F, '$1 == "vfs_read" && $2 == "kernel" { print $4 }')
hdr=$(sed -n 's/^# instructions *: \([0-9]*\) .*/\1/p' "$a")
if [ -n "$row" ] && [ "$sum" = "$row" ] && [ "$hdr" = "$row" ]; then
	pass "dd/annotate-sum (vfs_read's counts add up to its $row instructions in the table)"
else
	failed dd/annotate-sum "counts add up to $sum, header $hdr, the table's row $row"
fi

# The edges of vfs_read's jccs (KDBT_REC_EDGES): every executed jcc line
# says "taken N, fell through M" with N + M its count (or "taken N+?,
# fell through M+? (K ...)" with N + M + K its count where K of its
# executions were in blocks not derived: none on this workload, where
# taken copies are derived too), and some jcc went both ways; a jcc
# that never ran and no other line says anything of edges.
e=$(awk '!/^#/ {
	j = $5 ~ /^j/ && $5 != "jmp"
	if (!j || $1 == 0) { if (/  taken /) bad = bad " line " NR; next }
	if (/  taken ([0-9]+\+)?\?, fell through ([0-9]+\+)?\? \(/) {
		t = $0; sub(/.*  taken /, "", t); gsub(/[+?]/, "", t)
		split(t, w, ", fell through "); k = w[2]
		sub(/ \(/, " ", k); split(k, v, " ")
		if (w[1] + v[1] + v[2] != $1) bad = bad " line " NR
		unk++; next
	}
	if (!/  taken [0-9]+, fell through [0-9]+$/) { bad = bad " line " NR; next }
	t = $0; sub(/.*  taken /, "", t); split(t, w, ", fell through ")
	if (w[1] + w[2] != $1) { bad = bad " line " NR; next }
	ok++
	if (w[1] > 0 && w[2] > 0) both++
}
END { printf "%d %d %d%s\n", ok, both, unk, bad ? " bad" bad : "" }' "$a")
set -- $e
if grep -q '^# edges        : each executed jcc' "$a" && [ $# = 3 ] &&
   [ "$1" -gt 0 ] && [ "$2" -gt 0 ] && [ "$3" = 0 ]; then
	pass "dd/annotate-edges (vfs_read: $1 jccs with taken + fell through = count, $2 of them both ways, $3 not derived)"
else
	failed dd/annotate-edges "exact, both ways, not derived: $e; $(grep '^# edges' "$a")"
fi

# Call arcs (kdbt-report --callers/--callees): ksys_read calls vfs_read
# at least once per read, exactly as often in both views; the callers'
# rows and [other] add up to vfs_read's calls in the function table.
c=$TMP/callers
"$REPORT" --stdio --callers vfs_read "$d" > "$c" 2> "$TMP/callers.err"
rc=$?
ks=$(awk '!/^#/ && $3 == "ksys_read" && $4 == "[kernel]" { print $1 }' "$c")
rows=$(awk '!/^#/ { s += $1 } END { print s + 0 }' "$c")
calls=$("$REPORT" --format csv -n 0 -i "$d" |
	awk -F, '$1 == "vfs_read" && $2 == "kernel" { print $11 }')
"$REPORT" --stdio --callees ksys_read "$d" > "$TMP/callees" 2>&1
ke=$(awk '!/^#/ && $3 == "vfs_read" && $4 == "[kernel]" { print $1 }' \
	"$TMP/callees")
if [ $rc != 0 ] || [ "${ks:-0}" -lt 100000 ]; then
	failed dd/callers "exit status $rc, ksys_read's calls '$ks', want >= 100000: $(head -c 300 "$TMP/callers.err" "$c")"
elif [ "$rows" != "$calls" ]; then
	failed dd/callers "rows and [other] add up to $rows, vfs_read's calls in the table $calls"
else
	pass "dd/callers (vfs_read: ksys_read $ks of its $calls calls; rows and [other] add up to them)"
fi
if [ -n "$ke" ] && [ "$ke" = "$ks" ]; then
	pass "dd/callees (ksys_read -> vfs_read: $ke, as --callers says)"
else
	failed dd/callees "ksys_read -> vfs_read '$ke', --callers says '$ks': $(head -c 300 "$TMP/callees")"
fi
if ! command -v dot > /dev/null; then
	failed dd/callers-dot "no dot (graphviz: scripts/deps.sh installs it)"
else
	"$REPORT" --format dot --callers vfs_read "$d" > "$TMP/callers.dot" &&
		dot -Tsvg "$TMP/callers.dot" > "$TMP/callers.svg" 2> "$TMP/dot.err"
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$TMP/dot.err" ] && [ -s "$TMP/callers.svg" ]; then
		pass "dd/callers-dot (dot -Tsvg renders it, no warnings)"
	else
		failed dd/callers-dot "exit status $rc: $(head -c 300 "$TMP/dot.err")"
	fi
fi
# Folded arcs: vfs_read's callers' lines add up to its calls, the
# ksys_read one as in the table; --arcs is one "caller;callee count" line
# per arc, ksys_read;vfs_read among them, and tail calls (a jmp to
# another function's first byte).  The busiest tail call (between two
# symbols) is in its callee's --callers and its caller's --callees with
# the same count, and the callee's rows and [other] add up to its calls.
"$REPORT" --format folded --callers vfs_read "$d" > "$TMP/callers.folded"
fsum=$(awk '{ s += $NF } END { print s + 0 }' "$TMP/callers.folded")
fks=$(sed -n 's/^ksys_read \[kernel\];vfs_read \[kernel\] \([0-9]*\)$/\1/p' \
	"$TMP/callers.folded")
if [ "$fsum" = "$calls" ] && [ -n "$fks" ] && [ "$fks" = "$ks" ]; then
	pass "dd/callers-folded (lines add up to vfs_read's $calls calls; ksys_read $fks)"
else
	failed dd/callers-folded "sum $fsum (calls $calls), ksys_read '$fks' (table '$ks')"
fi
"$REPORT" --arcs --format folded "$d" > "$TMP/arcs.folded"
rc=$?
n=$(wc -l < "$TMP/arcs.folded")
odd=$(grep -cv '^[^;]* \[[^];]*\];[^;]* \[[^];]*\]\( (tail call)\| (through a pointer)\)\? [1-9][0-9]*$' \
	"$TMP/arcs.folded")
nt=$(grep -c ' (tail call) [0-9]*$' "$TMP/arcs.folded")
aks=$(sed -n 's/^ksys_read \[kernel\];vfs_read \[kernel\] \([0-9]*\)$/\1/p' \
	"$TMP/arcs.folded")
if [ $rc = 0 ] && [ "$odd" = 0 ] && [ "$aks" = "$ks" ] && [ "$nt" -gt 0 ]; then
	pass "dd/arcs-folded ($n arcs, $nt of them tail calls; ksys_read;vfs_read $aks)"
else
	failed dd/arcs-folded "exit status $rc, $odd malformed of $n lines, $nt tail calls, ksys_read;vfs_read '$aks' (table '$ks'): $(head -n 3 "$TMP/arcs.folded")"
fi
# Calls through a pointer (value profiles, kdbt(4)): every read of
# /dev/zero calls read_zero through vfs_read's f_op->read, exactly once
# per read, from one call instruction: --callers read_zero has the row
# "vfs_read (through a pointer)" with the reads, and --annotate vfs_read
# ends that call's line with "targets: read_zero N, ..., other 0"
# (the most frequent first; kdbt-record's own reads of /proc follow).
rz=$("$REPORT" --stdio --callers read_zero "$d" 2>&1 |
	sed -n 's/^ *\([0-9]*\) .* vfs_read \[kernel\] (through a pointer)$/\1/p')
tl=$("$REPORT" --stdio --annotate vfs_read "$d" 2>&1 |
	grep -c 'targets: read_zero 1000[0-9][0-9],.* other 0$')
if [ -n "$rz" ] && [ "$rz" -ge 100000 ] && [ "$tl" = 1 ]; then
	pass "dd/callers-pointer (vfs_read calls read_zero through a pointer $rz times; its call's line in --annotate says so)"
else
	failed dd/callers-pointer "vfs_read -> read_zero '$rz', $tl annotate lines"
fi
t=$(grep -v '^0x' "$TMP/arcs.folded" | grep ' (tail call) [0-9]*$' | head -n 1)
tc=${t##* }
tfrom=${t%%;*} tto=${t#*;}
tto=${tto% (tail call) *}
tcaller=${tfrom% \[*} tcallee=${tto% \[*}
tcm=${tfrom##*\[} tcm=${tcm%]} tem=${tto##*\[} tem=${tem%]}
"$REPORT" --stdio --callers "$tcallee" --module "$tem" "$d" > "$TMP/tail.callers"
"$REPORT" --stdio --callees "$tcaller" --module "$tcm" "$d" > "$TMP/tail.callees"
tr=$(awk -v w="$tfrom (tail call)" '!/^#/ { c = $1; sub(/^ *[0-9]+ +[0-9.]+%  /, ""); if ($0 == w) print c }' \
	"$TMP/tail.callers")
te=$(awk -v w="$tto (tail call)" '!/^#/ { c = $1; sub(/^ *[0-9]+ +[0-9.]+%  /, ""); if ($0 == w) print c }' \
	"$TMP/tail.callees")
trows=$(awk '!/^#/ { s += $1 } END { print s + 0 }' "$TMP/tail.callers")
tcalls=$("$REPORT" --format csv -n 0 -i "$d" |
	awk -F, -v f="$tcallee" -v m="$tem" '$1 == f && $2 == m { print $11 }')
if [ -n "$tc" ] && [ "$tr" = "$tc" ] && [ "$te" = "$tc" ] &&
	{ [ "$trows" = "$tcalls" ] || grep -q '^# note' "$TMP/tail.callers"; }; then
	pass "dd/tail-call ($tfrom -> $tto: $tc, in --callers and --callees; rows and [other] add up to its $tcalls calls)"
else
	failed dd/tail-call "'$t': --callers says '$tr', --callees '$te'; rows $trows, calls $tcalls"
fi
# A known tail call on the read path: Debian 6.1's __x64_sys_read ends
# in `jmp ksys_read` (SYSCALL_DEFINE3(read) returns ksys_read(); this
# suite runs on 6.1 only), so ksys_read's callers have __x64_sys_read as
# a tail call at least once per read, as many as --arcs says.
"$REPORT" --stdio --callers ksys_read "$d" > "$TMP/ksys_read.callers"
sr=$(awk '!/^#/ && $3 == "__x64_sys_read" && $4 == "[kernel]" &&
	$5 == "(tail" { print $1 }' "$TMP/ksys_read.callers")
sa=$(sed -n 's/^__x64_sys_read \[kernel\];ksys_read \[kernel\] (tail call) \([0-9]*\)$/\1/p' \
	"$TMP/arcs.folded")
if [ "${sr:-0}" -ge 100000 ] && [ "$sr" = "$sa" ]; then
	pass "dd/tail-call-read (__x64_sys_read -> ksys_read: $sr tail calls, as --arcs says)"
else
	failed dd/tail-call-read "--callers ksys_read: '$sr' tail calls from __x64_sys_read, --arcs '$sa', want >= 100000: $(grep -v '^#' "$TMP/ksys_read.callers" | head -n 4 | tr '\n' '|')"
fi
if command -v dot > /dev/null; then
	"$REPORT" --format dot --callers "$tcallee" --module "$tem" "$d" > "$TMP/tail.dot" &&
		dot -Tsvg "$TMP/tail.dot" > "$TMP/tail.svg" 2> "$TMP/dot.err"
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$TMP/dot.err" ] && grep -q 'style=dashed' "$TMP/tail.dot"; then
		pass "dd/tail-call-dot ($tcallee's callers: a dashed edge, dot -Tsvg renders it, no warnings)"
	else
		failed dd/tail-call-dot "exit status $rc: $(head -c 300 "$TMP/dot.err")"
	fi
fi
check_bad_input real "$g"
check_pprof "$out/getppid.data" "$out/dd.data"
[ $checks_failed = 0 ] || status=1

ASAN_OPTIONS=exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:exitcode=99 \
	"$top/build/unit/kdbt_data_fuzz" fuzz "$g" \
	"$top/build/unit/kdbt-report-san" 300 __do_sys_getppid || status=1
exit $status
