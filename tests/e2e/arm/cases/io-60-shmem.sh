# SPDX-License-Identifier: LGPL-2.1-only
# io-60-shmem (GICv3 host, Xen with ioreq servers; issue 18): qvm's vdev shmem between guests
# created by qvm-xl from qvmconfs. The guests are the bare-metal stand-in driver
# (tests/e2e/guest-standin/shmem-guest.c, staged by run-suite) speaking QNX's factory protocol:
#   A creates region qxring and greets; B attaches, reads the greeting and answers; they wake
#   each other with notifications (GIC interrupts raised by their backends on the broker's
#   events) and time ROUNDS round trips; A powers off; D attaches later and still finds both
#   texts (the region outlived A: B holds it), then detaches; C, whose configuration denies
#   qxring, gets GSS_NO_PERMISSION for it and GSS_OK for another name; before D, H (hostile,
#   denied qxring) throws garbage at its device, 1000 names, huge sizes and attach/detach
#   races: the broker and the backends survive, the limits hold, qxring is untouched.
# Lifetime: the broker (qvm-xl-shmemd) starts with the first guest; its holder domain (no
# name in xl list) lives while a client does; once the last guest is destroyed the holder is
# gone, Xen's free memory is back where it started, and the broker exits after its idle time.
# Then A and B once more against a broker started by hand with --data=emulate (no holder).
. /e2e/lib/dom0-lib.sh
. /e2e/lib/shmem-checks.sh
D=$QX_CASE_DIR
ROUNDS=200
val() { qx_guest_value "$1-vuart0" "$2"; }
holders() { xl list 2>/dev/null | awk 'NR > 1 && ($1 == "(null)" || $1 ~ /holder/)' | wc -l; }
gone() { # DOM SECS: until the domain is gone
    for _ in $(seq "$2"); do xl domid "$1" >/dev/null 2>&1 || return 0; sleep 1; done
    return 1
}
create() {
    t=$(qx_now)
    check "qvm-xl create $1" qvm-xl create --target aarch64,+ioreq "$D/$1.qvmconf"
    diag "time qvm-xl-create-$1 $(qx_elapsed "$t") s"
}
show() { tr -d '\r' <"$(qx_console "$1-vuart0")" 2>/dev/null | grep -a '^QXGUEST' | sed "s/^/#   $1: /"; }

LX=/usr/local/libexec
shmem_san_start
free0=$(xl info free_memory)
shmem_kill_brokers # a retried attempt's
create shm-a
is "one broker" "$(qx_procs qvm-xl-shmemd)" 1
qx_wait_console shm-a-vuart0 '^QXGUEST idx=' 60 || diag "A did not report its region"
is "A: the factory's signature" "$(val shm-a signature)" 0x4d534732474d5651
is "A: the factory's vector is the configured SPI (gic:44)" "$(val shm-a vector)" 44
is "A created qxring (GSS_OK)" "$(val shm-a status)" 0
is "A: 16 data pages" "$(val shm-a pages)" 16
is "A is client 0" "$(val shm-a idx)" 0
is "one holder domain while a client lives" "$(holders)" 1
diag "free memory: $free0 MiB before, $(xl info free_memory) MiB with A and the holder"

create shm-b
bpid=$(cat "/run/qvm-xl/backend-$(xl domid shm-b 2>/dev/null).pid" 2>/dev/null)
qx_wait_console shm-a-vuart0 '^QXGUEST end' 120 || diag "A did not end"
qx_wait_console shm-b-vuart0 '^QXGUEST end' 30 || diag "B did not end"
shmem_pair $ROUNDS TCG
# The peer: the same guests' round trip through an interdomain event channel. SILO, the
# default XSM of Xen on Arm (the rig's builds included), refuses B's port for A (EPERM);
# make bench-shmem boots with xsm=dummy (QX_E2E_XEN_APPEND), as x86's default, to measure it.
case " $(xl info xen_commandline) " in
*" xsm=dummy "*) shmem_evtchn_peer $ROUNDS "TCG, xsm=dummy" ;;
*)
    is "SILO refuses B an event channel to A (EPERM)" "$(val shm-b evtchn-fail)" "alloc 1"
    is "A heard of the refusal and stopped" "$(val shm-a evtchn-fail)" "b-refused 0"
    ;;
esac
gone shm-a 30 || not_ok "A powered off"
is "the region outlives A (B holds it): one holder" "$(holders)" 1

# H, hostile, while B holds qxring: the broker and the backends survive, limits hold, and
# qxring (denied to H) is untouched (D checks it next).
create shm-h
qx_wait_console shm-h-vuart0 '^QXGUEST end' 300 || diag "H did not end"
shmem_hostile "$bpid"
gone shm-h 30 || not_ok "H powered off"

create shm-d
qx_wait_console shm-d-vuart0 '^QXGUEST end' 60 || diag "D did not end"
create shm-c
qx_wait_console shm-c-vuart0 '^QXGUEST end' 60 || diag "C did not end"
shmem_late
for g in shm-a shm-b shm-h shm-c shm-d; do show $g; done
sed 's/^/#   broker: /' /var/log/xen/qvm-xl-shmemd.log 2>/dev/null | tail -n 20

gone shm-c 30 && gone shm-d 30 || not_ok "C and D powered off"
check "qvm-xl destroy shm-b" qvm-xl destroy shm-b
for _ in $(seq 20); do [ "$(holders)" = 0 ] && break; sleep 1; done
is "no holder once the last client is gone" "$(holders)" 0
shmem_gone "$free0"

# Isolation (docs/shmemd.md, "Security"): a broker the administrator runs with --data=emulate
# keeps each region in its own memory and makes no holder, so no guest is any domain's target
# and a hostile guest kernel can map no region page; each backend emulates its guest's data
# pages. A and B again against it (qvm-xl create finds it on the socket).
t=$(qx_now)
shmemd=${QVMXL_SHMEMD:-$LX/qvm-xl-shmemd}
check "the administrator's broker starts with --data=emulate" "$shmemd" --data=emulate \
    --idle-exit 0 --log /var/log/xen/qvm-xl-shmemd-emulate.log
for g in shm-a shm-b; do rm -f "$(qx_console "$g-vuart0")"; done
create shm-a
qx_wait_console shm-a-vuart0 '^QXGUEST idx=' 60 || diag "A did not report its region"
create shm-b
qx_wait_console shm-a-vuart0 '^QXGUEST end' 300 || diag "A did not end"
qx_wait_console shm-b-vuart0 '^QXGUEST end' 60 || diag "B did not end"
shmem_pair $ROUNDS "TCG, emulated data pages"
is "emulated data pages: no holder domain while A and B share qxring" "$(holders)" 0
gone shm-a 30 || not_ok "A powered off"
check "qvm-xl destroy shm-b" qvm-xl destroy shm-b
shmem_kill_brokers
grep -q 'emulated data pages' /var/log/xen/qvm-xl-shmemd-emulate.log &&
    ok "the broker said it emulates" || not_ok "the broker said it emulates"
shmem_gone "$free0"
diag "time isolation-part $(qx_elapsed "$t") s"
shmem_san_end
qx_done
