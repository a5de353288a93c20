/* SPDX-License-Identifier: LGPL-2.1-only */
/* vdev-opts.h: the "type,key=value,..." spelling of one --device argument. */
#ifndef QX_VDEV_OPTS_H
#define QX_VDEV_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VDEV_OPTS_MAX 16

struct vdev_opt {
    char *key;
    char *val; /* "" when the key had no '=' */
    bool used;
};

struct vdev_opts {
    char *buf; /* one copy of the spec; keys and values point into it */
    char *type;
    struct vdev_opt opt[VDEV_OPTS_MAX];
    size_t n;
};

void vdev_opts_init(struct vdev_opts *o);
/* Returns 0, VDEV_ERR_INVAL (empty type, too many keys, empty key) or VDEV_ERR_NOMEM. */
int vdev_opts_parse(struct vdev_opts *o, const char *spec, FILE *err);
void vdev_opts_dispose(struct vdev_opts *o);

/* The next unused value of key (keys may repeat, e.g. hostdev), marking it used; NULL if none. */
const char *vdev_opts_take(struct vdev_opts *o, const char *key);
/* Unsigned number (0x.. hex or decimal) within [min, max]. Returns 0 and leaves *v_r alone
 * when the key is absent, 1 when set, VDEV_ERR_INVAL when malformed or out of bounds. */
int vdev_opts_take_u64(struct vdev_opts *o, const char *key, uint64_t min, uint64_t max,
                       uint64_t *v_r, FILE *err);
/* First unused key (an unknown option), or NULL. */
const char *vdev_opts_unused(const struct vdev_opts *o);

/* Strict number parser shared with the command line: whole string, no sign, no overflow. */
int vdev_parse_u64(const char *s, uint64_t *v_r);

#endif
