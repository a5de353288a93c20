# SPDX-License-Identifier: LGPL-2.1-only
# vdev shmem, the guest-visible device (vdev-backends/shmem.c, docs/shmem-device.md): built into
# libvdev.a; its unit test, its fuzz target's replay in every `make check`, and the libFuzzer
# build under --enable-fuzz (`make fuzz-run-shmem`).
vdev_backends_libvdev_a_SOURCES += vdev-backends/shmem-proto.h \
	vdev-backends/shmem.h vdev-backends/shmem.c

check_PROGRAMS += tests/unit/test-shmem
TESTS += tests/unit/test-shmem
tests_unit_test_shmem_SOURCES = tests/unit/test-shmem.c vdev-backends/vdev-fake.h
tests_unit_test_shmem_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_shmem_LDADD = $(VDEV_TEST_LDADD)

# fuzz-shmem: a hostile guest on the factory page and the region window, and a broker (the
# other end of a socketpair) sending scripted replies, events and garbage. replay-shmem runs it
# once per seed (tests/fuzz/corpus-shmem) in every `make check`.
check_PROGRAMS += tests/fuzz/replay-shmem
TESTS += tests/fuzz/replay-shmem
tests_fuzz_replay_shmem_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-shmem.c
tests_fuzz_replay_shmem_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_NAME='"replay-shmem"' \
	-DREPLAY_DIRS='{"tests/fuzz/corpus-shmem", ""}'
tests_fuzz_replay_shmem_LDADD = vdev-backends/libvdev.a

EXTRA_DIST += tests/fuzz/corpus-shmem docs/shmem-device.md

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-shmem
tests_fuzz_fuzz_shmem_SOURCES = tests/fuzz/fuzz-shmem.c $(vdev_backends_libvdev_a_SOURCES)
tests_fuzz_fuzz_shmem_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g
tests_fuzz_fuzz_shmem_LDFLAGS = $(FUZZ_SAN)

# As fuzz-run: the committed seeds are never written, the exit code is libFuzzer's.
fuzz-run-shmem: tests/fuzz/fuzz-shmem$(EXEEXT)
	$(FUZZ_RUN) shmem 2048 -- $(srcdir)/tests/fuzz/corpus-shmem
else
fuzz-run-shmem:
	@echo "fuzz-run-shmem: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run-shmem
