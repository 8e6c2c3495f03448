# top-cpu.sh - kdbt-top's and kdbt-record's own CPU use at one refresh
# or interval a second, with the working set of the whole workload mix
# translated, on one CPU under -icount (guest time counts instructions,
# one per nanosecond), so that the figures are the same in every run.
# Figures, not verdicts:
#   figure: top start: the time of kdbt-top -b -n 1 -d 0.01 (symbols, two
#           snapshots, one refresh), user and system
#   figure: top idle|busy: kdbt-top -b -d 1 over 20 refreshes after 10 of
#           warm-up (its heap grows to its size), the mix stopped (idle)
#           or running (busy): user and system ticks (1/100 s), page
#           faults, milliseconds per refresh and percent of the CPU; then
#           the same from the time the scheduler ran it (the first field
#           of /proc/PID/schedstat, in ns: under -icount exact, where a
#           tick charges its 10 ms to whoever it interrupts, which for
#           35 ticks is +-6 of noise)
#   figure: record idle|busy: the same for kdbt-record -a -i 1 (its
#           intervals; the file is written after the measurement)
# Run it by hand: sh tests/vm/run.sh --show tests/bench/guest/top-cpu.sh
# vm-smp: 1
# vm-qemu: -icount shift=0,sleep=off
# vm-timeout: 3000
. /tests/lib.sh

stop=/tmp/top-cpu.stop
cleanup() {
	touch "$stop"
	[ -n "${top:-}" ] && kill "$top" 2>/dev/null
	wait
	kdbt_leave
}
trap cleanup EXIT

# stat_of_pid PID: set ut, st (ticks), fl (minor faults) and rt (ns the
# scheduler ran it) of PID.
stat_of_pid() {
	read -r _ _ _ _ _ _ _ _ _ fl _ _ _ ut st _ < "/proc/$1/stat" ||
		fail "kdbt-top died"
	read -r rt _ < "/proc/$1/schedstat" || fail "no schedstat"
}

# measure LABEL COMMAND...: COMMAND's CPU over 20 s after 10 of warm-up.
measure() {
	_label=$1
	shift
	"$@" > /dev/null 2>&1 &
	top=$!
	sleep 10
	stat_of_pid $top
	u0=$ut s0=$st f0=$fl r0=$rt
	tick t0
	sleep 20
	stat_of_pid $top
	tick t1
	kill $top
	wait $top 2>/dev/null
	top=
	u=$((ut - u0)) s=$((st - s0)) dt=$((t1 - t0))
	pm=$(((u + s) * 10000 / dt))
	printf 'figure: %s: %s user + %s system ticks, %s faults in %s.%02d s: %s ms per refresh, %d.%02d%% of the CPU\n' \
		"$_label" $u $s $((fl - f0)) $((dt / 100)) $((dt % 100)) \
		$(((u + s) * 10 * 100 / dt)) $((pm / 100)) $((pm % 100))
	# ns run over (hundredths of s * 10^7 ns): per ten thousand
	pm=$(((rt - r0) / dt / 1000))
	printf 'figure: %s: run %s ms by schedstat: %s.%02d ms per refresh, %d.%02d%% of the CPU\n' \
		"$_label" $(((rt - r0) / 1000000)) \
		$(((rt - r0) / 20000000)) $((((rt - r0) / 200000) % 100)) \
		$((pm / 100)) $((pm % 100))
}

# Both tools, one refresh or interval a second.
measure_tools() {
	measure "top $1" kdbt-top -b -d 1 -n 1000
	measure "record $1" kdbt-record -a -k -q -i 1 -o /tmp/top-cpu.data
}

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
workload 20 > /tmp/workload.out 2>&1 || {
	cat /tmp/workload.out
	fail "the workload failed"
}
kdbt_num blocks blocks
echo "figure: top working set: $blocks blocks"
time -p kdbt-top -b -n 1 -d 0.01 > /dev/null 2> /tmp/time.out ||
	fail "kdbt-top -b -n 1 failed: $(cat /tmp/time.out)"
echo "figure: top start: $(grep -E '^(user|sys)' /tmp/time.out | tr '\n' ' ')"
measure_tools idle
rm -f "$stop"
workload 300 "$stop" > /tmp/workload.out 2>&1 &
wl=$!
sleep 5
measure_tools busy
touch "$stop"
wait $wl || { cat /tmp/workload.out; fail "the workload failed"; }
kdbt_num blocks blocks
echo "figure: top working set at the end: $blocks blocks"
kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
