/* SPDX-License-Identifier: LGPL-2.1-only */
/* Building a model in code: see build.h. */
#include <stdlib.h>
#include <string.h>

#include "conf/build.h"

void qc_build_init(struct qc_build *b, struct qc_config *cfg, const char *name)
{
    *b = (struct qc_build){.cfg = cfg, .loc = {.file = name, .line = 1, .col = 1}};
}

/* One more element of array *@v (of *@n elements of @size bytes), zeroed; NULL on OOM. */
static void *grow(struct qc_build *b, void **v, size_t *n, size_t size)
{
    char *p = realloc(*v, (*n + 1) * size);

    if (!p) {
        b->nomem = true;
        return NULL;
    }
    *v = p;
    memset(p + *n * size, 0, size);
    return p + (*n)++ * size;
}
#define GROW(b, arr, narr) grow(b, (void **)&(arr), &(narr), sizeof(*(arr)))

static char *dup(struct qc_build *b, const char *s)
{
    char *d = s ? strdup(s) : NULL;

    if (s && !d)
        b->nomem = true;
    return d;
}

static void str_opt(struct qc_build *b, struct qc_str_opt *o, const char *value)
{
    free(o->value);
    *o = (struct qc_str_opt){.set = true, .value = dup(b, value), .loc = b->loc, .seq = b->seq++};
}

void qc_build_system(struct qc_build *b, const char *name)
{
    str_opt(b, &b->cfg->system, name);
}

void qc_build_cmdline(struct qc_build *b, const char *text)
{
    str_opt(b, &b->cfg->cmdline, text);
}

void qc_build_dump(struct qc_build *b, const char *dir)
{
    str_opt(b, &b->cfg->dump, dir);
}

void qc_build_ram(struct qc_build *b, uint64_t start, uint64_t size)
{
    struct qc_region *r = GROW(b, b->cfg->regions, b->cfg->nregions);

    if (r)
        *r = (struct qc_region){
            .has_start = true, .start = start, .size = size, .loc = b->loc, .seq = b->seq++};
}

void qc_build_load(struct qc_build *b, int blob, const char *path)
{
    struct qc_load *l = GROW(b, b->cfg->loads, b->cfg->nloads);

    if (l)
        *l = (struct qc_load){.blob = blob, .path = dup(b, path), .loc = b->loc, .seq = b->seq++};
}

struct qc_cpu *qc_build_cpu(struct qc_build *b)
{
    struct qc_cpu *c = GROW(b, b->cfg->cpus, b->cfg->ncpus);

    if (c) {
        c->loc = b->loc;
        c->seq = b->seq++;
    }
    return c;
}

void qc_build_cpu_partition(struct qc_build *b, struct qc_cpu *c, const char *name)
{
    free(c->partition);
    c->partition = dup(b, name);
    c->partition_loc = b->loc;
}

struct qc_vdev *qc_build_vdev(struct qc_build *b, enum qc_vdev_type type)
{
    struct qc_vdev *v = GROW(b, b->cfg->vdevs, b->cfg->nvdevs);

    if (!v)
        return NULL;
    v->type = (int)type;
    v->type_name = dup(b, qc_vdevs[type].name);
    v->loc = b->loc;
    v->seq = b->seq++;
    return v;
}

void qc_build_vdev_loc(struct qc_build *b, struct qc_vdev *v, enum qc_space space, uint64_t addr)
{
    v->has_loc = true;
    v->locspec = (struct qc_locspec){
        .guest = {.space = space, .space_explicit = true, .addr = addr}, .loc = b->loc};
}

static void intr(struct qc_build *b, struct qc_intr **v, size_t *n, const char *pic, uint32_t line)
{
    struct qc_intr *it = grow(b, (void **)v, n, sizeof(**v));

    if (it)
        *it = (struct qc_intr){.kind = pic ? QC_INTR_PIC : QC_INTR_APIC,
                               .pic = dup(b, pic),
                               .line = line,
                               .loc = b->loc};
}

void qc_build_vdev_intr(struct qc_build *b, struct qc_vdev *v, const char *pic, uint32_t line)
{
    intr(b, &v->intrs, &v->nintrs, pic, line);
}

void qc_build_vdev_name(struct qc_build *b, struct qc_vdev *v, const char *name)
{
    free(v->name);
    v->name = dup(b, name);
    v->name_loc = b->loc;
}

static struct qc_value *value(struct qc_build *b, struct qc_vdev *v, enum qc_vopt opt)
{
    struct qc_value *val = GROW(b, v->values, v->nvalues);

    if (val)
        *val = (struct qc_value){.opt = opt, .loc = b->loc};
    return val;
}

void qc_build_vdev_word(struct qc_build *b, struct qc_vdev *v, enum qc_vopt opt, const char *s)
{
    struct qc_value *val = value(b, v, opt);

    if (val)
        val->str = dup(b, s);
}

void qc_build_vdev_num(struct qc_build *b, struct qc_vdev *v, enum qc_vopt opt, uint64_t n)
{
    struct qc_value *val = value(b, v, opt);

    if (val) {
        val->nnums = 1;
        val->nums[0] = n;
    }
}

struct qc_pass *qc_build_pass(struct qc_build *b)
{
    struct qc_pass *p = GROW(b, b->cfg->passes, b->cfg->npasses);

    if (p) {
        p->blob = -1;
        p->loc = b->loc;
        p->seq = b->seq++;
    }
    return p;
}

void qc_build_pass_loc(struct qc_build *b, struct qc_pass *p, const struct qc_locspec *l)
{
    struct qc_locspec *n = GROW(b, p->locs, p->nlocs);

    if (n) {
        *n = *l;
        n->attrs = NULL;
        n->loc = b->loc;
    }
}

void qc_build_pass_intr(struct qc_build *b, struct qc_pass *p, const char *pic, uint32_t line)
{
    intr(b, &p->intrs, &p->nintrs, pic, line);
}
