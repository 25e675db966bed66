# nvme-lm: the one entry point.
#   make               build build/nvme (nvme-cli with plugins/lm) and the simulator
#   make demo          migrate a VF under fio on the simulator, verify, report
#   make check         build, unit tests, lint, then tests/check
#   make check-unit    unit tests alone
#   make fuzz          libFuzzer harnesses (tests/fuzz), FUZZ_SECONDS each (60)
#   make install       install the binary, man pages, completions (PREFIX, DESTDIR)
#   make doc           man pages from Documentation/ into build/man
#   make bench         benchmarks (bench/), printed as ratios
# NVME_CLI_SRC=DIR builds against that nvme-cli tree instead of Debian's;
# NVME_CLI_SUITE=SUITE (trixie, sid, ...) against that Debian suite's source.
# LIBNVME_SRC=DIR|TARBALL: libnvme built into $(BUILD)/libnvme when the tree
# needs a newer one than the system's (nvme-cli 2.16 on Debian 12).

# `make` alone builds `all`, whatever rule comes first below.
.DEFAULT_GOAL	:= all

BUILD		?= $(CURDIR)/build
PREFIX		?= /usr/local
DESTDIR		?=
NVME_CLI_SRC	?=
NVME_CLI_SUITE	?=
LIBNVME_SRC	?=
NVME_LM_OVERWRITE ?= 0
CC		?= cc
export BUILD NVME_CLI_SRC NVME_CLI_SUITE LIBNVME_SRC

LM		:= plugins/lm
CORE_SRCS	:= $(filter-out $(LM)/lm-nvme.c,$(wildcard $(LM)/*.c))
UNIT_TESTS	:= $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test-*.c))
TOOLS		:= mkstate mutate

# Unit tests and tools: all warnings are errors, and sanitizers catch what
# a passing assertion cannot (overreads, undefined shifts, leaks).
UNIT_CFLAGS	:= -std=gnu11 -g -O1 -Wall -Wextra -Werror -D_GNU_SOURCE \
		   -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -I$(LM) -Itests/lib
UNIT_LDLIBS	:= -ljson-c
UNIT_DIR	:= $(BUILD)/unit

# libFuzzer harnesses: clang's -fsanitize=fuzzer (Debian: clang,
# libclang-rt-dev), the plugin's sources built once with the same sanitizers.
FUZZ_TARGETS	:= state-file ctrl-state changes cdq
FUZZ_DIR	:= $(BUILD)/fuzz
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_CFLAGS	:= -std=gnu11 -g -O1 -Wall -Wextra -Werror -D_GNU_SOURCE \
		   -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -I$(LM)
FUZZ_OBJS	:= $(patsubst $(LM)/%.c,$(FUZZ_DIR)/obj/%.o,$(CORE_SRCS))

MAN_SRCS	:= $(filter-out %-options.txt,$(wildcard Documentation/nvme-lm-*.txt))
MAN_PAGES	:= $(patsubst Documentation/%.txt,$(BUILD)/man/%.1,$(MAN_SRCS))

SIM_DIR		:= $(BUILD)/sim
SIM_DAEMON	:= $(addprefix tests/sim/,lmsimd.c sim-server.c sim-ctl.c sim-fault.c sim-vm-move.c)
SIM_MODEL	:= $(addprefix tests/sim/,sim-config.c sim-images.c sim-admin.c sim-lm.c sim-sysfs.c \
		   sim-guest.c sim-nbd.c)
SIM_SRCS	:= $(SIM_DAEMON) $(SIM_MODEL)
SIM_HDRS	:= $(wildcard tests/sim/*.h)
SIM_CFLAGS	:= -std=gnu11 -g -O2 -Wall -Wextra -Werror -D_GNU_SOURCE

$(BUILD)/bench/sim-admin: bench/sim-admin.c $(SIM_MODEL) $(SIM_HDRS) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -o $@ $< $(SIM_MODEL)

bench: nvme sim $(BUILD)/bench/sim-admin
	bench/sim-admin.sh
	bench/guest-io.sh
	bench/migrate.sh
	bench/nbd-copy.sh
	bench/xhost-migrate.sh

doc: $(MAN_PAGES)

$(BUILD)/man/%.1: Documentation/%.txt $(wildcard Documentation/*-options.txt) | deps-doc
	@mkdir -p $(dir $@)
	asciidoctor -b manpage -d manpage -o $@ $<

demo:
	@scripts/install-deps demo
	@$(MAKE) -s nvme sim
	@scripts/lm-demo

.PHONY: all deps deps-build deps-doc nvme sim doc demo bench check check-unit check-lint tools install clean distclean \
	fuzz fuzz-build

all: nvme sim

SIM_TOOLS	:= cdq-owner sock-fuzz

sim: $(SIM_DIR)/lmsimd $(SIM_DIR)/lmsim-preload.so $(addprefix $(SIM_DIR)/,$(SIM_TOOLS))

$(SIM_DIR)/%: tests/sim/tools/%.c $(SIM_HDRS) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -o $@ $<

$(SIM_DIR)/lmsimd: $(SIM_SRCS) $(SIM_HDRS) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -o $@ $(SIM_SRCS)

$(SIM_DIR)/lmsim-preload.so: tests/sim/lmsim-preload.c $(SIM_HDRS) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(SIM_CFLAGS) -fPIC -shared -o $@ $< -ldl -lpthread

deps:
	@scripts/install-deps check

deps-build:
	@scripts/install-deps build

deps-doc:
	@scripts/install-deps doc

nvme:
	@scripts/build-nvme

$(UNIT_DIR)/%: tests/unit/%.c $(CORE_SRCS) $(wildcard $(LM)/*.h) tests/lib/state-build.c tests/unit/unit.h | $(UNIT_DIR) deps-build
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) tests/lib/state-build.c $(UNIT_LDLIBS)

$(UNIT_DIR)/tools/%: tests/tools/%.c $(CORE_SRCS) $(wildcard $(LM)/*.h) tests/lib/state-build.c | $(UNIT_DIR) deps-build
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) tests/lib/state-build.c $(UNIT_LDLIBS)

$(UNIT_DIR):
	@mkdir -p $@

tools: $(addprefix $(UNIT_DIR)/tools/,$(TOOLS))

$(FUZZ_DIR)/obj/%.o: $(LM)/%.c $(wildcard $(LM)/*.h) | deps-build
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(UNIT_LDLIBS)

fuzz-build: $(addprefix $(FUZZ_DIR)/fuzz-,$(FUZZ_TARGETS))

fuzz: deps
	@$(MAKE) -s fuzz-build sim
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_TARGETS) sim-sock

check-unit: $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS))
	@tests/run-unit $^

check-lint: nvme
	@tests/lint

check: deps nvme sim doc check-unit check-lint tools fuzz-build
	@tests/check

install: nvme doc
	@NVME_LM_OVERWRITE=$(NVME_LM_OVERWRITE) scripts/install-nvme "$(BUILD)/nvme" "$(DESTDIR)" "$(PREFIX)"
	install -D -m 0644 -t "$(DESTDIR)$(PREFIX)/share/man/man1" $(MAN_PAGES)
	install -D -m 0644 completions/nvme-lm.bash "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/nvme"
	install -D -m 0644 completions/_nvme_lm "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_nvme_lm"

clean:
	rm -rf $(UNIT_DIR) $(BUILD)/meson $(BUILD)/nvme tests/results

distclean:
	rm -rf $(BUILD) tests/results
