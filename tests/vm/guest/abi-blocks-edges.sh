# abi-blocks-edges.sh - the edge columns of /proc/kdbt/blocks (derived,
# edge, edge_of; man kdbt(4)) are exact.  After a workload (one-byte dd
# reads of /dev/zero, a few commands) with translation off (counts
# frozen): for every address, the executions of its derived lines equal
# the executions of the edge copies whose edge_of is that address; every
# copy's edge_of is the address of a derived line, and its edge goes with
# that block's kind (taken and fall: jcc; jmp: jmp; fall: fall); there are
# derived jcc blocks, and one has both edges taken.  The snapshot's
# records say the same (kdbt-snapshot --blocks, the same columns).
# Prints the figures.
# vm-timeout: 90
. /tests/lib.sh

trap kdbt_leave EXIT
insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
dd if=/dev/zero of=/dev/null bs=1 count=20000 2>/dev/null
ls -l /proc/self/ > /dev/null
cat /proc/version > /dev/null
kdbt_control off || fail "off: $ctl_err"
sleep 1		# CPUs leave the cache at their next branch
cat /proc/kdbt/blocks > /tmp/blocks || fail "reading blocks"
dd if=/proc/kdbt/snapshot of=/tmp/snap bs=4M 2>/dev/null ||
	fail "reading snapshot"
kdbt-snapshot --blocks -f /tmp/snap > /tmp/blocks.lib ||
	fail "kdbt-snapshot --blocks"

awk '
	/^#/ { next }
	NF != 13 { print "FAIL: blocks line with " NF " fields: " $0; bad = 1; exit }
	$11 == 1 { dsum[$1] += $5; dkind[$1] = $9; nder++ }
	$12 != "-" && $12 != "indirect" {
		esum[$13] += $5; ncopy++
		pair[$13 " " $12] = 1
		if ($12 == "taken") taken[$13] += $5
		if ($12 == "fall") fall[$13] += $5
	}
	END {
		if (bad)
			exit 1
		for (a in esum)
			if (!(a in dkind)) {
				print "FAIL: copies of " a ", no derived block there"
				exit 1
			}
		for (p in pair) {
			split(p, w, " ")
			k = dkind[w[1]]
			if ((w[2] == "taken" && k != "jcc") ||
			    (w[2] == "jmp" && k != "jmp") ||
			    (w[2] == "fall" && k != "jcc" && k != "fall")) {
				print "FAIL: a " w[2] " copy of " w[1] ", a " k " block"
				exit 1
			}
		}
		for (a in dsum) {
			if (dsum[a] != esum[a] + 0) {
				print "FAIL: " a ": derived executions " dsum[a] \
					", its copies " esum[a] + 0
				exit 1
			}
			if (dkind[a] == "jcc") {
				njcc++
				if (taken[a] > 0 && fall[a] > 0)
					both++
			}
		}
		if (!njcc || !both) {
			print "FAIL: " njcc + 0 " derived jcc blocks, " both + 0 \
				" with both edges taken"
			exit 1
		}
		printf "figure: %d derived lines, %d edge copies, %d derived jcc addresses, %d with both edges taken\n", nder, ncopy, njcc, both
	}
' /tmp/blocks || fail "edges of /proc/kdbt/blocks"

# The snapshot: the same three columns (the whole lines: profile-reader).
cut -d' ' -f1,11- /tmp/blocks | grep -v '^#' > /tmp/e1
cut -d' ' -f1,11- /tmp/blocks.lib | grep -v '^#' > /tmp/e2
cmp -s /tmp/e1 /tmp/e2 ||
	fail "snapshot edges differ: $(diff /tmp/e1 /tmp/e2 | head -n 4 | tr '\n' '|')"
echo "snapshot: $(wc -l < /tmp/e1) lines with the same edges"
rmmod kdbt || fail "rmmod failed"
