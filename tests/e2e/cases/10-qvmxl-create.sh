# SPDX-License-Identifier: LGPL-2.1-only
# 10-qvmxl-create: qvm-xl create on examples/pvh-pinned.qvmconf (the case directories hold
# copies of examples/, kept equal by tests/toolstack/golden.sh): console output, vCPUs,
# per-vCPU pinning, memory, qvm-xl list, qvm-xl destroy.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR

t=$(qx_now)
check "qvm-xl create pvh-pinned" qvm-xl create "$D/pvh-pinned.qvmconf"
diag "time qvm-xl-create $(qx_elapsed "$t") s"
if qx_wait_console pvh-pinned '^QXGUEST end' 100; then
    ok "pvh-pinned reported on its console"
else
    not_ok "pvh-pinned reported on its console"
    tail -n 20 "$(qx_console pvh-pinned)" 2>/dev/null | sed 's/^/#   /'
fi
is "guest sees 2 cpus" "$(qx_guest_value pvh-pinned cpus)" 2
is "guest has its command line" "$(qx_guest_value pvh-pinned cmdline)" "console=hvc0 qxguest.stay=1"
diag "guest MemTotal: $(qx_guest_value pvh-pinned memkb) kB"
is "xl list shows 128 MiB" "$(xl list pvh-pinned | awk 'NR == 2 { print $3 }')" 128
is "xl vcpu-list shows 2 vCPUs" "$(qx_vcpu_count pvh-pinned)" 2
is "vCPU 0 hard affinity (cpu runmask 1)" "$(qx_vcpu_affinity pvh-pinned 0)" 1
is "vCPU 1 hard affinity (cpu runmask 0)" "$(qx_vcpu_affinity pvh-pinned 1)" 0
is "qvm-xl list shows it" "$(qvm-xl list | awk '$1 == "pvh-pinned" { print $4 }')" 2
check "qvm-xl destroy" qvm-xl destroy pvh-pinned
is "qvm-xl list shows only Domain-0" "$(qvm-xl list | awk 'NR > 1 { print $1 }' | tr '\n' ' ')" "Domain-0 "

qx_done
