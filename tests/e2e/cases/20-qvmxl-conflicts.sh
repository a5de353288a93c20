# SPDX-License-Identifier: LGPL-2.1-only
# 20-qvmxl-conflicts: host precedence. Each conflict exits 3 (qvm-xl(1)) with a message
# naming the resource kind, and creates no domain.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
T=/tmp/qx-conflicts
mkdir -p $T

# expect_conflict TEXT KIND HOLDER-REGEX qvm-xl create ARGS...: exit 3, the message names
# KIND and its holder, and no domain exists afterwards.
expect_conflict() {
    _text=$1 _kind=$2 _who=$3
    shift 3
    "$@" >$T/out 2>&1
    _rc=$?
    is "$_text: exit 3" "$_rc" 3
    if grep -q "host conflict ($_kind).*$_who" $T/out; then ok "$_text: names $_kind and $_who"; else
        not_ok "$_text: names $_kind and $_who"
        sed 's/^/#   /' $T/out
    fi
    grep 'host conflict' $T/out | head -n 2 | sed 's/^/# message: /'
    is "$_text: no domain created" "$(qx_domains | tr '\n' ' ')" ""
}

expect_conflict "pCPU out of range" pcpu "does not exist" \
    qvm-xl create "$D/pvh-small.qvmconf" cpu runmask 63
expect_conflict "memory too large" memory "free" \
    qvm-xl create "$D/pvh-small.qvmconf" ram 8g

# An iomem range dom0 holds: the first device leaf of /proc/iomem (qvm-xl(1)'s rule).
range=$(awk '{ d = match($0, /[^ ]/) } NR > 1 && d <= pd && keep { print prev; exit }
    { pd = d; prev = $1; n = $0; sub(/^ *[0-9a-f]+-[0-9a-f]+ : /, "", n)
      keep = n !~ /^(System RAM|reserved|Reserved|PCI Bus|Kernel |Crash kernel|PCI ECAM|RAM buffer)/ }' /proc/iomem)
if [ -n "$range" ]; then
    start=$(printf '0x%x' $((0x${range%-*} & ~0xfff)))
    diag "dom0 iomem range $range"
    expect_conflict "iomem held by dom0" iomem "dom0" \
        qvm-xl create "$D/pvh-small.qvmconf" pass loc "mem:$start,0x1000"
else
    not_ok "iomem held by dom0: no device range in /proc/iomem"
fi

# An irq dom0 holds: a xen-pirq line of /proc/interrupts. Passing an irq needs an
# ioapic, so this guest would be HVM; the check comes before anything is built.
irq=$(awk '/pirq/ { sub(":", "", $1); print $1; exit }' /proc/interrupts)
if [ -n "$irq" ]; then
    diag "dom0 irq $irq: $(grep "^ *$irq:" /proc/interrupts)"
    expect_conflict "irq held by dom0" irq "dom0" \
        qvm-xl create "$D/pvh-small.qvmconf" vdev ioapic loc 0xfec00000 intr apic name myioapic \
        pass intr "myioapic:$irq"
else
    ok "irq held by dom0: # SKIP dom0 has no physical irq here"
fi

# A name in use.
check "create pvh-pinned" qvm-xl create -q "$D/pvh-pinned.qvmconf"
qvm-xl create "$D/pvh-pinned.qvmconf" >$T/out 2>&1
is "duplicate name: exit 3" "$?" 3
grep -q "host conflict (name).*domain pvh-pinned" $T/out && ok "duplicate name: names the domain" ||
    not_ok "duplicate name: names the domain"
is "duplicate name: still one domain" "$(qx_domains | tr '\n' ' ')" "pvh-pinned "
qvm-xl destroy pvh-pinned

# The host reservation file: given, and the default one.
printf '# host: pCPU 0 and a window are the host'"'"'s\ncpu runmask 0\nreserve loc mem:0xe0000000,0x100000\nreserve intr 5\n' >$T/host.qvmconf
expect_conflict "pCPU reserved for the host" pcpu "host reservation" \
    qvm-xl create --host-reserve $T/host.qvmconf "$D/pvh-small.qvmconf"
mkdir -p /etc/qvm-xl
cp $T/host.qvmconf /etc/qvm-xl/host.qvmconf
expect_conflict "reserved iomem (default file)" iomem "host reservation" \
    qvm-xl create "$D/pvh-pinned.qvmconf" pass loc mem:0xe0080000,0x1000
rm -f /etc/qvm-xl/host.qvmconf
printf 'ram 1g\n' >$T/bad.qvmconf
qvm-xl create --host-reserve $T/bad.qvmconf "$D/pvh-small.qvmconf" >$T/out 2>&1
is "a VM item in the reservation file: exit 3" "$?" 3
is "no domain" "$(qx_domains | tr '\n' ' ')" ""
qx_done
