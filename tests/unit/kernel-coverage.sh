#!/bin/sh
# kernel-coverage.sh - translate every function of the guest kernel's text
# (offline: vmlinux from Debian's vmlinuz, symbols from a nokaslr boot, see
# scripts/kernel-inputs.sh) in both modes, and check that no instruction
# form is left without a rule, and that most counters find a free
# register (the kernel's exception table tells the scratch search which
# memory accesses can fault to a fixup; C functions, whose calls ftrace
# makes nops at boot as kcover does, free %r11) - and once more in fast
# mode with direct counters and derived jcc counts (kdbt.ko's default:
# `incq %gs:disp32`, successor copies), where no counter may need a
# register.
#
# Allowed native exits (the documented list, docs/STATUS.md "Instruction forms that
# run natively"): int3, ud0/ud1/ud2 (traps: kprobes, BUG/WARN, static call
# guards), ljmp and lret (far transfers: machine_real_restart,
# __efi64_thunk), lkgs (native_lkgs on 6.12: Zydis 4.0 cannot decode it).
# Entry text, the thunk range and boot entry code are
# excluded by policy (kmod/core/policy.c) and counted apart.
# IBT kernels (6.12): every indirect entry of every block starts with
# endbr64 (kcover's ibt_missing is 0), and a run that breaks one pad
# (mutate-ibt) must be caught.
# Usage: kernel-coverage.sh KCOVER_BINARY [KVER]   (default: the guest
#        kernel, scripts/kver.sh; the names say KVER when it is given)
# Output: one PASS/FAIL line per mode (and the IBT mutation's).
set -u
kcover=${1:?usage: kernel-coverage.sh KCOVER_BINARY [KVER]}
kver=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
allowed=' int3 ud0 ud1 ud2 far-jmp far-ret far-call lkgs '
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

base=unit/kernel-coverage${kver:+-$kver}
# shellcheck disable=SC2086
if ! inputs=$(sh "$top/scripts/kernel-inputs.sh" $kver 2> "$work/err"); then
	echo "FAIL $base: no kernel inputs: $(cat "$work/err")"
	exit 1
fi
# shellcheck disable=SC2086
set -- $inputs
runs="fast transparent fast-direct"
# The three translations of the whole text run side by side (one CPU
# each; make test's budget), and are judged in order once all are done.
for run in $runs; do
	mode=${run%-direct}
	form=
	[ "$run" = "$mode" ] || form=direct
	{
		"$kcover" "$1" "$2" $mode $form verbose > "$work/out.$run" 2>&1
		echo $? > "$work/rc.$run"
	} &
done
wait
for run in $runs; do
	name=$base/$run
	mode=${run%-direct}
	form=
	[ "$run" = "$mode" ] || form=direct
	cp "$work/out.$run" "$work/out"
	if [ "$(cat "$work/rc.$run")" != 0 ]; then
		echo "FAIL $name: kcover failed: $(grep -m3 -e refusal -e kcover "$work/out")"
		continue
	fi
	get() { sed -n "s/^$1 //p" "$work/out"; }
	why=
	[ "$(get functions)" -gt 40000 ] || why="only $(get functions) functions"
	[ "$(get blocks)" -gt 500000 ] || why="$why; only $(get blocks) blocks"
	for r in decode read form range encode; do
		[ "$(get refused_$r)" = 0 ] ||
			why="$why; $(get refused_$r) refused ($r): $(grep -m3 "^refusal $r" "$work/out" | tr '\n' ' ')"
	done
	# Counters with a free register (no push of %rax): 80% of blocks
	# with the exception table, 70% if every memory access stopped
	# the search (block.c, scratch_passes()).
	[ "$(get fixups)" -gt 100 ] || why="$why; only $(get fixups) exception-table entries"
	scratch=$(($(get counters_scratch) * 1000 / ($(get counters_scratch) + $(get counters_push))))
	if [ -n "$form" ]; then
		# incq %gs:disp32 needs no register: nothing pushed.
		[ "$(get counter_form)" = direct ] && [ "$(get counters_push)" = 0 ] ||
			why="$why; direct form: $(get counters_push) counters push %rax"
		[ "$(get counters_derived)" -gt 100000 ] ||
			why="$why; only $(get counters_derived) derived counts"
	elif [ "$scratch" -lt 780 ]; then
		why="$why; counters with a free register: $scratch per mille, want >= 780"
	fi
	ibt=$(get ibt)
	if [ "$ibt" = on ]; then
		[ "$(get ibt_missing)" = 0 ] && [ "$(get ibt_entries)" -gt 100000 ] ||
			why="$why; IBT: $(get ibt_missing) of $(get ibt_entries) indirect entries without endbr64 ($(get ibt_first_missing))"
	fi
	unhandled=$(sed -n 's/^unhandled //p' "$work/out" | tr '\n' ' ')
	[ -z "$unhandled" ] || why="$why; unhandled forms: $unhandled"
	for m in $(sed -n 's/^native_form \([^ ]*\) .*/\1/p' "$work/out"); do
		case "$allowed" in
		*" $m "*) ;;
		*) why="$why; native exit at $m ($(grep -m1 " $m\$" "$work/out")) not in the documented list" ;;
		esac
	done
	if [ -z "$why" ]; then
		forms="$(get counters_scratch) with a free register, $(get counters_push) push %rax"
		[ -z "$form" ] || forms="$(get counters_scratch) incq %gs:disp32, $(get counters_derived) blocks derived from $(get copies) copies"
		ibts="IBT off"
		[ "$ibt" = on ] && ibts="IBT: $(get ibt_entries) indirect entries start with endbr64"
		echo "PASS $name ($(get functions) functions, $(get blocks) blocks, $(get instructions) instructions, expansion $(get expansion); counters: $forms, $(get counters_flags) keep the flags; $ibts; native exits: $(sed -n 's/^native_form //p' "$work/out" | tr '\n' ' '))"
	else
		echo "FAIL $name:${why#;}"
	fi
done

# The IBT check must catch one pad broken on purpose (IBT kernels only).
if grep -q '^ibt on$' "$work/out.fast-direct"; then
	"$kcover" "$1" "$2" fast direct mutate-ibt > "$work/out" 2>&1
	rc=$?
	m=$(sed -n 's/^ibt_missing //p' "$work/out")
	if [ $rc = 1 ] && [ "$m" = 1 ]; then
		echo "PASS $base/ibt-mutation (one endbr64 overwritten: kcover finds $(sed -n 's/^ibt_first_missing //p' "$work/out") and fails)"
	else
		echo "FAIL $base/ibt-mutation: one endbr64 overwritten, kcover exit $rc, ibt_missing '$m' (want 1 and 1)"
	fi
fi
