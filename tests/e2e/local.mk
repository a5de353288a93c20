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

# The ARM suite (tests/e2e/arm/run-suite): cross-builds qvm-xl for arm64 (scripts/cross-arm64,
# into cross-arm64/ here) and boots qemu-system-aarch64 three times. check-e2e runs it after
# the x86 suite, never at the same time: two TCG QEMUs on two cores halve each other's speed.
check-e2e-arm: all
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/arm/run-suite

check-e2e: all
	@rc=0; \
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/run-cases || rc=1; \
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/selftest-failures || rc=1; \
	$(E2E_ENV) $(abs_top_srcdir)/tests/e2e/arm/run-suite || rc=1; \
	exit $$rc

.PHONY: check-e2e check-e2e-cases check-e2e-failures check-e2e-arm
CLEANFILES += e2e-arm-v2.out e2e-arm-v3.out e2e-arm-io.out

EXTRA_DIST += tests/e2e/rig tests/e2e/run-cases tests/e2e/mkguest \
	tests/e2e/selftest-failures tests/e2e/lib tests/e2e/dom0 tests/e2e/guest \
	tests/e2e/cases tests/e2e/arm
