#!/bin/sh
# The corpus of real, published qvmconf files (tests/conf/real, sources in
# real/SOURCES.md). For each real/NAME.qvmconf:
#   - `qvm-xl check --syntax-only` exits 0: the language reads as qvm reads it;
#   - `qvm-xl check --explain --no-files` (the translation checks, not the
#     kernel files, which are not here) prints exactly real/NAME.explain (the
#     explanation on stdout, then the diagnostics on stderr) and exits as
#     convert does: 0, or 65 when the translation refuses the file;
#   - `qvm-xl convert --to=json` exits 0, or 65 with errors whose check names
#     are all in real/LIMITS: the refusals that docs/mapping.md lists as a Xen
#     limit. Its diagnostics are kept in real/NAME.convert.
# A real/NAME.args file gives extra words for both commands (e.g. --target).
# Every LIMITS name must appear in docs/mapping.md.
#
# Environment: top_srcdir, top_builddir (set by make check); QX_REAL_BLESS=1
# rewrites the .explain and .convert goldens (review them by hand).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/../..}
top_builddir=${top_builddir:-$top_srcdir}
QVMXL=${QVMXL:-$top_builddir/toolstack/qvm-xl}
case $QVMXL in /*) ;; *) QVMXL=$PWD/$QVMXL ;; esac
mapping=$(cd "$top_srcdir" && pwd)/docs/mapping.md

cd "$top_srcdir/tests/conf/real" || exit 99
[ -x "$QVMXL" ] || { echo "conf-real: $QVMXL not built" >&2; exit 99; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0 fail=0 translated=0 refused=0 files=0
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}

# Each refusal allowed in the corpus is a Xen limit that the mapping page names.
limits=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' LIMITS | awk '{print $1}')
for l in $limits; do
    if grep -q -- "$l" "$mapping"; then pass=$((pass + 1)); else bad "LIMITS: $l is not in docs/mapping.md"; fi
done

# golden FILE OUT: compare, or bless.
golden() {
    if [ "${QX_REAL_BLESS:-0}" = 1 ]; then
        cp "$2" "$1"
    elif [ ! -f "$1" ]; then
        bad "$1 missing (QX_REAL_BLESS=1 writes it)"
        return 1
    elif ! diff -u "$1" "$2" >"$tmp/diff"; then
        bad "$1 differs"
        sed 's/^/    /' "$tmp/diff" | head -n 40
        return 1
    fi
    return 0
}

for f in *.qvmconf; do
    name=${f%.qvmconf}
    files=$((files + 1))
    args=
    [ -f "$name.args" ] && args=$(cat "$name.args")
    # shellcheck disable=SC2086 # $args is a list of words
    if ! "$QVMXL" check --syntax-only $args "$f" >/dev/null 2>"$tmp/err"; then
        bad "$f: the language check refuses it (qvm reads it)"
        sed 's/^/    /' "$tmp/err" | head -n 20
        continue
    fi
    # shellcheck disable=SC2086
    "$QVMXL" check --explain --no-files $args "$f" >"$tmp/out" 2>"$tmp/err"
    checked=$?
    if [ $checked != 0 ] && [ $checked != 65 ]; then
        bad "$f: check exits $checked"
        sed 's/^/    /' "$tmp/err" | head -n 20
        continue
    fi
    cat "$tmp/out" "$tmp/err" >"$tmp/explain"
    golden "$name.explain" "$tmp/explain" || continue
    # shellcheck disable=SC2086
    "$QVMXL" convert --to=json --no-files $args "$f" >/dev/null 2>"$tmp/err"
    code=$?
    if [ $checked != $code ]; then
        bad "$f: check exits $checked, convert $code: check refuses what create -n refuses"
        continue
    fi
    { echo "exit $code"; cat "$tmp/err"; } >"$tmp/convert"
    case $code in
    0) translated=$((translated + 1)) ;;
    65)
        refused=$((refused + 1))
        ok=1
        for c in $(sed -n 's/.*: error: .*\[\([a-z0-9-]*\)\]$/\1/p' "$tmp/err" | sort -u); do
            echo "$limits" | grep -qx -- "$c" || { bad "$f: refusal $c is not a listed Xen limit"; ok=0; }
        done
        [ $ok = 1 ] || continue
        ;;
    *)
        bad "$f: convert exits $code"
        continue
        ;;
    esac
    golden "$name.convert" "$tmp/convert" || continue
    pass=$((pass + 1))
done
[ $files -ge 25 ] || bad "only $files real configurations (at least 25)"
echo "conf-real: $files files read, $translated translated, $refused refused by a Xen limit"
echo "conf-real: $pass passed, $fail failed"
[ $fail -eq 0 ]
