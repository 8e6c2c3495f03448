#!/bin/sh
# soak-guest.sh - the soak, inside the test guest (shipped as /bin/soak).
#
# Usage: soak MODE SECONDS [PHASE_SECONDS [SEED [PHASES]]]
#   MODE: transparent or fast (translation on all the while), or native
#   (kdbt never loaded: the same stressors and faults, for the ratio).
# For SECONDS, a mix of stress-ng stressors runs on every CPU as user
# nobody, each with its own verification where it has one (--verify):
# cpu, fork, exec, pipe, sock, mmap, fault, sigq, sigsegv, timer, clock,
# futex, switch, hdd (file I/O on tmpfs).  Meanwhile (MODE on):
#  - kdbt-top -b reads the profile every 2 s and must live on;
#  - at random intervals (3-12 s) the control file gets a reset, or an
#    off/on cycle (off for 0-1 s);
#  - every 2 s kmono samples /proc/kdbt/stats and the snapshot: between
#    resets the instruction count never falls, nor (between flushes) any
#    block's executions, and while on it keeps growing;
#  - fault phases of PHASE_SECONDS each, in turn until the time is up
#    (a phase starts while 10 s are left, and the last one is cut short);
#    PHASES lists them, a phase joining jobs with "+" runs them at once.
#    Defaults, from 300 s: phases of SECONDS / 7 (at most 60 s),
#    "hotplug modules smallcache mempress fuzz
#    smallcache+hotplug+modules+mempress+fuzz";
#    below 300 s: one phase of SECONDS - 8 with everything at once,
#    "smallcache+hotplug+modules+mempress+fuzz".  The jobs:
#      hotplug    CPUs go offline and online through sysfs, one or all;
#      modules    test_static_key_base + test_static_keys (jump labels
#                 patched; the module checks them), test_user_copy (its
#                 own checks of user copies and their faults) and loop
#                 (a loop device over a tmpfs file, checksummed) are
#                 loaded and unloaded;
#      smallcache kdbt runs with cache_kb=1024 (reloaded, unless the soak
#                 starts with it): under the load the cache fills again
#                 and again (transparent mode empties and refills it - it
#                 must within 300 s; fast mode goes native for what does
#                 not fit); then (if time is left) reloaded as before;
#      mempress   stress-ng --vm fills most of the available memory (no
#                 OOM: an OOM report is a kernel problem on the console),
#                 caches are dropped and memory compacted;
#      fuzz       kfuzz fuzz (random control input, random reads of every
#                 file, real commands all the while) and kfuzz access
#                 (EACCES for nobody; addresses hidden exactly when
#                 kallsyms hides them, for kptr_restrict 0, 1, 2).
#    In native mode the smallcache and fuzz phases just wait.
# Lockup thresholds are scaled to TCG (see kthresh below; SOAK_STRICT=1
# keeps the kernel's).
# At the end: stress-ng must have passed every stressor (exit status 0),
# efault must give its native results while translated, off and rmmod
# must work.  Prints what it does and, for the host (tests/soak/soak.sh):
#	SOAK-OPS STRESSOR BOGO_OPS
#	SOAK-COUNT NAME N     (onoff resets hotplug modules smallcache
#	                       cache_full flushes mempress fuzz samples
#	                       top_refreshes switchons)
#	SOAK-FAIL WHY         (one line per failure)
#	SOAK-RESULT mode MODE seconds N cpus N failures N
# Exit status 0 if nothing failed.
# Owns: the soak's timeline and its checks.
# Must never: print kernel-problem words of its own or unfiltered tool
# output (the host scans the console: see tame()), or leave CPUs offline,
# kdbt loaded or stress-ng running.
. /tests/lib.sh

usage="usage: soak MODE SECONDS [PHASE_SECONDS [SEED [PHASES]]]"
mode=${1:?$usage}
secs=${2:?$usage}
seed=${4:-$$}
if [ "$secs" -ge 300 ]; then
	phase=${3:-$((secs / 7 > 60 ? 60 : secs / 7))}
	phases=${5:-hotplug modules smallcache mempress fuzz smallcache+hotplug+modules+mempress+fuzz}
else
	phase=${3:-$((secs - 8))}
	phases=${5:-smallcache+hotplug+modules+mempress+fuzz}
fi
case $mode in
transparent|fast|native) ;;
*) echo "soak: no mode '$mode'" >&2; exit 2 ;;
esac
[ "$phase" -ge 5 ] || phase=5
RANDOM=$seed
W=/tmp/soak
rm -rf "$W"
mkdir -p "$W/tmp"
chmod 1777 "$W/tmp"
ncpu=$(grep -c ^processor /proc/cpuinfo)
: > "$W/fails"

# tame: tool output as it may appear on the console - without the words
# the host takes for kernel problems (stress-ng says "WARNING:").
tame() {
	sed 's/WARNING:/warning:/g; s/BUG:/bug:/g; s/Oops/oops/g;
	     s/Call Trace:/call trace:/g; s/Kernel panic/kernel panic/g;
	     s/soft lockup/soft-lockup/g; s/hard LOCKUP/hard-lockup/g;
	     s/detected stall/detected-stall/g; s/rcu: INFO/rcu- INFO/g;
	     s/hung_task/hung-task/g; s/blocked for more than/blocked-for/g;
	     s/general protection/general-protection/g;
	     s/invalid opcode/invalid-opcode/g; s/\(SAN\|KFENCE\): /\1- /g'
}

# problem WHY: note a failure and go on (from any job).
problem() {
	echo "SOAK-FAIL $*" | tame | tee -a "$W/fails"
}

count() {	# count NAME [N]: add N (default 1) to counter NAME
	_f=$W/count.$1
	_c=0
	[ -s "$_f" ] && read -r _c < "$_f"
	echo $((_c + ${2:-1})) > "$_f"
}

counted() {	# counted NAME: the counter's value
	_c=0
	[ -s "$W/count.$1" ] && read -r _c < "$W/count.$1"
	echo "$_c"
}

# The soak's own work (control, samples, hotplug, module loads, kdbt-top)
# runs at nice -10 so that it keeps its pace under the load; the load
# (stress-ng, kfuzz) at nice 0, through at_nice0.
at_nice0() {
	sh -c 'renice 0 -p $$ > /dev/null && exec "$@"' sh "$@"
}

rand() {	# rand LO HI: a number in [LO, HI]
	echo $(($1 + RANDOM % ($2 - $1 + 1)))
}

translated() {
	[ "$mode" != native ]
}

cleanup() {
	touch "$W/stop.all" "$W/stop.kdbt"
	for c in $(seq 1 $((ncpu - 1))); do
		echo 1 > /sys/devices/system/cpu/cpu$c/online 2>/dev/null
	done
	[ -n "${sng:-}" ] && kill "$sng" 2>/dev/null
	[ -n "${toppid:-}" ] && kill "$toppid" 2>/dev/null
	[ -n "${kmonopid:-}" ] && kill "$kmonopid" 2>/dev/null
	wait
	kdbt_leave
	for m in test_static_keys test_static_key_base test_user_copy loop; do
		grep -q "^$m " /proc/modules && rmmod $m 2>/dev/null
	done
	echo 0 > /proc/sys/kernel/kptr_restrict
	[ -s "$W/restore" ] && while read -r _f _v; do
		echo "$_v" > "$_f"
	done < "$W/restore"
}
trap cleanup EXIT

# ---------------------------------------------------------------------
# kdbt: load, on, kdbt-top, samples

# load [PARAMS]: insmod, set the mode, switch on, start kdbt-top, kmono
# and the control job.
load() {
	_u0=$(uptime_cs)
	insmod "$KDBT_KO" "$@" || { problem "insmod $*"; return 1; }
	_u1=$(uptime_cs)
	cache=$*
	kdbt_control "mode $mode" || problem "mode $mode: $ctl_err"
	kdbt_control on || problem "on after insmod $*: $ctl_err"
	_u2=$(uptime_cs)
	echo "soak: insmod $* took $(((_u1 - _u0) * 10)) ms, on $(((_u2 - _u1) * 10)) ms"
	rm -f "$W/stop.kdbt"
	loads=$((loads + 1))
	top_start
	kmono "$W/stop.kdbt" 2000 "$W/run.fuzz" > "$W/kmono.$loads.out" 2>&1 &
	kmonopid=$!
	job_control &
	controlpid=$!
}

# unload: the readers stopped and checked, off, rmmod; the counters of
# this load are added up first.
unload() {
	_u0=$(uptime_cs)
	touch "$W/stop.kdbt"
	wait "$controlpid"
	wait "$kmonopid"
	_rc=$?
	set -- $(grep '^KMONO' "$W/kmono.$loads.out")
	count samples "${3:-0}"
	[ $_rc = 0 ] ||
		problem "kmono (status $_rc): $(grep -v '^KMONO' "$W/kmono.$loads.out" | head -n 4 | tr '\n' ' ')"
	top_stop
	echo "soak: stopping the readers took $((($(uptime_cs) - _u0) * 10)) ms"
	cat /proc/kdbt/stats > "$W/stats.last" ||
		problem "reading stats before rmmod"
	count switchons "$(stat_of "$W/stats.last" switchons)"
	count flushes "$(stat_of "$W/stats.last" flushes)"
	count cache_full "$(stat_of "$W/stats.last" cache_full)"
	_u0=$(uptime_cs)
	kdbt_control off || problem "off before rmmod: $ctl_err"
	expect_state off "before rmmod"
	_u1=$(uptime_cs)
	rmmod kdbt || { problem "rmmod kdbt failed"; return 1; }
	_u2=$(uptime_cs)
	echo "soak: off took $(((_u1 - _u0) * 10)) ms, rmmod $(((_u2 - _u1) * 10)) ms"
	[ -e /proc/kdbt ] && problem "/proc/kdbt left after rmmod"
	return 0
}

expect_state() {	# expect_state STATE WHEN
	kdbt_get _state state
	[ "$_state" = "$1" ] || problem "state '$_state' $2, want $1"
}

# expect_state_unless_fuzz STATE WHEN: the same, unless the fuzzer
# started meanwhile.
expect_state_unless_fuzz() {
	kdbt_get _state state
	[ "$_state" = "$1" ] || [ -e "$W/run.fuzz" ] ||
		problem "state '$_state' $2, want $1"
}

top_n=0
top_start() {
	top_n=$((top_n + 1))
	kdbt-top -b -d 2 -E 5 > "$W/top.$top_n.out" 2> "$W/top.$top_n.err" &
	toppid=$!
}

top_stop() {
	[ -n "${toppid:-}" ] || return 0
	if kill -0 "$toppid" 2>/dev/null; then
		kill "$toppid"
		wait "$toppid" 2>/dev/null
	else
		wait "$toppid"
		problem "kdbt-top ended early (status $?): $(head -c 300 "$W/top.$top_n.err" | tr '\n' ' ')"
	fi
	toppid=
	count top_refreshes "$(grep -c '^kdbt-top ' "$W/top.$top_n.out")"
}

# job_control: every 3-12 s a reset, or an off/on cycle (off 0-1 s).
job_control() {
	while ! stopped kdbt; do
		_n=$(rand 3 12)
		while [ "$_n" -gt 0 ] && ! stopped kdbt; do
			sleep 1
			_n=$((_n - 1))
		done
		stopped kdbt && break
		if [ $((RANDOM % 2)) = 0 ]; then
			kdbt_control reset || problem "reset: $ctl_err"
			count resets
			continue
		fi
		# (The fuzzer switches too: no state check while it runs.)
		[ -e "$W/run.fuzz" ] && _fz=1 || _fz=0
		kdbt_control off || problem "off: $ctl_err"
		[ $_fz = 0 ] && expect_state_unless_fuzz off "after off"
		usleep $((RANDOM % 1000 * 1000))
		[ -e "$W/run.fuzz" ] && _fz=1 || _fz=0
		kdbt_control on || problem "on: $ctl_err"
		[ $_fz = 0 ] && expect_state_unless_fuzz on "after on"
		count onoff
	done
}

# ---------------------------------------------------------------------
# Fault phases: each a background job until $W/stop.NAME appears.

stopped() {	# stopped NAME
	[ -e "$W/stop.$1" ] || [ -e "$W/stop.all" ]
}

job_hotplug() {
	while ! stopped hotplug; do
		if [ $((RANDOM % 4)) = 0 ]; then
			cpus=$(seq 1 $((ncpu - 1)))
		else
			cpus=$(rand 1 $((ncpu - 1)))
		fi
		for c in $cpus; do
			echo 0 2> "$W/hp.err" > /sys/devices/system/cpu/cpu$c/online ||
				problem "cpu$c offline: $(cat "$W/hp.err")"
		done
		usleep $((RANDOM % 1000 * 1000))
		for c in $cpus; do
			echo 1 2> "$W/hp.err" > /sys/devices/system/cpu/cpu$c/online ||
				problem "cpu$c online: $(cat "$W/hp.err")"
			count hotplug
		done
		usleep $((RANDOM % 500 * 1000))
	done
}

# One loop device round: write, flush, read back, checksum.
loop_round() {
	seq 1 5000 > "$W/blk.src"
	dd if=/dev/zero of="$W/blk.img" bs=64k count=16 2>/dev/null
	_dev=$(losetup -f) || { problem "no free loop device"; return; }
	losetup "$_dev" "$W/blk.img" || { problem "losetup $_dev"; return; }
	dd if="$W/blk.src" of="$_dev" bs=4k conv=fsync 2>/dev/null ||
		problem "writing $_dev"
	blockdev --flushbufs "$_dev" 2>/dev/null
	_n=$(wc -c < "$W/blk.src")
	[ "$(dd if="$_dev" bs=4k count=6 2>/dev/null | head -c "$_n" | md5sum)" = \
	  "$(md5sum < "$W/blk.src")" ] || problem "read back through $_dev differs"
	losetup -d "$_dev" || problem "losetup -d $_dev"
	rm -f "$W/blk.src" "$W/blk.img"
}

# One module (or pair) loaded and unloaded per step, in turn, so that the
# job stops soon after its phase ends.
job_modules() {
	_k=0
	while ! stopped modules; do
		_k=$((_k + 1))
		case $((_k % 3)) in
		1)
			[ -r /bin/test_static_keys.ko ] || continue
			insmod /bin/test_static_key_base.ko ||
				problem "insmod test_static_key_base"
			insmod /bin/test_static_keys.ko ||
				problem "insmod test_static_keys (its checks failed?)"
			rmmod test_static_keys || problem "rmmod test_static_keys"
			rmmod test_static_key_base ||
				problem "rmmod test_static_key_base"
			count modules 2
			;;
		2)
			[ -r /bin/test_user_copy.ko ] || continue
			insmod /bin/test_user_copy.ko ||
				problem "insmod test_user_copy (its checks failed?)"
			rmmod test_user_copy || problem "rmmod test_user_copy"
			count modules
			;;
		0)
			[ -r /bin/loop.ko ] || continue
			insmod /bin/loop.ko || problem "insmod loop"
			loop_round
			rmmod loop || problem "rmmod loop"
			count modules
			;;
		esac
	done
}

job_mempress() {
	_avail=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
	# Two workers, 40% of what is available each; they map, dirty,
	# check and unmap it over and over.
	_each=$((_avail * 40 / 100))
	echo "mempress: MemAvailable ${_avail} kB, 2 vm workers of ${_each} kB"
	at_nice0 runas 65534 65534 stress-ng --vm 2 --vm-bytes "${_each}k" --verify \
		--timeout "$((plen > 4 ? plen - 2 : 2))s" --temp-path "$W/tmp" \
		> "$W/vm.out" 2>&1 &
	_vm=$!
	sleep 2
	sync
	echo 3 > /proc/sys/vm/drop_caches
	echo 1 > /proc/sys/vm/compact_memory
	awk '/^(MemFree|MemAvailable):/ { printf "mempress: %s %s kB\n", $1, $2 }' \
		/proc/meminfo
	wait $_vm
	_rc=$?
	# 3 is stress-ng's EXIT_NO_RESOURCE: the workers could not map their
	# memory while the other stressors held theirs - the pressure this
	# phase is for, not a fault.  Anything else (1: --verify found bad
	# data, 2: a worker failed) fails the soak.
	case $_rc in
	0) ;;
	3) echo "mempress: stress-ng --vm ran out of memory (status 3): $(grep -v ' info: ' "$W/vm.out" | head -n 2 | tr '\n' ' ' | tame)" ;;
	*) problem "stress-ng --vm: status $_rc: $(grep -E 'fail|error' "$W/vm.out" | head -n 3 | tr '\n' ' ')" ;;
	esac
	count mempress
}

job_fuzz() {
	touch "$W/run.fuzz"
	at_nice0 kfuzz fuzz "$((plen > 6 ? plen - 4 : 2))" "$RANDOM" 3 2 1 on,off,reset \
		> "$W/fuzz.out" 2>&1 || problem "kfuzz fuzz: $(grep mismatch "$W/fuzz.out" | head -n 3 | tr '\n' ' ')"
	tame < "$W/fuzz.out"
	set -- $(grep '^KFUZZ cases' "$W/fuzz.out")
	count fuzz "${3:-0}"
	at_nice0 kfuzz access > "$W/access.out" 2>&1 ||
		problem "kfuzz access: $(grep mismatch "$W/access.out" | head -n 3 | tr '\n' ' ')"
	tame < "$W/access.out"
	set -- $(grep '^KFUZZ-ACCESS' "$W/access.out")
	count fuzz "${3:-0}"
	rm -f "$W/run.fuzz"
}

# phase_start GROUP: start the jobs of GROUP (names joined by "+").
phase_start() {
	jobpids=
	echo "soak: $((($(uptime_cs) - t0) / 100)) s: phase $1 for $plen s"
	for _j in $(echo "$1" | tr + ' '); do
		rm -f "$W/stop.$_j"
		case $_j in
		smallcache)
			translated || continue
			[ "$cache" = cache_kb=1024 ] ||
				{ unload && load cache_kb=1024; }
			_t=$(kdbt_stat cache_bytes_total)
			[ "$_t" = 1048576 ] ||
				problem "cache_bytes_total '$_t' with cache_kb=1024"
			;;
		fuzz)
			translated || continue
			job_fuzz &
			jobpids="$jobpids $!"
			;;
		*)
			job_$_j &
			jobpids="$jobpids $!"
			;;
		esac
	done
}

# phase_stop GROUP: stop its jobs, wait for them, check what they leave.
phase_stop() {
	for _j in $(echo "$1" | tr + ' '); do
		touch "$W/stop.$_j"
	done
	[ -n "$jobpids" ] && wait $jobpids
	jobpids=
	echo "soak: $((($(uptime_cs) - t0) / 100)) s: phase $1 stopped"
	for _j in $(echo "$1" | tr + ' '); do
		case $_j in
		smallcache)
			translated || continue
			kdbt_num _full cache_full
			[ "$_full" -ge 1 ] || problem "the 1 MiB cache never filled"
			# A refill waits for every task to pass a voluntary
			# switch: seconds under this load, minutes with the
			# host over-committed (make soak SOAK_PARALLEL=1).
			_i=0
			while [ "$mode" = transparent ] && [ "$_full" -ge 1 ] &&
			      [ "$(kdbt_stat flushes)" = 0 ] && [ $_i -lt 300 ]; do
				sleep 1
				_i=$((_i + 1))
			done
			[ $_i -gt 0 ] &&
				echo "soak: waited $_i s for the first refill"
			[ "$mode" != transparent ] || [ "$_full" = 0 ] ||
			[ "$(kdbt_stat flushes)" != 0 ] ||
				problem "a full cache was not refilled within 300 s"
			kdbt_num _used cache_bytes_used
			[ "$_used" -le 1048576 ] ||
				problem "cache_bytes_used $_used beyond 1 MiB"
			count smallcache
			# Back to the default cache if another phase follows.
			[ $(($(uptime_cs) + 1000)) -le "$end" ] &&
				{ unload && load; }
			;;
		fuzz)
			translated || continue
			# The fuzzer may have left it off.
			kdbt_control on || problem "on after the fuzz: $ctl_err"
			;;
		esac
	done
}

# ---------------------------------------------------------------------

echo "soak: mode $mode, $secs s, $ncpu CPUs, phases of $phase s, seed $seed"
renice -10 -p $$ > /dev/null
# The kernel's real-time thresholds assume real hardware.  Under TCG on a
# small, shared host a vCPU can stall for 20-25 s with kdbt not even
# loaded (a soft lockup in clear_page_erms in a native soak), and
# khugepaged (nice 19) scanning its 4096 pages between two sleeps can
# take minutes under full load - holding up every RCU-tasks grace period,
# which kdbt's off, refills and unload wait for.  So, unless SOAK_STRICT
# is 1: soft lockups after 60 s (watchdog_thresh 30), RCU CPU stalls
# after 60 s, khugepaged passes of 512 pages.  Hung tasks: 120 s still.
kthresh() {	# kthresh FILE VALUE: set it, restored by cleanup
	[ -w "$1" ] || return 0
	_old=$(cat "$1")	# (a sysctl reads nothing at an offset > 0)
	echo "$1 $_old" >> "$W/restore"
	echo "$2" > "$1" && echo "soak: $1: $_old -> $2"
}
if [ "${SOAK_STRICT:-0}" != 1 ]; then
	kthresh /proc/sys/kernel/watchdog_thresh 30
	kthresh /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 60
	kthresh /sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan 512
fi
ifconfig lo 127.0.0.1 up 2>/dev/null || ip link set lo up 2>/dev/null
for m in kdbt test_static_keys test_static_key_base test_user_copy loop; do
	grep -q "^$m " /proc/modules && rmmod $m
done
efault > "$W/efault.native" ||
	problem "efault fails natively: $(grep FAIL "$W/efault.native" | head -n 2)"
loads=0 cache=
if translated; then
	case " $phases" in
	" smallcache"*) load cache_kb=1024 ;;	# the first phase has it
	*) load ;;
	esac
fi

t0=$(uptime_cs)
at_nice0 runas 65534 65534 stress-ng --cpu 1 --fork 1 --exec 1 --pipe 1 \
	--sock 1 --mmap 1 --mmap-bytes 1M --fault 1 --sigq 1 --sigsegv 1 \
	--timer 1 --clock 1 --futex 1 --switch 1 --hdd 1 --hdd-bytes 4M \
	--temp-path "$W/tmp" --verify --timeout "${secs}s" --metrics-brief \
	--yaml "$W/tmp/stress.yaml" > "$W/stress.out" 2>&1 &
sng=$!

end=$((t0 + secs * 100))
next_phase=$((t0 + 500))
cur= pi=0 jobpids=
now=$t0
while [ "$now" -lt "$end" ]; do
	if [ -n "$cur" ] && [ "$now" -ge "$phase_end" ]; then
		phase_stop "$cur"
		cur=
		next_phase=$(($(uptime_cs) + 200))
	fi
	# A phase starts if at least 10 s are left; the last one may be
	# cut short to end with the stressors.
	if [ -z "$cur" ] && [ "$now" -ge "$next_phase" ] &&
	   [ $((now + 1000)) -le "$end" ]; then
		set -- $phases
		shift $((pi % $#))
		cur=$1
		pi=$((pi + 1))
		plen=$(((end - now) / 100))
		[ "$plen" -gt "$phase" ] && plen=$phase
		phase_start "$cur"
		phase_end=$(($(uptime_cs) + plen * 100))
	fi
	sleep 1
	now=$(uptime_cs)
done
[ -n "$cur" ] && phase_stop "$cur"
touch "$W/stop.all"
echo "soak: $((($(uptime_cs) - t0) / 100)) s: phases done"

# stress-ng stops at its own timeout; a slow guest gets 5 more minutes.
i=0
while kill -0 "$sng" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 1
	i=$((i + 1))
done
if kill -0 "$sng" 2>/dev/null; then
	problem "stress-ng still running $i s after its timeout"
	kill "$sng"
fi
wait "$sng"
rc=$?
sng=
tame < "$W/stress.out"
[ $rc = 0 ] || problem "stress-ng exit status $rc: $(grep -E ' fail: |failed' "$W/stress.out" | head -n 3 | tr '\n' ' ' | tame)"
awk '$1 == "-" && $2 == "stressor:" { s = $3 }
     $1 == "bogo-ops:" && s != "" { print "SOAK-OPS " s " " $2; s = "" }' \
	"$W/tmp/stress.yaml" > "$W/ops"
[ -s "$W/ops" ] || problem "no stress-ng metrics"
cat "$W/ops"

if translated; then
	efault > "$W/efault.on" ||
		problem "efault while $mode: $(grep FAIL "$W/efault.on" | head -n 2)"
	cmp -s "$W/efault.native" "$W/efault.on" ||
		problem "efault differs from native: $(diff "$W/efault.native" "$W/efault.on" | head -n 4 | tr '\n' ' ')"
	grep -E '^(blocks|cache_bytes_used|instructions|coverage|dispatches|cache_full|flushes|switchons|switchoffs|resets|cpu_installs|stack_rewrites|text_pokes|invalidated_blocks) ' \
		/proc/kdbt/stats | sed 's/^/soak: /'
	tail -n 8 "$W/top.$top_n.out" | sed 's/^/soak: kdbt-top: /' | tame
	unload
	cat "$W"/kmono.*.out | tame
fi

for c in onoff resets hotplug modules smallcache cache_full flushes \
	 mempress fuzz samples top_refreshes switchons; do
	echo "SOAK-COUNT $c $(counted $c)"
done
nf=$(wc -l < "$W/fails")
# The failures again, last, where a log shown by its end shows them.
cat "$W/fails"
echo "SOAK-RESULT mode $mode seconds $secs cpus $ncpu failures $nf"
[ "$nf" = 0 ]
