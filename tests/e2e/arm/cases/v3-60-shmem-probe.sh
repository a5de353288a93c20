# SPDX-License-Identifier: LGPL-2.1-only
# v3-60-shmem-probe (GICv3 host, Debian's Xen; issue 18, docs/shmem-xen.md): can two guests
# share RAM owned by a third domain that never runs? dom0's qvm-xl-shmem-probe
# (tests/e2e/arm/shmem-probe) creates a holder domain with 16 MiB, makes it the target of two
# paused guests (XEN_DOMCTL_set_target) and maps its pages at 0x3a000000 in both
# (XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign); the guests (qx-shmem) exchange words
# through it with devmem. Then the lifetime: a client destroyed, the holder destroyed while a
# client maps it, the mapping removed, the last client destroyed; Xen's free memory throughout.
# Timings (*_us) are QEMU TCG wall-clock, for proportions only.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
P=/usr/local/libexec/qvm-xl-shmem-probe
BASE=0x3a000000 # unused in an ARM guest's map: GUEST_MAGIC ends here, RAM starts at 0x40000000
G=0x3a000       # its gfn
HG=0x40000      # the holder's gfns (its own p2m: any address)
N=4096          # 16 MiB
out=/tmp/shm-probe.out
: >$out
# probe ARGS...: run one step; its line is kept in $out, shown as a diagnostic and in $LINE.
probe() {
    LINE=$($P "$@" 2>&1)
    echo "$LINE" >>$out
    diag "probe $*: $LINE"
}
# field KEY: KEY's value in the last probe line.
field() { echo "$LINE" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }
free_mb() { xl info free_memory; }
# ticks: B's tick lines so far; wait_tick PATTERN SECS: until a new tick line matches.
ticks() { qx_console_count shmB '^QXGUEST shm-tick='; }
wait_tick() { qx_wait_console_more shmB "$1" "$(qx_console_count shmB "$1")" "$2"; }
last_tick() { tr -d '\r' <"$(qx_console shmB)" | grep '^QXGUEST shm-tick=' | tail -n1; }

diag "xen: $(xl info | sed -n 's/^xen_version *: //p'); XSM: $(xl dmesg | grep -i -E -o 'xsm[^.]*|flask[^.]*|silo[^.]*' | head -n3 | tr '\n' ';')"
f0=$(free_mb)

# 1. The holder: created, given 16 MiB, never started; named in xenstore only so that xl
# list and xl destroy can name it.
probe holder $N $HG
H=$(field domid)
is "holder created with 16 MiB" "$(field rc)" 0
xenstore-write /local/domain/$H/name shm-holder
f1=$(free_mb)
diag "free memory: $f0 MiB before, $f1 MiB with the holder; xl list: $(xl list | awk '$1 == "shm-holder"')"
probe fill $H $HG $N
is "dom0 tagged every page through a foreign mapping of the holder" "$(field rc)" 0

# 2. The clients, paused.
for c in shmA shmB; do
    r=a
    [ $c = shmB ] && r=b
    check "xl create -p $c" xl create -p "$D/guest.cfg" "name=\"$c\"" \
        "extra=\"console=hvc0 quiet qxguest.stay=1 qxguest.run=qx-shmem,$r,$BASE,$N\""
done
A=$(xl domid shmA) B=$(xl domid shmB)

# 3. Without a target Xen refuses (xsm_map_gmfn_foreign); with one it maps.
probe map $B $H $HG $G 1
is "no target: the page is refused with EPERM" "$(field failed) $(field err)" "1 -1"
probe target $A $H
is "set_target(A, holder)" "$(field rc)" 0
probe target $B $H
is "set_target(B, holder)" "$(field rc)" 0
probe holder 1 $HG
H2=$(field domid)
probe target $A $H2
is "a second target for A is refused (one target per domain, for life): EINVAL" "$(field rc)" -22
probe destroy $H2
probe info $H2
is "the refused second holder is gone at once" "$(field exists)" 0
probe map $A $H $HG $G 256
is "A: 256 pages (1 MiB) mapped" "$(field rc) $(field failed)" "0 0"
probe unmap $A $G 256
is "A: the 256 pages removed" "$(field failed)" 0
probe map $A $H $HG $G $N
is "A: 4096 pages (16 MiB) mapped" "$(field rc) $(field failed)" "0 0"
probe map $B $H $HG $G $N
is "B: 4096 pages (16 MiB) mapped" "$(field rc) $(field failed)" "0 0"
probe info $H
probe info $A
probe info $B

# 4. Both guests run and talk through the region.
check "xl unpause shmA" xl unpause shmA
check "xl unpause shmB" xl unpause shmB
qx_wait_console shmA '^QXGUEST shm-a-saw-b=' 150 || diag "A did not report"
qx_wait_console shmB '^QXGUEST shm-tick=' 150 || diag "B did not report"
for c in shmA shmB; do
    tr -d '\r' <"$(qx_console $c)" | grep -E '^QXGUEST (shm|run)' | head -n 4 | sed "s/^/# $c: /"
done
is "A read dom0's first page tag" "$(qx_guest_value shmA shm-a-tag0 | cut -d' ' -f1)" 0x5A000000
is "A read dom0's last page tag" "$(qx_guest_value shmA shm-a-tag0 | sed 's/.*taglast=//')" 0x5A000FFF
is "B read dom0's last page tag" "$(qx_guest_value shmB shm-b-tag0 | sed 's/.*taglast=//')" 0x5A000FFF
is "B read A's word" "$(qx_guest_value shmB shm-b-saw-a)" 0xA11CE001
is "A read B's word" "$(qx_guest_value shmA shm-a-saw-b)" 0xB0B0B002
probe check $H $HG $N
is "dom0 reads both words through the holder, every tag intact" \
    "$(field tags_bad) $(field words | cut -d, -f1-3)" "0 5a000000,a11ce001,b0b0b002"
probe poke $H $HG 4 0xD0D00001
if wait_tick 'w4=0xD0D00001' 20; then ok "B sees dom0's word"; else not_ok "B sees dom0's word"; fi

# 5. Lifetime. A goes: B's mapping and the holder's pages stay.
check "xl destroy shmA" xl destroy shmA
probe info $H
is "after A's destroy the holder keeps its 4096 pages" "$(field pages)" 4096
probe poke $H $HG 4 0xD0D00002
if wait_tick 'w4=0xD0D00002' 20; then ok "B still shares the region with dom0 after A's destroy"; else
    not_ok "B still shares the region with dom0 after A's destroy"; fi
fA=$(free_mb)

# The holder is destroyed while B maps all its pages.
probe destroy $H
is "destroy of the holder returns" "$(field rc)" 0
sleep 1
probe info $H
diag "holder after destroy: $LINE; xl list: $(xl list | awk 'NR > 1 && $2 == '"$H")"
hold_pages=$(field pages) hold_dying=$(field dying)
probe check $H $HG 1
diag "dom0 can still map the dying holder: rc $(field rc)"
fH=$(free_mb)
n=$(ticks)
if qx_wait_console_more shmB '^QXGUEST shm-tick=' $((n + 2)) 20; then
    ok "B keeps ticking on the region after the holder's destroy"
else not_ok "B keeps ticking on the region after the holder's destroy"; fi
t=$(last_tick)
diag "B: $t"
is "B reads back its own tick (the page is alive)" "$(echo "$t" | sed 's/.*shm-tick=\([0-9]*\) rb=\([0-9]*\).*/\1=\2/; s/^\([0-9]*\)=\1$/same/')" same
is "... and still sees dom0's last word" "$(echo "$t" | sed 's/.*w4=//')" 0xD0D00002

# B's mapping removed: the pages, then the holder, are freed? B loses the region (its
# accesses fault) but lives.
probe unmap $B $G $N
is "B: 4096 pages removed" "$(field failed)" 0
sleep 2
probe info $H
diag "holder after B's unmap: $LINE; xl list: $(xl list | awk 'NR > 1 && $2 == '"$H")"
unmap_exists=$(field exists) unmap_pages=$(field pages)
fU=$(free_mb)
if qx_wait_console shmB '^QXGUEST shm-tick=.* fault' 20; then
    ok "B's accesses fault once the mapping is gone"
else not_ok "B's accesses fault once the mapping is gone"; fi
sleep 1
is "B is still running" "$(xl list shmB >/dev/null 2>&1 && echo yes)" yes
check "xl destroy shmB" xl destroy shmB
sleep 2
probe info $H
is "after the last client's destroy the holder is gone" "$(field exists)" 0
xenstore-rm /local/domain/$H 2>/dev/null
fB=$(free_mb)
diag "holder while B mapped it: pages $hold_pages dying $hold_dying; after B's unmap: exists $unmap_exists pages $unmap_pages"
diag "free memory MiB: start $f0, holder $f1, after A's destroy $fA, after holder's destroy $fH, after B's unmap $fU, after B's destroy $fB"
is "the holder's 16 MiB are not freed while B maps them" "$((fH - fA < 8))" 1
is "the holder's 16 MiB are freed once B's mapping goes" "$((fU - fH >= 15))" 1
is "everything is back at the end (within 1 MiB)" "$((f0 - fB <= 1 && fB - f0 <= 1))" 1
xl dmesg | grep -i -E 'foreign|p2m|d'"$H"'|gmfn' | tail -n 12 | sed 's/^/#   xen: /'
xl list | sed 's/^/#   xl list: /'
qx_done
