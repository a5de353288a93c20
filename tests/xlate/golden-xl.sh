#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# For every golden that translates and is expressible in xl.cfg, Xen's own xl (under the
# noxen shim) must parse our NAME.cfg into the same normalised JSON as our NAME.json.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${XL_BIN:=}"
if [ -z "$XL_BIN" ] || [ ! -x "$XL_BIN" ]; then echo "SKIP: no xl binary (XL_BIN)"; exit 77; fi
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
shim="$top_builddir/tests/tools/noxen-shim.so"
case "$shim" in /*) ;; *) shim="$PWD/$shim" ;; esac
norm="$top_srcdir/tests/tools/json-norm"
dir="$top_srcdir/tests/golden/xlate"
work=$(mktemp -d "${TMPDIR:-/tmp}/xlate-xl.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

. "$top_srcdir/tests/tools/xl-channels.sh"

fail=0 n=0
for cfg in "$dir"/*.cfg; do
    name=$(basename "$cfg" .cfg)
    tail -n 1 "$dir/$name.report" | grep -q '^translation succeeded$' || continue
    head -n 1 "$cfg" | grep -q '^#' && continue # not expressible in xl.cfg (see the file)
    n=$((n + 1))
    if ! LD_PRELOAD="$shim" "$XL_BIN" -N create "$cfg" >"$work/$name.xl.json" 2>"$work/$name.err"; then
        echo "FAIL $name: xl rejected it:"; cat "$work/$name.err"; fail=1; continue
    fi
    as_xl_numbers "$dir/$name.json" "$work/ours.json" && python3 "$norm" "$work/ours.json" >"$work/ours" &&
        python3 "$norm" "$work/$name.xl.json" >"$work/xl" ||
        { fail=1; continue; }
    if diff -u "$work/ours" "$work/xl" >"$work/diff"; then
        echo "PASS $name"
    else
        echo "FAIL $name (- ours, + xl):"; cat "$work/diff"; fail=1
    fi
done
echo "$n configurations compared"
exit $fail
