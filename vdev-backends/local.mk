# SPDX-License-Identifier: LGPL-2.1-only
# vdev-backends: dom0 device models on Xen ioreq servers (see docs/backends.md).
noinst_LIBRARIES += vdev-backends/libvdev.a
vdev_backends_libvdev_a_SOURCES = \
	vdev-backends/vdev.h vdev-backends/vdev.c \
	vdev-backends/vdev-opts.h vdev-backends/vdev-opts.c \
	vdev-backends/vdev-table.c \
	vdev-backends/dispatch.h vdev-backends/dispatch.c \
	vdev-backends/pci-func.h vdev-backends/pci-func.c \
	vdev-backends/loop.h vdev-backends/loop.c \
	vdev-backends/chardev.h vdev-backends/chardev.c \
	vdev-backends/privdrop.h vdev-backends/privdrop.c \
	vdev-backends/ser8250.h vdev-backends/ser8250.c \
	vdev-backends/pl011.h vdev-backends/pl011.c \
	vdev-backends/wdt-ib700.h vdev-backends/wdt-ib700.c \
	vdev-backends/wdt-sp805.h vdev-backends/wdt-sp805.c \
	vdev-backends/virtqueue.h vdev-backends/virtqueue.c \
	vdev-backends/guestmem-cache.h vdev-backends/guestmem-cache.c \
	vdev-backends/virtio-mmio.h vdev-backends/virtio-mmio.c \
	vdev-backends/virtio-console.h vdev-backends/virtio-console.c \
	vdev-backends/virtio-blk.h vdev-backends/virtio-blk.c \
	vdev-backends/virtio-net.h vdev-backends/virtio-net.c
vdev_backends_libvdev_a_CPPFLAGS = $(AM_CPPFLAGS)

libexec_PROGRAMS += vdev-backends/qvm-xl-backend
vdev_backends_qvm_xl_backend_SOURCES = \
	vdev-backends/backend-main.c \
	vdev-backends/xen-transport.h vdev-backends/xen-transport.c \
	vdev-backends/xen-ctrl.h vdev-backends/xen-ctrl.c \
	vdev-backends/xen-guestmem.h vdev-backends/xen-guestmem.c
# libxenctrl is not linked: xen-ctrl.c loads it when a device needs it.
vdev_backends_qvm_xl_backend_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXENCTRL_SONAME='"$(XENCTRL_SONAME)"' \
	$(XENDEVICEMODEL_CFLAGS) $(XENFOREIGNMEMORY_CFLAGS) $(XENEVTCHN_CFLAGS) \
	$(XENSTORE_CFLAGS) $(XENCTRL_CFLAGS) $(XENTOOLLOG_CFLAGS)
vdev_backends_qvm_xl_backend_LDADD = vdev-backends/libvdev.a \
	$(XENDEVICEMODEL_LIBS) $(XENFOREIGNMEMORY_LIBS) $(XENEVTCHN_LIBS) \
	$(XENSTORE_LIBS) $(XENTOOLLOG_LIBS)

# In-process cost of one emulated access (the Xen round trip is measured in bench/).
noinst_PROGRAMS += vdev-backends/bench-dispatch
vdev_backends_bench_dispatch_SOURCES = vdev-backends/bench-dispatch.c
vdev_backends_bench_dispatch_CPPFLAGS = $(AM_CPPFLAGS)
vdev_backends_bench_dispatch_LDADD = vdev-backends/libvdev.a

VDEV_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
VDEV_TEST_LDADD = vdev-backends/libvdev.a $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test-ser8250 tests/unit/test-wdt tests/unit/test-pl011 \
	tests/unit/test-ioreq tests/unit/test-loop
TESTS += tests/unit/test-ser8250 tests/unit/test-wdt tests/unit/test-pl011 tests/unit/test-ioreq \
	tests/unit/test-loop
tests_unit_test_ser8250_SOURCES = tests/unit/test-ser8250.c vdev-backends/vdev-fake.h
tests_unit_test_ser8250_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_ser8250_LDADD = $(VDEV_TEST_LDADD)
tests_unit_test_wdt_SOURCES = tests/unit/test-wdt.c vdev-backends/vdev-fake.h
tests_unit_test_wdt_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_wdt_LDADD = $(VDEV_TEST_LDADD)
tests_unit_test_pl011_SOURCES = tests/unit/test-pl011.c vdev-backends/vdev-fake.h
tests_unit_test_pl011_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_pl011_LDADD = $(VDEV_TEST_LDADD)
tests_unit_test_ioreq_SOURCES = tests/unit/test-ioreq.c vdev-backends/vdev-fake.h
tests_unit_test_ioreq_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_ioreq_LDADD = $(VDEV_TEST_LDADD)
# Runs the real event loop for about a second of wall time (CPU share, death-check rate).
tests_unit_test_loop_SOURCES = tests/unit/test-loop.c vdev-backends/vdev-fake.h
tests_unit_test_loop_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_loop_LDADD = $(VDEV_TEST_LDADD)
# virtio-mmio transport, split virtqueues and virtio-console, hostile guests included.
check_PROGRAMS += tests/unit/test-virtio
TESTS += tests/unit/test-virtio
tests_unit_test_virtio_SOURCES = tests/unit/test-virtio.c tests/unit/virtio-driver.h \
	tests/unit/virtio-driver.c vdev-backends/vdev-fake.h
tests_unit_test_virtio_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_virtio_LDADD = $(VDEV_TEST_LDADD)
check_PROGRAMS += tests/unit/test-guestmem-cache
TESTS += tests/unit/test-guestmem-cache
tests_unit_test_guestmem_cache_SOURCES = tests/unit/test-guestmem-cache.c
tests_unit_test_guestmem_cache_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_guestmem_cache_LDADD = $(VDEV_TEST_LDADD)
check_PROGRAMS += tests/unit/test-virtio-blk tests/unit/test-virtio-net
TESTS += tests/unit/test-virtio-blk tests/unit/test-virtio-net
tests_unit_test_virtio_blk_SOURCES = tests/unit/test-virtio-blk.c tests/unit/virtio-driver.h \
	tests/unit/virtio-driver.c vdev-backends/vdev-fake.h
tests_unit_test_virtio_blk_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_virtio_blk_LDADD = $(VDEV_TEST_LDADD)
tests_unit_test_virtio_net_SOURCES = tests/unit/test-virtio-net.c tests/unit/virtio-driver.h \
	tests/unit/virtio-driver.c vdev-backends/vdev-fake.h
tests_unit_test_virtio_net_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_virtio_net_LDADD = $(VDEV_TEST_LDADD)

# Any device as a PCI function: header, BAR sizing and moves, decode, INTx, hostile config writes.
check_PROGRAMS += tests/unit/test-pci-func
TESTS += tests/unit/test-pci-func
tests_unit_test_pci_func_SOURCES = tests/unit/test-pci-func.c vdev-backends/vdev-fake.h
tests_unit_test_pci_func_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_pci_func_LDADD = $(VDEV_TEST_LDADD)

# fuzz-pci: a hostile guest programming two PCI functions beside a fixed device (claims never
# wrap, overlap or outlive their BARs; INTA follows INTx disable; read-only bytes stay).
# replay-pci runs it once per seed (tests/fuzz/corpus-pci) in every `make check`.
check_PROGRAMS += tests/fuzz/replay-pci
TESTS += tests/fuzz/replay-pci
tests_fuzz_replay_pci_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz-pci.c
tests_fuzz_replay_pci_CPPFLAGS = $(AM_CPPFLAGS) -DREPLAY_NAME='"replay-pci"' \
	-DREPLAY_DIRS='{"tests/fuzz/corpus-pci", ""}'
tests_fuzz_replay_pci_LDADD = vdev-backends/libvdev.a
EXTRA_DIST += tests/fuzz/corpus-pci

if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz-pci
tests_fuzz_fuzz_pci_SOURCES = tests/fuzz/fuzz-pci.c $(vdev_backends_libvdev_a_SOURCES)
tests_fuzz_fuzz_pci_CFLAGS = $(AM_CFLAGS) $(FUZZ_SAN) -fno-omit-frame-pointer -g
tests_fuzz_fuzz_pci_LDFLAGS = $(FUZZ_SAN)

# As fuzz-run: the committed seeds are never written, the exit code is libFuzzer's.
fuzz-run-pci: tests/fuzz/fuzz-pci$(EXEEXT)
	$(FUZZ_RUN) pci 1024 -- $(srcdir)/tests/fuzz/corpus-pci
else
fuzz-run-pci:
	@echo "fuzz-run-pci: the fuzzer is not built; reconfigure with --enable-fuzz CC=clang" >&2
	@exit 1
endif
.PHONY: fuzz-run-pci

EXTRA_DIST += docs/backends.md

# Guest side of the backend e2e cases (tests/e2e/cases/3x-backend-*): a static x86 program
# the rig puts into the guest's initramfs. Static, so no sanitizer flags (AM_* replaced).
if HOST_X86
noinst_PROGRAMS += tests/e2e/guest-tools/qx-portio
endif
tests_e2e_guest_tools_qx_portio_SOURCES = tests/e2e/guest-tools/qx-portio.c
tests_e2e_guest_tools_qx_portio_CFLAGS = -std=gnu11 -O2 $(QX_WARN_CFLAGS)
tests_e2e_guest_tools_qx_portio_LDFLAGS = -static
