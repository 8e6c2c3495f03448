#!/bin/sh
# install.sh - `make install` and `make uninstall` into a staging directory
# (DESTDIR), for the guest kernel (KVER): the exact list of files, their
# modes and links, the module built for KVER, man finding every page, the
# exporter's systemd units (ExecStart at the installed kdbt-report,
# systemd-analyze verify), PREFIX and SYSTEMDUNITDIR honoured (defaults
# /usr/local and PREFIX/lib/systemd/system), no depmod under DESTDIR, and
# uninstall removing exactly what install wrote (files of others stay).
#
# Usage: install.sh        (after `make all`; runs make in the top directory)
# Output: PASS/FAIL lines; exit status 1 if any failed.
# Owns: nothing but its scratch directory.  Must never: install into the
# real system (every make here has a DESTDIR) or run depmod on it.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
K=$(sh scripts/kver.sh) || { echo "FAIL unit/install: no guest kernel"; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0
pass() { echo "PASS unit/install/$1"; }
fail() { echo "FAIL unit/install/$1: $2"; status=1; }
files() { (cd "$1" && find . ! -type d | sed 's|^\./||' | sort); }
make_q() { make --no-print-directory "$@" > "$TMP/make.log" 2>&1 ||
	{ sed 's/^/      /' "$TMP/make.log"; return 1; }; }

# expected PREFIX [UNITDIR]: the files install must write, relative to
# DESTDIR.
expected() {
	p=${1#/} u=${2:-$1/lib/systemd/system}
	for f in bin/kdbt-top bin/kdbt-record bin/kdbt-report bin/kdbt-diff \
		share/man/man1/kdbt-top.1 share/man/man1/kdbt-record.1 \
		share/man/man1/kdbt-report.1 share/man/man1/kdbt-diff.1 \
		share/man/man4/kdbt.4 share/man/man5/kdbt-data.5 \
		share/man/man7/kdbt.7; do
		echo "$p/$f"
	done
	echo "${u#/}/kdbt-exporter.service"
	echo "${u#/}/kdbt-exporter.timer"
	echo "lib/modules/$K/updates/kdbt.ko"
}

# check_units NAME DESTDIR PREFIX UNITDIR: the exporter's units, mode 644,
# the timer as in contrib/, the service with ExecStart at PREFIX/bin (the
# installed kdbt-report), and systemd-analyze verify content with them
# (on copies whose ExecStart has DESTDIR in front, so that the binary is
# there to check).
check_units() {
	u=$2$4 bad=
	for f in kdbt-exporter.service kdbt-exporter.timer; do
		[ -f "$u/$f" ] && [ "$(stat -c %a "$u/$f")" = 644 ] ||
			bad="$bad $f(mode)"
	done
	cmp -s "$u/kdbt-exporter.timer" contrib/systemd/kdbt-exporter.timer ||
		bad="$bad timer(content)"
	sed "s|/usr/local/bin/|$3/bin/|g" contrib/systemd/kdbt-exporter.service |
		cmp -s - "$u/kdbt-exporter.service" || bad="$bad service(content)"
	x=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$u/kdbt-exporter.service")
	[ "$x" = "$3/bin/kdbt-report" ] && [ -x "$2$x" ] ||
		bad="$bad ExecStart($x)"
	[ -z "$bad" ] && pass "$1/systemd-units" ||
		fail "$1/systemd-units" "wrong:$bad"
	command -v systemd-analyze > /dev/null || return 0
	mkdir -p "$TMP/units"
	sed "s|^ExecStart=$x |ExecStart=$2$x |" "$u/kdbt-exporter.service" \
		> "$TMP/units/kdbt-exporter.service"
	cp "$u/kdbt-exporter.timer" "$TMP/units/"
	out=$(systemd-analyze verify --man=no "$TMP/units/kdbt-exporter.service" \
		"$TMP/units/kdbt-exporter.timer" 2>&1)
	rc=$?
	rm -rf "$TMP/units"
	[ $rc = 0 ] && [ -z "$out" ] && pass "$1/systemd-analyze-verify" ||
		fail "$1/systemd-analyze-verify" "exit $rc: $out"
}

# check_tree NAME DESTDIR PREFIX: what install wrote under DESTDIR/PREFIX.
check_tree() {
	name=$1 d=$2 p=${3#/}
	expected "$3" | sort > "$TMP/want"
	files "$d" | grep -v '/other' > "$TMP/got"
	if cmp -s "$TMP/want" "$TMP/got"; then
		pass "$name/files"
	else
		fail "$name/files" "installed files differ from the list (- wanted, + got):"
		diff "$TMP/want" "$TMP/got" | sed -n 's/^\([<>]\)/      \1/p' | tr '<>' '-+'
	fi
	bad=
	for t in kdbt-top kdbt-record kdbt-report; do
		[ -f "$d/$p/bin/$t" ] && [ ! -L "$d/$p/bin/$t" ] &&
			[ "$(stat -c %a "$d/$p/bin/$t")" = 755 ] || bad="$bad bin/$t"
		"$d/$p/bin/$t" --help > /dev/null 2>&1 || bad="$bad $t--help"
	done
	[ "$(readlink "$d/$p/bin/kdbt-diff")" = kdbt-report ] || bad="$bad bin/kdbt-diff"
	"$d/$p/bin/kdbt-diff" --help 2>&1 | grep -q kdbt-diff || bad="$bad kdbt-diff--help"
	[ "$(readlink "$d/$p/share/man/man1/kdbt-diff.1")" = kdbt-report.1 ] ||
		bad="$bad kdbt-diff.1"
	for m in "$d/$p"/share/man/man*/*; do
		[ -L "$m" ] || [ "$(stat -c %a "$m")" = 644 ] || bad="$bad ${m#"$d"/}(mode)"
		cmp -s "$m" "man/$(basename "$(readlink -f "$m")")" || bad="$bad ${m#"$d"/}(content)"
	done
	ko=$d/lib/modules/$K/updates/kdbt.ko
	cmp -s "$ko" kmod/kdbt.ko || bad="$bad kdbt.ko(content)"
	v=$(/sbin/modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
	[ "$v" = "$K" ] || bad="$bad kdbt.ko(vermagic '$v')"
	[ -z "$bad" ] && pass "$name/modes-links-content" ||
		fail "$name/modes-links-content" "wrong:$bad"
	# man finds each page where it went (and the kdbt-diff alias).
	bad=
	if command -v man > /dev/null; then
		for pg in 1:kdbt-top 1:kdbt-record 1:kdbt-report 1:kdbt-diff \
			4:kdbt 5:kdbt-data 7:kdbt; do
			w=$(man -M "$d/$p/share/man" -w "${pg%%:*}" "${pg#*:}" 2>/dev/null)
			[ -n "$w" ] || bad="$bad ${pg#*:}(${pg%%:*})"
		done
		[ -z "$bad" ] && pass "$name/man-finds-pages" ||
			fail "$name/man-finds-pages" "man -M does not find:$bad"
	fi
}

# check_uninstall NAME DESTDIR: nothing of kdbt left, the others' files kept.
check_uninstall() {
	left=$(files "$2" | grep -v '/other')
	[ -z "$left" ] && pass "$1/uninstall-removes-all" ||
		fail "$1/uninstall-removes-all" "left behind: $(echo "$left" | tr '\n' ' ')"
	[ -f "$2/usr/local/bin/other" ] && [ -f "$2/lib/modules/$K/updates/other.ko" ] &&
		pass "$1/uninstall-keeps-others" ||
		fail "$1/uninstall-keeps-others" "removed files it did not install"
}

# 1. Default PREFIX (/usr/local), with files of others beside ours.
d=$TMP/stage
mkdir -p "$d/usr/local/bin" "$d/lib/modules/$K/updates"
echo other > "$d/usr/local/bin/other"
echo other > "$d/lib/modules/$K/updates/other.ko"
dep_before=$(stat -c %Y "/lib/modules/$K/modules.dep" 2>/dev/null)
if make_q install DESTDIR="$d" KVER="$K"; then
	pass default/install
	check_tree default "$d" /usr/local
	check_units default "$d" /usr/local /usr/local/lib/systemd/system
	[ ! -e "$d/lib/modules/$K/modules.dep" ] &&
		[ "$(stat -c %Y "/lib/modules/$K/modules.dep" 2>/dev/null)" = "$dep_before" ] &&
		pass default/no-depmod-with-destdir ||
		fail default/no-depmod-with-destdir "depmod ran although DESTDIR was set"
	# Installing twice is harmless (links replaced, not nested).
	make_q install DESTDIR="$d" KVER="$K" && files "$d" | grep -v '/other' |
		cmp -s - "$TMP/want" && pass default/install-twice ||
		fail default/install-twice "a second install changed the list"
else
	fail default/install "make install DESTDIR=$d KVER=$K failed"
fi
if make_q uninstall DESTDIR="$d" KVER="$K"; then
	check_uninstall default "$d"
else
	fail default/uninstall "make uninstall failed"
fi

# 2. PREFIX=/opt/kdbt (and only there).
d=$TMP/opt
mkdir -p "$d/usr/local/bin" "$d/lib/modules/$K/updates"
echo other > "$d/usr/local/bin/other"
echo other > "$d/lib/modules/$K/updates/other.ko"
if make_q install DESTDIR="$d" KVER="$K" PREFIX=/opt/kdbt; then
	check_tree prefix "$d" /opt/kdbt
	check_units prefix "$d" /opt/kdbt /opt/kdbt/lib/systemd/system
	make_q uninstall DESTDIR="$d" KVER="$K" PREFIX=/opt/kdbt &&
		check_uninstall prefix "$d" || fail prefix/uninstall "make uninstall failed"
else
	fail prefix/install "make install PREFIX=/opt/kdbt failed"
fi

# 2b. SYSTEMDUNITDIR=/etc/systemd/system: the units there, the rest as by
# default; uninstall finds them there.
d=$TMP/etc
mkdir -p "$d/usr/local/bin" "$d/lib/modules/$K/updates" "$d/etc/systemd/system"
echo other > "$d/usr/local/bin/other"
echo other > "$d/lib/modules/$K/updates/other.ko"
echo other > "$d/etc/systemd/system/other.service"
if make_q install DESTDIR="$d" KVER="$K" SYSTEMDUNITDIR=/etc/systemd/system; then
	expected /usr/local /etc/systemd/system | sort > "$TMP/want"
	files "$d" | grep -v '/other' | cmp -s - "$TMP/want" &&
		pass unitdir/files || fail unitdir/files "not the list: $(files "$d" | tr '\n' ' ')"
	check_units unitdir "$d" /usr/local /etc/systemd/system
	make_q uninstall DESTDIR="$d" KVER="$K" SYSTEMDUNITDIR=/etc/systemd/system &&
		check_uninstall unitdir "$d" || fail unitdir/uninstall "make uninstall failed"
	[ -f "$d/etc/systemd/system/other.service" ] ||
		fail unitdir/uninstall-keeps-others "removed other.service"
else
	fail unitdir/install "make install SYSTEMDUNITDIR=/etc/systemd/system failed"
fi

# 3. KVER defaults to the running kernel, and a kernel without headers is
# refused before anything is written.
r=$(uname -r)
make -n --no-print-directory uninstall DESTDIR="$TMP/n" 2>/dev/null |
	grep -q "$TMP/n/lib/modules/$r/updates/kdbt.ko" &&
	pass kver-default-running ||
	fail kver-default-running "uninstall without KVER does not target $r"
d=$TMP/none
if make --no-print-directory install DESTDIR="$d" KVER=0.0.0-none \
		> "$TMP/make.log" 2>&1; then
	fail refuse-no-headers "install for a kernel without headers succeeded"
elif [ -e "$d" ] || ! grep -q 'no headers for kernel 0.0.0-none' "$TMP/make.log"; then
	fail refuse-no-headers "wrote $(files "$d" 2>/dev/null | wc -l) files or said: $(cat "$TMP/make.log")"
else
	pass refuse-no-headers
fi
exit $status
