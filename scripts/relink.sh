#!/bin/sh
# relink.sh - make symbolic links and copies that leave what is already
# right untouched, so that a build with nothing to do writes nothing (CI
# runs its kernels' test suites side by side, each starting with a build).
#
# Usage: relink.sh -l TARGET... DIR    link DIR/NAME to each TARGET (NAME
#                                     its last component) unless it already
#                                     points there
#        relink.sh -l TARGET LINK       the same for one link named LINK
#                                     (LINK not an existing directory)
#        relink.sh -c FILE... DIR       copy each FILE into DIR unless the
#                                     copy there is already the same bytes
# Exit status: non-zero if a link or copy failed.
set -eu
mode=$1
shift
[ $# -ge 2 ] || { echo "usage: relink.sh -l|-c SOURCE... DEST" >&2; exit 2; }
eval "dest=\${$#}"
one=
if [ $# -eq 2 ] && { [ -L "$dest" ] || ! [ -d "$dest" ]; }; then
	one=$dest
fi
n=$(($# - 1))
while [ "$n" -gt 0 ]; do
	src=$1
	shift
	n=$((n - 1))
	to=${one:-$dest/$(basename "$src")}
	case $mode in
	-l)	[ "$(readlink "$to" 2>/dev/null)" = "$src" ] ||
			ln -sfn "$src" "$to" ;;
	-c)	cmp -s "$src" "$to" || cp "$src" "$to" ;;
	*)	echo "relink.sh: unknown mode $mode" >&2; exit 2 ;;
	esac
done
