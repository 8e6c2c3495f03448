#!/bin/sh
# guest-init.sh - /init of the test guest's initramfs.
#
# Owns: mounting the pseudo file systems, running every test listed in
# /tests/order (one "name timeout" per line) under its own timeout, and
# framing each with KDBT-TEST-BEGIN/END marker lines for the host.
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
echo "KDBT-GUEST-READY $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"
while read -r name limit; do
	echo "KDBT-TEST-BEGIN $name"
	timeout -s KILL "$limit" sh "/tests/$name.sh" </dev/null 2>&1
	echo "KDBT-TEST-END $name $?"
done < /tests/order
echo "KDBT-GUEST-DONE"
sync
poweroff -f
