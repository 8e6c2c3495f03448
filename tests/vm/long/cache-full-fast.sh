# cache-full-fast.sh (long tier) - translate-cache-full.sh in fast mode: a
# full 1 MiB cache is emptied and refilled while on, again and again under
# the workload - every refill maps the cache return addresses on every
# kernel stack back to native ones before the flush, and pulls sleeping
# tasks' return addresses into the fresh cache after it - and the
# workload, efault, off and rmmod stay correct.  See cache_full_session
# in guest-lib.sh.
# Fast mode has a boot of its own (shared with onoff-fast.sh): if a refill
# or off failed, kdbt would stay pinned.
# vm-smp: 2
# vm-timeout: 150
# vm-append: kdbt_test_boot=long-fast
. /tests/lib.sh

trap 'touch /tmp/cache-full.stop; kdbt_leave' EXIT
cache_full_session fast
