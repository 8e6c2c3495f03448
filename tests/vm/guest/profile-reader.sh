# profile-reader.sh - the proc/ reader library (through kdbt-snapshot)
# agrees with the kernel's own text files: with translation off the counts
# are frozen, so /proc/kdbt/blocks, functions and stats and one snapshot
# must say exactly the same; while on, a snapshot's totals lie between
# those of two stats reads around it.
# vm-smp: 2
# vm-timeout: 150
. /tests/lib.sh

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
workload 10 > /dev/null 2>&1 || fail "workload failed"

# While on: stats, snapshot, stats.
kdbt_num i1 instructions
kdbt-snapshot --totals > /tmp/t.on || fail "kdbt-snapshot failed while on"
kdbt_num i2 instructions
is=$(sed -n 's/^instructions //p' /tmp/t.on)
[ "$i1" -le "$is" ] && [ "$is" -le "$i2" ] ||
	fail "snapshot instructions $is not between stats reads $i1 and $i2"
echo "while on: stats $i1 <= snapshot $is <= stats $i2"

kdbt_control off || fail "off: $ctl_err"
sleep 1		# CPUs leave the cache at their next branch
cat /proc/kdbt/blocks > /tmp/blocks.proc || fail "reading blocks"
cat /proc/kdbt/functions > /tmp/funcs.proc || fail "reading functions"
cat /proc/kdbt/stats > /tmp/stats.proc || fail "reading stats"
dd if=/proc/kdbt/snapshot of=/tmp/snap bs=4M 2>/dev/null || fail "reading snapshot"
kdbt-snapshot --blocks -f /tmp/snap > /tmp/blocks.lib || fail "kdbt-snapshot --blocks"
kdbt-snapshot --functions -f /tmp/snap > /tmp/funcs.lib || fail "kdbt-snapshot --functions"
kdbt-snapshot --totals -f /tmp/snap > /tmp/totals.lib || fail "kdbt-snapshot --totals"
cat /proc/kdbt/stats > /tmp/stats.proc2

expect_eq "stats unchanged while off" \
	"$(grep -v '^uptime_ms\|^samples_' /tmp/stats.proc | md5sum)" \
	"$(grep -v '^uptime_ms\|^samples_' /tmp/stats.proc2 | md5sum)"
nb=$(grep -vc '^#' /tmp/blocks.proc)
[ "$nb" -gt 1000 ] || fail "only $nb blocks"
expect_eq "blocks in snapshot" "$(grep -vc '^#' /tmp/blocks.lib)" "$nb"

# Blocks: every column but the symbol's size (the library sizes a symbol
# to the next one, the kernel knows the real size) must be equal.
strip_size() {
	grep -v '^#' "$1" | sed 's|/0x[0-9a-f]* | |'
}
strip_size /tmp/blocks.proc > /tmp/b1
strip_size /tmp/blocks.lib > /tmp/b2
if ! cmp -s /tmp/b1 /tmp/b2; then
	diff /tmp/b1 /tmp/b2 | head -n 10
	fail "kdbt-snapshot --blocks differs from /proc/kdbt/blocks"
fi
echo "blocks: $nb lines agree"

# Functions: name, module and every count.
grep -v '^#' /tmp/funcs.proc > /tmp/f1
grep -v '^#' /tmp/funcs.lib > /tmp/f2
if ! cmp -s /tmp/f1 /tmp/f2; then
	diff /tmp/f1 /tmp/f2 | head -n 10
	fail "kdbt-snapshot --functions differs from /proc/kdbt/functions"
fi
echo "functions: $(wc -l < /tmp/f1) lines agree"

# Totals: every key both print.
for k in blocks instructions block_executions indirect_branches \
	 indirect_calls indirect_jumps returns jumptable_hits \
	 jumptable_misses jumptable_hit_rate retired_instructions \
	 cache_bytes_used lost_estimate; do
	a=$(sed -n "s/^$k //p" /tmp/stats.proc)
	b=$(sed -n "s/^$k //p" /tmp/totals.lib | tr -d %)
	expect_eq "$k (stats vs snapshot)" "$b" "$a"
done
echo "totals agree: $(grep '^instructions' /tmp/stats.proc)"
rmmod kdbt || fail "rmmod failed"
