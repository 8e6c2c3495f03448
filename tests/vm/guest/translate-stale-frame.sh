# translate-stale-frame.sh - an old interrupt frame left on a sleeping
# thread's stack does not keep the cache (kmod/stacks.c).  kdbt_test_stale.ko
# (tests/vm/modules) starts a thread that sleeps with the head of an
# interrupt frame in a local, its ip a cache address that maps to no
# native instruction (the cache's last byte, in the trampoline page): what
# a thread preempted inside an inserted sequence leaves behind (PREEMPT_RT
# preempts there often) once a later frame reuses the place without
# overwriting it.  The stack scan finds the frame, but the unwinder walks
# the thread's stack to its end without it, so in each mode off must
# succeed without "cache addresses stay on kernel stacks", and rmmod must
# work (CI once saw an rt guest's rmmod fail with EAGAIN after an off
# that kept the cache).
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

STALE=/bin/kdbt_test_stale.ko
CACHE_BYTES=33554432	# KDBT_CACHE_BYTES, kmod/cache_size.h
cleanup() {
	grep -q '^kdbt_test_stale ' /proc/modules && rmmod kdbt_test_stale
	kdbt_leave
}
trap cleanup EXIT

[ -r $STALE ] || fail "no $STALE"
for m in fast transparent; do
	insmod "$KDBT_KO" || fail "$m: insmod kdbt failed"
	base=$(ksym_addr kdbt_cache)
	[ -n "$base" ] || fail "no kdbt_cache in /proc/kallsyms"
	ip=$(printf '0x%x' $((0x$base + CACHE_BYTES - 1)))
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	kdbt_control on || fail "$m: on: $ctl_err"
	insmod $STALE addr=$ip || fail "$m: insmod kdbt_test_stale failed"
	sleep 1
	mark=$(dmesg_mark)
	kdbt_control off || fail "$m: off: $ctl_err"
	dmesg_since "$mark" | grep 'stay on kernel stacks' &&
		fail "$m: the old frame kept the cache"
	expect_eq "$m: state after off" "$(kdbt_stat state)" off
	rmmod kdbt || fail "$m: rmmod kdbt failed with the old frame in place"
	rmmod kdbt_test_stale || fail "$m: rmmod kdbt_test_stale failed"
	echo "$m: off and rmmod with an old frame at $ip on kdbt_stale's stack"
done
