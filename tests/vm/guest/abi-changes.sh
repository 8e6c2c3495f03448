# abi-changes.sh - /proc/kdbt/changes (man kdbt(4)): one open file, read
# by kdbt-snapshot --changes at points the test chooses, adds up to what
# /proc/kdbt/snapshot says, block for block; so does a second open file
# read beside it, the first asking for short records (as kdbt-top does),
# the second not (--whole): both send the same blocks, the first in
# short form where it can, the second never.  With translation off
# between reads (counts frozen): the first read is complete; a read with
# nothing run since sends no records; after getppid calls while on, a
# read sends the blocks that ran (some, not all); after a reset, the
# blocks that had counts; after a mode change and on (the cache flushed),
# a complete read again.  At the end the blocks that the reads add up to
# equal a read of snapshot (kdbt-snapshot --blocks), and every read's
# header totals (the kernel adds the changed blocks' differences to the
# totals it sent before) equal those of a read of snapshot taken beside it.
# A write of anything but "short" or "full" to the file is refused
# with one line in the kernel log.  Prints the reads.
# vm-timeout: 90
. /tests/lib.sh

cleanup() {
	exec 3>&- 4>&- 2>/dev/null
	kdbt_leave
}
trap cleanup EXIT

# read_now K: ask both readers for read K; wait until both reported it.
read_now() {
	echo >&3
	echo >&4
	for _f in /tmp/reads /tmp/wreads; do
		_w=0
		while [ "$(grep -c '^read ' $_f)" -lt "$1" ]; do
			grep -q 'kdbt-snapshot:' $_f && fail "$(cat $_f)"
			[ $_w -lt 200 ] || fail "read $1 did not come: $(cat $_f)"
			usleep 50000
			_w=$((_w + 1))
		done
		sed -n "${1}p" $_f
	done
}

# shorts_of K FILE: how many of read K's records were short.
shorts_of() {
	sed -n "${1}s/.*(short \([0-9]*\))\$/\1/p" "$2"
}

# expect_read K RECORDS-TEST KIND: read K of both readers sent RECORDS
# (an awk test on $3, the record count) and was KIND (complete,
# changes), the --whole reader's without a short record.
expect_read() {
	for _f in /tmp/reads /tmp/wreads; do
		sed -n "${1}p" $_f | awk -v kind="$3" "
			\$5 != kind || !($2) { exit 1 }" ||
			fail "read $1: $(sed -n "${1}p" $_f), want records $2, $3"
	done
	[ "$(shorts_of "$1" /tmp/wreads)" = 0 ] ||
		fail "the --whole reader's read $1: $(sed -n "${1}p" /tmp/wreads)"
}

# same_totals K: read K's header totals (instructions, executions,
# indirect calls and jumps, returns, misses) are those of snapshot now.
same_totals() {
	_want=$(kdbt-snapshot -f /tmp/snap.now | awk '
		$1 == "instructions" { i = $2 } $1 == "block_executions" { e = $2 }
		$1 == "indirect_calls" { c = $2 } $1 == "indirect_jumps" { j = $2 }
		$1 == "returns" { r = $2 } $1 == "jumptable_misses" { m = $2 }
		END { print "(totals " i, e, c, j, r, m ")" }')
	for _f in /tmp/reads /tmp/wreads; do
		_got=$(sed -n "${1}s/.*\((totals [^)]*)\).*/\1/p" $_f)
		[ "$_got" = "$_want" ] ||
			fail "read $1's totals ($_f): $_got, snapshot's: $_want"
	done
}

# snap_blocks VAR: the number of blocks a read of snapshot lists now
# (its header_size and block_size, then its length: kdbt_abi.h).
snap_blocks() {
	dd if=/proc/kdbt/snapshot of=/tmp/snap.now bs=4M 2>/dev/null ||
		fail "reading snapshot"
	set -- "$1" $(od -An -tu4 -j12 -N8 /tmp/snap.now) "$(wc -c < /tmp/snap.now)"
	eval "$1=$((($4 - $2) / $3))"
}

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
getppid 2000 > /dev/null
kdbt_control off || fail "off: $ctl_err"
sleep 1		# CPUs leave the cache at their next branch

rm -f /tmp/ch /tmp/cw /tmp/reads /tmp/wreads
mkfifo /tmp/ch /tmp/cw
kdbt-snapshot --changes --blocks < /tmp/ch > /tmp/applied 2> /tmp/reads &
pid=$!
kdbt-snapshot --changes --whole --blocks < /tmp/cw > /tmp/wapplied \
	2> /tmp/wreads &
wpid=$!
exec 3> /tmp/ch 4> /tmp/cw
snap_blocks nb

read_now 1
expect_read 1 "\$3 == $nb" complete
read_now 2
expect_read 2 '$3 == 0' changes
same_totals 2

kdbt_control on || fail "on: $ctl_err"
getppid 5000 > /dev/null
kdbt_control off || fail "off: $ctl_err"
sleep 1
snap_blocks nb
read_now 3
expect_read 3 "\$3 > 0 && \$3 < $nb" changes
same_totals 3
# the blocks that ran were read before: short, but for new ones
[ "$(shorts_of 3 /tmp/reads)" -gt 0 ] ||
	fail "read 3 sent no short record: $(sed -n 3p /tmp/reads)"

kdbt_control reset || fail "reset: $ctl_err"
read_now 4
expect_read 4 '$3 > 0' changes
snap_blocks nb
same_totals 4
read_now 5
expect_read 5 '$3 == 0' changes

kdbt_control "mode fast" || fail "mode fast: $ctl_err"
kdbt_control on || fail "on: $ctl_err"
getppid 3000 > /dev/null
kdbt_control off || fail "off: $ctl_err"
sleep 1
snap_blocks nb
read_now 6
expect_read 6 "\$3 == $nb" complete
same_totals 6
kdbt_control on || fail "on: $ctl_err"
getppid 3000 > /dev/null
kdbt_control off || fail "off: $ctl_err"
sleep 1
read_now 7
expect_read 7 '$3 > 0' changes
snap_blocks nb
same_totals 7

exec 3>&- 4>&-
wait $pid || fail "kdbt-snapshot --changes failed: $(cat /tmp/reads)"
wait $wpid ||
	fail "kdbt-snapshot --changes --whole failed: $(cat /tmp/wreads)"
cat /tmp/reads /tmp/wreads
dd if=/proc/kdbt/snapshot of=/tmp/snap bs=4M 2>/dev/null ||
	fail "reading snapshot"
kdbt-snapshot --blocks -f /tmp/snap > /tmp/whole ||
	fail "kdbt-snapshot --blocks"
[ "$(wc -l < /tmp/whole)" -gt 100 ] || fail "too few blocks: $(wc -l < /tmp/whole)"
for _f in /tmp/applied /tmp/wapplied; do
	if ! cmp -s $_f /tmp/whole; then
		diff /tmp/whole $_f | head -n 6
		fail "the reads of changes ($_f) do not add up to the snapshot"
	fi
done
echo "the reads add up to the snapshot: $(($(wc -l < /tmp/whole) - 2)) blocks"

# A bad form: -EINVAL and one line in the kernel log.
mark=$(dmesg_mark)
exec 5<> /proc/kdbt/changes
if echo bogus >&5 2>/dev/null; then
	fail "the write of \"bogus\" to changes was taken"
fi
exec 5>&-
[ "$(dmesg_since "$mark" | grep -c 'changes: unknown form "bogus')" = 1 ] ||
	fail "no single log line for the bad form: $(dmesg | tail -n 3)"
echo 'a bad form: refused, one line'
