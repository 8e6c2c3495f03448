# hang.awk - what a hung guest was doing, from its console log.
#
# Input: the console log of a boot that tests/vm/run.sh's watchdog stopped
# (a KDBT-HOST-WATCHDOG line, the kernel's answers to SysRq w and l, and
# QEMU's "info registers -a" between KDBT-HOST-WATCHDOG-REGS lines);
# -v map=PATH, the guest kernel's symbols as /proc/kallsyms lists them
# (any KASLR offset; a missing file leaves addresses unnamed).
# Output: at most 80 lines: the watchdog's line; each CPU's RIP from QEMU,
# named with the kernel's symbols where it is in the kernel image (the
# guest's KASLR offset comes from "text=" on its KDBT-GUEST-READY line);
# each CPU's NMI backtrace and each task SysRq t shows running, waiting
# uninterruptibly or waiting in kdbt or on the kernel's machinery, with
# their first frames.
# Kernel addresses are compared on their low 32 bits (all of the kernel
# image lies in one 4 GiB window at 0xffffffff8...), which awk's doubles
# hold exactly.

function low32(hex,    i, v, c)
{
	hex = tolower(hex)
	sub(/^0x/, "", hex)
	if (length(hex) > 8)
		hex = substr(hex, length(hex) - 7)
	v = 0
	for (i = 1; i <= length(hex); i++) {
		c = index("0123456789abcdef", substr(hex, i, 1))
		if (c == 0)
			return -1
		v = v * 16 + c - 1
	}
	return v
}

function high32(hex)
{
	hex = tolower(hex)
	sub(/^0x/, "", hex)
	return length(hex) > 8 ? substr(hex, 1, length(hex) - 8) : ""
}

function symbolize(hex,    a, i, best)
{
	if (!loaded || high32(hex) != "ffffffff")
		return hex " (not in the kernel image)"
	a = low32(hex) - slide
	best = 0
	for (i = 1; i <= nsym; i++)
		if (addr[i] <= a && (best == 0 || addr[i] > addr[best]))
			best = i
	if (best == 0 || a - addr[best] > 1048576)
		return hex " (not in the kernel image)"
	return hex " " name[best] sprintf("+0x%x", a - addr[best])
}

function say(line)
{
	if (said++ < 80)
		print line
}

BEGIN {
	if (map != "") {
		while ((getline line < map) > 0) {
			if (split(line, f, " ") != 3 || f[2] !~ /^[tT]$/)
				continue
			nsym++
			addr[nsym] = low32(f[1])
			name[nsym] = f[3]
			if (f[3] == "_text")
				maptext = addr[nsym]
		}
		close(map)
	}
}

/KDBT-GUEST-READY .*text=/ {
	match($0, /text=[0-9a-fA-F]+/)
	slide = low32(substr($0, RSTART + 5, RLENGTH - 5)) - maptext
	loaded = nsym > 0 && maptext != ""
}

/^KDBT-HOST-WATCHDOG / {
	say($0)
	watched = 1
	next
}

/^KDBT-HOST-WATCHDOG-REGS$/ {
	regs = 1
	next
}

/^KDBT-HOST-WATCHDOG-REGS-END$/ {
	regs = 0
	next
}

regs && /^CPU#[0-9]+/ {
	cpu = $1
	next
}

regs && /RIP=[0-9a-fA-F]+/ {
	match($0, /RIP=[0-9a-fA-F]+/)
	rip = substr($0, RSTART + 4, RLENGTH - 4)
	match($0, /CPL=[0-3]/)
	cpl = substr($0, RSTART, RLENGTH)
	match($0, /HLT=[01]/)
	say("QEMU: " (cpu == "" ? "CPU" : cpu) " RIP " symbolize(rip) " " cpl \
	    " " substr($0, RSTART, RLENGTH))
	next
}

!watched {
	next
}

# SysRq t: a task's block is its "task:" line and its frames; it is shown
# if the task runs or waits uninterruptibly (R, D, T), or if its frames
# are kdbt's or a wait on the kernel's machinery (a TASK_IDLE wait shows
# as state I, like an idle worker).
function flush_task(    i, keep)
{
	if (task == "")
		return
	keep = task ~ /state:[RDTt]/
	for (i = 1; i <= ntf; i++)
		if (tf[i] ~ /kdbt|wait_for_completion|synchronize_rcu|stop_machine|mutex_lock|msleep/)
			keep = 1
	if (keep) {
		say(task)
		for (i = 1; i <= ntf && i <= 10; i++)
			say(tf[i])
	}
	task = ""
	ntf = 0
}

/task:[^ ]+ +state:/ {
	flush_task()
	frames = 0
	task = $0
	next
}

/NMI backtrace for cpu/ {
	flush_task()
	say($0)
	frames = 8
	next
}

/(RIP: |[] ]\?? ?[A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+\/0x[0-9a-f]+)/ {
	if (task != "")
		tf[++ntf] = $0
	else if (frames > 0) {
		say($0)
		frames--
	}
}

END {
	flush_task()
}
