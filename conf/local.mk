# SPDX-License-Identifier: LGPL-2.1-only
# conf/: the qvmconf language library (libqvmconf.a). Two fragments feed it:
# conf/lex.mk (sources, words, substitution, numbers, diagnostics) and
# conf/model.mk (schema, parser, model, validator, writer).
noinst_LIBRARIES += conf/libqvmconf.a
conf_libqvmconf_a_SOURCES =
include conf/lex.mk
include conf/model.mk
# "Did you mean": the closest known name, for the parser and qvm-xl's command line.
conf_libqvmconf_a_SOURCES += conf/suggest.c conf/suggest.h
conf_libqvmconf_a_SOURCES += conf/doc.c conf/doc.h
# The one check registry (read by conf/diag.h, conf/check.c, toolstack/checks.c, docs).
conf_libqvmconf_a_SOURCES += conf/checks.def
