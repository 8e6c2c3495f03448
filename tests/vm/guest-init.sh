#!/bin/sh
# guest-init.sh - /init of the test guest's initramfs.
#
# Owns: mounting the pseudo file systems, running every test listed in
# /tests/order (one "name timeout" per line) under its own timeout,
# framing each with marker lines for the host (KDBT-TEST-BEGIN NAME,
# KDBT-TEST-END NAME STATUS SECONDS), and
# clearing up what a test left behind (KDBT-LEFTOVER lines).
# Must never: stop at a failing test, or leave the guest running.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
dmesg -n 8
# clean_up_after NAME: every test starts from the same guest.  Processes
# the test left running (they carry KDBT_TEST=NAME in their environment;
# busybox timeout's own watcher, which lingers for up to a second, not)
# that still run 3 s later are killed, and kdbt.ko, if still loaded, is
# switched off and removed; either is reported on a KDBT-LEFTOVER line,
# which fails the test.
test_processes() {	# test_processes NAME: pids of NAME's processes
	grep -l "KDBT_TEST=$1" /proc/[0-9]*/environ 2>/dev/null |
		sed 's,^/proc/,,; s,/environ$,,'
}
clean_up_after() {
	# (a `sleep 1` the test's last kill missed may end on its own)
	for _ in 1 2 3; do
		[ -n "$(test_processes "$1")" ] || break
		sleep 1
	done
	pids=$(test_processes "$1")
	names=$(for p in $pids; do cat "/proc/$p/comm"; done 2>/dev/null)
	if [ -n "$names" ]; then
		kill -9 $pids 2>/dev/null
		echo "KDBT-LEFTOVER $1 processes still running:" $names
	fi
	grep -q '^kdbt ' /proc/modules || return 0
	echo "KDBT-LEFTOVER $1 kdbt.ko still loaded (state" \
		"$(sed -n 's/^state //p' /proc/kdbt/stats 2>/dev/null))"
	echo off > /proc/kdbt/control 2>/dev/null
	rmmod kdbt || echo "KDBT-LEFTOVER $1 rmmod kdbt failed"
}

echo "KDBT-GUEST-READY $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)" \
	"text=$(awk '$3 == "_text" { print $1; exit }' /proc/kallsyms)"
# uptime_cs: hundredths of a second since boot.
uptime_cs() {
	read -r _up _ < /proc/uptime
	echo "${_up%.*}${_up#*.}"
}
while read -r name limit; do
	echo "KDBT-TEST-BEGIN $name"
	t0=$(uptime_cs)
	timeout -s KILL "$limit" env KDBT_TEST="$name" sh "/tests/$name.sh" \
		</dev/null 2>&1
	rc=$?
	echo "KDBT-TEST-END $name $rc $((($(uptime_cs) - t0 + 50) / 100))"
	clean_up_after "$name"
done < /tests/order
echo "KDBT-GUEST-DONE"
sync
poweroff -f
