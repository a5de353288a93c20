/* SPDX-License-Identifier: LGPL-2.1-only */
/* The writer's honesty check: the libxl JSON of the config given and of the one the reader
 * makes of the XML written, leaf by leaf; every leaf that differs is a field libvirt XML did
 * not carry. */
#include <stdlib.h>
#include <string.h>

#include "libvirt/lvxml-internal.h"

/* "path=value" leaves of one JSON text. */
struct leaves {
    char **v;
    size_t n, cap;
    bool nomem;
};

struct flat {
    const char *p; /* the compact JSON being read */
    char path[512];
    struct leaves *out;
};

static void leaf_add(struct flat *f, const char *value, size_t len)
{
    struct leaves *l = f->out;
    char *s;

    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **v = realloc(l->v, cap * sizeof(*v));

        if (!v) {
            l->nomem = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    if (asprintf(&s, "%s=%.*s", f->path, (int)len, value) < 0) {
        l->nomem = true;
        return;
    }
    l->v[l->n++] = s;
}

/* The end of the scalar or string at @p. */
static const char *scalar_end(const char *p)
{
    if (*p != '"')
        return p + strcspn(p, ",]}");
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1])
            p++;
    return *p ? p + 1 : p;
}

static void flat_value(struct flat *f, int depth);

/* Appends ".key" (@key) or "[i]" to the path for one member, reads it, and cuts the path back. */
static void flat_member(struct flat *f, bool key, const char *s, int len, int depth)
{
    size_t keep = strlen(f->path);

    snprintf(f->path + keep, sizeof(f->path) - keep,
             !key   ? "[%.*s]"
             : keep ? ".%.*s"
                    : "%.*s",
             len, s);
    flat_value(f, depth + 1);
    f->path[keep] = '\0';
}

static void flat_container(struct flat *f, int depth)
{
    char close = *f->p == '{' ? '}' : ']';
    int index = 0;

    for (f->p++; *f->p && *f->p != close;) {
        if (close == '}') {
            const char *k = f->p + 1, *e = scalar_end(f->p);

            f->p = *e == ':' ? e + 1 : e;
            flat_member(f, true, k, (int)(e - k - 1), depth);
        } else {
            char num[16];

            snprintf(num, sizeof(num), "%d", index++);
            flat_member(f, false, num, (int)strlen(num), depth);
        }
        if (*f->p == ',')
            f->p++;
    }
    if (*f->p)
        f->p++;
}

static void flat_value(struct flat *f, int depth)
{
    const char *e;

    if (depth > 32 || !*f->p) /* libxl's JSON is a few levels deep */
        return;
    if (*f->p == '{' || *f->p == '[') {
        flat_container(f, depth);
        return;
    }
    e = scalar_end(f->p);
    leaf_add(f, f->p, (size_t)(e - f->p));
    f->p = e;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void leaves_dispose(struct leaves *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* The sorted leaves of @dc's libxl JSON; false when out of memory. */
static bool leaves_of(const libxl_domain_config *dc, struct leaves *l)
{
    char *json = libxl_domain_config_to_json(NULL, (libxl_domain_config *)dc);
    struct flat f = {.out = l};

    memset(l, 0, sizeof(*l));
    if (!json)
        return false;
    xlcfg_json_compact(json);
    f.p = json;
    flat_value(&f, 0);
    free(json);
    qsort(l->v, l->n, sizeof(*l->v), by_text);
    return !l->nomem;
}

/* Reports the path of leaf @s once (the leaves are sorted, so repeats are adjacent). */
static int report(const char *s, const char *last, const char *name, enum qc_severity sev,
                  struct qc_diags *d, FILE *paths)
{
    size_t len = strcspn(s, "=");

    if (last && strcspn(last, "=") == len && !strncmp(s, last, len))
        return 0;
    qc_diag_sev(d, sev, QC_CK_LIBVIRT_UNSUPPORTED, (struct qc_loc){.file = name},
                "libxl field %.*s: libvirt domain XML cannot express it", (int)len, s);
    if (paths)
        fprintf(paths, "%s%.*s", ftell(paths) ? " " : "", (int)len, s);
    return 1;
}

/* @b's implied defbools are written as @a's where libxl would use the same value. */
static void implied_defaults(const libxl_domain_config *a, libxl_domain_config *b)
{
    if (a->c_info.type != LIBXL_DOMAIN_TYPE_HVM || b->c_info.type != LIBXL_DOMAIN_TYPE_HVM)
        return;
    for (size_t i = 0; i < LVXML_N(lvxml_implied); i++)
        if (lvxml_implied_value(&a->b_info, i) == lvxml_implied_value(&b->b_info, i))
            *lvxml_implied_field(&b->b_info, i) =
                *lvxml_implied_field((libxl_domain_build_info *)&a->b_info, i);
}

int lvxml_compare(const libxl_domain_config *a, libxl_domain_config *b, const char *name,
                  enum qc_severity sev, struct qc_diags *d, char **paths_r)
{
    struct leaves la, lb;
    size_t i = 0, j = 0, plen = 0;
    const char *last = NULL;
    FILE *paths = paths_r ? open_memstream(paths_r, &plen) : NULL;
    int n = 0;
    bool ok;

    implied_defaults(a, b);
    ok = leaves_of(a, &la) & leaves_of(b, &lb);
    while (ok && (i < la.n || j < lb.n)) {
        int c = i == la.n ? 1 : j == lb.n ? -1 : strcmp(la.v[i], lb.v[j]);
        const char *s = c < 0 ? la.v[i] : lb.v[j];

        if (c) {
            n += report(s, last, name, sev, d, paths);
            last = s;
        }
        i += c <= 0;
        j += c >= 0;
    }
    if (paths && fclose(paths))
        ok = false;
    leaves_dispose(&la);
    leaves_dispose(&lb);
    return ok ? n : -1;
}
