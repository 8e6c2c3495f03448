#!/bin/sh
# pprof-prom.sh - kdbt-report's pprof and Prometheus outputs read by the
# real clients (no guest): go tool pprof (exact counts, totals, merging,
# an SVG, the kernel's and a module's build ids in their mappings),
# promtool check metrics, and node_exporter's textfile collector scraped
# twice while kdbt-report --live rewrites its file from two replayed
# snapshots; bad input leaves the previous file whole; a recording with
# hostile names (kdbt_data_fuzz make 4) still gives a valid profile and
# valid metrics, its names escaped.
#
# Usage: pprof-prom.sh [BUILD_DIR]
# Needs: go (golang-go), promtool (prometheus), prometheus-node-exporter,
# dot (graphviz), curl or python3; scripts/deps.sh installs them.
# Output: PASS/FAIL lines; exit status 1 if any failed.
# Owns: nothing but its scratch directory and the node_exporter it starts
# (killed by its pid).
# The checks are shell text, expanded when check() evaluates it.
# shellcheck disable=SC2016,SC2034,SC2010
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
b=${1:-$top/build}
R=$b/kdbt-report
FUZZ=$b/unit/kdbt_data_fuzz
FIX=$b/unit/kdbt_top_model_test
NODE_EXPORTER=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}
TMP=$(mktemp -d)
nepid=
trap '[ -n "$nepid" ] && kill "$nepid" 2>/dev/null; rm -rf "$TMP"' EXIT
export HOME="$TMP" PPROF_TMPDIR="$TMP"
failures=0

pass() { echo "PASS pprof-prom/$1"; }
fail() { echo "FAIL pprof-prom/$1: $2"; failures=$((failures + 1)); }
# check NAME WHY CONDITION: PASS if the shell text CONDITION succeeds.
check() {
	if eval "$3"; then pass "$1"; else fail "$1" "$2"; fi
}

for f in "$R" "$FUZZ" "$FIX"; do
	[ -x "$f" ] || { echo "FAIL pprof-prom/setup: $f missing (make user)"; exit 1; }
done
for t in go promtool dot "$NODE_EXPORTER"; do
	command -v "$t" > /dev/null ||
		{ echo "FAIL pprof-prom/setup: no $t (make deps)"; exit 1; }
done
"$FUZZ" make "$TMP/a.data" 0 && "$FUZZ" make "$TMP/b.data" 1 &&
	"$FUZZ" make "$TMP/nothing.data" 3 && "$FUZZ" make "$TMP/evil.data" 4 &&
	"$FIX" --fixtures "$TMP/fx" 3 > /dev/null ||
	{ echo "FAIL pprof-prom/setup: cannot make the recordings"; exit 1; }

# total FILE: the report's instructions.
total() {
	"$R" --stdio -n 1 -i "$1" |
		awk '$1 == "#" && $2 == "instructions" { print $3; exit }'
}
# pp_total INDEX FILE: pprof's total of one sample type.
pp_total() {
	go tool pprof -top -sample_index="$1" "$2" 2>/dev/null |
		sed -n 's/.*Total samples = \([0-9]*\).*/\1/p'
}

# ---- pprof ---------------------------------------------------------------
for r in a b; do
	"$R" -i "$TMP/$r.data" --format pprof -o "$TMP/$r.pb.gz" ||
		fail "pprof-write-$r" "kdbt-report --format pprof failed"
done
want=$("$R" -i "$TMP/a.data" --format csv -n 0 |
	awk -F, '$1 == "__task_pid_nr_ns" { print $11 }')
got=$(go tool pprof -top -sample_index=calls "$TMP/a.pb.gz" 2>/dev/null |
	awk '$NF == "__task_pid_nr_ns" { print $1 }')
check pprof-calls-exact "pprof says $got calls of __task_pid_nr_ns, kdbt-report $want" \
	'[ -n "$want" ] && [ "$got" = "$want" ]'
# A block's calls are the report's: b.data's block without a symbol (a
# function of its own) has its executions as calls, so the calls add up
# to the functions' calls in the CSV.
want=$("$R" -i "$TMP/b.data" --format csv -n 0 |
	awk -F, 'NR > 1 { s += $11 } END { print s + 0 }')
got=$(pp_total calls "$TMP/b.pb.gz")
check pprof-calls-total "pprof's total calls $got, kdbt-report's $want" \
	'[ -n "$got" ] && [ "$got" = "$want" ]'
t=$(total "$TMP/a.data")
p=$(pp_total instructions "$TMP/a.pb.gz")
check pprof-instructions-total "pprof's total $p, kdbt-report's $t" \
	'[ "$p" = "$t" ]'
e=$(pp_total executions "$TMP/b.pb.gz")
te=$("$R" --stdio -n 1 -i "$TMP/b.data" |
	awk '$2 == "block_executions" { print $3; exit }')
check pprof-executions-total "pprof's total $e, kdbt-report's $te" \
	'[ "$e" = "$te" ]'
go tool pprof -proto "$TMP/a.pb.gz" "$TMP/b.pb.gz" > "$TMP/m.pb.gz" 2>/dev/null
m=$(pp_total instructions "$TMP/m.pb.gz")
tb=$(total "$TMP/b.data")
check pprof-merge-sums "merged $m, want $t + $tb" \
	'[ "$m" = "$((t + tb))" ]'
go tool pprof -svg "$TMP/a.pb.gz" > "$TMP/a.svg" 2>/dev/null
check pprof-svg "no SVG with __task_pid_nr_ns" \
	'grep -q __task_pid_nr_ns "$TMP/a.svg"'
id=$("$R" --stdio -i "$TMP/a.data" | sed -n 's/.*build id \([0-9a-f]*\).*/\1/p')
raw=$(go tool pprof -raw "$TMP/a.pb.gz" 2>/dev/null)
check pprof-mapping-build-id "build id $id not in the kernel's mapping" \
	'[ -n "$id" ] && echo "$raw" | grep -q "kernel.kallsyms.*$id"'
# b.data has rows in module loop, whose build id the recording holds.
mid=$("$R" --stdio --header -i "$TMP/b.data" |
	awk '$1 == "#" && $4 == "loop" { print $5 }')
rawb=$(go tool pprof -raw "$TMP/b.pb.gz" 2>/dev/null)
got=$(echo "$rawb" | sed -n '/^Mappings/,$p' | awk '$3 == "[loop]" { print $4 }')
check pprof-module-build-id "loop's mapping has build id '$got', the recording '$mid'" \
	'echo "$mid" | grep -Eq "^[0-9a-f]{40}$" && [ "$got" = "$mid" ]'
check pprof-time-duration "no duration 3s or no period 1" \
	'echo "$raw" | grep -q "Duration: 3s" && echo "$raw" | grep -q "^Period: 1"'
# Hostile names: what pprof prints has no control byte, the name escaped.
"$R" -i "$TMP/evil.data" --format pprof -o "$TMP/evil.pb.gz"
go tool pprof -top -nodefraction=0 "$TMP/evil.pb.gz" > "$TMP/evil.top" 2>&1
check pprof-hostile-names "go tool pprof -top: $(head -c 300 "$TMP/evil.top")" \
	'grep -qF "__do_sys_\x1b[2J\x0aevil" "$TMP/evil.top" &&
	 ! LC_ALL=C grep -q "[[:cntrl:]]" "$TMP/evil.top"'
# To a terminal it refuses; the pager never sees binary.
if script -q -c "$R -i $TMP/a.data --format pprof" /dev/null 2>&1 |
	grep -q 'give -o FILE'; then
	pass pprof-not-to-terminal
else
	fail pprof-not-to-terminal "binary went to a terminal"
fi

# ---- Prometheus ----------------------------------------------------------
"$R" -i "$TMP/a.data" --format prometheus > "$TMP/a.prom"
out=$(promtool check metrics < "$TMP/a.prom" 2>&1)
rc=$?
check prom-promtool "promtool (exit $rc): $out" \
	'[ $rc = 0 ] && [ -z "$out" ]'
"$R" -i "$TMP/evil.data" --format prometheus -n 0 > "$TMP/evil.prom"
out=$(promtool check metrics < "$TMP/evil.prom" 2>&1)
rc=$?
check prom-hostile-names "promtool (exit $rc): $out" \
	'[ $rc = 0 ] && [ -z "$out" ] &&
	 grep -qF "function=\"__do_sys_\\\\x1b[2J\\\\x0aevil\"" "$TMP/evil.prom"'
v=$(awk '$1 == "kdbt_instructions_total" { print $2 }' "$TMP/a.prom")
check prom-instructions "kdbt_instructions_total $v, report $t" \
	'[ "$v" = "$t" ]'
n=$("$R" -i "$TMP/a.data" --format prometheus -n 2 |
	grep -c '^kdbt_function_instructions_total{')
check prom-top-n "-n 2 gave $n series" \
	'[ "$n" = 2 ]'
check prom-ratio-gauge "no kdbt_jumptable_hit_ratio gauge" \
	'grep -q "^# TYPE kdbt_jumptable_hit_ratio gauge" "$TMP/a.prom"'
fx="--kallsyms $TMP/fx/kallsyms --modules $TMP/fx/modules"
mkdir -p "$TMP/tf"
# shellcheck disable=SC2086
"$R" --format prometheus --live --snapshot "$TMP/fx/snaps/snap.1" $fx \
	-o "$TMP/tf/kdbt.prom"
out=$(promtool check metrics < "$TMP/tf/kdbt.prom" 2>&1)
rc=$?
check prom-live-promtool "promtool (exit $rc): $out" \
	'[ $rc = 0 ] && [ -z "$out" ]'

# ---- bad input: a message naming the file, the old .prom whole ----------
sum0=$(md5sum < "$TMP/tf/kdbt.prom")
err=$("$R" -i "$TMP/nothing.data" --format prometheus -o "$TMP/tf/kdbt.prom" 2>&1)
rc=$?
check bad-nothing-counted "exit $rc, '$err', or the .prom changed" \
	'[ $rc = 1 ] && [ "$(md5sum < "$TMP/tf/kdbt.prom")" = "$sum0" ] && echo "$err" | grep -q nothing.data'
err=$("$R" -i "$TMP/a.data" --format prometheus -o "$TMP/no/such/dir/kdbt.prom" 2>&1)
rc=$?
check bad-no-directory "exit $rc, '$err'" \
	'[ $rc = 1 ] && echo "$err" | grep -q no/such/dir/kdbt.prom'
# shellcheck disable=SC2086
err=$("$R" --format prometheus --live --snapshot "$TMP/nothing.data" $fx \
	-o "$TMP/tf/kdbt.prom" 2>&1)
rc=$?
check bad-live-not-a-snapshot "exit $rc, '$err', or the .prom changed" \
	'[ $rc = 1 ] && [ "$(md5sum < "$TMP/tf/kdbt.prom")" = "$sum0" ] && echo "$err" | grep -q nothing.data'
# A full disk: a 16 KiB tmpfs (root only; otherwise not tested here).
mkdir -p "$TMP/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=16k kdbt-full "$TMP/full" 2>/dev/null; then
	cp "$TMP/tf/kdbt.prom" "$TMP/full/kdbt.prom"
	dd if=/dev/zero of="$TMP/full/fill" bs=1k count=64 2>/dev/null
	err=$("$R" -i "$TMP/a.data" --format json -n 0 --blocks \
		-o "$TMP/full/kdbt.prom" 2>&1)
	rc=$?
	left=$(ls "$TMP/full" | grep -vc '^kdbt.prom$\|^fill$')
	check bad-full-disk "exit $rc, '$err', $left temporary files left, or the .prom changed" \
		'[ $rc = 1 ] && [ "$left" = 0 ] && [ "$(md5sum < "$TMP/full/kdbt.prom")" = "$sum0" ] && echo "$err" | grep -q "full/kdbt.prom.*No space"'
	umount "$TMP/full"
else
	echo "SKIP pprof-prom/bad-full-disk: needs root and a tmpfs mount"
fi
left=$(ls "$TMP/tf" | grep -vc '^kdbt.prom$')
check no-temporary-left "$left files beside kdbt.prom" \
	'[ "$left" = 0 ]'

# ---- contrib/systemd: units systemd accepts, an ExecStart that works ----
u=$top/contrib/systemd
cmd=$(sed -n 's|^ExecStart=/usr/local/bin/kdbt-report ||p' "$u/kdbt-exporter.service")
mkdir -p "$TMP/units"
sed "s|/usr/local/bin/kdbt-report|$R|" "$u/kdbt-exporter.service" \
	> "$TMP/units/kdbt-exporter.service"
cp "$u/kdbt-exporter.timer" "$TMP/units/"
if command -v systemd-analyze > /dev/null; then
	out=$(systemd-analyze verify --man=no "$TMP/units/kdbt-exporter.service" \
		"$TMP/units/kdbt-exporter.timer" 2>&1)
	rc=$?
	check systemd-units-verify "systemd-analyze verify (exit $rc): $out" \
		'[ $rc = 0 ] && [ -z "$out" ]'
fi
# shellcheck disable=SC2086
"$R" $(echo "$cmd" | sed "s|-o [^ ]*|-o $TMP/units/kdbt.prom|") \
	--snapshot "$TMP/fx/snaps/snap.1" $fx > "$TMP/units/out" 2>&1
rc=$?
check systemd-execstart "its ExecStart (exit $rc): $(cat "$TMP/units/out")" \
	'[ $rc = 0 ] && promtool check metrics < "$TMP/units/kdbt.prom"'

# ---- node_exporter scrapes the file twice as it is rewritten ------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TMP/tf" > "$TMP/ne.log" 2>&1 &
nepid=$!
scrape() {
	python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:" + sys.argv[1] + "/metrics", timeout=5).read().decode())' "$port" 2>/dev/null |
		awk '$1 == "kdbt_instructions_total" { print $2 }'
}
i=0
while [ $i -lt 50 ] && [ -z "$(scrape)" ]; do
	sleep 0.1
	i=$((i + 1))
done
s1=$(scrape)
# shellcheck disable=SC2086
"$R" --format prometheus --live --snapshot "$TMP/fx/snaps/snap.2" $fx \
	-o "$TMP/tf/kdbt.prom"
s2=$(scrape)
check node-exporter-scrapes "first scrape '$s1', second '$s2' (want growth)" \
	'[ -n "$s1" ] && [ -n "$s2" ] && awk -v a="$s1" -v b="$s2" "BEGIN { exit !(b + 0 > a + 0) }"'
kill "$nepid" 2>/dev/null
wait "$nepid" 2>/dev/null
nepid=
[ $failures = 0 ]
