#!/bin/sh
# run.sh - run guest tests in QEMU (TCG) on Debian's own kernel.
#
# Usage: run.sh [--show] [--kver VER] [--logdir DIR] TEST.sh...
#   --show    also print what each test printed (used by `make demo`)
# Env: VM_CPU     QEMU's -cpu model for tests that name none (default max)
#      VM_APPEND  words appended to every boot's kernel command line
#      KDBT_KO    the module the guest loads (default kmod/kdbt.ko)
# A test asks for its boot in header lines:
#   # vm-smp: N          CPUs (default 2)
#   # vm-mem: MB         memory (default 1024)
#   # vm-cpu: MODEL      QEMU -cpu model (default $VM_CPU, else max)
#   # vm-append: ARGS    extra kernel command line
#   # vm-timeout: SECS   the test's own time limit (default 60)
#   # vm-bin: PATH...    host binaries to copy in with their libraries
#   # vm-qemu: ARGS      extra QEMU arguments (e.g. -icount shift=0,sleep=off)
# Tests asking for the same boot (smp, mem, cpu, append, qemu) share one.
# Output: one line per test, "PASS vm/NAME (S s)" or "FAIL vm/NAME (S s):
# WHY" (S: the test's seconds by the guest's clock, which under TCG runs
# with the host's, except with -icount; absent if the test never ended),
# and after a FAIL the last lines the test printed; the console log of
# every boot is kept under the log directory and named on failure, and
# QEMU's own messages (TCG's warnings about CPU features it drops) go to
# LOG.qemu beside it, so they never count as the guest's.  Exit status: 0
# if every test passed.
# Must never: load anything into the host kernel.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
show=0
kver=
logdir="$top/build/vm/logs"
while [ $# -gt 0 ]; do
	case $1 in
	--show) show=1; shift ;;
	--kver) kver=$2; shift 2 ;;
	--logdir) logdir=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: run.sh [--show] TEST.sh..." >&2; exit 2; }
[ -n "$kver" ] || kver=$(sh "$top/scripts/kver.sh")
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "run.sh: cannot read $kernel" >&2; exit 2; }
: "${KDBT_KO:=$top/kmod/kdbt.ko}"
g=$top/build/guest
: "${KDBT_GUEST_FILES:=$g/runas $g/efault $g/wlhelper $g/workload $g/kbench $g/getppid $g/pathlen $g/writes $g/kdbt-snapshot $g/readcost $g/uffault $g/kvmrun}"
# kdbt-top (static; the guest tests use its batch mode).
[ -r "$g/kdbt-top" ] && KDBT_GUEST_FILES="$KDBT_GUEST_FILES $g/kdbt-top"
# kdbt-record, kdbt-report (static) and sendfile (files back to the host,
# received by tests/vm/fetch.sh).
for f in kdbt-record kdbt-report sendfile; do
	[ -r "$g/$f" ] && KDBT_GUEST_FILES="$KDBT_GUEST_FILES $g/$f"
done
# A module of the guest kernel as a plain .ko (busybox's insmod takes no
# other): Debian's 6.12 ships them xz-compressed, unpacked once into
# build/vm/modules-$kver/.  Prints nothing if the kernel has no such module.
kernel_ko() {	# kernel_ko PATH-UNDER-kernel/ (no .ko)
	ko=/lib/modules/$kver/kernel/$1.ko
	if [ -r "$ko" ]; then echo "$ko"; return 0; fi
	[ -r "$ko.xz" ] || return 0
	out=$top/build/vm/modules-$kver/$(basename "$ko")
	if ! [ -s "$out" ] || [ "$ko.xz" -nt "$out" ]; then
		mkdir -p "$(dirname "$out")"
		xz -dc "$ko.xz" > "$out.tmp" && mv "$out.tmp" "$out" ||
			{ rm -f "$out.tmp"; return 0; }
	fi
	echo "$out"
}
# The loop driver, for block I/O and module load/unload in the workload.
loop_ko=$(kernel_ko drivers/block/loop)
[ -n "$loop_ko" ] && KDBT_GUEST_FILES="$KDBT_GUEST_FILES $loop_ko"
# The soak (tests/soak/): kfuzz, kmono, /bin/soak, and modules it loads and
# unloads (static keys patched at load, user-copy checks), each checking
# itself at load.
for f in kfuzz kmono soak; do
	[ -r "$g/$f" ] && KDBT_GUEST_FILES="$KDBT_GUEST_FILES $g/$f"
done
# KVM with its AMD vendor module (TCG's -cpu max has SVM), whose guests
# run while translated (translate-kvm.sh, with kvmrun).
for m in virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp \
	arch/x86/kvm/kvm-amd; do
	m=$(kernel_ko "$m")
	[ -n "$m" ] && KDBT_GUEST_FILES="$KDBT_GUEST_FILES $m"
done
# The translator core's tests, for the checks that need the guest's CPU
# (translate-cx16.sh).
[ -r "$top/build/unit/translate_run" ] &&
	KDBT_GUEST_FILES="$KDBT_GUEST_FILES $top/build/unit/translate_run"
# kdbt's own test modules (tests/vm/modules).
for m in "$top"/build/modules/*.ko; do
	[ -r "$m" ] && KDBT_GUEST_FILES="$KDBT_GUEST_FILES $m"
done
for m in test_static_key_base test_static_keys test_user_copy; do
	m=$(kernel_ko "lib/$m")
	[ -n "$m" ] && KDBT_GUEST_FILES="$KDBT_GUEST_FILES $m"
done
export KDBT_KO KDBT_GUEST_FILES

header() {	# header FILE KEY DEFAULT
	v=$(sed -n "s/^# vm-$2: *//p" "$1" | head -n 1)
	echo "${v:-$3}"
}

# Group the tests by the boot they ask for, keeping their order.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in "$@"; do
	key="$(header "$t" smp 2)|$(header "$t" mem 1024)|$(header "$t" cpu "${VM_CPU:-max}")|$(header "$t" append '')|$(header "$t" qemu '')"
	grep -qxF "$key" "$work/keys" 2>/dev/null || echo "$key" >> "$work/keys"
	n=$(grep -nxF "$key" "$work/keys" | cut -d: -f1)
	echo "$t" >> "$work/group.$n"
done

mkdir -p "$logdir"
fails=0
n=0
while IFS='|' read -r smp mem cpu append qemu_extra; do
	n=$((n + 1))
	tests=$(cat "$work/group.$n")
	: > "$work/order"
	names= bins= budget=90
	for t in $tests; do
		name=$(basename "$t" .sh)
		limit=$(header "$t" timeout 60)
		echo "$name $limit" >> "$work/order"
		names="$names $name"
		bins="$bins $(header "$t" bin '')"
		budget=$((budget + limit))
	done
	stamp=$(date +%Y%m%d-%H%M%S)
	log="$logdir/$stamp-boot$n.log"
	KDBT_GUEST_BINS="$bins" sh "$here/mkinitramfs.sh" "$work/initrd.gz" \
		"$work/stage" "$work/order" $tests
	# no_timer_check: on a loaded host TCG can be too slow for the boot's
	# IO-APIC timer check, which then panics ("IO-APIC + timer doesn't
	# work!"); the check is for broken chipsets, not for what we test.
	# shellcheck disable=SC2086
	timeout "$budget" qemu-system-x86_64 -m "$mem" -smp "$smp" -cpu "$cpu" \
		$qemu_extra -nographic -no-reboot -nic none -kernel "$kernel" \
		-initrd "$work/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 oops=panic no_timer_check $append ${VM_APPEND:-}" \
		</dev/null 2>"$log.qemu" |
		sed -u 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r$//' > "$log" || true
	[ -s "$log.qemu" ] || rm -f "$log.qemu"
	if [ $show = 1 ]; then
		awk '/KDBT-TEST-BEGIN/ {on = 1; next} /KDBT-TEST-END/ {on = 0}
		     on' "$log"
	fi
	awk -v tests="$names" -f "$here/console.awk" "$log" > "$work/results"
	# Each test's seconds, from the guest's KDBT-TEST-END lines.
	awk '/KDBT-TEST-END [^ ]+ [0-9]+ [0-9]+/ {
		match($0, /KDBT-TEST-END [^ ]+ [0-9]+ [0-9]+/)
		split(substr($0, RSTART, RLENGTH), w, " ")
		print "vm/" w[2], w[4] }' "$log" > "$work/secs"
	while read -r verdict rest; do
		t=${rest%%:*}
		why=${rest#"$t"}
		s=$(awk -v t="$t" '$1 == t { print " (" $2 " s)"; exit }' "$work/secs")
		echo "$verdict $t$s$why"
		[ "$verdict" = FAIL ] || continue
		# The end of what the failed test printed, for CI's log.
		awk -v t="${t#vm/}" '$0 ~ "KDBT-TEST-BEGIN " t "$" {on = 1; next}
			$0 ~ "KDBT-TEST-END " t " " {on = 0} on' "$log" |
			tail -n 25 | sed 's/^/      | /'
	done < "$work/results"
	if grep -q '^FAIL' "$work/results"; then
		fails=$((fails + 1))
		echo "      console log: $log"
		# QEMU's own last words, if the guest never came up.
		if [ -s "$log.qemu" ] && ! grep -q KDBT-GUEST-READY "$log"; then
			tail -n 5 "$log.qemu" | sed 's/^/      | qemu: /'
		fi
	fi
done < "$work/keys"
[ $fails = 0 ]
