# abi-read-while-switching.sh - the /proc/kdbt files read well while
# translation is switched on and off, reset, and its cache flushed.
# For 15 s, and on until each file has been read whole once (at most 90
# s: on a loaded host a cycle can take seconds), the test cycles on,
# getppid calls, reset, 0.2 s, reset, off (every other cycle also
# changes the mode, so the next on flushes the cache) while six loops
# read stats, blocks, functions, snapshot, changes and native over and
# over.  Every read either succeeds or fails with EAGAIN ("Resource
# temporarily unavailable", a reset or flush during the read); what was
# read is well formed: stats "name value" lines after "version 1"; blocks
# and functions their two "#" lines, then lines of 9 (8) fields with a
# 16-digit address, a "[module]" and decimal counters (the last line of a
# failed read may be cut and is not checked); native its two "#" lines,
# then lines of 4 fields (samples, symbol, [module], callers); a whole
# snapshot (or read of changes) starts with "KDBTSNAP" and is
# header_size + nblocks * block_size bytes.  Each file must read whole at
# least once.  Prints the reads made.  The host scans the console for
# oopses.
# vm-smp: 2
# vm-timeout: 150
. /tests/lib.sh

SECS=15 MAXSECS=90
# The "#" line of each file (proc/kdbt_abi.h).
BLOCKS_COLUMNS="address symbol module instructions executions indirect"
BLOCKS_COLUMNS="$BLOCKS_COLUMNS misses insns kind target derived edge edge_of"
FUNCTIONS_COLUMNS="function module instructions executions indirect"
FUNCTIONS_COLUMNS="$FUNCTIONS_COLUMNS misses blocks calls"
stop=/tmp/arws.stop
bad=/tmp/arws.failed
cleanup() {
	touch "$stop"
	wait
	kdbt_leave
}
trap cleanup EXIT

cat > /tmp/check-stats.awk <<'AWK'
NR == 1 && $0 != "version 1" { print "first line: " $0; exit 1 }
NR > 1 && !/^[a-z_]+ [^ ]+$/ { print "line " NR ": " $0; exit 1 }
AWK
cat > /tmp/check-table.awk <<'AWK'
# -v nf=FIELDS -v first=FIRST_COUNTER -v last=LAST_COUNTER -v cols=HEADER
NR == 1 && $0 != "# version 1" { print "first line: " $0; exit 1 }
NR == 2 && $0 != "# " cols { print "second line: " $0; exit 1 }
NR <= 2 { next }
NF != nf { print "line " NR " has " NF " fields: " $0; exit 1 }
nf == 13 && $1 !~ /^[0-9a-f]+$/ { print "line " NR ": address: " $0; exit 1 }
nf == 13 && length($1) != 16 { print "line " NR ": address: " $0; exit 1 }
$(nf == 13 ? 3 : 2) !~ /^\[[^]]+\]$/ { print "line " NR ": module: " $0; exit 1 }
{
	for (i = first; i <= last; i++)
		if ($i !~ /^[0-9]+$/) {
			print "line " NR ": field " i ": " $0
			exit 1
		}
}
nf == 13 && $9 !~ /^(fall|jmp|jcc|call|ijmp|icall|ret|native|thunk)$/ {
	print "line " NR ": kind: " $0; exit 1
}
nf == 13 && ($10 !~ /^[0-9a-f]+$/ || length($10) != 16) {
	print "line " NR ": target: " $0; exit 1
}
nf == 13 && $9 != "call" && $9 != "jmp" && $10 != "0000000000000000" {
	print "line " NR ": a target of a " $9 " block: " $0; exit 1
}
nf == 13 && ($11 !~ /^[01]$/ || $12 !~ /^(-|fall|taken|jmp|indirect)$/) {
	print "line " NR ": derived, edge: " $0; exit 1
}
nf == 13 && ($13 !~ /^[0-9a-f]+$/ || length($13) != 16) {
	print "line " NR ": edge_of: " $0; exit 1
}
nf == 13 && ($12 == "-") != ($13 == "0000000000000000") {
	print "line " NR ": edge " $12 " of " $13 ": " $0; exit 1
}
AWK

# check NAME OUT: validate OUT, a whole (or, with $cut, cut) read of NAME.
check() {
	case $1 in
	stats) awk -f /tmp/check-stats.awk "$2" ;;
	blocks) awk -v nf=13 -v first=4 -v last=8 -v cols="$BLOCKS_COLUMNS" \
		-f /tmp/check-table.awk "$2" ;;
	functions) awk -v nf=8 -v first=3 -v last=8 \
		-v cols="$FUNCTIONS_COLUMNS" -f /tmp/check-table.awk "$2" ;;
	native) awk 'NR == 1 && $0 != "# version 1" { print "first line: " $0; exit 1 }
		NR == 2 && $0 != "# samples symbol module callers" { print "second line: " $0; exit 1 }
		NR > 2 && (NF != 4 || $1 !~ /^[1-9][0-9]*$/ || $3 !~ /^\[[^]]+\]$/) {
			print "line " NR ": " $0; exit 1 }' "$2" ;;
	snapshot|changes)
		[ "$(head -c 8 "$2")" = KDBTSNAP ] || { echo "bad magic"; return 1; }
		set -- $(od -An -tu4 -j12 -N12 "$2") "$(wc -c < "$2")"
		[ $4 = $(($1 + $3 * $2)) ] ||
			{ echo "$4 bytes, header $1 + $3 blocks of $2"; return 1; }
		;;
	esac
}

# reader NAME: read /proc/kdbt/NAME until the stop file appears; count
# whole reads and EAGAIN failures in /tmp/arws.NAME.count.
reader() {
	_ok=0 _again=0 _out=/tmp/arws.$1 _err=/tmp/arws.$1.err
	while [ ! -e "$stop" ]; do
		if [ "$1" = snapshot ] || [ "$1" = changes ]; then
			dd if=/proc/kdbt/snapshot of=$_out bs=4096 2>$_err
		else
			cat /proc/kdbt/$1 > $_out 2>$_err
		fi
		if [ $? = 0 ]; then
			_ok=$((_ok + 1))
			: > /tmp/arws.$1.whole
		else
			grep -q 'Resource temporarily unavailable' $_err || {
				echo "$1: read failed: $(cat $_err)" >> $bad
				break
			}
			_again=$((_again + 1))
			[ $1 = snapshot ] || [ $1 = changes ] && continue
			sed '$d' $_out > $_out.cut
			mv $_out.cut $_out
		fi
		check $1 $_out > $_out.why || {
			echo "$1: $(cat $_out.why)" >> $bad
			cp $_out /tmp/arws.$1.bad
			break
		}
	done
	echo "$_ok $_again" > /tmp/arws.$1.count
}

# all_read_whole: every reader has read its file whole at least once.
all_read_whole() {
	for _f in stats blocks functions snapshot changes native; do
		[ -e /tmp/arws.$_f.whole ] || return 1
	done
}

insmod "$KDBT_KO" || fail "insmod failed"
rm -f "$stop" "$bad" /tmp/arws.*.whole
for f in stats blocks functions snapshot changes native; do
	reader $f &
done
tick t0
cycles=0 mode=transparent
while :; do
	tick t
	[ $((t - t0)) -lt $((MAXSECS * 100)) ] || break
	[ $((t - t0)) -lt $((SECS * 100)) ] || [ $cycles -lt 2 ] ||
		! all_read_whole || break
	[ -e "$bad" ] && break
	cycles=$((cycles + 1))
	if [ $((cycles % 2)) = 0 ]; then
		[ $mode = fast ] && mode=transparent || mode=fast
		kdbt_control "mode $mode" || fail "cycle $cycles: mode $mode: $ctl_err"
	fi
	kdbt_control on || fail "cycle $cycles: on: $ctl_err"
	getppid 2000 > /dev/null
	kdbt_control reset || fail "cycle $cycles: reset: $ctl_err"
	usleep 200000
	kdbt_control reset || fail "cycle $cycles: reset: $ctl_err"
	kdbt_control off || fail "cycle $cycles: off: $ctl_err"
done
touch "$stop"
wait
[ -e "$bad" ] && fail "$(head -n 3 $bad)"
for f in stats blocks functions snapshot changes native; do
	read -r ok again < /tmp/arws.$f.count
	echo "figure: $f: $ok whole reads, $again EAGAIN in $cycles cycles"
	[ "$ok" -gt 0 ] || fail "$f never read whole"
done
kdbt_num fl flushes
kdbt_num rs resets
echo "figure: $fl flushes, $rs resets"
rmmod kdbt || fail "rmmod failed"
