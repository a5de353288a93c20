# SPDX-License-Identifier: LGPL-2.1-only
# 10-qvmxl-create: qvm-xl create on examples/pvh-pinned.qvmconf (the case directories hold
# copies of examples/, kept equal by tests/toolstack/golden.sh): console output, vCPUs,
# per-vCPU pinning, memory, qvm-xl list, qvm-xl destroy; then pvh-channel.qvmconf (only
# here): a channel reaches xenstore.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR

# xenconsoled appends to a name's log: the one an earlier attempt left (run-cases retries a
# failed case) would answer the console checks before this guest has booted.
rm -f "$(qx_console pvh-pinned)" "$(qx_console pvh-channel)"
t=$(qx_now)
check "qvm-xl create pvh-pinned" qvm-xl create "$D/pvh-pinned.qvmconf"
diag "time qvm-xl-create $(qx_elapsed "$t") s"
domid=$(xl domid pvh-pinned 2>/dev/null)
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
# qvm-xl list's row (name, ID, memory, online vCPUs) is xl list's, read right after.
row() { awk -v n=pvh-pinned '$1 == n { print $1, $2, $3, $4 }'; }
qx_row=$(qvm-xl list | row)
xl_row=$(xl list | row)
is "qvm-xl list shows it as xl list does" "$qx_row" "$xl_row"
set -- $qx_row
is "qvm-xl list shows its 2 vCPUs online" "${4:-}" 2
if [ "${2:-}" != "$domid" ] || [ "${4:-}" != 2 ]; then
    diag "created as domain $domid; xl vcpu-list:"
    xl vcpu-list pvh-pinned | sed 's/^/#   /'
fi
check "qvm-xl destroy" qvm-xl destroy pvh-pinned
is "qvm-xl list shows only Domain-0" "$(qvm-xl list | awk 'NR > 1 { print $1 }' | tr '\n' ' ')" "Domain-0 "

# A virtio-console after the first becomes a libxl channel. libxl numbers channels from 1
# itself (devid 0 is the primary console's) and refuses, without failing the create, a
# channel given devid 0, as xl up to 4.18.4/4.19.1/4.20.0 (Debian 12's 4.17 too) gives the
# first one: qvm-xl leaves devid unset, and the channel must be there on every release.
# QEMU serves channels (libxl starts it for a PVH guest that has one): dom0 has it with
# QX_E2E_HVM=1 only.
if [ -x /usr/libexec/xen-qemu-system-i386 ]; then
    check "qvm-xl create pvh-channel" qvm-xl create "$D/pvh-channel.qvmconf"
    id=$(xl domid pvh-channel 2>/dev/null)
    is "channel logs is the domain's console 1" \
        "$(xenstore-read "/local/domain/$id/device/console/1/name" 2>/dev/null)" logs
    check "qvm-xl destroy pvh-channel" qvm-xl destroy pvh-channel
else
    ok "a channel reaches xenstore # SKIP no QEMU in dom0 to serve it (QX_E2E_HVM=1 adds one)"
fi

qx_done
