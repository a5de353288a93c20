# SPDX-License-Identifier: LGPL-2.1-only
# aarch64 profile of the e2e host helpers (bash, sourced by lib/host-lib.sh when
# QX_E2E_ARCH=arm64): the same rig, with Debian's arm64 Xen, dom0 and guest kernel under
# qemu-system-aarch64. Nothing arm64 is installed on the host: the packages are unpacked
# (dpkg -x) into CACHE/arm64/sysroot, and dom0's programs and libraries are copied from there.
# shellcheck shell=bash disable=SC2034 # sourced: the variables are read by the rig

qx_arch=arm64
# run-suite points QX_E2E_ARM_CASES at a copy with the stand-in guests it builds.
qx_cases_dir=${QX_E2E_ARM_CASES:-$qx_e2e_dir/arm/cases}
qx_suite=e2e-arm
qx_guest_files=(-f "$qx_e2e_dir/arm/guest-tools/qx-mmio")
# The kernel and hypervisor packages, and the arm64 runtime dom0 needs (the Xen tools'
# libraries as ldd would list them, busybox, bash for the hotplug scripts).
qx_arm_pkgs="xen-hypervisor-4.17-arm64 xen-utils-4.17 xenstore-utils busybox-static bash
libxenmisc4.17 libxenstore4 libxentoolcore1 libxengnttab1 libxenevtchn1 libxencall1
libxenforeignmemory1 libxendevicemodel1 libxentoollog1 libxenhypfs1 libyajl2 libc6 libgcc-s1
libuuid1 libfdt1 zlib1g libtinfo6 libzstd1 liblzma5 libbz2-1.0 liblzo2-2 libnl-3-200
libnl-route-3-200"

# The arm64 cache lives inside the x86 one (CACHE/arm64); the lock stays in the x86 cache so
# that the two suites' QEMUs never run at once (on 2 cores they halve each other's speed).
qx_cache_dir() {
    local c=${QX_E2E_CACHE:-${top_builddir:-$qx_e2e_dir/../..}/tests/e2e/cache}
    mkdir -p "$c/arm64" && (cd "$c/arm64" && pwd)
}
qx_lock_file() { echo "$1/../lock"; }

# qx_fetch CACHE: CACHE gets xen, vmlinuz (both plain Images), kver, kpkg, the kernel .deb and
# sysroot/ (every package above unpacked). QX_E2E_XEN (e.g. the ioreq-enabled hypervisor of
# tests/e2e/arm/build-xen) replaces only the hypervisor.
qx_fetch() {
    local c=$1 kpkg p
    QX_SYSROOT=$c/sysroot
    XEN_TOOLS_DIR=/usr/lib/xen-4.17/bin
    if [ -n "${QX_E2E_XEN:-}" ] && [ ! -f "$QX_E2E_XEN" ]; then
        qx_die fetch "hypervisor file $QX_E2E_XEN missing"
    fi
    if [ -n "${QX_E2E_KERNEL:-}" ] && [ ! -f "$QX_E2E_KERNEL" ]; then
        qx_die fetch "kernel file $QX_E2E_KERNEL missing"
    fi
    if [ -z "${QX_E2E_REFRESH:-}" ] && [ -f "$c/xen" ] && [ -f "$c/vmlinuz" ] &&
        [ -f "$c/kver" ] && [ -f "$c/sysroot.done" ] &&
        [ -f "$c/debs/$(cat "$c/kpkg" 2>/dev/null).deb" ]; then
        return 0
    fi
    [ -n "${QX_E2E_OFFLINE:-}" ] && qx_die fetch "cache $c is incomplete and QX_E2E_OFFLINE is set"
    dpkg --print-foreign-architectures | grep -qx arm64 ||
        qx_die fetch "dpkg has no arm64 architecture (dpkg --add-architecture arm64; apt-get update)"
    kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*$/\1/p' | head -n1)
    [ -n "$kpkg" ] || qx_die fetch "cannot resolve the kernel package of linux-image-arm64:arm64"
    rm -rf "$c/debs" "$c/sysroot" "$c/sysroot.done"
    mkdir -p "$c/debs" "$c/sysroot"
    qx_log "fetching the arm64 Xen, dom0 runtime and $kpkg"
    # shellcheck disable=SC2086 # one word per package
    (cd "$c/debs" && apt-get download -q $(for p in $qx_arm_pkgs "$kpkg"; do echo "$p:arm64"; done) \
        >/dev/null 2>&1) || qx_die fetch "apt-get download of the arm64 packages failed"
    for p in "$c"/debs/*.deb; do
        case ${p##*/} in
        "${kpkg}"_*) mv "$p" "$c/debs/$kpkg.deb" ;;
        *) dpkg -x "$p" "$c/sysroot" || qx_die fetch "dpkg -x ${p##*/} failed" ;;
        esac
    done
    rm -rf "$c/sysroot/usr/share/doc" "$c/sysroot/usr/share/man" "$c/sysroot/usr/share/locale"
    cp "$c/sysroot/boot/xen-4.17-arm64" "$c/xen" || qx_die fetch "no boot/xen-4.17-arm64"
    dpkg-deb --fsys-tarfile "$c/debs/$kpkg.deb" | tar -x -O --wildcards './boot/vmlinuz-*' \
        >"$c/vmlinuz" || qx_die fetch "no vmlinuz in $kpkg"
    dpkg-deb -c "$c/debs/$kpkg.deb" | sed -n 's|.*\./boot/vmlinuz-\(.*\)$|\1|p' >"$c/kver"
    echo "$kpkg" >"$c/kpkg"
    touch "$c/sysroot.done"
}

# qx_copy_libs ROOT FILE: FILE's arm64 libraries from the sysroot; ldd cannot run foreign binaries.
qx_copy_libs() {
    qx_copy_sysroot_libs arm64 sysroot "/lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib /usr/lib \
        /usr/lib/xen-4.17/lib" "$@"
}

# qx_busybox ROOT: the arm64 static busybox, one symlink per applet (the applet list is the
# host busybox's: the same Debian package for another architecture).
qx_busybox() {
    local root=$1 a
    mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
    cp "$QX_SYSROOT/bin/busybox" "$root/bin/busybox" || return 1
    for a in $(/bin/busybox --list); do
        [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
    done
}

# qx_libgcc: libgcc_s, dlopen()ed by glibc for pthread_cancel (ldd cannot see it).
qx_libgcc() { echo /lib/aarch64-linux-gnu/libgcc_s.so.1; }

# qx_prog_dir: qvm-xl and its backends, cross-built by scripts/cross-arm64 into the build
# tree's cross-arm64/build (QX_E2E_ARM_BUILDDIR overrides).
qx_prog_dir() { echo "${QX_E2E_ARM_BUILDDIR:-${top_builddir:-.}/cross-arm64/build}"; }

# qx_dom0_cmdline: the dom0 kernel's console options.
qx_dom0_cmdline() { echo "console=hvc0 earlycon=xenboot rdinit=/init"; }

# qx_qemu XEN KERNEL CMDLINE INITRD LOG XEN-APPEND: start QEMU in the background (the caller
# waits for $!). QEMU's guest-loader devices write the /chosen nodes Xen boots dom0 from.
# QX_E2E_GIC (2 or 3, default 3) picks the emulated GIC: a guest's vGIC version must match.
# 3 GiB: dom0's 1 GiB, and a guest linked at 0x80000000 whose Xen RAM (from 0x40000000)
# must reach it (v3-40-standin: 1088 MiB).
# Run in the background only (it execs, so $! is QEMU itself and the rig can kill it).
qx_qemu() {
    exec qemu-system-aarch64 -machine "virt,virtualization=on,gic-version=${QX_E2E_GIC:-3}" \
        -cpu cortex-a57 -smp 2 -m "${QX_E2E_MEM:-3072}" -display none -monitor none -serial file:"$5" \
        -no-reboot -kernel "$1" \
        -append "console=dtuart dom0_mem=1024M dom0_max_vcpus=2 bootscrub=0 loglvl=all guest_loglvl=all $6" \
        -device "guest-loader,addr=0x49000000,kernel=$2,bootargs=${3//,/,,}" \
        -device "guest-loader,addr=0x50000000,initrd=$4" </dev/null
}
