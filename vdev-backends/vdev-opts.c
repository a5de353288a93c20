/* SPDX-License-Identifier: LGPL-2.1-only */
/* vdev-opts.c: splitting and reading "type,key=value,..." device specs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vdev-backends/vdev.h"

void vdev_opts_init(struct vdev_opts *o)
{
    memset(o, 0, sizeof(*o));
}

void vdev_opts_dispose(struct vdev_opts *o)
{
    free(o->buf);
    vdev_opts_init(o);
}

int vdev_opts_parse(struct vdev_opts *o, const char *spec, FILE *err)
{
    char *p, *next;

    vdev_opts_dispose(o);
    o->buf = strdup(spec);
    if (!o->buf)
        return VDEV_ERR_NOMEM;
    o->type = o->buf;
    next = strchr(o->buf, ',');
    if (next)
        *next++ = '\0';
    if (!*o->type) {
        if (err)
            fprintf(err, "device spec '%s': missing device type\n", spec);
        return VDEV_ERR_INVAL;
    }
    while ((p = next) != NULL) {
        struct vdev_opt *opt;
        char *eq;

        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        if (o->n == VDEV_OPTS_MAX) {
            if (err)
                fprintf(err, "device spec '%s': more than %d options\n", spec, VDEV_OPTS_MAX);
            return VDEV_ERR_INVAL;
        }
        opt = &o->opt[o->n++];
        eq = strchr(p, '=');
        if (eq) {
            *eq = '\0';
            opt->val = eq + 1;
        } else {
            opt->val = p + strlen(p);
        }
        opt->key = p;
        if (!*p) {
            if (err)
                fprintf(err, "device spec '%s': empty option name\n", spec);
            return VDEV_ERR_INVAL;
        }
    }
    return 0;
}

const char *vdev_opts_take(struct vdev_opts *o, const char *key)
{
    for (size_t i = 0; i < o->n; i++) {
        if (!o->opt[i].used && !strcmp(o->opt[i].key, key)) {
            o->opt[i].used = true;
            return o->opt[i].val;
        }
    }
    return NULL;
}

int vdev_parse_u64(const char *s, uint64_t *v_r)
{
    char *end;
    unsigned long long v;

    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return VDEV_ERR_INVAL;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || *end)
        return VDEV_ERR_INVAL;
    *v_r = v;
    return 0;
}

int vdev_opts_take_u64(struct vdev_opts *o, const char *key, uint64_t min, uint64_t max,
                       uint64_t *v_r, FILE *err)
{
    const char *s = vdev_opts_take(o, key);
    uint64_t v;

    if (!s)
        return 0;
    if (vdev_parse_u64(s, &v) || v < min || v > max) {
        if (err)
            fprintf(err, "%s=%s: expected a number from %#llx to %#llx\n", key, s,
                    (unsigned long long)min, (unsigned long long)max);
        return VDEV_ERR_INVAL;
    }
    *v_r = v;
    return 1;
}

const char *vdev_opts_unused(const struct vdev_opts *o)
{
    for (size_t i = 0; i < o->n; i++)
        if (!o->opt[i].used)
            return o->opt[i].key;
    return NULL;
}
