# SPDX-License-Identifier: LGPL-2.1-only
# tests/: the golden corpus of the qvmconf language (tests/conf). The three
# scripts run qvm-xl check on every good and bad configuration; the round
# trip also runs tests/conf/roundtrip, which compares models in the library.
check_PROGRAMS += tests/conf/roundtrip
tests_conf_roundtrip_SOURCES = tests/conf/roundtrip.c
tests_conf_roundtrip_LDADD = conf/libqvmconf.a

CONF_CORPUS_TESTS = tests/conf/run-good.sh tests/conf/run-bad.sh tests/conf/run-roundtrip.sh \
	tests/conf/run-real.sh
TESTS += $(CONF_CORPUS_TESTS)
EXTRA_DIST += $(CONF_CORPUS_TESTS) tests/conf/README.md tests/conf/good tests/conf/bad \
	tests/conf/inc tests/conf/real

# tests/cli: the qvm-xl command line, table-driven (exit status, stdout and
# stderr of each command line; bash completion; the backend's man page).
TESTS += tests/cli/run.sh
EXTRA_DIST += tests/cli/run.sh

# Every golden folder (tests/golden/emit, xlate, ...) ships as one.
EXTRA_DIST += tests/golden

# The source's own rules: includes path-qualified and downward only (layering),
# a licence line in every source file, the e2e stand-in guests building freestanding.
TESTS += tests/tools/check-layering.sh tests/tools/check-spdx.sh tests/tools/check-standins.sh
EXTRA_DIST += tests/tools/check-layering.sh tests/tools/check-spdx.sh tests/tools/check-standins.sh \
	tests/tools/snapshot.sh LICENSE
