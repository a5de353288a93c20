# SPDX-License-Identifier: LGPL-2.1-only
# Xen 4.20 profile of the x86 e2e host helpers (bash, sourced by lib/host-lib.sh when
# QX_XEN=4.20): Debian 13's hypervisor, dom0 kernel, Xen tools, QEMU and libraries, and
# qvm-xl built against them. Everything comes from the Debian 13 chroot of
# scripts/chroot-trixie (the same one make check against 4.20 uses; its "sysroot" command adds
# the hypervisor, QEMU and SeaBIOS, its "build" command builds qvm-xl there): dom0's programs
# and libraries are copied out of it, so dom0 runs Debian 13's userland with its glibc.
# shellcheck shell=bash disable=SC2034 # sourced: the variables are read by the rig

qx_xen=4.20
qx_suite=e2e-4.20
XEN_TOOLS_DIR=/usr/lib/xen-4.20/bin
qx_trixie=$qx_e2e_dir/../../scripts/chroot-trixie

# The 4.20 cache: CACHE/xen-4.20 inside the 4.17 one when QX_E2E_CACHE is set, else next to
# the chroot in $QVMXL_CACHE (the images hold nothing of the build tree but its programs,
# which are added per run).
qx_cache_dir() {
    local c
    if [ -n "${QX_E2E_CACHE:-}" ]; then c=$QX_E2E_CACHE/xen-4.20; else
        c=${QVMXL_CACHE:-$HOME/.cache/qvm-xl}/e2e-x86-4.20
    fi
    mkdir -p "$c" && (cd "$c" && pwd)
}

# qx_sysroot: the chroot, with the e2e packages installed (once).
qx_sysroot() {
    [ -n "$QX_SYSROOT" ] && return 0
    QX_SYSROOT=$("$qx_trixie" sysroot) && [ -d "$QX_SYSROOT" ] ||
        qx_die fetch "the Debian 13 chroot is not ready (scripts/chroot-trixie sysroot)"
}

# qx_prepare: build qvm-xl in the chroot (incrementally) unless QX_E2E_420_BUILDDIR names a
# build tree made there already. Exported so that the rig does not build again after
# run-cases did.
qx_prepare() {
    [ -n "${QX_E2E_420_BUILDDIR:-}" ] && return 0
    qx_log "building qvm-xl against Xen 4.20 in the Debian 13 chroot"
    QX_E2E_420_BUILDDIR=$("$qx_trixie" build) || qx_die build-initramfs "scripts/chroot-trixie build failed"
    export QX_E2E_420_BUILDDIR
}
qx_prog_dir() { echo "${QX_E2E_420_BUILDDIR:-}"; }

# qx_fetch CACHE: CACHE gets xen (from the chroot's hypervisor package), vmlinuz, kver, kpkg
# and the kernel .deb (apt-get download in the chroot: Debian 13's linux-image-amd64).
qx_fetch() {
    local c=$1 kpkg
    qx_sysroot
    if [ -n "${QX_E2E_XEN:-}" ] || [ -n "${QX_E2E_KERNEL:-}" ]; then
        [ -f "${QX_E2E_XEN:-$c/xen}" ] || qx_die fetch "hypervisor file ${QX_E2E_XEN:-$c/xen} missing"
        [ -f "${QX_E2E_KERNEL:-$c/vmlinuz}" ] ||
            qx_die fetch "kernel file ${QX_E2E_KERNEL:-$c/vmlinuz} missing"
        return 0
    fi
    if [ -z "${QX_E2E_REFRESH:-}" ] && [ -f "$c/xen" ] && [ "$c/xen" -nt "$QX_SYSROOT/boot/xen-4.20-amd64.gz" ] &&
        [ -f "$c/vmlinuz" ] && [ -f "$c/kver" ] && [ -f "$c/debs/$(cat "$c/kpkg" 2>/dev/null).deb" ]; then
        return 0
    fi
    gunzip -c "$QX_SYSROOT/boot/xen-4.20-amd64.gz" >"$c/xen.new" && mv "$c/xen.new" "$c/xen" ||
        qx_die fetch "no boot/xen-4.20-amd64.gz in the chroot"
    [ -z "${QX_E2E_REFRESH:-}" ] && [ -f "$c/vmlinuz" ] && [ -f "$c/kver" ] &&
        [ -f "$c/debs/$(cat "$c/kpkg" 2>/dev/null).deb" ] && return 0
    [ -n "${QX_E2E_OFFLINE:-}" ] && qx_die fetch "cache $c is incomplete and QX_E2E_OFFLINE is set"
    kpkg=$("$qx_trixie" run apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
    [ -n "$kpkg" ] || qx_die fetch "cannot resolve Debian 13's kernel package (apt-cache depends linux-image-amd64)"
    qx_log "fetching $kpkg (Debian 13)"
    rm -rf "$QX_SYSROOT/var/cache/qx-e2e"
    mkdir -p "$c/debs" "$QX_SYSROOT/var/cache/qx-e2e"
    "$qx_trixie" run sh -c 'cd /var/cache/qx-e2e && apt-get download -q "$0"' "$kpkg" >/dev/null 2>&1 &&
        mv "$QX_SYSROOT"/var/cache/qx-e2e/"$kpkg"_*.deb "$c/debs/$kpkg.deb" ||
        qx_die fetch "apt-get download $kpkg in the chroot failed"
    rm -rf "$QX_SYSROOT/var/cache/qx-e2e"
    qx_keep_vmlinuz "$c" "$kpkg"
    echo "$kpkg" >"$c/kpkg"
}

# qx_kernel_tree CACHE DIR: Debian 13's kernel installs its modules under /usr/lib/modules;
# the lib link makes the host's depmod/modprobe -d (which look in DIR/lib/modules) find them.
qx_kernel_tree() {
    dpkg -x "$1/debs/$(cat "$1/kpkg").deb" "$2" &&
        { [ -e "$2/lib" ] || ln -s usr/lib "$2/lib"; } &&
        depmod -b "$2" "$(cat "$1/kver")"
}

# qx_copy_libs ROOT FILE: FILE's libraries from the chroot: the host's ldd would name Debian 12's.
qx_copy_libs() {
    qx_copy_sysroot_libs 4.20 chroot "/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib /usr/lib \
        /usr/lib/xen-4.20/lib" "$@"
}

qx_libgcc() { echo /lib/x86_64-linux-gnu/libgcc_s.so.1; }

# qx_dm_binary CACHE: the HVM device model (Debian's qemu-system-xen) to copy into dom0.
qx_dm_binary() { echo "$QX_SYSROOT/usr/libexec/xen-qemu-system-i386"; }
