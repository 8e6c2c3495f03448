# translate-cx16.sh - cmpxchg16b's flags are right in translated code on
# the guest's CPU, which is QEMU's: QEMU up to 7.2 computes them from a
# stale cc_op when an earlier instruction of the same TCG block set the
# flags (after popfq and an add, from the add's source operand: TF, IOPL,
# NT and VM bits that a double fault in the fast-mode soak came from).
# The translator core (translate_run --cx16, userspace, both modes) runs
# popfq; add; cmpxchg16b; pushfq translated and natively: the translated
# flags must be exactly the architectural ones (0x246), whatever the
# native run gives here (printed: the stale-cc_op value on QEMU 7.2).
# vm-smp: 2
# vm-timeout: 60
. /tests/lib.sh

out=$(translate_run --cx16 2>&1)
echo "$out"
echo "$out" | grep -q '^FAIL' && fail "translated cmpxchg16b: $(echo "$out" | grep '^FAIL' | head -n 1)"
n=$(echo "$out" | grep -c '^PASS unit/translate/.*/cx16_split')
expect_eq "cx16 checks passed (fast, transparent)" "$n" 2
