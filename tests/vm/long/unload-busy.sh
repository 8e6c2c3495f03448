# unload-busy.sh (long tier) - rmmod never frees a cache that a kernel
# stack may still return into.  While on in transparent mode (no module
# reference: rmmod may come while on) under the workload, the module's
# fault injection (inject_busy_stacks, kdbt(4)) makes the next 101 stack
# rewrites fail as if a task were stopped where its cache address maps
# to nothing native: the first quiesce at unload gives up after its 100
# tries, and unload must wait and try again (logging that it waits), not
# free the cache; the second try succeeds and rmmod returns.  The
# workload stays correct throughout, and the console stays clean.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

stop=/tmp/unload-busy.stop
trap 'touch $stop; wait; kdbt_leave' EXIT
rm -f $stop
workload 200 $stop > /tmp/workload.out 2>&1 &
wl=$!
insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
sleep 2
echo 101 > /sys/module/kdbt/parameters/inject_busy_stacks ||
	fail "no inject_busy_stacks parameter"
mark=$(dmesg_mark)
t0=$(uptime_cs)
rmmod kdbt || fail "rmmod failed"
echo "rmmod took $((($(uptime_cs) - t0) / 100)) s"
grep -q '^kdbt ' /proc/modules && fail "kdbt still loaded"
dmesg_since "$mark" > /tmp/dmesg
cat /tmp/dmesg
expect_file_has /tmp/dmesg 'kdbt: stack rewrite failed by injection \(inject_busy_stacks\): the cache stays'
expect_file_has /tmp/dmesg 'kdbt: unload waits until no kernel stack holds a cache address \(try 1\)'
expect_file_has /tmp/dmesg 'kdbt: unload: no kernel stack holds a cache address after 2 tries'
grep -q 'unloading with cache addresses' /tmp/dmesg &&
	fail "unload freed the cache with cache addresses on stacks"
touch $stop
wait $wl || { cat /tmp/workload.out; fail "the workload failed"; }
tail -n 3 /tmp/workload.out
