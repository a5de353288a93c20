/* SPDX-License-Identifier: LGPL-2.1-only */
/* `qvm-xl export DOMAIN`, `convert --to=qvmconf FILE.cfg|.xml` and `check FILE.cfg|.xml`: a
 * Xen guest (xl.cfg or libvirt domain XML) back to qvmconf. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/source.h"
#include "libvirt/libvirt.h"
#include "toolstack/cmd-util.h"
#include "toolstack/export.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/steps.h"
#include "xlate/xlate.h"

/* An xl.cfg is small: anything larger is not one. */
#define QX_XLCFG_MAX (1u << 20)

/* Whether @path is a regular file whose text starts, after white space, with '<': libvirt
 * domain XML, read as an xl.cfg is (a FIFO or a device is never read here). */
static bool is_libvirt_xml(const char *path)
{
    char head[4096];
    struct stat st;
    size_t n;
    FILE *f;

    if (stat(path, &st) || !S_ISREG(st.st_mode) || !(f = fopen(path, "rb")))
        return false;
    n = fread(head, 1, sizeof(head), f);
    fclose(f);
    return lvxml_is_xml(head, n);
}

bool qx_is_xlcfg(const char *path)
{
    size_t n = strlen(path);

    return (n > 4 && !strcmp(path + n - 4, ".cfg")) || is_libvirt_xml(path);
}

/* The whole xl.cfg (a regular file: a FIFO or /dev/zero is refused at once, never read
 * without end), or NULL after a message: "cannot read" as for a qvmconf FILE when it cannot
 * be opened, else why this file is no xl.cfg. */
static char *slurp(const char *path, size_t *len_r, FILE *err)
{
    char *buf = NULL;
    int rc = qc_read_regular_file(path, QX_XLCFG_MAX, &buf, len_r);

    if (rc == EFBIG)
        fprintf(err, "qvm-xl: %s: larger than 1 MiB: not an xl.cfg\n", path);
    else if (rc == EISDIR || rc == QC_ENOTREG)
        fprintf(err, "qvm-xl: %s: %s\n", path, qc_file_strerror(rc));
    else if (rc)
        fprintf(err, "qvm-xl: cannot read '%s': %s\n", path, qc_file_strerror(rc));
    return rc ? NULL : buf;
}

void qx_xlcfg_init(struct qx_xlcfg *x)
{
    memset(x, 0, sizeof(*x));
    qc_diags_init(&x->d);
    xlate_reverse_init(&x->r);
    libxl_domain_config_init(&x->dc);
    xlcfg_lossy_init(&x->lossy);
    xlcfg_keymap_init(&x->keys);
}

void qx_xlcfg_dispose(struct qx_xlcfg *x)
{
    /* The diagnostics and the keys point at the name r.doc.src owns: it goes last. */
    qc_diags_dispose(&x->d);
    xlcfg_keymap_dispose(&x->keys);
    xlcfg_lossy_dispose(&x->lossy);
    libxl_domain_config_dispose(&x->dc);
    xlate_reverse_dispose(&x->r);
}

/* The architecture to read @text for: @t's, else aarch64 when it has ARM-only keys (read
 * once with this machine's defaults, quietly), else this machine's. */
static enum xlate_arch choose_arch(const char *name, const char *text, size_t len,
                                   const struct xlate_target *t)
{
    struct xlate_target native;
    struct xlcfg_lossy_list lossy;
    libxl_domain_config dc;
    struct qc_diags quiet;
    enum xlate_arch arch;

    if (t)
        return t->arch;
    xlate_target_native(&native);
    if (native.arch == XLATE_ARCH_AARCH64)
        return native.arch;
    libxl_domain_config_init(&dc);
    xlcfg_lossy_init(&lossy);
    qc_diags_init(&quiet);
    arch = !xlate_xlcfg_read(name, text, len, native.arch, &dc, &lossy, &quiet, NULL) &&
                   xlate_xlcfg_is_arm(&dc)
               ? XLATE_ARCH_AARCH64
               : native.arch;
    qc_diags_dispose(&quiet);
    xlcfg_lossy_dispose(&lossy);
    libxl_domain_config_dispose(&dc);
    return arch;
}

/* libvirt XML into x->dc for @t's architecture, else the XML's <type arch=>, else aarch64
 * when it has ARM-only settings, else this machine's. */
static int read_libvirt(struct qx_xlcfg *x, const char *name, const char *text, size_t len,
                        const struct xlate_target *t)
{
    struct xlate_target native;
    char arch[16];
    int rc = lvxml_read(name, text, len, &x->dc, arch, &x->d, &x->keys);

    xlate_target_native(&native);
    if (t)
        x->arch = t->arch;
    else if (!*arch || xlate_arch_from_name(arch, &x->arch))
        x->arch = !rc && xlate_xlcfg_is_arm(&x->dc) ? XLATE_ARCH_AARCH64 : native.arch;
    return rc;
}

int qx_xlcfg_load(struct qx_xlcfg *x, const char *path, const struct xlate_target *t, bool back,
                  FILE *err)
{
    struct xlate_reverse_opts o = {.carry = &x->lossy, .where = &x->keys};
    size_t len = 0;
    char *text = slurp(path, &len, err);
    int rc;

    if (!text)
        return QX_EXIT_FAIL; /* an I/O error, as for a qvmconf FILE */
    /* The diagnostics are located at the name the sources own, so carets find the text. */
    o.name = qc_sources_add_text(&x->r.doc.src, path, text, len);
    if (!o.name) {
        rc = XLATE_ERR_NOMEM;
        goto out;
    }
    if (lvxml_is_xml(text, len)) {
        rc = read_libvirt(x, o.name, text, len, t);
    } else {
        x->arch = choose_arch(o.name, text, len, t);
        rc = xlate_xlcfg_read(o.name, text, len, x->arch, &x->dc, &x->lossy, &x->d, &x->keys);
    }
    o.arch = x->arch;
    if (rc == XLATE_ERR_INVAL) {
        free(text);
        return QX_EXIT_CONFIG;
    }
    /* What the read accepts converts back: any failure of the way back is 1, not 65. */
    if (!rc && back)
        rc = xlate_reverse_diags(&x->dc, &o, &x->r, &x->d);
    x->converted = back && !rc;
out:
    free(text);
    x->why = rc ? xlate_strerror(rc) : NULL;
    return rc ? QX_EXIT_FAIL : QX_EXIT_OK;
}

/* Reverse @dc (a running domain's) and print it; returns an exit status. */
static int reverse_print(const libxl_domain_config *dc, const char *name, enum xlate_arch arch,
                         FILE *out, FILE *err)
{
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = name, .arch = arch};
    struct qc_diags d;
    int rc;

    qc_diags_init(&d);
    xlate_reverse_init(&r);
    rc = xlate_reverse_diags(dc, &o, &r, &d);
    if (err)
        qc_diags_print(err, &d, &r.doc.src);
    if (rc) {
        fprintf(stderr, "qvm-xl: %s: %s\n", name, xlate_strerror(rc));
        rc = QX_EXIT_FAIL;
        goto out;
    }
    xlate_reverse_write(out, &r);
    rc = fflush(out) ? QX_EXIT_FAIL : QX_EXIT_OK;
out:
    qc_diags_dispose(&d);
    xlate_reverse_dispose(&r);
    return rc;
}

int qx_convert_xlcfg(const char *path, const struct xlate_target *t, FILE *out, FILE *err)
{
    struct qx_xlcfg x;
    int rc;

    qx_xlcfg_init(&x);
    rc = qx_xlcfg_load(&x, path, t, true, err);
    qc_diags_print(err, &x.d, &x.r.doc.src);
    if (x.why)
        fprintf(err, "qvm-xl: %s: %s\n", path, x.why);
    if (!rc) {
        xlate_reverse_write(out, &x.r);
        rc = fflush(out) ? QX_EXIT_FAIL : QX_EXIT_OK;
    }
    qx_xlcfg_dispose(&x);
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
    rc = reverse_print(&dc, dc.c_info.name ? dc.c_info.name : argv[optind], native.arch, stdout,
                       g.verbosity < 0 ? NULL : stderr);
out:
    libxl_domain_config_dispose(&dc);
    qx_ctx_close(&c);
    return rc;
}
