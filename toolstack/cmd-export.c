/* SPDX-License-Identifier: LGPL-2.1-only */
/* `qvm-xl export DOMAIN` and `convert --to=qvmconf FILE.cfg`: a Xen guest back to qvmconf. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/cmd-util.h"
#include "toolstack/export.h"
#include "toolstack/qvm-xl.h"
#include "xlate/reverse.h"
#include "toolstack/steps.h"
#include "conf/source.h"
#include "xlate/xlate.h"

/* An xl.cfg is small: anything larger is not one. */
#define QX_XLCFG_MAX (1u << 20)

bool qx_is_xlcfg(const char *path)
{
    size_t n = strlen(path);

    return n > 4 && !strcmp(path + n - 4, ".cfg");
}

/* The whole xl.cfg (a regular file: a FIFO or /dev/zero is refused at once, never read
 * without end), or NULL after a message. */
static char *slurp(const char *path, size_t *len_r, FILE *err)
{
    char *buf = NULL;
    int rc = qc_read_regular_file(path, QX_XLCFG_MAX, &buf, len_r);

    if (rc) {
        fprintf(err, "qvm-xl: %s: %s\n", path,
                rc == EFBIG ? "larger than 1 MiB: not an xl.cfg" : qc_file_strerror(rc));
        return NULL;
    }
    return buf;
}

/* Reverse @dc and print it; returns an exit status. */
static int reverse_print(const libxl_domain_config *dc, const char *name, enum xlate_arch arch,
                         const struct xlate_lossy_list *carry, FILE *out, FILE *err)
{
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = name, .arch = arch, .carry = carry};
    int rc;

    xlate_reverse_init(&r);
    rc = xlate_reverse(dc, &o, &r, err);
    if (rc) {
        fprintf(stderr, "qvm-xl: %s: %s\n", name, xlate_strerror(rc));
        rc = QX_EXIT_FAIL;
        goto out;
    }
    xlate_reverse_write(out, &r);
    rc = fflush(out) ? QX_EXIT_FAIL : QX_EXIT_OK;
out:
    xlate_reverse_dispose(&r);
    return rc;
}

int qx_convert_xlcfg(const char *path, const struct xlate_target *t, FILE *out, FILE *err)
{
    libxl_domain_config dc;
    struct xlate_lossy_list lossy;
    struct xlate_target native;
    enum xlate_arch arch;
    size_t len = 0;
    char *text = slurp(path, &len, err);
    int rc;

    if (!text)
        return QX_EXIT_FAIL; /* an I/O error, as for a qvmconf FILE */
    xlate_target_native(&native);
    arch = t ? t->arch : native.arch;
    libxl_domain_config_init(&dc);
    xlate_lossy_init(&lossy);
    rc = xlate_xlcfg_parse(path, text, len, arch, &dc, &lossy, NULL);
    if (!rc && !t && arch != XLATE_ARCH_AARCH64 && xlate_xlcfg_is_arm(&dc))
        arch = XLATE_ARCH_AARCH64; /* ARM keys: read it again with xl's ARM defaults */
    /* The reported pass: messages once, for the architecture finally chosen. */
    libxl_domain_config_dispose(&dc);
    libxl_domain_config_init(&dc);
    xlate_lossy_dispose(&lossy);
    rc = xlate_xlcfg_parse(path, text, len, arch, &dc, &lossy, err);
    if (rc == XLATE_ERR_INVAL)
        rc = QX_EXIT_CONFIG;
    else if (rc)
        rc = QX_EXIT_FAIL;
    else
        rc = reverse_print(&dc, path, arch, &lossy, out, err);
    libxl_domain_config_dispose(&dc);
    xlate_lossy_dispose(&lossy);
    free(text);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    struct qx_getopt g = {.cmd = "export", .optstring = "+qvh"};
    struct qx_ctx c = {0};
    struct xlate_target native;
    libxl_domain_config dc;
    uint32_t domid;
    int rc;

    libxl_domain_config_init(&dc);
    rc = qx_cmd_domain(&g, argc, argv, &c, &domid);
    if (rc != QX_PROCEED)
        goto out;
    rc = QX_EXIT_FAIL;
    /* What libxl recorded at creation, updated for hot-plugged devices. */
    if (libxl_retrieve_domain_configuration(c.ctx, domid, &dc, NULL)) {
        fprintf(stderr, "qvm-xl: cannot read the configuration of domain %u\n", domid);
        goto out;
    }
    xlate_target_native(&native);
    rc = reverse_print(&dc, dc.c_info.name ? dc.c_info.name : argv[optind], native.arch, NULL,
                       stdout, g.verbosity < 0 ? NULL : stderr);
out:
    libxl_domain_config_dispose(&dc);
    qx_ctx_close(&c);
    return rc;
}
