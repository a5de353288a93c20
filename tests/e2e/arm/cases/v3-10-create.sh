# SPDX-License-Identifier: LGPL-2.1-only
# v3-10-create (GICv3 host): qvm-xl create of examples/arm-gicv3-smp.qvmconf: 2 vCPUs pinned
# in reverse order, 192 MiB asked for at 0x80000000 (Xen places RAM at 0x40000000), the vuart
# console; then a guest kernel Xen cannot load (an ELF file) is refused naming the file.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
g=arm-gicv3-smp
t=$(qx_now)
check "qvm-xl create $g" qvm-xl create "$D/$g.qvmconf"
diag "time qvm-xl-create $(qx_elapsed "$t") s"
if qx_wait_console "$g-vuart0" '^QXGUEST end' 60; then
    ok "$g reported through the vuart (guest-$g-vuart0.log)"
else
    not_ok "$g reported through the vuart (guest-$g-vuart0.log)"
    tail -n 20 "$(qx_console "$g-vuart0")" 2>/dev/null | sed 's/^/#   /'
fi
diag "time to guest report $(qx_elapsed "$t") s"
is "guest sees 2 cpus" "$(qx_guest_value "$g-vuart0" cpus)" 2
is "guest has both online" "$(qx_guest_value "$g-vuart0" online)" 0-1
is "guest runs on a GICv3 (its irqchip driver)" "$(qx_guest_value "$g-vuart0" gic)" GICv3
mem=$(qx_guest_value "$g-vuart0" memkb)
if [ -n "$mem" ] && [ "$mem" -gt 150000 ] && [ "$mem" -le 196608 ]; then
    ok "guest MemTotal $mem kB fits 192 MiB"
else not_ok "guest MemTotal '$mem' kB fits 192 MiB"; fi
is "xl list shows 192 MiB" "$(xl list "$g" | awk 'NR == 2 { print $3 }')" 192
is "xl vcpu-list shows 2 vCPUs" "$(qx_vcpu_count "$g")" 2
is "vCPU 0 hard affinity (cpu runmask 1)" "$(qx_vcpu_affinity "$g" 0)" 1
is "vCPU 1 hard affinity (cpu runmask 0)" "$(qx_vcpu_affinity "$g" 1)" 0
is "qvm-xl list shows 2 vCPUs" "$(qvm-xl list | awk -v g="$g" '$1 == g { print $4 }')" 2
check "qvm-xl destroy $g" qvm-xl destroy "$g"

# Xen on ARM loads only Image/zImage kernels: an ELF (here dom0's busybox) must be refused
# before anything is built, with the file named.
sed 's|^load /boot/vmlinuz$|load /bin/busybox|; s/^system .*/system arm-elf/' \
    "$D/$g.qvmconf" >/tmp/elf.qvmconf
qvm-xl create /tmp/elf.qvmconf >/tmp/elf.out 2>&1
rc=$?
is "ELF kernel refused as a configuration error" "$rc" 65
if grep -q 'elf.qvmconf:[0-9]*:[0-9]*: error: .*/bin/busybox.*\[xlate-kernel-format\]' /tmp/elf.out
then ok "the error names the kernel file at its load item (xlate-kernel-format)"; else
    not_ok "the error names the kernel file at its load item (xlate-kernel-format)"; fi
sed 's/^/#   /' /tmp/elf.out | tail -n 6
is "nothing left behind" "$(qx_domains | tr '\n' ' ')" ""
qx_done
