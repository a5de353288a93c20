# SPDX-License-Identifier: LGPL-2.1-only
# Helpers for e2e test cases, which run in dom0 under busybox sh: TAP-style results,
# waiting for a guest's console, reading what the guest reported, vCPU affinity.
# A case starts with:  . /e2e/lib/dom0-lib.sh
# Results are "ok N - text" / "not ok N - text"; "# text" lines are diagnostics.

QX_N=0
QX_FAILED=0
QX_CONSOLE_DIR=/var/log/xen/console
QX_GUEST_KERNEL=/boot/vmlinuz
QX_GUEST_INITRD=/e2e/guest/initrd.gz

ok() { QX_N=$((QX_N + 1)); echo "ok $QX_N - $*"; }
not_ok() { QX_N=$((QX_N + 1)); QX_FAILED=1; echo "not ok $QX_N - $*"; }
diag() { echo "# $*"; }

# check TEXT CMD...: ok when CMD succeeds; its output becomes diagnostics when it fails.
check() {
    _t=$1
    shift
    if "$@" >/tmp/qx-check.out 2>&1; then ok "$_t"; else
        not_ok "$_t"
        sed 's/^/#   /' /tmp/qx-check.out
    fi
}

# is TEXT GOT WANT: string equality.
is() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi
}

# qx_now: hundredths of a second since boot; qx_elapsed START: seconds since START.
qx_now() { sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime; }
qx_elapsed() {
    _d=$(($(qx_now) - $1))
    printf '%d.%02d\n' $((_d / 100)) $((_d % 100))
}

# qx_console DOM: path of DOM's console log (xenconsoled --log=guest).
qx_console() { echo "$QX_CONSOLE_DIR/guest-$1.log"; }

# qx_wait_console DOM REGEX [SECONDS]: wait until DOM's console shows a line matching the
# extended REGEX; 1 on timeout (default 60 s). Never waits longer.
qx_wait_console() {
    qx_wait_console_more "$1" "$2" 0 "${3:-60}"
}

# qx_console_count DOM PATTERN: how many lines of DOM's console log match PATTERN.
qx_console_count() {
    { tr -d '\r' <"$(qx_console "$1")"; } 2>/dev/null | grep -cE "$2"
}

# qx_wait_console_more DOM PATTERN N [SECS]: until more than N lines of DOM's console log
# match PATTERN. For a guest re-created under a name that ran before: its log is appended
# to, never removed (xenconsoled may still write to a removed log, whose lines never show).
qx_wait_console_more() {
    _end=$(($(qx_now) + ${4:-60} * 100))
    while [ "$(qx_now)" -lt "$_end" ]; do
        [ "$(qx_console_count "$1" "$2")" -gt "$3" ] && return 0
        sleep 0.2
    done
    return 1
}

# qx_guest_value DOM KEY: the value of the guest's "QXGUEST KEY=value" line.
qx_guest_value() {
    tr -d '\r' <"$(qx_console "$1")" 2>/dev/null | sed -n "s/^QXGUEST $2=//p" | tail -n1
}

# qx_guest_devs DOM: the guest's "dev ..." lines (kind name details).
qx_guest_devs() {
    tr -d '\r' <"$(qx_console "$1")" 2>/dev/null | sed -n 's/^QXGUEST dev //p'
}

# qx_vcpu_count DOM / qx_vcpu_affinity DOM VCPU: from xl vcpu-list
# (columns: name id vcpu cpu state time hard / soft).
qx_vcpu_count() { xl vcpu-list "$1" 2>/dev/null | awk 'NR > 1' | wc -l; }
qx_vcpu_affinity() {
    xl vcpu-list "$1" 2>/dev/null | awk -v v="$2" 'NR > 1 && $3 == v { print $7 }'
}

# qx_domains: names of all domains but Domain-0; qx_destroy_all: destroy them.
qx_domains() { xl list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0" { print $1 }'; }
qx_destroy_all() {
    for _d in $(qx_domains); do xl destroy "$_d" >/dev/null 2>&1; done
}

# qx_done: a case's last line; its status says whether every check passed.
qx_done() { return $QX_FAILED; }

# qx_same_json TEXT A B: the libxl JSON files A (qvm-xl create -n) and B (xl -N create) are
# the same once what xl adds on its own (uuid, run_hotplug_scripts, claim_mode,
# numa_placement) and blank lines are dropped; on a difference the diff is shown.
qx_json_norm() {
    grep -v -E '^$|"(uuid|run_hotplug_scripts|claim_mode|numa_placement)":' "$1" | sed 's/,$//'
}
qx_same_json() {
    qx_json_norm "$2" >"$2.norm"
    qx_json_norm "$3" >"$3.norm"
    if diff "$2.norm" "$3.norm" >"$2.diff"; then ok "$1"; else
        not_ok "$1"
        sed 's/^/#   /' "$2.diff" | head -n 30
    fi
}

# --- helpers of the backend cases (3x-backend-*) ----------------------------------------
# be_ready LOG: wait (10 s at most) for the backend's "ready" line.
# be_exit PID SECS: wait until PID (a child of this shell) exits; BE_RC is its exit status,
# or "running". no_null: no dying "(null)" domain is left. kb PID FIELD: a /proc status
# value in kB. hammer NAME BACKEND RUN: one guest from $D/guest.cfg running RUN for
# $HAMMER_SECS, its backend (BE_PID, log /tmp/be-NAME.log), checked alive and answering.
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
# The number of processes whose program (argv[0]) contains $1; reads /proc itself, since
# dom0 has no pgrep, and a missing tool must not count as "no process".
qx_procs() {
    for c in /proc/[0-9]*/cmdline; do
        tr '\0' '\n' 2>/dev/null <"$c" | head -n 1
    done | grep -c -F -- "$1"
}
no_null() { ! xl list | grep -q '(null)'; }
kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

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
        xl domid "$1" >/dev/null 2>&1 || break # the guest is gone (on_reboot/on_crash=destroy)
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

# qx_virtio_host IMG: dom0's side of the guest tool qx-virtio (tests/e2e/guest-tools): an 8 MiB
# disk file IMG with dom0's marker in sector 0, bridge xenbr0 up at 10.99.0.1/24 (a retried
# attempt, or another case, may have made it), and 1 MiB of random data that nc serves once on
# port 5099 (a retried attempt's server is stopped first). Sets qx_blob_md5 and qx_blob_server
# (the server's pid).
qx_virtio_host() {
    dd if=/dev/zero of="$1" bs=1M count=8 2>/dev/null
    printf 'QXVBLK-from-dom0\n' | dd of="$1" conv=notrunc 2>/dev/null
    modprobe tun && modprobe bridge || diag "tun or bridge module missing"
    brctl addbr xenbr0 2>/dev/null
    ip addr add 10.99.0.1/24 dev xenbr0 2>/dev/null
    ip link set xenbr0 up
    mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/blob bs=1k count=1024 2>/dev/null
    pkill -f 'nc -l -p 5099' 2>/dev/null
    nc -l -p 5099 -e cat /tmp/www/blob &
    qx_blob_server=$!
    qx_blob_md5=$(md5sum </tmp/www/blob | cut -c1-32)
}

# qx_qemu_pty DOM: the pty QEMU made for DOM's virtio console without hostdev, which it names in
# its log ("char device redirected to /dev/pts/N"); waits up to 5 s; empty when there is none.
qx_qemu_pty() {
    _pty=""
    for _ in $(seq 50); do
        _pty=$(sed -n 's|.*char device redirected to \(/dev/pts/[0-9]*\).*|\1|p' \
            "/var/log/xen/qemu-dm-$1.log" 2>/dev/null | tail -n1)
        [ -n "$_pty" ] && break
        sleep 0.1
    done
    echo "$_pty"
}
