# SPDX-License-Identifier: LGPL-2.1-only
# 62-shmem (issue 18, x86): qvm's vdev shmem between HVM guests created by qvm-xl from
# qvmconfs. Each guest's qvm-xl-backend serves qvm's PCI function (1C05:0001) beside QEMU:
# hvmloader places its BARs (the factory page, the region window), and because Xen lets no
# domU take another domain's pages, the region's data pages are emulated by the backends from
# the broker's memory (each access an ioreq). The guests are the stand-in driver of the ARM
# case (tests/e2e/guest-standin/shmem-guest.c) on shmem-x86.c, Multiboot binaries the rig puts
# in dom0, which take the function's INTA at Xen's IO-APIC input for its slot (local APIC, no
# 8259), and power off when done (B, which holds the region, stays until destroyed):
#   A creates qxring and greets; B attaches, reads the greeting, answers; they wake each
#   other ROUNDS times, then as often through an interdomain event channel (the benchmark's
#   peer), and A copies through the region; A powers off; H (hostile, denied qxring) throws
#   garbage, 1000 names, huge sizes and attach/detach races at its device; D attaches later
#   and still finds both texts (the region outlived A), then detaches; C, denied qxring, gets
#   GSS_NO_PERMISSION.
# Lifetime: the broker starts with the first guest and exits after the last; nothing is left.
# On Xen 4.17 in CI the broker and every backend are the ASan+UBSan builds (scripts/test-all
# stages them from its asan stage), and no sanitizer report may appear.
. /e2e/lib/dom0-lib.sh
. /e2e/lib/shmem-checks.sh
if [ "${QX_E2E_HVM:-1}" != 1 ]; then
    echo "ok 1 - # SKIP QX_E2E_HVM=0: the dom0 has no QEMU, firmware or stand-in guest"
    exit 0
fi
D=$QX_CASE_DIR
ROUNDS=50 # the stand-in is built with ROUNDS=50 (build-x86)
out() { echo "/var/log/xen/$1-ttyS0.log"; }
val() { tr -d '\r' <"$(out "$1")" 2>/dev/null | sed -n "s/^QXGUEST $2=//p" | tail -n 1; }
# wait_line DOM PATTERN SECS: until DOM's report has a line matching PATTERN
wait_line() {
    for _ in $(seq "$3"); do
        tr -d '\r' <"$(out "$1")" 2>/dev/null | grep -q "$2" && return 0
        sleep 1
    done
    return 1
}
gone() { # DOM SECS: until the domain is gone (the stand-ins power off when done)
    for _ in $(seq "$2"); do xl domid "$1" >/dev/null 2>&1 || return 0; sleep 1; done
    return 1
}
create() {
    rm -f "$(out "$1")"
    t=$(qx_now)
    check "qvm-xl create $1" qvm-xl create "$D/$1.qvmconf"
    diag "time qvm-xl-create-$1 $(qx_elapsed "$t") s"
}
show() { tr -d '\r' <"$(out "$1")" 2>/dev/null | grep -a '^QXGUEST' | sed "s/^/#   $1: /"; }

shmem_san_start
free0=$(xl info free_memory)
shmem_kill_brokers # a retried attempt's
create shm-a
is "one broker" "$(qx_procs qvm-xl-shmemd)" 1
wait_line shm-a '^QXGUEST idx=' 120 || diag "A did not report its region"
is "A found the function on bus 0 (1C05:0001)" "$(val shm-a pci-slot)" 31
is "A: BAR0 (the factory page) placed by hvmloader" "$(val shm-a bar0 | grep -c '^0x[0-9a-f]*000$')" 1
is "A: the factory's signature" "$(val shm-a signature)" 0x4d534732474d5651
is "A created qxring (GSS_OK)" "$(val shm-a status)" 0
is "A: 16 data pages" "$(val shm-a pages)" 16
is "A is client 0" "$(val shm-a idx)" 0
is "A: its region is in BAR2 (the window)" "$(val shm-a shmem)" "$(val shm-a bar2 | sed 's/c$/0/')"

create shm-b
if [ $san = 1 ]; then
    is "the broker running is the ASan build" "$(qx_procs qvm-xl-shmemd-asan)" 1
    is "A's and B's backends running are the ASan build" "$(qx_procs qvm-xl-backend-asan)" 2
fi
wait_line shm-a '^QXGUEST end' 300 || diag "A did not end"
wait_line shm-b '^QXGUEST end' 60 || diag "B did not end"
if [ $san = 1 ]; then shmem_pair $ROUNDS "nested TCG, ASan+UBSan broker and backends"
else shmem_pair $ROUNDS "nested TCG"; fi
# Interrupt-driven: INTA through Xen's IO-APIC (input 47 for slot 31, hvm_pci_intx_gsi) to
# the stand-in's handler on its local APIC, not polled.
for g in A B; do
    d=shm-$(echo $g | tr AB ab)
    is "$g: the device's interrupt is taken at the IO-APIC" "$(val $d irq-mode)" ioapic
    is "$g: at input 47, Xen's wiring of slot 31 INTA" "$(val $d irq-gsi)" 47
done
n=$(val shm-a irqs)
if [ "${n:-0}" -ge $ROUNDS ]; then ok "A took $n device interrupts (at least one per round)"
else not_ok "A took at least $ROUNDS device interrupts (got '$n')"; fi
# The peer: the same guests' round trip through an interdomain event channel (Xen's default
# XSM on x86 allows them between guests), set up through the region.
shmem_evtchn_peer $ROUNDS "nested TCG"
gone shm-a 30 || not_ok "A powered off"

# H, hostile, while B holds qxring: the broker and the backends survive, limits hold, and
# qxring (denied to H) is untouched (D checks it next).
bpid=$(cat "/run/qvm-xl/backend-$(xl domid shm-b 2>/dev/null).pid" 2>/dev/null)
create shm-h
wait_line shm-h '^QXGUEST end' 600 || diag "H did not end"
shmem_hostile "$bpid"
gone shm-h 30 || not_ok "H powered off"

create shm-d
wait_line shm-d '^QXGUEST end' 120 || diag "D did not end"
create shm-c
wait_line shm-c '^QXGUEST end' 120 || diag "C did not end"
shmem_late
for g in shm-a shm-b shm-h shm-d shm-c; do show $g; done
sed 's/^/#   broker: /' /var/log/xen/qvm-xl-shmemd.log 2>/dev/null | tail -n 20
grep -h -i -E 'error|refus|fail' /var/log/xen/qvm-xl-backend-*.log 2>/dev/null | tail -n 20 | sed 's/^/#   backend: /'

gone shm-c 30 && gone shm-d 30 || not_ok "C and D powered off"
check "qvm-xl destroy shm-b" qvm-xl destroy shm-b
shmem_gone "$free0"
shmem_san_end
qx_done
