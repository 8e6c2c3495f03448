# harness-dmesg.sh - dmesg_mark/dmesg_since (guest-lib.sh) still find
# what was logged after the mark once the kernel's log ring has wrapped.
# A line count stopped growing there (CI, after abi-control's concurrent
# writers logged their refusals), and tests that look for their own
# dmesg lines failed.  This fills the ring (128 KiB of text, 4096
# records on Debian's 6.1) with 6000 lines, then logs two and asks for
# exactly those.  It runs early in the shared boot, so that every later
# test of that boot runs with a wrapped ring.
# vm-timeout: 120
. /tests/lib.sh

dmesg -n 7	# the filler at debug level stays off the console
i=0
while [ $i -lt 6000 ]; do
	echo "<7>kdbt-test: filler line $i of 6000, to wrap the ring" > /dev/kmsg
	i=$((i + 1))
done
dmesg -n 8
dmesg | grep -q 'filler line 0 of' && fail "the ring did not wrap"
before=$(dmesg | wc -l)
mark=$(dmesg_mark)
echo "<6>kdbt-test: first after the mark" > /dev/kmsg
echo "<6>kdbt-test: second after the mark" > /dev/kmsg
[ "$(dmesg | wc -l)" -gt "$before" ] &&
	echo "(the ring's line count still grew)"
dmesg_since "$mark" > /tmp/since
cat /tmp/since
expect_eq "lines since the mark" "$(wc -l < /tmp/since)" 2
grep -q 'first after the mark' /tmp/since || fail "first line missing"
grep -q 'second after the mark' /tmp/since || fail "second line missing"
echo "dmesg_since finds the lines after its mark in a wrapped ring"
