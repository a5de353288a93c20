# SPDX-License-Identifier: LGPL-2.1-only
# bench: build rules (see top-level Makefile.am)
# bench-parse is built only by `make bench` (and `make check`, so it keeps
# compiling); it prints figures and never fails on a missed target.
check_PROGRAMS += bench/bench-parse
bench_bench_parse_SOURCES = bench/bench-parse.c bench/gen.c bench/gen.h
bench_bench_parse_CFLAGS = $(AM_CFLAGS) $(XLUTIL_CFLAGS) $(XENLIGHT_CFLAGS) $(LIBFDT_CFLAGS)
bench_bench_parse_LDADD = $(XLATE_LIBS) $(XLUTIL_LIBS)
EXTRA_DIST += bench/README.md

bench: bench/bench-parse$(EXEEXT) toolstack/qvm-xl$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' bench/bench-parse$(EXEEXT)
	top_builddir='$(abs_top_builddir)' $(SHELL) $(abs_top_srcdir)/bench/bench-hostile.sh
.PHONY: bench
EXTRA_DIST += bench/bench-hostile.sh
EXTRA_DIST += bench/bench-create.sh

# Create latency of qvm-xl against xl on real Xen (one rig boot, about 2 minutes).
BENCH_CREATE_N = 3
bench-create: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' $(abs_top_srcdir)/bench/bench-create.sh $(BENCH_CREATE_N)
.PHONY: bench-create

# The backend's memory and port-access cost on real Xen (an e2e case; about 3 minutes).
EXTRA_DIST += bench/bench-backend.sh
bench-backend: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' $(abs_top_srcdir)/bench/bench-backend.sh
.PHONY: bench-backend

# qvm-xl-backend's virtio-blk and virtio-net against blkback and netback on the ARM rig with
# ioreq servers (the e2e case io-90-bench-virtio; one boot, about 5 minutes).
EXTRA_DIST += bench/bench-virtio-arm.sh
bench-virtio-arm: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' $(abs_top_srcdir)/bench/bench-virtio-arm.sh
.PHONY: bench-virtio-arm

# vdev shmem between two guests on both rigs (the e2e cases io-60-shmem and 62-shmem; two
# boots, about 8 minutes): notification round trip, copy through the region against RAM.
EXTRA_DIST += bench/bench-shmem.sh
bench-shmem: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' $(abs_top_srcdir)/bench/bench-shmem.sh
.PHONY: bench-shmem
