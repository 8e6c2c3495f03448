# top-batch.sh - kdbt-top in batch mode against the live module.  While
# getppid() is hammered, three refreshes 1.5 s apart show the hottest
# functions (long enough for getppid() to outweigh kdbt-top's own page
# faults, also with page-table isolation, where each system call costs
# TCG two TLB flushes): the top function of the last one must be the one
# that getppid() hammers hardest by the kernel's own count (the largest
# growth of instructions in /proc/kdbt/functions over a run of getppid
# calls: the handler's callee __task_pid_nr_ns on Debian's 6.1, which
# executes more instructions per call than the handler __do_sys_getppid
# itself), and the handler must be listed.  Without kdbt.ko, and when
# not root, kdbt-top says so.  (Its own CPU use: tests/bench/guest/
# top-cpu.sh.)
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

cleanup() {
	[ -n "${gp:-}" ] && kill "$gp" 2>/dev/null
	wait
	kdbt_leave
}
trap cleanup EXIT

# Refuses plainly without the module.
out=$(kdbt-top -b -n 1 2>&1) && fail "kdbt-top ran without kdbt.ko: $out"
case $out in
*"kdbt.ko is not loaded"*) ;;
*) fail "without kdbt.ko: '$out'" ;;
esac

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"
out=$(runas 65534 65534 kdbt-top -b -n 1 2>&1) &&
	fail "kdbt-top ran as nobody: $out"
case $out in
*"permission denied"*"needs root"*) ;;
*) fail "as nobody: '$out'" ;;
esac

# The handler's name in profiles: the first name at its address.
a=$(ksym_addr __x64_sys_getppid)
[ -n "$a" ] || fail "no __x64_sys_getppid in /proc/kallsyms"
handler=$(awk -v a="$a" '$1 == a { print $3; exit }' /proc/kallsyms)
# What getppid() hammers hardest, by /proc/kdbt/functions.
getppid 1000 > /dev/null || fail "getppid warm-up failed"
kdbt_read functions /tmp/f0
getppid 30000 > /dev/null || fail "getppid failed"
kdbt_read functions /tmp/f1
hottest=$(awk 'NR == FNR { if (!/^#/) s[$1 " " $2] = $3; next }
	!/^#/ { d = $3 - s[$1 " " $2]; if (d > m) { m = d; f = $1 " " $2 } }
	END { print f }' /tmp/f0 /tmp/f1)
echo "getppid handler at $a: $handler; hammered hardest: $hottest"

getppid 1000000000 > /dev/null &
gp=$!
sleep 1
kdbt-top -b -d 1.5 -n 3 > /tmp/top.out 2>&1 || {
	cat /tmp/top.out
	fail "kdbt-top -b -d 1.5 -n 3 failed"
}
kill "$gp"
wait "$gp" 2>/dev/null
gp=
# The last refresh, as printed.
sed -n '/refresh 3 of 3$/,$p' /tmp/top.out > /tmp/top.last
cat /tmp/top.last
[ -s /tmp/top.last ] || fail "no third refresh in: $(head -n 3 /tmp/top.out)"
expect_file_has /tmp/top.last '^kdbt-top .* translation on, transparent mode'
expect_file_has /tmp/top.last '^Last [0-9]+\.[0-9][0-9] s '
sed -n '/Symbol \[module\]$/,$p' /tmp/top.last | sed '1d; /^$/d; s/.*  //' \
	> /tmp/top.rows
[ "$(wc -l < /tmp/top.rows)" -ge 10 ] ||
	fail "only $(wc -l < /tmp/top.rows) rows in the last refresh"
expect_eq "top function of the last refresh" "$(head -n 1 /tmp/top.rows)" \
	"$hottest"
rank=$(grep -nxF "$handler [kernel]" /tmp/top.rows | cut -d: -f1)
[ -n "$rank" ] || fail "the handler $handler is not in the last refresh"
echo "figure: top function $hottest; the handler $handler is row $rank"

kdbt_control off || fail "off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
