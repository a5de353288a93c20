/* SPDX-License-Identifier: LGPL-2.1-only */
/* Configuration input for check, create and convert: read, validate, translate. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolstack/backend.h"
#include "toolstack/image.h"
#include "toolstack/kernel.h"
#include "toolstack/load.h"
#include "conf/source.h"
#include "conf/suggest.h"
#include "xlate/xlate.h"

/* The largest configuration read from standard input (as an @file). */
#define STDIN_MAX (16u << 20)

void qx_load_init(struct qx_load *l)
{
    qc_doc_init(&l->doc, NULL);
    qx_asinfo_init(&l->asinfo);
    xlate_plan_init(&l->plan);
    memset(l->staged, 0, sizeof(l->staged));
}

void qx_load_dispose(struct qx_load *l)
{
    for (size_t i = 0; i < sizeof(l->staged) / sizeof(l->staged[0]); i++)
        free(l->staged[i]);
    xlate_plan_dispose(&l->plan);
    qc_doc_dispose(&l->doc);
    qx_asinfo_dispose(&l->asinfo);
}

static bool is_stdin(const char *file)
{
    return !strcmp(file, "-");
}

const char *qx_load_name(const char *file)
{
    return is_stdin(file) ? QX_STDIN_NAME : file;
}

/* Whether @path can be opened as a regular file; else a message naming it
 * (and @what, e.g. "--asinfo", when not NULL) on @err. */
static bool readable(const char *path, const char *what, FILE *err)
{
    struct stat st;
    int fd = qc_open_regular(path, &st);

    if (fd >= 0) {
        close(fd);
        return true;
    }
    fprintf(err, "qvm-xl: %s%scannot read '%s': %s\n", what ? what : "", what ? ": " : "", path,
            qc_file_strerror(errno));
    return false;
}

/* Standard input, whole (at most STDIN_MAX bytes); NULL with a message. */
static char *read_stdin(size_t *len_r, FILE *err)
{
    size_t len = 0, cap = 0;
    char *buf = NULL;

    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *n = ncap > STDIN_MAX + 1 ? NULL : realloc(buf, ncap);
            if (!n) {
                fprintf(err, "qvm-xl: cannot read standard input: %s\n",
                        ncap > STDIN_MAX + 1 ? "larger than 16 MiB" : "out of memory");
                free(buf);
                return NULL;
            }
            buf = n;
            cap = ncap;
        }
        ssize_t r = read(0, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fprintf(err, "qvm-xl: cannot read standard input: %s\n", strerror(errno));
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    *len_r = len;
    return buf;
}

int qx_load_read(struct qx_load *l, const char *file, int nwords, char *const *words,
                 const struct qx_load_opts *o, FILE *err)
{
    const char *const *wv = (const char *const *)words;
    char *text = NULL;
    size_t len = 0;
    int rc = -1;

    /* Input that is not there at all is an I/O error naming it, not a
     * configuration error at "<command-line>:1:1". */
    if (o->asinfo && !readable(o->asinfo, "--asinfo", err)) {
        rc = QX_LOAD_EIO;
        goto out;
    }
    if (is_stdin(file) ? !(text = read_stdin(&len, err)) : !readable(file, NULL, err)) {
        rc = QX_LOAD_EIO;
        goto out;
    }
    if (qx_asinfo_load(&l->asinfo, o->asinfo ? o->asinfo : QX_ASINFO_DEFAULT, o->asinfo != NULL,
                       err))
        goto out;
    l->subst =
        (struct qc_subst){.env = qc_subst_getenv, .asinfo = qx_asinfo_lookup, .opaque = &l->asinfo};
    l->doc.opts.read.subst = &l->subst;
    l->doc.opts.parse.arch = o->arch;
    l->prefer_pv = o->prefer_pv;
    l->doc.d.disabled = o->disabled;
    l->doc.d.promoted = o->promoted;
    if (is_stdin(file)) {
        qc_doc_read_buffer(&l->doc, QX_STDIN_NAME, text, len);
        qc_doc_read_words(&l->doc, nwords, wv);
    } else {
        qc_doc_read_file(&l->doc, file, nwords, wv);
    }
    qc_doc_parse(&l->doc);
    qc_doc_validate(&l->doc);
    rc = l->doc.d.errors ? -1 : 0;
out:
    free(text);
    return rc;
}

int qx_load_translate(struct qx_load *l, const struct xlate_target *target)
{
    struct xlate_target t = *target;

    t.prefer_pv |= l->prefer_pv;
    xlate_plan_dispose(&l->plan);
    xlate_plan_init(&l->plan);
    /* The kernel's format decides how it is started (and the RAM an ARM image needs). */
    qx_kernel_probe(&l->doc.cfg, &l->plan.kernel_image);
    return xlate_translate(&l->doc.cfg, &t, &l->plan, &l->doc.d) || l->doc.d.errors ? -1 : 0;
}

int qx_load_files(struct qx_load *l, const struct xlate_target *t, bool files, const char *hint)
{
    size_t errors = l->doc.d.errors;
    bool noted = false;

    for (size_t i = 0; files && i < l->doc.cfg.nloads; i++) {
        const struct qc_load *ld = &l->doc.cfg.loads[i];
        struct stat st;
        int fd = qc_open_regular(ld->path, &st), di;

        if (fd >= 0) {
            close(fd);
            continue;
        }
        di = qc_diag(&l->doc.d, QC_CK_LOAD_UNREADABLE, ld->loc, "cannot read '%s'%s%s%s: %s",
                     ld->path, ld->blob >= 0 ? " (" : "",
                     ld->blob >= 0 ? qc_blobs[ld->blob].name : "", ld->blob >= 0 ? ")" : "",
                     qc_file_strerror(errno));
        if (hint && !noted && di >= 0)
            qc_diag_note(&l->doc.d, di, ld->loc, "%s", hint);
        noted = true;
    }
    /* The readable kernel's format; the unreadable ones are reported above. */
    qx_kernel_check(&l->doc.cfg, &l->plan, t, false, &l->doc.d);
    return l->doc.d.errors > errors ? -1 : 0;
}

/* Writes @len bytes to @dir/@name; the path (malloc'd) in *@path_r. */
static int write_staged(const char *dir, const char *name, const void *buf, size_t len,
                        char **path_r, FILE *err)
{
    char *path = NULL, *tmp = NULL;
    FILE *f = NULL;
    bool ok;

    mkdir(dir, 0755); /* an error shows when the file is opened */
    if (asprintf(&path, "%s/%s", dir, name) < 0 || asprintf(&tmp, "%s.tmp%d", path, getpid()) < 0) {
        fprintf(err, "qvm-xl: out of memory\n");
        free(path);
        return -1;
    }
    /* Renamed into place: a domain being built from the old file reads it whole. */
    f = fopen(tmp, "wb");
    ok = f && fwrite(buf, 1, len, f) == len;
    if (f && fclose(f))
        ok = false;
    if (!ok || rename(tmp, path)) {
        fprintf(err, "qvm-xl: cannot write '%s': %s\n", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        free(path);
        return -1;
    }
    free(tmp);
    *path_r = path;
    return 0;
}

int qx_load_stage(struct qx_load *l, const char *dir, unsigned what, FILE *err)
{
    libxl_domain_build_info *b = &l->plan.config.b_info;
    const struct xlate_wrap *w = &l->plan.wrap;
    unsigned char *img = NULL;
    size_t len = 0;
    char *path;
    int rc = -1;

    if (!dir)
        dir = getenv("QVMXL_RUNDIR") ? getenv("QVMXL_RUNDIR") : QX_RUNDIR_DEFAULT;
    if ((what & QX_STAGE_DTB) && l->plan.fdt && b->device_tree) {
        if (write_staged(dir, b->device_tree, l->plan.fdt, l->plan.fdt_size, &path, err))
            goto out;
        free(b->device_tree);
        b->device_tree = path;
        l->staged[0] = strdup(path);
    }
    if ((what & QX_STAGE_KERNEL) && w->needed && b->kernel) {
        if (qx_image_wrap_file(w->path, &l->plan.kernel_image, w, &img, &len)) {
            fprintf(err, "qvm-xl: cannot wrap the kernel '%s': %s\n", w->path, strerror(errno));
            goto out;
        }
        if (write_staged(dir, b->kernel, img, len, &path, err))
            goto out;
        free(b->kernel);
        b->kernel = path;
        l->staged[1] = strdup(path);
    }
    rc = 0;
out:
    free(img);
    return rc;
}

void qx_load_unstage(struct qx_load *l)
{
    for (size_t i = 0; i < sizeof(l->staged) / sizeof(l->staged[0]); i++) {
        if (l->staged[i])
            unlink(l->staged[i]);
        free(l->staged[i]);
        l->staged[i] = NULL;
    }
}

int qx_load_prepare(struct qx_load *l, const struct xlate_target *t, bool files, bool offline)
{
    int r = qx_load_translate(l, t);

    r |= qx_load_files(l, t, files,
                       offline ? "the files are looked for on this machine; --no-files skips this"
                               : NULL);
    return r;
}

void qx_diags_print_v(FILE *out, const struct qc_diags *d, const struct qc_sources *src,
                      int verbosity)
{
    struct qc_diags e = *d;

    if (verbosity >= 0 || !d->count) {
        qc_diags_print(out, d, src);
        return;
    }
    e.items = malloc(d->count * sizeof(*e.items));
    if (!e.items) {
        qc_diags_print(out, d, src);
        return;
    }
    e.count = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].sev == QC_SEV_ERROR)
            e.items[e.count++] = d->items[i];
    qc_diags_print(out, &e, src);
    free(e.items); /* the items themselves belong to @d */
}

void qx_load_print(const struct qx_load *l, FILE *out, int verbosity)
{
    qx_diags_print_v(out, &l->doc.d, &l->doc.src, verbosity);
}

/* Other distributions' names of the architectures (Debian, Go), suggested, not taken. */
static const struct {
    const char *alias, *name;
} arch_aliases[] = {
    {"arm64", "aarch64"}, {"armv8", "aarch64"}, {"amd64", "x86_64"},
    {"x86-64", "x86_64"}, {"x64", "x86_64"},    {"x86", "x86_64"},
};

static void unknown_arch(const char *arch, FILE *err)
{
    const char *hit = NULL;
    struct qc_suggest s;

    for (size_t i = 0; i < sizeof(arch_aliases) / sizeof(arch_aliases[0]) && !hit; i++)
        if (!strcasecmp(arch, arch_aliases[i].alias))
            hit = arch_aliases[i].name;
    qc_suggest_init(&s, arch, strlen(arch));
    fprintf(err, "qvm-xl: --target: unknown architecture '%s'; valid:", arch);
    for (unsigned a = 0; a < XLATE_ARCH_COUNT; a++) {
        fprintf(err, "%s %s", a ? "," : "", xlate_arch_name(a));
        qc_suggest_add(&s, xlate_arch_name(a));
    }
    if (!hit)
        hit = qc_suggest_result(&s);
    if (hit)
        fprintf(err, " (did you mean '%s'?)", hit);
    fputc('\n', err);
}

/* The first name of the comma list @caps that is no capability, else NULL. */
static char *unknown_cap(const char *caps)
{
    static const char *const names[] = {
#define QX_CAP_NAME(e, name) name,
        XLATE_CAPS(QX_CAP_NAME)
#undef QX_CAP_NAME
    };
    for (const char *p = caps; *p;) {
        size_t len = strcspn(p, ","), i;
        const char *w = p + (*p == '-' || *p == '+');
        size_t wl = len - (size_t)(w - p);

        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strlen(names[i]) == wl && !strncmp(names[i], w, wl))
                break;
        if (i == sizeof(names) / sizeof(names[0]))
            return strndup(w, wl);
        p += len + (p[len] == ',');
    }
    return NULL;
}

int qx_target_parse(struct xlate_target *t, const char *spec, FILE *err)
{
    size_t n = strcspn(spec, ",");
    char *arch = strndup(spec, n), *bad = NULL;
    enum xlate_arch a;
    int rc = -1;

    if (!arch) {
        fprintf(err, "qvm-xl: out of memory\n");
        goto out;
    }
    if (xlate_arch_from_name(arch, &a)) {
        unknown_arch(arch, err);
        goto out;
    }
    xlate_target_default(t, a);
    if (spec[n] && xlate_target_parse_caps(t, spec + n + 1)) {
        bad = unknown_cap(spec + n + 1);
        fprintf(err,
                "qvm-xl: --target: unknown capability '%s'; valid: pv, pvh, hvm, hap, ioreq, "
                "gicv2, gicv3, vpl011, virtio-disk (each may start with '-' to remove it)\n",
                bad ? bad : spec + n + 1);
        goto out;
    }
    rc = 0;
out:
    free(bad);
    free(arch);
    return rc;
}

enum qc_arch qx_target_qc_arch(const struct xlate_target *t)
{
    return t->arch == XLATE_ARCH_AARCH64 ? QC_ARCH_ARM : QC_ARCH_X86;
}

void qx_target_for(struct xlate_target *t, const struct qc_config *cfg)
{
    if (cfg->arch == QC_ARCH_ARM)
        xlate_target_default(t, XLATE_ARCH_AARCH64);
    else if (cfg->arch == QC_ARCH_X86)
        xlate_target_default(t, XLATE_ARCH_X86_64);
    else
        xlate_target_native(t);
}

void qx_load_default_target(struct qx_load *l, struct xlate_target *t, const char *file)
{
    struct qc_loc at = {qx_load_name(file), 0, 0};
    const char *other;

    qx_target_for(t, &l->doc.cfg);
    if (l->doc.cfg.arch != QC_ARCH_ANY)
        return;
    /* No item of the file tells: the kernel's header may (an ELF's machine, an arm64 Image). */
    enum qc_arch from_image = qx_kernel_file_arch(&l->doc.cfg);
    if (from_image != QC_ARCH_ANY) {
        xlate_target_default(t, from_image == QC_ARCH_ARM ? XLATE_ARCH_AARCH64 : XLATE_ARCH_X86_64);
        return;
    }
    for (const char *const *d = l->doc.d.disabled; d && *d; d++)
        if (!strcmp(*d, "arch-assumed"))
            return;
    other = xlate_arch_name(t->arch == XLATE_ARCH_AARCH64 ? XLATE_ARCH_X86_64 : XLATE_ARCH_AARCH64);
    qc_diag(&l->doc.d, QC_CK_ARCH_ASSUMED, at,
            "no item tells the architecture; translated for %s (this machine's); "
            "--target %s chooses the other",
            xlate_arch_name(t->arch), other);
}
