# SPDX-License-Identifier: LGPL-2.1-only
# tests/e2e: the real-Xen-in-QEMU suite. Not part of `make check` (one boot costs about a
# minute under TCG); `make check-e2e` runs the cases and the rig's failure scenarios,
# `make check-e2e-cases` / `make check-e2e-failures` one of them. Downloads and images are
# cached in tests/e2e/cache of the build tree (QX_E2E_CACHE overrides).
E2E_ENV = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)'

check-e2e-cases: all
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/run-cases

check-e2e-failures:
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/selftest-failures

# The ARM suite (tests/e2e/arm/run-suite): cross-builds qvm-xl for arm64 and boots
# qemu-system-aarch64 three times (GICv2, GICv3, ioreq servers). check-e2e-arm runs it on
# Debian 12's Xen 4.17 (scripts/cross-arm64 into cross-arm64/ here), check-e2e-arm-4.20 on
# Debian 13's Xen 4.20 (qvm-xl cross-built in the chroot of scripts/chroot-trixie).
check-e2e-arm: all
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/arm/run-suite

check-e2e-arm-4.20:
	$(E2E_ENV) QX_XEN=4.20 $(abs_top_srcdir)/tests/e2e/arm/run-suite

# check-e2e: the x86 suite on 4.17, then the ARM suite once, on 4.20, never at the same time
# (two TCG QEMUs on two cores halve each other's speed); and the ARM io boot on 4.17 as well,
# because the 4.20 one needs Debian 13's xen source, which a mirror may not serve
# (tests/e2e/arm/build-xen; the 4.20 io boot is then skipped, saying so).
check-e2e: all
	@rc=0; \
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/run-cases || rc=1; \
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/selftest-failures || rc=1; \
	$(E2E_ENV) QX_XEN=4.20 $(abs_top_srcdir)/tests/e2e/arm/run-suite || rc=1; \
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/arm/run-suite io || rc=1; \
	exit $$rc

.PHONY: check-e2e check-e2e-cases check-e2e-failures check-e2e-arm check-e2e-arm-4.20
CLEANFILES += e2e-arm-v2.out e2e-arm-v3.out e2e-arm-io.out e2e-arm-build-xen.log \
	e2e-arm-4.20-v2.out e2e-arm-4.20-v3.out e2e-arm-4.20-io.out e2e-arm-4.20-build-xen.log

EXTRA_DIST += tests/e2e/rig tests/e2e/run-cases tests/e2e/mkguest \
	tests/e2e/selftest-failures tests/e2e/lib tests/e2e/dom0 tests/e2e/guest \
	tests/e2e/cases tests/e2e/arm tests/e2e/guest-standin tests/e2e/guest-tools/qx-virtio
