# textpoke-smp4.sh - translate-textpoke.sh (tests/vm/guest) on 4 CPUs: a kprobe
# and a tracepoint's static key attached while the code they patch runs
# translated must be seen, in transparent mode and then in fast mode (the
# other CPUs' caches must not keep the old bytes either).  See
# textpoke_session in guest-lib.sh.
# vm-smp: 4
# vm-timeout: 150
. /tests/lib.sh

trap textpoke_cleanup EXIT
textpoke_session transparent
textpoke_session fast
