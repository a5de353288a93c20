# SPDX-License-Identifier: LGPL-2.1-only
# aarch64 profile of the e2e host helpers (bash, sourced by lib/host-lib.sh when
# QX_E2E_ARCH=arm64): the same rig, with Debian's arm64 Xen, dom0 and guest kernel under
# qemu-system-aarch64. Nothing arm64 is installed on the host: the packages are unpacked
# (dpkg -x) into CACHE/sysroot, and dom0's programs and libraries are copied from there.
# Two releases (QX_XEN):
#   4.17  Debian 12's packages, downloaded with this machine's apt; qvm-xl cross-built by
#         scripts/cross-arm64 in the build tree. Cache: the x86 one's arm64/.
#   4.20  Debian 13's packages, downloaded in the chroot of scripts/chroot-trixie (its
#         sysroot-arm64 command adds dpkg's arm64 architecture there); qvm-xl cross-built in
#         that chroot (its build-arm64 command). Cache: $QX_E2E_CACHE/arm64-4.20, else
#         ${QVMXL_CACHE:-~/.cache/qvm-xl}/e2e-arm64-4.20 (shared by build trees: the images
#         hold none of their files but the programs, added per run).
# shellcheck shell=bash disable=SC2034 # sourced: the variables are read by the rig

qx_arch=arm64
qx_xen=${QX_XEN:-4.17}
case $qx_xen in
4.17) qx_suite=e2e-arm ;;
4.20) qx_suite=e2e-arm-4.20 ;;
*) qx_die fetch "QX_XEN=$qx_xen: only 4.17 and 4.20 are known" ;;
esac
XEN_TOOLS_DIR=/usr/lib/xen-$qx_xen/bin
qx_trixie=$qx_e2e_dir/../../scripts/chroot-trixie
# run-suite points QX_E2E_ARM_CASES at a copy with the stand-in guests it builds.
qx_cases_dir=${QX_E2E_ARM_CASES:-$qx_e2e_dir/arm/cases}
qx_guest_files=(-f "$qx_e2e_dir/arm/guest-tools/qx-mmio")
# The kernel and hypervisor packages, and the arm64 runtime dom0 needs (the Xen tools'
# libraries as readelf finds them, busybox, bash and util-linux's flock for the hotplug scripts).
qx_arm_pkgs="xen-hypervisor-$qx_xen-arm64 xen-utils-$qx_xen xenstore-utils busybox-static bash util-linux
libxenmisc$qx_xen libxenstore4 libxentoolcore1 libxengnttab1 libxenevtchn1 libxencall1
libxenforeignmemory1 libxendevicemodel1 libxentoollog1 libxenhypfs1 libyajl2 libc6 libgcc-s1
libuuid1 libfdt1 zlib1g libtinfo6 libzstd1 liblzma5 libbz2-1.0 liblzo2-2 libnl-3-200
libnl-route-3-200 libxml2"
# Architecture-independent ones (no :arm64): 4.20's hotplug scripts and xl.conf (4.17 takes
# this machine's /etc/xen, the same release).
qx_arm_all_pkgs=""
[ "$qx_xen" = 4.17 ] || qx_arm_all_pkgs="xen-utils-common"

# The 4.17 arm64 cache lives inside the x86 one (CACHE/arm64) and takes its lock, so that the
# two suites' QEMUs never run at once (on 2 cores they halve each other's speed).
qx_cache_dir() {
    local c=${QX_E2E_CACHE:-${top_builddir:-$qx_e2e_dir/../..}/tests/e2e/cache}/arm64
    if [ "$qx_xen" = 4.20 ]; then
        c=${QX_E2E_CACHE:+$QX_E2E_CACHE/arm64-4.20}
        c=${c:-${QVMXL_CACHE:-$HOME/.cache/qvm-xl}/e2e-arm64-4.20}
    fi
    mkdir -p "$c" && (cd "$c" && pwd)
}
qx_lock_file() { if [ "$qx_xen" = 4.17 ]; then echo "$1/../lock"; else echo "$1/lock"; fi; }

# qx_arm_apt CMD...: run apt-cache or apt-get where the release's arm64 packages are known:
# this machine's apt (4.17), the Debian 13 chroot's (4.20; cwd /var/cache/qx-e2e-arm64 there).
qx_arm_apt() {
    if [ "$qx_xen" = 4.17 ]; then "$@"; return; fi
    "$qx_trixie" run sh -c 'mkdir -p /var/cache/qx-e2e-arm64 && cd /var/cache/qx-e2e-arm64 &&
        exec "$@"' qx_arm_apt "$@"
}

# qx_arm_download DIR PKG...: the packages' .debs into DIR.
qx_arm_download() {
    local d=$1 root
    shift
    if [ "$qx_xen" = 4.17 ]; then (cd "$d" && apt-get download -q "$@"); return; fi
    root=$("$qx_trixie" sysroot-arm64) || return 1
    rm -rf "$root/var/cache/qx-e2e-arm64"
    qx_arm_apt apt-get download -q "$@" && mv "$root"/var/cache/qx-e2e-arm64/*.deb "$d/"
}

# qx_fetch CACHE: CACHE gets xen, vmlinuz (both plain Images), kver, kpkg, the kernel .deb and
# sysroot/ (every package above unpacked). QX_E2E_XEN (e.g. the ioreq-enabled hypervisor of
# tests/e2e/arm/build-xen) replaces only the hypervisor.
qx_fetch() {
    local c=$1 kpkg p
    QX_SYSROOT=$c/sysroot
    if [ -n "${QX_E2E_XEN:-}" ] && [ ! -f "$QX_E2E_XEN" ]; then
        qx_die fetch "hypervisor file $QX_E2E_XEN missing"
    fi
    if [ -n "${QX_E2E_KERNEL:-}" ] && [ ! -f "$QX_E2E_KERNEL" ]; then
        qx_die fetch "kernel file $QX_E2E_KERNEL missing"
    fi
    if [ -z "${QX_E2E_REFRESH:-}" ] && [ -f "$c/xen" ] && [ -f "$c/vmlinuz" ] &&
        [ -f "$c/kver" ] && [ "$(cat "$c/sysroot.done" 2>/dev/null)" = "$(qx_arm_stamp)" ] &&
        [ -f "$c/debs/$(cat "$c/kpkg" 2>/dev/null).deb" ]; then
        return 0
    fi
    [ -n "${QX_E2E_OFFLINE:-}" ] && qx_die fetch "cache $c is incomplete and QX_E2E_OFFLINE is set"
    if [ "$qx_xen" = 4.17 ]; then
        dpkg --print-foreign-architectures | grep -qx arm64 ||
            qx_die fetch "dpkg has no arm64 architecture (dpkg --add-architecture arm64; apt-get update)"
    else
        "$qx_trixie" sysroot-arm64 >/dev/null ||
            qx_die fetch "the Debian 13 chroot has no arm64 packages (scripts/chroot-trixie sysroot-arm64)"
    fi
    kpkg=$(qx_arm_apt apt-cache depends linux-image-arm64:arm64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*$/\1/p' | head -n1)
    [ -n "$kpkg" ] || qx_die fetch "cannot resolve the kernel package of linux-image-arm64:arm64"
    rm -rf "$c/debs" "$c/sysroot" "$c/sysroot.done"
    mkdir -p "$c/debs" "$c/sysroot"
    qx_log "fetching the arm64 Xen $qx_xen, dom0 runtime and $kpkg"
    # shellcheck disable=SC2086,SC2046 # one word per package
    qx_arm_download "$c/debs" $(for p in $qx_arm_pkgs $(qx_arm_icu) "$kpkg"; do echo "$p:arm64"; done) \
        $qx_arm_all_pkgs >/dev/null 2>&1 || qx_die fetch "apt-get download of the arm64 packages failed"
    for p in "$c"/debs/*.deb; do
        case ${p##*/} in
        "${kpkg}"_*) mv "$p" "$c/debs/$kpkg.deb" ;;
        *) dpkg -x "$p" "$c/sysroot" || qx_die fetch "dpkg -x ${p##*/} failed" ;;
        esac
    done
    rm -rf "$c/sysroot/usr/share/doc" "$c/sysroot/usr/share/man" "$c/sysroot/usr/share/locale"
    # Debian 13's packages install under /usr only (merged /usr): the links such a system has,
    # so that /bin/busybox, /lib/ld-linux-aarch64.so.1 etc. resolve as on 4.17.
    for p in bin sbin lib; do
        [ -e "$c/sysroot/$p" ] || ln -s "usr/$p" "$c/sysroot/$p"
    done
    cp "$c/sysroot/boot/xen-$qx_xen-arm64" "$c/xen" || qx_die fetch "no boot/xen-$qx_xen-arm64"
    dpkg-deb --fsys-tarfile "$c/debs/$kpkg.deb" | tar -x -O --wildcards './boot/vmlinuz-*' \
        >"$c/vmlinuz" || qx_die fetch "no vmlinuz in $kpkg"
    dpkg-deb -c "$c/debs/$kpkg.deb" | sed -n 's|.*\./boot/vmlinuz-\(.*\)$|\1|p' >"$c/kver"
    echo "$kpkg" >"$c/kpkg"
    qx_arm_stamp >"$c/sysroot.done"
}

# qx_arm_stamp: what sysroot.done holds, so that a changed package list fetches anew.
# shellcheck disable=SC2086 # the list on one line
qx_arm_stamp() { echo $qx_arm_pkgs; }

# qx_arm_icu: ICU, which Debian 12's libxml2 links against (Debian 13's does not), and the
# C++ runtime ICU needs.
qx_arm_icu() {
    qx_arm_apt apt-cache depends libxml2:arm64 2>/dev/null |
        sed -n 's/^ *Depends: \(libicu[0-9][^:]*\):arm64$/\1/p' | grep . && echo libstdc++6
}

# qx_kernel_tree CACHE DIR: the kernel package unpacked for module copying; Debian 13's installs
# its modules under /usr/lib/modules, and the lib link makes the host's depmod/modprobe -d
# (which look in DIR/lib/modules) find them.
qx_kernel_tree() {
    dpkg -x "$1/debs/$(cat "$1/kpkg").deb" "$2" &&
        { [ -e "$2/lib" ] || ln -s usr/lib "$2/lib"; } &&
        depmod -b "$2" "$(cat "$1/kver")"
}

# qx_copy_libs ROOT FILE: FILE's arm64 libraries from the sysroot; ldd cannot run foreign binaries.
qx_copy_libs() {
    qx_copy_sysroot_libs arm64 sysroot "/lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /lib /usr/lib \
        /usr/lib/xen-$qx_xen/lib" "$@"
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

# qx_arm_build: cross-build qvm-xl and its backends for this release (scripts/cross-arm64 in
# the build tree for 4.17, in the Debian 13 chroot for 4.20) and export QX_E2E_ARM_BUILDDIR,
# unless it is set already (qvm-xl cross-built elsewhere). Progress to stderr.
qx_arm_build() {
    [ -n "${QX_E2E_ARM_BUILDDIR:-}" ] && return 0
    if [ "$qx_xen" = 4.17 ]; then
        (cd "${top_builddir:-.}" && "$qx_e2e_dir/../../scripts/cross-arm64") >&2 || return 1
        QX_E2E_ARM_BUILDDIR=$(cd "${top_builddir:-.}/cross-arm64/build" && pwd)
    else
        QX_E2E_ARM_BUILDDIR=$("$qx_trixie" build-arm64) || return 1
    fi
    export QX_E2E_ARM_BUILDDIR
}

# qx_prepare: 4.20's programs come from the chroot, built on demand (run-suite builds them
# first); 4.17's are the build tree's cross-arm64/build, built by run-suite.
qx_prepare() {
    [ "$qx_xen" = 4.17 ] && return 0
    qx_arm_build || qx_die build-initramfs "scripts/chroot-trixie build-arm64 failed"
}

# qx_prog_dir: qvm-xl and its backends, cross-built by qx_arm_build (QX_E2E_ARM_BUILDDIR
# overrides).
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
