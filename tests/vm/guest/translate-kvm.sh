# translate-kvm.sh - KVM beside translation (kmod/kvm_amd's VM entry runs
# natively, engine.c; text-poke batches, textpoke.c): kvm and kvm_amd
# (TCG's -cpu max offers SVM) load while kdbt is on, and with KVM loaded
# `on` works.  In both modes KVM guests run while translated (kvmrun: 5
# VMs of 1000 port writes each, one VM exit each, every byte checked),
# the workload mix passes beside them, kvm_amd's svm_vcpu_run is counted
# at least once per VM entry, and __svm_vcpu_run (which runs with the
# guest's GS base between its VMLOADs) runs natively: never counted.
# Each VM's creation and destruction flips the preempt notifiers' static
# key in __schedule, a text-poke batch the translator must read as its
# new bytes (text_poke_overlays; sending a CPU to the batch's int3 hung
# the guest one run in three or four under TCG: docs/KERNEL.md, section
# 5).  Then rmmod in both orders: kdbt first (KVM still runs guests), and
# KVM first while kdbt is on.
# ccp, a dependency of kvm_amd in the generic kernel only, loads where
# the kernel has it.  (Under PREEMPT_RT kvm wants a constant TSC, which
# QEMU's TCG does not offer: not run on the rt kernel.)
# vm-timeout: 240
. /tests/lib.sh

mods="irqbypass kvm kvm-amd"
[ -r /bin/ccp.ko ] && mods="irqbypass kvm ccp kvm-amd"
for m in $mods; do
	[ -r /bin/$m.ko ] || fail "/bin/$m.ko missing (tests/vm/run.sh ships it)"
done
kvm_rmmod() {
	for m in kvm_amd ccp kvm irqbypass; do
		grep -q "^$m " /proc/modules || continue
		rmmod $m || return 1
	done
}
kvm_cleanup() {
	kdbt_leave
	kvm_rmmod 2>/dev/null
}
trap kvm_cleanup EXIT
grep -qw svm /proc/cpuinfo || fail "the guest CPU has no SVM"
[ -e /dev/kvm ] || mknod /dev/kvm c 10 232

insmod "$KDBT_KO" || fail "insmod failed"
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
	kdbt_num o0 text_poke_overlays
	/bin/workload 4 /nonexistent pipes signals > /tmp/kvm.wl 2>&1 &
	wl=$!
	/bin/kvmrun 1000 5 || fail "kvmrun while on ($1)"
	wait $wl || { cat /tmp/kvm.wl; fail "$1: the workload failed beside KVM"; }
	c1=$(kvm_calls svm_vcpu_run)
	kdbt_num o1 text_poke_overlays
	echo "figure: $1: svm_vcpu_run called $((c1 - c0)) times for 5000 VM exits"
	echo "figure: $1: batch sites read as their new bytes: $((o1 - o0))"
	[ $((c1 - c0)) -ge 5005 ] ||
		fail "$1: svm_vcpu_run counted $((c1 - c0)) times, want >= 5005"
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

# The other order: KVM goes while translation is on.
insmod "$KDBT_KO" || fail "insmod again"
kdbt_control on || fail "on again: $ctl_err"
/bin/kvmrun 100 1 || fail "kvmrun after on again"
kvm_rmmod || fail "rmmod of KVM while on"
/bin/true
expect_eq "state after KVM went" "$(kdbt_stat state)" on
kdbt_control off || fail "off at the end: $ctl_err"
rmmod kdbt || fail "rmmod kdbt at the end"
