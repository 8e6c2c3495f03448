#!/bin/sh
# sendfile.sh - send a file from the test guest to the host on the console
# (installed as /bin/sendfile; tests/vm/fetch.sh receives it).
#
# Usage: sendfile NAME FILE
# Prints, between the lines the test prints:
#	KDBT-FILE-BEGIN NAME BYTES MD5
#	KDBT-FILE-DATA NAME <76 characters of base64 of FILE gzipped>  (many)
#	KDBT-FILE-END NAME
# The console is the only way out of the guest that every harness boot
# has; base64 survives it (the host strips the \r the tty adds), gzip
# makes it ~4x faster (~120 KB/s of base64 under TCG), BYTES and MD5 let
# the host refuse a damaged file.  Kernel messages are held back while
# sending (console log level 1), so that none splits a line, and printed
# afterwards, so that the host still sees any problem they report.
# Owns: the transfer format (fetch.sh reads it).
# Must never: leave the console log level changed, or print
# kernel-problem words of its own.

name=${1:?usage: sendfile NAME FILE}
file=${2:?usage: sendfile NAME FILE}
case $name in
.*|*[!A-Za-z0-9._-]*) echo "sendfile: bad name '$name'" >&2; exit 2 ;;
esac
[ -f "$file" ] && [ -r "$file" ] || { echo "sendfile: cannot read $file" >&2; exit 1; }
bytes=$(wc -c < "$file")
md5=$(md5sum < "$file" | cut -d' ' -f1)
read -r level _ < /proc/sys/kernel/printk
mark=$(dmesg | wc -l)
dmesg -n 1
echo "KDBT-FILE-BEGIN $name $bytes $md5"
gzip -c "$file" | base64 | sed "s/^/KDBT-FILE-DATA $name /"
echo "KDBT-FILE-END $name"
dmesg -n "$level"
dmesg | tail -n +"$((mark + 1))"
