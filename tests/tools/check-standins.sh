#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The e2e suites' stand-in guests (tests/e2e/guest-standin) build freestanding: no libc, no
# host headers beyond the compiler's own. The rig caches its images, so a header that stops
# compiling there would otherwise only show on a clean cache (CI). Each compiler that is
# missing here is a skip of that half (77 if both are).
set -u
src=${top_srcdir:-.}
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT
built=0
if echo 'int x;' | ${CC_X86:-gcc} -m32 -ffreestanding -c -x c -o /dev/null - 2>/dev/null; then
    sh "$src/tests/e2e/guest-standin/build-x86" "$out/x86" || { echo "FAIL: x86 stand-ins"; exit 1; }
    built=$((built + 1))
    echo "ok: x86 stand-ins ($(ls "$out/x86"/*.bin | wc -l) images)"
else
    echo "skip: no gcc -m32 here"
fi
cross=${CROSS:-aarch64-linux-gnu-}
if command -v "${cross}gcc" >/dev/null 2>&1; then
    sh "$src/tests/e2e/guest-standin/build" "$out/arm" || { echo "FAIL: arm64 stand-ins"; exit 1; }
    built=$((built + 1))
    echo "ok: arm64 stand-ins ($(ls "$out/arm"/*.bin | wc -l) images)"
else
    echo "skip: no ${cross}gcc here"
fi
[ $built -gt 0 ] || exit 77
