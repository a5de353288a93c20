# SPDX-License-Identifier: LGPL-2.1-only
# libvirt/: a libxl domain config <-> libvirt domain XML (liblvxml.a), for libvirt's libxl
# driver. Beside xlcfg/: it uses conf/ (diagnostics) and xlcfg/ (libxl helpers, the keymap),
# libxl and libxml2; toolstack/ uses it (convert --to=libvirt, and XML read back).
noinst_LIBRARIES += libvirt/liblvxml.a
libvirt_liblvxml_a_SOURCES = \
	libvirt/libvirt.h libvirt/lvxml-internal.h libvirt/names.c \
	libvirt/write.c libvirt/read.c libvirt/compare.c
libvirt_liblvxml_a_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(LIBXML2_CFLAGS)

# Users link these (before xlcfg's and conf's libraries).
LVXML_LIBS = libvirt/liblvxml.a xlcfg/libxlcfg.a conf/libqvmconf.a $(LIBXML2_LIBS) \
	$(XENLIGHT_LIBS)

# The command reads and writes libvirt XML: its libraries gain this one. libqvmxl.a calls
# it, so it comes after libqvmxl.a, and xlcfg's and conf's again after it.
QX_TOOLSTACK_LIBS += $(LVXML_LIBS)

# Goldens: every translator golden as libvirt XML (tests/golden/libvirt), valid by libvirt's
# schema (virt-xml-validate) and stable through qvmconf; and the errors, by check name.
# docs/libvirt.md's element table is the reader's (mapping-dump prints it).
TESTS += tests/libvirt/golden.sh tests/libvirt/errors.sh tests/libvirt/mapping-doc.sh
tests/libvirt/golden.log tests/libvirt/errors.log: toolstack/qvm-xl$(EXEEXT)
tests/libvirt/mapping-doc.log: tests/libvirt/mapping-dump$(EXEEXT)
check_PROGRAMS += tests/libvirt/mapping-dump
tests_libvirt_mapping_dump_SOURCES = tests/libvirt/mapping-dump.c
tests_libvirt_mapping_dump_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS)
tests_libvirt_mapping_dump_LDADD = $(LVXML_LIBS)
EXTRA_DIST += tests/libvirt/golden.sh tests/libvirt/errors.sh tests/libvirt/mapping-doc.sh \
	tests/golden/libvirt docs/libvirt.md
