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

/* The kernel the configuration loads (its first untyped or guest load), as read from its
 * file (toolstack/image.c) into @im for the translation, which decides from the format how
 * it is started or refuses it (error "xlate-kernel-format", xlate/map-mem.c);
 * XLATE_IMAGE_UNREAD when there is none or it cannot be read. */
void qx_kernel_probe(const struct qc_config *cfg, struct xlate_image *im);

/* Reads the kernel the plan loads (the file of its kernel load item) and, when @must_read,
 * reports a file that cannot be read: error "load-unreadable" at the load item. Its format
 * is the translation's (qx_kernel_probe). The commands check every loaded file first
 * (qx_load_files in load.h) and call this without @must_read.
 * Returns 0, or -1 when it added an error. */
int qx_kernel_check(const struct qc_config *cfg, const struct xlate_plan *plan,
                    const struct xlate_target *t, bool must_read, struct qc_diags *d);

#endif
