# SPDX-License-Identifier: LGPL-2.1-only
# 31-backend-devices: qvm-xl-backend on real Xen for PVH guests, started by hand (xl create -p,
# backend, wait for "ready", xl unpause): 8250 output reaches the hostdev file and reads are
# answered; the backend runs as nobody with CapEff 0 and its handles refuse domain 0; an
# IB700 guest that stops kicking is shut down with reason watchdog within its timeout while a
# kicking one is left alone; each backend exits when its domain dies, leaving no (null) domain.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
BE=/usr/local/libexec/qvm-xl-backend

# be_start LOG ARGS...: run the backend in the background (BE_PID), output to LOG.
be_start() {
    _log=$1
    shift
    "$BE" "$@" >"$_log" 2>&1 &
    BE_PID=$!
}
# create NAME RUN: xl create -p a guest that runs RUN (qxguest.run=) and stays up.
create() {
    xl create -p "$D/guest.cfg" "name=\"$1\"" \
        "extra=\"console=hvc0 quiet qxguest.stay=1 qxguest.run=$2\""
}

# --- 8250 at 0x3f8: output, read path, credentials, restriction, death on destroy ---------
t=$(qx_now)
check "xl create -p ser" create ser "qx-portio,scratch,0x3f8,--,puts,0x3f8,hello-8250-from-pvh-guest"
id=$(xl domid ser)
be_start /tmp/be-ser.log --domid "$id" --device 'ser8250,io=0x3f8,hostdev=>/tmp/ser.out' \
    --print-creds --selftest-restrict
ser_pid=$BE_PID
check "ser backend ready" be_ready /tmp/be-ser.log
check "xl unpause ser" xl unpause ser
if qx_wait_console ser '^QXGUEST run-rc=' 90; then ok "ser guest ran qx-portio"; else
    not_ok "ser guest ran qx-portio"
    tail -n 20 "$(qx_console ser)" | sed 's/^/#   /'
fi
is "guest reads back the scratch register" "$(qx_guest_value ser scratch)" ok
is "qx-portio exit status" "$(qx_guest_value ser run-rc)" 0
check "guest text reached the hostdev file" grep -q '^hello-8250-from-pvh-guest$' /tmp/ser.out
diag "guest kernel's 8250 probe: $(qx_guest_devs ser | grep serial | tr '\n' ' ')"
is "guest kernel found a 16550 at 0x3f8" "$(qx_guest_devs ser | grep -c 'serial ttyS0 port=0x0*3[fF]8 ')" 1
st=/proc/$ser_pid/status
diag "backend $(grep -E '^(Uid|Gid|Groups|CapEff|NoNewPrivs):' "$st" | tr '\t\n' '  ')"
is "backend runs as uid 65534" "$(awk '$1 == "Uid:" { print $2 $3 $4 $5 }' "$st")" 65534655346553465534
is "backend runs as gid 65534" "$(awk '$1 == "Gid:" { print $2 $3 $4 $5 }' "$st")" 65534655346553465534
is "backend has no supplementary groups" "$(awk '$1 == "Groups:" { print $2 }' "$st")" ""
is "backend CapEff is 0" "$(awk '$1 == "CapEff:" { print $2 }' "$st")" 0000000000000000
is "backend CapPrm is 0" "$(awk '$1 == "CapPrm:" { print $2 }' "$st")" 0000000000000000
sl=$(grep '^selftest-restrict' /tmp/be-ser.log)
diag "$sl"
is "restricted dm handle refuses domain 0" "$(echo "$sl" | grep -o 'dm-other=[A-Z]*')" dm-other=EPERM
is "restricted foreignmemory handle refuses domain 0" "$(echo "$sl" | grep -o 'fm-other=[A-Z]*')" fm-other=EPERM
is "restricted dm handle still serves its own domain" "$(echo "$sl" | grep -o 'dm-own=[a-z]*')" dm-own=ok
is "privcmd cannot be reopened after the drop" "$(echo "$sl" | grep -o 'reopen=[A-Z]*')" reopen=EACCES
# libxenctrl is loaded only by ARM watchdogs (vdev-backends/xen-ctrl.h); here neither backend
# keeps a control handle or has the library mapped.
is "an 8250 backend keeps no control handle" "$(echo "$sl" | grep -o 'control-handle=[a-z]*')" \
    control-handle=none
is "... and has no libxenctrl mapped" "$(grep -c libxenctrl "/proc/$ser_pid/maps")" 0
t1=$(qx_now)
check "xl destroy ser" xl destroy ser
be_exit $ser_pid 10
is "ser backend exits 0 when its domain dies" "$BE_RC" 0
diag "time destroy-to-backend-exit $(qx_elapsed "$t1") s"
check "no (null) domain left after destroy" no_null
diag "time 8250-part $(qx_elapsed "$t") s"

# --- IB700: one guest stops kicking (timeout 2 s), one keeps kicking -----------------------
t=$(qx_now)
# busybox watchdog kicks /dev/watchdog every 500 ms with a 2 s timeout; killed by SIGKILL it
# cannot write the magic close, so ib700wdt leaves the watchdog running.
check "xl create -p wdt-fire" create wdt-fire "timeout,-s,KILL,4,watchdog,-F,-T,2,-t,500ms,/dev/watchdog"
check "xl create -p wdt-kick" create wdt-kick "watchdog,-F,-T,2,-t,500ms,/dev/watchdog"
be_start /tmp/be-fire.log --domid "$(xl domid wdt-fire)" --device wdt-ib700,action=watchdog
fire_pid=$BE_PID
check "wdt-fire backend ready" be_ready /tmp/be-fire.log
is "an x86 watchdog backend has no libxenctrl mapped (the shutdown is a dm op)" \
    "$(grep -c libxenctrl "/proc/$fire_pid/maps")" 0
be_start /tmp/be-kick.log --domid "$(xl domid wdt-kick)" --device wdt-ib700,action=watchdog
kick_pid=$BE_PID
check "wdt-kick backend ready" be_ready /tmp/be-kick.log
check "xl unpause wdt-fire" xl unpause wdt-fire
check "xl unpause wdt-kick" xl unpause wdt-kick
if qx_wait_console wdt-fire '^QXGUEST run-rc=' 120; then ok "wdt-fire stopped kicking"; else
    not_ok "wdt-fire stopped kicking"
    tail -n 20 "$(qx_console wdt-fire)" | sed 's/^/#   /'
fi
t1=$(qx_now)
is "wdt-fire guest loaded ib700wdt" "$(qx_guest_value wdt-fire 'mod ib700wdt')" loaded
i=0
while xl domid wdt-fire >/dev/null 2>&1 && [ $i -lt 150 ]; do
    sleep 0.1
    i=$((i + 1))
done
gone=$(qx_elapsed "$t1")
diag "time guest-stopped-kicking-to-domain-gone $gone s as dom0 sees it (timeout 2 s)"
if xl domid wdt-fire >/dev/null 2>&1; then not_ok "wdt-fire acted on"; else ok "wdt-fire acted on"; fi
# The backend's own clock: the expiry must come 2 s after the last kick (timer slack allowed).
ms=$(sed -n 's/.*expiry-ms \([0-9]*\) after the last kick.*/\1/p' /tmp/be-fire.log)
diag "backend: expiry $ms ms after the guest's last kick (timeout 2000 ms)"
is "expiry 2000-3000 ms after the last kick" "$([ -n "$ms" ] && [ "$ms" -ge 2000 ] && [ "$ms" -le 3000 ] && echo yes)" yes
check "backend logged the expiry" grep -q 'wdt-ib700@0x441: watchdog expired: action watchdog' /tmp/be-fire.log
xlog=/var/log/xen/xl-wdt-fire.log
diag "xl: $(grep -E 'shut down|Action for' "$xlog" | tr '\n' ' ')"
check "shutdown reason was watchdog (code 4)" grep -q 'has shut down, reason code 4 ' "$xlog"
be_exit $fire_pid 10
is "wdt-fire backend exits 0 after its domain died" "$BE_RC" 0
check "no (null) domain left after the watchdog" no_null
sleep 3 # the kicking guest has now run 3 s past the other's expiry
check "wdt-kick still running" xl domid wdt-kick
check "wdt-kick backend never fired" sh -c "! grep -q expired /tmp/be-kick.log"
check "wdt-kick backend alive" kill -0 "$kick_pid"
check "xl destroy wdt-kick" xl destroy wdt-kick
be_exit $kick_pid 10
is "wdt-kick backend exits 0" "$BE_RC" 0
check "no (null) domain left at the end" no_null
diag "time wdt-part $(qx_elapsed "$t") s"
for f in /tmp/be-ser.log /tmp/be-fire.log /tmp/be-kick.log; do sed "s|^|# ${f#/tmp/}: |" "$f"; done
for f in /var/log/xen/xl-*.log; do grep -E "shut down|Action for" "$f" | sed "s|^|# ${f##*/}: |"; done
qx_done
