# guest-lib.sh - helpers sourced by guest test scripts (/tests/lib.sh).
#
# Owns: the small vocabulary tests use to state what they expect.
# Must never: print kernel-problem words (WARNING:, BUG:, ...) of its own:
# the host scans the console for them.

KDBT_KO=/kdbt/kdbt.ko

# fail MESSAGE: report why the test fails and stop it.
fail() {
	echo "FAIL: $*"
	exit 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_file_has FILE REGEX
expect_file_has() {
	grep -Eq "$2" "$1" || fail "$1 has no line matching '$2'"
}

# dmesg_since MARK: kernel messages logged after `dmesg_mark` returned MARK.
# The mark is the printk time of the last message, not a line count: the
# kernel's log is a ring (128 KiB on Debian's 6.1) that a test logging
# many lines wraps, after which a count no longer grows (CI saw that).
dmesg_mark() {
	_m=$(dmesg | tail -n 1 | sed -n 's/^\[ *\([0-9][0-9]*\.[0-9]*\)\].*/\1/p')
	echo "${_m:-0}"
}
dmesg_since() {
	dmesg | awk -v m="$1" '/^\[ *[0-9]+\.[0-9]+\]/ {
		t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); on = (t + 0 > m + 0) } on'
}

# The helpers below fork nothing on their usual path, so that tests can
# call them in tight loops (TCG forks slowly, more so while translating).

# kdbt_get VAR NAME: set VAR to the value of NAME in /proc/kdbt/stats;
# empty and status 1 if there is no such line (or no such file).
kdbt_get() {
	_v=
	_st=1
	while read -r _k _w; do
		[ "$_k" = "$2" ] && { _v=$_w; _st=0; break; }
	done < /proc/kdbt/stats
	eval "$1=\$_v"
	return $_st
}

# kdbt_stat NAME: print the value of NAME in /proc/kdbt/stats (for $(...)).
kdbt_stat() {
	kdbt_get _s "$1" && echo "$_s"
}

# kdbt_num VAR NAME: set VAR to the value of NAME in /proc/kdbt/stats,
# failing the test unless it is a decimal number.
kdbt_num() {
	kdbt_get _n "$2" || fail "/proc/kdbt/stats has no $2 line"
	case $_n in
	''|*[!0-9]*) fail "/proc/kdbt/stats: $2 is '$_n', not a number" ;;
	esac
	eval "$1=\$_n"
}

# kdbt_control WORDS: write WORDS to /proc/kdbt/control in one write.
# Status 0 if the write succeeded; otherwise ctl_err holds the shell's
# message, which ends with the error's text ("Invalid argument", ...).
kdbt_control() {
	ctl_err=
	echo "$*" 2>/tmp/.kdbt_control.err > /proc/kdbt/control && return 0
	ctl_err=$(cat /tmp/.kdbt_control.err)
	return 1
}

# control_fails WORDS ERROR: writing WORDS must fail with ERROR's text.
control_fails() {
	kdbt_control "$1" && fail "'$1' > /proc/kdbt/control succeeded"
	case $ctl_err in
	*"$2"*) ;;
	*) fail "'$1' > /proc/kdbt/control: want '$2', got '$ctl_err'" ;;
	esac
}

# tick VAR: hundredths of a second since boot, without forking.
tick() {
	read -r _up _ < /proc/uptime
	eval "$1=\${_up%.*}\${_up#*.}"
}

# coverage_at_least PERCENT WHAT: /proc/kdbt/stats' coverage must be at
# least PERCENT (decimals allowed).
coverage_at_least() {
	kdbt_get _cov coverage
	_c=${_cov%.*}${_cov#*.}
	case $_c in
	''|*[!0-9]*) fail "$2: coverage is '$_cov'" ;;
	esac
	awk -v c="$_cov" -v w="$1" 'BEGIN { exit !(c + 0 >= w + 0) }' ||
		fail "$2: coverage $_cov%, want >= $1%"
}

# native_consistent WHAT: with translation off (no sample can come),
# /proc/kdbt/native has its two header lines, then lines "N symbol+0xo/0xs
# [module] callers" (or "N 0xADDRESS [unknown] callers": a module's init
# text, freed since) with N > 0, most frequent first, that account for
# samples_native exactly when no CPU took more than the 32 it keeps (at
# most 32 in all), and for at most that many otherwise.
native_consistent() {
	kdbt_num _sn samples_native
	awk -v sn="$_sn" -v what="$1" '
		function bad(why) { print "FAIL: " what ": /proc/kdbt/native line " NR ": " why ": " $0; err = 1; exit 1 }
		NR == 1 { if ($0 !~ /^# version [0-9]+$/) bad("not the version"); next }
		NR == 2 { if ($0 != "# samples symbol module callers") bad("not the columns"); next }
		{
			# a symbol and its module, or (module init text freed
			# since: no symbol) the address and [unknown]
			sym = $2 ~ /^[A-Za-z0-9_.$]+\+0x[0-9a-f]+\/0x[0-9a-f]+$/ &&
			      $3 ~ /^\[[A-Za-z0-9_]+\]$/
			addr = $2 ~ /^0x[0-9a-f]+$/ && $3 == "[unknown]"
			if (NF != 4 || $1 !~ /^[1-9][0-9]*$/ || !(sym || addr) ||
			    $4 !~ /^(-|[^ ]+)$/)
				bad("malformed")
			if (NR > 3 && $1 + 0 > prev) bad("not sorted by samples")
			prev = $1 + 0; sum += $1
		}
		END {
			if (err) exit 1
			if (sn <= 32 && sum != sn) { print "FAIL: " what ": /proc/kdbt/native accounts for " sum " samples, samples_native is " sn; exit 1 }
			if (sum > sn) { print "FAIL: " what ": /proc/kdbt/native accounts for " sum " samples, more than samples_native " sn; exit 1 }
			print "figure: native samples " sn ", " NR - 2 " places listed"
		}' /proc/kdbt/native > /tmp/native.check || {
		cat /tmp/native.check
		exit 1
	}
	cat /tmp/native.check
}

# translated_workload MODE [SECONDS [stress]]: the whole-kernel test body,
# in MODE (fast or transparent).  Load kdbt, switch on, run the workload
# mix (all of it, with block I/O and module load/unload) for SECONDS
# (default 62, at least 20; with "stress", a stress-ng --verify mix beside
# it, stress_start, which must pass); after a 10 s warm-up, reset the
# profile, measure for SECONDS - 12 s, stop the mix (it ends its rounds)
# and at the end require coverage
# >= KDBT_COVERAGE_MIN (default 99) percent of the timer samples taken in
# kernel mode; efault
# must give exactly its native results while on; switch off (fast mode: the cache return addresses on
# kernel stacks are rewritten); rmmod must succeed.
# Prints the figures (blocks, cache, dispatches per second after warm-up,
# on/off times, coverage, jumptable hit rate).
translated_workload() {
	_m=$1
	_secs=${2:-62}
	[ "$_secs" -ge 20 ] || _secs=20
	_stop=/tmp/translated-workload.stop
	efault > /tmp/efault.native ||
		fail "efault fails natively: $(grep FAIL /tmp/efault.native)"
	insmod "$KDBT_KO" || fail "insmod failed"
	kdbt_control "mode $_m" || fail "mode $_m: $ctl_err"
	tick _t0
	kdbt_control on || fail "on: $ctl_err"
	tick _t1
	echo "figure: on took $(((_t1 - _t0) * 10)) ms"
	rm -f "$_stop"
	[ "${3:-}" = stress ] && stress_start "$_secs"
	workload "$_secs" "$_stop" forkexec fileio pipes sockets signals mmap \
		timers blockdev > /tmp/workload.out 2>&1 &
	_wl=$!
	sleep 10
	kdbt_control reset || fail "reset: $ctl_err"
	kdbt_num _d0 dispatches
	tick _t0
	sleep $((_secs - 12))
	kdbt_num _d1 dispatches
	tick _t1
	touch "$_stop"
	wait $_wl
	_rc=$?
	cat /tmp/workload.out
	[ $_rc = 0 ] || fail "$_m: the workload failed while translated"
	[ "${3:-}" = stress ] && stress_check
	efault > /tmp/efault.on ||
		fail "$_m: efault while on: $(grep FAIL /tmp/efault.on)"
	cmp -s /tmp/efault.native /tmp/efault.on ||
		fail "$_m: efault differs from native: $(diff /tmp/efault.native /tmp/efault.on | head -5)"
	grep -E '^(blocks|cache_bytes_used|instructions|indirect_branches|jumptable_misses|jumptable_hit_rate|extable_entries|vectors_translated|pulls|samples_[a-z_]*|coverage|text_pokes|invalidated_blocks|stack_pulls) ' \
		/proc/kdbt/stats | sed 's/^/figure: /'
	echo "figure: dispatches per second after warm-up $(((_d1 - _d0) * 100 / (_t1 - _t0)))"
	sed -n '3,8p' /proc/kdbt/native | sed 's/^/native: /'
	coverage_at_least "${KDBT_COVERAGE_MIN:-99}" "$_m, after warm-up"
	tick _t0
	kdbt_control off || fail "off: $ctl_err"
	tick _t1
	echo "figure: off took $(((_t1 - _t0) * 10)) ms"
	expect_eq "$_m: state after off" "$(kdbt_stat state)" off
	kdbt_num _sr stack_rewrites
	echo "figure: stack words rewritten at off $_sr"
	native_consistent "$_m"
	rmmod kdbt || fail "$_m: rmmod after off failed"
	efault > /tmp/efault.off ||
		fail "$_m: efault after off: $(grep FAIL /tmp/efault.off)"
}

# stress_start SECONDS: a stress-ng mix with --verify (cpu, fork, pipe,
# mmap, page faults, hdd: one worker each; the cpu stressor multiplies
# matrices: its default, every method in turn, dies of SIGILL at once
# natively under QEMU 7.2's Skylake-Server-IBRS) as user nobody in the
# background for SECONDS; stress_check waits for it (at most SECONDS +
# 120 s more), prints its output without the words the host takes for
# kernel problems (stress-ng says "WARNING:"), and fails the test unless
# every stressor passed.  The test needs `# vm-bin: /usr/bin/stress-ng`.
stress_start() {
	command -v stress-ng > /dev/null ||
		fail "no stress-ng in the guest (# vm-bin: /usr/bin/stress-ng)"
	rm -rf /tmp/stress
	mkdir -p /tmp/stress/tmp
	chmod 1777 /tmp/stress/tmp
	_st_secs=$1
	(cd /tmp/stress/tmp && exec runas 65534 65534 stress-ng --cpu 1 \
		--cpu-method matrixprod --fork 1 --pipe 1 --mmap 1 \
		--mmap-bytes 1M --fault 1 --hdd 1 --hdd-bytes 4M \
		--temp-path /tmp/stress/tmp --verify --timeout "${1}s" \
		--metrics-brief > /tmp/stress/out 2>&1) &
	_st_pid=$!
}
stress_check() {
	_i=0
	while kill -0 "$_st_pid" 2>/dev/null && [ $_i -lt $((_st_secs + 120)) ]; do
		sleep 1
		_i=$((_i + 1))
	done
	kill -0 "$_st_pid" 2>/dev/null && kill "$_st_pid"
	wait "$_st_pid"
	_rc=$?
	sed 's/WARNING:/warning:/g; s/BUG:/bug:/g; s/Oops/oops/g;
	     s/Call Trace:/call trace:/g' /tmp/stress/out
	[ $_rc = 0 ] || fail "stress-ng: exit status $_rc: $(grep -E ' fail: |failed' /tmp/stress/out | head -n 3 | tr '\n' ' ')"
}

# onoff_cycles N [MODE]: N on/off cycles in MODE (default transparent)
# while the workload mix runs on every CPU; the state must follow each
# write, every 20th cycle and the last stay on for 0.2 s and must count
# instructions, every workload round must stay correct, and rmmod must
# succeed at the end.  In fast mode every off rewrites the stacks
# (stack_rewrites grows).
onoff_cycles() {
	_stop=/tmp/onoff-cycles.stop
	_mode=${2:-transparent}
	trap 'touch "$_stop"; [ "$(kdbt_stat state 2>/dev/null)" = on ] &&
	      kdbt_control off; grep -q "^kdbt " /proc/modules && rmmod kdbt' EXIT
	insmod "$KDBT_KO" || fail "insmod failed"
	kdbt_control "mode $_mode" || fail "'mode $_mode': $ctl_err"
	rm -f "$_stop"
	workload 400 "$_stop" > /tmp/workload.out 2>&1 &
	_wl=$!
	sleep 1
	tick _t0
	_n=0
	while [ $_n -lt "$1" ]; do
		_i=$((_n + 1))
		kdbt_control on || fail "cycle $_i: on: $ctl_err"
		kdbt_get _s state
		[ "$_s" = on ] || fail "cycle $_i: state '$_s' after on"
		if [ $((_i % 20)) = 0 ] || [ "$_i" = "$1" ]; then
			usleep 200000
			kdbt_num _c instructions
			[ "$_c" -gt 0 ] || fail "cycle $_i: no instructions in 0.2 s"
			echo "cycle $_i: $_c instructions"
		fi
		kdbt_control off || fail "cycle $_i: off: $ctl_err"
		kdbt_get _s state
		[ "$_s" = off ] || fail "cycle $_i: state '$_s' after off"
		_n=$_i
	done
	tick _t1
	echo "figure: $_n on/off cycles in $(((_t1 - _t0) / 100)) s"
	touch "$_stop"
	wait $_wl
	_rc=$?
	cat /tmp/workload.out
	[ $_rc = 0 ] || fail "workload failed during the on/off cycles"
	grep -E '^(switchons|switchoffs|flushes|stack_rewrites|stack_pulls) ' /proc/kdbt/stats
	expect_eq "state at the end" "$(kdbt_stat state)" off
	if [ "$_mode" = fast ]; then
		kdbt_num _r stack_rewrites
		[ "$_r" -ge "$_n" ] ||
			fail "$_n fast-mode offs rewrote only $_r stack words"
		kdbt_num _r stack_pulls
		[ "$_r" -ge "$_n" ] ||
			fail "$_n fast-mode ons pulled only $_r return addresses"
	fi
	rmmod kdbt || fail "rmmod after the cycles failed"
	[ -e /proc/kdbt ] && fail "/proc/kdbt left after rmmod"
	efault > /tmp/efault.after || fail "efault fails after rmmod"
}

# cache_full_session MODE: a full code cache is emptied and refilled
# while translation stays on in MODE, not a failure: with the cache
# limited to 1 MiB (module parameter cache_kb) the workload's kernel
# working set overflows it again and again; every refill is counted
# (cache_full, flushes), the workload and efault stay correct, and off and
# rmmod work afterwards (fast mode: each refill mapped the cache return
# addresses on every stack back and pulled them in again; off can still
# rewrite the stacks and unpin kdbt).
cache_full_session() {
	_m=$1
	_stop=/tmp/cache-full.stop
	efault > /tmp/efault.native || fail "efault fails natively"
	insmod "$KDBT_KO" cache_kb=1024 || fail "$_m: insmod failed"
	expect_eq "cache size" "$(kdbt_stat cache_bytes_total)" 1048576
	kdbt_control "mode $_m" || fail "mode $_m: $ctl_err"
	kdbt_control on || fail "$_m: on: $ctl_err"
	rm -f "$_stop"
	workload 25 "$_stop" > /tmp/workload.out 2>&1
	_rc=$?
	cat /tmp/workload.out
	[ $_rc = 0 ] || fail "$_m: workload failed while the cache was refilled"
	efault > /tmp/efault.on || fail "$_m: efault while on"
	cmp -s /tmp/efault.native /tmp/efault.on ||
		fail "$_m: efault differs from native"
	grep -E '^(state|blocks|cache_bytes_used|cache_full|flushes|coverage|stack_rewrites|stack_pulls) ' \
		/proc/kdbt/stats
	expect_eq "$_m: state" "$(kdbt_stat state)" on
	kdbt_num _full cache_full
	kdbt_num _flushes flushes
	[ "$_full" -ge 1 ] || fail "$_m: the 1 MiB cache never filled"
	[ "$_flushes" -ge 1 ] || fail "$_m: a full cache was never flushed"
	kdbt_num _used cache_bytes_used
	[ "$_used" -le 1048576 ] ||
		fail "$_m: cache_bytes_used $_used beyond the limit"
	kdbt_control off || fail "$_m: off: $ctl_err"
	rmmod kdbt || fail "$_m: rmmod failed"
}

# textpoke_session MODE: kernel text patched while it runs translated in
# MODE must be observed (textpoke.c): with translation on and the open
# path already translated, a kprobe attached to do_sys_openat2 counts the
# opens made afterwards, also while the function tracer traces it too
# (two ftrace users: the shared ftrace_regs_caller, which must see the
# native caller), and nothing once removed; enabling the
# sched_process_exec tracepoint (a static key, a jump label) makes later
# execs appear in the trace, disabling it stops them; text_pokes and
# invalidated_blocks grow.  Without invalidation the cache would keep the
# old bytes and see neither.  Loads kdbt and unloads it at the end; the
# caller traps textpoke_cleanup.
TP=/sys/kernel/tracing
textpoke_session() {
	_m=$1
	[ -e $TP/kprobe_events ] || fail "no tracefs at $TP"
	insmod "$KDBT_KO" || fail "$_m: insmod failed"
	kdbt_control "mode $_m" || fail "mode $_m: $ctl_err"
	kdbt_control on || fail "$_m: on: $ctl_err"
	tp_opens 50
	kdbt_num _p0 text_pokes
	kdbt_num _v0 invalidated_blocks

	echo 'p:kdbtprobe do_sys_openat2' > $TP/kprobe_events ||
		fail "$_m: kprobe_events"
	echo 1 > $TP/events/kprobes/kdbtprobe/enable ||
		fail "$_m: enabling the kprobe"
	_h0=$(tp_hits)
	tp_opens 20
	_h1=$(tp_hits)
	echo "$_m: kprobe hits: $_h0 before, $_h1 after 20 opens"
	[ $((_h1 - _h0)) -ge 20 ] ||
		fail "$_m: translated opens missed the kprobe ($_h0 -> $_h1)"
	# A second ftrace user on the same function (the function tracer):
	# its ftrace site now calls the shared ftrace_regs_caller, which
	# finds the traced function from its own return address.
	echo do_sys_openat2 > $TP/set_ftrace_filter ||
		fail "$_m: set_ftrace_filter"
	echo function > $TP/current_tracer || fail "$_m: current_tracer"
	tp_opens 20
	echo > $TP/trace
	_h0=$(tp_hits)
	tp_opens 20
	_h1=$(tp_hits)
	_n=$(grep -c ' do_sys_openat2 <-' $TP/trace)
	echo nop > $TP/current_tracer
	echo > $TP/set_ftrace_filter
	echo "$_m: with the function tracer too: kprobe hits $_h0 -> $_h1, traced calls $_n, after 20 opens"
	[ $((_h1 - _h0)) -ge 20 ] ||
		fail "$_m: with two ftrace users, translated opens missed the kprobe ($_h0 -> $_h1)"
	[ "$_n" -ge 20 ] ||
		fail "$_m: with two ftrace users, the function tracer saw $_n of 20 opens"
	echo 0 > $TP/events/kprobes/kdbtprobe/enable
	echo '-:kdbtprobe' >> $TP/kprobe_events ||
		fail "$_m: removing the kprobe"

	echo > $TP/trace
	echo 1 > $TP/events/sched/sched_process_exec/enable ||
		fail "$_m: enabling the tracepoint"
	for _i in 1 2 3 4 5; do /bin/true; done
	echo 0 > $TP/events/sched/sched_process_exec/enable
	_n=$(grep -c 'sched_process_exec' $TP/trace)
	echo "$_m: sched_process_exec events: $_n"
	[ "$_n" -ge 5 ] ||
		fail "$_m: translated execs missed the tracepoint: $_n events"
	for _i in 1 2 3; do /bin/true; done
	expect_eq "$_m: events after disabling" \
		"$(grep -c 'sched_process_exec' $TP/trace)" "$_n"

	kdbt_num _p1 text_pokes
	kdbt_num _v1 invalidated_blocks
	echo "$_m: text pokes seen: $((_p1 - _p0)), blocks invalidated: $((_v1 - _v0))"
	[ $((_p1 - _p0)) -gt 0 ] || fail "$_m: no text poke seen"
	[ $((_v1 - _v0)) -gt 0 ] || fail "$_m: no block invalidated"
	expect_eq "$_m: state" "$(kdbt_stat state)" on
	kdbt_control off || fail "$_m: off: $ctl_err"
	rmmod kdbt || fail "$_m: rmmod failed"
}

# textpoke_cleanup: for `trap textpoke_cleanup EXIT` around textpoke_session.
textpoke_cleanup() {
	echo nop 2>/dev/null > $TP/current_tracer
	echo 2>/dev/null > $TP/set_ftrace_filter
	echo 0 2>/dev/null > $TP/events/kprobes/kdbtprobe/enable
	echo '-:kdbtprobe' 2>/dev/null >> $TP/kprobe_events
	echo 0 2>/dev/null > $TP/events/sched/sched_process_exec/enable
	kdbt_leave
}

# tp_opens N: N opens of /proc/version.
tp_opens() {
	_i=0
	while [ $_i -lt "$1" ]; do
		read -r _l < /proc/version
		_i=$((_i + 1))
	done
}

# tp_hits: the hit count of the kprobe kdbtprobe.
tp_hits() {
	while read -r _name _hits _miss; do
		[ "$_name" = kdbtprobe ] && { echo "$_hits"; return; }
	done < $TP/kprobe_profile
	echo 0
}

# kdbt_read NAME OUT: copy /proc/kdbt/NAME to OUT in one cat, failing the
# test if the read fails (a reset or flush during the read: EAGAIN).
kdbt_read() {
	cat "/proc/kdbt/$1" > "$2" 2>/tmp/.kdbt_read.err ||
		fail "reading /proc/kdbt/$1: $(cat /tmp/.kdbt_read.err)"
}

# stat_of FILE NAME: the value of NAME in FILE, a copy of /proc/kdbt/stats
# (for figures that must come from one read).
stat_of() {
	awk -v k="$2" '$1 == k { print $2; exit }' "$1"
}

# ksym_addr NAME: the address of NAME in /proc/kallsyms (16 hex digits).
ksym_addr() {
	awk -v n="$1" '$3 == n { print $1; exit }' /proc/kallsyms
}

# block_at FILE COLUMN ADDR: the sum of COLUMN (1-based) over the lines of
# FILE, a copy of /proc/kdbt/blocks, of the blocks at ADDR (as ksym_addr
# prints it; an address may have several names, the file shows one); 0 if
# none.
block_at() {
	awk -v c="$2" -v a="$3" '$1 == a { s += $c }
		END { printf "%.0f\n", s }' "$1"
}

# block_function FILE ADDR: the function a block at ADDR belongs to, as
# FILE, a copy of /proc/kdbt/blocks, names it.
block_function() {
	awk -v a="$2" '$1 == a { sub(/\+.*/, "", $2); print $2; exit }' "$1"
}

# function_field FILE FUNCTION COLUMN: COLUMN (1-based) of FUNCTION of the
# core kernel in FILE, a copy of /proc/kdbt/functions; 0 if not listed.
function_field() {
	awk -v c="$3" -v f="$2" '$1 == f && $2 == "[kernel]" { s += $c }
		END { printf "%.0f\n", s }' "$1"
}

# column_sums FILE FIRST LAST: the sums of columns FIRST to LAST over the
# data lines of FILE, on one line, in one pass (a pass over
# /proc/kdbt/blocks takes busybox awk over a second under TCG).
column_sums() {
	awk -v a="$2" -v b="$3" '!/^#/ { for (c = a; c <= b; c++) s[c] += $c }
		END { for (c = a; c <= b; c++)
			printf "%.0f%s", s[c], c < b ? " " : "\n" }' "$1"
}

# kdbt_leave: switch translation off and unload kdbt if it is loaded
# (for `trap kdbt_leave EXIT`: the tests after this one start native).
kdbt_leave() {
	grep -q '^kdbt ' /proc/modules || return 0
	[ "$(kdbt_stat state 2>/dev/null)" = on ] && kdbt_control off
	rmmod kdbt 2>/dev/null
	return 0
}

# getppid_profile N THREADS: with translation on, make N getppid() calls
# in each of THREADS threads (pinned one per CPU if THREADS > 1) after a
# warm-up of 1000 calls, and measure them in /proc/kdbt/blocks and
# /proc/kdbt/functions.  Sets gp_calls (calls made), gp_execs (new
# executions of the block at __x64_sys_getppid, found by address),
# gp_name (the name the profile gives the function: __do_sys_getppid and
# __ia32_sys_getppid are aliases), gp_fcalls (its new calls), gp_insns
# (its new instructions) and gp_len (its straight-line path, decoded from
# /proc/kcore by pathlen).
getppid_profile() {
	_a=$(ksym_addr __x64_sys_getppid)
	[ -n "$_a" ] || fail "no __x64_sys_getppid in /proc/kallsyms"
	gp_len=$(pathlen /proc/kcore "0x$_a" 2>&1) ||
		fail "pathlen /proc/kcore 0x$_a: $gp_len"
	_pin=
	[ "$2" -gt 1 ] && _pin=--pin
	getppid 1000 > /dev/null || fail "getppid warm-up failed"
	kdbt_read blocks /tmp/gp.blocks0
	kdbt_read functions /tmp/gp.functions0
	gp_calls=$(getppid $_pin "$1" "$2") || fail "getppid $1 $2 failed"
	kdbt_read blocks /tmp/gp.blocks1
	kdbt_read functions /tmp/gp.functions1
	_e0=$(block_at /tmp/gp.blocks0 5 "$_a")
	_e1=$(block_at /tmp/gp.blocks1 5 "$_a")
	[ "$_e1" -gt 0 ] ||
		fail "no block at __x64_sys_getppid ($_a) in /proc/kdbt/blocks"
	gp_execs=$((_e1 - _e0))
	# /proc/kallsyms has three names there; the profile shows one.
	gp_name=$(block_function /tmp/gp.blocks1 "$_a")
	gp_insns=$(($(function_field /tmp/gp.functions1 "$gp_name" 3) -
		    $(function_field /tmp/gp.functions0 "$gp_name" 3)))
	gp_fcalls=$(($(function_field /tmp/gp.functions1 "$gp_name" 8) -
		     $(function_field /tmp/gp.functions0 "$gp_name" 8)))
}

# getppid_exact N: getppid_profile N 1 (translation on), then require
# exact counts: N new executions of the block at __x64_sys_getppid, N new
# calls of its function, and N times its straight-line path (pathlen) in
# new instructions.  Prints the figures.
getppid_exact() {
	getppid_profile "$1" 1
	echo "figure: $gp_calls getppid calls: +$gp_execs executions of the" \
		"block at __x64_sys_getppid (named $gp_name+0x0), +$gp_fcalls" \
		"calls and +$gp_insns instructions of $gp_name; path $gp_len" \
		"instructions"
	expect_eq "getppid calls made" "$gp_calls" "$1"
	expect_eq "new executions of the block at __x64_sys_getppid" \
		"$gp_execs" "$1"
	expect_eq "new calls of $gp_name" "$gp_fcalls" "$1"
	[ $((gp_insns % $1)) = 0 ] ||
		fail "$gp_insns instructions of $gp_name: not a multiple of $1"
	expect_eq "instructions per call (functions vs pathlen)" \
		$((gp_insns / $1)) "$gp_len"
}

# The configurations of the paper's table (scripts/bench-guest.sh): the
# native kernel; fast and transparent mode without counters (the cost of
# translation alone); fast mode with counters (the profiling setup).
BENCH_CONFIGS="native fast transparent fast-counters"

# bench_config CFG: switch to configuration CFG (on, in its mode, with or
# without counters; or off for native).
bench_config() {
	kdbt_control off || fail "off: $ctl_err"
	[ "$1" = native ] && return 0
	case $1 in
	fast-counters) _m=fast _c=on ;;
	*) _m=$1 _c=off ;;
	esac
	kdbt_control "mode $_m" || fail "mode $_m: $ctl_err"
	kdbt_control "counters $_c" || fail "counters $_c: $ctl_err"
	kdbt_control on || fail "on: $ctl_err"
}

# bench_figures CFG SECONDS D0: BSTAT lines for the run that just ended
# while translated (dispatcher entries per second from D0 on; the
# jumptable hit rate where counters count the indirect branches).
bench_figures() {
	kdbt_num _d dispatches
	echo "BSTAT $1 dispatches_per_s $(( (_d - $3) / ($2 > 0 ? $2 : 1) ))"
	for _k in cache_bytes_used coverage blocks; do
		echo "BSTAT $1 $_k $(kdbt_stat $_k)"
	done
	# Only counting configurations know their indirect branches.
	[ "$(kdbt_stat counters)" = on ] &&
		echo "BSTAT $1 jumptable_hit_rate $(kdbt_stat jumptable_hit_rate)"
	return 0
}

# uptime_cs: guest uptime in centiseconds.
uptime_cs() {
	read -r _u _rest < /proc/uptime
	echo "${_u%.*}${_u#*.}"
}

# bench_configs ROUNDS SCALE: kbench in every configuration, interleaved
# in rounds (each round visits every configuration, so drift hits them
# alike).  Each switch rebuilds the cache (mode and counters select its
# code), so every run is preceded by a warm-up at a fifth of the scale.
# Prints "BENCH CFG NAME NS" and "BSTAT CFG KEY VALUE" lines.
bench_configs() {
	# kdbt.PARAM=VALUE on the kernel command line (VM_APPEND) becomes a
	# module parameter, as modprobe would make it: value_profiles=0 says
	# what the value profiles cost.
	insmod "$KDBT_KO" $(tr ' ' '\n' < /proc/cmdline |
		sed -n 's/^kdbt\.\([a-z_]*=[0-9a-z]*\)$/\1/p') ||
		fail "insmod failed"
	kbench "$2" > /dev/null || fail "kbench failed natively"
	_r=0
	while [ $_r -lt "$1" ]; do
		for _cfg in $BENCH_CONFIGS; do
			bench_config "$_cfg"
			kbench "$(awk "BEGIN { print $2 / 5 }")" > /dev/null ||
				fail "kbench warm-up failed ($_cfg)"
			kdbt_num _d0 dispatches
			_t0=$(uptime_cs)
			kbench "$2" > /tmp/kbench.out ||
				fail "kbench failed ($_cfg)"
			_t1=$(uptime_cs)
			sed "s/^/BENCH $_cfg /" /tmp/kbench.out
			[ "$_cfg" = native ] ||
				bench_figures "$_cfg" $(( (_t1 - _t0) / 100 )) "$_d0"
		done
		_r=$((_r + 1))
	done
	kdbt_control off || fail "off: $ctl_err"
}

# bench_read_cost: the cost of reading /proc/kdbt whole with the working
# set of a workload run translated with counters (changes: kept open,
# each read after the first only what changed since the last).
bench_read_cost() {
	bench_config fast-counters
	workload 20 > /dev/null 2>&1 || fail "workload failed"
	kdbt_num _b blocks
	echo "READSET blocks $_b"
	for _f in blocks functions snapshot stats; do
		readcost "/proc/kdbt/$_f" 5 || fail "reading $_f"
	done
	# changes as kdbt-top reads it: one open file, each read the changes
	# since the one before
	readcost -k /proc/kdbt/changes 5 || fail "reading changes"
	kdbt_control off || fail "off: $ctl_err"
}
