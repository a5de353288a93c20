# SPDX-License-Identifier: LGPL-2.1-only
# io-90-bench-virtio (GICv3 host, Xen built with ioreq servers): a benchmark, run only by
# bench/bench-virtio-arm.sh (its "needs" file). One guest, created twice in this boot from
# io-90-bench-virtio/bench-virtio.qvmconf, one after the other, on the same disk file and bridge:
#   virtio  qvm-xl create --target aarch64,+ioreq: virtio-blk and virtio-net (virtio-mmio)
#           served by qvm-xl-backend;
#   pv      the same with --prefer-pv: the file as xvda through blkback, a vif through netback.
# Both run tests/e2e/arm/guest-tools/qx-bench, which frames each phase (sequential and 4 KiB
# random disk I/O, network receive and send) with "QXBENCH begin/end NAME"; at the frames this
# side reads dom0's counters: the interrupts dom0 took for the devices (the backend's
# event channels, "evtchn:qvm-xl-backend": one per ioreq round trip; blkback's "blkif-backend";
# netback's "vifD.0-q0-*"), dom0's busy CPU time, the backend's own CPU time and its VmRSS.
# Prints "# bench ..." lines (bench/bench-virtio-arm.sh reports them), ratios virtio/pv.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
img=/tmp/qx-bench.img
www=/tmp/qx-bench-www
res=/tmp/qx-bench.res
phases="seq-write seq-read rand-null rand-read rand-write net-rx net-tx"
args=$(sed -n 's/.*qxguest.run=qx-bench,\([0-9,]*\).*/\1/p' "$D/bench-virtio.qvmconf")
seq_mib=${args%%,*} rand_n=$(echo "$args" | cut -d, -f2) net_mib=${args##*,}

for m in tun bridge loop; do modprobe $m || diag "module $m missing"; done
# Both guests get the disk as the same loop device over a file in dom0's /tmp (blkback needs a
# block device), so that both read and write the same thing.
dd if=/dev/zero of=$img bs=1M count=$((seq_mib + 16)) 2>/dev/null
# Without the loop module (tests/e2e/rig copies it into dom0) both take the file itself.
loopdev=$(losetup -f 2>/dev/null) && losetup "$loopdev" $img 2>/dev/null ||
    { diag "no loop device: the guests use $img itself"; loopdev=$img; }
brctl addbr xenbr0 2>/dev/null
ip addr add 10.99.0.1/24 dev xenbr0 2>/dev/null
ip link set xenbr0 up
# The blob the guest fetches is text: busybox wget --post-file sends it back as a string.
mkdir -p $www/cgi-bin
dd if=/dev/zero bs=1M count="$net_mib" 2>/dev/null | tr '\0' x >$www/blob
printf '#!/bin/sh\nn=$(wc -c)\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s\\n" "$n"\n' \
    >$www/cgi-bin/sink
chmod 755 $www/cgi-bin/sink
httpd -f -p 10.99.0.1:8090 -h $www &
httpd_pid=$!
: >$res

# dom0_irqs PATTERN: dom0's interrupts on the lines naming PATTERN, over all CPUs.
dom0_irqs() {
    awk -v p="$1" 'NR == 1 { n = NF; next } $0 ~ p { for (i = 2; i <= n + 1; i++) s += $i }
        END { print s + 0 }' /proc/interrupts
}
# busy: dom0's non-idle CPU time (ticks); pticks PID: PID's user+system ticks (0 if none).
busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
pticks() { # no process (the PV run has no backend): 0 ticks
    if [ -n "$1" ]; then awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; else echo 0; fi
}

# measure KIND GUEST DISK-PATTERN NET-PATTERN BACKEND-PID: follow GUEST's phases, one result
# line per phase in $res: KIND PHASE cs guest-irqs dom0-irqs dom0-busy backend-ticks.
measure() {
    for p in $phases; do
        case $p in net-*) pat=$4 ;; *) pat=$3 && [ -z "$no_disk" ] || continue ;; esac
        qx_wait_console "$2" "^QXBENCH begin $p\$" 400 || { diag "$1: no phase $p"; return 1; }
        i0=$(dom0_irqs "$pat") b0=$(busy) c0=$(pticks "$5")
        qx_wait_console "$2" "^QXBENCH end $p\$" 400 || { diag "$1: phase $p did not end"; return 1; }
        i1=$(dom0_irqs "$pat") b1=$(busy) c1=$(pticks "$5")
        [ -z "$5" ] || kb "$5" VmRSS >>/tmp/qx-bench-rss
        tr -d '\r' <"$(qx_console "$2")" | sed -n "s/^QXBENCH $p cs=\([0-9]*\) irqs=\([0-9]*\) rc=\([0-9]*\)\$/\1 \2 \3/p" |
            tail -n1 | {
            read -r cs gi rc
            [ "${rc:-1}" = 0 ] || diag "$1: $p failed in the guest (rc=$rc)"
            echo "$1 $p ${cs:-0} ${gi:-0} $((i1 - i0)) $((b1 - b0)) $((c1 - c0))" >>$res
        }
    done
}

# run KIND PATTERNS... [--prefer-pv]: create the guest, measure it, destroy it.
run() {
    kind=$1 g=bench-$1 no_disk=""
    sed -e "s/^system .*/system $g/" -e "s|hostdev $img|hostdev $loopdev|" \
        "$D/bench-virtio.qvmconf" >"/tmp/$g.qvmconf"
    if ! qvm-xl create --target aarch64,+ioreq $4 "/tmp/$g.qvmconf" >/tmp/qx-bench-create.out 2>&1; then
        not_ok "$kind: qvm-xl create $4 $g"
        grep -v '^ *^$\|^vdev\|xlate-device-changed' /tmp/qx-bench-create.out | sed 's/^/#   /'
        # The network alone, so that its figures are not lost with the disk.
        sed -i '/^vdev virtio-blk/d' "/tmp/$g.qvmconf"
        qvm-xl create --target aarch64,+ioreq $4 "/tmp/$g.qvmconf" >/tmp/qx-bench-create.out 2>&1 ||
            return 1
        diag "$kind: created without its disk"
        no_disk=1
    else
        ok "$kind: qvm-xl create $4 $g"
    fi
    pid=""
    if [ "$kind" = virtio ]; then
        pid=$(pidof qvm-xl-backend)
        is "$kind: one backend process" "$(echo $pid | wc -w)" 1
        sleep 5
        rss_both=$(kb "$pid" VmRSS)
    fi
    measure "$kind" "$g-vuart0" "$2" "$3" "$pid" && ok "$kind: every phase measured" ||
        not_ok "$kind: every phase measured"
    tr -d '\r' <"$(qx_console "$g-vuart0")" | grep -E '^QXBENCH (kind|disk|ping|net-.*=|done)' |
        sed "s/^/# $kind guest: /"
    if [ -n "$pid" ]; then
        diag "bench backend memory with virtio-blk + virtio-net: VmRSS $(kb "$pid" VmRSS) kB," \
            "VmHWM $(kb "$pid" VmHWM) kB, RssAnon $(kb "$pid" RssAnon) kB," \
            "RssFile $(kb "$pid" RssFile) kB, RssShmem $(kb "$pid" RssShmem) kB; VmRSS over the phases min/max" \
            "$(sort -n /tmp/qx-bench-rss | sed -n '1p;$p' | tr '\n' ' ')"
        sed 's/^/#   backend: /' "/var/log/xen/qvm-xl-backend-$(xl domid "$g").log" 2>/dev/null |
            head -n 8
    fi
    grep -E 'evtchn|blkif|vif' /proc/interrupts | sed "s/^/# $kind: dom0 interrupts: /"
    check "$kind: qvm-xl destroy $g" qvm-xl destroy "$g"
}

# rss_with NAME DROP: the backend's VmRSS (kB) 5 s after creating the guest without the
# qvmconf lines matching DROP (one device left), as the guest boots.
rss_with() {
    sed -e "/$2/d" -e "s/^system .*/system bench-$1/" "$D/bench-virtio.qvmconf" >"/tmp/bench-$1.qvmconf"
    qvm-xl create --target aarch64,+ioreq "/tmp/bench-$1.qvmconf" >/tmp/qx-bench-create.out 2>&1 ||
        { sed 's/^/#   /' /tmp/qx-bench-create.out >&2; echo 0; return; }
    sleep 5
    kb "$(pidof qvm-xl-backend)" VmRSS
    qvm-xl destroy "bench-$1" >/dev/null 2>&1
}

rss_both=0
run virtio 'evtchn:qvm-xl-backend' 'evtchn:qvm-xl-backend'
is "no backend left" "$(pidof qvm-xl-backend | wc -w)" 0
run pv 'blkif-backend' 'vif[0-9]' --prefer-pv
kill $httpd_pid 2>/dev/null
[ "$loopdev" = $img ] || losetup -d "$loopdev" 2>/dev/null
rss_blk=$(rss_with blk 'virtio-net') rss_net=$(rss_with net 'virtio-blk')
diag "bench backend VmRSS 5 s after create: virtio-blk + virtio-net $rss_both kB, virtio-blk" \
    "alone $rss_blk kB, virtio-net alone $rss_net kB: per device virtio-blk" \
    "$((rss_both - rss_net)) kB, virtio-net $((rss_both - rss_blk)) kB, the rest of the process" \
    "$((rss_blk + rss_net - rss_both)) kB"

# The figures: MiB/s (sequential, network), operations/s net of dd's own start-up (random),
# dom0's interrupts per MiB or per operation, and the ratio virtio/pv (above 1: virtio faster).
awk -v seq="$seq_mib" -v rn="$rand_n" -v net="$net_mib" '
{ cs[$1, $2] = $3; gi[$1, $2] = $4; di[$1, $2] = $5; busy[$1, $2] = $6; be[$1, $2] = $7 }
function rate(k, p) {
    if (p ~ /^seq/) return cs[k, p] ? seq * 100 / cs[k, p] : 0
    if (p ~ /^net/) return cs[k, p] ? net * 100 / cs[k, p] : 0
    d = cs[k, p] - cs[k, "rand-null"]
    return d > 0 ? rn * 100 / d : 0
}
function units(p) { return p ~ /^rand/ ? rn : p ~ /^seq/ ? seq : net }
END {
    n = split("seq-write seq-read rand-read rand-write net-rx net-tx", ps, " ")
    for (i = 1; i <= n; i++) {
        p = ps[i]; u = p ~ /^rand/ ? "op" : "MiB"; unit = p ~ /^rand/ ? "IOPS" : "MiB/s"
        v = rate("virtio", p); x = rate("pv", p)
        if (!v || !x) { printf "# bench %-10s no figure (virtio %.2f, pv %.2f)\n", p, v, x; continue }
        printf "# bench %-10s virtio %7.2f %s, pv %7.2f %s, ratio virtio/pv %.2f\n", p, v, unit, x, unit, x ? v / x : 0
        printf "# bench %-10s per %s: dom0 interrupts virtio %.1f pv %.1f; guest interrupts virtio %.1f pv %.1f; dom0 busy ticks virtio %d pv %d (backend %d)\n", p, u, di["virtio", p] / units(p), di["pv", p] / units(p), gi["virtio", p] / units(p), gi["pv", p] / units(p), busy["virtio", p], busy["pv", p], be["virtio", p]
    }
    printf "# bench rand-null  %d dd starts: virtio guest %.1f ms each, pv guest %.1f ms each (subtracted above)\n", rn, cs["virtio", "rand-null"] * 10 / rn, cs["pv", "rand-null"] * 10 / rn
}' $res
sed 's/^/#   raw: /' $res
rm -f $img /tmp/bench-*.qvmconf
qx_done
