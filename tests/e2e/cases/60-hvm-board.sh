# SPDX-License-Identifier: LGPL-2.1-only
# 60-hvm-board: qvm-xl create of a QNX-style x86 board (ioapic, two 8259s, timer8254,
# mc146818, hpet, ser8250 at 0x3f8) as an HVM guest with QEMU as device model (hvmloader,
# SeaBIOS, direct kernel boot). The guest must see its 2 vCPUs, its memory, Xen's IOAPIC and
# HPET, the RTC, and QEMU's 16550 at COM1, whose output lands in the configured hostdev file;
# xl vcpu-list must show the per-vCPU pinning. One HVM boot (nested TCG makes them dear), so
# every check reads the same report. Each byte on QEMU's 16550 is an ioreq round trip to dom0
# (slow under TCG), so the kernel boots quietly and only the report goes to ttyS0.
. /e2e/lib/dom0-lib.sh
# Opt-in for now: hvmloader and SeaBIOS run and QEMU starts the kernel (linuxboot), but the
# guest kernel has not reached its init within 180 s under nested TCG on either release.
if [ "${QX_E2E_HVM:-0}" != 1 ]; then
    echo "ok 1 - # SKIP the HVM guest does not boot in time under nested TCG yet (QX_E2E_HVM=1 runs it)"
    exit 0
fi
D=$QX_CASE_DIR
out=/var/log/xen/hvm-board-ttyS0.log
rm -f $out
# val KEY: the value of the guest's "QXGUEST KEY=value" line in the hostdev file.
val() { tr -d '\r' <$out 2>/dev/null | sed -n "s/^QXGUEST $1=//p" | tail -n1; }

t=$(qx_now)
check "qvm-xl create hvm-board (HVM, QEMU device model)" qvm-xl create "$D/hvm-board.qvmconf"
diag "time qvm-xl-create-hvm $(qx_elapsed "$t") s"
is "one QEMU device model runs for it" "$(pidof xen-qemu-system-i386 | wc -w)" 1
end=$(($(qx_now) + 18000))
while ! grep -q '^QXGUEST end' $out 2>/dev/null && [ "$(qx_now)" -lt "$end" ]; do sleep 0.5; done
if grep -q '^QXGUEST end' $out 2>/dev/null; then
    ok "the guest's report reached the hostdev file through QEMU's COM1"
else
    not_ok "the guest's report reached the hostdev file through QEMU's COM1"
    tail -c 600 $out 2>/dev/null | sed 's/^/#   ttyS0: /'
    tail -n 10 "$(qx_console hvm-board)" 2>/dev/null | sed 's/^/#   hvc0: /'
    tail -n 15 /var/log/xen/qemu-dm-hvm-board.log 2>/dev/null | sed 's/^/#   qemu: /'
    tail -n 15 /var/log/xen/xl-hvm-board.log 2>/dev/null | sed 's/^/#   xl: /'
    xl dmesg | tail -n 15 | sed 's/^/#   xen: /'
fi
diag "guest up after $(qx_elapsed "$t") s"
is "guest sees 2 cpus" "$(val cpus)" 2
is "guest has its command line" "$(val cmdline)" "quiet console=hvc0 console=ttyS0 qxguest.stay=1"
mem=$(val memkb)
diag "guest MemTotal: $mem kB; xl list: $(xl list hvm-board | awk 'NR == 2 { print $3 }') MiB"
[ "${mem:-0}" -gt 90000 ] && [ "${mem:-0}" -le 131072 ] && ok "guest memory fits ram 0,0xa0000 + 1m,127m" ||
    not_ok "guest memory fits ram 0,0xa0000 + 1m,127m (MemTotal ${mem:-none} kB)"
devs=$(tr -d '\r' <$out | sed -n 's/^QXGUEST dev serial //p' | tr '[:upper:]' '[:lower:]')
case " $devs " in
*"ttys0 port=0x3f8 irq=4"*) ok "guest sees a 16550 at 0x3f8, IRQ 4 (ser8250 intr myioapic:4)" ;;
*) not_ok "guest sees a 16550 at 0x3f8, IRQ 4: got '$devs'" ;;
esac
case " $(val irqchips) " in
*IO-APIC*) ok "guest routes legacy IRQs through the IOAPIC" ;;
*) not_ok "guest routes legacy IRQs through the IOAPIC: '$(val irqchips)'" ;;
esac
case " $(val clocksources) " in
*" hpet "*) ok "guest has the HPET as a clock source" ;;
*) not_ok "guest has the HPET as a clock source: '$(val clocksources)'" ;;
esac
is "guest has the mc146818 RTC" "$(val rtc)" rtc_cmos
is "xl vcpu-list shows 2 vCPUs" "$(qx_vcpu_count hvm-board)" 2
is "vCPU 0 hard affinity (cpu runmask 1)" "$(qx_vcpu_affinity hvm-board 0)" 1
is "vCPU 1 hard affinity (cpu runmask 0)" "$(qx_vcpu_affinity hvm-board 1)" 0
check "qvm-xl destroy hvm-board" qvm-xl destroy hvm-board
sleep 1
is "QEMU is gone with it" "$(pidof xen-qemu-system-i386 | wc -w)" 0
is "no domain left" "$(qx_domains | tr '\n' ' ')" ""
qx_done
