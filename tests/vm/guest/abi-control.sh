# abi-control.sh - /proc/kdbt/control takes exactly its words, refuses
# everything else with EINVAL and one kernel log line, and every file is
# root-only.
#
# Access: stats, blocks, functions and snapshot are mode 400, control 200;
# an unprivileged user gets EACCES opening each (control for writing).
# Words: mode fast/transparent and counters on/off take effect while off
# and fail with EBUSY while on (nothing changes); on, off and reset work
# (reset while off zeroes the counts); with counters off nothing is
# counted (and stats stay consistent: jumptable hits + misses equal the
# indirect branches), with counters on the getppid calls are.
# Bad input, one write each (off, then some while on; the state must not
# change), EINVAL and exactly one new dmesg line "kdbt: control: unknown
# command ..." or "... command too long ...": words near the real ones
# (onx, "on off", ON, mode, ...), a lone newline, a zero-length write
# (the writes helper: `printf '' > control` makes no write(2) at all, so
# the kernel sees nothing - checked too), 5000 bytes and 3 pages in one
# write, 64 random bytes, bytes with a NUL after "on", with control
# characters and an embedded newline (one log line still: the kernel must
# not print them raw).  Split writes: "o" then "n" (and "of", "f" while
# on) through one open file are two bad commands, never "on".
# Concurrent writers: on, off, reset, mode and counters words and garbage
# from nine loops for 10 s, logging at most 100 lines in 5 s (the rate
# limit: a loop must not flood the log); then 5 s of kfuzz fuzz (random
# control input and reads of every file, checked); then stats reads well-formed, off works, the
# text files and the snapshot read, and rmmod works.
# vm-smp: 2
# vm-timeout: 150
. /tests/lib.sh

C=/proc/kdbt/control
stop=/tmp/abi-control.stop
cleanup() {
	touch "$stop"
	wait
	kdbt_leave
}
trap cleanup EXIT

# soft WHAT CHECK...: run CHECK, which calls fail, in a subshell; if it
# fails, note WHAT and go on, so that one problem hides no other (the
# test fails at its end).
problems=
soft() {
	_what=$1
	shift
	( "$@" ) && return 0
	problems="$problems; $_what"
	return 1
}

# one_line MARK WHAT: exactly one kernel log line since MARK, kdbt's.
one_line() {
	dmesg_since "$1" > /tmp/new
	_n=$(wc -l < /tmp/new)
	if [ "$_n" != 1 ] ||
	   ! grep -Eq 'kdbt: control: (unknown command|command too long|command .* contains a NUL byte)' \
		/tmp/new; then
		sed 's/[^ -~]/?/g' /tmp/new | head -n 5
		fail "$2: $_n new kernel log lines, want one from kdbt: control"
	fi
}

# bad_word WORD: echo WORD > control fails with EINVAL, one log line.
bad_word() {
	_s=$(kdbt_stat state)
	_mark=$(dmesg_mark)
	control_fails "$1" "Invalid argument"
	one_line "$_mark" "'$1'"
	expect_eq "state after '$1'" "$(kdbt_stat state)" "$_s"
}

# bad_file FILE WHAT: the bytes of FILE in one write(2) (dd) fail with
# EINVAL and one log line.
bad_file() {
	_s=$(kdbt_stat state)
	_mark=$(dmesg_mark)
	dd if="$1" of=$C bs="$(wc -c < "$1")" count=1 > /tmp/dd.out 2>&1 &&
		fail "$2: the write succeeded"
	grep -q 'Invalid argument' /tmp/dd.out ||
		fail "$2: want EINVAL: $(cat /tmp/dd.out)"
	one_line "$_mark" "$2"
	expect_eq "state after $2" "$(kdbt_stat state)" "$_s"
}

# split_writes WANT_LINES CHUNK...: one write per CHUNK through one open
# file (the writes helper); each must fail with EINVAL and log one line.
split_writes() {
	_s=$(kdbt_stat state)
	_mark=$(dmesg_mark)
	_want=$1
	shift
	writes $C "$@" > /tmp/writes.out && fail "writes $*: all succeeded"
	expect_eq "results of writes $*" "$(grep -c '^EINVAL$' /tmp/writes.out)" $#
	expect_eq "log lines after writes $*" \
		"$(dmesg_since "$_mark" | grep -c 'kdbt: control: unknown command')" \
		"$_want"
	expect_eq "all log lines after writes $*" \
		"$(dmesg_since "$_mark" | wc -l)" "$_want"
	expect_eq "state after writes $*" "$(kdbt_stat state)" "$_s"
}

insmod "$KDBT_KO" || fail "insmod failed"

echo "== access"
for f in stats blocks functions snapshot changes native; do
	# changes: its reader writes the form of its reads (kdbt(4))
	_m=400
	[ $f = changes ] && _m=600
	expect_eq "mode of $f" "$(stat -c %a /proc/kdbt/$f)" $_m
	runas 65534 65534 cat /proc/kdbt/$f > /tmp/out 2>&1 &&
		fail "an unprivileged user could read $f"
	grep -q 'Permission denied' /tmp/out ||
		fail "reading $f unprivileged: not EACCES: $(cat /tmp/out)"
done
expect_eq "mode of control" "$(stat -c %a $C)" 200
runas 65534 65534 writes $C on > /tmp/out 2>&1 &&
	fail "an unprivileged user could write control"
grep -q 'Permission denied' /tmp/out ||
	fail "writing control unprivileged: not EACCES: $(cat /tmp/out)"
runas 65534 65534 sh -c "echo on > $C" > /tmp/out 2>&1 &&
	fail "an unprivileged shell could write control"
grep -q 'Permission denied' /tmp/out ||
	fail "echo on > control unprivileged: not EACCES: $(cat /tmp/out)"
expect_eq "state after the unprivileged writes" "$(kdbt_stat state)" off
echo "EACCES for an unprivileged user on every file"

echo "== words"
expect_eq "state after insmod" "$(kdbt_stat state)" off
expect_eq "mode after insmod" "$(kdbt_stat mode)" transparent
expect_eq "counters after insmod" "$(kdbt_stat counters)" on
for w in "mode fast:mode fast" "mode transparent:mode transparent" \
	 "counters off:counters off" "counters on:counters on"; do
	word=${w%%:*}
	set -- ${w#*:}
	kdbt_control "$word" || fail "'$word' while off: $ctl_err"
	expect_eq "$1 after '$word'" "$(kdbt_stat $1)" "$2"
done
kdbt_control on || fail "on: $ctl_err"
expect_eq "state after on" "$(kdbt_stat state)" on
for w in "mode fast" "mode transparent" "counters off" "counters on"; do
	control_fails "$w" "Device or resource busy"
done
expect_eq "mode after the refused words" "$(kdbt_stat mode)" transparent
expect_eq "counters after the refused words" "$(kdbt_stat counters)" on
expect_eq "state after the refused words" "$(kdbt_stat state)" on
kdbt_num r0 resets
kdbt_control reset || fail "reset while on: $ctl_err"
kdbt_num r1 resets
expect_eq "resets after reset while on" "$r1" $((r0 + 1))
expect_eq "state after reset while on" "$(kdbt_stat state)" on
kdbt_control off || fail "off: $ctl_err"
expect_eq "state after off" "$(kdbt_stat state)" off
kdbt_control reset || fail "reset while off: $ctl_err"
kdbt_num r2 resets
expect_eq "resets after reset while off" "$r2" $((r0 + 2))
expect_eq "instructions after reset while off" "$(kdbt_stat instructions)" 0
expect_eq "block_executions after reset while off" \
	"$(kdbt_stat block_executions)" 0

kdbt_control "counters off" || fail "counters off: $ctl_err"
kdbt_control on || fail "on with counters off: $ctl_err"
getppid 10000 > /dev/null
kdbt_control off || fail "off with counters off: $ctl_err"
kdbt_num b blocks
[ "$b" -gt 0 ] || fail "counters off: nothing translated"
expect_eq "instructions counted with counters off" \
	"$(kdbt_stat instructions)" 0
expect_eq "block executions counted with counters off" \
	"$(kdbt_stat block_executions)" 0
kdbt_read stats /tmp/stats
soft "counters off: hits + misses != indirect_branches" \
	expect_eq "counters off: jumptable_hits + jumptable_misses (one read)" \
	$(($(stat_of /tmp/stats jumptable_hits) + \
	   $(stat_of /tmp/stats jumptable_misses))) \
	"$(stat_of /tmp/stats indirect_branches)"
kdbt_control "counters on" || fail "counters on: $ctl_err"
kdbt_control on || fail "on with counters on: $ctl_err"
getppid 10000 > /dev/null
kdbt_control off || fail "off with counters on: $ctl_err"
kdbt_read blocks /tmp/blocks
e=$(block_at /tmp/blocks 5 "$(ksym_addr __x64_sys_getppid)")
[ "$e" -ge 10000 ] ||
	fail "counters on: __x64_sys_getppid ran $e times for 10000 calls"
kdbt_num i instructions
[ "$i" -gt 0 ] || fail "counters on: no instructions counted"
echo "every word works; counters off counts nothing, on counts"

echo "== bad input while off"
for w in bogus onx "on off" "off on" ON resetx mode "mode slow" \
	 "mode fastx" counters "counters maybe" o n ""; do
	bad_word "$w"
done
# The shell makes no write(2) for an empty printf: nothing reaches kdbt.
mark=$(dmesg_mark)
printf '' > $C || fail "printf '' > control failed"
expect_eq "log lines after printf '' > control" \
	"$(dmesg_since "$mark" | wc -l)" 0
split_writes 1 ""
awk 'BEGIN { s = "on"; while (length(s) < 12288) s = s s
	     printf "%s", substr(s, 1, 5000) > "/tmp/long5000"
	     printf "%s", substr(s, 1, 12288) > "/tmp/long3pages" }'
bad_file /tmp/long5000 "5000 bytes"
bad_file /tmp/long3pages "3 pages"
head -c 64 /dev/urandom > /tmp/random
bad_file /tmp/random "64 random bytes"
printf 'on\000junk' > /tmp/nul
soft "'on', NUL, 'junk' accepted" \
	bad_file /tmp/nul "'on', NUL, 'junk'" ||
	{ [ "$(kdbt_stat state)" = on ] && kdbt_control off; }
printf '\000' > /tmp/nul1
bad_file /tmp/nul1 "one NUL byte"
printf 'x\001\033[31mred\n\377\376y' > /tmp/ctrl
bad_file /tmp/ctrl "control characters and an embedded newline"
split_writes 2 o n
mark=$(dmesg_mark)
printf on | dd of=$C bs=1 > /tmp/dd.out 2>&1 && fail "dd bs=1 of 'on' succeeded"
one_line "$mark" "dd bs=1 of 'on' (stops at the first write)"
expect_eq "state after dd bs=1 of 'on'" "$(kdbt_stat state)" off
# Whole commands through one open file are taken one per write.
writes $C on off > /tmp/writes.out ||
	fail "writes on off: $(cat /tmp/writes.out)"
expect_eq "state after writes on off" "$(kdbt_stat state)" off

echo "== bad input while on"
kdbt_control on || fail "on: $ctl_err"
for w in onx "off on" offx "reset now" bogus; do
	bad_word "$w"
done
bad_file /tmp/long5000 "5000 bytes while on"
soft "'on', NUL, 'junk' accepted while on" \
	bad_file /tmp/nul "'on', NUL, 'junk' while on"
split_writes 2 of f
kdbt_control off || fail "off: $ctl_err"
[ -z "$problems" ] &&
	echo "every bad input refused with EINVAL and one log line"

echo "== concurrent writers"
rm -f "$stop"
flood=$(dmesg_mark)
flood_t0=$(uptime_cs)
writer() {
	while [ ! -e "$stop" ]; do
		echo "$1" > $C
	done 2>/dev/null
}
writer on &
writer off &
writer reset &
writer "mode fast" &
writer "mode transparent" &
writer "counters off" &
writer "counters on" &
writer bogus &
while [ ! -e "$stop" ]; do
	echo "garbage$RANDOM" > $C
	writes $C o n > /dev/null
	usleep 50000
done 2>/dev/null &
sleep 10
touch "$stop"
wait
# Refused writes in a loop (mode and counters while on, garbage) log at
# most 100 lines in 5 s: 100 per started 5 s of the time they took, plus
# what is left of the window that the bad input above may have opened
# before the flood (a window starts at its first line: 329 lines in 10-15 s
# were 29 + 3 * 100).
n=$(dmesg_since "$flood" | grep -c 'kdbt: control: ')
max=$((100 * (($(uptime_cs) - flood_t0) / 500 + 2)))
echo "control log lines during the concurrent writes: $n (at most $max)"
[ "$n" -le "$max" ] || fail "the control file logged $n lines, want <= $max (rate limit)"
[ "$n" -ge 1 ] || fail "no control log line during the concurrent writes"
# Five seconds of the soak's fuzzer (tests/vm/helpers/kfuzz.c), so that
# what it checks of every file (the columns of blocks and functions, the
# snapshot's header) follows the ABI in make test, not only in the soak.
kfuzz fuzz 5 "$RANDOM" 2 2 1 on,off,reset > /tmp/kfuzz.out 2>&1 ||
	fail "kfuzz fuzz: $(grep -m 3 mismatch /tmp/kfuzz.out | tr '\n' ' ')"
grep '^KFUZZ ' /tmp/kfuzz.out
kdbt_read stats /tmp/stats
cat /tmp/stats
expect_eq "first line of stats" "$(head -n 1 /tmp/stats)" "version 1"
expect_eq "malformed stats lines" "$(grep -cvE '^[a-z_]+ [^ ]+$' /tmp/stats)" 0
grep -E '^(switchons|switchoffs|resets|flushes) ' /tmp/stats
kdbt_control off || fail "final off: $ctl_err"
expect_eq "state after the final off" "$(kdbt_stat state)" off
kdbt_read blocks /tmp/blocks
kdbt_read functions /tmp/functions
dd if=/proc/kdbt/snapshot of=/tmp/snapshot bs=65536 2>/tmp/dd.out ||
	fail "reading the snapshot: $(cat /tmp/dd.out)"
rmmod kdbt || fail "rmmod after the concurrent writers failed"
[ -z "$problems" ] || fail "earlier: ${problems#; }"
