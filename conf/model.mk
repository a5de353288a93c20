# SPDX-License-Identifier: LGPL-2.1-only
# conf/model.mk: schema, parser, model, validator and canonical writer of
# libqvmconf, and their unit tests.
conf_libqvmconf_a_SOURCES += \
	conf/qvmconf.h conf/schema.def conf/schema.h conf/schema.c \
	conf/parse.h conf/parse.c conf/parse-arg.c \
	conf/model.c conf/build.h conf/build.c conf/write.c \
	conf/check.h conf/check.c conf/check-order.c conf/check-vdev.c \
	conf/check-mem.c conf/check-cpu.c

MODEL_TESTS = tests/unit/test-parse tests/unit/test-check tests/unit/test-write
check_PROGRAMS += $(MODEL_TESTS)
TESTS += $(MODEL_TESTS)

tests_unit_test_parse_SOURCES = tests/unit/test-parse.c tests/unit/model-test.h
tests_unit_test_parse_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_parse_LDADD = conf/libqvmconf.a $(CMOCKA_LIBS)
tests_unit_test_check_SOURCES = tests/unit/test-check.c tests/unit/model-test.h
tests_unit_test_check_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_check_LDADD = conf/libqvmconf.a $(CMOCKA_LIBS)
tests_unit_test_write_SOURCES = tests/unit/test-write.c tests/unit/model-test.h
tests_unit_test_write_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_write_LDADD = conf/libqvmconf.a $(CMOCKA_LIBS)
