# profile-targets.sh - the value profile of an indirect call site is
# exact (struct kdbt_site, kdbt(4) "edge"): kdbt_test_vp.ko's
# kdbt_vp_mix() calls through a table of function pointers from one call
# instruction, kdbt_vp_t0 1000 times, kdbt_vp_t1 200 and kdbt_vp_t2 7 in
# every 1207 calls.  In each mode, after a reset, 1207 calls (the site's
# slots filled on the way: cold) and then 2 x 1207 more (warm): the lines
# of /proc/kdbt/blocks whose edge is "indirect" and whose edge_of is a
# block of kdbt_vp_mix count exactly 1000, 200 and 7 (then 3000, 600 and
# 21) for the three targets and nothing else, and the call's blocks
# (kind icall, in kdbt_vp_mix) executed exactly as often.  With
# value_profiles=0 the site keeps no profile at all.  Then kdbt-record
# of 1207 calls: kdbt-report --annotate kdbt_vp_mix gives the call's line
# "targets: kdbt_vp_t0 1000, kdbt_vp_t1 200, kdbt_vp_t2 7, other 0", and
# --callers kdbt_vp_t1 the row "200 ... kdbt_vp_mix [kdbt_test_vp]
# (through a pointer)"; kdbt-top -b --annotate kdbt_vp_mix the same
# call's targets since the reset.  Prints the figures.
# vm-timeout: 120
. /tests/lib.sh

VP=/bin/kdbt_test_vp.ko
RUN=/sys/module/kdbt_test_vp/parameters/run
trap 'rmmod kdbt_test_vp 2> /dev/null; kdbt_leave' EXIT

# targets: "t0 t1 t2 other site" from /proc/kdbt/blocks (counts frozen).
targets() {
	cat /proc/kdbt/blocks > /tmp/blocks || fail "reading blocks"
	awk '
		/^#/ { next }
		$2 ~ /^kdbt_vp_mix\+/ { mix[$1] = 1
			if ($9 == "icall") site += $5 }
		$12 == "indirect" { n++; edge[n] = $13; sym[n] = $2; c[n] = $5 }
		END {
			for (i = 1; i <= n; i++) {
				if (!(edge[i] in mix))
					continue
				s = sym[i]; sub(/\+.*/, "", s)
				if (s == "kdbt_vp_t0") t0 += c[i]
				else if (s == "kdbt_vp_t1") t1 += c[i]
				else if (s == "kdbt_vp_t2") t2 += c[i]
				else other += c[i]
			}
			printf "%d %d %d %d %d\n", t0, t1, t2, other, site
		}' /tmp/blocks
}

# calls N: N calls through the table, then counts frozen.
calls() {
	echo "$1" > $RUN || fail "writing $1 to $RUN"
}

insmod "$KDBT_KO" || fail "insmod failed"
insmod $VP || fail "insmod kdbt_test_vp"
for m in transparent fast; do
	kdbt_control "mode $m" || fail "mode $m: $ctl_err"
	kdbt_control on || fail "$m: on: $ctl_err"
	kdbt_control reset || fail "$m: reset: $ctl_err"
	calls 1207
	expect_eq "$m: cold: t0 t1 t2 other site" "$(targets)" \
		"1000 200 7 0 1207"
	calls 2414
	expect_eq "$m: warm: t0 t1 t2 other site" "$(targets)" \
		"3000 600 21 0 3621"
	echo "figure: $m: $(grep -c ' indirect ' /tmp/blocks) slot copies" \
		"in the cache, the site's targets $(targets)"
	# kdbt-top's annotated view shows the same since the reset.
	kdbt-top -b --cumulative --annotate kdbt_vp_mix -n 1 > /tmp/top 2>&1 ||
		fail "$m: kdbt-top --annotate kdbt_vp_mix: $(head -c 300 /tmp/top)"
	grep -q 'targets: kdbt_vp_t0 3000, kdbt_vp_t1 600, kdbt_vp_t2 21, other 0$' \
		/tmp/top || fail "$m: kdbt-top's view: $(grep call /tmp/top)"
	kdbt_control off || fail "$m: off: $ctl_err"
done

# The recording: what kdbt-report makes of the slot copies.
kdbt-record -o /tmp/vp.data -- sh -c "echo 1207 > $RUN" 2> /tmp/rec.err ||
	fail "kdbt-record: $(cat /tmp/rec.err)"
kdbt-report --stdio --annotate kdbt_vp_mix /tmp/vp.data > /tmp/ann 2>&1 ||
	fail "kdbt-report --annotate kdbt_vp_mix: $(head -c 300 /tmp/ann)"
line=$(grep 'targets:' /tmp/ann)
echo "figure: annotate: $line"
case "$line" in
*"call "*"targets: kdbt_vp_t0 1000, kdbt_vp_t1 200, kdbt_vp_t2 7, other 0") ;;
*) fail "annotate: the call's line '$line'" ;;
esac
kdbt-report --stdio --callers kdbt_vp_t1 /tmp/vp.data > /tmp/callers 2>&1 ||
	fail "kdbt-report --callers kdbt_vp_t1: $(head -c 300 /tmp/callers)"
grep -q '^ *200 .*kdbt_vp_mix \[kdbt_test_vp\] (through a pointer)$' \
	/tmp/callers || fail "callers of kdbt_vp_t1: $(cat /tmp/callers)"
grep -q '^# via pointers : 200 from 1 function (exact)$' /tmp/callers ||
	fail "callers of kdbt_vp_t1: $(cat /tmp/callers)"
rmmod kdbt || fail "rmmod failed"

insmod "$KDBT_KO" value_profiles=0 || fail "insmod value_profiles=0"
kdbt_control on || fail "value_profiles=0: on: $ctl_err"
calls 1207
expect_eq "value_profiles=0: t0 t1 t2 other site" "$(targets)" \
	"0 0 0 0 1207"
kdbt_control off || fail "value_profiles=0: off: $ctl_err"
rmmod kdbt || fail "rmmod failed"
