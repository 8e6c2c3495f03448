# translate-kvm.sh (a reproducer, in no tier) - KVM beside translation,
# which kdbt refuses unless loaded with allow_kvm=1, as here: one run in
# three or four hangs the guest (both CPUs loop in the int3 handler at a
# jump-label site in __schedule, the preempt notifiers' static key that
# KVM flips when it creates or destroys a VM; kmod/refuse.c, kdbt(7)
# BUGS).  Run: sh tests/vm/run.sh tests/vm/repro/translate-kvm.sh
# (several copies in one boot to see a hang).  What it checks once it
# passes: kvm and kvm_amd (TCG's -cpu
# max offers SVM) load while kdbt is on, and with KVM loaded `on` works.
# In both modes KVM guests run while translated (kvmrun: 5 VMs of 2000
# port writes each, one VM exit each, every byte checked), kvm_amd's
# svm_vcpu_run is counted at least once per VM entry, and __svm_vcpu_run
# (which runs with the guest's GS base between its VMLOADs) runs
# natively: never counted.  Then off, rmmod kdbt, KVM still runs guests,
# and kvm_amd and kvm unload.
# vm-timeout: 240
. /tests/lib.sh

mods="irqbypass kvm ccp kvm-amd"
for m in $mods; do
	[ -r /bin/$m.ko ] || fail "/bin/$m.ko missing (tests/vm/run.sh ships it)"
done
kvm_cleanup() {
	kdbt_leave
	for m in kvm_amd ccp kvm irqbypass; do rmmod $m 2>/dev/null; done
}
trap kvm_cleanup EXIT
grep -qw svm /proc/cpuinfo || fail "the guest CPU has no SVM"
[ -e /dev/kvm ] || mknod /dev/kvm c 10 232

insmod "$KDBT_KO" allow_kvm=1 || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
for m in $mods; do
	insmod /bin/$m.ko || fail "insmod $m while on"
done
kvm_calls() {
	kdbt_read functions /tmp/kvm.functions
	awk -v f="$1" '$1 == f && $2 == "[kvm_amd]" { s += $8 }
		END { printf "%.0f\n", s }' /tmp/kvm.functions
}
kvm_twice() {
	c0=$(kvm_calls svm_vcpu_run)
	/bin/kvmrun 2000 5 || fail "kvmrun while on ($1)"
	c1=$(kvm_calls svm_vcpu_run)
	echo "figure: $1: svm_vcpu_run called $((c1 - c0)) times for 10000 VM exits"
	[ $((c1 - c0)) -ge 10005 ] ||
		fail "$1: svm_vcpu_run counted $((c1 - c0)) times, want >= 10005"
	expect_eq "$1: calls of __svm_vcpu_run (runs natively)" \
		"$(kvm_calls __svm_vcpu_run)" 0
}
kvm_twice transparent
kdbt_control off || fail "off: $ctl_err"
/bin/kvmrun 100 1 || fail "kvmrun after off"
kdbt_control "mode fast" || fail "mode fast: $ctl_err"
kdbt_control on || fail "fast on with kvm loaded: $ctl_err"
kvm_twice fast
kdbt_control off || fail "fast off: $ctl_err"
rmmod kdbt || fail "rmmod kdbt"
/bin/kvmrun 100 1 || fail "kvmrun after rmmod kdbt"
for m in kvm_amd ccp kvm irqbypass; do
	rmmod $m || fail "rmmod $m"
done
