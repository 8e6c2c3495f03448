# abi-access.sh - /proc/kdbt/stats is readable by root, in the documented
# format with the lines of the table of statistics; who may open which
# file of /proc/kdbt (kdbt(4) ACCESS): an unprivileged user gets EACCES
# from the modes; uid 0 without CAP_SYS_ADMIN (no capabilities, only
# CAP_DAC_OVERRIDE, or root of a new user namespace, as in a container)
# gets EPERM on every file; CAP_PERFMON alone reads but cannot control.
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

# open_as CAPS FILE: how an open of /proc/kdbt/FILE by uid 0 with only
# CAPS (capdrop(1) words) ends: ok, EPERM, EACCES or EINVAL (control is
# written "bogus", which only an allowed opener gets to see refused).
open_as() {
	if [ "$2" = control ]; then
		capdrop "$1" sh -c 'echo bogus > /proc/kdbt/control' 2>/tmp/err
	else
		capdrop "$1" cat "/proc/kdbt/$2" >/dev/null 2>/tmp/err
	fi && { echo ok; return; }
	if grep -q 'Operation not permitted' /tmp/err; then echo EPERM
	elif grep -q 'Permission denied' /tmp/err; then echo EACCES
	elif grep -q 'Invalid argument' /tmp/err; then echo EINVAL
	else echo "other: $(cat /tmp/err)"
	fi
}

# expect_opens CAPS READERS CONTROL: READERS is how each reader's open
# ends, CONTROL how the control file's does.
expect_opens() {
	for f in stats blocks functions snapshot changes native; do
		expect_eq "$f opened with caps '$1'" "$(open_as "$1" $f)" "$2"
	done
	expect_eq "control opened with caps '$1'" "$(open_as "$1" control)" "$3"
}

mark=$(dmesg_mark)
expect_opens none EPERM EPERM
expect_opens dac_override,dac_read_search EPERM EPERM
expect_opens --userns EPERM EPERM
expect_opens perfmon ok EPERM
expect_opens sys_admin ok EINVAL
expect_opens perfmon,sys_admin ok EINVAL
dmesg_since "$mark" > /tmp/dmesg
expect_file_has /tmp/dmesg 'kdbt: control: open refused to sh\[[0-9]+\]: needs CAP_SYS_ADMIN in the initial user namespace'
expect_file_has /tmp/dmesg 'kdbt: stats: open refused to cat\[[0-9]+\]: needs CAP_PERFMON or CAP_SYS_ADMIN'
kdbt_get state state
expect_eq "state after the refused opens" "$state" off
echo "uid 0 without CAP_SYS_ADMIN: EPERM; CAP_PERFMON: reads only"
rmmod kdbt || fail "rmmod failed"
