# entries-stale-int3.sh - an int3 met at an entry call site after the
# text-poke batch that wrote the site has ended sends the CPU back to the
# site (entries.c, site_int3()), not into "Oops: int3".  Such an int3 is
# a stale copy of the site's bytes, which QEMU's TCG can keep after the
# batch (docs/KERNEL.md, section 5; it killed a 6.12 guest in CI at an
# rmmod while on).  kdbt writes every site once more after its batch,
# which ends such copies; inject_stale_int3 (kdbt(4)) plays the stale
# copy: an int3 that no batch claims on every site for 50 ms, after the
# sites are written at on and again at unload, while the workload runs
# on both CPUs.  Those int3s reach kdbt's die notifier (stale_breakpoints
# grows; the memory holds them too, which a stale copy's do not, so the
# notifier takes them as stale while kdbt injects).
# The workload stays correct and the console clean.
# vm-smp: 2
. /tests/lib.sh

stop=/tmp/entries-stale-int3.stop
trap 'touch $stop; wait; kdbt_leave' EXIT
rm -f $stop
workload 60 $stop > /tmp/workload.out 2>&1 &
wl=$!
insmod "$KDBT_KO" inject_stale_int3=2 || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
sleep 1
kdbt_num n stale_breakpoints
echo "figure: int3s met at the sites after on: $n"
[ "$n" -gt 0 ] || fail "no int3 met at the sites in the 50 ms after on"
efault > /tmp/efault.out || fail "efault failed while on"
expect_eq "injections left" \
	"$(cat /sys/module/kdbt/parameters/inject_stale_int3)" 1
mark=$(dmesg_mark)
rmmod kdbt || fail "rmmod while on failed"
grep -q '^kdbt ' /proc/modules && fail "kdbt still loaded"
dmesg_since "$mark" | grep 'int3s met' ||
	fail "no 'int3s met' line in the kernel log at unload"
touch $stop
wait $wl || { cat /tmp/workload.out; fail "the workload failed"; }
tail -n 1 /tmp/workload.out
