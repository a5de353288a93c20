#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# docs/mapping.md must be what xlate/mapping.def generates (the table the code's rule ids come from).
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
out=$(mktemp "${TMPDIR:-/tmp}/mapping-md.XXXXXX") || exit 99
trap 'rm -f "$out"' EXIT
"$top_builddir/tests/xlate/xlate-dump" --mapping-md >"$out" || exit 99
if ! diff -u "$top_srcdir/docs/mapping.md" "$out"; then
    echo "FAIL: docs/mapping.md is stale; regenerate: tests/xlate/xlate-dump --mapping-md >docs/mapping.md"
    exit 1
fi
echo "PASS docs/mapping.md matches xlate/mapping.def"
