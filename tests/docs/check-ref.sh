# SPDX-License-Identifier: LGPL-2.1-only
# Fails, with a diff, when the committed reference pages or fuzz dictionary
# differ from what docs/gen-ref prints from the current schema (fix: make
# update-docs).
gen="$top_builddir/docs/gen-ref"
rules="$top_srcdir/docs/lexical-rules.md"
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT
rc=0

for page in docs/qvmconf.5 docs/qvmconf-reference.md tests/fuzz/qvmconf.dict; do
    case $page in
    *.md) "$gen" --markdown "$rules" ;;
    *.dict) "$gen" --dict ;;
    *) "$gen" "$rules" ;;
    esac > "$out" || { echo "check-ref: $gen failed"; exit 99; }
    if ! diff -u "$top_srcdir/$page" "$out"; then
        echo "check-ref: $page is stale: run 'make update-docs' and commit it"
        rc=1
    fi
done

# The page must also be clean roff: groff reports every warning it has.
if command -v groff >/dev/null 2>&1; then
    warn=$(groff -man -ww -z "$top_srcdir/docs/qvmconf.5" 2>&1)
    if test -n "$warn"; then
        echo "check-ref: groff warnings in docs/qvmconf.5:"
        echo "$warn"
        rc=1
    fi
fi
exit $rc
