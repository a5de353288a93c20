# SPDX-License-Identifier: LGPL-2.1-only
# io-30-sp805 (GICv3 host, Xen with ioreq servers): io-30-sp805/arm-watchdog.qvmconf has an SP805
# emulated by qvm-xl-backend with action terminate. The guest starts it (1 s period at the
# default 25 MHz) and never kicks it: on the second expiry the backend shuts the domain down
# with the watchdog reason, on_watchdog="destroy" destroys it, and its backend goes too.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
g=arm-watchdog
t=$(qx_now)
check "qvm-xl create --target aarch64,+ioreq $g" qvm-xl create --target aarch64,+ioreq "$D/$g.qvmconf"
diag "time qvm-xl-create-with-backend $(qx_elapsed "$t") s"
blog=/var/log/xen/qvm-xl-backend-$(xl domid "$g" 2>/dev/null).log
# Xen 4.17 ARM has no shutdown dm op: only here does the backend load libxenctrl.
bpid=$(pidof qvm-xl-backend)
check "the ARM watchdog backend has libxenctrl loaded" grep -q libxenctrl "/proc/${bpid:-none}/maps"
if qx_wait_console "$g-vuart0" '^QXGUEST sp805 control=' 90; then
    ok "guest started the watchdog"
else
    not_ok "guest started the watchdog"
    tail -n 10 "$(qx_console "$g-vuart0")" 2>/dev/null | sed 's/^/#   /'
fi
is "the control register reads back INTEN|RESEN" "$(qx_guest_value "$g-vuart0" 'sp805 control')" 0x00000003
t=$(qx_now)
end=$((t + 3000))
while xl domid "$g" >/dev/null 2>&1 && [ "$(qx_now)" -lt "$end" ]; do sleep 0.2; done
if xl domid "$g" >/dev/null 2>&1; then
    not_ok "unkicked watchdog terminated the domain (still there after 30 s)"
else
    ok "unkicked watchdog terminated the domain"
    diag "domain gone $(qx_elapsed "$t") s after the guest started the watchdog"
fi
sed 's/^/#   backend: /' "$blog" 2>/dev/null | tail -n 5
sleep 1
is "no backend left" "$(pidof qvm-xl-backend | wc -w)" 0
qx_done
