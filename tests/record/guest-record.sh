# guest-record.sh - the guest half of record-report.sh: kdbt-record as a
# user meets it.  Without kdbt.ko it says so and writes nothing.  Then,
# with translation off (kdbt-record switches it on and off), it records
# `getppid 1000000` and `dd if=/dev/zero of=/dev/null bs=1 count=100000`,
# printing /proc/kdbt/stats before and after each as
#	STATS FILE KEY BEFORE AFTER
# for the host to compare with kdbt-report's totals (and kdbt.ko's
# build id note as MODNOTES kdbt HEX), and checks here that
# translation is off again and that the static kdbt-report reads the
# files in the guest with the same totals.  Then: the default name
# kdbt.data, the previous one kept as kdbt.data.old, no temporary file
# left, the command's exit status recorded; a command that cannot run
# (exit 1, no file, translation off); the command's user (under sudo,
# -u, -u root; a user it cannot become: nothing runs, as before); a full
# disk (the same); --keep; translation already on (left on); -a until
# SIGINT; -a until SIGQUIT and a closed stderr (SIGPIPE), each with the
# file whole, no temporary file and translation off; --reset; a reset
# during a recording (a warning, the interval flagged).  At the end it
# sends getppid.data and dd.data to the host (sendfile).
# vm-smp: 2
# vm-timeout: 240
. /tests/lib.sh

trap kdbt_leave EXIT

# expect_fail WHAT TEXT COMMAND...: COMMAND exits 1 and says TEXT.
expect_fail() {
	_w=$1 _t=$2
	shift 2
	"$@" > /tmp/ef.out 2>&1 && fail "$_w: succeeded"
	grep -q "$_t" /tmp/ef.out || fail "$_w: '$(cat /tmp/ef.out)' lacks '$_t'"
	echo "$_w: $(grep -m 1 "$_t" /tmp/ef.out)"
}

# report_total FILE KEY: KEY of the totals kdbt-report gives for FILE.
report_total() {
	kdbt-report --stdio -n 1 -i "$1" |
		awk -v k="$2" '$1 == "#" && $2 == k { print $3; exit }'
}

expect_fail "without kdbt.ko" "kdbt.ko is not loaded" \
	kdbt-record -o /tmp/none.data -- true
[ -e /tmp/none.data ] && fail "a file was written without kdbt.ko"

insmod "$KDBT_KO" || fail "insmod failed"
getppid 1000 > /dev/null
# The note kdbt-record reads kdbt's build id from, for the host to check.
echo "MODNOTES kdbt $(od -An -tx1 -v /sys/module/kdbt/notes/.note.gnu.build-id | tr -d ' \n')"

# record NAME COMMAND...: record COMMAND into /tmp/NAME with the stats
# around it; translation must be off before and after.
record() {
	_n=$1
	shift
	kdbt_read stats "/tmp/$_n.s0"
	expect_eq "state before recording $_n" "$(stat_of "/tmp/$_n.s0" state)" off
	kdbt-record -o "/tmp/$_n" -- "$@" 2> "/tmp/$_n.err" > /dev/null ||
		fail "kdbt-record -- $*: $(cat "/tmp/$_n.err")"
	kdbt_read stats "/tmp/$_n.s1"
	cat "/tmp/$_n.err"
	expect_eq "state after recording $_n" "$(stat_of "/tmp/$_n.s1" state)" off
	for _k in instructions block_executions indirect_branches \
		  jumptable_hits jumptable_misses; do
		_a=$(stat_of "/tmp/$_n.s0" $_k)
		_b=$(stat_of "/tmp/$_n.s1" $_k)
		echo "STATS $_n $_k $_a $_b"
		expect_eq "$_n: $_k in the guest's kdbt-report" \
			"$(report_total "/tmp/$_n" $_k)" $((_b - _a))
	done
}

record getppid.data getppid 1000000
record dd.data dd if=/dev/zero of=/dev/null bs=1 count=100000
kdbt-report --stdio -n 12 -i /tmp/getppid.data

# Default name, .old, no temporary file, the exit status.
mkdir -p /tmp/dflt && cd /tmp/dflt || fail "no /tmp/dflt"
kdbt-record -q -- true || fail "kdbt-record -- true"
kdbt-record -q -- sh -c 'exit 3' || fail "kdbt-record -- sh -c 'exit 3'"
[ -f kdbt.data ] && [ -f kdbt.data.old ] ||
	fail "kdbt.data and kdbt.data.old: $(ls -A)"
ls -A | grep -q '^\.kdbt' && fail "temporary files left: $(ls -A)"
kdbt-report --stdio | grep -q '^# command  : sh -c exit 3 (exit status 3)$' ||
	fail "kdbt.data: $(kdbt-report --stdio | grep command)"
kdbt-report --stdio -i kdbt.data.old | grep -q '(exit status 0)$' ||
	fail "kdbt.data.old is not the first recording"
cd / || fail "cd /"

# A command that cannot run.
expect_fail "a command that cannot run" "cannot run '/nonexistent'" \
	kdbt-record -o /tmp/bad.data -- /nonexistent
[ -e /tmp/bad.data ] && fail "a file for a command that could not run"
ls -A /tmp | grep -q '^\.bad' && fail "a temporary file left: $(ls -A /tmp)"
expect_eq "state after a command that cannot run" "$(kdbt_stat state)" off

# The command's user: under sudo (SUDO_UID and SUDO_GID set, kdbt-record
# root), the user who ran sudo, with that user's groups; -u USER (a name
# or a uid); -u root keeps root.  Each line: uid, gid, groups.
ids='echo $(id -u) $(id -g) $(id -G)'
got=$(SUDO_UID=65534 SUDO_GID=65534 kdbt-record -q -o /tmp/u.data -- sh -c "$ids") ||
	fail "kdbt-record under sudo"
expect_eq "the command's user under sudo" "$got" "65534 65534 65534"
got=$(SUDO_UID=65534 SUDO_GID=65534 kdbt-record -q -u root -o /tmp/u.data -- sh -c "$ids")
expect_eq "the command's user under sudo with -u root" "$got" "0 0 0"
got=$(kdbt-record -q -u nobody -o /tmp/u.data -- sh -c "$ids")
expect_eq "the command's user with -u nobody" "$got" "65534 65534 65534"
got=$(kdbt-record -q --user 65534 -o /tmp/u.data -- sh -c "$ids")
expect_eq "the command's user with --user 65534" "$got" "65534 65534 65534"
rm -f /tmp/u.data /tmp/u.data.old
expect_fail "-u of no user" "user no-such-user: no such user" \
	kdbt-record -u no-such-user -o /tmp/u.data -- true
# A user it cannot become (no CAP_SETGID): nothing runs, no file.
expect_fail "a user it cannot become" \
	"cannot run 'touch' as nobody (uid 65534): setgroups: Operation not permitted" \
	capdrop sys_admin,perfmon,syslog \
	kdbt-record -u nobody -o /tmp/u.data -- touch /tmp/u.ran
[ -e /tmp/u.ran ] && fail "the command ran though its user could not be set"
[ -e /tmp/u.data ] && fail "a file for a command whose user could not be set"
ls -A /tmp | grep -q '^\.u\.data' && fail "a temporary file left: $(ls -A /tmp)"
expect_eq "state after a user it cannot become" "$(kdbt_stat state)" off

# A full disk: a message, no file, no temporary file, translation off.
mkdir -p /tmp/full && mount -t tmpfs -o size=64k tmpfs /tmp/full ||
	fail "cannot mount a small tmpfs"
expect_fail "a full disk" "No space left on device" \
	kdbt-record -o /tmp/full/kdbt.data -- getppid 100000
[ -z "$(ls -A /tmp/full)" ] || fail "left on the full disk: $(ls -A /tmp/full)"
umount /tmp/full
expect_eq "state after a full disk" "$(kdbt_stat state)" off

# --keep leaves translation on; translation already on stays on.
kdbt-record -q -k -o /tmp/k.data -- true || fail "kdbt-record -k"
expect_eq "state after kdbt-record --keep" "$(kdbt_stat state)" on
kdbt-record -q -o /tmp/on.data -- true || fail "kdbt-record while on"
expect_eq "state after kdbt-record while on" "$(kdbt_stat state)" on
kdbt-report --stdio --header -i /tmp/on.data | grep -q 'record flags  : baseline command targets edges$' ||
	fail "flags of a recording made while on: $(kdbt-report --header -i /tmp/on.data | grep flags)"
kdbt_control off || fail "off: $ctl_err"

# -a: until SIGINT (a background job of a script ignores SIGINT; blocked,
# kdbt-record still receives it).
kdbt-record -q -a -o /tmp/a.data &
p=$!
sleep 2
kill -INT $p
wait $p || fail "kdbt-record -a ended with status $? on SIGINT"
kdbt-report --stdio -i /tmp/a.data | grep -q 'system-wide' ||
	fail "kdbt-record -a: $(kdbt-report --stdio -i /tmp/a.data 2>&1 | head -5)"

# ended_within SECS PID: PID has ended (a zombie the shell has not waited
# for yet counts) within SECS seconds.
ended_within() {
	_n=$(($1 * 10))
	while [ $_n -gt 0 ]; do
		case $(cut -d' ' -f3 "/proc/$2/stat" 2>/dev/null) in
		''|Z) return 0 ;;
		esac
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# SIGQUIT (Ctrl-\) ends -a as SIGINT does: the file whole, no temporary
# file left, translation off again.
kdbt-record -q -a -o /tmp/quit.data &
p=$!
sleep 2
kill -QUIT $p
if ! ended_within 10 $p; then
	kill -TERM $p
	fail "kdbt-record -a still runs 10 s after SIGQUIT"
fi
wait $p || fail "kdbt-record -a ended with status $? on SIGQUIT"
kdbt-report --stdio -i /tmp/quit.data | grep -q 'system-wide' ||
	fail "kdbt-record -a, SIGQUIT: $(kdbt-report --stdio -i /tmp/quit.data 2>&1 | head -5)"
ls -A /tmp | grep -q '^\.quit\.data' && fail "SIGQUIT: a temporary file left: $(ls -A /tmp)"
expect_eq "state after SIGQUIT" "$(kdbt_stat state)" off

# A closed stderr: the warning of a reset gets EPIPE, not SIGPIPE, and
# the recording ends as usual.
(kdbt-record -F 5 -o /tmp/pipe.data -- sh -c 'sleep 1;
	echo reset > /proc/kdbt/control; getppid 1000; sleep 1' 2>&1 > /dev/null
 echo $? > /tmp/pipe.st) | true
expect_eq "kdbt-record's status with stderr closed" "$(cat /tmp/pipe.st)" 0
kdbt-report --stdio --interval -i /tmp/pipe.data | grep -q '\[reset\]$' ||
	fail "stderr closed: no interval flagged [reset] in /tmp/pipe.data"
ls -A /tmp | grep -q '^\.pipe\.data' && fail "stderr closed: a temporary file left: $(ls -A /tmp)"
expect_eq "state after a recording with stderr closed" "$(kdbt_stat state)" off

# --reset: the counters restart, so the stats after are the recording.
kdbt-record -q -r -o /tmp/r.data -- getppid 1000 > /dev/null ||
	fail "kdbt-record --reset"
expect_eq "instructions after --reset" "$(report_total /tmp/r.data instructions)" \
	"$(kdbt_stat instructions)"

# A reset during a recording: a warning, the interval flagged.
kdbt-record -F 5 -o /tmp/rs.data -- sh -c \
	'getppid 1000; sleep 1; echo reset > /proc/kdbt/control; getppid 1000; sleep 1' \
	> /dev/null 2> /tmp/rs.err || fail "kdbt-record with a reset: $(cat /tmp/rs.err)"
grep -q 'warning: the counters were reset' /tmp/rs.err ||
	fail "no warning of the reset: $(cat /tmp/rs.err)"
kdbt-report --stdio --interval -i /tmp/rs.data | grep -q '\[reset\]$' ||
	fail "no interval flagged [reset]"
echo "a reset during a recording: $(head -n 1 /tmp/rs.err | cut -c1-80)..."

rmmod kdbt || fail "rmmod failed"
sendfile getppid.data /tmp/getppid.data || fail "sendfile getppid.data"
sendfile dd.data /tmp/dd.data || fail "sendfile dd.data"
