#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# bench-virtio-arm.sh: qvm-xl-backend's virtio-blk and virtio-net against Xen's blkback and
# netback, measured in one boot of the ARM rig (Xen with ioreq servers) by the e2e case
# tests/e2e/arm/cases/io-90-bench-virtio: the same guest, created once with virtio devices and
# once with --prefer-pv, runs the same measurements (tests/e2e/arm/guest-tools/qx-bench).
#   top_srcdir=SRC top_builddir=BUILD bench/bench-virtio-arm.sh   (or: make bench-virtio-arm)
# The case runs only while this script runs: it "needs" bench-virtio-arm.run in the cross-built
# tree, which is made here and removed afterwards. Xen 4.17 (QX_XEN unset) only.
# Prints the case's "bench ..." lines: per phase MiB/s or IOPS of each and their ratio
# virtio/pv (the goal is 0.9 or more), the interrupts dom0 and the guest took per MiB or per
# operation (the backend's are its ioreq round trips), and the backend's resident memory.
# Exits non-zero only when the case could not run. Under TCG every figure is inflated; the
# ratios are what carries over. About 5 minutes (one boot; more when the cross-built
# programs or the guest's initramfs must be built first).
set -u
src=${top_srcdir:-.}
bd=${top_builddir:-.}
mark=${QX_E2E_ARM_BUILDDIR:-$bd/cross-arm64/build}/bench-virtio-arm.run
mkdir -p "${mark%/*}" && : >"$mark" || exit 1
trap 'rm -f "$mark"' EXIT
out=$(QX_E2E_ONLY=io-90 QX_CASE_TIMEOUT=${QX_CASE_TIMEOUT:-1200} QX_CASE_RETRIES=0 \
    "$src/tests/e2e/arm/run-suite" io 2>&1)
rc=$?
echo "$out" | grep -E '^# (bench|virtio guest|pv guest)' | sed 's/^# //'
# Without both guests' phases there are no ratios: the case could not run.
if ! echo "$out" | grep -q '^# bench net-tx' || echo "$out" | grep -q '^not ok .*every phase measured'; then
    echo "$out" | grep -E '^(not ok|#)' | grep -v '^# bench' | tail -n 40
    exit 1
fi
[ $rc -eq 0 ] || { echo "WARNING: the case reported failures (QX_E2E_ONLY=io-90 tests/e2e/arm/run-suite io):"
    echo "$out" | grep '^not ok'; }
echo "$out" | awk '/^# bench .*ratio virtio\/pv/ && $NF < 0.9 { print "WARNING: " $3 " below the 0.9 goal" }'
exit 0
