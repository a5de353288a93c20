/* SPDX-License-Identifier: LGPL-2.1-only */
/* Whether Xen's domain builder can load the guest kernel a plan names. */
#ifndef QX_KERNEL_H
#define QX_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "xlate/plan.h"
#include "conf/qvmconf.h"
#include "xlate/target.h"

/* What the first bytes of a kernel file are, as far as Xen's loaders care. */
enum qx_kernel_format {
    QX_KERNEL_OTHER = 0, /* none of the below (raw binary, QNX IFS, ...) */
    QX_KERNEL_ELF,       /* "\x7fELF" */
    QX_KERNEL_BZIMAGE,   /* x86 boot protocol "HdrS" at 0x202 (libxenguest unpacks its ELF) */
    QX_KERNEL_GZIP,      /* gzip: libxenguest unpacks it before probing */
};

/* Bytes of a file qx_kernel_format() looks at. */
#define QX_KERNEL_PROBE_LEN 0x206

/* The format of the @len first bytes of a file (@len may be short). */
enum qx_kernel_format qx_kernel_format(const unsigned char *buf, size_t len);

/* The architecture an image's header names: an ELF's machine (x86_64, aarch64), a bzImage
 * (x86), a Linux arm64 Image ("ARM\x64" at 0x38); QC_ARCH_ANY for anything else. */
enum qc_arch qx_kernel_arch(const unsigned char *buf, size_t len);
/* That of the kernel the configuration loads (its first untyped or guest load), when the
 * file can be read; QC_ARCH_ANY otherwise. */
enum qc_arch qx_kernel_file_arch(const struct qc_config *cfg);

/* Reads the kernel the plan loads (b_info.kernel) and reports, at its load
 * item, a kernel Xen cannot load on @t: an ELF on aarch64 (Xen on ARM loads
 * only Linux Image/zImage files), anything but an ELF (or a bzImage/gzip
 * wrapping one) for an x86 PVH guest: error "xlate-kernel-format". A file
 * that cannot be read is error "load-unreadable" when @must_read, skipped
 * otherwise (the commands check every loaded file first, qx_load_files in
 * load.h, and call this without @must_read).
 * Returns 0, or -1 when it added an error. */
int qx_kernel_check(const struct qc_config *cfg, const struct xlate_plan *plan,
                    const struct xlate_target *t, bool must_read, struct qc_diags *d);

#endif
