# kdbt - exact kernel profiling by dynamic binary translation.
#
#   make deps    install packages and fetch Zydis (idempotent; needs root)
#   make all     build kdbt.ko, the Zydis userspace library and test helpers
#   make test    deps + all + every unit and guest test; ends "N passed, N failed"
#   make demo    deps + all + kdbt-record a workload in a guest, kdbt-report it
#   make clean   remove build outputs (keeps the fetched Zydis sources)
#
# The module is built against the guest kernel's headers (scripts/kver.sh:
# the newest Debian kernel in /boot with headers), never the host's.

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

.PHONY: all deps module user test unit vm bench bench-quick demo clean distclean

all: module user

deps:
	sh scripts/deps.sh

# Zydis and Zycore headers are reached through links into build/ so that
# kbuild sees Zydis under kmod/ and no host include directory is searched.
links:
	@test -d $(ZYDIS)/src || { echo "Zydis sources missing: run 'make deps'"; exit 1; }
	@mkdir -p $(B)/include
	@ln -sfn /usr/include/Zycore $(B)/include/Zycore
	@ln -sfn ../build/src/zydis kmod/zydis

module: links
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod ZYCORE_INCLUDE=$(B)/include modules

# The translator core: the same files kbuild compiles into kdbt.ko.
CORE_SRCS := $(addprefix kmod/, decode.c block.c emit.c translate.c \
	dispatch.c maps.c policy.c)
CORE_HDRS := $(wildcard kmod/*.h)
# Userspace tests run translated code: static and non-PIE so that the code
# cache (mapped below 2 GiB) reaches everything with rel32 and disp32.
UCFLAGS := -O2 -g -static -fno-pie -no-pie $(WARN) $(ZYDIS_DEFS) \
	$(ZYDIS_INC) -Ikmod -Itests/unit

user: $(B)/lib/libzydis.a $(B)/unit/decode_check $(B)/unit/translate_run \
	$(B)/unit/kcover $(B)/guest/runas $(B)/guest/efault \
	$(B)/guest/wlhelper $(B)/guest/workload $(B)/guest/kbench
user: $(B)/guest/getppid $(B)/guest/pathlen $(B)/guest/writes

$(B)/zydis-user/%.o: $(ZYDIS)/src/%.c | links
	@mkdir -p $(@D)
	$(CC) -O2 $(ZYDIS_DEFS) $(ZYDIS_INC) -c -o $@ $<

$(B)/lib/libzydis.a: $(ZYDIS_OBJS)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(B)/unit/decode_check: tests/unit/decode_check.c kmod/decode.c kmod/decode.h \
		kmod/kdbt_env.h $(B)/lib/libzydis.a
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) $(ZYDIS_DEFS) $(ZYDIS_INC) -Ikmod -o $@ \
		tests/unit/decode_check.c kmod/decode.c $(B)/lib/libzydis.a

$(B)/unit/translate_run: tests/unit/translate_run.c tests/unit/utr.c \
		tests/unit/user_glue.S tests/unit/rules_asm.S \
		tests/unit/tfuncs.c tests/unit/stepcount.c $(CORE_SRCS) \
		$(CORE_HDRS) $(B)/lib/libzydis.a
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -o $@ $(filter %.c %.S,$^) $(B)/lib/libzydis.a

$(B)/unit/kcover: tests/unit/kcover.c tests/unit/kimage.c $(CORE_SRCS) \
		$(CORE_HDRS) $(B)/lib/libzydis.a
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -o $@ $(filter %.c,$^) $(B)/lib/libzydis.a

# Guest helpers: static, so the busybox-only guest runs them as they are.
# tests/vm/run.sh ships each of them to the guest's /bin.
$(B)/guest/runas $(B)/guest/efault $(B)/guest/wlhelper: \
		$(B)/guest/%: tests/vm/helpers/%.c
	@mkdir -p $(@D)
	$(CC) -O2 -static $(WARN) -o $@ $<

$(B)/guest/getppid: tests/vm/helpers/getppid.c
	@mkdir -p $(@D)
	$(CC) -O2 -static -pthread $(WARN) -o $@ $<

$(B)/guest/writes: tests/vm/helpers/writes.c
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
LIBKDBT := proc/libkdbt.c proc/libkdbt_syms.c proc/libkdbt.h \
	proc/libkdbt_int.h proc/kdbt_abi.h
user: $(B)/unit/libkdbt_test $(B)/guest/kdbt-snapshot

$(B)/unit/libkdbt_test: tests/unit/libkdbt_test.c $(LIBKDBT)
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu11 $(WARN) -Iproc -o $@ $(filter %.c,$^)

$(B)/guest/kdbt-snapshot: proc/kdbt-snapshot.c $(LIBKDBT)
	@mkdir -p $(@D)
	$(CC) -O2 -static -std=gnu11 $(WARN) -Iproc -o $@ $(filter %.c,$^)

# kdbt-top (kdbt-top/): the live view, dynamic on the host; static for the
# guest, whose tests use batch mode (no terminfo there); the unit test of
# its model, formats and replay source (no ncurses).
TOP_SRCS := $(addprefix kdbt-top/, main.c top.c model.c format.c source.c \
	batch.c tui.c)
TOP_DEPS := $(TOP_SRCS) $(wildcard kdbt-top/*.h) $(LIBKDBT)
TOP_CFLAGS := -O2 -g -std=gnu11 $(WARN) -Iproc -Ikdbt-top
NCURSES_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
user: $(B)/kdbt-top $(B)/guest/kdbt-top $(B)/unit/kdbt_top_model_test

$(B)/kdbt-top: $(TOP_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TOP_CFLAGS) -o $@ $(filter %.c,$^) $(NCURSES_LIBS) -lm

$(B)/guest/kdbt-top: $(TOP_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TOP_CFLAGS) -static -o $@ $(filter %.c,$^) -lncursesw -ltinfo -lm

$(B)/unit/kdbt_top_model_test: tests/unit/kdbt_top_model_test.c \
		kdbt-top/model.c kdbt-top/format.c kdbt-top/source.c \
		$(wildcard kdbt-top/*.h) $(LIBKDBT)
	@mkdir -p $(@D)
	$(CC) $(TOP_CFLAGS) -o $@ $(filter %.c,$^)

# kdbt-record and kdbt-report (kdbt-record/): host builds in $(B), static
# builds for the guest, a sanitizer build of kdbt-report and the format's
# unit test and fuzzer (tests/unit/kdbt_data_fuzz.c).
REC_LIB := $(addprefix kdbt-record/, data.c data_read.c data_write.c) \
	proc/libkdbt.c proc/libkdbt_syms.c
REC_HDRS := $(wildcard kdbt-record/*.h) proc/libkdbt.h proc/libkdbt_int.h \
	proc/kdbt_abi.h
RECORD_SRCS := $(addprefix kdbt-record/, kdbt-record.c recorder.c \
	sysinfo.c) $(REC_LIB)
REPORT_SRCS := $(addprefix kdbt-record/, kdbt-report.c report.c \
	report_out.c diff.c diff_out.c) $(REC_LIB)
REC_CFLAGS := -O2 -g -std=gnu11 $(WARN) -Iproc -Ikdbt-record
SAN_CFLAGS := -O1 -g -std=gnu11 $(WARN) -Iproc -Ikdbt-record \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
user: $(B)/kdbt-record $(B)/kdbt-report $(B)/kdbt-diff \
	$(B)/guest/kdbt-record $(B)/guest/kdbt-report $(B)/guest/sendfile \
	$(B)/unit/kdbt-report-san $(B)/unit/kdbt_data_fuzz

$(B)/kdbt-record: $(RECORD_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(REC_CFLAGS) -o $@ $(RECORD_SRCS)

$(B)/guest/kdbt-record: $(RECORD_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(REC_CFLAGS) -static -o $@ $(RECORD_SRCS)

$(B)/kdbt-report: $(REPORT_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(REC_CFLAGS) -o $@ $(REPORT_SRCS) -lm

$(B)/guest/kdbt-report: $(REPORT_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(REC_CFLAGS) -static -o $@ $(REPORT_SRCS) -lm

$(B)/kdbt-diff: $(B)/kdbt-report
	ln -sf kdbt-report $@

$(B)/unit/kdbt-report-san: $(REPORT_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $(REPORT_SRCS) -lm

FUZZ_SRCS := tests/unit/kdbt_data_fuzz.c $(addprefix kdbt-record/, report.c \
	report_out.c diff.c diff_out.c sysinfo.c) $(REC_LIB)
$(B)/unit/kdbt_data_fuzz: $(FUZZ_SRCS) $(REC_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -o $@ $(FUZZ_SRCS) -lm

$(B)/guest/sendfile: tests/vm/helpers/sendfile.sh
	@mkdir -p $(@D)
	install -m 755 $< $@

test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@sh tests/run-all.sh

unit: user
	@sh tests/run-all.sh --unit

vm: all
	@sh tests/run-all.sh --vm

# Figures, not verdicts: see README "Benchmarks".
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

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	rm -f $(ZYDIS)/src/*.o $(ZYDIS)/src/.*.cmd
	rm -rf $(B)/lib $(B)/zydis-user $(B)/unit $(B)/guest $(B)/vm

distclean: clean
	rm -rf $(B) kmod/zydis
