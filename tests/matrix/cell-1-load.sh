# cell-1-load.sh - matrix cell (tests/matrix/run.sh): what the guest is
# (kernel, CPU model, page-table isolation, the mitigations the kernel
# patched itself with: "cell:" lines), then kdbt.ko loads, its selftest
# decodes __schedule, /proc/kdbt/stats reads, and rmmod unloads it.
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
for v in meltdown retbleed spectre_v2; do
	echo "cell: $v: $(cat /sys/devices/system/cpu/vulnerabilities/$v)"
done
echo "cell: cmdline $(cat /proc/cmdline)"

mark=$(dmesg_mark)
insmod "$KDBT_KO" || fail "insmod failed"
dmesg_since "$mark" | grep 'kdbt: selftest: decoded __schedule' ||
	fail "no selftest line in dmesg"
expect_eq "state after insmod" "$(kdbt_stat state)" off
kdbt_read stats /tmp/stats
rmmod kdbt || fail "rmmod failed"
[ -e /proc/kdbt ] && fail "/proc/kdbt left behind"
echo "loaded and unloaded"
