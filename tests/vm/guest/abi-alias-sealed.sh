# abi-alias-sealed.sh - the code cache's writable alias (kmod/alias.c) is
# read-only but while the translator writes through it: with the
# tests-only parameter probe_alias, kdbt.ko tries a write into every page
# of the alias (copy_to_kernel_nofault(), each page's own byte, under the
# translation lock with no page open) and logs how many took it.  It must
# be none: after load, while on in each mode with system calls running
# on both CPUs (translating, linking: the pages are opened and sealed
# thousands of times), and after off.  Checked through the kernel's own
# fault handling, no page-table dump (Debian's 6.1 has no
# CONFIG_PTDUMP_DEBUGFS).  With the alias left writable, as before
# alias.c, the probe counts every page: 8192 of 8192.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

trap kdbt_leave EXIT

# probe WHEN: no page of the alias may take a write; prints the log line.
probe() {
	_mark=$(dmesg_mark)
	echo 1 > /sys/module/kdbt/parameters/probe_alias ||
		fail "$1: writing probe_alias failed"
	_line=$(dmesg_since "$_mark" | grep 'kdbt: alias: ') ||
		fail "$1: no 'alias:' line in the kernel log"
	echo "figure: $1: ${_line#*kdbt: }"
	_w=$(echo "$_line" | sed -n 's/.*alias: \([0-9]*\) of.*/\1/p')
	expect_eq "$1: alias pages writable outside a translation" "$_w" 0
	_opened=$(echo "$_line" | sed -n 's/.*(\([0-9]*\) opened.*/\1/p')
	_sealed=$(echo "$_line" | sed -n 's/.*opened, \([0-9]*\) sealed.*/\1/p')
	expect_eq "$1: pages sealed = pages opened" "$_sealed" "$_opened"
}

insmod "$KDBT_KO" || fail "insmod failed"
probe "after load"
echo 2 > /sys/module/kdbt/parameters/probe_alias 2>/dev/null &&
	fail "probe_alias took 2"
for m in transparent fast; do
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	kdbt_control on || fail "$m: on: $ctl_err"
	getppid --burn 3 2 > /dev/null &
	ls -R /proc/sys > /dev/null
	probe "$m, on, system calls running"
	wait $!
	kdbt_control off || fail "$m: off: $ctl_err"
	probe "$m, off"
done
_o=$(dmesg | sed -n 's/.*alias: .*(\([0-9]*\) opened.*/\1/p' | tail -n 1)
[ "${_o:-0}" -gt 100 ] || fail "only ${_o:-0} alias pages opened in both modes"
rmmod kdbt || fail "rmmod failed"
