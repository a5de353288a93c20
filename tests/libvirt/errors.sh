#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# libvirt domain XML errors, asserted by exit status, check name and place (not wording):
# what XML cannot express (an error, or with --allow-partial a warning and a comment), and
# XML that qvm-xl does not read back (malformed, unknown element or attribute, bad value).
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
qvmxl="$top_builddir/toolstack/qvm-xl"
case "$qvmxl" in /*) ;; *) qvmxl="$PWD/$qvmxl" ;; esac
golden="$top_srcdir/tests/golden"
case "$golden" in /*) ;; *) golden="$PWD/$golden" ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/libvirt-errors.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 99
fail=0 n=0

# t NAME STATUS 'ARGS' STDOUT-REGEX STDERR-REGEX ('-': not checked)
t() {
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$qvmxl" $3 >out 2>err
    rc=$?
    if [ $rc != "$2" ]; then echo "FAIL $1: exit $rc, expected $2"; cat err; fail=1; return; fi
    if [ "$4" != - ] && ! grep -q -e "$4" out; then echo "FAIL $1: stdout lacks /$4/"; cat out; fail=1; fi
    if [ "$5" != - ] && ! grep -q -e "$5" err; then echo "FAIL $1: stderr lacks /$5/"; cat err; fail=1; fi
}

cp "$golden/xlate/x86-cpu-runmask.qvmconf" weight.qvmconf
t unsupported 65 'convert --to=libvirt --no-files weight.qvmconf' - \
    'weight.qvmconf: error: libxl field b_info.sched_params.weight: .*\[libvirt-unsupported\]'
[ -s out ] && { echo "FAIL unsupported: XML written"; fail=1; }
t partial 0 'convert --to=libvirt --allow-partial --no-files weight.qvmconf' \
    '^  <!-- qvm-xl: not expressed: b_info.sched_params.weight -->$' \
    'warning: libxl field b_info.sched_params.weight: .*\[libvirt-unsupported\]'
cp "$golden/xlate/x86-ser8250-pvh.qvmconf" backend.qvmconf
t backend 65 'convert --to=libvirt --no-files backend.qvmconf' - \
    "error: qvm-xl-backend device 'ser8250,.*\[libvirt-unsupported\]"

cp "$golden/libvirt/x86-linux-pvh.xml" good.xml
t good-check 0 'check good.xml' - -
t good-back 0 'convert --to=qvmconf good.xml' '^system linux-pvh$' -

# XML that is refused, with the line and column of the element.
xml() { # NAME: the domain of good.xml with the stdin's lines after its <devices>
    sed '/<devices>/r /dev/stdin' good.xml >"$1.xml"
}
printf '<domain type="xen">\n  <name>x</nam>\n  <memory>1</memory>\n</domain>\n' >malformed.xml
t malformed 65 'convert --to=qvmconf malformed.xml' - \
    'malformed.xml:2:[0-9]*: error: not well-formed XML.*\[libvirt-syntax\]'
echo '    <sound model="es1370"/>' | xml unknown
t unknown-element 65 'convert --to=qvmconf unknown.xml' - \
    'unknown.xml:16:5: error: <sound> (devices/sound) is not read by qvm-xl \[libvirt-unknown\]'
t unknown-check 65 'check unknown.xml' - 'unknown.xml:16:5: .*\[libvirt-unknown\]'
echo '    <interface type="bridge" trustGuestRxFilters="yes"><source bridge="br0"/></interface>' | xml attr
t unknown-attribute 65 'convert --to=qvmconf attr.xml' - 'attr.xml:16:5: .*trustGuestRxFilters.*\[libvirt-unknown\]'
sed 's/<memory unit=.KiB.>/<memory unit="parsec">/' good.xml >unit.xml
t bad-unit 65 'convert --to=qvmconf unit.xml' - 'unit.xml:3:3: .*\[libvirt-value\]'
sed "s/type='xen'>/type='kvm'>/" good.xml >kvm.xml
t not-xen 65 'convert --to=qvmconf kvm.xml' - 'kvm.xml:1:1: .*\[libvirt-value\]'
{ echo '<!DOCTYPE domain [<!ENTITY x "y">]>'; cat good.xml; } >dtd.xml
t dtd 65 'convert --to=qvmconf dtd.xml' - '\[libvirt-syntax\]'
echo '<network><name>n</name></network>' >network.xml
t not-domain 65 'convert --to=qvmconf network.xml' - 'network.xml:1:1: .*\[libvirt-unknown\]'
sed 's/<name>/<name>a<!-- c -->b/' good.xml >comment.xml
t comment-in-text 65 'convert --to=qvmconf comment.xml' - 'comment.xml:2:3: .*\[libvirt-unknown\]'
sed 's#<vcpu placement=.static.>2</vcpu>#&<cputune><vcpupin vcpu="5" cpuset="0"/></cputune>#' good.xml >pin.xml
t pin-range 65 'convert --to=qvmconf pin.xml' - 'pin.xml:5:.*vcpupin.*\[libvirt-value\]'

[ "$fail" = 0 ] && echo "PASS $n libvirt error cases"
exit $fail
