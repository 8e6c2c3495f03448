# guest-lib.sh - helpers sourced by guest test scripts (/tests/lib.sh).
#
# Owns: the small vocabulary tests use to state what they expect.
# Must never: print kernel-problem words (WARNING:, BUG:, ...) of its own:
# the host scans the console for them.

KDBT_KO=/kdbt/kdbt.ko

# fail MESSAGE: report why the test fails and stop it.
fail() {
	echo "FAIL: $*"
	exit 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_file_has FILE REGEX
expect_file_has() {
	grep -Eq "$2" "$1" || fail "$1 has no line matching '$2'"
}

# dmesg_since MARK: kernel messages logged after `dmesg_mark` returned MARK.
dmesg_mark() {
	dmesg | wc -l
}
dmesg_since() {
	dmesg | tail -n +"$(($1 + 1))"
}

# The helpers below fork nothing on their usual path, so that tests can
# call them in tight loops (TCG forks slowly, more so while translating).

# kdbt_get VAR NAME: set VAR to the value of NAME in /proc/kdbt/stats;
# empty and status 1 if there is no such line (or no such file).
kdbt_get() {
	_v=
	_st=1
	while read -r _k _w; do
		[ "$_k" = "$2" ] && { _v=$_w; _st=0; break; }
	done < /proc/kdbt/stats
	eval "$1=\$_v"
	return $_st
}

# kdbt_stat NAME: print the value of NAME in /proc/kdbt/stats (for $(...)).
kdbt_stat() {
	kdbt_get _s "$1" && echo "$_s"
}

# kdbt_num VAR NAME: set VAR to the value of NAME in /proc/kdbt/stats,
# failing the test unless it is a decimal number.
kdbt_num() {
	kdbt_get _n "$2" || fail "/proc/kdbt/stats has no $2 line"
	case $_n in
	''|*[!0-9]*) fail "/proc/kdbt/stats: $2 is '$_n', not a number" ;;
	esac
	eval "$1=\$_n"
}

# kdbt_control WORDS: write WORDS to /proc/kdbt/control in one write.
# Status 0 if the write succeeded; otherwise ctl_err holds the shell's
# message, which ends with the error's text ("Invalid argument", ...).
kdbt_control() {
	ctl_err=
	echo "$*" 2>/tmp/.kdbt_control.err > /proc/kdbt/control && return 0
	ctl_err=$(cat /tmp/.kdbt_control.err)
	return 1
}

# control_fails WORDS ERROR: writing WORDS must fail with ERROR's text.
control_fails() {
	kdbt_control "$1" && fail "'$1' > /proc/kdbt/control succeeded"
	case $ctl_err in
	*"$2"*) ;;
	*) fail "'$1' > /proc/kdbt/control: want '$2', got '$ctl_err'" ;;
	esac
}
