# patches/patches.mk -- the qmail-send/qmail-remote patch series (issue 4).
# Included by the top-level Makefile, which provides B, CC, SAN_FLAGS,
# CHECK_CFLAGS, CHECK_LIBS and QMAIL_SRC.
#
#   make patch QMAIL_SRC=DIR [SERIES=notqmail-1.09|netqmail-1.06] [PATCHED=OUT]
#       copy DIR to OUT (default $(B)/qmail-patched/<name of DIR>), apply the
#       series (detected from DIR when SERIES is unset) and build it there.
#       DIR is never modified; a patch that does not apply cleanly (no
#       fuzz, no offset) stops it with a message.
#   make patches-check [QMAIL_SRC=DIR]
#       run only the tests of this part.

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
	@pass=0; fail=0; skip=0; \
	for t in $(PATCHES_TESTS); do \
	  B="$(B)" SRCDIR="$(CURDIR)" QMAIL_SRC="$(QMAIL_SRC)" ./$$t; rc=$$?; \
	  case $$rc in 0) pass=$$((pass+1));; 77) skip=$$((skip+1));; \
	    *) fail=$$((fail+1)); echo "FAIL: $$t (exit $$rc)";; esac; \
	done; \
	echo "patches: $$pass passed, $$fail failed, $$skip skipped"; [ $$fail -eq 0 ]
