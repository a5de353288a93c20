# bench: build rules (see top-level Makefile.am)
# bench-parse is built only by `make bench` (and `make check`, so it keeps
# compiling); it prints figures and never fails on a missed target.
check_PROGRAMS += bench/bench-parse
bench_bench_parse_SOURCES = bench/bench-parse.c bench/gen.c bench/gen.h
bench_bench_parse_CFLAGS = $(AM_CFLAGS) $(XLUTIL_CFLAGS) $(XENLIGHT_CFLAGS)
bench_bench_parse_LDADD = conf/libqvmconf.a $(XLUTIL_LIBS) $(XENLIGHT_LIBS)
EXTRA_DIST += bench/README.md

bench: bench/bench-parse$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' bench/bench-parse$(EXEEXT)
.PHONY: bench
EXTRA_DIST += bench/bench-create.sh
