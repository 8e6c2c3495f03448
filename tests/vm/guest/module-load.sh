# module-load.sh - kdbt.ko loads, decodes live kernel text, and unloads
# cleanly, three times in a row (a leaked /proc entry or a symbol left
# registered would show on the second load).
# vm-timeout: 60
. /tests/lib.sh

for round in 1 2 3; do
	mark=$(dmesg_mark)
	insmod "$KDBT_KO" || fail "round $round: insmod failed"
	grep -q '^kdbt ' /proc/modules || fail "round $round: kdbt not in /proc/modules"
	[ -r /proc/kdbt/stats ] || fail "round $round: no /proc/kdbt/stats"
	dmesg_since "$mark" > /tmp/dmesg
	line=$(grep 'kdbt: selftest: decoded __schedule' /tmp/dmesg) ||
		fail "round $round: no selftest line in dmesg"
	echo "$line"
	insns=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) instructions.*/\1/p')
	bytes=$(echo "$line" | sed -n 's/.*: \([0-9][0-9]*\) bytes.*/\1/p')
	# x86 instructions are 1 to 15 bytes: the count must be plausible.
	[ -n "$insns" ] && [ "$insns" -gt 0 ] || fail "bad instruction count '$insns'"
	[ "$insns" -le "$bytes" ] && [ $((insns * 15)) -ge "$bytes" ] ||
		fail "$insns instructions cannot fill $bytes bytes"
	rmmod kdbt || fail "round $round: rmmod failed"
	grep -q '^kdbt ' /proc/modules && fail "round $round: kdbt still loaded"
	[ -e /proc/kdbt ] && fail "round $round: /proc/kdbt left behind"
	dmesg | tail -n 1 | grep -q 'kdbt: unloaded' || fail "no unload message"
done
echo "loaded and unloaded 3 times"
