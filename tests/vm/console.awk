# console.awk - turn a guest console log into one result line per test.
#
# Input: the console log of one guest boot, terminal escapes already
# stripped; -v tests="name name ..." lists the tests the boot should run,
# -v log=PATH names the log in messages.
# Output: "PASS vm/<name>" or "FAIL vm/<name>: <why>" per test, in order.
#
# A test fails when its script exits non-zero (the first "FAIL: why" line
# it printed is quoted), when it never reports (the guest died or timed
# out), when the console shows a kernel problem (oops, BUG, WARNING,
# lockup, hung task, RCU stall, sanitizer report, kdbt unloading or
# switching off while cache addresses are still on stacks) while it
# runs, or when it leaves processes or kdbt.ko behind (KDBT-LEFTOVER
# lines from guest-init.sh), or when run.sh's watchdog found the guest
# hung during it or in the clean-up after it (KDBT-HOST-WATCHDOG).
# A problem outside every test (boot, shutdown) fails every test of the
# boot: nobody can say which one caused it.  The kernel's boot notes on
# CPU bug mitigations are not problems (mitigation_note).

# The kernel's boot-time notes on its CPU bug mitigations
# (arch/x86/kernel/cpu/bugs.c) say "WARNING:" but are no WARN() splat:
# QEMU's Skylake-Server-IBRS and Cascadelake-Server models get RETBleed's.
function mitigation_note(line)
{
	return line ~ /(RETBleed|Spectre V2 ): WARNING: /
}

function kernel_problem(line)
{
	if (mitigation_note(line))
		return 0
	return line ~ /Oops|BUG:|kernel BUG at|WARNING:|Call Trace:|soft lockup|hard LOCKUP|hung_task|blocked for more than [0-9]+ seconds|rcu: INFO|rcu_(sched|preempt|bh|tasks)[^ ]* (self-)?detected stall|self-detected stall|detected stalls on CPU|general protection fault|Kernel panic|invalid opcode|(KASAN|UBSAN|KFENCE|KCSAN|KMSAN): |kdbt: unloading with cache addresses|kdbt: cache addresses stay on kernel stacks/
}

function short(line)
{
	sub(/^[ \t]+/, "", line)
	return length(line) > 160 ? substr(line, 1, 160) "..." : line
}

BEGIN {
	n = split(tests, order, " ")
	current = ""
	outside = ""
}

{
	sub(/\r$/, "")
}

/KDBT-TEST-BEGIN [^ ]+/ {
	match($0, /KDBT-TEST-BEGIN [^ ]+/)
	current = substr($0, RSTART + 16, RLENGTH - 16)
	began[current] = 1
	next
}

/KDBT-TEST-END [^ ]+ [0-9]+/ {
	match($0, /KDBT-TEST-END [^ ]+ [0-9]+/)
	split(substr($0, RSTART, RLENGTH), w, " ")
	ended[w[2]] = 1
	status[w[2]] = w[3] + 0
	last = w[2]
	current = ""
	next
}

# tests/vm/run.sh's watchdog stopped a hung guest: during a test, or
# between tests (blamed on the one that ended last, whose clean-up it
# was).  What the guest printed after it (SysRq's stacks) is that test's.
/^KDBT-HOST-WATCHDOG [^ ]+ / {
	t = $2 == "-" ? last : $2
	if (t != "") {
		hung[t] = short(substr($0, length($1 $2) + 3))
		current = t
	}
	next
}

/KDBT-LEFTOVER [^ ]+ / {
	match($0, /KDBT-LEFTOVER [^ ]+ /)
	t = substr($0, RSTART + 14, RLENGTH - 15)
	what = substr($0, RSTART + RLENGTH)
	if (t in leftover)
		what = leftover[t] "; " what
	leftover[t] = short(what)
	next
}

/^FAIL: / && current != "" && !(current in said) {
	said[current] = short(substr($0, 7))
}

kernel_problem($0) {
	if (current != "") {
		if (!(current in problem))
			problem[current] = short($0)
	} else if (outside == "") {
		outside = short($0)
	}
}

END {
	for (i = 1; i <= n; i++) {
		t = order[i]
		if (!(t in began))
			why = "did not run (the guest died or timed out before it)"
		else if (t in hung)
			why = "the guest hung: " hung[t]
		else if (!(t in ended))
			why = "no result (the guest died or timed out during it)"
		else if (status[t] == 137)
			why = "killed after its timeout"
		else if (status[t] != 0)
			why = "exit status " status[t] \
			    (t in said ? ": " said[t] : "")
		else if (t in leftover)
			why = "left behind: " leftover[t]
		else if (t in problem)
			why = "kernel problem on the console: " problem[t]
		else if (outside != "")
			why = "kernel problem on the console outside any test: " outside
		else
			why = ""
		if (why == "")
			print "PASS vm/" t
		else
			print "FAIL vm/" t ": " why
	}
}
