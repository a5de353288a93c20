#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Golden tests of the translator: each tests/golden/xlate/NAME.qvmconf gives, byte for byte,
# NAME.cfg (xl.cfg), NAME.json (libxl JSON) and NAME.report (report + diagnostics).
# A "# xlate-args: ..." line in the input gives the target (--arch, --caps, --pcpus, --xen,
# --prefer-pv).
# Every mapping rule must appear in some report. REGEN=1 rewrites the expectations.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
dump="$top_builddir/tests/xlate/xlate-dump"
case "$dump" in /*) ;; *) dump="$PWD/$dump" ;; esac
dir="$top_srcdir/tests/golden/xlate"
work=$(mktemp -d "${TMPDIR:-/tmp}/xlate-golden.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

fail=0 n=0
cd "$dir" || exit 99
for in in *.qvmconf; do
    name=${in%.qvmconf}
    args=$(sed -n 's/^# xlate-args: //p' "$in")
    n=$((n + 1))
    for mode in cfg json report; do
        # shellcheck disable=SC2086
        "$dump" $args "$mode" "$in" >"$work/$name.$mode" 2>&1
        if [ "${REGEN:-0}" = 1 ]; then
            cp "$work/$name.$mode" "$name.$mode"
        elif ! diff -u "$name.$mode" "$work/$name.$mode" >"$work/diff"; then
            echo "FAIL $name.$mode (- expected, + got):"; cat "$work/diff"; fail=1
        fi
    done
    cat "$work/$name.report" >>"$work/all-reports"
done
[ "$n" -ge 30 ] || { echo "FAIL: only $n golden inputs"; fail=1; }
for rule in $("$dump" --rules); do
    grep -q "\[$rule\]" "$work/all-reports" || { echo "FAIL: rule $rule appears in no golden report"; fail=1; }
done
[ "$fail" = 0 ] && echo "PASS $n goldens"
exit $fail
