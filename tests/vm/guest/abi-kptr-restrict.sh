# abi-kptr-restrict.sh - /proc/kdbt hides kernel addresses exactly when
# /proc/kallsyms does (kernel.kptr_restrict=2 hides them even from root),
# in blocks and in the snapshot, and shows them again at 0/1.
# vm-timeout: 90
. /tests/lib.sh

# (a failure must not leave addresses hidden from the tests after it)
trap 'echo 0 > /proc/sys/kernel/kptr_restrict' EXIT
insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
sleep 1
kdbt_control off || fail "off: $ctl_err"

nonzero() {	# nonzero FILE: data lines whose address is not all zeros
	grep -v '^#' "$1" | grep -vc '^0000000000000000 '
}
echo 1 > /proc/sys/kernel/kptr_restrict
cat /proc/kdbt/blocks > /tmp/b1
[ "$(nonzero /tmp/b1)" -gt 0 ] || fail "root cannot see addresses at kptr_restrict=1"
kdbt-snapshot --totals | grep -qx 'addresses shown' ||
	fail "snapshot hides addresses at kptr_restrict=1"

echo 2 > /proc/sys/kernel/kptr_restrict
grep -q '^0000000000000000 ' /proc/kallsyms || fail "kallsyms not hidden at 2"
cat /proc/kdbt/blocks > /tmp/b2
expect_eq "blocks with an address at kptr_restrict=2" "$(nonzero /tmp/b2)" 0
grep -q '+0x0/0x' /tmp/b2 || fail "symbols should stay readable"
kdbt-snapshot --totals > /tmp/t2 2>&1
grep -qx 'addresses hidden' /tmp/t2 || fail "snapshot flag: $(grep addresses /tmp/t2)"
dd if=/proc/kdbt/snapshot of=/tmp/snap bs=4M 2>/dev/null
# Every record's address, target and edge_of (the first, the sixth and
# the seventh 8 bytes of each 64-byte record after the header, of
# header_size bytes) must be zero.
expect_eq "snapshot block_size" "$(od -An -tu4 -j16 -N4 /tmp/snap | tr -d ' ')" 64
hs=$(od -An -tu4 -j12 -N4 /tmp/snap | tr -d ' ')
n=$(od -An -tx8 -w64 -j"$hs" -v /tmp/snap |
	awk '$1 != "0000000000000000" || $6 != "0000000000000000" ||
	     $7 != "0000000000000000"' | wc -l)
expect_eq "snapshot records with an address, a target or an edge_of" "$n" 0
n=$(grep -v '^#' /tmp/b2 | awk '$10 != "0000000000000000" ||
	$13 != "0000000000000000"' | wc -l)
expect_eq "blocks with a target or an edge_of at kptr_restrict=2" "$n" 0
n=$(grep -v '^#' /tmp/b2 | awk '$12 != "-"' | wc -l)
[ "$n" -gt 0 ] || fail "no edge copies listed at kptr_restrict=2"
echo "kptr_restrict=2: addresses hidden in blocks and snapshot"

echo 0 > /proc/sys/kernel/kptr_restrict
rmmod kdbt || fail "rmmod failed"
