# SPDX-License-Identifier: LGPL-2.1-only
# qvm-xl-shmemd: the host's broker of qvm shmem regions (docs/shmemd.md). The registry is pure
# (unit-tested with fake hypercalls); shmem-xen.c is the only file that calls Xen.
vdev_backends_libvdev_a_SOURCES += \
	vdev-backends/shmem-proto.h vdev-backends/shmem-proto.c \
	vdev-backends/shmem-registry.h vdev-backends/shmem-registry.c

libexec_PROGRAMS += vdev-backends/qvm-xl-shmemd
vdev_backends_qvm_xl_shmemd_SOURCES = vdev-backends/shmemd.c \
	vdev-backends/shmem-xen.h vdev-backends/shmem-xen.c
vdev_backends_qvm_xl_shmemd_CPPFLAGS = $(AM_CPPFLAGS) $(XENCTRL_CFLAGS) $(XENTOOLLOG_CFLAGS)
vdev_backends_qvm_xl_shmemd_LDADD = vdev-backends/libvdev.a $(XENCTRL_LIBS) $(XENTOOLLOG_LIBS)

check_PROGRAMS += tests/unit/test-shmem-registry tests/unit/test-shmemd
TESTS += tests/unit/test-shmem-registry tests/unit/test-shmemd
tests_unit_test_shmem_registry_SOURCES = tests/unit/test-shmem-registry.c
tests_unit_test_shmem_registry_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_shmem_registry_LDADD = $(VDEV_TEST_LDADD)
# Starts vdev-backends/qvm-xl-shmemd --dry-run-xen on a temporary socket.
tests_unit_test_shmemd_SOURCES = tests/unit/test-shmemd.c
tests_unit_test_shmemd_CPPFLAGS = $(VDEV_TEST_CPPFLAGS)
tests_unit_test_shmemd_LDADD = $(VDEV_TEST_LDADD)

EXTRA_DIST += docs/shmemd.md
