#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Golden tests of qvm-xl's outputs that need no hypervisor, on every
# examples/*.qvmconf: `create -n` (libxl JSON, as xl -N create) and
# `convert --to=xl` against golden/NAME.json and golden/NAME.cfg,
# `convert --to=json` equal to `create -n`, and the copies of the examples
# in tests/e2e/cases/* equal to examples/.
# An example whose comment says "--target SPEC" is translated for that target.
# The files the examples load live on the e2e guest's host, not here: --no-files.
# QX_GOLDEN_BLESS=1 writes missing golden files (review them before committing).
set -u
top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-$top_srcdir}
QVMXL=${QVMXL:-$top_builddir/toolstack/qvm-xl}
gold=$top_srcdir/tests/toolstack/golden
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
[ -x "$QVMXL" ] || { echo "golden: $QVMXL not built" >&2; exit 99; }
pass=0 fail=0

# same WHAT GOLDEN OUTPUT
same() {
    if [ ! -f "$2" ] && [ -s "$3" ] && [ "${QX_GOLDEN_BLESS:-0}" = 1 ]; then
        cp "$3" "$2" && echo "blessed $2: review it by hand"
    fi
    if diff -u "$2" "$3" >"$tmp/diff" 2>&1; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL: $1"
        sed 's/^/    /' "$tmp/diff"
    fi
}

for f in "$top_srcdir"/examples/*.qvmconf; do
    n=$(basename "$f" .qvmconf)
    tgt=$(sed -n 's/^#.*--target \([^ );,]*[^ );]*\).*/--target=\1/p' "$f" | head -n 1)
    "$QVMXL" create -n --no-files $tgt "$f" >"$tmp/$n.json" 2>"$tmp/err" ||
        { echo "FAIL: $n: create -n exit $?"; cat "$tmp/err"; fail=$((fail + 1)); }
    same "$n: create -n" "$gold/$n.json" "$tmp/$n.json"
    "$QVMXL" convert --to=json --no-files $tgt "$f" >"$tmp/$n.cj" 2>"$tmp/err"
    same "$n: convert --to=json equals create -n" "$tmp/$n.json" "$tmp/$n.cj"
    "$QVMXL" convert --to=xl --no-files $tgt "$f" >"$tmp/$n.cfg" 2>"$tmp/err" ||
        { echo "FAIL: $n: convert exit $?"; cat "$tmp/err"; fail=$((fail + 1)); }
    same "$n: convert --to=xl" "$gold/$n.cfg" "$tmp/$n.cfg"
done
for g in "$gold"/*; do
    n=$(basename "$g")
    [ -f "$top_srcdir/examples/${n%.*}.qvmconf" ] ||
        { echo "FAIL: $g belongs to no example (remove it)"; fail=$((fail + 1)); }
done
for c in "$top_srcdir"/tests/e2e/cases/*/*.qvmconf; do
    e=$top_srcdir/examples/$(basename "$c")
    [ -f "$e" ] && same "$c is a copy of examples/" "$e" "$c"
done
# A configuration error is 65 and prints nothing on stdout.
printf 'system bad\nram\n' >"$tmp/bad.qvmconf"
for cmd in "create -n" "convert --to=xl" "convert --to=json"; do
    # shellcheck disable=SC2086
    "$QVMXL" $cmd "$tmp/bad.qvmconf" >"$tmp/out" 2>/dev/null
    rc=$?
    if [ $rc = 65 ] && [ ! -s "$tmp/out" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL: $cmd on a bad file: exit $rc (want 65, no output)"
    fi
done
echo "toolstack-golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
