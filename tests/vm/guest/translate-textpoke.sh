# translate-textpoke.sh - kernel text patched while it runs translated:
# the translated kernel must observe every change (textpoke.c), in
# transparent mode and then in fast mode, each in its own module load.
#
# With translation on and the open path already translated (warm-up):
#   - a kprobe attached to do_sys_openat2 must count hits for opens made
#     afterwards (kprobe_profile), also while the function tracer traces
#     the same function (two ftrace users: the site calls the shared
#     ftrace_regs_caller, which must see the native return address; the
#     tracer must see the opens too), and stop counting once removed;
#   - enabling the sched_process_exec tracepoint flips its static key
#     (a jump label): execs made afterwards must appear in the trace;
#   - disabling it again must stop new events.
# Without invalidation the cache keeps the old bytes and sees neither.
# See textpoke_session in guest-lib.sh; tests/vm/long/textpoke-smp4.sh is the
# same on 4 CPUs.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

trap textpoke_cleanup EXIT
textpoke_session transparent
textpoke_session fast
