# SPDX-License-Identifier: LGPL-2.1-only
# 60-hvm-board: qvm-xl create of a QNX-style x86 board (ioapic, two 8259s, timer8254,
# mc146818, hpet, ser8250 at 0x3f8) as an HVM guest with QEMU as device model (hvmloader,
# SeaBIOS, QEMU's Multiboot loader). The guest is the x86 stand-in, a synthetic QNX IFS with
# a Multiboot header (docs/guest-images.md §5): it reports what it finds — the Multiboot
# information, the ACPI tables hvmloader built (MADT CPUs and IOAPIC, HPET, COM1's IRQ in the
# DSDT), the RTC — on QEMU's 16550 at COM1, whose output lands in the configured hostdev file,
# then powers off through ACPI (PM1a_CNT, \_S5). Before that it drives QEMU's virtio-pci
# functions for the vdev virtio-* (a polled legacy virtio driver): it reads dom0's marker in
# sector 0 of the disk file and writes sector 8, writes a line on the virtio-console (into its
# hostdev file), reads a line from dom0 on a second one (a pty) and answers it, and on the NIC
# (QEMU's tap on bridge xenbr0) asks dom0's address by ARP and pings it 64 times with 1400
# bytes, checking every reply.
# xl vcpu-list must show the per-vCPU pinning.
# Then a second, short HVM boot: the stand-in as a raw binary at 0x400000, which qvm-xl wraps
# behind a Multiboot 1 header (hvm-raw.qvmconf). Nested TCG makes HVM boots dear.
. /e2e/lib/dom0-lib.sh
# The rig adds QEMU, SeaBIOS, hvmloader and the stand-in to dom0 unless QX_E2E_HVM=0. The
# case itself takes 10-12 s on the rig (create 3 s, report 5-7 s, gone 7-9.5 s).
if [ "${QX_E2E_HVM:-1}" != 1 ]; then
    echo "ok 1 - # SKIP QX_E2E_HVM=0: the dom0 has no QEMU, firmware or stand-in guest"
    exit 0
fi
D=$QX_CASE_DIR
img=/usr/share/qvm-xl-e2e/standin-mb.ifs
out=/var/log/xen/hvm-board-ttyS0.log
rm -f $out
# line KEY: the rest of the hostdev file's "QXGUEST KEY=..." (or "QXGUEST KEY ...") line;
# val KEY: its first word.
line() { tr -d '\r' <$out 2>/dev/null | sed -n "s/^QXGUEST $1[= ]//p" | tail -n1; }
val() { line "$1" | cut -d' ' -f1; }
# field KEY NAME: NAME=value on the line of KEY.
field() { line "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# report DOM WHAT: waits up to 240 s, while DOM exists, for the stand-in's "QXGUEST end" in
# $out; ok WHAT, else not_ok WHAT with where the guest got to.
report() {
    end=$(($(qx_now) + 24000))
    while ! grep -q '^QXGUEST end' $out 2>/dev/null && xl list "$1" >/dev/null 2>&1 &&
        [ "$(qx_now)" -lt "$end" ]; do sleep 0.5; done
    if grep -q '^QXGUEST end' $out 2>/dev/null; then
        ok "$2"
        return
    fi
    not_ok "$2"
    tail -c 600 $out 2>/dev/null | sed 's/^/#   ttyS0: /'
    tail -n 15 "/var/log/xen/qemu-dm-$1.log" 2>/dev/null | sed 's/^/#   qemu: /'
    tail -n 15 "/var/log/xen/xl-$1.log" 2>/dev/null | sed 's/^/#   xl: /'
    # The stand-in echoes its report to Xen's debug port 0xe9 too ("(dN) QXGUEST ...").
    xl dmesg | tail -n 12 | sed 's/^/#   xen: /'
    xl vcpu-list "$1" 2>/dev/null | sed 's/^/#   vcpu: /'
    xl debug-keys v >/dev/null 2>&1 # AMD-V VMCBs: where the guest's vCPUs are
    xl dmesg | grep -a -i -E 'vmcb for|rip|cr0 =' | tail -n 12 | sed 's/^/#   xen: /'
}

explain=$(qvm-xl check --explain "$D/hvm-board.qvmconf" 2>&1)
case $explain in
*"QNX IFS with a Multiboot header"*"started by QEMU's loader (HVM)"*)
    ok "check --explain names the format and how it starts" ;;
*) not_ok "check --explain names the format and how it starts"; echo "$explain" | grep load | sed 's/^/#   /' ;;
esac
# The virtio disk's file with a marker in sector 0, the console's file, and the bridge its
# NIC's tap joins (QEMU's tap: tun).
disk=/var/lib/qvm-xl-e2e/hvm-board-disk.img
vcon=/var/log/xen/hvm-board-vcon.log
mkdir -p /var/lib/qvm-xl-e2e && dd if=/dev/zero of=$disk bs=1M count=4 2>/dev/null
printf QXVBLK-from-dom0 | dd of=$disk conv=notrunc 2>/dev/null
rm -f $vcon
modprobe tun 2>/dev/null; modprobe bridge 2>/dev/null
brctl addbr xenbr0 2>/dev/null; ip link set xenbr0 up 2>/dev/null
# dom0's address on the bridge: the guest (10.0.60.2) asks for it by ARP, then pings it.
ip addr add 10.0.60.1/24 dev xenbr0 2>/dev/null
br_rx() { cat /sys/class/net/xenbr0/statistics/rx_packets 2>/dev/null || echo 0; }
br_rx0=$(br_rx)
t=$(qx_now)
check "qvm-xl create hvm-board (HVM, QEMU device model)" qvm-xl create "$D/hvm-board.qvmconf"
diag "time qvm-xl-create-hvm $(qx_elapsed "$t") s"
# The second virtio-console is a pty (no hostdev): QEMU names it in its log. A line for the
# guest goes in at once (QEMU leaves it in the pty until the guest gives a buffer); what the
# guest writes back is collected from the pty until QEMU closes it.
ptyout=/tmp/hvm-board-vcon2.out
: >$ptyout
pty=$(qx_qemu_pty hvm-board)
if [ -n "$pty" ] && stty -F "$pty" raw -echo 2>/dev/null; then
    ok "virtio-console without hostdev: QEMU's pty $pty"
    cat "$pty" >$ptyout 2>/dev/null &
    printf 'QXVCON-IN-from-dom0\n' >"$pty"
else not_ok "virtio-console without hostdev: QEMU's pty (got '$pty')"; fi
# QEMU's tap goes with the guest: sample its counters ("RX TX") while it exists.
tap=vif$(xl domid hvm-board 2>/dev/null).0-emu
diag "xenbr0 ports: $(ls /sys/class/net/xenbr0/brif 2>/dev/null | tr '\n' ' ')"
tapstats=/tmp/hvm-board-tap.stats
rm -f $tapstats
(
    s=/sys/class/net/$tap/statistics
    while [ -d $s ]; do
        r=$(cat $s/rx_packets 2>/dev/null) && x=$(cat $s/tx_packets 2>/dev/null) && echo "$r $x" >$tapstats
        sleep 0.1
    done
) &
is "one QEMU device model runs for it" "$(pidof xen-qemu-system-i386 | wc -w)" 1
# Read while hvmloader and SeaBIOS still run (seconds under nested TCG): the stand-in powers off.
is "xl vcpu-list shows 2 vCPUs" "$(qx_vcpu_count hvm-board)" 2
is "vCPU 0 hard affinity (cpu runmask 1)" "$(qx_vcpu_affinity hvm-board 0)" 1
is "vCPU 1 hard affinity (cpu runmask 0)" "$(qx_vcpu_affinity hvm-board 1)" 0
report hvm-board "the guest's report reached the hostdev file through QEMU's COM1"
diag "guest report after $(qx_elapsed "$t") s"
tr -d '\r' <$out 2>/dev/null | grep '^QXGUEST' | sed 's/^/# /'
is "QEMU's Multiboot loader started it (eax)" "$(field load magic)" 0x2badb002
is "it runs at its Multiboot load address" "$(val load)" 0x100000
is "it was entered at startup_vaddr" "$(field load entry)" 0x100200
# QEMU's Multiboot command line is the kernel's path, then the configured cmdline.
is "guest has its command line" "$(line cmdline)" "$img qnx x86 stand-in"
is "guest sees 2 cpus (MADT)" "$(val cpus)" 2
mem=$(val memkb)
diag "guest RAM (E820 type 1): $mem KiB; xl list: $(xl list hvm-board 2>/dev/null | awk 'NR == 2 { print $3 }') MiB"
# 128 MiB less what hvmloader keeps (a few pages): vga="none" leaves no video RAM to take.
if [ "${mem:-0}" -ge 129024 ] && [ "${mem:-0}" -le 131072 ]; then
    ok "guest memory is ram 0,0xa0000 + 1m,127m, none taken for video RAM"
else not_ok "guest memory is ram 0,0xa0000 + 1m,127m, none taken for video RAM (${mem:-no} KiB)"; fi
is "guest has the IOAPIC at 0xfec00000 (MADT)" "$(val ioapic)" 0xfec00000
is "the PIT's IRQ 0 goes to IOAPIC pin 2 (MADT override)" "$(field ioapic irq0-gsi)" 2
is "guest has the HPET at 0xfed00000 (ACPI HPET table)" "$(val hpet)" 0xfed00000
is "the HPET answers (vendor id)" "$(field hpet vendor)" 0x8086
is "guest has the mc146818 RTC" "$(val rtc)" valid
is "the BIOS found the 16550 at 0x3f8" "$(field serial port)" 0x3f8
is "the DSDT gives COM1 IRQ 4 (ser8250 intr myioapic:4)" "$(field serial irq)" 4
# virtio vdevs: QEMU's transitional virtio PCI functions (vendor 0x1af4), ID 0xDDDDVVVV.
is "virtio-blk-pci at the configured slot 5 (loc pci:0:5)" "$(field pci 5)" 0x10011af4
is "virtio-serial-pci (the virtio-console) at slot 6 (loc pci:0:6)" "$(field pci 6)" 0x10031af4
case " $(line pci) " in
*"=0x10001af4 "*) ok "a virtio-net-pci on bus 0" ;;
*) not_ok "a virtio-net-pci on bus 0 (got '$(line pci)')" ;;
esac
is "virtio-blk: capacity 8192 sectors (the 4 MiB file)" "$(field vblk capacity)" 8192
is "virtio-blk: the guest read sector 0 (status 0)" "$(field vblk status)" 0
is "virtio-blk: sector 0 has dom0's marker" "$(field vblk head)" QXVBLK-from-dom0
is "virtio-blk: the guest wrote sector 8 (status 0)" "$(field vblk write)" 0
is "virtio-console: the guest's line was taken (used ring)" "$(field vcon tx)" 0
is "virtio-console (pty): the guest read dom0's line" "$(field vcon2 got)" QXVCON-IN-from-dom0
is "virtio-console (pty): its answer was taken (used ring)" "$(field vcon2 tx)" 0
is "virtio-net: the MAC is the configured one" "$(field vnet mac)" 00:16:3e:60:00:01
case $(field vnet arp) in
[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-9a-f][0-9a-f])
    ok "virtio-net: dom0 answered the guest's ARP request ($(field vnet arp))" ;;
*) not_ok "virtio-net: dom0 answered the guest's ARP request (got '$(line vnet)')" ;;
esac
is "virtio-net: 64 pings to dom0 came back intact (89600 bytes each way)" "$(field vnet pings)" 64
tail -n 4 /var/log/xen/qemu-dm-hvm-board.log 2>/dev/null | sed 's/^/#   qemu: /'
# ACPI S5 (on_poweroff=destroy): the domain and its QEMU go away.
n=0
while xl list hvm-board >/dev/null 2>&1 && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
if xl list hvm-board >/dev/null 2>&1; then
    not_ok "the guest powered off through ACPI"
    qvm-xl destroy hvm-board >/dev/null 2>&1
else ok "the guest powered off through ACPI"; fi
diag "guest gone after $(qx_elapsed "$t") s"
sleep 1
is "QEMU is gone with it" "$(pidof xen-qemu-system-i386 | wc -w)" 0
is "virtio-blk: sector 8 of the disk file has the guest's marker" \
    "$(dd if=$disk bs=512 skip=8 count=1 2>/dev/null | tr -d '\000')" QXVBLK-written-by-x86-guest
is "virtio-console: the guest's line is in its hostdev file" \
    "$(tr -d '\r' <$vcon 2>/dev/null | grep -c '^QXVCON hello-from-x86-guest$')" 1
is "virtio-console (pty): dom0 read the guest's answer" \
    "$(tr -d '\r' <$ptyout 2>/dev/null | grep -c '^QXVCON echo=QXVCON-IN-from-dom0$')" 1
# The guest's frames: written into the tap by QEMU (the tap's RX), its ARP request a
# broadcast, so the bridge passes them up (xenbr0's RX), which only the guest's tap feeds. The
# tap's own counters are shown only: the guest powers off soon after, and the tap goes with
# QEMU before a 0.1 s sample may see them (missed once on 4.20).
diag "tap $tap RX TX packets: $(cat $tapstats 2>/dev/null); xenbr0 RX packets: $br_rx0 -> $(br_rx)"
if [ "$(br_rx)" -gt "$br_rx0" ]; then
    ok "virtio-net: the frame crossed bridge xenbr0"
else not_ok "virtio-net: the frame crossed bridge xenbr0"; fi
is "no domain left" "$(qx_domains | tr '\n' ' ')" ""

# A second, short guest: the same stand-in as a raw binary linked for 0x400000 without any
# header (standin-raw.bin), which qvm-xl wraps behind a Multiboot 1 header page at 0x3ff000;
# QEMU's Multiboot loader must start it at its first byte with Multiboot's entry state. The
# smallest board that gives it COM1 (an IOAPIC and the 16550), 64 MiB.
img=/usr/share/qvm-xl-e2e/standin-raw.bin
out=/var/log/xen/hvm-raw-ttyS0.log
rm -f $out
explain=$(qvm-xl check --explain "$D/hvm-raw.qvmconf" 2>&1)
case $explain in
*"raw binary $img at 0x400000, wrapped behind a Multiboot 1 header at 0x3ff000"*"started by QEMU (HVM) at 0x400000"*)
    ok "check --explain: a raw binary wrapped behind a Multiboot 1 header" ;;
*) not_ok "check --explain: a raw binary wrapped behind a Multiboot 1 header"; echo "$explain" | grep load | sed 's/^/#   /' ;;
esac
t=$(qx_now)
check "qvm-xl create hvm-raw (a raw binary at 0x400000, HVM)" qvm-xl create "$D/hvm-raw.qvmconf"
diag "time qvm-xl-create-hvm-raw $(qx_elapsed "$t") s"
end=$(($(qx_now) + 24000))
report hvm-raw "the raw guest's report reached the hostdev file"
diag "raw guest report after $(qx_elapsed "$t") s"
tr -d '\r' <$out 2>/dev/null | grep '^QXGUEST' | sed 's/^/# /'
is "QEMU's Multiboot loader started the raw guest (eax)" "$(field load magic)" 0x2badb002
is "the raw guest runs at its load address" "$(val load)" 0x400000
is "the raw guest was entered at its first byte" "$(field load entry)" 0x400000
# QEMU's Multiboot cmdline starts with the kernel file it loaded: here the wrapped image
# qvm-xl staged (and removed once the domain was built).
is "the raw guest has its command line" "$(line cmdline)" "/run/qvm-xl/hvm-raw.kernel qnx raw stand-in"
[ ! -e /run/qvm-xl/hvm-raw.kernel ] && ok "the staged wrapped image is gone after create" ||
    not_ok "the staged wrapped image is gone after create"
mem=$(val memkb)
diag "raw guest RAM (E820 type 1): $mem KiB"
if [ "${mem:-0}" -ge 63488 ] && [ "${mem:-0}" -le 65536 ]; then
    ok "the raw guest's memory is ram 0,0xa0000 + 1m,63m"
else not_ok "the raw guest's memory is ram 0,0xa0000 + 1m,63m (${mem:-no} KiB)"; fi
n=0
while xl list hvm-raw >/dev/null 2>&1 && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
if xl list hvm-raw >/dev/null 2>&1; then
    not_ok "the raw guest powered off through ACPI"
    qvm-xl destroy hvm-raw >/dev/null 2>&1
else ok "the raw guest powered off through ACPI"; fi
diag "raw guest gone after $(qx_elapsed "$t") s"
sleep 1
is "no domain left after the raw guest" "$(qx_domains | tr '\n' ' ')" ""
qx_done
