# SPDX-License-Identifier: LGPL-2.1-only
# 32-backend-hostile: a guest hammers the backend's ports (every width, unaligned, out of
# range, REP string I/O, from both vCPUs) for QX_HAMMER_SECS (30 s; scripts/test-all: 10 s,
# still thousands of accesses per vCPU under TCG); the backend must stay alive
# and keep answering. Before that the guest times one backend port access against one Xen
# answers itself (an unclaimed port), and dom0 reads the backend's memory. 33-backend-asan
# repeats the hammer through the sanitizer build of the backend.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
LX=/usr/local/libexec
HAMMER_SECS=${QX_HAMMER_SECS:-30}

# --- the normal backend: bench, memory, hammer --------------------------------------------
t=$(qx_now)
# 0x3ff is the 8250's scratch register (the backend answers); nothing claims 0x2e8, so Xen
# itself answers all ones without leaving the hypervisor.
hammer hostile "$LX/qvm-xl-backend" \
    "qx-portio,bench,2000,0x3ff,0x2e8,--,hammer,$HAMMER_SECS,0x3f8:8,0x2f8:8,--,scratch,0x3f8,--,puts,0x3f8,after-hammer"
pid=$BE_PID
rss=$(kb $pid VmRSS) hwm=$(kb $pid VmHWM) anon=$(kb $pid RssAnon) file=$(kb $pid RssFile)
# Where the resident memory is: Rss per mapped object (dom0's files live in its initramfs,
# so library pages count as shared memory, not RssFile), largest first.
awk '/^[0-9a-f]+-[0-9a-f]+ / { name = NF >= 6 ? $NF : "[anon]" }
     $1 == "Rss:" { rss[name] += $2 } END { for (n in rss) if (rss[n]) print rss[n], n }' \
    "/proc/$pid/smaps" 2>/dev/null | sort -rn | head -n 16 | sed 's/^/# backend Rss kB: /'
diag "bench backend memory per guest: VmRSS $rss kB, VmHWM $hwm kB (target 2048 kB), of which private RssAnon $anon kB and shared-library RssFile $file kB; VmRSS during the hammer min/max: $(sort -n /tmp/rss-hostile | sed -n '1p;$p' | tr '\n' ' ')"
[ -n "$hwm" ] && [ "$hwm" -gt 2048 ] && diag "WARNING: VmHWM above the 2048 kB target"
bn=$(qx_guest_value hostile bench-backend-ns) xn=$(qx_guest_value hostile bench-xen-ns)
diag "bench port access handled by the backend: $bn ns, by Xen itself: $xn ns, ratio $(qx_guest_value hostile bench-ratio) (TCG: both inflated)"
# What a guest costs is the private part; library pages are shared by all backends.
is "backend private memory (RssAnon) <= 1024 kB" "$([ -n "$anon" ] && [ "$anon" -le 1024 ] && echo yes)" yes
is "backend VmHWM <= 2048 kB + 10%" "$([ -n "$hwm" ] && [ "$hwm" -le 2253 ] && echo yes)" yes
is "the backend's port is slower than Xen's own (the round trip is real)" \
    "$([ -n "$bn" ] && [ -n "$xn" ] && [ "$bn" -gt "$xn" ] && echo yes)" yes
check "xl destroy hostile" xl destroy hostile
be_exit $pid 10
is "hostile backend exits 0 when the domain dies" "$BE_RC" 0
check "no (null) domain left" no_null
sed 's/^/# be-hostile.log: /' /tmp/be-hostile.log
diag "time normal-part $(qx_elapsed "$t") s"

for f in /var/log/xen/xl-*.log; do grep -E "shut down|Action for" "$f" | sed "s|^|# ${f##*/}: |"; done
qx_done
