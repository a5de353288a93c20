#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# bench-shmem.sh: qvm's vdev shmem between two guests, on the ARM rig (Xen with ioreq servers:
# the region is RAM a holder domain owns, mapped into both guests) and on the x86 rig (HVM: the
# region's data pages emulated by each guest's qvm-xl-backend, every access a trap), measured by
# the e2e cases tests/e2e/arm/cases/io-60-shmem and tests/e2e/cases/62-shmem:
#   top_srcdir=SRC top_builddir=BUILD bench/bench-shmem.sh   (or: make bench-shmem)
# Prints per rig the notification round trip A->B->A (mean of the case's rounds) against the
# same guests' round trip through an interdomain event channel in the same run (the ARM boot
# runs with xsm=dummy for it: SILO, Xen's default XSM on Arm, forbids event channels between
# guests; the CI boot keeps SILO and checks that it refuses), and the
# copy through the region (4-byte stores, then loads) against the same guest's copy in its own
# RAM: region/RAM is what sharing costs. Under TCG (nested on x86) every
# figure is inflated; the ratios are what carries over. Exits non-zero when a case could not
# run. About 8 minutes (two boots).
set -u
src=${top_srcdir:-.}
rc=0
for rig in arm x86; do
    if [ $rig = arm ]; then
        out=$(QX_E2E_XEN_APPEND=xsm=dummy QX_E2E_ONLY=io-60 QX_CASE_RETRIES=0 \
            "$src/tests/e2e/arm/run-suite" io 2>&1)
    else
        out=$(QX_CASE_RETRIES=0 "$src/tests/e2e/run-cases" 62 2>&1)
    fi
    lines=$(echo "$out" | grep -E '^# (notification round trip|event channel round trip|copy through the region)')
    if [ -z "$lines" ] || ! echo "$out" | grep -q '^ok .*copy through the region read back intact'; then
        echo "bench-shmem: $rig: the case did not measure:"
        echo "$out" | grep -E '^(not ok|#)' | tail -n 30
        rc=1
        continue
    fi
    echo "$lines" | sed "s/^# /$rig: /"
done
exit $rc
