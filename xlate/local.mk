# SPDX-License-Identifier: LGPL-2.1-only
# xlate/: qvm model -> Xen domain (libxlate.a), its emitters, and their tests.
noinst_LIBRARIES += xlate/libxlate.a
xlate_libxlate_a_SOURCES = \
	xlate/xlate.h \
	xlate/target.h xlate/target.c xlate/error.c \
	xlate/emit-json.c \
	xlate/plan.h xlate/plan.c xlate/mapping.def xlate/map-internal.h \
	xlate/map-guest.c xlate/map-cpu.c xlate/map-mem.c xlate/map-pass.c \
	xlate/map-vdev.c xlate/map-virtio.c xlate/map-shmem.c xlate/map-global.c xlate/map-arm.c xlate/map-doc.c
xlate_libxlate_a_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(LIBFDT_CFLAGS)

# Test configurations shared by the unit test and the xl round-trip driver.
XLATE_TEST_CASES = tests/xlate/emit-cases.h tests/xlate/emit-cases.c

check_PROGRAMS += tests/unit/test-emit
TESTS += tests/unit/test-emit
tests_unit_test_emit_SOURCES = tests/unit/test-emit.c $(XLATE_TEST_CASES)
tests_unit_test_emit_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emit_LDADD = xlate/libxlate.a $(XLCFG_LIBS) $(CMOCKA_LIBS)

# emit-dump CASE cfg|json: prints one test configuration as xl.cfg or libxl JSON.
check_PROGRAMS += tests/xlate/emit-dump
tests_xlate_emit_dump_SOURCES = tests/xlate/emit-dump.c $(XLATE_TEST_CASES)
tests_xlate_emit_dump_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS)
tests_xlate_emit_dump_LDADD = xlate/libxlate.a $(XLCFG_LIBS)

# The LD_PRELOAD shim for running Xen's xl -N without a hypervisor: tests only,
# never installed. Built by an explicit rule (automake has no check-only .so).
tests/tools/noxen-shim.so: $(srcdir)/tests/tools/noxen-shim.c
	@$(MKDIR_P) tests/tools
	$(AM_V_CC)$(CC) -shared -fPIC $(CPPFLAGS) $(XENCTRL_CFLAGS) $(XENSTORE_CFLAGS) \
		-o $@ $(srcdir)/tests/tools/noxen-shim.c
CLEANFILES += tests/tools/noxen-shim.so
EXTRA_DIST += tests/tools/noxen-shim.c tests/tools/json-norm tests/tools/xl-channels.sh

if HAVE_XL_BIN
TESTS += tests/xlate/xl-roundtrip.sh
endif
tests/xlate/xl-roundtrip.log: tests/tools/noxen-shim.so tests/xlate/emit-dump$(EXEEXT)
EXTRA_DIST += tests/xlate/xl-roundtrip.sh

# The translator (plan.c, map-*.c): users link conf/libqvmconf.a and $(LIBFDT_LIBS) too.
XLATE_LIBS = xlate/libxlate.a xlcfg/libxlcfg.a conf/libqvmconf.a $(XLUTIL_LIBS) $(XENLIGHT_LIBS) \
	$(LIBFDT_LIBS)

# xlate-dump [--arch A] [--caps C] [--pcpus N] cfg|json|report FILE: the golden driver.
check_PROGRAMS += tests/xlate/xlate-dump
tests_xlate_xlate_dump_SOURCES = tests/xlate/xlate-dump.c
tests_xlate_xlate_dump_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS)
tests_xlate_xlate_dump_LDADD = $(XLATE_LIBS)

XLATE_UNIT_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(CMOCKA_CFLAGS) $(LIBFDT_CFLAGS)
XLATE_UNIT_LDADD = $(XLATE_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-xlate-map
TESTS += tests/unit/test-xlate-map
tests_unit_test_xlate_map_SOURCES = tests/unit/test-xlate-map.c
tests_unit_test_xlate_map_CFLAGS = $(XLATE_UNIT_CFLAGS)
tests_unit_test_xlate_map_LDADD = $(XLATE_UNIT_LDADD)

# Goldens: qvmconf -> xl.cfg, JSON, report; the mapping page; xl's view of our xl.cfg.
TESTS += tests/xlate/golden.sh tests/xlate/mapping-doc.sh
tests/xlate/golden.log tests/xlate/mapping-doc.log: tests/xlate/xlate-dump$(EXEEXT)
EXTRA_DIST += tests/xlate/golden.sh tests/xlate/mapping-doc.sh docs/mapping.md
if HAVE_XL_BIN
TESTS += tests/xlate/golden-xl.sh
endif
tests/xlate/golden-xl.log: tests/tools/noxen-shim.so tests/xlate/xlate-dump$(EXEEXT)
EXTRA_DIST += tests/xlate/golden-xl.sh

# Reverse direction (xl.cfg or a libxl config -> qvmconf): xlcfg/ reads xl.cfg
# with libxlutil, xlcfg-parse.c refuses at the key's line what the reverse
# cannot write, reverse-rules.c inverts mapping.def row by row (reverse.def)
# into a conf model, reverse.c drives them and reports what is left over.
# Programs that call them also need $(XLUTIL_LIBS).
xlate_libxlate_a_SOURCES += xlate/reverse.h xlate/reverse.def xlate/reverse-internal.h \
	xlate/reverse.c xlate/reverse-rules.c \
	xlate/xlcfg-parse.c
xlate_libxlate_a_CFLAGS += $(XLUTIL_CFLAGS)
XLATE_REVERSE_LIBS = $(XLATE_LIBS) $(XLUTIL_LIBS)

check_PROGRAMS += tests/unit/test-reverse
TESTS += tests/unit/test-reverse
tests_unit_test_reverse_SOURCES = tests/unit/test-reverse.c tests/xlate/reverse-print.h
tests_unit_test_reverse_CFLAGS = $(XLATE_UNIT_CFLAGS) $(XLUTIL_CFLAGS)
tests_unit_test_reverse_LDADD = $(XLATE_REVERSE_LIBS) $(CMOCKA_LIBS)

# reverse-dump: xl.cfg -> qvmconf / libxl JSON, and qvmconf -> xl.cfg -> model
# comparison, for tests/reverse/run.sh.
check_PROGRAMS += tests/reverse/reverse-dump
tests_reverse_reverse_dump_SOURCES = tests/reverse/reverse-dump.c tests/xlate/reverse-print.h
tests_reverse_reverse_dump_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS)
tests_reverse_reverse_dump_LDADD = $(XLATE_REVERSE_LIBS)

if HAVE_XL_BIN
TESTS += tests/reverse/run.sh
endif
tests/reverse/run.log: tests/tools/noxen-shim.so tests/reverse/reverse-dump$(EXEEXT)
EXTRA_DIST += tests/reverse/run.sh tests/reverse/cfg tests/reverse/bad tests/reverse/qvm \
	tests/reverse/README.md

