# SPDX-License-Identifier: LGPL-2.1-only
# io-40-virtio (GICv3 host, Xen built with ioreq servers): a Linux guest created by qvm-xl from
# io-40-virtio/arm-virtio.qvmconf finds its virtio devices through the virtio,mmio nodes qvm-xl
# put in its device tree, binds Linux's virtio-mmio drivers to them, and uses them through
# qvm-xl-backend, interrupt-driven:
#   virtio-console (hostdev pty): a line from the guest reaches the pty in dom0, and a line
#   written to the pty in dom0 reaches the guest;
#   virtio-blk (a file): the guest reads dom0's marker, writes its own (checked in the file
#   after the guest is gone);
#   virtio-net (a tap on bridge xenbr0): the guest pings dom0's bridge address and fetches
#   1 MiB from dom0 (nc), checksum compared.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
g=arm-virtio
img=/tmp/qx-vblk.img
qx_virtio_host $img
t=$(qx_now)
check "qvm-xl create --target aarch64,+ioreq $g" qvm-xl create --target aarch64,+ioreq "$D/$g.qvmconf"
diag "time qvm-xl-create-with-backend $(qx_elapsed "$t") s"
is "one backend process" "$(pidof qvm-xl-backend | wc -w)" 1
blog=/var/log/xen/qvm-xl-backend-$(xl domid "$g" 2>/dev/null).log
pty=$(sed -n 's/^pty virtio-console //p' "$blog" 2>/dev/null)
if [ -c "$pty" ]; then ok "the virtio console's pty: $pty"; else not_ok "the virtio console's pty"; fi
# The host end: raw, no echo (an echo would go back to the guest), read from now on.
vout=/tmp/$g-vcon.out
stty -F "$pty" raw -echo 2>/dev/null
cat "$pty" >"$vout" 2>/dev/null &
reader=$!
console=$(qx_console "$g-vuart0")

qx_wait_console "$g-vuart0" '^QXGUEST vcon' 120 || diag "the guest did not report its console"
dt=$(qx_guest_value "$g-vuart0" virtio-dt)
case " $dt " in
*" virtio@1c0b0000 "*) ok "the guest's DT has virtio@1c0b0000 ($dt)" ;;
*) not_ok "the guest's DT has virtio@1c0b0000 (got '$dt')" ;;
esac
if tr -d '\r' <"$console" | grep -q '^QXGUEST virtio-dev .* id=0x0003 driver=virtio_console$'; then
    ok "virtio_console bound to a device of id 3"
else
    not_ok "virtio_console bound to a device of id 3"
    tr -d '\r' <"$console" | grep -E '^QXGUEST (virtio|mod)' | sed 's/^/#   /'
fi
is "the guest found its virtio console's hvc" "$(qx_guest_value "$g-vuart0" vcon | cut -c1-8)" /dev/hvc

# Guest -> host: its hello line; host -> guest: a line written once the guest reads.
qx_wait_console "$g-vuart0" '^QXGUEST vcon-ready' 30 || diag "the guest is not reading its console"
for _ in $(seq 30); do grep -q 'QXVCON hello-from-guest' "$vout" 2>/dev/null && break; sleep 1; done
if grep -q 'QXVCON hello-from-guest' "$vout" 2>/dev/null; then
    ok "the guest's line reached the pty in dom0"
else
    not_ok "the guest's line reached the pty in dom0"
    od -c "$vout" 2>/dev/null | head -n 4 | sed 's/^/#   /'
fi
printf 'hello-from-dom0\n' >"$pty"
qx_wait_console "$g-vuart0" '^QXGUEST vcon-in=' 60 || diag "the guest's read did not end"
is "dom0's line reached the guest" "$(qx_guest_value "$g-vuart0" vcon-in)" hello-from-dom0

# The disk.
qx_wait_console "$g-vuart0" '^QXGUEST vda-readback=' 60 || diag "the guest did not use its disk"
is "the guest sees the 8 MiB file as /dev/vda (sectors, read-write)" \
    "$(qx_guest_value "$g-vuart0" vda-sectors)" "16384 ro=0"
is "the guest read dom0's marker" "$(qx_guest_value "$g-vuart0" vda-head)" QXVBLK-from-dom0
is "the guest's write succeeded" "$(qx_guest_value "$g-vuart0" vda-write-rc)" 0
is "the guest read its write back from the device" \
    "$(qx_guest_value "$g-vuart0" vda-readback)" QXVBLK-written-by-guest
tap=$(ls /sys/class/net/xenbr0/brif 2>/dev/null | tr '\n' ' ')
case "$tap" in "qxnet"*" ") ok "the backend's tap $tap is on xenbr0" ;; *) not_ok "a qxnet tap on xenbr0 (got '$tap')" ;; esac

# The network.
qx_wait_console "$g-vuart0" '^QXGUEST fetch-rc=' 120 || diag "the guest's network steps did not end"
is "the guest's eth0 has the configured MAC" "$(qx_guest_value "$g-vuart0" eth0-mac)" 00:16:3e:51:00:02
is "the guest pinged dom0 over the bridge" "$(qx_guest_value "$g-vuart0" ping-rc)" "0 3 packets received"
is "the guest fetched 1 MiB from dom0, intact" "$(qx_guest_value "$g-vuart0" fetch-rc)" \
    "0 bytes=1048576 md5=$qx_blob_md5"
# What each device and driver agreed on (virtio-net: the offloads, bits 0-13).
tr -d '\r' <"$console" | sed -n 's/^QXGUEST virtio-features /# features /p'
irqs=$(qx_guest_value "$g-vuart0" virtio-irqs)
diag "guest interrupts: $irqs"
# One interrupt line per device (SPIs 40-42, in the DT's order), each used: not polled.
for d in virtio0 virtio1 virtio2; do
    case " $irqs" in
    *" $d:"[1-9]*) ok "$d interrupted the guest" ;;
    *) not_ok "$d interrupted the guest (got '$irqs')" ;;
    esac
done
sed 's/^/#   backend: /' "$blog" 2>/dev/null | head -n 16
kill "$reader" 2>/dev/null
check "qvm-xl destroy $g" qvm-xl destroy "$g"
is "no backend left" "$(pidof qvm-xl-backend | wc -w)" 0
if dd if=$img bs=512 skip=8 count=1 2>/dev/null | grep -q QXVBLK-written-by-guest; then
    ok "the guest's write is in the disk file"
else
    not_ok "the guest's write is in the disk file"
fi
is "no tap left on xenbr0" "$(ls /sys/class/net/xenbr0/brif 2>/dev/null | wc -l)" 0
kill "$qx_blob_server" 2>/dev/null
qx_done
