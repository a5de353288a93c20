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
    _end=$(($(qx_now) + ${3:-60} * 100))
    while [ "$(qx_now)" -lt "$_end" ]; do
        tr -d '\r' <"$(qx_console "$1")" 2>/dev/null | grep -qE "$2" && return 0
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
