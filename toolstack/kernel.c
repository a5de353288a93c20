/* SPDX-License-Identifier: LGPL-2.1-only */
/* The guest kernel file: its architecture (for the default target), its format for the
 * translation, which turns a late "no loader found" from libxl into a located
 * configuration error, and whether it can be read. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolstack/image.h"
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

/* The load item whose file is the kernel (map-mem.c: the first untyped or guest load). */
static const struct qc_load *kernel_item(const struct qc_config *cfg)
{
    for (size_t i = 0; i < cfg->nloads; i++)
        if (cfg->loads[i].blob == -1 || cfg->loads[i].blob == QC_BLOB_GUEST)
            return &cfg->loads[i];
    return NULL;
}

void qx_kernel_probe(const struct qc_config *cfg, struct xlate_image *im)
{
    const struct qc_load *l = kernel_item(cfg);

    memset(im, 0, sizeof(*im));
    if (!l || qx_image_probe_file(l->path, im))
        memset(im, 0, sizeof(*im)); /* XLATE_IMAGE_UNREAD */
}

int qx_kernel_check(const struct qc_config *cfg, const struct xlate_plan *plan,
                    const struct xlate_target *t, bool must_read, struct qc_diags *d)
{
    const struct qc_load *l = kernel_item(cfg);
    unsigned char buf[1];

    (void)plan;
    (void)t;
    if (!l || !must_read || read_head(l->path, buf, sizeof(buf)) >= 0)
        return 0;
    qc_diag(d, QC_CK_LOAD_UNREADABLE, l->loc, "cannot read the kernel %s: %s", l->path,
            qc_file_strerror(errno));
    return -1;
}
