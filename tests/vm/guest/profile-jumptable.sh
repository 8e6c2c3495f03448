# profile-jumptable.sh - indirect branches and jumptable misses counted
# two ways agree.  Per mode (transparent, then fast): with translation on,
# reset, 30000 one-byte reads and writes through the VFS (dd bs=1, each
# an indirect call to the file's read or write op); in one read of stats,
# jumptable_hits + jumptable_misses == indirect_branches and
# jumptable_hit_rate is hits / indirect_branches.  Then off (counts stay,
# and nothing changes between reads: two reads of stats agree) and, with
# no flush since the reset, in /proc/kdbt/blocks: the misses column sums
# to jumptable_misses, the indirect column to indirect_branches, the
# instructions column (insns * executions on every line) to instructions
# and the executions to block_executions; a block's indirect count is its
# executions if it ends in ijmp or icall, or ret in transparent mode, else
# 0, and never less than its misses; /proc/kdbt/functions sums to the same
# instructions, executions, indirect and misses.  Prints the hit rates.
# vm-smp: 2
# vm-timeout: 150
. /tests/lib.sh

COUNT=30000
trap kdbt_leave EXIT

# hits_check FILE WHAT: hits + misses == indirect in FILE (one stats read).
hits_check() {
	_i=$(stat_of "$1" indirect_branches)
	_h=$(stat_of "$1" jumptable_hits)
	_m=$(stat_of "$1" jumptable_misses)
	_r=$(stat_of "$1" jumptable_hit_rate)
	[ -n "$_i" ] && [ -n "$_h" ] && [ -n "$_m" ] && [ -n "$_r" ] ||
		fail "$2: stats lack indirect_branches, jumptable_hits," \
			"jumptable_misses or jumptable_hit_rate"
	expect_eq "$2: jumptable_hits + jumptable_misses" $((_h + _m)) "$_i"
	# The rate has two decimals: allow 0.01 for rounding.
	awk -v h="$_h" -v i="$_i" -v r="$_r" -v w="$2" 'BEGIN {
		want = i ? 100 * h / i : 0
		d = want - r; if (d < 0) d = -d
		if (d > 0.0101) {
			printf "FAIL: %s: jumptable_hit_rate %s, want %.4f\n",
				w, r, want
			exit 1
		} }' || exit 1
	echo "figure: $2: $_i indirect branches, $_h hits, $_m misses," \
		"hit rate $_r%"
}

session() {	# session MODE
	m=$1
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	kdbt_control on || fail "$m: on: $ctl_err"
	dd if=/dev/zero of=/dev/null bs=1 count=1000 2>/dev/null
	kdbt_control reset || fail "$m: reset: $ctl_err"
	kdbt_num fl0 flushes
	dd if=/dev/zero of=/dev/null bs=1 count=$COUNT 2>/dev/null ||
		fail "$m: dd failed"
	kdbt_read stats /tmp/stats.on
	hits_check /tmp/stats.on "$m, while on"
	kdbt_control off || fail "$m: off: $ctl_err"

	kdbt_read stats /tmp/stats.off
	kdbt_read blocks /tmp/blocks
	kdbt_read functions /tmp/functions
	kdbt_read stats /tmp/stats.off2
	hits_check /tmp/stats.off "$m, after off"
	for k in instructions block_executions indirect_branches \
		 jumptable_misses jumptable_hits flushes resets; do
		expect_eq "$m: $k in two reads of stats while off" \
			"$(stat_of /tmp/stats.off2 $k)" \
			"$(stat_of /tmp/stats.off $k)"
	done
	# A flush would leave its blocks out of the files but in the totals.
	expect_eq "$m: flushes since the reset" \
		"$(stat_of /tmp/stats.off flushes)" "$fl0"
	ind=$(stat_of /tmp/stats.off indirect_branches)
	[ "$ind" -ge $((2 * COUNT)) ] ||
		fail "$m: $ind indirect branches for $COUNT dd reads and writes"

	fast=0
	[ "$m" = fast ] && fast=1
	awk -v fast=$fast '
		/^#/ { next }
		NF != 13 { print "FAIL: blocks line with " NF " fields: " $0; exit 1 }
		$4 != $8 * $5 {
			print "FAIL: instructions != insns * executions: " $0
			exit 1
		}
		{ want = 0 }
		$9 == "ijmp" || $9 == "icall" || ($9 == "ret" && !fast) { want = $5 }
		$6 != want { print "FAIL: indirect " $6 ", want " want ": " $0; exit 1 }
		$7 > $6 { print "FAIL: more misses than indirect branches: " $0; exit 1 }
	' /tmp/blocks || exit 1
	# blocks: 4 instructions, 5 executions, 6 indirect, 7 misses;
	# functions: the same in 3 to 6.
	set -- $(column_sums /tmp/blocks 4 7)
	bsums="$*"
	expect_eq "$m: sum of the misses column of blocks" "$4" \
		"$(stat_of /tmp/stats.off jumptable_misses)"
	expect_eq "$m: sum of the indirect column of blocks" "$3" "$ind"
	expect_eq "$m: sum of the instructions column of blocks" "$1" \
		"$(stat_of /tmp/stats.off instructions)"
	expect_eq "$m: sum of the executions column of blocks" "$2" \
		"$(stat_of /tmp/stats.off block_executions)"
	expect_eq "$m: columns 3-6 of functions vs columns 4-7 of blocks" \
		"$(column_sums /tmp/functions 3 6)" "$bsums"
	echo "figure: $m: $(grep -vc '^#' /tmp/blocks) blocks listed," \
		"$(stat_of /tmp/stats.off instructions) instructions"
}

insmod "$KDBT_KO" || fail "insmod failed"
session transparent
session fast
rmmod kdbt || fail "rmmod failed"
