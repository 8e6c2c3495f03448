# unload-refill.sh (long tier) - rmmod while a full cache keeps asking for
# refills: six times, kdbt loads with the smallest cache (cache_kb=256),
# switches on in transparent mode (no module reference: rmmod may come
# while on), the workload overflows the cache, and rmmod switches off and
# unloads under it.  Unload stops the dispatcher's refill requests, waits
# for the one in flight and cancels a queued refill before it frees
# anything (kdbt_engine_exit(): a flag under the engine lock); a refill
# left queued would run from freed module text.  The workload stays
# correct throughout, and the console stays clean.
# vm-smp: 2
# vm-timeout: 240
. /tests/lib.sh

stop=/tmp/unload-refill.stop
trap 'touch $stop; wait; kdbt_leave' EXIT
rm -f $stop
workload 200 $stop > /tmp/workload.out 2>&1 &
wl=$!
sleep 2
for i in 1 2 3 4 5 6; do
	insmod "$KDBT_KO" cache_kb=256 || fail "cycle $i: insmod failed"
	kdbt_control on || fail "cycle $i: on: $ctl_err"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kdbt_num full cache_full
		[ "$full" -ge 2 ] && break
		sleep 1
	done
	[ "$full" -ge 1 ] || fail "cycle $i: the 256 KiB cache never filled"
	echo "cycle $i: cache_full $full, then rmmod while on"
	rmmod kdbt || fail "cycle $i: rmmod failed"
done
touch $stop
wait $wl || { cat /tmp/workload.out; fail "the workload failed"; }
tail -n 3 /tmp/workload.out
