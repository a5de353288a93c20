# SPDX-License-Identifier: LGPL-2.1-only
# conf/lex.mk: the lexical layer of libqvmconf (sources, @file includes,
# words, $-substitution, numbers, diagnostics) and its unit tests.
conf_libqvmconf_a_SOURCES += \
	conf/diag.c conf/diag.h \
	conf/source.c conf/source.h \
	conf/lex.c conf/lex-internal.h \
	conf/subst.c \
	conf/num.c conf/num.h

LEX_TESTS = tests/unit/test-num tests/unit/test-lex tests/unit/test-diag
check_PROGRAMS += $(LEX_TESTS)
TESTS += $(LEX_TESTS)

tests_unit_test_num_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_num_LDADD = conf/libqvmconf.a $(CMOCKA_LIBS)
tests_unit_test_lex_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_lex_LDADD = conf/libqvmconf.a $(CMOCKA_LIBS)
tests_unit_test_diag_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_diag_LDADD = conf/libqvmconf.a $(CMOCKA_LIBS)

EXTRA_DIST += docs/lexical-rules.md
