/* SPDX-License-Identifier: LGPL-2.1-only */
/* Building a model in code (the reverse translation does): items are appended
 * in order, each with the next seq, so qc_write prints them in that order. */
#ifndef QVMCONF_BUILD_H
#define QVMCONF_BUILD_H

#include "conf/qvmconf.h"

struct qc_build {
    struct qc_config *cfg;
    struct qc_loc loc; /* given to every item */
    size_t seq;        /* the next item's */
    bool nomem;        /* sticky: an allocation failed (the model holds what was added) */
};
/* Appends to @cfg (from qc_config_init); items are located at @name. */
void qc_build_init(struct qc_build *b, struct qc_config *cfg, const char *name);

/* Single-instance options: system NAME, cmdline TEXT, dump DIR. */
void qc_build_system(struct qc_build *b, const char *name);
void qc_build_cmdline(struct qc_build *b, const char *text);
void qc_build_dump(struct qc_build *b, const char *dir);
/* ram START,SIZE */
void qc_build_ram(struct qc_build *b, uint64_t start, uint64_t size);
/* [BLOB] load PATH; @blob is enum qc_blob or -1. */
void qc_build_load(struct qc_build *b, int blob, const char *path);

/* cpu, and its options; the pointer is valid until the next qc_build_cpu. NULL on OOM. */
struct qc_cpu *qc_build_cpu(struct qc_build *b);
void qc_build_cpu_partition(struct qc_build *b, struct qc_cpu *c, const char *name);

/* vdev TYPE, and its options; the pointer is valid until the next qc_build_vdev. */
struct qc_vdev *qc_build_vdev(struct qc_build *b, enum qc_vdev_type type);
void qc_build_vdev_loc(struct qc_build *b, struct qc_vdev *v, enum qc_space space, uint64_t addr);
/* intr PIC:LINE, or intr apic when @pic is NULL. */
void qc_build_vdev_intr(struct qc_build *b, struct qc_vdev *v, const char *pic, uint32_t line);
void qc_build_vdev_name(struct qc_build *b, struct qc_vdev *v, const char *name);
/* An option of grammar WORD (hostdev, mac) or NUMS with one number (version). */
void qc_build_vdev_word(struct qc_build *b, struct qc_vdev *v, enum qc_vopt opt, const char *s);
void qc_build_vdev_num(struct qc_build *b, struct qc_vdev *v, enum qc_vopt opt, uint64_t n);

/* pass, and its options; the pointer is valid until the next qc_build_pass. */
struct qc_pass *qc_build_pass(struct qc_build *b);
/* loc GUEST[,LEN][=HOST]: copied (attrs stay NULL). */
void qc_build_pass_loc(struct qc_build *b, struct qc_pass *p, const struct qc_locspec *l);
void qc_build_pass_intr(struct qc_build *b, struct qc_pass *p, const char *pic, uint32_t line);

#endif
