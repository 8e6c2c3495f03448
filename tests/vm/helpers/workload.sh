#!/bin/sh
# workload.sh - a mix of system-call-heavy workloads for the test guest.
#
# Usage: workload SECONDS [STOPFILE [NAME...]]
# Runs seven workloads (or the NAMEs) at once, each in its own loop of
# short rounds, until SECONDS have passed or STOPFILE exists (every loop
# runs at least one round): forkexec, fileio (tmpfs, checksums), pipes
# (and a fifo), sockets (wlhelper sock), signals (USR1 to a trapping
# shell, counted), mmap (wlhelper mmap: page faults, copy-on-write,
# SIGSEGV), timers (usleep, sleep, timeout); and only when named,
# blockdev (insmod loop, a loop device over a tmpfs file written and read
# back through the block layer, losetup -d, rmmod: module load/unload and
# block I/O; needs /bin/loop.ko).  Every round checks its
# output against values fixed in advance.  Prints one line per workload,
# in this order:
#	workload NAME ok N rounds
#	workload NAME FAIL round N: WHY
# and exits 0 only if every workload passed.
# Owns: the workloads and what they check.
# Must never: depend on anything but busybox and /bin/wlhelper, print
# kernel-problem words (the host scans the console), or leave processes or
# files behind.

secs=${1:?usage: workload SECONDS [STOPFILE [NAME...]]}
stop=${2:-/nonexistent}
all="forkexec fileio pipes sockets signals mmap timers"
known="$all blockdev"
if [ $# -gt 2 ]; then
	shift 2
	for w in "$@"; do
		case " $known " in
		*" $w "*) ;;
		*) echo "workload: no workload '$w' (have: $known)" >&2; exit 2 ;;
		esac
	done
	all=$*
fi
dir=$(mktemp -d /tmp/workload.XXXXXX) || exit 2

# md5sum of `seq 1 5000`, `seq 1 3000` and of 1 MiB of zeros.
SEQ5000=a5a208cd26b07cadade3450fe14d1d93
SEQ3000=ee9762749fc5338b6c9b0948d14219c7
ZERO1M=b6d81b360a5672d80c27430f39153e2c

# now: seconds since boot, in hundredths, without forking.
now() {
	read -r up _ < /proc/uptime
	t=${up%.*}${up#*.}
}

# want WHAT GOT EXPECTED: print why and fail the round if they differ.
want() {
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', want '$3'"
	return 1
}

md5() {
	md5sum "$@" | cut -d' ' -f1
}

wl_forkexec() {
	want "sh -c arithmetic" "$(/bin/sh -c 'echo $((6 * 7))')" 42 || return
	for i in 1 2 3 4 5; do
		/bin/true || { echo "true failed"; return 1; }
	done
	/bin/false && { echo "false succeeded"; return 1; }
	want "env" "$(env X="$1" /bin/sh -c 'echo $X')" "$1" || return
	want "expr" "$(expr 3 + 4)" 7 || return
	want "exit status" "$(/bin/sh -c 'exit 5'; echo $?)" 5 || return
	want "nested sh" "$(sh -c 'sh -c "sh -c \"echo deep\""')" deep
}

wl_fileio() {
	d=$dir/fileio
	mkdir -p "$d"
	seq 1 5000 > "$d/a"
	want "seq file" "$(md5 "$d/a")" $SEQ5000 || return
	cp "$d/a" "$d/b"
	cat "$d/a" | dd of="$d/c" bs=777 2>/dev/null
	dd if="$d/a" of="$d/e" bs=4096 2>/dev/null
	for f in b c e; do
		want "copy $f" "$(md5 "$d/$f")" $SEQ5000 || return
	done
	mv "$d/b" "$d/moved"
	[ -e "$d/b" ] && { echo "mv left the source"; return 1; }
	want "moved" "$(md5 "$d/moved")" $SEQ5000 || return
	head -n 2500 "$d/a" > "$d/h"
	tail -n 2500 "$d/a" >> "$d/h"
	want "head+tail" "$(md5 "$d/h")" $SEQ5000 || return
	truncate -s 0 "$d/h"
	want "truncated size" "$(stat -c %s "$d/h")" 0 || return
	dd if=/dev/zero of="$d/z" bs=65536 count=16 2>/dev/null
	want "zeros" "$(md5 "$d/z")" $ZERO1M || return
	want "files" "$(ls "$d" | wc -l)" 6 || return
	rm -r "$d"
}

wl_pipes() {
	want "sort pipe" "$(seq 1 3000 | sort -rn | sort -n | md5)" \
		$SEQ3000 || return
	want "cat chain" "$(seq 1 3000 | cat | cat | cat | wc -l)" 3000 ||
		return
	# yes dies of SIGPIPE when head is done.
	want "yes | head" "$(yes | head -c 100000 | wc -c)" 100000 || return
	f=$dir/fifo.$1
	mkfifo "$f"
	seq 1 3000 > "$f" &
	w=$!
	want "fifo" "$(md5 "$f")" $SEQ3000 || { wait $w; rm -f "$f"; return 1; }
	wait $w || { echo "fifo writer failed"; return 1; }
	rm -f "$f"
}

wl_sockets() {
	out=$(wlhelper sock 2>&1) || { echo "wlhelper sock: $out"; return 1; }
}

wl_mmap() {
	out=$(wlhelper mmap 2>&1) || { echo "wlhelper mmap: $out"; return 1; }
}

# A shell counts the USR1 it traps; each signal waits for its count.
wl_signals() {
	f=$dir/sig.$1
	sh -c '
		n=0
		trap "n=\$((n + 1)); echo \$n > $0.cnt" USR1
		trap "kill \$s 2>/dev/null; exit 7" TERM
		echo $$ > $0.pid.tmp && mv $0.pid.tmp $0.pid
		while :; do sleep 1 & s=$!; wait $s; done
	' "$f" >/dev/null 2>&1 &
	p=$!
	i=0
	while [ ! -s "$f.pid" ] && [ $i -lt 1000 ]; do
		usleep 10000
		i=$((i + 1))
	done
	for n in 1 2 3 4 5; do
		kill -USR1 $p || { echo "kill -USR1 failed"; return 1; }
		i=0
		while [ "$(cat "$f.cnt" 2>/dev/null)" != $n ]; do
			i=$((i + 1))
			[ $i -lt 1000 ] && usleep 10000 && continue
			echo "signal $n not counted (count '$(cat "$f.cnt")')"
			kill -KILL $p
			return 1
		done
	done
	kill -TERM $p
	wait $p
	want "trapping shell's exit status" $? 7 || return
	{ sleep 10 & kill -KILL $!; wait $!; } 2>/dev/null
	want "SIGKILLed child's status" $? 137 || return
	rm -f "$f.cnt" "$f.pid"
}

# A slow guest may oversleep, never undersleep: the lower bounds are
# exact, the one upper bound is twenty times the sleep.
wl_timers() {
	now; t0=$t
	usleep 100000
	now; el=$((t - t0))
	# /proc/uptime has hundredths: 0.1 s shows as at least 9.
	[ $el -ge 9 ] || { echo "usleep 100000 took $el/100 s"; return 1; }
	now; t0=$t
	sleep 0.3
	now; el=$((t - t0))
	[ $el -ge 29 ] || { echo "sleep 0.3 took $el/100 s"; return 1; }
	now; t0=$t
	# (Braces: the shell reports the kill on its stderr, silence it.)
	{ timeout 1 sleep 30; } 2>/dev/null
	want "timeout's status" $? 143 || return
	now; el=$((t - t0))
	# A lost timer shows here rather than as the test's timeout.
	if [ $el -lt 99 ] || [ $el -ge 2000 ]; then
		echo "timeout 1 fired after $el/100 s"
		return 1
	fi
}

# loop NAME: rounds of wl_NAME until the deadline; the result to a file.
wl_blockdev() {
	# Load and unload the driver every 4th round: module loading patches
	# text (ftrace, jump labels) and so runs mostly natively under kdbt.
	if ! grep -q '^loop ' /proc/modules; then
		insmod /bin/loop.ko || { echo "insmod loop.ko failed"; return 1; }
	fi
	seq 1 5000 > "$dir/blk.src"
	dd if=/dev/zero of="$dir/blk.img" bs=64k count=16 2>/dev/null
	dev=$(losetup -f) || { echo "no free loop device"; return 1; }
	losetup "$dev" "$dir/blk.img" || { echo "losetup $dev failed"; return 1; }
	dd if="$dir/blk.src" of="$dev" bs=4k conv=fsync 2>/dev/null ||
		echo "writing $dev failed"
	blockdev --flushbufs "$dev" 2>/dev/null
	want "read back through $dev" \
		"$(dd if="$dev" bs=4k count=6 2>/dev/null |
		   head -c "$(wc -c < "$dir/blk.src")" | md5sum | cut -d' ' -f1)" \
		$SEQ5000
	want "md5 of the backing file's start" \
		"$(head -c "$(wc -c < "$dir/blk.src")" "$dir/blk.img" | md5)" \
		$SEQ5000
	losetup -d "$dev" || echo "losetup -d $dev failed"
	if [ $(($1 % 4)) = 1 ] || [ -e "$stop" ]; then
		rmmod loop || echo "rmmod loop failed"
	fi
	rm -f "$dir/blk.src" "$dir/blk.img"
}

loop() {
	n=0
	while :; do
		n=$((n + 1))
		why=$(wl_$1 $n 2>&1)
		if [ $? != 0 ] || [ -n "$why" ]; then
			why=$(echo "$why" | tr '\n' ' ')
			echo "workload $1 FAIL round $n: ${why% }" \
				> "$dir/$1.res"
			return 1
		fi
		now
		[ "$t" -ge "$end" ] && break
		[ -e "$stop" ] && break
	done
	echo "workload $1 ok $n rounds" > "$dir/$1.res"
}

now
end=$((t + secs * 100))
pids=
for w in $all; do
	loop $w &
	pids="$pids $!"
done
rc=0
for p in $pids; do
	wait $p || rc=1
done
for w in $all; do
	if [ -s "$dir/$w.res" ]; then
		cat "$dir/$w.res"
	else
		echo "workload $w FAIL: no result"
		rc=1
	fi
done
grep -q '^loop ' /proc/modules && { rmmod loop 2>/dev/null || true; }
rm -rf "$dir"
exit $rc
