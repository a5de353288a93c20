# SPDX-License-Identifier: LGPL-2.1-only
# Host-side helpers shared by the e2e rig and the guest image builder (bash, sourced).
# Every piece downloaded or built lands in one cache directory so that later runs work
# offline; stage names here match the ones the rig reports.

qx_e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XEN_TOOLS_DIR=${QX_E2E_XEN_TOOLS:-/usr/lib/xen-4.17/bin}
# Where dom0's programs and libraries are copied from: the host itself for Xen 4.17 on x86
# (Debian 12, this machine's release); the Xen 4.20 profile (QX_XEN=4.20, lib/xen-4.20.sh)
# points it at the Debian 13 chroot, the arm64 profile (QX_E2E_ARCH=arm64,
# arm/host-arm64.sh) at packages unpacked in its cache; both are sourced at the end and
# redefine the functions below marked "per architecture" or "per release".
QX_SYSROOT=""
qx_xen=4.17
qx_arch=x86_64
qx_cases_dir=$qx_e2e_dir/cases
qx_suite=e2e
qx_guest_files=() # mkguest -f arguments of every test guest (arm: its MMIO poke tool)

# qx_cache_dir: print (and create) the cache: $QX_E2E_CACHE, else the build tree's
# tests/e2e/cache, else one next to the sources. Per release.
qx_cache_dir() {
    local c=${QX_E2E_CACHE:-${top_builddir:-$qx_e2e_dir/../..}/tests/e2e/cache}
    mkdir -p "$c" && (cd "$c" && pwd)
}

# qx_lock_file CACHE: the lock one rig run holds (per architecture).
qx_lock_file() { echo "$1/lock"; }

# qx_die STAGE MESSAGE: the one way the rig and its helpers fail.
qx_die() {
    echo "rig: FAILED in stage $1: $2" >&2
    exit 125
}

qx_log() { echo "rig: $*" >&2; }

# qx_stamp FILE...: a cheap fingerprint (name, size, mtime) of input files.
qx_stamp() {
    stat -L -c '%n %s %Y' "$@" 2>/dev/null | md5sum | cut -c1-16
}

# qx_prepare: whatever the programs under test need before a run (per release: the 4.20
# profile builds them in its chroot).
qx_prepare() { :; }

# qx_fetch CACHE: make sure CACHE has xen (plain multiboot image), vmlinuz, kver and the
# kernel .deb. Nothing is installed: apt-get download + dpkg -x. Once the pieces are in the
# cache apt is never consulted again (offline runs); QX_E2E_REFRESH=1 fetches anew.
qx_fetch() {
    local c=$1 kpkg tmp
    if [ -n "${QX_E2E_XEN:-}" ] || [ -n "${QX_E2E_KERNEL:-}" ]; then
        # Explicit pieces (e.g. a custom hypervisor): use them as they are.
        [ -f "${QX_E2E_XEN:-$c/xen}" ] || qx_die fetch "hypervisor file ${QX_E2E_XEN:-$c/xen} missing"
        [ -f "${QX_E2E_KERNEL:-$c/vmlinuz}" ] ||
            qx_die fetch "kernel file ${QX_E2E_KERNEL:-$c/vmlinuz} missing"
        return 0
    fi
    if [ -z "${QX_E2E_REFRESH:-}" ] && [ -f "$c/xen" ] && [ -f "$c/vmlinuz" ] &&
        [ -f "$c/kver" ] && [ -f "$c/debs/$(cat "$c/kpkg" 2>/dev/null).deb" ]; then
        return 0
    fi
    [ -n "${QX_E2E_OFFLINE:-}" ] && qx_die fetch "cache $c is incomplete and QX_E2E_OFFLINE is set"
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
    [ -n "$kpkg" ] || qx_die fetch "cannot resolve the kernel package of linux-image-amd64 (apt-cache depends)"
    mkdir -p "$c/debs"
    rm -f "$c"/debs/*.deb
    qx_log "fetching xen-hypervisor-4.17-amd64 and $kpkg"
    (cd "$c/debs" && apt-get download -q xen-hypervisor-4.17-amd64 "$kpkg" >/dev/null 2>&1) ||
        qx_die fetch "apt-get download xen-hypervisor-4.17-amd64 $kpkg failed"
    mv "$c"/debs/xen-hypervisor-4.17-amd64_*.deb "$c/debs/xen-hypervisor-4.17-amd64.deb" &&
        mv "$c"/debs/"$kpkg"_*.deb "$c/debs/$kpkg.deb" ||
        qx_die fetch "downloaded packages not found in $c/debs"
    tmp=$(mktemp -d "$c/x.XXXXXX")
    dpkg -x "$c/debs/xen-hypervisor-4.17-amd64.deb" "$tmp" ||
        qx_die fetch "dpkg -x of the hypervisor package failed"
    gunzip -c "$tmp"/boot/xen-4.17-amd64.gz >"$c/xen.new" || qx_die fetch "no boot/xen-4.17-amd64.gz"
    rm -rf "$tmp"
    # The kernel: keep only vmlinuz; modules are taken from the .deb when images are built.
    qx_keep_vmlinuz "$c" "$kpkg"
    mv "$c/xen.new" "$c/xen"
    echo "$kpkg" >"$c/kpkg"
}

# qx_dm_binary CACHE: the HVM device model for dom0, Debian's qemu-system-xen (per release:
# Debian 12's here, downloaded once into CACHE/qemu-xen; apt-get download + dpkg -x).
qx_dm_binary() {
    local c=$1 dm=$1/qemu-xen/usr/libexec/xen-qemu-system-i386
    if [ ! -x "$dm" ]; then
        [ -n "${QX_E2E_OFFLINE:-}" ] && qx_die fetch "no qemu-system-xen in $c and QX_E2E_OFFLINE is set"
        qx_log "fetching qemu-system-xen"
        mkdir -p "$c/dm-deb" && rm -f "$c"/dm-deb/*.deb
        (cd "$c/dm-deb" && apt-get download -q qemu-system-xen >/dev/null 2>&1) &&
            dpkg -x "$c"/dm-deb/qemu-system-xen_*.deb "$c/qemu-xen" ||
            qx_die fetch "apt-get download qemu-system-xen failed"
    fi
    echo "$dm"
}

# qx_keep_vmlinuz CACHE KPKG: CACHE/vmlinuz and CACHE/kver from CACHE/debs/KPKG.deb (x86).
qx_keep_vmlinuz() {
    local c=$1 tmp
    tmp=$(mktemp -d "$c/x.XXXXXX")
    dpkg-deb --fsys-tarfile "$c/debs/$2.deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' ||
        qx_die fetch "no vmlinuz in $2"
    basename "$tmp"/boot/vmlinuz-* | sed 's/^vmlinuz-//' >"$c/kver"
    mv "$tmp"/boot/vmlinuz-* "$c/vmlinuz"
    rm -rf "$tmp"
}

# qx_kernel_tree CACHE DIR: unpack the cached kernel package into DIR (dpkg -x) for
# module copying; callers delete DIR afterwards (the tree is 400 MB, the .deb 70 MB).
qx_kernel_tree() {
    dpkg -x "$1/debs/$(cat "$1/kpkg").deb" "$2" &&
        depmod -b "$2" "$(cat "$1/kver")" # the package ships no modules.dep
}

# qx_copy_modules TREE ROOT KVER MODULE...: copy MODULEs and everything they depend on
# from TREE into ROOT, then depmod -b so that modprobe works there.
qx_copy_modules() {
    local tree=$1 root=$2 kver=$3 m f
    shift 3
    mkdir -p "$root/lib/modules/$kver"
    cp "$tree/lib/modules/$kver"/modules.order "$tree/lib/modules/$kver"/modules.builtin* \
        "$root/lib/modules/$kver/" 2>/dev/null
    for m in "$@"; do
        modprobe -d "$tree" -S "$kver" --show-depends "$m" >"$root/.deps" 2>&1 ||
            { cat "$root/.deps" >&2; rm -f "$root/.deps"; return 1; }
        while read -r kind f _; do
            [ "$kind" = insmod ] || continue
            f=${f#"$tree"}
            mkdir -p "$root$(dirname "$f")"
            cp "$tree$f" "$root$f"
            # Compressed modules (Debian 13's .ko.xz): busybox's modprobe loads plain ones.
            case $f in *.ko.xz) xz -df "$root$f" ;; *.ko.zst) zstd -qdf --rm "$root$f" ;; esac
        done <"$root/.deps"
        rm -f "$root/.deps"
    done
    depmod -b "$root" "$kver"
}

# qx_copy_libs ROOT FILE: copy the shared libraries ldd lists for FILE (and the loader)
# to the same paths under ROOT.
qx_copy_libs() {
    local root=$1 l
    for l in $(ldd "$2" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
        [ -e "$root$l" ] && continue
        mkdir -p "$root$(dirname "$l")"
        cp -L "$l" "$root$l" || return 1
    done
}

# qx_copy_sysroot_libs LABEL WHERE "DIR..." ROOT FILE: the libraries FILE needs (DT_NEEDED and its
# loader, recursively) looked up in the DIRs of QX_SYSROOT, copied to the same paths under
# ROOT: for a sysroot that is not this machine's, whose libraries the host's ldd would not
# name (the arm64 packages, Debian 13's chroot). The profiles' qx_copy_libs call it.
qx_copy_sysroot_libs() {
    local label=$1 where=$2 dirs=$3 root=$4 f=$5 n d l
    case $f in "$QX_SYSROOT"/*) ;; /*) [ -e "$QX_SYSROOT$f" ] && f=$QX_SYSROOT$f ;; esac
    for n in $(LC_ALL=C readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p') \
        $(LC_ALL=C readelf -l "$f" 2>/dev/null | sed -n 's/.*interpreter: \(.*\)\]/\1/p'); do
        l=""
        case $n in /*) l=$n ;; esac # the loader: an absolute path
        [ -n "$l" ] || for d in $dirs; do
            if [ -e "$QX_SYSROOT$d/${n##*/}" ]; then l=$d/${n##*/}; break; fi
        done
        [ -n "$l" ] || { qx_log "$label: library $n of ${f##*/} not in the $where"; return 1; }
        [ -e "$root$l" ] && continue
        mkdir -p "$root${l%/*}"
        cp -L "$QX_SYSROOT$l" "$root$l" && qx_copy_sysroot_libs "$label" "$where" "$dirs" "$root" "$QX_SYSROOT$l" ||
            return 1
    done
}

# qx_copy_with_libs ROOT FILE...: copy executables (paths in QX_SYSROOT) to the same path
# under ROOT, with their libraries.
qx_copy_with_libs() {
    local root=$1 f
    shift
    for f in "$@"; do
        mkdir -p "$root$(dirname "$f")"
        cp -L "$QX_SYSROOT$f" "$root$f" && qx_copy_libs "$root" "$QX_SYSROOT$f" || return 1
    done
}

# qx_install_prog ROOT FILE DESTDIR: copy FILE into ROOT/DESTDIR, with its libraries.
# QX_E2E_DEB=PATH (a qvm-xl_*.deb of this machine, as scripts/stage-package builds) installs
# the package instead of the build tree's two programs, on this profile only (x86, Xen 4.17:
# the release the package was built for): qvm-xl unpacks it into ROOT (qx_install_deb), and
# qvm-xl-backend becomes a link to the packaged backend, the path the backend cases start
# it by. Other programs (qvm-xl-backend-asan) are copied as ever.
qx_install_prog() {
    if [ -n "${QX_E2E_DEB:-}" ] && [ "$qx_arch/$qx_xen" = x86_64/4.17 ]; then
        case ${2##*/} in
        qvm-xl) qx_install_deb "$1" "$QX_E2E_DEB"; return ;;
        qvm-xl-backend)
            mkdir -p "$1$3" && ln -sfn /usr/libexec/qvm-xl/qvm-xl-backend "$1$3/qvm-xl-backend"
            return
            ;;
        esac
    fi
    mkdir -p "$1$3" && cp -L "$2" "$1$3/" && qx_copy_libs "$1" "$2"
}

# qx_install_deb ROOT DEB: the package's files under ROOT as dpkg would place them
# (/usr/sbin/qvm-xl, /usr/libexec/qvm-xl/qvm-xl-backend, ...), with the libraries of every
# executable in it (its Depends, as far as dom0 needs them).
qx_install_deb() {
    local f
    qx_log "installing $2 into dom0 (QX_E2E_DEB)"
    dpkg-deb -x "$2" "$1" || return 1
    for f in $(dpkg-deb -c "$2" | awk '$1 ~ /^-..x/ { print $6 }'); do
        qx_copy_libs "$1" "$1/${f#./}" || return 1
    done
}

# qx_hvm_files ROOT CACHE: what an HVM guest needs in dom0 besides xl: the device model
# at the path libxl runs it from (QEMU finds its data relative to that), QEMU's option ROMs
# for direct kernel boot (multiboot.bin starts Multiboot images) and its keymaps, SeaBIOS,
# and Xen's hvmloader; and the guest the HVM case boots: the x86 stand-in, built here from
# tests/e2e/guest-standin with the host's gcc, in ROOT/usr/share/qvm-xl-e2e. x86 only.
qx_hvm_files() {
    local root=$1 dm f boot=${XEN_TOOLS_DIR%/bin}/boot
    dm=$(qx_dm_binary "$2") && [ -x "$dm" ] || return 1
    mkdir -p "$root/usr/libexec" "$root/usr/share/qemu" "$root$boot" || return 1
    cp -L "$dm" "$root/usr/libexec/xen-qemu-system-i386" && qx_copy_libs "$root" "$dm" || return 1
    cp -a "$QX_SYSROOT/usr/share/seabios" "$root/usr/share/" || return 1
    for f in linuxboot.bin linuxboot_dma.bin multiboot.bin multiboot_dma.bin kvmvapic.bin \
        pvh.bin vgabios-stdvga.bin vgabios-cirrus.bin keymaps; do
        [ -e "$QX_SYSROOT/usr/share/qemu/$f" ] || continue
        cp -a "$QX_SYSROOT/usr/share/qemu/$f" "$root/usr/share/qemu/" || return 1
    done
    # QEMU 7.2 (Debian 12) loads a Multiboot kernel with multiboot_dma.bin whenever the machine
    # type allows fw_cfg DMA, but the Xen machine's fw_cfg has none (xen_load_linux:
    # fw_cfg_init_io), so that ROM waits forever; the port I/O ROM works with and without DMA.
    # Later QEMUs give Xen's fw_cfg DMA; then the swap is harmless (docs/guest-images.md §4).
    # virtio-net-pci's option ROM: QEMU refuses the NIC without it (an HVM guest's vdev
    # virtio-net); Debian's qemu-system-data links it from ipxe-qemu.
    for f in "$QX_SYSROOT/usr/share/qemu/efi-virtio.rom" "$QX_SYSROOT/usr/lib/ipxe/qemu/efi-virtio.rom"; do
        [ -e "$f" ] && cp -L "$f" "$root/usr/share/qemu/efi-virtio.rom" && break
    done
    if [ -e "$QX_SYSROOT/usr/share/qemu/multiboot.bin" ]; then
        cp "$QX_SYSROOT/usr/share/qemu/multiboot.bin" "$root/usr/share/qemu/multiboot_dma.bin" || return 1
    fi
    cp "$QX_SYSROOT$boot/hvmloader" "$root$boot/" || return 1
    "$qx_e2e_dir/guest-standin/build-x86" "$2/standin-x86" >&2 &&
        mkdir -p "$root/usr/share/qvm-xl-e2e" &&
        cp "$2/standin-x86/standin-mb.bin" "$2/standin-x86/standin-mb.ifs" \
            "$2/standin-x86/standin-raw.bin" "$2"/standin-x86/shmem-x86-?.bin \
            "$root/usr/share/qvm-xl-e2e/"
}

# qx_busybox ROOT: static busybox with one symlink per applet.
qx_busybox() {
    local root=$1 a
    mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
    cp /bin/busybox "$root/bin/busybox" || return 1
    for a in $(/bin/busybox --list); do
        [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
    done
}

# qx_libgcc: libgcc_s, dlopen()ed by glibc for pthread_cancel (ldd cannot see it).
# Per architecture.
qx_libgcc() { ldconfig -p | sed -n 's/.*libgcc_s.so.1 (libc6,x86-64) => //p' | head -n1; }

# qx_prog_dir: the build tree whose toolstack/qvm-xl and vdev-backends/qvm-xl-* go into dom0.
# Per architecture.
qx_prog_dir() { echo "${top_builddir:-}"; }

# qx_dom0_cmdline: the dom0 kernel's console options. Per architecture.
qx_dom0_cmdline() { echo "console=hvc0 earlyprintk=xen"; }

# qx_qemu XEN KERNEL CMDLINE INITRD LOG XEN-APPEND: run QEMU (the caller backgrounds it), Xen
# booting dom0 KERNEL with CMDLINE and INITRD, serial output to LOG. Per architecture.
# Run in the background only (it execs, so $! is QEMU itself and the rig can kill it).
qx_qemu() {
    exec qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt -m 2048 -smp 2 -display none \
        -monitor none -serial file:"$5" -no-reboot -kernel "$1" \
        -append "dom0_mem=1024M console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all $6" \
        -initrd "$2 $3,$4" </dev/null
}

# qx_pack ROOT OUT: newc cpio, gzip -1 (most bytes are already-compressed kernels).
qx_pack() {
    (cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio -o -0 -H newc -R 0:0 --quiet) |
        gzip -1 >"$2.new" && mv "$2.new" "$2"
}

case ${QX_E2E_ARCH:-x86_64}/${QX_XEN:-4.17} in
x86_64/4.17) ;;
x86_64/4.20) . "$qx_e2e_dir/lib/xen-4.20.sh" ;;
x86_64/*) qx_die fetch "QX_XEN=$QX_XEN: only 4.17 and 4.20 are known" ;;
arm64/*) . "$qx_e2e_dir/arm/host-arm64.sh" ;;
*) qx_die fetch "QX_E2E_ARCH=$QX_E2E_ARCH: only x86_64 and arm64 are known" ;;
esac
