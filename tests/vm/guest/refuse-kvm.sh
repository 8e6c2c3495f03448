# refuse-kvm.sh - KVM and translation are kept apart (kmod/refuse.c):
# translation beside KVM can hang the machine (tests/vm/repro/
# translate-kvm.sh, kdbt(7) BUGS).  While on, loading kvm.ko
# fails with EBUSY before its init runs (one kernel log line); while kvm
# is loaded, `on` fails with EBUSY (one line) and the kernel stays native;
# while off, kvm loads and unloads as usual, and after its rmmod `on`
# works again.  (irqbypass.ko, kvm's dependency, is not refused.)
# vm-timeout: 180
. /tests/lib.sh

for m in irqbypass kvm; do
	[ -r /bin/$m.ko ] || fail "/bin/$m.ko missing (tests/vm/run.sh ships it)"
done
insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
insmod /bin/irqbypass.ko || fail "insmod irqbypass while on"
mark=$(dmesg_mark)
insmod /bin/kvm.ko 2> /tmp/kvm.err && fail "kvm loaded while on"
cat /tmp/kvm.err
grep -q 'busy' /tmp/kvm.err || fail "insmod kvm while on: '$(cat /tmp/kvm.err)', want EBUSY"
# (busybox insmod tries finit_module, then init_module: a line for each)
n=$(dmesg_since "$mark" | grep -c 'kdbt: kvm refused while translation is on')
[ "$n" -ge 1 ] && [ "$n" -le 2 ] || fail "veto lines: got $n, want 1 per load attempt"
grep -q '^kvm ' /proc/modules && fail "kvm in /proc/modules after the veto"
expect_eq "state after the veto" "$(kdbt_stat state)" on
kdbt_control off || fail "off: $ctl_err"
insmod /bin/kvm.ko || fail "insmod kvm while off"
mark=$(dmesg_mark)
control_fails on "Device or resource busy"
expect_eq "refusal lines" \
	"$(dmesg_since "$mark" | grep -c 'kdbt: on refused: kvm is loaded')" 1
expect_eq "state with kvm loaded" "$(kdbt_stat state)" off
efault > /dev/null || fail "efault after the refusal"
rmmod kvm || fail "rmmod kvm"
kdbt_control on || fail "on after rmmod kvm: $ctl_err"
expect_eq "state after rmmod kvm" "$(kdbt_stat state)" on
kdbt_control off || fail "off: $ctl_err"
rmmod irqbypass || fail "rmmod irqbypass"
rmmod kdbt || fail "rmmod kdbt"
