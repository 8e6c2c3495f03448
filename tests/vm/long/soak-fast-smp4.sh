# soak-fast-smp4.sh (long tier) - the short soak (issue 11; the long one is `make
# soak`, tests/soak/soak.sh) in fast mode on 4 CPUs: 40 s of a stress-ng
# mix (cpu, fork, exec, pipe, sock, mmap, fault, sigq, sigsegv, timer,
# clock, futex, switch, hdd; --verify) with translation on, kdbt-top
# reading, resets and off/on cycles at random, the instruction count
# sampled (never falling between resets, growing while on); a phase of
# CPU hotplug, module load/unload, memory pressure and the /proc/kdbt
# fuzzer (kfuzz) at once, then one with kdbt reloaded with a 1 MiB code
# cache.  stress-ng must pass, efault must match native, rmmod must work
# (tests/soak/soak-guest.sh, /bin/soak in the guest, says what each phase
# checks).  Prints SOAK-* lines with the figures.
# vm-smp: 4
# vm-timeout: 300
# vm-bin: /usr/bin/stress-ng
. /tests/lib.sh

soak fast 40
