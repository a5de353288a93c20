#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# docs/libvirt.md's element table is the reader's own (libvirt/read.c), byte for byte:
# the lines between "<!-- mapping: begin -->" and "<!-- mapping: end -->".
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
doc="$top_srcdir/docs/libvirt.md"
tmp=$(mktemp "${TMPDIR:-/tmp}/libvirt-mapping.XXXXXX") || exit 99
trap 'rm -f "$tmp"' EXIT
sed -n '/<!-- mapping: begin -->/,/<!-- mapping: end -->/p' "$doc" | sed '1d;$d' >"$tmp"
if ! "$top_builddir/tests/libvirt/mapping-dump" | diff -u "$tmp" - ; then
    echo "FAIL: docs/libvirt.md's table is not the reader's (- doc, + table): paste the + lines"
    exit 1
fi
echo "PASS docs/libvirt.md has the reader's $(wc -l <"$tmp") table lines"
