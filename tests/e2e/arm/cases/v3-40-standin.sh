# SPDX-License-Identifier: LGPL-2.1-only
# v3-40-standin: QNX-style images Xen's loader does not take (issue 15), through qvm-xl
# create: a raw binary and a note-less ELF, both linked at 0x80000000, and a synthetic IFS
# whose header places it there (tests/e2e/guest-standin, built by run-suite). Each prints what it found in its DT on
# Xen's vuart and powers off with PSCI SYSTEM_OFF; the domain is then gone.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR

# standin NAME CMDLINE ENTRY [LOAD]: create, check the stand-in's line (LOAD: where its code
# is linked, default 0x80000000), and that it powered off.
standin() {
    g=$1
    t=$(qx_now)
    check "qvm-xl create $g" qvm-xl create "$D/$g.qvmconf"
    diag "time qvm-xl-create $(qx_elapsed "$t") s"
    if qx_wait_console "$g-vuart0" '^QXSTANDIN end' 60; then
        ok "$g printed through the vuart"
    else
        not_ok "$g printed through the vuart"
        tail -n 20 "$(qx_console "$g-vuart0")" 2>/dev/null | sed 's/^/#   /'
    fi
    line=$(tr -d '\r' <"$(qx_console "$g-vuart0")" 2>/dev/null | grep '^QXSTANDIN load=' | tail -n1)
    diag "$line"
    val() { echo "$line" | sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^QXSTANDIN $1=\([^ ]*\).*/\1/p" | head -n1; }
    is "$g runs at its load address" "$(val load)" "${4:-0x80000000}"
    is "$g entered at its entry" "$(val entry)" "$3"
    # Xen's RAM from 0x40000000 grown to reach the end of qvm's 0x80000000,64m: 1088 MiB.
    is "$g sees Xen's RAM grown over 0x80000000" "$(val mem)" 0x40000000+0x44000000
    is "$g has its command line" "$(echo "$line" | sed -n 's/.* cmdline=//p')" "$2"
    is "$g's console is Xen's vpl011" "$(val uart)" 0x22000000
    # PSCI SYSTEM_OFF: the domain is destroyed (on_poweroff=destroy).
    n=0
    while xl list "$g" >/dev/null 2>&1 && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
    if xl list "$g" >/dev/null 2>&1; then
        not_ok "$g powered off"
        qvm-xl destroy "$g" >/dev/null 2>&1
    else ok "$g powered off"; fi
}

standin standin-raw "qnx raw stand-in" 0x80000000
standin standin-elf "qnx elf stand-in" 0x80000100
# The IFS starts at its first byte (0x80000000), whose boot prefix branches to startup.
standin standin-ifs "qnx ifs stand-in" 0x80000200 0x80000200

# An address below Xen's RAM base is refused before anything is built, naming the file.
sed 's/0x80000000/0x30000000/g; s/^system standin-raw/system standin-low/' \
    "$D/standin-raw.qvmconf" >/tmp/standin-low.qvmconf
qvm-xl create /tmp/standin-low.qvmconf >/tmp/standin-low.out 2>&1
rc=$?
is "image below 0x40000000 refused (exit 65)" "$rc" 65
if grep -q 'standin.bin.*below Xen.s guest RAM base.*\[xlate-kernel-format\]' /tmp/standin-low.out; then
    ok "the refusal names the file and why"
else not_ok "the refusal names the file and why"; sed 's/^/#   /' /tmp/standin-low.out | head; fi
is "nothing left behind" "$(qx_domains | tr '\n' ' ')" ""
qx_done
