# SPDX-License-Identifier: LGPL-2.1-only
# tests/fuzz: libFuzzer targets of the toolstack's own input files (the host
# reservation file and the asinfo host description); see local.mk for the pattern.
#
# fuzz-host: a reservation file is accepted only when it holds the documented
# items (cpu runmask, reserve loc mem:, reserve intr) and then claims exactly
# those; qx_host_check of a fixed VM finds the conflicts an independent
# overlap computation expects. fuzz-asinfo: asinfo text agrees with a
# reference reader, every entry round-trips through qx_asinfo_lookup and no
# START+LENGTH wraps. replay-host and replay-asinfo run each target once per
# seed (tests/fuzz/corpus-host, corpus-asinfo) in every `make check`, with any
# compiler; `make fuzz-run-host` / `fuzz-run-asinfo` run the libFuzzer builds
# for $(FUZZ_SECONDS) on a scratch copy of the seeds. FUZZ_SAN comes from
# local.mk. fuzz-image: kernel files (toolstack/image.c) are classified within
# their bytes and, where the ARM translation wraps them, wrapped into an Image
# header Xen takes with the file (or its ELF segments) behind it.
check_PROGRAMS += tests/fuzz/replay-host tests/fuzz/replay-asinfo tests/fuzz/replay-image
TESTS += tests/fuzz/replay-host tests/fuzz/replay-asinfo tests/fuzz/replay-image
tests_fuzz_replay_host_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-host.c
tests_fuzz_replay_host_CPPFLAGS = $(AM_CPPFLAGS) $(XENLIGHT_CFLAGS) \
	-DREPLAY_NAME='"replay-host"' -DREPLAY_DIRS='{"tests/fuzz/corpus-host", ""}'
tests_fuzz_replay_host_LDADD = toolstack/libqvmxl.a conf/libqvmconf.a $(XENLIGHT_LIBS)
tests_fuzz_replay_asinfo_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-asinfo.c
tests_fuzz_replay_asinfo_CPPFLAGS = $(AM_CPPFLAGS) \
	-DREPLAY_NAME='"replay-asinfo"' -DREPLAY_DIRS='{"tests/fuzz/corpus-asinfo", ""}'
tests_fuzz_replay_asinfo_LDADD = toolstack/libqvmxl.a conf/libqvmconf.a

tests_fuzz_replay_image_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-image.c
tests_fuzz_replay_image_CPPFLAGS = $(AM_CPPFLAGS) $(XENLIGHT_CFLAGS) \
	-DREPLAY_NAME='"replay-image"' -DREPLAY_DIRS='{"tests/fuzz/corpus-image", ""}'
tests_fuzz_replay_image_LDADD = $(QX_TOOLSTACK_LIBS)

EXTRA_DIST += tests/fuzz/corpus-host tests/fuzz/corpus-asinfo tests/fuzz/corpus-image

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-host tests/fuzz/fuzz-asinfo tests/fuzz/fuzz-image
# The toolstack file and the conf library are compiled again with the
# fuzzer's instrumentation, as for fuzz-conf.
tests_fuzz_fuzz_host_SOURCES = tests/fuzz/fuzz-host.c toolstack/host.h toolstack/host.c \
	$(conf_libqvmconf_a_SOURCES)
tests_fuzz_fuzz_host_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g \
	$(XENLIGHT_CFLAGS)
tests_fuzz_fuzz_host_LDFLAGS = $(FUZZ_SAN)
tests_fuzz_fuzz_host_LDADD = $(XENLIGHT_LIBS)
tests_fuzz_fuzz_asinfo_SOURCES = tests/fuzz/fuzz-asinfo.c toolstack/asinfo.h \
	toolstack/asinfo.c $(conf_libqvmconf_a_SOURCES)
tests_fuzz_fuzz_asinfo_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g
tests_fuzz_fuzz_asinfo_LDFLAGS = $(FUZZ_SAN)
# image.c instrumented; the format table (xlate/plan.c) from the plain library.
tests_fuzz_fuzz_image_SOURCES = tests/fuzz/fuzz-image.c toolstack/image.h toolstack/image.c
tests_fuzz_fuzz_image_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g \
	$(XENLIGHT_CFLAGS)
tests_fuzz_fuzz_image_LDFLAGS = $(FUZZ_SAN)
tests_fuzz_fuzz_image_LDADD = $(QX_TOOLSTACK_LIBS)

# As fuzz-run: the committed seeds are never written, the exit code is libFuzzer's.
fuzz-run-host: tests/fuzz/fuzz-host$(EXEEXT)
	$(FUZZ_RUN) host 4096 -dict=$(srcdir)/tests/fuzz/qvmconf.dict -- $(srcdir)/tests/fuzz/corpus-host

fuzz-run-asinfo: tests/fuzz/fuzz-asinfo$(EXEEXT)
	$(FUZZ_RUN) asinfo 4096 -- $(srcdir)/tests/fuzz/corpus-asinfo

fuzz-run-image: tests/fuzz/fuzz-image$(EXEEXT)
	$(FUZZ_RUN) image 8192 -- $(srcdir)/tests/fuzz/corpus-image
else
fuzz-run-host fuzz-run-asinfo fuzz-run-image:
	@echo "$@: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run-host fuzz-run-asinfo fuzz-run-image
