# stats-access.sh - /proc/kdbt/stats is readable by root, in the documented
# format with the lines of the table of statistics, and refused with EACCES
# to an unprivileged user.
# vm-timeout: 60
. /tests/lib.sh

insmod "$KDBT_KO" || fail "insmod failed"
cat /proc/kdbt/stats > /tmp/stats || fail "root cannot read stats"
cat /tmp/stats
expect_eq "first line" "$(head -n 1 /tmp/stats)" "version 1"
expect_file_has /tmp/stats '^release [0-9]+\.[0-9]+\.[0-9]+$'
expect_file_has /tmp/stats '^state off$'
# Every line is "name value".
bad=$(grep -cvE '^[a-z_]+ [^ ]+$' /tmp/stats)
expect_eq "malformed lines" "$bad" 0
# The lines are the table's (KDBT_STATS(), as kdbt-snapshot knows it), in
# its order: none missing, none the table does not have.
kdbt-snapshot --names > /tmp/names || fail "kdbt-snapshot --names failed"
cut -d ' ' -f 1 /tmp/stats > /tmp/stats.names
if ! cmp -s /tmp/names /tmp/stats.names; then
	diff /tmp/names /tmp/stats.names | head -n 10
	fail "the lines of stats are not the table's"
fi
echo "$(wc -l < /tmp/names) lines, the table's, in its order"

expect_eq "mode of /proc/kdbt" "$(stat -c %a /proc/kdbt)" 500
expect_eq "mode of stats" "$(stat -c %a /proc/kdbt/stats)" 400
for f in /proc/kdbt/stats /proc/kdbt; do
	if runas 65534 65534 cat "$f" >/tmp/out 2>&1 ||
	   runas 65534 65534 ls "$f" >>/tmp/out 2>&1; then
		fail "unprivileged user could read $f"
	fi
	grep -q 'Permission denied' /tmp/out || fail "not EACCES for $f: $(cat /tmp/out)"
done
echo "unprivileged access refused with EACCES"
rmmod kdbt || fail "rmmod failed"
