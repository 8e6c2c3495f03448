# lib.sh - sourced by tests/matrix/run.sh and scripts/bench-matrix.sh:
# what a cell of tests/matrix/cells boots.
#
# cell_resolve CELL GENERIC_KO: sets cpu, flavour (generic, cloud, rt,
# 6.12, 6.12-cloud, 6.12-rt), words (kernel words: the rest of the cell's
# line, space-separated; empty for -), kver (the kernel release) and ko (the module built for
# it: GENERIC_KO for the generic kernel, build/kmod-KVER/kdbt.ko for the
# others); on failure sets why (what is missing and the make target that
# provides it) and returns 1.  Needs $top and $CELLS.
cell_resolve() {
	_row=$(echo "$CELLS" | awk -v c="$1" '$1 == c')
	[ -n "$_row" ] || { why="no cell '$1'"; return 1; }
	cpu=$(echo "$_row" | cut -d' ' -f2)
	flavour=$(echo "$_row" | cut -d' ' -f3)
	words=$(echo "$_row" | cut -d' ' -f4-)
	[ "$words" = - ] && words=
	if [ "$flavour" = generic ]; then
		kver=$(sh "$top/scripts/kver.sh" 2>&1)
	elif [ "$flavour" = 6.12 ]; then
		kver=$(sh "$top/scripts/kernel612.sh" --print 2>&1 ||
			echo "no Linux 6.12 with headers (make deps-612)")
		case $kver in 6.12.*) ;; *) false ;; esac
	elif [ "${flavour#6.12-}" != "$flavour" ]; then	# 6.12-cloud, 6.12-rt
		kver=$(sh "$top/scripts/kernel612.sh" --print --flavour \
			"${flavour#6.12-}" 2>&1 ||
			echo "no Linux 6.12 ${flavour#6.12-} with headers (make deps-matrix)")
		case $kver in 6.12.*) ;; *) false ;; esac
	else
		kver=$(sh "$top/scripts/kver.sh" --flavour "$flavour" 2>&1)
	fi || { why="no kernel: $kver"; return 1; }
	ko=$2
	[ "$flavour" = generic ] || ko=$top/build/kmod-$kver/kdbt.ko
	if [ ! -r "$ko" ]; then
		_hint="make module-for KVER=$kver"
		[ "$flavour" = generic ] && _hint="make module"
		why="no $ko ($_hint)"
		return 1
	fi
}
