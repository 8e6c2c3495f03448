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
# every boot is kept under the log directory and named on failure (a
# boot that dies before its first test is booted again, twice at most in
# a run, and named in a line of its own), and
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
: "${KDBT_GUEST_FILES:=$g/runas $g/efault $g/wlhelper $g/workload $g/kbench $g/getppid $g/pathlen $g/writes $g/kdbt-snapshot $g/readcost $g/uffault $g/kvmrun $g/capdrop}"
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
# KVM with its AMD vendor module (TCG's -cpu max has SVM) for
# translate-kvm.sh (with kvmrun).
for m in virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp \
	arch/x86/kvm/kvm-amd; do
	m=$(kernel_ko "$m")
	[ -n "$m" ] && KDBT_GUEST_FILES="$KDBT_GUEST_FILES $m"
done
# The translator core's tests, for the checks that need the guest's CPU
# (translate-cx16.sh).
[ -r "$top/build/unit/translate_run" ] &&
	KDBT_GUEST_FILES="$KDBT_GUEST_FILES $top/build/unit/translate_run"
# kdbt's own test modules (tests/vm/modules), built for the guest kernel:
# build/modules/ for the default one, build/kmod-KVER/test-modules/ by
# `make module-for KVER=...` for the others.
tmods=$top/build/modules
[ "$kver" = "$(sh "$top/scripts/kver.sh")" ] ||
	tmods=$top/build/kmod-$kver/test-modules
for m in "$tmods"/*.ko; do
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

# watch_boot LOG QPID BUDGET: wait for the boot whose console goes to LOG
# (QEMU's pid QPID, its stdin the FIFO on fd 7) to end.  The guest times
# its tests itself; a guest that stops answering (a deadlock, a task stuck
# in the kernel) cannot, so the host does: when a test runs HANG_GRACE
# seconds past its own limit, or the guest spends HANG_GRACE seconds
# between tests (clean-up; booting may take BOOT_LIMIT more), or the boot
# outlives BUDGET, the guest
# is asked for its CPUs' and tasks' stacks (SysRq l and t, through a
# serial break), QEMU for every CPU's registers, and QEMU is stopped.
# A KDBT-HOST-WATCHDOG line in LOG names the test; with -icount the
# guest's clock is not the host's and only BUDGET counts.
HANG_GRACE=${HANG_GRACE:-90}
BOOT_LIMIT=300		# seconds from QEMU's start to the first test (4 CPUs
			# on a loaded 2-core host boot slowly)
watch_boot() {
	wlog=$1 qpid=$2 wend=$(($(date +%s) + $3))
	phase= since=$(date +%s)
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 2
		now=$(date +%s)
		mark=$(grep -ao 'KDBT-TEST-[BE][A-Z]* [^ ]*' "$wlog" | tail -n 1)
		[ "$mark" = "$phase" ] || { phase=$mark since=$now; }
		case $mark in
		"KDBT-TEST-BEGIN "*)
			t=${mark#KDBT-TEST-BEGIN }
			limit=$(awk -v t="$t" '$1 == t { print $2 }' "$work/order") ;;
		"")	t= limit=$BOOT_LIMIT ;;
		*)	t= limit=0 ;;
		esac
		if [ "$now" -ge "$wend" ]; then
			why="the boot outlived its ${3} s"
		elif [ "$icount" = 0 ] &&
			[ $((now - since)) -gt $((${limit:-0} + HANG_GRACE)) ]; then
			if [ -n "$t" ]; then
				why="no end $((now - since)) s after its start (limit $limit s)"
			else
				why="no test began $((now - since)) s after '${mark:-boot}'"
			fi
		else
			continue
		fi
		echo "KDBT-HOST-WATCHDOG ${t:--} $why: the guest is hung" >> "$wlog"
		# Serial break then a SysRq key (sysrq_always_enabled): every
		# CPU's backtrace, then every task's (t, not w: w leaves out
		# TASK_IDLE waits, such as kdbt's for an RCU-tasks grace
		# period); then QEMU's monitor.
		printf '\001b' >&7; sleep 1; printf 'l' >&7; sleep 5
		printf '\001b' >&7; sleep 1; printf 't' >&7; sleep 8
		echo "KDBT-HOST-WATCHDOG-REGS" >> "$wlog"
		printf '\001cinfo registers -a\n' >&7; sleep 3
		# Each CPU's stack top, and what %rdi points to (in a trap
		# or interrupt handler, often its pt_regs: ip at +0x80).
		awk '/^KDBT-HOST-WATCHDOG-REGS$/ { on = 1 } on && /^CPU#/ {
			c = substr($1, 5) }
			on && / RDI=.* RSP=/ { split($0, f, /[= ]+/)
			for (i = 1; i < length(f); i++) {
				if (f[i] == "RDI") d = f[i + 1]
				if (f[i] == "RSP") r = f[i + 1] }
			print c, r, d }' "$wlog" |
		while read -r k r d; do
			printf 'cpu %s\nx /16gx 0x%s\nx /24gx 0x%s\n' \
				"$k" "$r" "$d" >&7
		done
		sleep 3
		echo "KDBT-HOST-WATCHDOG-REGS-END" >> "$wlog"
		printf 'quit\n' >&7; sleep 3
		kill "$qpid" 2>/dev/null || true
		break
	done
}

# hang_summary LOG: the registers' RIP of each CPU after a watchdog stop,
# with kernel symbols (a nokaslr boot's /proc/kallsyms, which
# scripts/kernel-inputs.sh keeps, moved by the guest's KASLR offset from
# its KDBT-GUEST-READY line; Debian's System.map is a stub), each CPU's
# backtrace, and the tasks SysRq t found waiting in the kernel.
hang_summary() {
	awk -v map="$top/build/kernel/$kver/kallsyms" -f "$here/hang.awk" "$1"
}

# boot_tests SMP MEM CPU APPEND QEMU TEST...: one boot running TEST...;
# prints their result lines and sets $rest to the tests a hang or crash
# kept from starting (to run in a new boot), $bootfail to 1 if any failed,
# $reboot to 1 (and prints nothing else) if the boot died before its
# first test, to be booted again.
boot_tests() {
	smp=$1 mem=$2 cpu=$3 append=$4 qemu_extra=$5
	shift 5
	: > "$work/order"
	names= bins= budget=90
	for t in "$@"; do
		name=$(basename "$t" .sh)
		limit=$(header "$t" timeout 60)
		echo "$name $limit" >> "$work/order"
		names="$names $name"
		bins="$bins $(header "$t" bin '')"
		budget=$((budget + limit))
	done
	case $qemu_extra in *icount*) icount=1 ;; *) icount=0 ;; esac
	nboot=$((nboot + 1))
	stamp=$(date +%Y%m%d-%H%M%S)
	# The kernel and the pid in the name: two runs (CI runs its two kernels'
	# suites side by side) never share a log.
	log="$logdir/$stamp-$kver-$$-boot$nboot.log"
	KDBT_GUEST_BINS="$bins" sh "$here/mkinitramfs.sh" "$work/initrd.gz" \
		"$work/stage" "$work/order" "$@"
	rm -f "$work/in" "$work/qemu.pid"
	mkfifo "$work/in"
	exec 7<>"$work/in"
	: > "$log"
	# no_timer_check: on a loaded host TCG can be too slow for the boot's
	# IO-APIC timer check, which then panics ("IO-APIC + timer doesn't
	# work!"); the check is for broken chipsets, not for what we test.
	# shellcheck disable=SC2086
	qemu-system-x86_64 -m "$mem" -smp "$smp" -cpu "$cpu" \
		$qemu_extra -nographic -no-reboot -nic none -kernel "$kernel" \
		-initrd "$work/initrd.gz" -pidfile "$work/qemu.pid" \
		-append "console=ttyS0 quiet panic=-1 oops=panic no_timer_check sysrq_always_enabled $append ${VM_APPEND:-}" \
		<&7 2>"$log.qemu" |
		sed -u 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r$//' >> "$log" &
	spid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -s "$work/qemu.pid" ] && break
		sleep 1
	done
	if [ -s "$work/qemu.pid" ]; then
		watch_boot "$log" "$(cat "$work/qemu.pid")" "$budget"
	fi
	wait "$spid" || true
	exec 7>&-
	[ -s "$log.qemu" ] || rm -f "$log.qemu"
	if [ $show = 1 ]; then
		awk '/KDBT-TEST-BEGIN/ {on = 1; next} /KDBT-TEST-END/ {on = 0}
		     on' "$log"
	fi
	# A boot that died before its first test began ran no kdbt code (the
	# tests load kdbt.ko): under TCG a native boot has oopsed on an int3
	# of a text-poke batch (docs/KERNEL.md, section 5).  It is booted
	# again, at most twice in a run, and its log is kept and named.
	reboot=0
	if [ "$early_reboots" -lt 2 ] && ! grep -aq 'KDBT-TEST-BEGIN' "$log"; then
		early_reboots=$((early_reboots + 1))
		reboot=1
		echo "      (the boot died before its first test, no kdbt code run: booting again; console log: $log)"
		return
	fi
	# The tests this boot reached; those after a hang or crash go again.
	began=$(grep -ao 'KDBT-TEST-BEGIN [^ ]*' "$log" | cut -d' ' -f2)
	rest=
	if [ -n "$began" ] && ! grep -aq KDBT-GUEST-DONE "$log"; then
		ran=
		for t in "$@"; do
			name=$(basename "$t" .sh)
			if echo "$began" | grep -qxF "$name"; then
				ran="$ran $name"
			else
				rest="$rest $t"
			fi
		done
		names=$ran
	fi
	awk -v tests="$names" -f "$here/console.awk" "$log" > "$work/results"
	# Each test's seconds, from the guest's KDBT-TEST-END lines.
	awk '/KDBT-TEST-END [^ ]+ [0-9]+ [0-9]+/ {
		match($0, /KDBT-TEST-END [^ ]+ [0-9]+ [0-9]+/)
		split(substr($0, RSTART, RLENGTH), w, " ")
		print "vm/" w[2], w[4] }' "$log" > "$work/secs"
	while read -r verdict rest_of_line; do
		t=${rest_of_line%%:*}
		why=${rest_of_line#"$t"}
		s=$(awk -v t="$t" '$1 == t { print " (" $2 " s)"; exit }' "$work/secs")
		echo "$verdict $t$s$why"
		[ "$verdict" = FAIL ] || continue
		if grep -aq "^KDBT-HOST-WATCHDOG ${t#vm/} " "$log"; then
			hang_summary "$log" | sed 's/^/      | /'
			continue
		fi
		# The end of what the failed test printed, for CI's log.
		awk -v t="${t#vm/}" '$0 ~ "KDBT-TEST-BEGIN " t "$" {on = 1; next}
			$0 ~ "KDBT-TEST-END " t " " {on = 0} on' "$log" |
			tail -n 25 | sed 's/^/      | /'
	done < "$work/results"
	bootfail=0
	if grep -q '^FAIL' "$work/results"; then
		bootfail=1
		echo "      console log: $log"
		# QEMU's own last words, if the guest never came up.
		if [ -s "$log.qemu" ] && ! grep -q KDBT-GUEST-READY "$log"; then
			tail -n 5 "$log.qemu" | sed 's/^/      | qemu: /'
		fi
	fi
}

mkdir -p "$logdir"
fails=0
n=0
nboot=0
early_reboots=0
while IFS='|' read -r smp mem cpu append qemu_extra; do
	n=$((n + 1))
	# shellcheck disable=SC2046
	set -- $(cat "$work/group.$n")
	while [ $# -gt 0 ]; do
		boot_tests "$smp" "$mem" "$cpu" "$append" "$qemu_extra" "$@"
		[ "$reboot" = 0 ] || continue
		[ "$bootfail" = 0 ] || fails=$((fails + 1))
		[ -n "$rest" ] || break
		echo "      (a new boot for the tests after it:$(for t in $rest; do printf ' %s' "$(basename "$t" .sh)"; done))"
		# shellcheck disable=SC2086
		set -- $rest
	done
done < "$work/keys"
[ $fails = 0 ]
