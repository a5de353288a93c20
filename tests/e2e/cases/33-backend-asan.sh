# SPDX-License-Identifier: LGPL-2.1-only
# 33-backend-asan: the hammer of 32-backend-hostile (QX_HAMMER_SECS of random port I/O of
# every kind from both vCPUs) through the backend built with --enable-sanitizers, which the
# build tree must hold as vdev-backends/qvm-xl-backend-asan (33-backend-asan/needs: run-cases
# skips the case without it); the backend must keep answering and its ASan/UBSan logs must
# stay empty. Only on Xen 4.17: the ASan build is scripts/test-all's asan stage, made on this
# Debian 12 machine against its Xen, and the same hammer runs through the normal backend on
# both releases (32-backend-hostile).
# e2e-xen: 4.17
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
LX=/usr/local/libexec
HAMMER_SECS=${QX_HAMMER_SECS:-30}

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
    not_ok "$LX/qvm-xl-backend-asan is no ASan build (__asan_init missing)"
fi
for f in /var/log/xen/xl-*.log; do
    [ -f "$f" ] && grep -E "shut down|Action for" "$f" | sed "s|^|# ${f##*/}: |"
done
qx_done
