# SPDX-License-Identifier: LGPL-2.1-only
# io-50-virtio-hostile (GICv3 host, Xen with ioreq servers; issue 16, acceptance 3): a hostile
# virtio driver against qvm-xl-backend's virtio-mmio console, next to a well-behaved guest
# with the same device and its own backend. Both are bare-metal stand-ins built by run-suite
# from tests/e2e/guest-standin/hostile-virtio.c into io-50-virtio-hostile/. The hostile one
# runs its rounds (descriptor loops, chains longer than the queue, addresses outside RAM, in
# MMIO and at 2^64-len, wrapping lengths, avail index jumps, bad queue set-ups, garbage in
# every register; each followed by a reset and a legal transmit) and reports; then it leaves
# the device broken for a few seconds and powers off. Checked: every round the device
# answered, set NEEDS_RESET wherever it must, and worked again after the reset (the markers
# reach the hostdev file); the backend stayed alive, its CPU time per guest access stays
# near the neighbour backend's and is ~0 while the broken device sits idle; its log names
# the guest errors without flooding; the neighbour's transmits all went through meanwhile;
# no backend is left once the guests are gone. With the ASan+UBSan backend when run-suite could build one
# (vdev-backends/qvm-xl-backend-asan, started through QVMXL_BACKEND): no report from either.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
LX=/usr/local/libexec
H=hostile-virtio C=calm-virtio
hlog=/var/log/xen/$H.log clog=/var/log/xen/$C.log
# Bounds of the backend's CPU time. While the guest hammers it, every register access is a
# trap the backend serves, so its share of the wall time only says how fast this TCG QEMU
# is (44-54 % with the ASan build): bounded instead is its CPU time per guest access, at
# most CPU_RATIO times what the well-behaved neighbour's backend spends per access over
# the same time. While the broken device sits idle: next to nothing.
CPU_RATIO=4
CPU_IDLE_TICKS=10

rm -f "$hlog" "$clog"
if [ -x "$LX/qvm-xl-backend-asan" ] && grep -q __asan_init "$LX/qvm-xl-backend-asan"; then
    # As in case 33: the backend drops to nobody, so the logs go where it may write; leak
    # checking needs ptrace of itself, which a process that changed its uid is refused.
    mkdir -p /tmp/san && chmod 1777 /tmp/san && rm -f /tmp/san/*
    export QVMXL_BACKEND=$LX/qvm-xl-backend-asan
    export ASAN_OPTIONS=log_path=/tmp/san/asan:detect_leaks=0:abort_on_error=0
    export UBSAN_OPTIONS=log_path=/tmp/san/ubsan:print_stacktrace=1:halt_on_error=1
    san=1
    ok "backends: the ASan+UBSan build ($QVMXL_BACKEND)"
else
    san=0
    ok "backends: the ASan+UBSan build # SKIP run-suite staged no $LX/qvm-xl-backend-asan"
fi

# cpu PID: the process's user+system time in clock ticks (1/100 s), or "gone".
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo gone; }
bpid() { cat "/run/qvm-xl/backend-$(xl domid "$1" 2>/dev/null).pid" 2>/dev/null; }
# val LINE KEY: KEY=value of a report line.
val() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1; }
report() { tr -d '\r' <"$(qx_console "$1-vuart0")" 2>/dev/null | grep -a -E "^$2" | tail -n1; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# The neighbour first: it transmits until it is destroyed, all through the hostile rounds.
t0=$(qx_now)
check "qvm-xl create $C" qvm-xl create --target aarch64,+ioreq "$D/$C.qvmconf"
cpid=$(bpid $C) cc0=$(cpu "$(bpid $C)")
check "qvm-xl create $H" qvm-xl create --target aarch64,+ioreq "$D/$H.qvmconf"
diag "time both-created $(qx_elapsed "$t0") s"
hpid=$(bpid $H)
hblog=/var/log/xen/qvm-xl-backend-$(xl domid $H 2>/dev/null).log
cblog=/var/log/xen/qvm-xl-backend-$(xl domid $C 2>/dev/null).log
check "two backends running (pids ${hpid:-?} ${cpid:-?})" sh -c "kill -0 ${hpid:-none} ${cpid:-none}"

if qx_wait_console $H-vuart0 '^QXHOSTILE start' 60; then ok "$H started: $(report $H 'QXHOSTILE start')"; else
    not_ok "$H started"
    tail -n 10 "$(qx_console $H-vuart0)" 2>/dev/null | sed 's/^/#   /'
fi
# The rounds: the backend is sampled every 0.5 s until the report (or an exception line).
calm_done() { grep -a -c '^CALM-ROUND-[0-9]*-OK$' "$clog" 2>/dev/null; }
t1=$(qx_now) c1=$(cpu "$hpid") m1=$(calm_done) up=1
end=$((t1 + 30000))
while [ "$(qx_now)" -lt "$end" ] && [ -z "$(report $H 'QXHOSTILE (rounds=|exception)')" ]; do
    alive "$hpid" || up=0
    sleep 0.5
done
t2=$(qx_now) c2=$(cpu "$hpid") m2=$(calm_done)
alive "$hpid" || up=0
is "the backend stayed alive through the rounds" $up 1
sum=$(report $H 'QXHOSTILE rounds=')
if [ -n "$sum" ]; then ok "$H reported: $sum"; else
    not_ok "$H reported its rounds"
    report $H 'QXHOSTILE exception' | sed 's/^/#   /'
    tail -n 5 "$(qx_console $H-vuart0)" 2>/dev/null | sed 's/^/#   last: /'
fi
n=$(val "$sum" rounds)
is "every round the device answered (MagicValue, Version, DeviceID)" "$(val "$sum" responsive)" "${n:-?}"
is "no error the device must see went without NEEDS_RESET" "$(val "$sum" missed)" 0
tr -d '\r' <"$(qx_console $H-vuart0)" 2>/dev/null | grep -a '^QXHOSTILE \(missed\|wrong\|legal-failed\)' |
    head -n 20 | sed 's/^/#   /'
chk=$(val "$sum" checked)
chk=${chk:-none/?}
is "the legal edge cases (full-length chain, kick before DRIVER_OK, ...) were right" \
    "${chk%/*}" "${chk#*/}"
is "after every reset a legal transmit came back" "$(val "$sum" legal)" "${n:-?}"
is "the markers of those transmits reached the hostdev file" \
    "$(grep -a -c '^HOSTILE-ROUND-[0-9]*-OK$' "$hlog" 2>/dev/null)" "${n:-?}"
diag "NEEDS_RESET in $(val "$sum" needs_reset) of $n rounds ($(val "$sum" expected) had to);" \
    "guest time $(val "$sum" ms) ms; hostdev $(wc -c <"$hlog" 2>/dev/null) bytes"
# CPU while hammered: ticks are 1/100 s, as qx_now's unit.
hm=$(val "$sum" mmio)
if [ "$c1" != gone ] && [ "$c2" != gone ] && [ "$t2" -gt "$t1" ] && [ -n "$hm" ]; then
    hcpu=$((c2 - c1))
    diag "backend CPU $hcpu/100 s over $(((t2 - t1) / 100)) s of rounds" \
        "($((hcpu * 100 / (t2 - t1))) %), $((hcpu * 10000 / hm)) us per guest access ($hm)"
else not_ok "backend CPU while hammered measured (before $c1, after $c2, $hm accesses)"; fi

# The broken device idles: the backend must not spin on it.
if qx_wait_console $H-vuart0 '^QXHOSTILE idle' 30; then
    c3=$(cpu "$hpid")
    sleep 3
    c4=$(cpu "$hpid")
    diag "$(report $H 'QXHOSTILE idle'); backend CPU over 3 s: $((c4 - c3))/100 s"
    if [ "$c3" != gone ] && [ "$c4" != gone ] && [ $((c4 - c3)) -le $CPU_IDLE_TICKS ]; then
        ok "the backend idles while the device needs a reset"
    else not_ok "the backend idles while the device needs a reset ($c3 -> $c4 ticks)"; fi
else not_ok "$H left its device broken and idled"; fi

# The backend's log: each guest error once per reset (virtio_mmio_fail), nothing more.
errs=$(grep -c 'guest error' "$hblog" 2>/dev/null)
lines=$(wc -l <"$hblog" 2>/dev/null)
diag "backend log: $lines lines, $errs guest errors; kinds:" \
    "$(sed -n 's/.*guest error (\([^)]*\)).*/\1/p' "$hblog" | sort | uniq -c | tr -s ' \n' ' ')"
if [ -n "$n" ] && [ "${errs:-0}" -ge 1 ] && [ "${lines:-0}" -le $((2 * n + 20)) ]; then
    ok "the backend log names the guest errors without flooding ($lines lines for $n rounds)"
else
    not_ok "the backend log names the guest errors without flooding ($lines lines, $errs errors)"
fi
grep -v 'guest error' "$hblog" 2>/dev/null | head -n 12 | sed 's/^/#   backend: /'

# Power-off: the domain goes, and its backend with it.
i=0
while xl domid $H >/dev/null 2>&1 && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
check "$H powered off" sh -c "! xl domid $H"
i=0
while alive "$hpid" && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
check "its backend exited with the domain" sh -c "! kill -0 ${hpid:-0} 2>/dev/null"
check "$H's console shows no exception" sh -c "! grep -q 'QXHOSTILE exception' $(qx_console $H-vuart0)"

# The neighbour, unaffected: it went on transmitting meanwhile, none failed, none was lost.
is "$C transmitted all through the hostile rounds" "$([ "${m2:-0}" -gt "${m1:-0}" ] && echo yes)" yes
diag "$C: $m1 transmits when the rounds began, $m2 when they ended"
k=$(qx_console_count $C-vuart0 '^QXCALM rounds=')
if qx_wait_console_more $C-vuart0 '^QXCALM rounds=' "$k" 30; then
    cc1=$(cpu "$cpid")
    cs=$(report $C 'QXCALM rounds=')
    ok "$C reports: $cs"
else
    not_ok "$C reports"
    tail -n 5 "$(qx_console $C-vuart0)" 2>/dev/null | sed 's/^/#   /'
fi
cn=$(val "$cs" rounds) cm=$(val "$cs" mmio)
is "every transmit of $C went through" "$(val "$cs" ok)" "${cn:-?}"
is "none failed" "$(qx_console_count $C-vuart0 '^QXCALM failed')" 0
# Markers 0..K-1 each once: nothing lost or repeated (K >= the report's count).
k=$(calm_done)
is "each reached its hostdev file once, in order" \
    "$(grep -a '^CALM-ROUND-[0-9]*-OK$' "$clog" | awk '$0 != "CALM-ROUND-" NR - 1 "-OK" { bad++ } END { print bad + 0 }')" 0
if [ "${k:-0}" -ge "${cn:-1}" ]; then ok "its hostdev file has them all ($k >= $cn)"; else
    not_ok "its hostdev file has them all ($k >= $cn)"
fi
is "$C's backend saw no guest error" "$(grep -c 'guest error' "$cblog" 2>/dev/null)" 0
# Per guest access, the hostile guest's backend against the neighbour's (same boot, same time).
if [ -n "${hcpu:-}" ] && [ -n "$cm" ] && [ "$cc0" != gone ] && [ "${cc1:-gone}" != gone ] &&
    [ $((cc1 - cc0)) -gt 0 ]; then
    hu=$((hcpu * 10000 / hm)) cu=$(((cc1 - cc0) * 10000 / cm))
    diag "$C's backend: $((cc1 - cc0))/100 s for $cm accesses, $cu us each; hostile: $hu us"
    if [ $hu -le $((CPU_RATIO * cu)) ]; then
        ok "a hostile access costs the backend at most ${CPU_RATIO}x a legal one ($hu vs $cu us)"
    else not_ok "a hostile access costs the backend at most ${CPU_RATIO}x a legal one ($hu vs $cu us)"; fi
else not_ok "the backends' CPU per access measured ($hcpu, $cm, $cc0 -> $cc1)"; fi
check "qvm-xl destroy $C" qvm-xl destroy $C
i=0
while alive "$cpid" && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
check "no backend left" sh -c "! kill -0 ${cpid:-0} 2>/dev/null && ! kill -0 ${hpid:-0} 2>/dev/null"
is "no domain left" "$(qx_domains | tr '\n' ' ')" ""

if [ $san = 1 ]; then
    is "no ASan/UBSan report" "$(ls /tmp/san)" ""
    for f in /tmp/san/*; do [ -f "$f" ] && sed "s|^|# ${f##*/}: |" "$f" | head -n 40; done
    check "no sanitizer report in the backend logs" \
        sh -c "! grep -l -E 'AddressSanitizer|runtime error|LeakSanitizer' $hblog $cblog"
    unset QVMXL_BACKEND ASAN_OPTIONS UBSAN_OPTIONS
fi
qx_done
