/* SPDX-License-Identifier: LGPL-2.1-only */
/* The option schema tables, expanded from schema.def, and their lookups. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/qvmconf.h"

#define ARCH_ANY QC_AR_ANY
#define ARCH_X86 QC_AR_X86
#define ARCH_ARM QC_AR_ARM

const struct qc_opt_desc qc_opts[QC_OPT_COUNT] = {
#define QC_OPT(ID, NAME, CTX, G, FIELDS, R, ARCH, ARGS, HELP)                                      \
    [QC_OPT_##ID] = {NAME, QC_CTX_##CTX, QC_G_##G, FIELDS, QC_R_##R, ARCH_##ARCH, ARGS, HELP},
#include "conf/schema.def"
};

const struct qc_opt_desc qc_vopts[QC_VOPT_COUNT] = {
#define QC_VOPT(ID, NAME, G, FIELDS, R, ARGS, HELP)                                                \
    [QC_VOPT_##ID] = {NAME, QC_CTX_VDEV, QC_G_##G, FIELDS, QC_R_##R, ARCH_ANY, ARGS, HELP},
#include "conf/schema.def"
};

const struct qc_vdev_desc qc_vdevs[QC_VDEV_COUNT] = {
#define QC_VDEV(ID, NAME, ARCH, FLAGS, SPACE, DEFLOC, OPTS, ACCUM, HELP)                           \
    [QC_VDEV_##ID] = {NAME, ARCH_##ARCH, FLAGS, QC_SPACE_##SPACE, DEFLOC, OPTS, ACCUM, HELP},
#define QC_SPACE_PCI QC_SPACE_PCI_BDF
#include "conf/schema.def"
#undef QC_SPACE_PCI
};

const struct qc_setvar_desc qc_setvars[QC_SETVAR_COUNT] = {
#define QC_SETVAR(ID, NAME, ARCH, CTX, TYPE, HELP)                                                 \
    [QC_SETVAR_##ID] = {NAME, ARCH_##ARCH, QC_CTX_##CTX, QC_ST_##TYPE, HELP},
#include "conf/schema.def"
};

const struct qc_blob_desc qc_blobs[QC_BLOB_COUNT] = {
#define QC_BLOB(ID, NAME, ARCH, HELP) [QC_BLOB_##ID] = {NAME, ARCH_##ARCH, HELP},
#include "conf/schema.def"
};

/* Name lookups run once or twice per input word, so each table gets a hash
 * index (open addressing, built once): a lookup hashes the word and
 * compares lengths before bytes. Names repeat only across contexts (pass
 * and reserve both have loc and intr), so a probe goes on past a name that
 * matches in the wrong context. */
#define INDEX_SLOTS 256 /* a power of two, well above the largest table */

struct name_index {
    const char *name[INDEX_SLOTS]; /* NULL = empty */
    unsigned char len[INDEX_SLOTS];
    unsigned char row[INDEX_SLOTS];
};

enum { T_OPT, T_VOPT, T_VDEV, T_SETVAR, T_BLOB, T_COUNT };
static struct name_index indexes[T_COUNT];
static pthread_once_t indexes_once = PTHREAD_ONCE_INIT;
static bool indexes_built; /* read with acquire: skips pthread_once once built */

/* Length and three bytes tell the schema's names apart well enough, and
 * cost the same for any word. */
static unsigned hash(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    return (unsigned)(len * 37 + u[0] * 11 + u[len / 2] * 5 + u[len - 1]) & (INDEX_SLOTS - 1);
}

static const char *row_name(int t, int row)
{
    switch (t) {
    case T_OPT:
        return qc_opts[row].name;
    case T_VOPT:
        return qc_vopts[row].name;
    case T_VDEV:
        return qc_vdevs[row].name;
    case T_SETVAR:
        return qc_setvars[row].name;
    default:
        return qc_blobs[row].name;
    }
}

static void build_indexes(void)
{
    static const int rows[T_COUNT] = {QC_OPT_COUNT, QC_VOPT_COUNT, QC_VDEV_COUNT, QC_SETVAR_COUNT,
                                      QC_BLOB_COUNT};
    _Static_assert(QC_VOPT_COUNT < INDEX_SLOTS / 2 && QC_OPT_COUNT < INDEX_SLOTS / 2 &&
                       QC_VDEV_COUNT < INDEX_SLOTS / 2 && QC_SETVAR_COUNT < INDEX_SLOTS / 2,
                   "name index too small");
    for (int t = 0; t < T_COUNT; t++)
        for (int row = 0; row < rows[t]; row++) {
            const char *n = row_name(t, row);
            size_t len = strlen(n);
            unsigned h = hash(n, len);
            while (indexes[t].name[h])
                h = (h + 1) & (INDEX_SLOTS - 1);
            indexes[t].name[h] = n;
            indexes[t].len[h] = (unsigned char)len;
            indexes[t].row[h] = (unsigned char)row;
        }
    __atomic_store_n(&indexes_built, true, __ATOMIC_RELEASE);
}

/* The first row of table `t` named [name, name+len) that `ok` accepts
 * (NULL: any), in table order; -1 when none. */
static int find(int t, const char *name, size_t len, bool (*ok)(int row, int arg), int arg)
{
    if (!__atomic_load_n(&indexes_built, __ATOMIC_ACQUIRE))
        pthread_once(&indexes_once, build_indexes);
    const struct name_index *ix = &indexes[t];
    int best = -1;
    if (len == 0 || len > 255)
        return -1;
    for (unsigned h = hash(name, len); ix->name[h]; h = (h + 1) & (INDEX_SLOTS - 1)) {
        int row = ix->row[h];
        if (ix->len[h] == len && ix->name[h][0] == name[0] && memcmp(ix->name[h], name, len) == 0 &&
            (!ok || ok(row, arg)) && (best < 0 || row < best))
            best = row;
    }
    return best;
}

static bool opt_in_ctx(int row, int ctx)
{
    return qc_opts[row].ctx == (enum qc_ctx)ctx ||
           (ctx == QC_CTX_GLOBAL && qc_opts[row].ctx == QC_CTX_OPEN);
}

int qc_opt_lookup(const char *name, size_t len, enum qc_ctx ctx)
{
    return find(T_OPT, name, len, opt_in_ctx, (int)ctx);
}

int qc_vopt_lookup(const char *name, size_t len)
{
    return find(T_VOPT, name, len, NULL, 0);
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
    return find(T_VDEV, name, len, NULL, 0);
}

char *qc_vdev_bare_name(const char *name, size_t len)
{
    bare(&name, &len);
    return strndup(name, len);
}

char *qc_vdev_spelling(const char *bare_name)
{
    size_t len = strlen(bare_name);
    const char *suffix;
    char *out;

    /* Only a name that itself starts with "vdev-" would be stripped again. */
    if (len <= 5 || memcmp(bare_name, "vdev-", 5) != 0)
        return strdup(bare_name);
    /* bare() removes "-safety.so" before ".so", so a name ending in "-safety" needs it
     * written twice. */
    suffix = len >= 7 && !strcmp(bare_name + len - 7, "-safety") ? "-safety.so" : ".so";
    if (asprintf(&out, "vdev-%s%s", bare_name, suffix) < 0)
        return NULL;
    return out;
}

int qc_setvar_lookup(const char *name, size_t len)
{
    return find(T_SETVAR, name, len, NULL, 0);
}

int qc_blob_lookup(const char *name, size_t len)
{
    return find(T_BLOB, name, len, NULL, 0);
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
    return find(T_OPT, word, len, NULL, 0) >= 0 || qc_vopt_lookup(word, len) >= 0 ||
           qc_blob_lookup(word, len) >= 0;
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
