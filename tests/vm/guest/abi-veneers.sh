# abi-veneers.sh - kdbt calls kernel functions only through veneers
# (kmod/ksyms.c), which CET indirect branch tracking lets an indirect call
# land on: with the tests-only parameter probe_veneers, kdbt.ko logs each
# veneer - its function, its offset from kdbt_cache and its 16 bytes as
# they execute - and this test decodes them against /proc/kallsyms:
# endbr64 (f3 0f 1e fa), then `jmp rel32` (e9) landing exactly on the
# function's kallsyms address, then int3 padding.  QEMU does not enforce
# IBT, so this static check is the proof: a veneer without its endbr64 or
# aimed one byte off fails it.  Then an on/off in each mode calls them.
# vm-timeout: 90
. /tests/lib.sh

trap kdbt_leave EXIT

# low32 HEX16: the low 32 bits of a kernel address, in decimal, if its
# high 32 bits are all ones (kernel text and modules lie in the top
# 2 GiB; sh arithmetic would overflow on the whole address); else -1.
low32() {
	case $1 in
	ffffffff????????) echo $((0x${1#ffffffff})) ;;
	*) echo -1 ;;
	esac
}

# check_veneer NAME OFF B0 .. B15: one veneer, as probe_veneers logs it.
check_veneer() {
	_name=$1 _off=$2
	shift 2
	expect_eq "$_name: endbr64" "$1 $2 $3 $4" "f3 0f 1e fa"
	expect_eq "$_name: jmp rel32" "$5" "e9"
	expect_eq "$_name: int3 padding" "${10} ${11} ${12} ${13} ${14} ${15} ${16}" \
		"cc cc cc cc cc cc cc"
	_rel=$((0x$9$8$7$6))
	[ "$_rel" -ge $((0x80000000)) ] && _rel=$((_rel - 0x100000000))
	_to=$((base + _off + 9 + _rel))
	[ "$_to" -ge 0 ] && [ "$_to" -lt $((0x100000000)) ] ||
		fail "$_name: the jmp leaves the top 4 GiB"
	_want=$(awk -v n="$_name" '$3 == n { print $1 }' /tmp/veneers.kallsyms)
	[ -n "$_want" ] || fail "$_name: not in /proc/kallsyms"
	for _a in $_want; do
		[ "$(low32 "$_a")" = "$_to" ] && return 0
	done
	fail "$_name: the veneer's jmp lands at ffffffff$(printf %08x "$_to"), not on $_name ($_want)"
}

kptr=$(cat /proc/sys/kernel/kptr_restrict)
echo 0 > /proc/sys/kernel/kptr_restrict
insmod "$KDBT_KO" || fail "insmod failed"
dmesg | grep 'kdbt: loaded' | tail -n 1
echo 2 > /sys/module/kdbt/parameters/probe_veneers 2>/dev/null &&
	fail "probe_veneers took 2"
mark=$(dmesg_mark)
echo 1 > /sys/module/kdbt/parameters/probe_veneers ||
	fail "writing probe_veneers failed"
dmesg_since "$mark" | sed -n 's/.*kdbt: veneer: //p' > /tmp/veneers
n=$(dmesg_since "$mark" | sed -n 's/.*kdbt: veneers: \([0-9]*\)$/\1/p')
expect_eq "veneer lines" "$(wc -l < /tmp/veneers)" "$n"
[ "${n:-0}" -gt 0 ] || fail "no veneers logged"
grep -q '^kallsyms_lookup_name ' /tmp/veneers ||
	fail "no veneer for kallsyms_lookup_name"
expect_eq "veneers named twice" "$(cut -d' ' -f1 /tmp/veneers | sort | uniq -d)" ""

cache=$(ksym_addr kdbt_cache)
[ -n "$cache" ] || fail "kdbt_cache not in /proc/kallsyms"
base=$(low32 "$cache")
[ "$base" -ge 0 ] || fail "kdbt_cache at $cache, not in the top 4 GiB"
# The kallsyms lines of the veneers' functions, read once (a pass over
# /proc/kallsyms per veneer took most of this test's 48 s under TCG).
awk 'NR == FNR { want[$1] = 1; next } NF == 3 && ($3 in want)' \
	/tmp/veneers /proc/kallsyms > /tmp/veneers.kallsyms
while read -r name off bytes; do
	# shellcheck disable=SC2086 # the 16 bytes, one argument each
	check_veneer "$name" "$((off))" $bytes
	echo "$name: endbr64; jmp $name"
done < /tmp/veneers
echo "figure: $n veneers, each endbr64 then jmp rel32 onto its function"
echo "$kptr" > /proc/sys/kernel/kptr_restrict

for m in transparent fast; do
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	kdbt_control on || fail "$m: on: $ctl_err"
	ls -R /proc/sys > /dev/null
	kdbt_control off || fail "$m: off: $ctl_err"
done
rmmod kdbt || fail "rmmod failed"
