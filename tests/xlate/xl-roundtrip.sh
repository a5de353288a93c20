#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The xl.cfg we emit must parse back, with Xen's own xl, to the JSON we emit.
# Runs `xl -N create` under the noxen shim, so no hypervisor is needed.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${XL_BIN:=}"

if [ -z "$XL_BIN" ] || [ ! -x "$XL_BIN" ]; then
    echo "SKIP: no xl binary (XL_BIN)"; exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }

dump="$top_builddir/tests/xlate/emit-dump"
shim="$top_builddir/tests/tools/noxen-shim.so"
norm="$top_srcdir/tests/tools/json-norm"
case "$shim" in /*) ;; *) shim="$PWD/$shim" ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/xl-roundtrip.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

. "$top_srcdir/tests/tools/xl-channels.sh"

fail=0
for c in $("$dump" --list); do
    "$dump" "$c" cfg >"$work/$c.cfg" || { echo "FAIL $c: emit xl.cfg"; fail=1; continue; }
    "$dump" "$c" json >"$work/$c.ours.json" || { echo "FAIL $c: emit JSON"; fail=1; continue; }
    # xl ignores unknown keys and exits 0, so the verdict is the JSON diff.
    if ! LD_PRELOAD="$shim" "$XL_BIN" -N create "$work/$c.cfg" >"$work/$c.xl.json" \
        2>"$work/$c.xl.err"; then
        echo "FAIL $c: xl rejected the emitted xl.cfg:"; cat "$work/$c.xl.err"
        cat "$work/$c.cfg"; fail=1; continue
    fi
    as_xl_numbers "$work/$c.ours.json" "$work/$c.ours.xl.json" &&
        python3 "$norm" "$work/$c.ours.xl.json" >"$work/$c.ours.norm" &&
        python3 "$norm" "$work/$c.xl.json" >"$work/$c.xl.norm" || { fail=1; continue; }
    if diff -u "$work/$c.ours.norm" "$work/$c.xl.norm" >"$work/$c.diff"; then
        echo "PASS $c"
    else
        echo "FAIL $c: xl parses our xl.cfg to a different config (- ours, + xl):"
        cat "$work/$c.diff"; echo "--- emitted xl.cfg:"; cat "$work/$c.cfg"
        fail=1
    fi
done
exit $fail
