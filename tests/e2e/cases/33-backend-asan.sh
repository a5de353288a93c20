# 33-backend-asan: the hammer of 32-backend-hostile (30 s of random port I/O of every kind
# from both vCPUs) through the backend built with --enable-sanitizers, which the build tree
# must hold as vdev-backends/qvm-xl-backend-asan (skipped otherwise); the backend must keep
# answering and its ASan/UBSan logs must stay empty.
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

# --- the sanitizer build of the backend -----------------------------------------------------
if [ -x "$LX/qvm-xl-backend-asan" ] && grep -q __asan_init "$LX/qvm-xl-backend-asan"; then
    t=$(qx_now)
    # The backend drops to nobody: its log directory must be writable by it. Leak checking
    # is off because LeakSanitizer needs ptrace of itself, which a process that changed its
    # uid (not dumpable) is refused; ASan's and UBSan's run-time checks are all on.
    mkdir -p /tmp/san && chmod 1777 /tmp/san
    export ASAN_OPTIONS=log_path=/tmp/san/asan:detect_leaks=0:abort_on_error=0
    export UBSAN_OPTIONS=log_path=/tmp/san/ubsan:print_stacktrace=1:halt_on_error=1
    hammer hostile-asan "$LX/qvm-xl-backend-asan" \
        "qx-portio,hammer,$HAMMER_SECS,0x3f8:8,0x2f8:8,--,scratch,0x3f8,--,puts,0x3f8,after-hammer"
    pid=$BE_PID
    diag "sanitizer backend VmRSS $(kb $pid VmRSS) kB"
    check "xl destroy hostile-asan" xl destroy hostile-asan
    be_exit $pid 10
    is "sanitizer backend exits 0" "$BE_RC" 0
    unset ASAN_OPTIONS UBSAN_OPTIONS
    is "ASan/UBSan logs are empty" "$(ls /tmp/san)" ""
    for f in /tmp/san/*; do [ -f "$f" ] && sed "s|^|# ${f##*/}: |" "$f"; done
    check "no (null) domain left" no_null
    sed 's/^/# be-hostile-asan.log: /' /tmp/be-hostile-asan.log
    diag "time sanitizer-part $(qx_elapsed "$t") s"
else
    diag "SKIP sanitizer run: no vdev-backends/qvm-xl-backend-asan in the build tree"
fi
for f in /var/log/xen/xl-*.log; do grep -E "shut down|Action for" "$f" | sed "s|^|# ${f##*/}: |"; done
qx_done
