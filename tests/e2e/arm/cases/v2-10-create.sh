# SPDX-License-Identifier: LGPL-2.1-only
# v2-10-create (GICv2 host): qvm-xl create of examples/arm-gicv2.qvmconf: the guest prints
# through Xen's vuart (its pl011, relocated to 0x22000000), has the vCPU, pinning and memory
# asked for; a GICv3 guest is refused on this host with nothing left behind; destroy.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
g=arm-gicv2
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
is "guest sees 1 cpu" "$(qx_guest_value "$g-vuart0" cpus)" 1
is "guest console is the pl011 (ttyAMA0)" \
    "$(qx_guest_devs "$g-vuart0" | sed -n 's/^console \(ttyAMA0\).*/\1/p')" ttyAMA0
is "guest has its command line" "$(qx_guest_value "$g-vuart0" cmdline)" "console=ttyAMA0 quiet qxguest.stay=1"
mem=$(qx_guest_value "$g-vuart0" memkb)
if [ -n "$mem" ] && [ "$mem" -gt 90000 ] && [ "$mem" -le 131072 ]; then
    ok "guest MemTotal $mem kB fits 128 MiB"
else not_ok "guest MemTotal '$mem' kB fits 128 MiB"; fi
is "xl list shows 128 MiB" "$(xl list "$g" | awk 'NR == 2 { print $3 }')" 128
is "xl vcpu-list shows 1 vCPU" "$(qx_vcpu_count "$g")" 1
is "vCPU 0 hard affinity (cpu runmask 1)" "$(qx_vcpu_affinity "$g" 0)" 1
is "guest runs on a GICv2 (its irqchip driver)" "$(qx_guest_value "$g-vuart0" gic)" GIC-0
check "qvm-xl destroy $g" qvm-xl destroy "$g"

# The vGIC version must match the host's GIC: a v3 guest fails cleanly here.
sed 's/^vdev gic version 2$/vdev gic version 3/; s/^system arm-gicv2$/system arm-gicv3-on-v2/' \
    "$D/$g.qvmconf" >/tmp/v3-on-v2.qvmconf
qvm-xl create /tmp/v3-on-v2.qvmconf >/tmp/v3-on-v2.out 2>&1
rc=$?
if [ $rc -ne 0 ]; then ok "GICv3 guest on a GICv2 host refused (exit $rc)"; else
    not_ok "GICv3 guest on a GICv2 host refused (exit 0)"; fi
sed 's/^/#   /' /tmp/v3-on-v2.out | tail -n 5
is "nothing left behind" "$(qx_domains | tr '\n' ' ')" ""
qx_done
