/* SPDX-License-Identifier: LGPL-2.1-only */
/* The list of what has no equivalent on the other side. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg/xlcfg.h"

void xlcfg_lossy_init(struct xlcfg_lossy_list *l)
{
    memset(l, 0, sizeof(*l));
}

void xlcfg_lossy_dispose(struct xlcfg_lossy_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].text);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

int xlcfg_lossy_vadd(struct xlcfg_lossy_list *l, const char *key, const char *fmt, va_list ap)
{
    struct xlcfg_lossy *v = realloc(l->v, (l->n + 1) * sizeof(*v));
    char *k = strdup(key), *t = NULL;

    if (v)
        l->v = v;
    if (!v || !k || vasprintf(&t, fmt, ap) < 0) {
        free(k);
        return XLCFG_ERR_NOMEM;
    }
    l->v[l->n++] = (struct xlcfg_lossy){.key = k, .text = t};
    return 0;
}

int xlcfg_lossy_add(struct xlcfg_lossy_list *l, const char *key, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xlcfg_lossy_vadd(l, key, fmt, ap);
    va_end(ap);
    return rc;
}

bool xlcfg_lossy_has(const struct xlcfg_lossy_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].key, key))
            return true;
    return false;
}
