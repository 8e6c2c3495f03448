#!/bin/sh
# fetch.sh - run guest tests and bring back the files they send.
#
# Usage: fetch.sh [--show] OUTDIR TEST.sh...
# Runs TEST.sh... with tests/vm/run.sh (console logs in OUTDIR/logs),
# prints run.sh's PASS/FAIL lines (with --show, also what the tests
# printed, without the transfer lines), then writes each file a test sent
# with `sendfile NAME FILE` (tests/vm/helpers/sendfile.sh) to OUTDIR/NAME,
# checked against the size and MD5 the guest gave, and says so:
#	fetched NAME (BYTES bytes)
#	fetch: NAME: WHY
# Exit status: 1 if a file did not arrive intact, else run.sh's.
# Owns: receiving the transfer format; used by `make demo` and the
# kdbt-record tests alike.
# Must never: write outside OUTDIR, or accept a file whose size or MD5
# differs from what the guest sent.
set -u
here=$(cd "$(dirname "$0")" && pwd)
show=
[ "${1:-}" = --show ] && { show=--show; shift; }
[ $# -ge 2 ] || { echo "usage: fetch.sh [--show] OUTDIR TEST.sh..." >&2; exit 2; }
out=$1
shift
mkdir -p "$out" || exit 2
rm -rf "$out/logs" "$out/.fetch"
mkdir -p "$out/.fetch"
sh "$here/run.sh" $show --logdir "$out/logs" "$@" > "$out/.fetch/run.out" 2>&1
rc=$?
grep -v '^KDBT-FILE-' "$out/.fetch/run.out"

# Split the logs' transfers into NAME.b64 files and a list of
# "NAME BYTES MD5 STATE" (STATE: end if the END line came).
cat "$out"/logs/*.log 2>/dev/null | awk -v dir="$out/.fetch" '
	function ok(n) { return n ~ /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/ }
	$1 == "KDBT-FILE-BEGIN" && NF == 4 && ok($2) {
		name = $2; size[name] = $3; md5[name] = $4; state[name] = "begun"
		order[++n] = name
		printf "" > (dir "/" name ".b64")
		next
	}
	$1 == "KDBT-FILE-DATA" && NF == 3 && ($2 in state) && state[$2] == "begun" {
		print $3 >> (dir "/" $2 ".b64")
		next
	}
	$1 == "KDBT-FILE-DATA" && ($2 in state) { state[$2] = "damaged" }
	$1 == "KDBT-FILE-END" && NF == 2 && ($2 in state) && state[$2] == "begun" {
		state[$2] = "end"
	}
	END {
		for (i = 1; i <= n; i++)
			print order[i], size[order[i]], md5[order[i]], state[order[i]]
	}' > "$out/.fetch/list"

while read -r name bytes md5 state; do
	b64=$out/.fetch/$name.b64
	if [ "$state" != end ]; then
		echo "fetch: $name: transfer $state (a line was split or the guest stopped)"
		rc=1
		continue
	fi
	if ! base64 -d < "$b64" 2>/dev/null | gzip -dc > "$out/.fetch/$name" 2>/dev/null; then
		echo "fetch: $name: the data does not decode"
		rc=1
		continue
	fi
	got=$(wc -c < "$out/.fetch/$name")
	sum=$(md5sum < "$out/.fetch/$name" | cut -d' ' -f1)
	if [ "$got" != "$bytes" ] || [ "$sum" != "$md5" ]; then
		echo "fetch: $name: $got bytes, md5 $sum; the guest sent $bytes bytes, md5 $md5"
		rc=1
		continue
	fi
	mv "$out/.fetch/$name" "$out/$name"
	echo "fetched $name ($bytes bytes)"
done < "$out/.fetch/list"
rm -rf "$out/.fetch"
exit $rc
