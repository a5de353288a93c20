#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only
# bench-create: create latency of `qvm-xl create` against `xl create` on the equivalent
# xl.cfg (from `qvm-xl convert --to=xl`), in one boot of the e2e rig (a separate rig
# invocation, not an e2e case: it measures, it does not test).
#   bench/bench-create.sh [N]      (host; N creates + destroys of each, default 3)
# Prints the mean per create+destroy of each, their ratio, and qvm-xl's own overhead:
# the difference per create, and `qvm-xl create -n` (read, validate, translate) alone.
# Environment: top_srcdir, top_builddir (the build holding toolstack/qvm-xl), the rig's.
set -u
if [ "${1:-}" = --in-dom0 ]; then
    # dom0 side (bash, for $EPOCHREALTIME): N rounds, alternating the two toolstacks.
    n=$2 ex=/e2e/examples/pvh-pinned.qvmconf
    us() { echo "${EPOCHREALTIME/./}"; }
    qvm-xl convert --to=xl $ex >/tmp/bench.cfg || exit 1
    qx=0 xl=0 dry=0
    for _ in $(seq "$n"); do
        t=$(us)
        qvm-xl create -q $ex && qvm-xl destroy pvh-pinned || exit 1
        qx=$((qx + $(us) - t))
        t=$(us)
        xl create /tmp/bench.cfg >/dev/null 2>&1 && xl destroy pvh-pinned || exit 1
        xl=$((xl + $(us) - t))
        t=$(us)
        qvm-xl create -n $ex >/dev/null || exit 1
        dry=$((dry + $(us) - t))
    done
    awk -v n="$n" -v qx="$qx" -v xl="$xl" -v dry="$dry" 'BEGIN {
        printf "bench-create: N=%d: qvm-xl %.0f ms, xl %.0f ms per create+destroy\n", n, qx / n / 1000, xl / n / 1000
        printf "bench-create: ratio qvm-xl/xl %.2f\n", qx / xl
        printf "bench-create: qvm-xl overhead %.0f ms per create+destroy (create -n alone %.1f ms)\n", (qx - xl) / n / 1000, dry / n / 1000
    }'
    exit 0
fi
n=${1:-3}
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/..}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
run=$(mktemp -d) || exit 1
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/guest" "$run/examples"
"$top_srcdir/tests/e2e/mkguest" "$run/guest/initrd.gz" || exit 1
cp "$top_srcdir"/examples/*.qvmconf "$run/examples/"
cp "$here/bench-create.sh" "$run/bench-create.sh"
printf 'exec bash /e2e/bench-create.sh --in-dom0 %s\n' "$n" >"$run/dom0.sh"
"$top_srcdir/tests/e2e/rig" "$run" "$run/dom0.sh"
