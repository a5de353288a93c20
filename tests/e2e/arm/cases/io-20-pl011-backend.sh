# SPDX-License-Identifier: LGPL-2.1-only
# io-20-pl011-backend (GICv3 host, Xen built with ioreq servers: tests/e2e/arm/build-xen):
# io-20-pl011-backend/arm-uarts.qvmconf has a second pl011 at 0x1c0a0000, where Xen's vuart cannot be;
# qvm-xl-backend (cross-built) emulates it. The guest writes a line to its data register with
# devmem (polled: no interrupt is needed to transmit) and the line reaches the hostdev file.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
g=arm-uarts
out=/var/log/xen/arm-uarts-uart1.log
rm -f $out
t=$(qx_now)
check "qvm-xl create --target aarch64,+ioreq $g" qvm-xl create --target aarch64,+ioreq "$D/$g.qvmconf"
diag "time qvm-xl-create-with-backend $(qx_elapsed "$t") s"
is "one backend process" "$(pidof qvm-xl-backend | wc -w)" 1
qx_wait_console "$g-vuart0" '^QXGUEST run-rc=' 90 || diag "the guest did not finish its writes"
is "guest's devmem writes succeeded" "$(qx_guest_value "$g-vuart0" run-rc)" 0
if grep -q '^hello-from-arm-uarts$' $out 2>/dev/null; then
    ok "guest writes to 0x1c0a0000 reached the backend's hostdev file"
else
    not_ok "guest writes to 0x1c0a0000 reached the backend's hostdev file"
    tail -c 200 $out 2>/dev/null | sed 's/^/#   /'
fi
diag "after $(qx_elapsed "$t") s: $(wc -c <$out 2>/dev/null) bytes in the hostdev file"
blog=/var/log/xen/qvm-xl-backend-$(xl domid "$g" 2>/dev/null).log
# Interrupts: the guest unmasks the TX interrupt; the backend then raises SPI 38 with
# xendevicemodel_set_irq_level (docs/cross-arm64.md, "Interrupts").
diag "guest: $(tr -d '\r' <"$(qx_console "$g-vuart0")" | grep '^QXGUEST pl011')"
is "the guest's TX interrupt is pending in the model (UARTMIS.TXMIS)" \
    "$(tr -d '\r' <"$(qx_console "$g-vuart0")" | sed -n 's/^QXGUEST pl011 .*mis=//p')" 0x00000020
is "the backend raised SPI 38 without a set_irq_level error" \
    "$(grep -c set_irq_level "$blog" 2>/dev/null)" 0
sed 's/^/#   backend: /' "$blog" 2>/dev/null | head -n 8
xl dmesg | grep -i -E 'irq|spi|vgic' | tail -n 5 | sed 's/^/#   xen: /'
check "qvm-xl destroy $g" qvm-xl destroy "$g"
is "no backend left" "$(pidof qvm-xl-backend | wc -w)" 0
qx_done
