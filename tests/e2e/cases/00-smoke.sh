# SPDX-License-Identifier: LGPL-2.1-only
# 00-smoke: xl create a pinned 2-vCPU PVH guest, read what it printed on its console,
# check its vCPUs and their hard affinity, destroy it, and check only Domain-0 is left.
. /e2e/lib/dom0-lib.sh

t=$(qx_now)
check "xl create" xl create "$QX_CASE_DIR/guest.cfg"
diag "time xl-create $(qx_elapsed "$t") s"
if qx_wait_console smoke '^QXGUEST end' 180; then
    ok "guest reported on its console"
else
    not_ok "guest reported on its console"
    tail -n 20 "$(qx_console smoke)" 2>/dev/null | sed 's/^/#   /'
fi
diag "time create-to-report $(qx_elapsed "$t") s"
is "guest sees 2 cpus" "$(qx_guest_value smoke cpus)" 2
is "guest has its command line" "$(qx_guest_value smoke cmdline | grep -c qxguest.stay=1)" 1
is "guest has a Xen console" "$(qx_guest_devs smoke | grep -c '^console hvc0')" 1
is "xl vcpu-list shows 2 vCPUs" "$(qx_vcpu_count smoke)" 2
is "vCPU 0 hard affinity" "$(qx_vcpu_affinity smoke 0)" 1
is "vCPU 1 hard affinity" "$(qx_vcpu_affinity smoke 1)" 0
tr -d '\r' <"$(qx_console smoke)" | grep '^QXGUEST' | sed 's/^/# guest console: /'
check "xl destroy" xl destroy smoke
is "xl list shows only Domain-0" "$(xl list | awk 'NR > 1 { print $1 }' | tr '\n' ' ')" "Domain-0 "
qx_done
