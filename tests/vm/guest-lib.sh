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
