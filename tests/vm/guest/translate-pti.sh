# translate-pti.sh - with kernel page-table isolation (forced with pti=on:
# TCG's -cpu max does not need it; every Intel model has it by default),
# the kernel runs from the code cache as without: the entry code switches
# to the kernel's page tables before it calls the C handlers whose call
# sites kdbt patches (entries.c).  In one boot: the workload mix in
# transparent mode for 20 s (coverage >= 99%, efault as natively, off,
# rmmod); 20000 getppid() calls counted exactly; kprobes and tracepoints
# patched while translated; then 6 fast-mode on/off cycles under load,
# rmmod.  The CPU/flavour matrix (tests/matrix, run by CI) runs the Intel
# models, which have PTI, for longer in both modes.
# vm-append: pti=on
# vm-timeout: 240
. /tests/lib.sh

grep -qw pti /proc/cpuinfo || fail "pti=on did not turn PTI on"
trap textpoke_cleanup EXIT
translated_workload transparent 20

N=20000
insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
getppid_exact $N
kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod after the exact count failed"

textpoke_session transparent
onoff_cycles 6 fast
