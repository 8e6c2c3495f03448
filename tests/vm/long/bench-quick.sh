# bench-quick.sh (long tier) - the paper's benchmark (scripts/bench-guest.sh) at a
# tiny scale: every benchmark runs in every configuration (native, fast,
# transparent, fast with counters) and gives a positive ns/op, and every
# translated configuration reports its figures.  No timing thresholds.
# vm-smp: 2
# vm-timeout: 400
. /tests/lib.sh

bench_configs 1 0.05 > /tmp/bench.out
rmmod kdbt || fail "rmmod failed"
names=$(kbench --list) || fail "kbench --list failed"
nb=$(echo "$names" | wc -w)
[ "$nb" -ge 18 ] || fail "only $nb benchmarks"
for cfg in $BENCH_CONFIGS; do
	for b in $names; do
		v=$(awk -v c="$cfg" -v b="$b" '$1 == "BENCH" && $2 == c && $3 == b { print $4 }' /tmp/bench.out)
		case $v in
		''|*[!0-9]*|0) fail "$cfg/$b: no positive figure ('$v')" ;;
		esac
	done
	[ "$cfg" = native ] && continue
	for k in dispatches_per_s cache_bytes_used coverage; do
		grep -q "^BSTAT $cfg $k [0-9]" /tmp/bench.out ||
			fail "$cfg: no $k figure"
	done
done
grep -q "^BSTAT fast-counters jumptable_hit_rate [0-9]" /tmp/bench.out ||
	fail "fast-counters: no jumptable hit rate"
echo "$nb benchmarks x $(echo $BENCH_CONFIGS | wc -w) configurations ran:"
grep '^BENCH' /tmp/bench.out | awk '{ printf "%s/%s=%s ", $2, $3, $4 } END { print "" }'
