# SPDX-License-Identifier: LGPL-2.1-only
# xlcfg/: a libxl domain config <-> xl.cfg text (libxlcfg.a), driven by one keys
# table (xlcfg/keys.def). Below xlate/: it uses only conf/ (diagnostics),
# libxl and libxlutil. libxl-util.c holds the helpers that build libxl
# values, which xlate/ uses too.
noinst_LIBRARIES += xlcfg/libxlcfg.a
xlcfg_libxlcfg_a_SOURCES = \
	xlcfg/xlcfg.h xlcfg/keys.def xlcfg/keys-internal.h xlcfg/keys.c \
	xlcfg/write.c xlcfg/read.c xlcfg/lossy.c xlcfg/residual.c \
	xlcfg/libxl-util.h xlcfg/libxl-util.c
xlcfg_libxlcfg_a_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS)

# Users link xlcfg/libxlcfg.a conf/libqvmconf.a and these.
XLCFG_LIBS = xlcfg/libxlcfg.a conf/libqvmconf.a $(XLUTIL_LIBS) $(XENLIGHT_LIBS)
