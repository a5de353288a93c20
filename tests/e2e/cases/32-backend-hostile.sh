# 32-backend-hostile: a guest hammers the backend's ports (every width, unaligned, out of
# range, REP string I/O, from both vCPUs) for 30 s; the backend must stay alive and keep
# answering. Before that the guest times one backend port access against one Xen answers
# itself (an unclaimed port), and dom0 reads the backend's memory. 33-backend-asan repeats the
# hammer through the sanitizer build of the backend.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
LX=/usr/local/libexec
HAMMER_SECS=30

be_ready() {
    _i=0
    while [ $_i -lt 100 ]; do
        grep -q '^ready domid' "$1" && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    cat "$1"
    return 1
}
be_exit() {
    _i=0
    while kill -0 "$1" 2>/dev/null && [ $_i -lt $(($2 * 10)) ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    if kill -0 "$1" 2>/dev/null; then
        BE_RC=running
        diag "backend $1 still running: wchan $(cat /proc/$1/wchan 2>/dev/null); xl list:"
        xl list | sed 's/^/#   /'
    else
        wait "$1"
        BE_RC=$?
    fi
}
no_null() { ! xl list | grep -q '(null)'; }
kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# hammer NAME BACKEND RUN: one guest, its backend (BE_PID, log /tmp/be-NAME.log), unpaused,
# until the guest reports run-rc; samples the backend's VmRSS meanwhile.
hammer() {
    xl create -p "$D/guest.cfg" "name=\"$1\"" \
        "extra=\"console=hvc0 quiet qxguest.stay=1 qxguest.run=$3\"" ||
        { not_ok "$1: xl create -p"; return 1; }
    "$2" --domid "$(xl domid "$1")" --device "ser8250,io=0x3f8,hostdev=>/tmp/$1.out" \
        --device ser8250,io=0x2f8 >"/tmp/be-$1.log" 2>&1 &
    BE_PID=$!
    check "$1: backend ready" be_ready "/tmp/be-$1.log"
    diag "$1: backend after set-up VmRSS $(kb $BE_PID VmRSS) kB"
    check "$1: xl unpause" xl unpause "$1"
    _hend=$(($(qx_now) + (HAMMER_SECS + 200) * 100)) # qx_wait_console uses _end
    until qx_wait_console "$1" '^QXGUEST run-rc=' 1; do
        [ "$(qx_now)" -lt "$_hend" ] || break
        kill -0 $BE_PID 2>/dev/null && echo "$(kb $BE_PID VmRSS)" >>"/tmp/rss-$1"
    done
    if qx_wait_console "$1" '^QXGUEST run-rc=' 1; then ok "$1: guest finished"; else
        not_ok "$1: guest finished"
        tail -n 8 "$(qx_console "$1")" | sed 's/^/#   /'
    fi
    tr -d '\r' <"$(qx_console "$1")" | grep -E '^QXGUEST (hammer|bench|scratch|portio|run)' |
        sed "s/^/# $1 guest: /"
    is "$1: guest program succeeded" "$(qx_guest_value "$1" run-rc)" 0
    check "$1: backend alive after the hammer" kill -0 $BE_PID
    is "$1: backend still answers reads" "$(qx_guest_value "$1" scratch)" ok
    check "$1: backend still delivers output" grep -q '^after-hammer$' "/tmp/$1.out"
}

# --- the normal backend: bench, memory, hammer --------------------------------------------
t=$(qx_now)
# 0x3ff is the 8250's scratch register (the backend answers); nothing claims 0x2e8, so Xen
# itself answers all ones without leaving the hypervisor.
hammer hostile "$LX/qvm-xl-backend" \
    "qx-portio,bench,2000,0x3ff,0x2e8,--,hammer,$HAMMER_SECS,0x3f8:8,0x2f8:8,--,scratch,0x3f8,--,puts,0x3f8,after-hammer"
pid=$BE_PID
rss=$(kb $pid VmRSS) hwm=$(kb $pid VmHWM) anon=$(kb $pid RssAnon) file=$(kb $pid RssFile)
diag "bench backend memory per guest: VmRSS $rss kB, VmHWM $hwm kB (target 2048 kB), of which private RssAnon $anon kB and shared-library RssFile $file kB; VmRSS during the hammer min/max: $(sort -n /tmp/rss-hostile | sed -n '1p;$p' | tr '\n' ' ')"
[ -n "$hwm" ] && [ "$hwm" -gt 2048 ] && diag "WARNING: VmHWM above the 2048 kB target"
bn=$(qx_guest_value hostile bench-backend-ns) xn=$(qx_guest_value hostile bench-xen-ns)
diag "bench port access handled by the backend: $bn ns, by Xen itself: $xn ns, ratio $(qx_guest_value hostile bench-ratio) (TCG: both inflated)"
# What a guest costs is the private part; library pages are shared by all backends.
is "backend private memory (RssAnon) <= 1024 kB" "$([ -n "$anon" ] && [ "$anon" -le 1024 ] && echo yes)" yes
is "backend VmHWM <= 2048 kB + 10%" "$([ -n "$hwm" ] && [ "$hwm" -le 2253 ] && echo yes)" yes
is "the backend's port is slower than Xen's own (the round trip is real)" \
    "$([ -n "$bn" ] && [ -n "$xn" ] && [ "$bn" -gt "$xn" ] && echo yes)" yes
check "xl destroy hostile" xl destroy hostile
be_exit $pid 10
is "hostile backend exits 0 when the domain dies" "$BE_RC" 0
check "no (null) domain left" no_null
sed 's/^/# be-hostile.log: /' /tmp/be-hostile.log
diag "time normal-part $(qx_elapsed "$t") s"

for f in /var/log/xen/xl-*.log; do grep -E "shut down|Action for" "$f" | sed "s|^|# ${f##*/}: |"; done
qx_done
