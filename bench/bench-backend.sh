#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# bench-backend.sh: the device-model backend's figures on real Xen (in the QEMU rig): resident
# memory per guest and the cost of one guest port access served by qvm-xl-backend against
# one Xen answers itself, measured in one boot by tests/e2e/cases/32-backend-hostile.
#   top_srcdir=SRC top_builddir=BUILD bench/bench-backend.sh     (or: make bench-backend)
# Prints the case's "bench ..." lines and the guest's figures; exits non-zero only when the
# case could not run. Under TCG every figure is inflated; the ratio is what carries over.
set -u
src=${top_srcdir:-.}
out=$("$src/tests/e2e/run-cases" 32-backend-hostile 2>&1)
rc=$?
echo "$out" | grep -E '^# (bench|backend Rss|hostile guest: QXGUEST bench)' | sed 's/^# //'
echo "$out" | grep -q '^# bench backend memory' || { echo "$out" | tail -n 20; exit 1; }
[ $rc -eq 0 ] || echo "WARNING: the case reported failures (run tests/e2e/run-cases 32-backend-hostile)"
exit 0
