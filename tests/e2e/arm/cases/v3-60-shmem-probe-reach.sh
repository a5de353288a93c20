# SPDX-License-Identifier: LGPL-2.1-only
# v3-60-shmem-probe-reach (GICv3 host, Debian's Xen; issue 18, docs/shmem-xen.md §5): what a
# client whose target is a holder can reach by itself, and what a client's p2m pool limits.
# A holder owns two "regions": R1 (16 MiB) that dom0 maps into client C, and R2 (2 MiB) that
# nobody gives C. C's kernel maps pages itself through /dev/xen/privcmd (qx-privmap): R2's
# page of its holder (expected: readable), and a page of a second holder that is not its
# target (expected: refused). Linux (XSA-482) restricts a domU's privcmd to the domain its
# xenstore "target" node names (libxl writes it for device-model stub domains): dom0 writes it
# here, as a toolstack would, so that the hypercall reaches Xen (the second map is then refused
# by Linux already). Before C runs, dom0 maps one holder page every 2 MiB of C's
# unused guest-physical space, 1024 times: each needs a 4 KiB p2m table from C's pool (2 MiB
# as libxl sizes it for 128 MiB and 1 vCPU), until the pool is grown.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
P=/usr/local/libexec/qvm-xl-shmem-probe
HG=0x40000 # R1: the holder's gfns 0x40000.., R2: 0x41000.. (the pages after R1)
R2=0x41000
G=0x3a000     # R1 in C (guest-physical 0x3a000000)
SPARSE=0x200000 # 8 GiB: GUEST_RAM1's base, unused by a 128 MiB guest
probe() {
    LINE=$($P "$@" 2>&1)
    diag "probe $*: $LINE"
}
field() { echo "$LINE" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }
f0=$(xl info free_memory)

probe holder 4608 $HG
H=$(field domid)
is "holder with R1 (16 MiB) and R2 (2 MiB)" "$(field rc)" 0
probe fill "$H" $HG 4608
probe holder 512 $HG
H3=$(field domid)
probe fill "$H3" $HG 512
check "xl create -p shmC" xl create -p "$D/guest.cfg" 'name="shmC"' \
    "extra=\"console=hvc0 quiet qxguest.stay=1 qxguest.run=qx-privmap,$H,$R2,$H3,$HG\""
C=$(xl domid shmC)
xenstore-write "/local/domain/$C/target" "$H"
probe target "$C" "$H"
is "set_target(C, holder)" "$(field rc)" 0
probe map "$C" "$H" $HG $G 4096
is "R1 mapped into C" "$(field rc) $(field failed)" "0 0"

# The p2m pool: one holder page at 1024 gfns 2 MiB apart.
probe info "$C"
pool0=$(field p2m_pool_kb)
probe map "$C" "$H" $HG $SPARSE 1024 512 0
sparse_failed=$(field failed) sparse_err=$(field err) sparse_first=$(field first_failed)
diag "C's pool ${pool0} KiB: $sparse_failed of 1024 sparse pages failed, the first at $sparse_first (err $sparse_err)"
if [ "$sparse_failed" -gt 0 ]; then ok "C's p2m pool runs out before 1024 tables"; else
    not_ok "C's p2m pool runs out before 1024 tables"; fi
probe pool "$C" 8192
is "C's pool grown to 8 MiB" "$(field rc)" 0
# Remove what did map first: mapping the same page again at the same gfn leaks a page
# reference in Xen 4.17 (__p2m_set_entry frees the old entry only when the mfn differs), which
# keeps the holder a zombie for ever (seen in an earlier run).
probe unmap "$C" $SPARSE 1024 512
is "the sparse pages that mapped are removed (the others were never there)" "$(field failed)" "$sparse_failed"
probe map "$C" "$H" $HG $SPARSE 1024 512 0
is "then all 1024 sparse pages map" "$(field rc) $(field failed)" "0 0"
probe unmap "$C" $SPARSE 1024 512
is "and unmap" "$(field failed)" 0
probe info "$H"

# C's own kernel.
check "xl unpause shmC" xl unpause shmC
qx_wait_console shmC '^QXGUEST run-rc=' 120 || diag "C did not finish"
tr -d '\r' <"$(qx_console shmC)" | grep -E '^QXGUEST (mod|privmap|run)' | sed 's/^/# shmC: /'
priv=$(tr -d '\r' <"$(qx_console shmC)" | grep '^QXGUEST privmap ')
is "C's kernel reads R2, a region dom0 never gave it (its target's page)" \
    "$(echo "$priv" | sed -n "s/.*dom=$H gfn=$R2 rc=0 word=//p")" 0x5A001000
if echo "$priv" | grep -q "dom=$H3 .*rc=0"; then
    not_ok "C's kernel cannot map a page of a holder that is not its target"
else ok "C's kernel cannot map a page of a holder that is not its target"; fi
probe info "$H"

check "xl destroy shmC" xl destroy shmC
probe destroy "$H"
probe destroy "$H3"
sleep 2
probe info "$H"
is "the holder is gone once its client and itself are destroyed" "$(field exists)" 0
f1=$(xl info free_memory)
diag "free memory MiB: start $f0, end $f1"
is "everything is back at the end (within 1 MiB)" "$((f0 - f1 <= 1 && f1 - f0 <= 1))" 1
qx_done
