#!/bin/sh
# kdbt-top-screen.sh - screen tests of kdbt-top's live view: run it in a
# tmux pane of fixed size (a private server) on replayed snapshots that
# the test writes, send keys (send-keys) and read the screen
# (capture-pane): first screen, sort, filter, module, blocks, cumulative,
# scrolling, pause, resize, help, reset, end of replay, translation off,
# colours, the annotated view (Enter on a row, its listing from the
# fixtures' code, --kcore, scrolling, z, back with q, Esc and Backspace;
# without code, the line saying why; and -b --annotate, whose counts must
# add up), and a clean terminal after q, -n, SIGTERM, SIGINT and a crash
# (SIGSEGV), whose handler must not call endwin() (not async-signal-safe:
# endwin_probe.so, preloaded, notes such a call).
#
# Usage: kdbt-top-screen.sh KDBT_TOP KDBT_TOP_MODEL_TEST
#   (the second writes the fixtures: --fixtures DIR; endwin_probe.so is
#   beside it)
# Prints "PASS kdbt-top-screen_<name>" or "FAIL kdbt-top-screen_<name>:
# why" (then the screen) per test; exit status 1 if any failed.
# Owns: its tmux server (-L kdbttest<pid>) and temporary directory, both
# removed on exit.
# Must never: touch /proc/kdbt (the live error test only reads it when
# kdbt.ko is not loaded, as on a build host), or wait without a timeout.
set -u

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
maker=$2
probe=$(cd "$(dirname "$2")" && pwd)/endwin_probe.so
failed=0
work=$(mktemp -d /tmp/kdbt-top-screen.XXXXXX)
sock=kdbttest$$
tm() {
	tmux -L "$sock" -f /dev/null "$@"
}
socket=
trap 'tm kill-server 2>/dev/null; rm -rf "$work" ${socket:+"$socket"}' EXIT

pass() {
	echo "PASS kdbt-top-screen_$1"
}

# fail NAME WHY: report, with the screen as it was.
fail() {
	echo "FAIL kdbt-top-screen_$1: $2"
	screen | sed 's/^/    | /'
	failed=$((failed + 1))
}

screen() {
	tm capture-pane -p -t t 2>/dev/null
}

# wait_for REGEX [SECONDS]: poll the screen until a line matches.
wait_for() {
	_n=$((${2:-10} * 10))
	while [ $_n -gt 0 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# wait_cmd SECONDS COMMAND...: poll until COMMAND succeeds (a screen
# that matches several conditions at once, after a redraw).
wait_cmd() {
	_n=$(($1 * 10))
	shift
	while [ $_n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# at_size ROWS COLS: the screen is drawn at that size (help on its last
# row, its first row as wide as the terminal).
at_size() {
	[ "$(screen | wc -l)" = "$1" ] &&
	[ "$(screen | sed -n "$1p" | cut -c1-5)" = hHelp ] &&
	[ "$(screen | head -n 1 | sed 's/ *$//' | wc -c)" = "$2" ]
}

# wait_gone REGEX [SECONDS]: poll until no line matches.
wait_gone() {
	_n=$((${2:-10} * 10))
	while [ $_n -gt 0 ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# first_row: the symbol column of the first row of the table.
first_row() {
	screen | sed -n '/Symbol \[module\]/{n;p;q}' | sed 's/.*  //'
}

# keys KEY...: send keys to the pane (tmux key names).
keys() {
	tm send-keys -t t "$@"
}

# run ARGS: start kdbt-top in the pane's shell through $work/run.sh,
# which keeps the terminal modes before and after and prints
# "EXIT=<status>. run <n>" when it ends (it survives the SIGINT of C-c;
# no core file), with the environment words in $run_env.
# The run number keeps closed() from taking the last run's EXIT line,
# still on the screen until the shell clears it, for this run's end.
runs=0
run_env=
run() {
	runs=$((runs + 1))
	keys -l "clear; RUN=$runs $run_env sh $work/run.sh $*"
	keys Enter
}

# closed NAME STATUS [no-alternate-screen]: kdbt-top ended with STATUS
# and gave the terminal back as it found it (modes, normal screen, our
# earlier output, unless the terminal has no alternate screen); says only
# what failed.
closed() {
	if ! wait_for "^EXIT=$2\\. run $runs([^0-9]|\$)" 10; then
		fail "$1" "no EXIT=$2 from the shell"
		return 1
	fi
	if ! cmp -s "$work/stty.before" "$work/stty.after"; then
		fail "$1" "terminal modes differ: $(cat "$work/stty.before") -> $(cat "$work/stty.after")"
		return 1
	fi
	[ "${3:-}" = no-alternate-screen ] && return 0
	if [ "$(tm display -p -t t '#{alternate_on}')" != 0 ]; then
		fail "$1" "still on the alternate screen"
		return 1
	fi
	if ! screen | grep -q '^MARK-BEFORE$'; then
		fail "$1" "the screen before kdbt-top was not restored"
		return 1
	fi
	return 0
}

# ended NAME STATUS: closed, and say so.
ended() {
	closed "$1" "$2" && pass "$1"
}

if ! command -v tmux > /dev/null; then
	echo "FAIL kdbt-top-screen_tmux: tmux is not installed (make deps)"
	exit 1
fi
if ! [ -r "$probe" ]; then
	echo "FAIL kdbt-top-screen_probe: $probe missing (make user)"
	exit 1
fi
"$maker" --fixtures "$work/fx" 600 || {
	echo "FAIL kdbt-top-screen_fixtures: $maker --fixtures failed"
	exit 1
}
: > "$work/control"
cat > "$work/run.sh" <<EOF
ulimit -c 0
stty -g > $work/stty.before
echo MARK-BEFORE
trap true INT
sh -c 'echo \$\$ > $work/pid; exec "\$0" "\$@"' $bin "\$@"
st=\$?
stty -g > $work/stty.after
echo "EXIT=\$st. run \$RUN"
EOF
fx="--kallsyms $work/fx/kallsyms --modules $work/fx/modules"
env -i PATH="$PATH" HOME="$work" PS1='$ ' TERM=screen \
	tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 40 sh
tm set-option -t t status off > /dev/null
socket=$(tm display -p -t t '#{socket_path}')

# --- one run for the keys ---------------------------------------------
run "--replay $work/fx/snaps $fx -d 0.3 --control $work/control"
if wait_for '__do_sys_getppid \[kernel\]' && [ "$(first_row)" = "__do_sys_getppid [kernel]" ] &&
   screen | grep -q '^kdbt-top .* translation on, transparent mode' &&
   screen | grep -q 'Functions, last interval, by insns: 64 of 64 shown' &&
   [ "$(tm display -p -t t '#{alternate_on}')" = 1 ]; then
	pass first_screen
else
	fail first_screen "no table with __do_sys_getppid first"
fi

# sort: > steps through the columns (and wraps), < steps back, s as >
ok=1
for step in "> rate __do_sys_getppid" "> execs __do_sys_getppid" \
	    "> calls __do_sys_getppid" "> indirect __task_pid_nr_ns" "> hitrate kfunc_59" \
	    "> symbol __do_sys_getppid" "> insns __do_sys_getppid" \
	    "< symbol __do_sys_getppid" "< hitrate kfunc_59" \
	    "s symbol __do_sys_getppid" "s insns __do_sys_getppid"; do
	set -- $step
	keys "$1"
	if ! wait_for "by $2:" 15 || [ "$(first_row)" != "$3 [kernel]" ]; then
		fail sort "after '$1': want by $2 with $3 first, got $(first_row)"
		ok=0
		break
	fi
done
[ $ok = 1 ] && pass sort

# filter: a regex on the symbol, then on the module, a bad one, cleared
keys / && wait_for 'Filter \(regex' 15 && keys -l '^tcp_' && keys Enter
if wait_for "by insns: 2 of 64 shown, filter '\\^tcp_'" 15 &&
   [ "$(first_row)" = "tcp_sendmsg [kernel]" ] &&
   ! screen | grep -q 'getppid'; then
	keys / C-u && keys -l 'loop' && keys Enter
	if wait_for "4 of 64 shown, filter 'loop'" 15 &&
	   [ "$(first_row)" = "loop_fn_0 [loop]" ]; then
		keys / C-u && keys -l '(' && keys Enter
		if wait_for "filter '\\(':" 15 && screen | grep -q "4 of 64 shown, filter 'loop'"; then
			keys / C-u Enter
			if wait_for 'by insns: 64 of 64 shown$' 15; then
				pass filter
			else
				fail filter "clearing the filter"
			fi
		else
			fail filter "a bad regex: no message, or the filter changed"
		fi
	else
		fail filter "module regex 'loop'"
	fi
else
	fail filter "'^tcp_' shows other rows"
fi

# selection and module: m offers the selected row's module
keys / && keys -l 'loop|getppid' && keys Enter
wait_for '5 of 64 shown' 15
keys m
if wait_for 'Module \(kernel, .*\): kernel$' 15; then
	keys Escape
	wait_gone 'Module \(' 5
	keys Down m
	if wait_for 'Module \(kernel, .*\): loop$' 15; then
		keys Enter
		if wait_for '4 of 64 shown, .*module loop' 15 &&
		   ! screen | grep -q 'getppid \[kernel\]'; then
			keys m C-u Enter / C-u Enter
			if wait_for '64 of 64 shown$' 15; then
				pass module
			else
				fail module "clearing the module"
			fi
		else
			fail module "module loop not applied"
		fi
	else
		fail module "Down did not move the selection to a loop row"
	fi
else
	fail module "m does not offer the selected row's module"
fi

# f: blocks and back; z: since the reset and back
keys f
if wait_for 'Blocks, last interval, by insns: 128 of 128 shown' 15 &&
   [ "$(first_row)" = "__do_sys_getppid+0x0/0x100 [kernel]" ]; then
	keys f
	if wait_for 'Functions, last interval' 15; then
		pass blocks
	else
		fail blocks "f did not come back to functions"
	fi
else
	fail blocks "f shows no blocks"
fi
keys z
if wait_for 'Functions, since reset' 15 && screen | head -n 1 | grep -q 'total *$'; then
	keys z
	if wait_for 'Functions, last interval' 15 && screen | head -n 1 | grep -q 'delta *$'; then
		pass cumulative
	else
		fail cumulative "z did not come back to the delta view"
	fi
else
	fail cumulative "z shows no totals"
fi

# scrolling: End, Home, PgDn, Up
keys End
if wait_for 'loop_fn_3 \[loop\]' 15 && ! screen | grep -q '__do_sys_getppid'; then
	keys Home
	if wait_for '__do_sys_getppid' 15 && [ "$(first_row)" = "__do_sys_getppid [kernel]" ]; then
		keys NPage
		if wait_gone '__do_sys_getppid' 5; then
			keys PPage Up
			if wait_for '__do_sys_getppid' 15 &&
			   [ "$(first_row)" = "__do_sys_getppid [kernel]" ]; then
				pass scroll
			else
				fail scroll "PgUp/Up did not come back to the top"
			fi
		else
			fail scroll "PgDn did not move"
		fi
	else
		fail scroll "Home did not go back"
	fi
else
	fail scroll "End does not show the last row"
fi

# pause: the totals stand still for several refreshes, then move again
keys p
if wait_for '^kdbt-top .*PAUSED *$' 15; then
	a=$(screen | grep '^Since reset')
	sleep 1.5		# 5 refreshes at -d 0.3
	b=$(screen | grep '^Since reset')
	keys p
	if [ "$a" = "$b" ] && wait_gone PAUSED 5 &&
	   wait_gone "^$(echo "$a" | sed 's/[][\.*^$]/\\&/g')\$" 5; then
		pass pause
	else
		fail pause "totals moved while paused ('$a' -> '$b'), or not after"
	fi
else
	fail pause "p shows no PAUSED"
fi

# resize: smaller, tiny, back; the screen follows every size
tm resize-window -t t -x 80 -y 20
if wait_cmd 10 at_size 20 80; then
	tm resize-window -t t -x 30 -y 5
	sleep 0.5
	tm resize-window -t t -x 120 -y 40
	if wait_cmd 10 at_size 40 120; then
		pass resize
	else
		fail resize "not redrawn at 120x40 after 30x5"
	fi
else
	fail resize "not redrawn at 80x20"
fi

# help: h and ? show it (keys and columns), any key returns
keys h
if wait_for 'Press any key to return' 15 && screen | grep -q '^  /  *filter' &&
   screen | grep -q '^  Calls  *executions'; then
	keys x
	if wait_for 'Symbol \[module\]' 15; then
		keys ?
		if wait_for 'Press any key to return' 15; then
			keys Space
			if wait_for 'Symbol \[module\]' 15; then
				pass help
			else
				fail help "a key did not leave the help after ?"
			fi
		else
			fail help "? shows no help"
		fi
	else
		fail help "a key did not leave the help"
	fi
else
	fail help "h shows no help"
fi

# reset: asks first; n cancels, y writes "reset" to the control file
keys r
if wait_for "Reset kdbt's counters\\? \\[y/N\\]" 15; then
	keys n
	if wait_for 'Reset cancelled' 15 && [ ! -s "$work/control" ]; then
		keys r && wait_for "\\[y/N\\]" 15 && keys y
		if wait_for 'Reset written' 15 && [ "$(cat "$work/control")" = reset ]; then
			pass reset
		else
			fail reset "y did not write reset: '$(cat "$work/control")'"
		fi
	else
		fail reset "n did not cancel"
	fi
else
	fail reset "r asks nothing"
fi

keys q
ended quit_restores_terminal 0

# --- the annotated view ---------------------------------------------------
# check_listing FILE: the listing in FILE (one refresh) is of 86
# instructions, the first's count is the calls of the title line and of
# "# entries", and the counts add up to the instructions of both.
check_listing() {
	awk '/^Annotate .*: [0-9]+ instructions, [0-9]+ calls/ {
		ti = $(NF - 5); tc = $(NF - 3); next }
	/^# instructions : / { hi = $4 }
	/^# entries +: / { he = $4 }
	/^ *[0-9]+ +[0-9.]+%  [0-9a-f]+  \+0x/ {
		if (!n) first = $1; n++; sum += $1 }
	END {
		if (n != 86 || first != tc || first != he || sum != ti ||
		    sum != hi || !sum) {
			printf "%d lines, first %s, title %s calls %s insns, header %s insns %s entries, sum %s\n",
				n, first, tc, ti, hi, he, sum
			exit 1
		}
	}' "$1"
}

run "--replay $work/fx/snaps $fx -d 0.3 --kcore $work/fx/kcore"
wait_for '__do_sys_getppid \[kernel\]'
keys Enter
if wait_for '^Annotate __do_sys_getppid \[kernel\], last interval: [0-9]+ instructions, [0-9]+ calls' 15 &&
   wait_for '^# __do_sys_getppid \[kernel\] at 0xffffffff81001000, 256 bytes, 86 instructions listed' 5 &&
   wait_for '^ +[0-9]+ +12\.50%  ffffffff81001000  \+0x0 +nop %eax, \(%rax\)$' 5; then
	screen > "$work/annot.screen"
	calls=$(sed -n 's/^Annotate .* \([0-9]*\) calls.*/\1/p' "$work/annot.screen")
	first=$(awk '$3 == "ffffffff81001000" { print $1 }' "$work/annot.screen")
	keys End
	if [ -n "$calls" ] && [ "$calls" = "$first" ] && wait_for '\+0xfd +nop' 5 &&
	   ! screen | grep -q '+0x0 '; then
		keys Home
		if wait_for '\+0x0 +nop' 5; then
			pass annotate_view
		else
			fail annotate_view "Home did not go back to the first line"
		fi
	else
		fail annotate_view "first count '$first' is not the calls '$calls', or End does not show the last line"
	fi
else
	fail annotate_view "Enter shows no annotated __do_sys_getppid"
fi
keys z
if wait_for '^Annotate __do_sys_getppid \[kernel\], since reset: ' 15 &&
   screen | head -n 1 | grep -q 'total *$'; then
	keys z
	wait_for '^Annotate __do_sys_getppid \[kernel\], last interval: ' 15 &&
		pass annotate_cumulative ||
		fail annotate_cumulative "z did not come back to the delta"
else
	fail annotate_cumulative "z shows no totals in the annotated view"
fi
ok=1
for back in q Escape BSpace; do
	keys "$back"
	if ! wait_for 'Symbol \[module\]' 15 || wait_for '^Annotate ' 1 ||
	   [ "$(first_row)" != "__do_sys_getppid [kernel]" ]; then
		fail annotate_back "$back did not come back to the table"
		ok=0
		break
	fi
	keys Home Down Enter
	if ! wait_for '^Annotate do_syscall_64 \[kernel\]' 15; then
		fail annotate_back "Enter on the second row after $back"
		ok=0
		break
	fi
	keys q
	wait_for 'Symbol \[module\]' 15
	keys Home Enter
	wait_for '^Annotate __do_sys_getppid ' 15
done
[ $ok = 1 ] && pass annotate_back
keys q
wait_for 'Symbol \[module\]' 15
keys q
closed annotate_view 0

# without code (a replay without --kcore): one line says why
run "--replay $work/fx/snaps $fx -d 0.3"
wait_for '__do_sys_getppid \[kernel\]'
keys Enter
if wait_for '^Cannot annotate __do_sys_getppid: replaying saved snapshots.*--kcore FILE' 15; then
	keys q
	wait_for 'Symbol \[module\]' 15 && pass annotate_no_code ||
		fail annotate_no_code "q did not come back"
else
	fail annotate_no_code "no line saying why"
fi
keys q
closed annotate_no_code 0

# -b --annotate: one listing per refresh, its counts adding up
"$bin" -b --replay "$work/fx/snaps" $fx --kcore "$work/fx/kcore" \
	--annotate do_syscall_64 -n 2 > "$work/annot.out" 2>&1
st=$?
sed -n '/ - refresh 2 of 2$/,$p' "$work/annot.out" > "$work/annot.last"
if [ $st = 0 ] && grep -q '^Annotate do_syscall_64 \[kernel\], last interval' "$work/annot.last" &&
   why=$(check_listing "$work/annot.last"); then
	"$bin" -b --replay "$work/fx/snaps" $fx --kcore "$work/fx/kcore" \
		--cumulative --annotate do_syscall_64 -n 1 > "$work/annot.out" 2>&1
	if grep -q '^Annotate do_syscall_64 \[kernel\], since reset' "$work/annot.out" &&
	   why=$(check_listing "$work/annot.out"); then
		pass annotate_batch
	else
		echo "FAIL kdbt-top-screen_annotate_batch: --cumulative: $why"
		sed 's/^/    | /' "$work/annot.out" | head -n 20
		failed=$((failed + 1))
	fi
else
	echo "FAIL kdbt-top-screen_annotate_batch: exit status $st: ${why:-}"
	sed 's/^/    | /' "$work/annot.out" | head -n 20
	failed=$((failed + 1))
fi
out=$("$bin" -b --replay "$work/fx/snaps" $fx --annotate no_such_fn -n 1 2>&1)
if [ $? = 1 ] && [ "$out" = "kdbt-top: --annotate: no function no_such_fn in the symbols" ]; then
	pass annotate_no_function
else
	echo "FAIL kdbt-top-screen_annotate_no_function: '$out'"
	failed=$((failed + 1))
fi

# --- colours where the terminal has them, and not otherwise ------------
run "--replay $work/fx/snaps $fx -d 0.3"
wait_for 'Symbol \[module\]'
if tm capture-pane -p -e -t t | grep -q "$(printf '\033')\\[4[0-7]m"; then
	keys q
	closed colours 0
	run "--replay $work/fx/snaps $fx -d 0.3 --no-colour"
	wait_for 'Symbol \[module\]'
	if ! tm capture-pane -p -e -t t | grep -q "$(printf '\033')\\[[34][0-7]m" &&
	   tm capture-pane -p -e -t t | grep -q "$(printf '\033')\\[7m"; then
		keys q
		closed colours 0
		keys -l "export TERM=vt100" && keys Enter
		run "--replay $work/fx/snaps $fx -d 0.3"
		wait_for 'Symbol \[module\]'
		if ! tm capture-pane -p -e -t t | grep -q "$(printf '\033')\\[[34][0-7]m"; then
			pass colours
		else
			fail colours "colours on a vt100"
		fi
		keys q
		closed colours_vt100 0 no-alternate-screen
		keys -l "export TERM=screen" && keys Enter
	else
		fail colours "colours with --no-colour"
		keys q
	fi
else
	fail colours "no colours on TERM=screen"
	keys q
fi

# --- ends: -n, SIGTERM, SIGINT ------------------------------------------
run "--replay $work/fx/snaps $fx -d 0.2 -n 3"
ended iterations_end 0

run "--replay $work/fx/snaps $fx -d 0.3"
wait_for 'Symbol \[module\]'
kill -TERM "$(cat "$work/pid")"
ended sigterm_restores_terminal 143

run "--replay $work/fx/snaps $fx -d 0.3"
wait_for 'Symbol \[module\]'
keys C-c
ended sigint_restores_terminal 130

# a crash: the terminal back (modes, normal screen) without endwin() in
# the handler; kdbt-top dies of SIGSEGV.  The probe is checked first: q
# calls endwin(), which it notes.
run_env="LD_PRELOAD=$probe ENDWIN_PROBE_LOG=$work/endwin.log"
run "--replay $work/fx/snaps $fx -d 0.3"
wait_for 'Symbol \[module\]'
keys q
if closed sigsegv_probe 0; then
	if grep -q '^endwin()$' "$work/endwin.log" 2>/dev/null; then
		pass sigsegv_probe
	else
		fail sigsegv_probe "endwin_probe.so noted no endwin() after q: not preloaded?"
	fi
fi
rm -f "$work/endwin.log"
run "--replay $work/fx/snaps $fx -d 0.3"
run_env=
wait_for 'Symbol \[module\]'
kill -SEGV "$(cat "$work/pid")"
if closed sigsegv_restores_terminal 139; then
	if grep -q handler "$work/endwin.log" 2>/dev/null; then
		fail sigsegv_restores_terminal "$(cat "$work/endwin.log")"
	else
		pass sigsegv_restores_terminal
	fi
fi

# --- what the view says -------------------------------------------------
run "--replay $work/fx/reset $fx -d 0.2"
if wait_for 'The counters were reset: counting afresh' 15 &&
   wait_for '^kdbt-top .*ENDED *$' 15 && wait_for 'End of the replay' 15; then
	pass reset_and_end_of_replay
else
	fail reset_and_end_of_replay "no reset notice or no end of replay"
fi
keys q
closed reset_and_end_of_replay 0

run "--replay $work/fx/off $fx -d 0.2"
if wait_for 'translation off' 15 &&
   wait_for 'Translation is off.*echo on > /proc/kdbt/control' 15 &&
   wait_for 'Symbol \[module\]' 15; then
	pass translation_off
else
	fail translation_off "no view with the way to switch on"
fi
keys q
closed translation_off 0

# a terminal curses does not know: plain text instead
keys -l "export TERM=no-such-terminal" && keys Enter
run "--replay $work/fx/snaps $fx -d 0.2 -n 2 -E 1"
if wait_for 'cannot use the terminal \(TERM=no-such-terminal\): plain text instead' 15 &&
   wait_for '^kdbt-top .* - refresh 2 of 2$' 15; then
	ended unknown_terminal_plain_text 0
else
	fail unknown_terminal_plain_text "no plain text"
fi
keys -l "export TERM=screen" && keys Enter

if [ ! -e /proc/kdbt ]; then
	run "-d 0.3"
	if wait_for 'kdbt.ko is not loaded.*insmod' 15; then
		ended module_not_loaded 1
	else
		fail module_not_loaded "no message"
	fi
fi

[ $failed = 0 ]
