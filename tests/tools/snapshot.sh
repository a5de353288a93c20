#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Everything qvm-xl prints for every input of the test corpora, one file per
# input and command (stdout, stderr, exit status, and the hash of a device tree
# written), so that a restructuring can show it changed no behaviour:
#   tests/tools/snapshot.sh QVM_XL OUTDIR     (run from the source tree's top)
#   diff -r BEFORE AFTER
# Inputs: every qvmconf (conf good/bad/real, goldens, reverse, fuzz corpus) and
# every xl.cfg (reverse, goldens, fuzz corpus).
set -u
QX=$1
OUT=$2
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # NAME ARGS...: one command's outputs into $OUT/NAME
    name=$1
    shift
    rm -f "$tmp/out.dtb"
    (cd "$tmp" && "$QX" "$@") >"$tmp/o" 2>"$tmp/e" </dev/null
    rc=$?
    {
        echo "rc=$rc"
        echo "--- stdout"
        cat "$tmp/o"
        echo "--- stderr"
        cat "$tmp/e"
        [ -f "$tmp/out.dtb" ] && { echo "--- dtb"; cksum <"$tmp/out.dtb"; }
    } | sed "s|$tmp|TMP|g" >"$OUT/$name"
}

n=0
for f in $(find tests/conf/good tests/conf/bad tests/conf/real tests/golden tests/reverse/qvm \
    tests/fuzz/corpus-conf -type f \( -name '*.qvmconf' -o -path '*corpus-conf*' \) | sort); do
    abs=$PWD/$f
    key=$(echo "$f" | tr '/' '_')
    run "$key.check" check "$abs"
    run "$key.check-json" check --json "$abs"
    run "$key.explain" check --explain --no-files "$abs"
    run "$key.canonical" check --canonical --no-files "$abs"
    for t in x86_64 aarch64; do
        run "$key.xl-$t" convert --to=xl --no-files --target "$t" --dtb out.dtb "$abs"
        run "$key.json-$t" convert --to=json --no-files --target "$t" --dtb out.dtb "$abs"
    done
    run "$key.qvmconf" convert --to=qvmconf "$abs"
    n=$((n + 1))
done
m=0
for f in $(find tests/reverse tests/golden tests/fuzz/corpus-xlcfg -type f \
    \( -name '*.cfg' -o -path '*corpus-xlcfg*' \) | sort); do
    abs=$PWD/$f
    key=$(echo "$f" | tr '/' '_')
    case $f in *.cfg) src=$abs ;; *) cp "$abs" "$tmp/in.cfg" && src=$tmp/in.cfg ;; esac
    run "$key.reverse" convert --to=qvmconf "$src"
    m=$((m + 1))
done
echo "snapshot: $n qvmconf inputs, $m xl.cfg inputs, $(ls "$OUT" | wc -l) outputs in $OUT"
