#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Kernel files Xen cannot load are configuration errors before anything is built:
# `create -n` and `convert` on an ELF kernel for aarch64 and a raw one below 1 MiB for x86
# exit 65, print nothing on stdout and name the check at the load item; x86 raw, plain IFS
# and ELF64 kernels are wrapped behind a Multiboot 1 header and make the guest HVM.
# No hypervisor.
set -u
top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-$top_srcdir}
QVMXL=${QVMXL:-$top_builddir/toolstack/qvm-xl}
[ -x "$QVMXL" ] || { echo "kernel-format: $QVMXL not built" >&2; exit 99; }
QVMXL=$(cd "$(dirname "$QVMXL")" && pwd)/$(basename "$QVMXL")
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0

printf '\177ELF\002\001\001\000' >"$tmp/elf"
printf 'raw kernel image' >"$tmp/raw"
# A file with the x86 boot protocol's "HdrS" at 0x202, as a bzImage has.
{ head -c 514 /dev/zero; printf 'HdrS'; } >"$tmp/bzimage"

# x86 Multiboot 1 (the QNX x86_64 shape): magic, flags, checksum, then with flags bit 16 the
# address fields header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr (LE words).
# shellcheck disable=SC2059 # the format is the octal escapes built here
le32() { for v; do printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((v & 255)) $((v >> 8 & 255)) \
    $((v >> 16 & 255)) $((v >> 24 & 255)))"; done; }
le32 0x1badb002 0x10003 $((-(0x1badb002 + 0x10003) & 0xffffffff)) 0x100000 0x100000 0 0 0x100020 \
    >"$tmp/multiboot"
le32 0x1badb002 3 $((-(0x1badb002 + 3) & 0xffffffff)) >"$tmp/mb-noaddr"
le32 0xe85250d6 0 16 $((-(0xe85250d6 + 16) & 0xffffffff)) >"$tmp/multiboot2"
# An x86_64 ELF64 without notes: one PT_LOAD of 16 file bytes (32 in memory) at 0x400000
# from file offset 0x80, entry 0x400000 (header words: ident, type|machine, version, entry,
# phoff, shoff, flags, ehsize|phentsize, phnum, shnum; then the program header).
{ le32 0x464c457f 0x00010102 0 0 0x003e0002 1 0x400000 0 64 0 0 0 0 0x00380040 1 0 \
    1 5 0x80 0 0x400000 0 0x400000 0 16 0 32 0 0x1000 0 0 0; printf 'x86 elf payload!'; } \
    >"$tmp/elf-x86"
# A plain x86_64 QNX IFS: startup header at 0 (signature, version 1, header size 256,
# EM_X86_64, startup_vaddr 0x400100, paddr_bias, image_paddr 0x400000, ...), 512 bytes.
{ le32 0x00ff7eeb 1 0x003e0100 0x400100 0 0x400000 0x400000 0x1000 0x200 0x200; \
    head -c 472 /dev/zero; } >"$tmp/ifs-x86"

# run NAME WANT-EXIT WANT-CHECK ARCH KERNEL [OPTION]: both create -n and convert --to=xl.
# A kernel that is not there is error load-unreadable, unless --no-files.
run() {
    if [ "$4" = aarch64 ]; then ram=0x40000000,64m; else ram=1m,64m; fi
    printf 'system k\nram %s\nload %s\n' "$ram" "$5" >"$tmp/$1.qvmconf"
    for cmd in "create -n" "convert --to=xl"; do
        # In $tmp: convert --to=xl writes a wrapped kernel (k.kernel) where it writes.
        # shellcheck disable=SC2086
        (cd "$tmp" && "$QVMXL" $cmd ${6:-} --target="$4" "$tmp/$1.qvmconf") >"$tmp/out" 2>"$tmp/err"
        rc=$?
        ok=1
        [ "$rc" = "$2" ] || ok=0
        if [ -n "$3" ]; then
            [ ! -s "$tmp/out" ] || ok=0
            grep -q "$1.qvmconf:3:1: error: .*\[$3\]" "$tmp/err" || ok=0
        fi
        if [ $ok = 1 ]; then pass=$((pass + 1)); else
            fail=$((fail + 1))
            echo "FAIL: $1: $cmd: exit $rc (want $2${3:+, check $3 at the load})"
            sed 's/^/    /' "$tmp/err"
        fi
    done
}

run arm-elf 65 xlate-kernel-format aarch64 "$tmp/elf"
run arm-raw 0 "" aarch64 "$tmp/raw"
run arm-missing 65 load-unreadable aarch64 "$tmp/no-such-kernel"
run arm-missing-nofiles 0 "" aarch64 "$tmp/no-such-kernel" --no-files
run pvh-dir 65 load-unreadable x86_64 "$tmp"
run x86-raw 0 "" x86_64 "$tmp/raw" # wrapped behind a Multiboot header, HVM (hvm below)
run x86-raw-low 65 xlate-kernel-format x86_64 "0x100000,$tmp/raw" # no room for the header
run x86-raw-unaligned 65 xlate-kernel-format x86_64 "0x400010,$tmp/raw"
run x86-elf64 0 "" x86_64 "$tmp/elf-x86"
run x86-ifs 0 "" x86_64 "$tmp/ifs-x86"
run pvh-elf 0 "" x86_64 "$tmp/elf"
run pvh-bzimage 0 "" x86_64 "$tmp/bzimage"
run hvm-multiboot 0 "" x86_64 "$tmp/multiboot" # no PC device: the image makes it HVM
run mb-noaddr 65 xlate-kernel-format x86_64 "$tmp/mb-noaddr"
run multiboot2 65 xlate-kernel-format x86_64 "$tmp/multiboot2"
run arm-multiboot 65 xlate-kernel-format aarch64 "$tmp/multiboot"
# hvm NAME KERNEL WANT-ADDR: create -n makes an x86 guest HVM with the kernel wrapped behind
# a Multiboot 1 header (the note names the format and the address QEMU starts it at).
hvm() {
    printf 'system k\nram 1m,64m\nload %s\n' "$2" >"$tmp/$1.qvmconf"
    (cd "$tmp" && "$QVMXL" create -n --target=x86_64 "$tmp/$1.qvmconf") >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc = 0 ] && grep -q '"type": "hvm"' "$tmp/out" && grep -q '"kernel": "k.kernel"' "$tmp/out" &&
        grep -q "at $3[ ,].*wrapped behind a Multiboot 1 header at .*started by QEMU (HVM)" "$tmp/err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $1: create -n: exit $rc (want 0, HVM, wrapped at $3)"
        sed 's/^/    /' "$tmp/err"
    fi
}

hvm hvm-raw-at "0x400000,$tmp/raw" 0x400000
hvm hvm-raw-noaddr "$tmp/raw" 0x200000
hvm hvm-elf-x86 "$tmp/elf-x86" 0x400000
hvm hvm-ifs-x86 "$tmp/ifs-x86" 0x400000
echo "kernel-format: $pass passed, $fail failed"
[ $fail -eq 0 ]
