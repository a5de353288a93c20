# SPDX-License-Identifier: LGPL-2.1-only
# 12-qvmxl-poweroff: a guest that powers off is destroyed by qvm-xl's monitor (qvm exits
# with its guest), as xl's daemon does for on_poweroff="destroy".
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
check "qvm-xl create pvh-small" qvm-xl create "$D/pvh-small.qvmconf"
qx_wait_console pvh-small '^QXGUEST end' 100 && ok "pvh-small reported" || not_ok "pvh-small reported"
is "pvh-small: 1 cpu" "$(qx_guest_value pvh-small cpus)" 1
end=$(($(qx_now) + 3000))
while [ -n "$(qx_domains)" ] && [ "$(qx_now)" -lt "$end" ]; do sleep 0.5; done
is "powered-off guest is gone" "$(qx_domains | tr '\n' ' ')" ""

# create -F waits on libxl's domain-death events and exits as qvm does for why the guest
# stopped (qvm-xl(1), EXIT STATUS): 0 when it powers off ...
timeout 150 qvm-xl create -F "$D/pvh-small.qvmconf" >/dev/null 2>&1
is "create -F: a guest that powers off exits 0" "$?" 0
is "create -F: the powered-off guest is gone" "$(qx_domains | tr '\n' ' ')" ""
# ... and 3 when the domain is destroyed from outside (qvm killed: power cut).
# The earlier runs' "QXGUEST end" lines must not count (qx_wait_console_more).
n0=$(qx_console_count pvh-small '^QXGUEST end')
timeout 150 qvm-xl create -F "$D/pvh-small.qvmconf" cmdline "console=hvc0 qxguest.stay=1" \
    >/dev/null 2>&1 &
fg=$!
# Destroyed once it runs: earlier, create itself would still be at work (unpause...), and a
# domain destroyed under it is a creation failure (exit 4), not a stopped guest.
qx_wait_console_more pvh-small '^QXGUEST end' "$n0" 100 ||
    not_ok "create -F: the staying guest reported"
xl destroy pvh-small >/dev/null 2>&1
wait $fg
is "create -F: a domain destroyed from outside exits 3" "$?" 3

qx_done
