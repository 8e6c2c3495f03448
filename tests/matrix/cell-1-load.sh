# cell-1-load.sh - matrix cell (tests/matrix/run.sh): what the guest is
# (kernel, CPU model, page-table isolation, the mitigations the kernel
# patched itself with: "cell:" lines), then kdbt.ko loads, its selftest
# decodes __schedule, /proc/kdbt/stats reads, and rmmod unloads it.
# A cell that asks for a mitigation on the command line fails unless the
# kernel reports it on: retbleed=stuff (call-depth tracking, 6.12) needs
# retbleed "Mitigation: Stuffing", indirect_target_selection=on needs
# "Mitigation: Aligned branch/return thunks" (its_return_thunk), so a
# kernel that silently stops enabling them fails the cell.
# Every cell-*.sh has the same boot headers: one boot runs them all.
# vm-smp: 2
# vm-mem: 1024
# vm-bin: /usr/bin/stress-ng
# vm-timeout: 60
. /tests/lib.sh

echo "cell: kernel $(uname -r) ($(uname -v | cut -c1-40))"
echo "cell: cpu $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)," \
	"$(grep -c ^processor /proc/cpuinfo) CPUs"
grep -qw pti /proc/cpuinfo && echo "cell: pti on" || echo "cell: pti off"
vuln=/sys/devices/system/cpu/vulnerabilities
for v in meltdown retbleed spectre_v2 indirect_target_selection; do
	[ -e $vuln/$v ] && echo "cell: $v: $(cat $vuln/$v)"
done
echo "cell: cmdline $(cat /proc/cmdline)"
dmesg | grep -m1 'active return thunk:' | sed 's/^\[[^]]*\] /cell: /'
for w in $(cat /proc/cmdline); do
	case $w in
	retbleed=stuff)
		expect_eq "retbleed" "$(cat $vuln/retbleed)" "Mitigation: Stuffing" ;;
	indirect_target_selection=on)
		expect_eq "indirect_target_selection" \
			"$(cat $vuln/indirect_target_selection 2>&1)" \
			"Mitigation: Aligned branch/return thunks" ;;
	esac
done

mark=$(dmesg_mark)
insmod "$KDBT_KO" || fail "insmod failed"
dmesg_since "$mark" | grep 'kdbt: selftest: decoded __schedule' ||
	fail "no selftest line in dmesg"
expect_eq "state after insmod" "$(kdbt_stat state)" off
kdbt_read stats /tmp/stats
rmmod kdbt || fail "rmmod failed"
[ -e /proc/kdbt ] && fail "/proc/kdbt left behind"
echo "loaded and unloaded"
