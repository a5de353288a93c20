# SPDX-License-Identifier: LGPL-2.1-only
# The checks of the shared-memory stand-in's reports (tests/e2e/guest-standin/shmem-guest.c),
# shared by the ARM case io-60-shmem and the x86 case 62-shmem, which differ in how guests are
# made and reached. The case defines val GUEST KEY (the value of GUEST's "QXGUEST KEY=" line)
# and sources dom0-lib.sh first.

# shmem_pair ROUNDS WHERE: A created and greeted, B attached and answered, ROUNDS notification
# round trips both ways, A's copy through the region; WHERE says where the timing ran.
shmem_pair() {
    is "B attached qxring (GSS_OK)" "$(val shm-b status)" 0
    is "B sees the creator's size" "$(val shm-b pages)" 16
    is "B is client 1" "$(val shm-b idx)" 1
    is "A was woken by B's attach (2 clients)" "$(val shm-a clients)" 2
    is "B read A's greeting in the shared pages" "$(val shm-b greeting)" 1
    is "A read B's answer after B's notification" "$(val shm-a answer)" 1
    is "A: $1 notification round trips" "$(val shm-a rounds)" "$1"
    is "B answered $1 notifications" "$(val shm-b answered)" "$1"
    is "no wait timed out (A)" "$(val shm-a timeout)" 0
    is "no wait timed out (B)" "$(val shm-b timeout)" 0
    diag "notification round trip A->B->A: $(val shm-a rtt-us) us (mean of $1, $2)"
    is "A: its copy through the region read back intact" "$(val shm-a copy-ok)" 1
    _w=$(val shm-a copy-write-kib-s) _r=$(val shm-a copy-read-kib-s) _m=$(val shm-a ram-kib-s)
    diag "copy through the region: write $_w KiB/s, read $_r KiB/s," \
        "$(val shm-a access-ns) ns per 4-byte access; the guest's own RAM: $_m KiB/s;" \
        "region/RAM $(awk -v w="$_w" -v r="$_r" -v m="$_m" 'BEGIN {
            if (m > 0 && w > 0 && r > 0) printf "%.3g", 2 / (1 / w + 1 / r) / m }')"
}

# shmem_hostile BACKEND_PID: H's report (garbage, 1000 names, huge sizes, a denied name,
# races, then a normal create), and the broker and B's backend alive after it.
shmem_hostile() {
    is "H: garbage accesses to the factory page done" "$(val shm-h garbage-done)" 1
    _n=$(val shm-h names-ok)
    case $_n in [1-9] | [1-5][0-9] | 6[0-4]) ok "H: 1000 names: $_n created, the rest refused" ;;
    *) not_ok "H: 1000 names: a bounded number created (got '$_n')" ;; esac
    is "H: the refused names got GSS_NOMEM" "$(val shm-h names-nomem)" $((1000 - ${_n:-0}))
    is "H: no other status for a name" "$(val shm-h names-other)" 0
    is "H: 2^32-1 pages refused (GSS_NOMEM)" "$(val shm-h huge-status)" 2
    is "H: 2^31-1 pages refused (GSS_NOMEM)" "$(val shm-h huge2-status)" 2
    is "H: qxring denied (GSS_NO_PERMISSION)" "$(val shm-h qxring-status)" 5
    is "H: attach/detach races done" "$(val shm-h races-done)" 1
    is "H: a normal create works afterwards" "$(val shm-h final-status)" 0
    is "the broker survived H" "$(qx_procs qvm-xl-shmemd)" 1
    check "B's backend survived H" kill -0 "$1"
}

# shmem_late: D, attached after A left, found both texts; C was denied qxring only.
shmem_late() {
    is "D attached qxring after A left" "$(val shm-d status)" 0
    is "D finds A's greeting" "$(val shm-d greeting)" 1
    is "D finds B's answer" "$(val shm-d answer)" 1
    is "D sees 2 clients (B and itself)" "$(val shm-d clients)" 2
    is "D's data page reads 0 after detach" "$(val shm-d after-detach)" 0
    is "C: qxring denied (GSS_NO_PERMISSION)" "$(val shm-c denied-status)" 5
    is "C: another name allowed (GSS_OK)" "$(val shm-c other-status)" 0
}

# shmem_gone FREE_MIB: nothing left once the last guest is destroyed.
shmem_gone() {
    is "no guest left" "$(qx_domains | wc -l)" 0
    is "no backend left" "$(qx_procs qvm-xl-backend)" 0
    for _ in $(seq 30); do [ "$(qx_procs qvm-xl-shmemd)" = 0 ] && break; sleep 1; done
    is "the broker exited when idle" "$(qx_procs qvm-xl-shmemd)" 0
    is "Xen's free memory is back ($1 MiB)" "$(xl info free_memory)" "$1"
}

# shmem_san_start: the ASan+UBSan broker and backends for the rest of the case, when the rig
# installed them (as qvm-xl-shmemd-asan and qvm-xl-backend-asan) and they run in this dom0
# (x86: built on Debian 12, for Xen 4.17's libraries); sets san=1 then. Reports go where the
# unprivileged backends may write; no leak checking (it needs ptrace of itself, refused to a
# process that changed its uid).
shmem_san_start() {
    _lx=/usr/local/libexec
    san=0
    if "$_lx/qvm-xl-shmemd-asan" --help >/dev/null 2>&1 &&
        "$_lx/qvm-xl-backend-asan" --help >/dev/null 2>&1; then
        mkdir -p /tmp/san && chmod 1777 /tmp/san && rm -f /tmp/san/*
        export QVMXL_BACKEND=$_lx/qvm-xl-backend-asan QVMXL_SHMEMD=$_lx/qvm-xl-shmemd-asan
        export ASAN_OPTIONS=log_path=/tmp/san/asan:detect_leaks=0:abort_on_error=0
        export UBSAN_OPTIONS=log_path=/tmp/san/ubsan:print_stacktrace=1:halt_on_error=1
        san=1
        ok "broker and backends: the ASan+UBSan builds"
    else
        ok "broker and backends: the ASan+UBSan builds # SKIP none staged, or not for this Xen"
    fi
}

# shmem_san_end: with san=1, no sanitizer report in /tmp/san or the broker's and backends' logs.
shmem_san_end() {
    [ "$san" = 1 ] || return 0
    is "no ASan/UBSan report from the broker or the backends" "$(ls /tmp/san)" ""
    for _f in /tmp/san/*; do [ -f "$_f" ] && sed "s|^|# ${_f##*/}: |" "$_f" | head -n 40; done
    check "no sanitizer report in the broker's and the backends' logs" sh -c \
        "! grep -l -E 'AddressSanitizer|runtime error' /var/log/xen/qvm-xl-shmemd*.log /var/log/xen/qvm-xl-backend-*.log"
    unset QVMXL_BACKEND QVMXL_SHMEMD ASAN_OPTIONS UBSAN_OPTIONS
}

# shmem_evtchn_peer ROUNDS HOW: A's and B's round trips through an interdomain event channel
# (the benchmark's peer), and the ratio of the notification round trip to it (HOW: the run).
shmem_evtchn_peer() {
    is "A: $1 event-channel round trips with B" "$(val shm-a evtchn-rounds)" "$1"
    is "B answered $1 events" "$(val shm-b evtchn-answered)" "$1"
    _sn=$(val shm-a rtt-us) _ev=$(val shm-a evtchn-rtt-us)
    diag "event channel round trip A->B->A: $_ev us (mean of $1, $2); shmem notification/event" \
        "channel $(awk -v s="$_sn" -v e="$_ev" 'BEGIN { if (e > 0) printf "%.3g", s / e }')"
}

# shmem_kill_brokers: no broker left running (a retried attempt's, or one started by hand).
shmem_kill_brokers() {
    for _p in $(pidof qvm-xl-shmemd qvm-xl-shmemd-asan); do kill "$_p"; done 2>/dev/null
}
