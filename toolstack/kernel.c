/* SPDX-License-Identifier: LGPL-2.1-only */
/* The guest kernel's format against what Xen's domain builder loads: a late
 * "no loader found" from libxl becomes a located configuration error. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolstack/kernel.h"
#include "conf/source.h"

enum qx_kernel_format qx_kernel_format(const unsigned char *buf, size_t len)
{
    if (len >= 4 && memcmp(buf,
                           "\x7f"
                           "ELF",
                           4) == 0)
        return QX_KERNEL_ELF;
    if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
        return QX_KERNEL_GZIP;
    if (len >= 0x206 && memcmp(buf + 0x202, "HdrS", 4) == 0)
        return QX_KERNEL_BZIMAGE;
    return QX_KERNEL_OTHER;
}

/* Reads up to @len bytes; returns the count, or -1 with errno set. */
static ssize_t read_head(const char *path, unsigned char *buf, size_t len)
{
    size_t got = 0;
    struct stat st;
    int fd = qc_open_regular(path, &st); /* a FIFO or device as kernel never blocks */
    int saved;

    if (fd < 0)
        return -1;
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    return (ssize_t)got;
}

enum qc_arch qx_kernel_arch(const unsigned char *buf, size_t len)
{
    /* ELF e_machine (little-endian ELF only: both targets are). */
    if (qx_kernel_format(buf, len) == QX_KERNEL_ELF && len >= 20 && buf[5] == 1) {
        unsigned m = buf[18] | (unsigned)buf[19] << 8;
        return m == 62    ? QC_ARCH_X86
               : m == 183 ? QC_ARCH_ARM
                          : QC_ARCH_ANY; /* EM_X86_64, EM_AARCH64 */
    }
    if (qx_kernel_format(buf, len) == QX_KERNEL_BZIMAGE)
        return QC_ARCH_X86;
    if (len >= 0x3c && memcmp(buf + 0x38, "ARM\x64", 4) == 0) /* Linux arm64 Image header */
        return QC_ARCH_ARM;
    return QC_ARCH_ANY;
}

enum qc_arch qx_kernel_file_arch(const struct qc_config *cfg)
{
    unsigned char buf[QX_KERNEL_PROBE_LEN];

    for (size_t i = 0; i < cfg->nloads; i++) {
        const struct qc_load *l = &cfg->loads[i];
        ssize_t n;

        if (l->blob != -1 && l->blob != QC_BLOB_GUEST)
            continue;
        n = read_head(l->path, buf, sizeof(buf));
        return n > 0 ? qx_kernel_arch(buf, (size_t)n) : QC_ARCH_ANY;
    }
    return QC_ARCH_ANY;
}

/* The load item that became b_info.kernel (map-mem.c: the first untyped or
 * guest load), for the diagnostic's location. */
static const struct qc_load *kernel_load(const struct qc_config *cfg, const char *path)
{
    for (size_t i = 0; i < cfg->nloads; i++) {
        const struct qc_load *l = &cfg->loads[i];
        if ((l->blob == -1 || l->blob == QC_BLOB_GUEST) && strcmp(l->path, path) == 0)
            return l;
    }
    return NULL;
}

int qx_kernel_check(const struct qc_config *cfg, const struct xlate_plan *plan,
                    const struct xlate_target *t, bool must_read, struct qc_diags *d)
{
    const char *path = plan->config.b_info.kernel;
    const struct qc_load *l;
    unsigned char buf[QX_KERNEL_PROBE_LEN];
    enum qx_kernel_format f;
    struct qc_loc loc = {0};
    ssize_t n;
    bool arm = t->arch == XLATE_ARCH_AARCH64;

    if (!path)
        return 0;
    l = kernel_load(cfg, path);
    if (l)
        loc = l->loc;
    n = read_head(path, buf, sizeof(buf));
    if (n < 0) {
        if (!must_read)
            return 0;
        qc_diag(d, QC_CK_LOAD_UNREADABLE, loc, "cannot read the kernel %s: %s", path,
                qc_file_strerror(errno));
        return -1;
    }
    f = qx_kernel_format(buf, (size_t)n);
    if (arm && f == QX_KERNEL_ELF) {
        qc_diag(d, QC_CK_XLATE_KERNEL_FORMAT, loc,
                "kernel %s is an ELF file: Xen on ARM loads only Linux Image/zImage "
                "kernels (with their header), so this format is not loadable",
                path);
        return -1;
    }
    /* On x86 only PVH loads the kernel itself; HVM hands it to QEMU. */
    if (!arm && plan->type == LIBXL_DOMAIN_TYPE_PVH && f == QX_KERNEL_OTHER) {
        qc_diag(d, QC_CK_XLATE_KERNEL_FORMAT, loc,
                "kernel %s is not an ELF file: an x86 PVH guest needs an ELF kernel with "
                "the XEN_ELFNOTE_PHYS32_ENTRY note (or a Linux bzImage wrapping one)",
                path);
        return -1;
    }
    return 0;
}
