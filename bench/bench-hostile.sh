#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# bench-hostile: the worst inputs found for the qvmconf reader, checks and translator, each
# one pattern repeated to a given size, against a benign configuration of the same size (a
# realistic guest's lines repeated) measured in the same run.
#   bench/bench-hostile.sh [SIZE]      (bytes, default 1000000)
# For every pattern it prints the time of `check --canonical` and of `convert --to=json`
# per input byte, and the ratio to the benign input; then the slowest case. It also runs
# each pattern at a tenth of the size: time(SIZE) / time(SIZE/10) is about 10 when the cost
# is linear (quadratic would be about 100). A pattern over 1 s at 1 MB prints WARNING.
# Environment: top_builddir (the build holding toolstack/qvm-xl).
set -u
size=${1:-1000000}
Q=${QVMXL:-${top_builddir:-.}/toolstack/qvm-xl}
[ -x "$Q" ] || { echo "bench-hostile: $Q not built" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# gen PATTERN BYTES > FILE: awk writes lines until BYTES.
gen() {
    awk -v k="$1" -v size="$2" 'function out(s) { print s; n += length(s) + 1 }
    BEGIN {
        if (k == "benign") { out("system bench"); out("ram 0x80000000,512M") }
        if (k == "pic-ref") out("vdev ioapic loc 0xf8000000 intr apic name p0")
        if (k == "load-in-ram") out("ram 0x80000000,1M")
        if (k == "long-word") exit
        for (i = 0; n < size; i++) {
            if (k == "benign") {
                out("cpu runmask " (i % 8) " sched 10")
                out(sprintf("vdev virtio-blk hostdev /dev/disk%d", i))
                out(sprintf("vdev pl011 loc 0x%x intr gic:%d hostdev >/tmp/c%d", 0x10000000 + i * 4096, 32 + i % 900, i))
                out("# a comment line as configurations have them")
            }
            else if (k == "set-distinct") out(sprintf("set var%d %d", i, i))
            else if (k == "set-in-contexts") { out("cpu"); out("set vdev-message-block-timeout 5") }
            else if (k == "pic-ref") out(sprintf("vdev ser8250 loc 0x%x intr p0:4", 0x1000 + i * 8))
            else if (k == "undefined-pic") out("vdev pl011 loc 0x1c090000 intr gic:37")
            else if (k == "load-in-ram") { out(sprintf("ram 0x%x,4K", 0x100000000 + i * 4096)); out(sprintf("load 0x%x,/k", 0x100000000 + i * 4096)) }
            else if (k == "same-range") out("ram 0x80000000,1M")
            else if (k == "same-pcpu") out("cpu runmask 0")
            else if (k == "bad-numbers") out("cpu sched 0x")
            else if (k == "unknown-options") out("vdev hpet intrmap a:1 frob 1 2 3")
            else if (k == "unknown-vdev") out("vdev my-device a b c d e f g")
            else if (k == "disks") out(sprintf("vdev virtio-blk hostdev /d%d", i))
        }
    }'
    if [ "$1" = long-word ]; then # one word of SIZE bytes
        printf 'cmdline '
        head -c "$2" /dev/zero | tr '\0' x
        echo
    fi
}

# secs CMD...: wall seconds of one run (best of 3).
secs() {
    best=
    for _ in 1 2 3; do
        s=$(date +%s%N)
        "$@" >/dev/null 2>&1
        e=$(date +%s%N)
        t=$((e - s))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    echo "$best"
}

measure() { # FILE -> "ns_check ns_convert"
    # The language alone (--syntax-only), and the translation without the
    # loaded files (--no-files: the patterns' paths do not exist).
    echo "$(secs "$Q" check --syntax-only --canonical "$1") $(secs "$Q" convert --to=json --no-files --target aarch64 "$1")"
}

gen benign "$size" >"$tmp/benign.qvmconf"
set -- $(measure "$tmp/benign.qvmconf")
bc_chk=$1 bc_cnv=$2
bytes=$(wc -c <"$tmp/benign.qvmconf")
printf 'bench-hostile: benign %d bytes: check %.1f ns/byte, convert %.1f ns/byte\n' \
    "$bytes" "$(echo "$bc_chk / $bytes" | bc -l)" "$(echo "$bc_cnv / $bytes" | bc -l)"
worst=0 worst_name=
for k in set-distinct set-in-contexts pic-ref undefined-pic load-in-ram same-range same-pcpu \
    bad-numbers unknown-options unknown-vdev disks long-word; do
    gen "$k" "$size" >"$tmp/$k.qvmconf"
    gen "$k" $((size / 10)) >"$tmp/$k-small.qvmconf"
    set -- $(measure "$tmp/$k.qvmconf")
    chk=$1 cnv=$2
    set -- $(measure "$tmp/$k-small.qvmconf")
    small=$(($1 + $2))
    bytes=$(wc -c <"$tmp/$k.qvmconf")
    printf 'bench-hostile: %-16s check %6.1f ns/byte (x%.2f benign)  convert %6.1f ns/byte (x%.2f)  growth x%.1f for 10x input\n' \
        "$k" "$(echo "$chk / $bytes" | bc -l)" "$(echo "$chk / $bc_chk" | bc -l)" \
        "$(echo "$cnv / $bytes" | bc -l)" "$(echo "$cnv / $bc_cnv" | bc -l)" \
        "$(echo "($chk + $cnv) / ($small + 1)" | bc -l)"
    if [ $((chk + cnv)) -gt "$worst" ]; then worst=$((chk + cnv)) worst_name=$k; fi
    if [ "$chk" -gt 1000000000 ] || [ "$cnv" -gt 1000000000 ]; then
        echo "WARNING: $k takes over 1 s at $bytes bytes"
    fi
done
printf 'bench-hostile: slowest %s: %.3f s for check + convert of %d bytes\n' "$worst_name" \
    "$(echo "$worst / 1000000000" | bc -l)" "$size"
