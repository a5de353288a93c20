# SPDX-License-Identifier: LGPL-2.1-only
# 15-qvmxl-serial: a PVH guest whose 16550 at 0x3f8 is emulated by qvm-xl-backend: create
# starts one backend and unpauses after its ready line; the guest kernel's console output on
# ttyS0 (written to 0x3f8) reaches the hostdev file; destroy stops the backend. (Every byte
# is an ioreq round trip, slow under TCG, so this waits for the kernel's banner only.)
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
out=/var/log/xen/pvh-serial-ttyS0.log
rm -f $out
t=$(qx_now)
check "qvm-xl create pvh-serial (with a backend)" qvm-xl create "$D/pvh-serial.qvmconf"
diag "time qvm-xl-create-with-backend $(qx_elapsed "$t") s"
is "one backend process" "$(pidof qvm-xl-backend | wc -w)" 1
end=$(($(qx_now) + 6000))
while ! grep -q 'Linux version' $out 2>/dev/null && [ "$(qx_now)" -lt "$end" ]; do sleep 0.5; done
if grep -q 'Linux version' $out 2>/dev/null; then ok "guest writes to 0x3f8 reached the hostdev file"; else
    not_ok "guest writes to 0x3f8 reached the hostdev file"
    tail -c 300 $out 2>/dev/null | sed 's/^/#   /'
    qvm-xl list | sed 's/^/#   /'
    tail -n 5 /var/log/xen/qvm-xl-backend-*.log 2>/dev/null | sed 's/^/#   backend: /'
    tail -n 15 "$(qx_console pvh-serial)" 2>/dev/null | sed 's/^/#   console: /'
fi
diag "after $(qx_elapsed "$t") s: $(wc -c <$out 2>/dev/null) bytes in the hostdev file"
check "qvm-xl destroy pvh-serial" qvm-xl destroy pvh-serial
is "no backend left" "$(pidof qvm-xl-backend | wc -w)" 0
is "no domain left" "$(qx_domains | tr '\n' ' ')" ""
qx_done
