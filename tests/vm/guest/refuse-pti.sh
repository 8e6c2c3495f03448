# refuse-pti.sh - with kernel page-table isolation active (forced with
# pti=on: TCG's CPU does not need it), `on` must fail with EOPNOTSUPP
# ("Operation not supported") and one clear kernel log line, and the
# kernel keeps running natively: state off, and rmmod works.
# vm-append: pti=on
# vm-timeout: 60
. /tests/lib.sh

grep -q ' pti' /proc/cpuinfo || fail "pti=on did not turn PTI on"
insmod "$KDBT_KO" || fail "insmod failed"
mark=$(dmesg_mark)
control_fails on "Operation not supported"
expect_eq "refusal lines" \
	"$(dmesg_since "$mark" | grep -c 'kdbt: on refused: kernel page-table isolation')" 1
expect_eq "state" "$(kdbt_stat state)" off
efault > /dev/null || fail "efault after the refusal"
rmmod kdbt || fail "rmmod failed"
