# sppkit — the only Makefile (GNU make, non-recursive).
#
#   make                 build build/spp (multi-call plugin) and build/spp-conf
#   make check           install missing test packages (scripts/deps), build, run every test
#   make check SAN=1     the same with ASan+UBSan (build-san/)
#   make check TESTS=... run a subset (paths as listed by `make list-tests`)
#   make check JOBS=N    build with N jobs and run N tests at once (default: the core count)
#   make demo            build, install into a scratch qmail home, replay sample sessions
#   make bench           start-up cost ratios against a static no-op C plugin
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS=...]   libFuzzer (clang, ASan+UBSan) on every *_fuzz target
#   make install DESTDIR=... PREFIX=... QMAILDIR=...
#   make patch QMAIL_SRC=DIR [SERIES=...]   apply our qmail-send/remote patches to a copy of DIR
#
# Note: in qmail itself `make check` verifies an installation; here it runs the tests.

PREFIX   ?= /usr/local
QMAILDIR ?= /var/qmail
PLUGINDIR ?= $(QMAILDIR)/plugins
MANDIR   ?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/sppkit
DESTDIR  ?=
SAN      ?= 0
QMAIL_SRC ?=
SPF_SUITE ?=
CXX      ?= g++
CC       ?= gcc
CXXFLAGS ?= -O2 -g
CFLAGS   ?= -O2 -g

-include config.mk
MAKEFLAGS += --no-builtin-rules

ifeq ($(FUZZ),1)
B         := build-fuzz
CXX       := clang++
CC        := clang
SAN_FLAGS := -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=undefined
STATIC    :=
else ifeq ($(SAN),1)
B         := build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
STATIC    :=
else
B         := build
SAN_FLAGS :=
# Fully static: a dynamic libstdc++ makes every plugin start 1.5-2.6x slower (DESIGN.md §3).
STATIC    := -static
endif

WARN      := -Wall -Wextra -Wshadow -Wcast-qual -Wformat=2 -Wmissing-declarations
ALL_CXXFLAGS := -std=c++20 $(WARN) -ffunction-sections -fdata-sections $(CXXFLAGS) $(SAN_FLAGS)
ALL_CPPFLAGS := -Ilib -Iplugins -Itools -MMD -MP \
  -DSPP_PLUGINDIR='"$(PLUGINDIR)"' -DSPP_QMAILDIR='"$(QMAILDIR)"'
GC_LDFLAGS := -Wl,--gc-sections
# The static spp is linked by lld with the functions every spp-* run executes
# laid out together (lib/startup.order, made by scripts/startup-order): in a
# VM a page fault costs ~30 us and the start-up code scattered over the 1.7 MB
# text took 11 more faults than the no-op plugin (README "Start-up budget").
# Without ld.lld (Debian package lld) the default linker is used; only slower.
ifeq ($(STATIC),-static)
ifneq ($(shell command -v ld.lld 2>/dev/null),)
SPP_LDFLAGS := -fuse-ld=lld -Wl,--symbol-ordering-file=lib/startup.order -Wl,--no-warn-symbol-ordering
endif
# OpenSSL's CPU probe (6 CPUIDs, each a VM exit) runs when spp-srs first
# hashes instead of at every start (lib/crypto_init.h).
SPP_LDFLAGS += -Wl,--wrap=OPENSSL_cpuid_setup -Wl,--undefined=OPENSSL_cpuid_setup
endif
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -lpthread)

# The plugin list is data: one folder under plugins/ per check (plus its line in
# plugins/registry.cpp). A check that links a library says so in its own
# plugins/<name>/check.mk (e.g. `spf_LDLIBS := -lspf2`).
PLUGINS := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard plugins/*/*.cpp)))))
-include $(wildcard plugins/*/check.mk)
HOOKS   := connect helo mail rcpt data auth
# libcrypto: the SRS codec in lib/srs (HMAC-SHA1, RAND_bytes); static libcrypto.a comes with libssl-dev.
SPP_LDLIBS := -lcares -lcdb -lcrypto $(foreach p,$(PLUGINS),$($(p)_LDLIBS))

# Sources: *_test.cpp are Check unit tests, *_main.cpp hold main().
LIB_SRCS    := $(filter-out %_test.cpp %_fuzz.cpp,$(wildcard lib/*.cpp))
PLUGIN_SRCS := $(filter-out %_test.cpp %_fuzz.cpp,$(foreach p,$(PLUGINS),$(wildcard plugins/$(p)/*.cpp))) plugins/registry.cpp
CONF_SRCS   := $(filter-out %_test.cpp %_main.cpp %_fuzz.cpp,$(wildcard tools/*.cpp))
SIM_SRCS    := $(filter-out %_test.cpp %_main.cpp %_fuzz.cpp,$(wildcard tools/sim/*.cpp))
TEST_SRCS   := $(wildcard lib/*_test.cpp) $(foreach p,$(PLUGINS),$(wildcard plugins/$(p)/*_test.cpp)) \
               $(wildcard tools/*_test.cpp tools/sim/*_test.cpp)

obj = $(patsubst %.cpp,$(B)/%.o,$(1))
LIBSPP   := $(B)/libspp.a
LIBPLUG  := $(B)/libplugins.a
LIBCONF  := $(B)/libsppconf.a
LIBSIM   := $(B)/libsppsim.a
SPP      := $(B)/spp
SPPCONF  := $(B)/spp-conf
UNIT_TESTS := $(patsubst %.cpp,$(B)/%,$(TEST_SRCS))
TEST_HELPERS := $(B)/tests/probe $(B)/tests/noop-static $(B)/bench/spawn $(B)/tests/dnsdelay $(B)/tests/dnsq $(B)/tests/srsq

# Every test program `make check` runs (tests/run-tests: exit 0 pass, 77 skip, else fail).
# Fragments append their own to TESTS; `make check TESTS=...` on the command line runs a subset.
TESTS ?=
# The longest tests start first, so the parallel run does not end waiting on one.
SLOW_TESTS = tests/chkuser.test tests/conformance.test tests/new-check.test
ALL_TESTS = $(SLOW_TESTS) $(UNIT_TESTS) $(filter-out $(SLOW_TESTS),$(sort $(wildcard tests/*.test))) $(TESTS)
RUN_TESTS = $(if $(filter command line,$(origin TESTS)),$(TESTS),$(ALL_TESTS))

all: $(SPP) $(SPPCONF) links

.PHONY: all check check-build deps links demo bench install clean list-tests docs

$(B)/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(ALL_CPPFLAGS) $(ALL_CXXFLAGS) -c -o $@ $<

$(B)/%_test.o: %_test.cpp
	@mkdir -p $(@D)
	$(CXX) $(ALL_CPPFLAGS) -Itests $(ALL_CXXFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(LIBSPP): $(call obj,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

$(LIBPLUG): $(call obj,$(PLUGIN_SRCS))
	@rm -f $@
	ar rcs $@ $^

$(LIBCONF): $(call obj,$(CONF_SRCS))
	@rm -f $@
	ar rcs $@ $^

# The simulator behind `spp-conf test` (tools/sim/): spp-conf calls only cmd_test().
$(LIBSIM): $(call obj,$(SIM_SRCS))
	@rm -f $@
	ar rcs $@ $^

# libspp calls registry() in libplugins and the checks call libspp: link them as a group.
group = -Wl,--start-group $(filter %.a,$^) -Wl,--end-group

$(SPP): $(B)/plugins/spp_main.o $(LIBPLUG) $(LIBSPP) lib/startup.order
	$(CXX) $(ALL_CXXFLAGS) $(STATIC) $(GC_LDFLAGS) $(SPP_LDFLAGS) -o $@ $(filter %.o,$^) $(group) $(SPP_LDLIBS)

$(SPPCONF): $(B)/tools/spp_conf_main.o $(LIBSIM) $(LIBCONF) $(LIBPLUG) $(LIBSPP)
	$(CXX) $(ALL_CXXFLAGS) $(GC_LDFLAGS) -o $@ $(filter %.o,$^) $(group) $(SPP_LDLIBS)

# Queue-stage programs (queue/<name>/): dynamically linked, because what they
# link is (libclamav is a shared library and must not go into spp). Each is one
# folder of .cpp files (*_test.cpp and *_fuzz.cpp excluded) with an optional
# queue/<name>/program.mk for its libraries (`<name>_LDLIBS := -lclamav`).
# They link libspp; they are built by `make`, tested like the rest and
# installed into $(QMAILDIR)/bin.
QUEUE_PROGRAMS := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard queue/*/*.cpp)))))
-include $(wildcard queue/*/program.mk)
TEST_SRCS += $(foreach p,$(QUEUE_PROGRAMS),$(wildcard queue/$(p)/*_test.cpp))
# Its unit tests and fuzz targets link every object but main.cpp (lib.a).
define dynamic_program
$(B)/$(1): $(call obj,$(filter-out %_test.cpp %_fuzz.cpp,$(wildcard queue/$(1)/*.cpp))) $(LIBSPP)
	$$(CXX) $$(ALL_CXXFLAGS) $$(GC_LDFLAGS) -o $$@ $$(filter %.o,$$^) $$(LIBSPP) $$($(1)_LDLIBS)
all: $(B)/$(1)
$(B)/queue/$(1)/lib.a: $(call obj,$(filter-out %_test.cpp %_fuzz.cpp %/main.cpp,$(wildcard queue/$(1)/*.cpp)))
	@rm -f $$@
	ar rcs $$@ $$^
$(B)/queue/$(1)/%_test: $(B)/queue/$(1)/%_test.o $(B)/queue/$(1)/lib.a $(LIBSPP)
	$$(CXX) $$(ALL_CXXFLAGS) -o $$@ $$(filter %.o,$$^) $(B)/queue/$(1)/lib.a $(LIBSPP) $$($(1)_LDLIBS) $$(CHECK_LIBS)
ifneq ($(FUZZ),1)
$(B)/queue/$(1)/%_fuzz: queue/$(1)/%_fuzz.cpp tests/fuzz_main.c $(B)/queue/$(1)/lib.a $(LIBSPP)
	@mkdir -p $$(@D)
	$$(call fuzz_driver,$$<)
	$$(CXX) $$(ALL_CPPFLAGS) -Itests $$(ALL_CXXFLAGS) -o $$@ $$< $$@-main.o $(B)/queue/$(1)/lib.a $(LIBSPP) $$($(1)_LDLIBS)
else
$(B)/queue/$(1)/%_fuzz: queue/$(1)/%_fuzz.cpp $(B)/queue/$(1)/lib.a $(LIBSPP)
	@mkdir -p $$(@D)
	$$(CXX) $$(ALL_CPPFLAGS) -Itests $$(ALL_CXXFLAGS) -fsanitize=fuzzer -o $$@ $$< $(B)/queue/$(1)/lib.a $(LIBSPP) $$($(1)_LDLIBS)
endif
endef
$(foreach p,$(QUEUE_PROGRAMS),$(eval $(call dynamic_program,$(p))))
UNIT_TESTS += $(patsubst %.cpp,$(B)/%,$(foreach p,$(QUEUE_PROGRAMS),$(wildcard queue/$(p)/*_test.cpp)))

# Hard links named after each check and hook, as they are installed.
links: $(SPP) $(SPPCONF)
	@mkdir -p $(B)/bin
	@for n in $(PLUGINS) $(HOOKS); do ln -f $(SPP) $(B)/bin/spp-$$n; done
	@ln -f $(SPP) $(B)/bin/spp; ln -f $(SPPCONF) $(B)/bin/spp-conf

$(B)/%_test: $(B)/%_test.o $(LIBSIM) $(LIBCONF) $(LIBPLUG) $(LIBSPP)
	$(CXX) $(ALL_CXXFLAGS) -o $@ $(filter %.o,$^) $(group) $(SPP_LDLIBS) $(CHECK_LIBS)

# Small C programs used by tests and benchmarks.
$(B)/tests/%: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wall -o $@ $<
$(B)/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wall -o $@ $<
$(B)/tests/noop-static: tests/noop.c
	@mkdir -p $(@D)
	$(CC) -O2 -static -o $@ $<
# dnsq drives the real resolver (lib/dns) from shell tests.
$(B)/tests/dnsq: $(B)/tests/dnsq.o $(LIBSPP)
	$(CXX) $(ALL_CXXFLAGS) -o $@ $^ -lcares
# srsq drives the SRS codec (lib/srs) from shell tests (tests/srs-compat.test).
$(B)/tests/srsq: $(B)/tests/srsq.o $(LIBSPP)
	$(CXX) $(ALL_CXXFLAGS) -o $@ $^ -lcrypto

# bench/srs-hmac: the same spp with lib/srs's HMAC on OpenSSL's HMAC(EVP_sha1())
# instead of SHA1_* (what DESIGN.md names), to measure its size and run time.
$(B)/bench/srs_evp.o: lib/srs.cpp
	@mkdir -p $(@D)
	$(CXX) $(ALL_CPPFLAGS) $(ALL_CXXFLAGS) -DSPP_SRS_EVP_HMAC -c -o $@ $<
$(B)/bench/spp-evp-hmac: $(B)/plugins/spp_main.o $(B)/bench/srs_evp.o $(LIBPLUG) $(LIBSPP) lib/startup.order
	$(CXX) $(ALL_CXXFLAGS) $(STATIC) $(GC_LDFLAGS) $(SPP_LDFLAGS) -o $@ $(filter %.o,$^) $(group) $(SPP_LDLIBS)

deps:
	@scripts/deps check

# The README's and spp(8)'s check tables come from the registry (tests/docs.test checks them).
docs: $(SPP)
	scripts/gen-docs $(SPP)

check-build: all $(UNIT_TESTS) $(TEST_HELPERS)

# `make check` alone builds in parallel too (a -j given to make wins); tests
# hold while others run, so JOBS of them run at once.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check_jobs = $(if $(findstring j,$(firstword -$(MAKEFLAGS)))$(findstring jobserver,$(MAKEFLAGS)),,-j$(JOBS))
check: deps
	@$(MAKE) --no-print-directory $(check_jobs) check-build
	@B=$(B) SRCDIR=$(CURDIR) QMAIL_SRC=$(QMAIL_SRC) SPF_SUITE=$(SPF_SUITE) TEST_JOBS=$(JOBS) tests/run-tests $(RUN_TESTS)

list-tests:
	@printf '%s\n' $(RUN_TESTS)

demo:
	@scripts/deps build
	@$(MAKE) --no-print-directory all
	@B=$(B) tests/demo.sh

bench:
	@scripts/deps bench
	@$(MAKE) --no-print-directory all $(TEST_HELPERS) $(B)/bench/spp-evp-hmac
	@B=$(B) bench/run

install: all
	install -d $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(QMAILDIR)/bin $(DESTDIR)$(MANDIR)/man8 \
	  $(DESTDIR)$(SHAREDIR)/control-samples
	install -m 755 $(SPP) $(DESTDIR)$(PLUGINDIR)/spp
	for n in $(PLUGINS) $(HOOKS); do ln -f $(DESTDIR)$(PLUGINDIR)/spp $(DESTDIR)$(PLUGINDIR)/spp-$$n; done
	install -m 755 $(SPPCONF) $(DESTDIR)$(QMAILDIR)/bin/spp-conf
	install -m 755 tools/srs-forward tools/srs-reverse $(DESTDIR)$(QMAILDIR)/bin/
	$(if $(QUEUE_PROGRAMS),install -m 755 $(addprefix $(B)/,$(QUEUE_PROGRAMS)) $(DESTDIR)$(QMAILDIR)/bin/)
	install -m 644 $(wildcard man/*.8) $(foreach p,$(PLUGINS),$(wildcard plugins/$(p)/*.8)) \
	  $(foreach p,$(QUEUE_PROGRAMS),$(wildcard queue/$(p)/*.8)) $(DESTDIR)$(MANDIR)/man8/
	install -m 644 $(wildcard control-samples/*) $(DESTDIR)$(SHAREDIR)/control-samples/
	# A check's samples keep their place under control/ (srs/srs_domain is control/srs/srs_domain).
	for d in $(addprefix plugins/,$(PLUGINS)) $(addprefix queue/,$(QUEUE_PROGRAMS)); do [ -d $$d/samples ] || continue; \
	  (cd $$d/samples && find . -type f | sed 's|^\./||') | while read -r f; do \
	    install -D -m 644 $$d/samples/$$f $(DESTDIR)$(SHAREDIR)/control-samples/$$f || exit 1; done; done

clean:
	rm -rf build build-san

# --- qmail-send / qmail-remote patch series (patches/README.md) ---------------
#   make patch QMAIL_SRC=DIR [SERIES=notqmail-1.09|netqmail-1.06] [PATCHED=OUT]
#       copy DIR to OUT (default $(B)/qmail-patched/<name of DIR>), apply the
#       series (detected from DIR when SERIES is unset) and build it there.
#       DIR is never modified; a patch that does not apply cleanly (no fuzz,
#       no offset) stops it with a message.
#   make patches-check [QMAIL_SRC=DIR]   only the tests of the patches
PATCHES_CFLAGS = -std=c99 -D_DEFAULT_SOURCE -Wall -Wextra -Wshadow -O1 -g
PATCHES_SRCS = $(wildcard patches/src/*.c patches/src/*.h)
PATCHES_TESTS = $(B)/patches/bounce_test tests/patches/series.sh tests/patches/sandbox.sh
PATCHED ?= $(B)/qmail-patched/$(notdir $(patsubst %/,%,$(QMAIL_SRC)))

TESTS += $(PATCHES_TESTS)

$(B)/patches/bounce_test: tests/patches/bounce_test.c $(PATCHES_SRCS)
	@mkdir -p $(@D)
	$(CC) $(PATCHES_CFLAGS) $(SAN_FLAGS) $(CHECK_CFLAGS) -Ipatches/src \
	  -o $@ tests/patches/bounce_test.c $(SAN_FLAGS) $(CHECK_LIBS)

.PHONY: patch patches-check
patch:
	@if [ -z "$(QMAIL_SRC)" ]; then \
	  echo "make patch: set QMAIL_SRC to a notqmail 1.09 or netqmail 1.06 tree, e.g. make patch QMAIL_SRC=/usr/src/notqmail-1.09" >&2; \
	  exit 1; fi
	patches/apply-series "$(QMAIL_SRC)" "$(PATCHED)" $(SERIES)
	cd "$(PATCHED)" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) it || { \
	  echo "make patch: the patched tree in $(PATCHED) did not build (netqmail needs the users of conf-users to exist)" >&2; exit 1; }
	@echo "make patch: patched and built qmail is in $(PATCHED)"

patches-check: $(B)/patches/bounce_test
	@B=$(B) SRCDIR=$(CURDIR) QMAIL_SRC=$(QMAIL_SRC) tests/run-tests $(PATCHES_TESTS)

# --- fuzz targets -------------------------------------------------------------
# Every parser of hostile bytes has a libFuzzer target X_fuzz.cpp (or .c in
# patches/src) beside its code, with seeds in corpus/X_fuzz/ in the same folder.
# `make check` replays each corpus once through tests/fuzz_main.c (no clang
# needed); `make fuzz` builds real libFuzzer binaries with clang in build-fuzz/
# and runs each for FUZZ_SECONDS, new inputs going to build-fuzz/corpus/.
FUZZ_SRCS := $(sort $(shell find lib plugins tools queue patches/src -name '*_fuzz.cpp' -o -name '*_fuzz.c' 2>/dev/null))
FUZZ_NAMES = $(basename $(FUZZ_SRCS))
FUZZ_REGRESSION := $(addprefix $(B)/,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)
corpus_of = $(dir $(1))corpus/$(notdir $(basename $(1)))
PATCHES_LIB_SRCS = $(filter-out %_fuzz.c,$(wildcard patches/src/*.c))

TESTS += $(FUZZ_REGRESSION)

ifneq ($(FUZZ),1)
# Regression binaries: the target + the corpus driver, with the corpus path built in.
fuzz_driver = $(CC) $(CFLAGS) $(SAN_FLAGS) -Wall -DFUZZ_CORPUS='"$(CURDIR)/$(call corpus_of,$(1))"' \
  -c -o $@-main.o tests/fuzz_main.c
$(B)/%_fuzz: %_fuzz.cpp tests/fuzz_main.c $(LIBSIM) $(LIBCONF) $(LIBPLUG) $(LIBSPP)
	@mkdir -p $(@D)
	$(call fuzz_driver,$<)
	$(CXX) $(ALL_CPPFLAGS) -Itests $(ALL_CXXFLAGS) -o $@ $< $@-main.o $(group) $(SPP_LDLIBS)
$(B)/patches/src/%_fuzz: patches/src/%_fuzz.c tests/fuzz_main.c $(PATCHES_SRCS)
	@mkdir -p $(@D)
	$(call fuzz_driver,$<)
	$(CC) $(PATCHES_CFLAGS) $(SAN_FLAGS) -Ipatches/src -o $@ $< $@-main.o $(PATCHES_LIB_SRCS)
else
$(B)/%_fuzz: %_fuzz.cpp $(LIBSIM) $(LIBCONF) $(LIBPLUG) $(LIBSPP)
	@mkdir -p $(@D)
	$(CXX) $(ALL_CPPFLAGS) -Itests $(ALL_CXXFLAGS) -fsanitize=fuzzer -o $@ $< $(group) $(SPP_LDLIBS)
$(B)/patches/src/%_fuzz: patches/src/%_fuzz.c $(PATCHES_SRCS)
	@mkdir -p $(@D)
	$(CC) $(PATCHES_CFLAGS) $(SAN_FLAGS) -fsanitize=fuzzer -Ipatches/src -o $@ $< $(PATCHES_LIB_SRCS)
endif

.PHONY: fuzz fuzz-build fuzz-run $(FUZZ_RUNS)
fuzz:
	@scripts/deps fuzz
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-run

fuzz-build: $(addprefix $(B)/,$(FUZZ_TARGETS))

# Each target a make goal, so `make fuzz -j2` runs two at once; each prints
# libFuzzer's executed-units count. A crash stops with the input's path.
FUZZ_RUNS := $(addprefix fuzz-run/,$(FUZZ_TARGETS))
fuzz-run: $(FUZZ_RUNS)
$(FUZZ_RUNS): fuzz-run/%: $(B)/%
	@t=$*; name=$$(basename $$t); seeds=$$(dirname $$t)/corpus/$$name; out=$(B)/corpus/$$name; \
	mkdir -p $$out; \
	if $(B)/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=$(B)/$$name- $$out $$seeds > $(B)/$$name.log 2>&1; then \
	  echo "fuzz: $$t: $$(grep -m1 '^stat::number_of_executed_units' $(B)/$$name.log | tr -s ' ' | cut -d' ' -f2) runs in $(FUZZ_SECONDS) s, no failure"; \
	else tail -n 40 $(B)/$$name.log; echo "fuzz: $$t FAILED (log $(B)/$$name.log)"; exit 1; fi

# Test programs other sections added to TESTS (prerequisites expand when read: keep this last).
check-build: $(filter $(B)/%,$(TESTS))

-include $(shell find $(B) -name '*.d' 2>/dev/null)

.DELETE_ON_ERROR:
.SECONDARY:
