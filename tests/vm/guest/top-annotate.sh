# top-annotate.sh - kdbt-top's annotated view (-b --annotate FUNC) on the
# live module, on getppid's handler, whose calls run one straight path:
#   - since a reset (--cumulative), after 100000 getppid() calls: the
#     listing starts at the handler's address in /proc/kallsyms; its first
#     instruction's count is the calls on the line above the listing and
#     in its header (at least the calls made), and the counts add up to
#     the instructions of both; the instructions that ran each ran once a
#     call, and there are as many as pathlen decodes on the handler's
#     straight path from /proc/kcore;
#   - live, last interval, while getppid is hammered: the same sums in the
#     second refresh, with calls in it;
#   - code that cannot be read (--kcore of a missing file): one line says
#     why, and kdbt-top goes on; symbols hidden (kptr_restrict 2): it says
#     so and exits 1.
# vm-smp: 2
# vm-timeout: 120
. /tests/lib.sh

kptr=$(cat /proc/sys/kernel/kptr_restrict)
cleanup() {
	[ -n "${gp:-}" ] && kill "$gp" 2>/dev/null
	wait
	echo "$kptr" > /proc/sys/kernel/kptr_restrict
	kdbt_leave
}
trap cleanup EXIT

# check_listing FILE: one refresh of the view in FILE; sets calls, insns,
# first (the first instruction's count) and ran (lines that ran); fails
# unless first = calls = "# entries" and the sum = insns = "# instructions".
check_listing() {
	_r=$(awk '/^Annotate .*: [0-9]+ instructions, [0-9]+ calls/ {
		ti = $(NF - 5); tc = $(NF - 3); next }
	/^# instructions : / { hi = $4 }
	/^# entries +: / { he = $4 }
	/^# not listed / { out = $5 }
	/^ *[0-9]+ +[0-9.]+%  [0-9a-f]+  \+0x/ {
		if (!n) { first = $1; addr = $3 } n++; sum += $1; ran += $1 > 0 }
	END { printf "%s %s %s %s %s %s %s %s %s\n", n + 0, first + 0,
		tc + 0, ti + 0, he + 0, hi + 0, sum + out, ran + 0, addr }' "$1")
	set -- $_r
	echo "figure: $1 lines, first count $2 at $9, $3 calls, $4 instructions ($5 entries, $6 in the header), sum $7, $8 ran"
	[ "$1" -gt 0 ] || fail "no listing in $(head -n 8 "$1")"
	expect_eq "first instruction's count vs the calls above" "$2" "$3"
	expect_eq "first instruction's count vs # entries" "$2" "$5"
	expect_eq "the counts' sum vs the instructions above" "$7" "$4"
	expect_eq "the counts' sum vs # instructions" "$7" "$6"
	calls=$3 insns=$4 first=$2 ran=$8 start=$9
}

insmod "$KDBT_KO" || fail "insmod failed"
kdbt_control on || fail "on: $ctl_err"

a=$(ksym_addr __x64_sys_getppid)
[ -n "$a" ] || fail "no __x64_sys_getppid in /proc/kallsyms"
handler=$(awk -v a="$a" '$1 == a { print $3; exit }' /proc/kallsyms)
path=$(pathlen /proc/kcore "0x$a" 2>&1) || fail "pathlen /proc/kcore 0x$a: $path"
echo "getppid handler at $a: $handler, straight path of $path instructions"

# Since a reset.
getppid 1000 > /dev/null || fail "getppid warm-up failed"
kdbt_control reset || fail "reset: $ctl_err"
getppid 100000 > /dev/null || fail "getppid failed"
kdbt-top -b --cumulative --annotate "$handler" -n 1 > /tmp/ann.total 2>&1 ||
	{ cat /tmp/ann.total; fail "kdbt-top -b --cumulative --annotate $handler failed"; }
head -n 14 /tmp/ann.total
expect_file_has /tmp/ann.total "^Annotate $handler \\[kernel\\], since reset: "
expect_file_has /tmp/ann.total "^# $handler \\[kernel\\] at 0x$a, "
check_listing /tmp/ann.total
expect_eq "the listing's first address" "$start" "$a"
[ "$calls" -ge 100000 ] || fail "$calls calls since the reset, want at least 100000"
expect_eq "instructions per call" $((insns / calls)) "$path"
expect_eq "instructions that ran (each once a call)" "$ran" "$path"
[ "$(awk -v c="$calls" '/^ *[0-9]+ +[0-9.]+%  / && $1 > 0 && $1 != c' \
	/tmp/ann.total | wc -l)" = 0 ] ||
	fail "an instruction ran other than once a call"

# Live, the last interval.
getppid 1000000000 > /dev/null &
gp=$!
sleep 1
kdbt-top -b -d 1 -n 2 --annotate "$handler" > /tmp/ann.out 2>&1 ||
	{ cat /tmp/ann.out; fail "kdbt-top -b -d 1 -n 2 --annotate $handler failed"; }
kill "$gp"
wait "$gp" 2>/dev/null
gp=
sed -n '/ - refresh 2 of 2$/,$p' /tmp/ann.out > /tmp/ann.last
expect_file_has /tmp/ann.last "^Annotate $handler \\[kernel\\], last interval: "
check_listing /tmp/ann.last
[ "$calls" -gt 1000 ] || fail "only $calls calls in the last interval"

# No code: one line says why.
kdbt-top -b -n 1 --annotate "$handler" --kcore /no/such/kcore > /tmp/ann.nocode 2>&1 ||
	{ cat /tmp/ann.nocode; fail "kdbt-top --kcore /no/such/kcore failed"; }
expect_file_has /tmp/ann.nocode "^Cannot annotate $handler: /no/such/kcore: No such file or directory"

# Symbols hidden.
echo 2 > /proc/sys/kernel/kptr_restrict
out=$(kdbt-top -b -n 1 --annotate "$handler" 2>&1) &&
	fail "kdbt-top --annotate ran without symbols: $out"
echo "$out"
case $out in
*"--annotate: no function $handler in the symbols"*) ;;
*) fail "with kptr_restrict 2: '$out'" ;;
esac
echo "$kptr" > /proc/sys/kernel/kptr_restrict

kdbt_control off || fail "off: $ctl_err"
