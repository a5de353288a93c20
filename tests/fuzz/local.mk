# SPDX-License-Identifier: LGPL-2.1-only
# tests/fuzz: libFuzzer targets (configure --enable-fuzz with CC=clang)
#
# The target also translates every valid model (xlate/) and emits it.
# replay-conf runs the fuzz target once per seed with any compiler, as a
# plain test, so the round-trip property is checked by every `make check`.
# fuzz-conf is the libFuzzer build of the same target; `make fuzz-run` runs
# it for $(FUZZ_SECONDS) on a scratch copy of the seeds.
check_PROGRAMS += tests/fuzz/replay-conf
TESTS += tests/fuzz/replay-conf
tests_fuzz_replay_conf_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-conf.c
tests_fuzz_replay_conf_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS)
tests_fuzz_replay_conf_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_NAME='"replay-conf"' \
	-DREPLAY_DIRS='{"tests/fuzz/corpus-conf", ".qvmconf"}, {"tests/conf/good", ".qvmconf"}, \
	{"tests/conf/bad", ".qvmconf"}, {"tests/conf/real", ".qvmconf"}'
tests_fuzz_replay_conf_LDADD = $(XLATE_LIBS) $(XLUTIL_LIBS)

EXTRA_DIST += tests/fuzz/corpus-conf tests/fuzz/qvmconf.dict tests/fuzz/run-fuzzer

FUZZ_SECONDS = 60
# Every fuzz-run-NAME target is one call of this (tests/fuzz/run-fuzzer says how).
FUZZ_RUN = FUZZ_SECONDS=$(FUZZ_SECONDS) $(SHELL) $(srcdir)/tests/fuzz/run-fuzzer
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-conf
# The library is compiled again with the fuzzer's instrumentation, so
# coverage guidance and the sanitizers see inside it.
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz-conf.c $(conf_libqvmconf_a_SOURCES) \
	$(xlate_libxlate_a_SOURCES) $(xlcfg_libxlcfg_a_SOURCES)
tests_fuzz_fuzz_conf_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g \
	$(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS) $(LIBFDT_CFLAGS)
tests_fuzz_fuzz_conf_LDFLAGS = $(FUZZ_SAN)
tests_fuzz_fuzz_conf_LDADD = $(XENLIGHT_LIBS) $(XLUTIL_LIBS) $(LIBFDT_LIBS)

# The committed seeds are never written: libFuzzer adds to a scratch copy.
# Its exit code (non-zero on a crash, leak or failed round trip) is ours.
fuzz-run: tests/fuzz/fuzz-conf$(EXEEXT)
	$(FUZZ_RUN) conf 4096 -dict=$(srcdir)/tests/fuzz/qvmconf.dict -- \
	  $(srcdir)/tests/fuzz/corpus-conf/*.qvmconf $(srcdir)/tests/conf/good/*.qvmconf \
	  $(srcdir)/tests/conf/real/*.qvmconf
else
fuzz-run:
	@echo "fuzz-run: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run

# fuzz-xlcfg: the reverse direction (convert --to=qvmconf): xl.cfg -> qvmconf ->
# `qvm-xl check` -> libxl keeps the meaning of what it accepts, and refuses the
# rest with a located error. replay-xlcfg runs the target once per seed
# (tests/fuzz/corpus-xlcfg, tests/reverse/cfg and bad) in every `make check`;
# `make fuzz-run-xlcfg` runs the libFuzzer build for $(FUZZ_SECONDS) on a
# scratch copy of the seeds.
check_PROGRAMS += tests/fuzz/replay-xlcfg
TESTS += tests/fuzz/replay-xlcfg
tests_fuzz_replay_xlcfg_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-xlcfg.c tests/xlate/reverse-print.h
tests_fuzz_replay_xlcfg_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_NAME='"replay-xlcfg"' \
	-DREPLAY_DIRS='{"tests/fuzz/corpus-xlcfg", ""}, {"tests/reverse/cfg", ".cfg"}, \
	{"tests/reverse/bad", ".cfg"}'
tests_fuzz_replay_xlcfg_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS)
tests_fuzz_replay_xlcfg_LDADD = $(XLATE_LIBS) $(XLUTIL_LIBS)

EXTRA_DIST += tests/fuzz/corpus-xlcfg

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-xlcfg
tests_fuzz_fuzz_xlcfg_SOURCES = tests/fuzz/fuzz-xlcfg.c tests/xlate/reverse-print.h $(conf_libqvmconf_a_SOURCES) \
	$(xlate_libxlate_a_SOURCES) $(xlcfg_libxlcfg_a_SOURCES)
tests_fuzz_fuzz_xlcfg_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g \
	$(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS) $(LIBFDT_CFLAGS)
tests_fuzz_fuzz_xlcfg_LDFLAGS = $(FUZZ_SAN)
tests_fuzz_fuzz_xlcfg_LDADD = $(XENLIGHT_LIBS) $(XLUTIL_LIBS) $(LIBFDT_LIBS)

# As fuzz-run: the committed seeds are never written, the exit code is libFuzzer's.
fuzz-run-xlcfg: tests/fuzz/fuzz-xlcfg$(EXEEXT)
	$(FUZZ_RUN) xlcfg 4096 -- $(srcdir)/tests/fuzz/corpus-xlcfg
else
fuzz-run-xlcfg:
	@echo "fuzz-run-xlcfg: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run-xlcfg

# fuzz-libvirt: libvirt domain XML (convert --to=qvmconf FILE.xml): what the reader accepts,
# the writer expresses whole and reads back to the same libxl JSON; the rest is refused with
# a located libvirt-* error. replay-libvirt runs it once per seed (tests/fuzz/corpus-libvirt,
# tests/golden/libvirt) in every `make check`; `make fuzz-run-libvirt` runs the libFuzzer
# build for $(FUZZ_SECONDS) on a scratch copy of the seeds.
check_PROGRAMS += tests/fuzz/replay-libvirt
TESTS += tests/fuzz/replay-libvirt
tests_fuzz_replay_libvirt_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-libvirt.c
tests_fuzz_replay_libvirt_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_NAME='"replay-libvirt"' \
	-DREPLAY_DIRS='{"tests/fuzz/corpus-libvirt", ""}, {"tests/golden/libvirt", ".xml"}'
tests_fuzz_replay_libvirt_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS)
tests_fuzz_replay_libvirt_LDADD = $(LVXML_LIBS)

EXTRA_DIST += tests/fuzz/corpus-libvirt tests/fuzz/libvirt.dict

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-libvirt
tests_fuzz_fuzz_libvirt_SOURCES = tests/fuzz/fuzz-libvirt.c $(libvirt_liblvxml_a_SOURCES) \
	$(conf_libqvmconf_a_SOURCES) $(xlcfg_libxlcfg_a_SOURCES)
tests_fuzz_fuzz_libvirt_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g \
	$(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS) $(LIBXML2_CFLAGS)
tests_fuzz_fuzz_libvirt_LDFLAGS = $(FUZZ_SAN)
tests_fuzz_fuzz_libvirt_LDADD = $(XENLIGHT_LIBS) $(XLUTIL_LIBS) $(LIBXML2_LIBS)

# As fuzz-run: the committed seeds are never written, the exit code is libFuzzer's.
fuzz-run-libvirt: tests/fuzz/fuzz-libvirt$(EXEEXT)
	$(FUZZ_RUN) libvirt 8192 -dict=$(srcdir)/tests/fuzz/libvirt.dict -- \
	  $(srcdir)/tests/fuzz/corpus-libvirt $(srcdir)/tests/golden/libvirt/*.xml
else
fuzz-run-libvirt:
	@echo "fuzz-run-libvirt: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run-libvirt

# fuzz-virtio: a hostile guest driving virtio-console over virtio-mmio (register writes and
# reads anywhere, guest RAM pokes, crafted descriptors, notifications, host input): no crash,
# every guest-memory access inside RAM and one page, bounded work per notification, and a
# reset always recovers. replay-virtio runs it once per seed (tests/fuzz/corpus-virtio) in every
# `make check`; `make fuzz-run-virtio` runs the libFuzzer build for $(FUZZ_SECONDS).
check_PROGRAMS += tests/fuzz/replay-virtio
TESTS += tests/fuzz/replay-virtio
tests_fuzz_replay_virtio_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-virtio.c
tests_fuzz_replay_virtio_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_NAME='"replay-virtio"' \
	-DREPLAY_DIRS='{"tests/fuzz/corpus-virtio", ""}'
tests_fuzz_replay_virtio_LDADD = vdev-backends/libvdev.a

EXTRA_DIST += tests/fuzz/corpus-virtio

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-virtio
tests_fuzz_fuzz_virtio_SOURCES = tests/fuzz/fuzz-virtio.c $(vdev_backends_libvdev_a_SOURCES)
tests_fuzz_fuzz_virtio_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g
tests_fuzz_fuzz_virtio_LDFLAGS = $(FUZZ_SAN)

# As fuzz-run: the committed seeds are never written, the exit code is libFuzzer's.
fuzz-run-virtio: tests/fuzz/fuzz-virtio$(EXEEXT)
	$(FUZZ_RUN) virtio 2048 -- $(srcdir)/tests/fuzz/corpus-virtio
else
fuzz-run-virtio:
	@echo "fuzz-run-virtio: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run-virtio

# fuzz-virtio-blk: a hostile guest driving virtio-blk over virtio-mmio against two small temporary
# disks (read/write and read-only): no crash, every guest-memory access inside RAM and one page,
# bounded work per notification and per resumption, the disks never grow or shrink, the
# read-only one never changes, and a reset always recovers (a correct read works afterwards).
# replay-virtio-blk runs it once per seed (tests/fuzz/corpus-virtio-blk) in every `make check`;
# `make fuzz-run-virtio-blk` runs the libFuzzer build for $(FUZZ_SECONDS).
check_PROGRAMS += tests/fuzz/replay-virtio-blk
TESTS += tests/fuzz/replay-virtio-blk
tests_fuzz_replay_virtio_blk_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-virtio-blk.c
tests_fuzz_replay_virtio_blk_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_NAME='"replay-virtio-blk"' \
	-DREPLAY_DIRS='{"tests/fuzz/corpus-virtio-blk", ""}'
tests_fuzz_replay_virtio_blk_LDADD = vdev-backends/libvdev.a

EXTRA_DIST += tests/fuzz/corpus-virtio-blk

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-virtio-blk
tests_fuzz_fuzz_virtio_blk_SOURCES = tests/fuzz/fuzz-virtio-blk.c $(vdev_backends_libvdev_a_SOURCES)
tests_fuzz_fuzz_virtio_blk_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g
tests_fuzz_fuzz_virtio_blk_LDFLAGS = $(FUZZ_SAN)

# As fuzz-run: the committed seeds are never written, the exit code is libFuzzer's.
fuzz-run-virtio-blk: tests/fuzz/fuzz-virtio-blk$(EXEEXT)
	$(FUZZ_RUN) virtio-blk 2048 -- $(srcdir)/tests/fuzz/corpus-virtio-blk
else
fuzz-run-virtio-blk:
	@echo "fuzz-run-virtio-blk: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run-virtio-blk

# fuzz-virtio-net: a hostile guest driving virtio-net over virtio-mmio, its TAP a SOCK_SEQPACKET
# socketpair whose other end (the wire) sends frames of up to 2 KiB and is drained after every
# operation: no crash, every guest-memory access inside RAM and one page, bounded work per
# operation, a read-only configuration space, no frame longer than VNET_FRAME_MAX on the wire,
# and a reset always recovers (a correct frame goes out whole, one from the wire comes in whole).
# replay-virtio-net runs it once per seed (tests/fuzz/corpus-virtio-net) in every `make check`;
# `make fuzz-run-virtio-net` runs the libFuzzer build for $(FUZZ_SECONDS).
check_PROGRAMS += tests/fuzz/replay-virtio-net
TESTS += tests/fuzz/replay-virtio-net
tests_fuzz_replay_virtio_net_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-virtio-net.c
tests_fuzz_replay_virtio_net_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_NAME='"replay-virtio-net"' \
	-DREPLAY_DIRS='{"tests/fuzz/corpus-virtio-net", ""}'
tests_fuzz_replay_virtio_net_LDADD = vdev-backends/libvdev.a

EXTRA_DIST += tests/fuzz/corpus-virtio-net

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-virtio-net
tests_fuzz_fuzz_virtio_net_SOURCES = tests/fuzz/fuzz-virtio-net.c $(vdev_backends_libvdev_a_SOURCES)
tests_fuzz_fuzz_virtio_net_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g
tests_fuzz_fuzz_virtio_net_LDFLAGS = $(FUZZ_SAN)

# As fuzz-run: the committed seeds are never written, the exit code is libFuzzer's.
fuzz-run-virtio-net: tests/fuzz/fuzz-virtio-net$(EXEEXT)
	$(FUZZ_RUN) virtio-net 2048 -- $(srcdir)/tests/fuzz/corpus-virtio-net
else
fuzz-run-virtio-net:
	@echo "fuzz-run-virtio-net: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run-virtio-net
