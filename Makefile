# kdbt - exact kernel profiling by dynamic binary translation.
#
#   make deps    install packages and fetch Zydis (idempotent; needs root)
#   make deps-user   only what building and using kdbt needs (no test tools)
#   make all     build kdbt.ko, the Zydis userspace library and test helpers
#   make test    deps + all + every unit and guest test; ends "N passed, N failed"
#   make demo    deps + all + kdbt-record a workload in a guest, kdbt-report it
#   make deps-matrix  deps + the cloud and rt flavours of the guest kernel
#   make module-for KVER=X   kdbt.ko for kernel X in build/kmod-X/
#   make matrix  deps-matrix + all + one guest per CPU model and kernel
#                flavour, a short suite in each (tests/README.md)
#   make deps-612    deps + Debian 12's alternative kernel, Linux 6.12
#   make module-612  kdbt.ko for that 6.12 kernel (module-for its KVER)
#   make fuzz    the libFuzzer targets (clang, from make deps) for
#                FUZZ_SECONDS=300 each (tests/unit/fuzz.sh)
#   make soak    deps + all + the soak on 4 guest CPUs per mode and natively
#                (SOAK_MINUTES=30, SOAK_MODES="transparent fast"), summary
#   make install the tools, man pages, systemd units and kdbt.ko for the
#                running kernel (PREFIX=/usr/local, DESTDIR, KVER=`uname -r`,
#                SYSTEMDUNITDIR=$(PREFIX)/lib/systemd/system); make uninstall
#   make dkms-install / dkms-uninstall   kdbt.ko through DKMS, every kernel
#   make clean   remove build outputs (keeps the fetched Zydis sources)
#
# The module is built against the guest kernel's headers (scripts/kver.sh:
# the newest generic Debian 6.1 kernel in /boot with headers; KVER=...
# overrides it), never the host's.

KVER = $(shell sh scripts/kver.sh)
KDIR = /lib/modules/$(KVER)/build
B := $(CURDIR)/build
ZYDIS := $(B)/src/zydis

CC ?= gcc
WARN := -Wall -Wextra -Werror
ZYDIS_DEFS := -DZYAN_NO_LIBC -DZYDIS_STATIC_BUILD -DZYDIS_DISABLE_FORMATTER
ZYDIS_INC := -I$(ZYDIS)/include -I$(ZYDIS)/src -I$(B)/include
ZYDIS_SRCS := Decoder DecoderData Encoder EncoderData MetaInfo Mnemonic \
	Register Segment SharedData Utils Zydis
ZYDIS_OBJS := $(ZYDIS_SRCS:%=$(B)/zydis-user/%.o)
# The translator core's files (KDBT_CORE_SRCS, KDBT_CORE_HDRS, names in
# kmod/core/): the one list of them, which kmod/Kbuild reads too.
include kmod/core/files.mk

.PHONY: all deps module user test-modules test check unit vm long bench bench-quick demo clean distclean
.PHONY: deps-matrix module-for matrix matrix-modules bench-matrix

all: module user test-modules

deps:
	sh scripts/deps.sh

# Only what building and using kdbt needs, not the tests (docs/INSTALL.md, "Installing").
deps-user:
	sh scripts/deps.sh --user

# The cloud and rt flavours of the guest kernel, for the matrix: same ABI,
# versioned package names, the meta-packages left alone (scripts/flavours.sh);
# and those of the 6.12 release (scripts/kernel612.sh --flavours).
deps-matrix: deps
	sh scripts/flavours.sh
	sh scripts/kernel612.sh --flavours

# Zydis and Zycore headers are reached through links into build/ so that
# kbuild sees Zydis under kmod/ and no host include directory is searched.
links:
	@test -d $(ZYDIS)/src || { echo "Zydis sources missing: run 'make deps'"; exit 1; }
	@mkdir -p $(B)/include
	@sh scripts/relink.sh -l /usr/include/Zycore $(B)/include/Zycore
	@sh scripts/relink.sh -l ../build/src/zydis kmod/zydis

module: links
	@test -f $(KDIR)/Makefile || { echo "no headers for kernel $(KVER) in $(KDIR): install linux-headers-$(KVER) or give KVER=..."; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod ZYCORE_INCLUDE=$(B)/include modules

# kdbt.ko for another kernel, KVER=X (given), in build/kmod-X/, leaving
# kmod/ and its build alone: links to kmod/'s sources (kmod/core/'s in
# build/kmod-X/core/) and to Zydis's sources there, so that every object,
# Zydis's too, lands in build/kmod-X/.
# Kbuild's -I$(src)/../proc finds build/proc, a link to proc/.
KMOD_FOR = $(B)/kmod-$(KVER)
module-for: links
	@case "$(origin KVER)" in command*|environment*) ;; \
	*) echo "module-for: give the kernel: make module-for KVER=..."; exit 1 ;; esac
	@test -f $(KDIR)/Makefile || { echo "no headers for kernel $(KVER) in $(KDIR): install linux-headers-$(KVER)"; exit 1; }
	@mkdir -p $(KMOD_FOR)/zydis/src $(KMOD_FOR)/core
	@sh scripts/relink.sh -l ../proc $(B)/proc
	@sh scripts/relink.sh -l $$(for f in kmod/Kbuild kmod/*.[chS] kmod/*.sh; do \
		case $$f in *.mod.c) ;; *) echo ../../$$f ;; esac; done) $(KMOD_FOR)
	@sh scripts/relink.sh -l $(addprefix ../../../kmod/core/,files.mk \
		$(KDBT_CORE_SRCS) $(KDBT_CORE_HDRS)) $(KMOD_FOR)/core
	@sh scripts/relink.sh -l $(ZYDIS)/include $(KMOD_FOR)/zydis/include
	@sh scripts/relink.sh -l $(ZYDIS)/src/Generated $(KMOD_FOR)/zydis/src/Generated
	@sh scripts/relink.sh -l $(ZYDIS)/src/*.c $(KMOD_FOR)/zydis/src
	$(MAKE) -C $(KDIR) M=$(KMOD_FOR) ZYCORE_INCLUDE=$(B)/include modules
	@mkdir -p $(KMOD_FOR)/test-modules
	@sh scripts/relink.sh -c $(TEST_MODS) $(KMOD_FOR)/test-modules
	$(MAKE) -C $(KDIR) M=$(KMOD_FOR)/test-modules modules

# Linux 6.12, Debian 12's alternative kernel (issue 28): its image and
# headers by versioned names, the meta-packages and scripts/kver.sh's
# answer left alone (scripts/kernel612.sh).  module-612 builds kdbt.ko for
# it with module-for, in build/kmod-<its release>/; KVER612=X picks
# another installed 6.12 release.
.PHONY: deps-612 module-612
deps-612: deps
	sh scripts/kernel612.sh

KVER612 ?= $(shell sh scripts/kernel612.sh --print 2>/dev/null)
module-612:
	@test -n "$(KVER612)" || { echo "module-612: no 6.12 kernel with headers: run 'make deps-612'"; exit 1; }
	@$(MAKE) --no-print-directory module-for KVER=$(KVER612)

# test-612: what CI runs on 6.12 after make test (tests/run-all.sh --612):
# the whole guest suite (tests/vm/guest) with its kdbt.ko and test
# modules, its text translated offline (about 14 min).
.PHONY: test-612
test-612:
	@$(MAKE) --no-print-directory deps-612
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@$(MAKE) --no-print-directory -j$$(nproc) module-612
	@KVER612=$$(sh scripts/kernel612.sh --print) sh tests/run-all.sh --612

# Test modules for the guest (tests/vm/modules): built by kbuild in a copy
# under build/, so that no kbuild output lands in the source tree.
TEST_MODS := $(wildcard tests/vm/modules/*.c) tests/vm/modules/Kbuild
test-modules: $(B)/modules/kdbt_test_klp.ko $(B)/modules/kdbt_test_spin.ko \
	$(B)/modules/kdbt_test_stale.ko $(B)/modules/kdbt_test_vp.ko \
	$(B)/modules/kdbt_test_warn.ko
$(B)/modules/kdbt_test_spin.ko $(B)/modules/kdbt_test_stale.ko \
$(B)/modules/kdbt_test_vp.ko $(B)/modules/kdbt_test_warn.ko: \
		$(B)/modules/kdbt_test_klp.ko
$(B)/modules/kdbt_test_klp.ko: $(TEST_MODS)
	@test -f $(KDIR)/Makefile || { echo "no headers for kernel $(KVER) in $(KDIR)"; exit 1; }
	@mkdir -p $(@D)
	cp $(TEST_MODS) $(@D)/
	$(MAKE) -C $(KDIR) M=$(@D) modules

# The translator core: the same files kbuild compiles into kdbt.ko.
CORE_SRCS := $(addprefix kmod/core/, $(KDBT_CORE_SRCS))
CORE_HDRS := $(addprefix kmod/core/, $(KDBT_CORE_HDRS))
# Userspace tests run translated code: static and non-PIE so that the code
# cache (mapped below 2 GiB) reaches everything with rel32 and disp32.
UCFLAGS := -O2 -g -static -fno-pie -no-pie $(WARN) $(ZYDIS_DEFS) \
	$(ZYDIS_INC) -Ikmod/core -Itests/unit

user: $(B)/lib/libzydis.a $(B)/unit/decode_check $(B)/unit/translate_run \
	$(B)/unit/kcover $(B)/guest/runas $(B)/guest/efault \
	$(B)/guest/wlhelper $(B)/guest/workload $(B)/guest/kbench
user: $(B)/guest/getppid $(B)/guest/pathlen $(B)/guest/writes \
	$(B)/guest/uffault $(B)/guest/kvmrun $(B)/guest/capdrop

$(B)/zydis-user/%.o: $(ZYDIS)/src/%.c | links
	@mkdir -p $(@D)
	$(CC) -O2 $(ZYDIS_DEFS) $(ZYDIS_INC) -c -o $@ $<

$(B)/lib/libzydis.a: $(ZYDIS_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(B)/unit/decode_check: tests/unit/decode_check.c kmod/core/decode.c \
		kmod/core/decode.h kmod/core/kdbt_env.h $(B)/lib/libzydis.a
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) $(ZYDIS_DEFS) $(ZYDIS_INC) -Ikmod/core -o $@ \
		tests/unit/decode_check.c kmod/core/decode.c $(B)/lib/libzydis.a

$(B)/unit/translate_run: tests/unit/translate_run.c tests/unit/utr.c \
		tests/unit/user_glue.S tests/unit/rules_asm.S \
		tests/unit/tfuncs.c tests/unit/stepcount.c tests/unit/states.c \
		tests/unit/states.h $(CORE_SRCS) \
		$(CORE_HDRS) $(B)/lib/libzydis.a
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -o $@ $(filter %.c %.S,$^) $(B)/lib/libzydis.a

$(B)/unit/kcover: tests/unit/kcover.c tests/unit/kimage.c $(CORE_SRCS) \
		$(CORE_HDRS) $(B)/lib/libzydis.a
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -o $@ $(filter %.c,$^) $(B)/lib/libzydis.a

# Guest helpers: static, so the busybox-only guest runs them as they are.
# tests/vm/run.sh ships each of them to the guest's /bin.
$(B)/guest/runas $(B)/guest/efault $(B)/guest/wlhelper $(B)/guest/capdrop: \
		$(B)/guest/%: tests/vm/helpers/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) -o $@ $<

$(B)/guest/getppid: tests/vm/helpers/getppid.c
	@mkdir -p $(@D)
	$(CC) -O2 -static -pthread $(WARN) -o $@ $<

$(B)/guest/writes: tests/vm/helpers/writes.c
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) -o $@ $<

$(B)/guest/uffault: tests/vm/helpers/uffault.c
	@mkdir -p $(@D)
	$(CC) -O2 -static -pthread $(WARN) -o $@ $<

$(B)/guest/kvmrun: tests/vm/helpers/kvmrun.c
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) -o $@ $<

# Decodes kernel text (/proc/kcore) with the userspace Zydis build.
$(B)/guest/pathlen: tests/vm/helpers/pathlen.c $(B)/lib/libzydis.a
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) $(ZYDIS_DEFS) $(ZYDIS_INC) -o $@ $< \
		$(B)/lib/libzydis.a

$(B)/guest/kbench: tests/bench/kbench.c
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) -o $@ $<

user: $(B)/guest/readcost
$(B)/guest/readcost: tests/bench/readcost.c
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) -o $@ $<

$(B)/guest/workload: tests/vm/helpers/workload.sh
	@mkdir -p $(@D)
	install -m 755 $< $@

# The /proc/kdbt reader library (proc/), its unit test and kdbt-snapshot,
# which guest tests run against the kernel's own text files.
LIBKDBT := proc/libkdbt.c proc/libkdbt_syms.c proc/libkdbt_stats.c \
	proc/libkdbt.h proc/libkdbt_int.h proc/kdbt_abi.h
user: $(B)/unit/libkdbt_test $(B)/guest/kdbt-snapshot $(B)/unit/stats_check \
	$(B)/unit/pokes_check

$(B)/unit/libkdbt_test: tests/unit/libkdbt_test.c $(LIBKDBT)
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu11 $(WARN) -Iproc -o $@ $(filter %.c,$^)

$(B)/guest/kdbt-snapshot: proc/kdbt-snapshot.c $(LIBKDBT)
	@mkdir -p $(@D)
	$(CC) -O2 -static -std=gnu11 $(WARN) -Iproc -o $@ $(filter %.c,$^)

# kdbt.ko's printer of /proc/kdbt/stats (kmod/stats.c) in userspace, for
# tests/unit/stats-table.sh.
$(B)/unit/stats_check: tests/unit/stats_check.c kmod/stats.c kmod/stats.h \
		kmod/core/kdbt_env.h proc/kdbt_abi.h
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu11 $(WARN) -Ikmod -Iproc -o $@ $(filter %.c,$^)

# kdbt.ko's reading of a text-poke batch in flight (kmod/pokes.h).
$(B)/unit/pokes_check: tests/unit/pokes_check.c kmod/pokes.h \
		kmod/core/kdbt_env.h
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu11 $(WARN) -Ikmod -o $@ $(filter %.c,$^)

# kdbt-report --annotate and kdbt-top's annotated view disassemble with
# Zydis's formatter: the same Zydis sources as libzydis.a, built again
# with the formatter into a library of the tools' own (kdbt.ko and
# libzydis.a stay without it).
ZYDIS_FMT_DEFS := -DZYAN_NO_LIBC -DZYDIS_STATIC_BUILD
ZYDIS_FMT_SRCS := $(ZYDIS_SRCS) Formatter FormatterATT FormatterBase \
	FormatterBuffer FormatterIntel String
ZYDIS_FMT_OBJS := $(ZYDIS_FMT_SRCS:%=$(B)/zydis-fmt/%.o)
ZYDIS_FMT_LIB := $(B)/lib/libzydis-fmt.a
REPORT_CFLAGS := $(ZYDIS_FMT_DEFS) $(ZYDIS_INC)

$(B)/zydis-fmt/%.o: $(ZYDIS)/src/%.c | links
	@mkdir -p $(@D)
	$(CC) -O2 $(ZYDIS_FMT_DEFS) $(ZYDIS_INC) -c -o $@ $<

$(ZYDIS_FMT_LIB): $(ZYDIS_FMT_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# kdbt-top (kdbt-top/): the live view, dynamic on the host; static for the
# guest, whose tests use batch mode (no terminfo there); the unit test of
# its model, formats and replay source (no ncurses).  Its annotated view
# is kdbt-report's annotator (annotate.c, with the parts of kdbt-record/
# it uses) on code read from /proc/kcore (kcore.c).
TOP_SRCS := $(addprefix kdbt-top/, main.c top.c model.c format.c source.c \
	batch.c tui.c annot.c) \
	$(addprefix kdbt-record/, annotate.c report.c kcore.c data.c data_read.c \
		data_write.c text.c)
TOP_DEPS := $(TOP_SRCS) $(wildcard kdbt-top/*.h kdbt-record/*.h) $(LIBKDBT) \
	$(ZYDIS_FMT_LIB)
TOP_CFLAGS := -O2 -g -std=gnu11 $(WARN) -Iproc -Ikdbt-top
TOP_ANNOT_CFLAGS := -Ikdbt-record $(REPORT_CFLAGS)
NCURSES_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
user: $(B)/kdbt-top $(B)/guest/kdbt-top $(B)/unit/kdbt_top_model_test \
	$(B)/unit/endwin_probe.so

$(B)/kdbt-top: $(TOP_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TOP_CFLAGS) $(TOP_ANNOT_CFLAGS) -o $@ $(filter %.c,$^) \
		$(ZYDIS_FMT_LIB) $(NCURSES_LIBS) -lm

$(B)/guest/kdbt-top: $(TOP_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TOP_CFLAGS) $(TOP_ANNOT_CFLAGS) -static -o $@ \
		$(filter %.c,$^) $(ZYDIS_FMT_LIB) -lncursesw -ltinfo -lm

$(B)/unit/kdbt_top_model_test: tests/unit/kdbt_top_model_test.c \
		kdbt-top/model.c kdbt-top/format.c kdbt-top/source.c \
		$(wildcard kdbt-top/*.h) $(LIBKDBT)
	@mkdir -p $(@D)
	$(CC) $(TOP_CFLAGS) -o $@ $(filter %.c,$^)

# An LD_PRELOAD endwin() that notes a call from a crash signal's handler
# (tests/unit/kdbt-top-screen.sh).
$(B)/unit/endwin_probe.so: tests/unit/endwin_probe.c
	@mkdir -p $(@D)
	$(CC) -O2 -std=gnu11 $(WARN) -shared -fPIC -o $@ $< -ldl

# kdbt-record and kdbt-report (kdbt-record/): host builds in $(B), static
# builds for the guest, a sanitizer build of kdbt-report and the format's
# unit test and fuzzer (tests/unit/kdbt_data_fuzz.c).
REC_LIB := $(addprefix kdbt-record/, data.c data_read.c data_write.c \
	text.c) \
	proc/libkdbt.c proc/libkdbt_syms.c proc/libkdbt_stats.c
REC_HDRS := $(wildcard kdbt-record/*.h) proc/libkdbt.h proc/libkdbt_int.h \
	proc/kdbt_abi.h
RECORD_SRCS := $(addprefix kdbt-record/, kdbt-record.c recorder.c \
	kcore.c sysinfo.c) $(REC_LIB)
REPORT_SRCS := $(addprefix kdbt-record/, kdbt-report.c report.c \
	report_pprof.c report_prom.c report_out.c diff.c diff_out.c live.c \
	annotate.c arcs.c sysinfo.c) $(REC_LIB)
REC_CFLAGS := -O2 -g -std=gnu11 $(WARN) -Iproc -Ikdbt-record
SAN_CFLAGS := -O1 -g -std=gnu11 $(WARN) -Iproc -Ikdbt-record \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
user: $(B)/kdbt-record $(B)/kdbt-report $(B)/kdbt-diff \
	$(B)/guest/kdbt-record $(B)/guest/kdbt-report $(B)/guest/sendfile \
	$(B)/unit/kdbt-report-san $(B)/unit/kdbt_data_fuzz \
	$(B)/unit/recorder_test

$(B)/kdbt-record: $(RECORD_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(REC_CFLAGS) -o $@ $(RECORD_SRCS)

$(B)/guest/kdbt-record: $(RECORD_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(REC_CFLAGS) -static -o $@ $(RECORD_SRCS)

$(B)/kdbt-report: $(REPORT_SRCS) $(REC_HDRS) $(ZYDIS_FMT_LIB)
	@mkdir -p $(@D)
	$(CC) $(REC_CFLAGS) $(REPORT_CFLAGS) -o $@ $(REPORT_SRCS) \
		$(ZYDIS_FMT_LIB) -lm -lz

$(B)/guest/kdbt-report: $(REPORT_SRCS) $(REC_HDRS) $(ZYDIS_FMT_LIB)
	@mkdir -p $(@D)
	$(CC) $(REC_CFLAGS) -static $(REPORT_CFLAGS) -o $@ $(REPORT_SRCS) \
		$(ZYDIS_FMT_LIB) -lm -lz

$(B)/kdbt-diff: $(B)/kdbt-report
	ln -sf kdbt-report $@

$(B)/unit/kdbt-report-san: $(REPORT_SRCS) $(REC_HDRS) $(ZYDIS_FMT_LIB)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) $(REPORT_CFLAGS) -o $@ $(REPORT_SRCS) \
		$(ZYDIS_FMT_LIB) -lm -lz

# The recorder fed by changes and by snapshots (the test takes its
# intervals: --wrap), with the sanitizers.
RECORDER_TEST_SRCS := tests/unit/recorder_test.c kdbt-record/recorder.c \
	kdbt-record/kcore.c $(REC_LIB)
$(B)/unit/recorder_test: $(RECORDER_TEST_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -Wl,--wrap=kdbt_data_add_interval -o $@ \
		$(RECORDER_TEST_SRCS) -lz

FUZZ_SRCS := tests/unit/kdbt_data_fuzz.c $(addprefix kdbt-record/, report.c \
	report_pprof.c report_prom.c report_out.c diff.c diff_out.c \
	sysinfo.c) $(REC_LIB)
$(B)/unit/kdbt_data_fuzz: $(FUZZ_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $(FUZZ_SRCS) -lm -lz

# Coverage-guided fuzz targets (libFuzzer) of the kdbt.data reader and of
# the snapshot parser, built with clang (`make deps` installs it) and run
# by tests/unit/fuzz.sh: for FUZZ_SECONDS each by `make fuzz`, briefly by
# `make check`.  Not part of `user`: it builds without clang.
FUZZ_CC ?= clang
FUZZ_CFLAGS := -g -O1 -std=gnu11 $(WARN) -Iproc -Ikdbt-record \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_DATA_SRCS := tests/unit/fuzz_kdbt_data.c $(addprefix kdbt-record/, \
	report.c report_pprof.c report_prom.c report_out.c diff.c diff_out.c \
	sysinfo.c) $(REC_LIB)
FUZZ_SNAP_SRCS := tests/unit/fuzz_snapshot.c $(filter %.c,$(LIBKDBT))
FUZZ_SECONDS ?= 300
.PHONY: fuzz-bin fuzz
fuzz-bin: $(B)/unit/fuzz_kdbt_data $(B)/unit/fuzz_snapshot

$(B)/unit/fuzz_kdbt_data: $(FUZZ_DATA_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_DATA_SRCS) -lm -lz

$(B)/unit/fuzz_snapshot: $(FUZZ_SNAP_SRCS) $(LIBKDBT)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SNAP_SRCS)

fuzz: fuzz-bin
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/unit/fuzz.sh

$(B)/guest/sendfile: tests/vm/helpers/sendfile.sh
	@mkdir -p $(@D)
	install -m 755 $< $@

# The soak (tests/soak/): kfuzz, hostile input for /proc/kdbt; kmono,
# counts that never go backwards; the guest side of the soak, which
# tests/vm/run.sh ships as /bin/soak.
user: $(B)/guest/kfuzz $(B)/guest/kmono $(B)/guest/soak
$(B)/guest/kfuzz $(B)/guest/kmono: $(B)/guest/%: tests/vm/helpers/%.c \
		proc/kdbt_abi.h
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) -Iproc -o $@ $<

$(B)/guest/soak: tests/soak/soak-guest.sh
	@mkdir -p $(@D)
	install -m 755 $< $@

# Test tiers (tests/README.md).  check: the unit suites, no kdbt in a
# guest (a few minutes; after `make deps` and `make all`).  test: check,
# every guest test in tests/vm/guest and the kdbt-record suite (under
# 20 minutes).  long: the long tier, tests/vm/long (hundreds of on/off
# cycles, the short soaks, 4 CPUs).  CI (.ci/run) runs test, long and
# matrix; soak runs long and then tests/soak/soak.sh.
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@sh tests/run-all.sh

check: all
	@sh tests/run-all.sh --unit

unit: check

vm: all
	@sh tests/run-all.sh --vm

long:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@sh tests/run-all.sh --long

# The matrix (tests/matrix/run.sh, tests/README.md): CPU models and the
# cloud and rt kernels, one guest boot each.  MATRIX_CELLS picks cells.
matrix: matrix-modules
	@sh tests/matrix/run.sh $(MATRIX_CELLS)

# Every kernel of the matrix and kdbt.ko built for each.
matrix-modules:
	@$(MAKE) --no-print-directory deps-matrix
	@$(MAKE) --no-print-directory deps-612
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@for f in cloud rt; do \
		k=$$(sh scripts/kver.sh --flavour $$f) || exit 1; \
		$(MAKE) --no-print-directory -j$$(nproc) module-for KVER=$$k || exit 1; \
		k=$$(sh scripts/kernel612.sh --print --flavour $$f) || exit 1; \
		$(MAKE) --no-print-directory -j$$(nproc) module-for KVER=$$k || exit 1; done
	@$(MAKE) --no-print-directory -j$$(nproc) module-612

# The exact (-icount) ratios on every matrix cell: figures, not verdicts
# (scripts/bench-matrix.sh, docs/BENCHMARKS.md; about 2 minutes a cell).
bench-matrix: matrix-modules
	@sh scripts/bench-matrix.sh $(MATRIX_CELLS)

# Figures, not verdicts: see docs/BENCHMARKS.md.
bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@sh scripts/bench-core.sh
	@sh scripts/bench-guest.sh

# One round at a fifth of the iterations, no -icount boot (a few minutes).
bench-quick:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@sh scripts/bench-guest.sh --quick

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

# Minutes per mode; figures, failures (docs/TESTS.md "Soak").
SOAK_MINUTES ?= 30
SOAK_MODES ?= transparent fast
SOAK_PARALLEL ?= 0
.PHONY: soak
soak:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@sh tests/run-all.sh --long
	@SOAK_MINUTES="$(SOAK_MINUTES)" SOAK_MODES="$(SOAK_MODES)" \
		SOAK_PARALLEL="$(SOAK_PARALLEL)" sh tests/soak/soak.sh

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	rm -f $(ZYDIS)/src/*.o $(ZYDIS)/src/.*.cmd
	rm -rf $(B)/lib $(B)/zydis-user $(B)/zydis-fmt $(B)/unit $(B)/guest $(B)/vm
	rm -rf $(B)/dkms $(B)/kmod-* $(B)/proc

distclean: clean
	rm -rf $(B) kmod/zydis

# Installing (docs/INSTALL.md): the tools, their man pages, the exporter's
# systemd units (contrib/systemd, ExecStart pointed at BINDIR) and kdbt.ko
# for one kernel, KVER: by default the running one, `uname -r`, as for any
# out-of-tree module (the build and the tests target the guest kernel,
# scripts/kver.sh, instead).  INSTALLED is exactly what install writes and
# uninstall removes (tests/unit/install.sh); depmod and systemctl run only
# when DESTDIR is empty, that is, on the real system (systemctl only if
# systemd is running: uninstall stops and disables the timer first).
VERSION := $(shell sed -n 's/^\#define KDBT_RELEASE[^"]*"\(.*\)"/\1/p' proc/kdbt_abi.h)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL_MOD_DIR ?= updates
MODDIR = /lib/modules/$(KVER)/$(INSTALL_MOD_DIR)
MODINFO ?= /sbin/modinfo
DEPMOD ?= /sbin/depmod
INST_TOOLS := kdbt-top kdbt-record kdbt-report
INST_MAN := man1/kdbt-top.1 man1/kdbt-record.1 man1/kdbt-report.1 \
	man4/kdbt.4 man5/kdbt-data.5 man7/kdbt.7
INST_UNITS := kdbt-exporter.service kdbt-exporter.timer
INSTALLED = $(addprefix $(BINDIR)/, $(INST_TOOLS) kdbt-diff) \
	$(addprefix $(MANDIR)/, $(INST_MAN) man1/kdbt-diff.1) \
	$(addprefix $(SYSTEMDUNITDIR)/, $(INST_UNITS)) $(MODDIR)/kdbt.ko
# $(call systemctl,ARGS): systemctl ARGS on the real system if systemd
# runs it; never under DESTDIR.
systemctl = if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && \
	command -v systemctl >/dev/null; then systemctl $(1); fi

.PHONY: deps-user install uninstall dkms-source dkms-install dkms-uninstall
install uninstall: KVER = $(shell uname -r)

install: module $(addprefix $(B)/, $(INST_TOOLS))
	@v=$$($(MODINFO) -F vermagic kmod/kdbt.ko | cut -d' ' -f1); \
	[ "$$v" = "$(KVER)" ] || { echo "install: kmod/kdbt.ko is built for $$v, not $(KVER)"; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MODDIR) \
		$(DESTDIR)$(SYSTEMDUNITDIR) \
		$(addprefix $(DESTDIR)$(MANDIR)/, man1 man4 man5 man7)
	install -m 755 $(addprefix $(B)/, $(INST_TOOLS)) $(DESTDIR)$(BINDIR)/
	ln -sfn kdbt-report $(DESTDIR)$(BINDIR)/kdbt-diff
	for m in $(INST_MAN); do install -m 644 man/$${m#*/} $(DESTDIR)$(MANDIR)/$$m || exit 1; done
	ln -sfn kdbt-report.1 $(DESTDIR)$(MANDIR)/man1/kdbt-diff.1
	sed 's|/usr/local/bin/|$(BINDIR)/|g' contrib/systemd/kdbt-exporter.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/kdbt-exporter.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/kdbt-exporter.service
	install -m 644 contrib/systemd/kdbt-exporter.timer $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -m 644 kmod/kdbt.ko $(DESTDIR)$(MODDIR)/kdbt.ko
	if [ -z "$(DESTDIR)" ]; then $(DEPMOD) -a $(KVER); fi
	$(call systemctl,daemon-reload)

uninstall:
	$(call systemctl,disable --now kdbt-exporter.timer 2>/dev/null || true)
	rm -f $(addprefix $(DESTDIR), $(INSTALLED))
	if [ -z "$(DESTDIR)" ] && [ -d /lib/modules/$(KVER) ]; then $(DEPMOD) -a $(KVER); fi
	$(call systemctl,daemon-reload)

# DKMS: a self-contained tree (scripts/dkms-source.sh: dkms.conf, kmod/,
# Zydis, Zycore's headers) in build/dkms, added to DKMS and installed for
# every kernel that has headers (DKMS_KVERS; kernels that dkms.conf
# excludes are skipped).  AUTOINSTALL in dkms.conf builds it for each kernel
# installed later.  The DKMS_* trees can be moved (tests/unit/dkms.sh).
DKMS_SRC = $(B)/dkms/kdbt-$(VERSION)
DKMS_TREE ?= /var/lib/dkms
DKMS_SOURCETREE ?= /usr/src
DKMS_INSTALLTREE ?= /lib/modules
DKMS_KVERS ?= $(patsubst /lib/modules/%/build/Makefile,%, \
	$(wildcard /lib/modules/*/build/Makefile))
DKMS = dkms --dkmstree $(DKMS_TREE) --sourcetree $(DKMS_SOURCETREE) \
	--installtree $(DKMS_INSTALLTREE) $(DKMS_FLAGS)

dkms-source:
	@sh scripts/dkms-source.sh $(B)/dkms >/dev/null
	@echo "dkms-source: $(DKMS_SRC)"

# Replaces an earlier installation of the same version.
dkms-install: dkms-source
	@command -v dkms >/dev/null || { echo "dkms-install: no dkms: apt-get install dkms"; exit 1; }
	if [ -n "$$($(DKMS) status -m kdbt -v $(VERSION))" ]; then \
		$(DKMS) remove kdbt/$(VERSION) --all; fi
	$(DKMS) add --force $(DKMS_SRC)
	@for k in $(DKMS_KVERS); do \
		echo "$(DKMS) install kdbt/$(VERSION) -k $$k"; \
		$(DKMS) install kdbt/$(VERSION) -k $$k; rc=$$?; \
		[ $$rc = 77 ] && echo "dkms-install: kdbt does not build for $$k (dkms.conf), skipped"; \
		[ $$rc = 0 ] || [ $$rc = 77 ] || exit $$rc; \
	done

dkms-uninstall:
	if [ -n "$$($(DKMS) status -m kdbt -v $(VERSION))" ]; then \
		$(DKMS) remove kdbt/$(VERSION) --all; fi
	rm -rf $(DKMS_SOURCETREE)/kdbt-$(VERSION)
