#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# libvirt domain XML goldens: every translator golden (tests/golden/xlate/NAME.qvmconf, its
# "# xlate-args:" arch and caps as --target, and --prefer-pv) through `qvm-xl convert --to=libvirt
# --allow-partial --no-files` gives, byte for byte, tests/golden/libvirt/NAME.xml, or
# NAME.fail (its errors and exit status) when it does not translate. Each XML is valid by
# libvirt's own schema (virt-xml-validate, Debian's libvirt-clients: missing, it skips,
# except under CI=true where it fails), and converts back to qvmconf and again to the same
# XML (the comment of what is left out aside). REGEN=1 rewrites the expectations.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
qvmxl="$top_builddir/toolstack/qvm-xl"
case "$qvmxl" in /*) ;; *) qvmxl="$PWD/$qvmxl" ;; esac
src="$top_srcdir/tests/golden/xlate"
case "$src" in /*) ;; *) src="$PWD/$src" ;; esac
dir="$top_srcdir/tests/golden/libvirt"
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-golden.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

validate=$(command -v virt-xml-validate)
if [ -z "$validate" ]; then
    [ "${CI:-}" = true ] && { echo "FAIL: virt-xml-validate is missing (apt-get install libvirt-clients)"; exit 1; }
    echo "SKIP: virt-xml-validate is missing (apt-get install libvirt-clients)"
    exit 77
fi

# The --target of a golden: its --arch (default: none, convert chooses) and --caps.
target() {
    args=$(sed -n 's/^# xlate-args: //p' "$1")
    arch="" caps="" pv=""
    set -- $args
    while [ $# -ge 1 ]; do
        case $1 in
        --arch) arch=$2 && shift ;; --caps) caps=$2 && shift ;; --prefer-pv) pv=" --prefer-pv" ;;
        --*) shift ;;
        esac
        shift
    done
    [ -n "$caps" ] && arch=${arch:-x86_64}
    [ -n "$arch" ] && echo "--target=$arch${caps:+,$caps}$pv"
}

fail=0 n=0 valid=0 back=0
cd "$work" || exit 99
for in in "$src"/*.qvmconf; do
    name=$(basename "$in" .qvmconf)
    mkdir "$name" && cp "$in" "$name/" || exit 99
    tgt=$(target "$in")
    n=$((n + 1))
    # shellcheck disable=SC2086
    (cd "$name" && "$qvmxl" -q convert --to=libvirt --allow-partial --no-files $tgt "$name.qvmconf" \
        >out 2>err)
    rc=$?
    if [ $rc = 0 ]; then got=$name.xml; cp "$name/out" "$got"; else got=$name.fail; { cat "$name/err"; echo "exit $rc"; } >"$got"; fi
    if [ "${REGEN:-0}" = 1 ]; then
        rm -f "$dir/$name.xml" "$dir/$name.fail"
        cp "$got" "$dir/$got"
    elif ! diff -u "$dir/$got" "$got" >diff 2>&1; then
        echo "FAIL $got (- expected, + got):"; cat diff; fail=1
    fi
    [ $rc = 0 ] || continue
    if "$validate" "$got" domain >"$name/valid" 2>&1; then valid=$((valid + 1)); else
        echo "FAIL $got: not valid by libvirt's schema:"; cat "$name/valid"; fail=1
    fi
    # Back to qvmconf, and again to XML: the same domain. libvirt's schema has an arch for x86
    # Xen guests only, so an ARM guest's XML is read back for the golden's target.
    btgt=$tgt
    case $name in arm-*) btgt=${tgt:---target=aarch64} ;; esac
    # shellcheck disable=SC2086
    if ! "$qvmxl" -q convert --to=qvmconf $btgt "$got" >"$name/back.qvmconf" 2>"$name/back.err"; then
        echo "FAIL $got: does not convert back to qvmconf:"; cat "$name/back.err"; fail=1; continue
    fi
    # shellcheck disable=SC2086
    (cd "$name" && "$qvmxl" -q convert --to=libvirt --allow-partial --no-files $tgt back.qvmconf \
        >again.xml 2>again.err)
    grep -v '<!-- qvm-xl: not expressed' "$got" >"$name/first.xml"
    grep -v '<!-- qvm-xl: not expressed' "$name/again.xml" >"$name/second.xml"
    if diff -u "$name/first.xml" "$name/second.xml" >diff; then back=$((back + 1)); else
        echo "FAIL $got: XML -> qvmconf -> XML differs:"; cat diff "$name/again.err"; fail=1
    fi
done
[ "$n" -ge 30 ] || { echo "FAIL: only $n golden inputs"; fail=1; }
[ "$fail" = 0 ] && echo "PASS $n goldens, $valid valid by libvirt's schema, $back stable through qvmconf"
exit $fail
