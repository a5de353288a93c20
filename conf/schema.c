/* The option schema tables, expanded from schema.def, and their lookups. */
#include <string.h>

#include "qvmconf.h"

#define ARCH_ANY QC_AR_ANY
#define ARCH_X86 QC_AR_X86
#define ARCH_ARM QC_AR_ARM

const struct qc_opt_desc qc_opts[QC_OPT_COUNT] = {
#define QC_OPT(ID, NAME, CTX, G, FIELDS, R, ARCH, ARGS, HELP)                                      \
    [QC_OPT_##ID] = {NAME, QC_CTX_##CTX, QC_G_##G, FIELDS, QC_R_##R, ARCH_##ARCH, ARGS, HELP},
#include "schema.def"
};

const struct qc_opt_desc qc_vopts[QC_VOPT_COUNT] = {
#define QC_VOPT(ID, NAME, G, FIELDS, R, ARGS, HELP)                                                \
    [QC_VOPT_##ID] = {NAME, QC_CTX_VDEV, QC_G_##G, FIELDS, QC_R_##R, ARCH_ANY, ARGS, HELP},
#include "schema.def"
};

const struct qc_vdev_desc qc_vdevs[QC_VDEV_COUNT] = {
#define QC_VDEV(ID, NAME, ARCH, FLAGS, SPACE, OPTS, ACCUM, HELP)                                   \
    [QC_VDEV_##ID] = {NAME, ARCH_##ARCH, FLAGS, QC_SPACE_##SPACE, OPTS, ACCUM, HELP},
#define QC_SPACE_PCI QC_SPACE_PCI_BDF
#include "schema.def"
#undef QC_SPACE_PCI
};

const struct qc_setvar_desc qc_setvars[QC_SETVAR_COUNT] = {
#define QC_SETVAR(ID, NAME, ARCH, CTX, TYPE, HELP)                                                 \
    [QC_SETVAR_##ID] = {NAME, ARCH_##ARCH, QC_CTX_##CTX, QC_ST_##TYPE, HELP},
#include "schema.def"
};

const struct qc_blob_desc qc_blobs[QC_BLOB_COUNT] = {
#define QC_BLOB(ID, NAME, ARCH, HELP) [QC_BLOB_##ID] = {NAME, ARCH_##ARCH, HELP},
#include "schema.def"
};

static bool eq(const char *name, const char *s, size_t len)
{
    return strlen(name) == len && memcmp(name, s, len) == 0;
}

int qc_opt_lookup(const char *name, size_t len, enum qc_ctx ctx)
{
    for (int i = 0; i < QC_OPT_COUNT; i++) {
        bool ctx_ok =
            qc_opts[i].ctx == ctx || (ctx == QC_CTX_GLOBAL && qc_opts[i].ctx == QC_CTX_OPEN);
        if (ctx_ok && eq(qc_opts[i].name, name, len))
            return i;
    }
    return -1;
}

int qc_vopt_lookup(const char *name, size_t len)
{
    for (int i = 0; i < QC_VOPT_COUNT; i++)
        if (eq(qc_vopts[i].name, name, len))
            return i;
    return -1;
}

/* Strips the shared-object spelling: vdev-NAME[.so|-safety.so] -> NAME. */
static void bare(const char **s, size_t *len)
{
    static const char *const suffixes[] = {"-safety.so", ".so"};
    if (*len > 5 && memcmp(*s, "vdev-", 5) == 0) {
        *s += 5;
        *len -= 5;
        for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
            size_t sl = strlen(suffixes[i]);
            if (*len > sl && memcmp(*s + *len - sl, suffixes[i], sl) == 0) {
                *len -= sl;
                break;
            }
        }
    }
}

int qc_vdev_lookup(const char *name, size_t len)
{
    bare(&name, &len);
    for (int i = 0; i < QC_VDEV_COUNT; i++)
        if (eq(qc_vdevs[i].name, name, len))
            return i;
    return -1;
}

char *qc_vdev_bare_name(const char *name, size_t len)
{
    bare(&name, &len);
    return strndup(name, len);
}

int qc_setvar_lookup(const char *name, size_t len)
{
    for (int i = 0; i < QC_SETVAR_COUNT; i++)
        if (eq(qc_setvars[i].name, name, len))
            return i;
    return -1;
}

int qc_blob_lookup(const char *name, size_t len)
{
    for (int i = 0; i < QC_BLOB_COUNT; i++)
        if (eq(qc_blobs[i].name, name, len))
            return i;
    return -1;
}

bool qc_vdev_accepts(int type, enum qc_vopt vopt)
{
    uint64_t bit = UINT64_C(1) << vopt;
    if (QC_VO_COMMON & bit)
        return true;
    if (type < 0 || type >= QC_VDEV_COUNT)
        return false;
    if (vopt == QC_VOPT_HOSTVECTOR)
        return (qc_vdevs[type].flags & QC_VF_PIC) != 0;
    return (qc_vdevs[type].opts & bit) != 0;
}

enum qc_repeat qc_vdev_repeat(int type, enum qc_vopt vopt)
{
    if (type >= 0 && type < QC_VDEV_COUNT && (qc_vdevs[type].accum & (UINT64_C(1) << vopt)))
        return QC_R_MULTI;
    return qc_vopts[vopt].repeat;
}

bool qc_is_keyword(const char *word, size_t len)
{
    for (int i = 0; i < QC_OPT_COUNT; i++)
        if (eq(qc_opts[i].name, word, len))
            return true;
    return qc_vopt_lookup(word, len) >= 0 || qc_blob_lookup(word, len) >= 0;
}

int qc_list_index(const char *list, char sep, const char *word, size_t len)
{
    int i = 0;
    const char *p = list;
    while (p && *p) {
        const char *e = strchr(p, sep);
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == len && memcmp(p, word, len) == 0)
            return i;
        i++;
        p = e ? e + 1 : NULL;
    }
    return -1;
}

const char *qc_ctx_name(enum qc_ctx c)
{
    static const char *const names[] = {"global", "context", "cpu", "vdev", "pass", "reserve"};
    return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

const char *qc_arch_mask_name(unsigned arch)
{
    return arch == QC_AR_X86 ? "x86_64" : arch == QC_AR_ARM ? "aarch64" : "any";
}

const char *qc_arch_name(enum qc_arch a)
{
    return a == QC_ARCH_X86 ? "x86_64" : a == QC_ARCH_ARM ? "aarch64" : "any";
}
