/* SPDX-License-Identifier: LGPL-2.1-only */
/* Checks of qvm's ordering rules (spec 1.6): system first, memory before
 * what is loaded into it, PICs before the interrupts that name them. */
#include <stdlib.h>
#include <string.h>

#include "conf/check.h"

void qc_check_system_first(struct qc_check_ctx *c)
{
    if (c->cfg->system.set && c->cfg->system.seq != 0)
        qc_report(c, c->cfg->system.loc, "'system' must be the first entry of the configuration");
}

/* A min-heap of regions by seq, for the sweep below. */
struct active {
    size_t seq;
    uint64_t end;
};

static void heap_push(struct active *h, size_t *n, struct active a)
{
    size_t i = (*n)++;
    for (; i && h[(i - 1) / 2].seq > a.seq; i = (i - 1) / 2)
        h[i] = h[(i - 1) / 2];
    h[i] = a;
}

static void heap_pop(struct active *h, size_t *n)
{
    struct active last = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= *n)
            break;
        if (k + 1 < *n && h[k + 1].seq < h[k].seq)
            k++;
        if (h[k].seq >= last.seq)
            break;
        h[i] = h[k];
        i = k;
    }
    if (*n)
        h[i] = last;
}

struct event {
    uint64_t at;
    int kind;   /* 0 a region starts, 1 a load asks */
    size_t idx; /* region or load */
};

static int by_at(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->kind - y->kind; /* a region starting at the address contains it */
}

/* A load at an address must lie in a ram/rom defined before it. Sweeping the
 * addresses upwards with the regions that cover them in a heap by seq, the
 * earliest covering region is at the top: n log n, not loads x regions. */
void qc_check_ram_before_load(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    size_t nr = cfg->nregions, nl = cfg->nloads, ne = 0, nh = 0, first = SIZE_MAX;
    uint64_t(*r)[2] = calloc(nr + 1, sizeof(*r));
    struct event *ev = calloc(nr + nl + 1, sizeof(*ev));
    struct active *heap = calloc(nr + 1, sizeof(*heap));
    size_t *earliest = calloc(nl + 1, sizeof(*earliest));
    if (!r || !ev || !heap || !earliest)
        goto out;
    qc_region_ranges(cfg, r);
    for (size_t k = 0; k < nr; k++) {
        first = cfg->regions[k].seq < first ? cfg->regions[k].seq : first;
        if (r[k][1] > r[k][0])
            ev[ne++] = (struct event){r[k][0], 0, k};
    }
    for (size_t i = 0; i < nl; i++)
        if (cfg->loads[i].has_addr)
            ev[ne++] = (struct event){cfg->loads[i].addr, 1, i};
    qsort(ev, ne, sizeof(*ev), by_at);
    for (size_t e = 0; e < ne; e++) {
        if (ev[e].kind == 0) {
            heap_push(heap, &nh, (struct active){cfg->regions[ev[e].idx].seq, r[ev[e].idx][1]});
            continue;
        }
        while (nh && heap[0].end <= ev[e].at) /* ended below this address: never needed again */
            heap_pop(heap, &nh);
        earliest[ev[e].idx] = nh ? heap[0].seq + 1 : 0; /* 0: no region covers it */
    }
    for (size_t i = 0; i < nl; i++) {
        const struct qc_load *l = &cfg->loads[i];
        if (cfg->bad_region_seq < l->seq)
            continue; /* a ram/rom before it was refused: that error says it */
        if (first == SIZE_MAX || first > l->seq)
            qc_report(c, l->loc, "'load %s' comes before any ram or rom: nowhere to load it",
                      l->path);
        else if (l->has_addr && (!earliest[i] || earliest[i] - 1 > l->seq))
            qc_report(c, l->loc, "load address 0x%llx is in no ram/rom allocated before it",
                      (unsigned long long)l->addr);
    }
out:
    free(earliest);
    free(heap);
    free(ev);
    free(r);
}

struct pic_name {
    const char *name;
    size_t seq; /* of its first definition */
};

static int by_name(const void *a, const void *b)
{
    const struct pic_name *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    return d ? d : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Is `name` a PIC usable from an item at `seq`? Binary search in the PICs
 * sorted by name (first definition first). */
static bool pic_defined(const struct pic_name *pics, size_t n, bool implicit_gic, const char *name,
                        size_t seq)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(pics[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && !strcmp(pics[lo].name, name) && pics[lo].seq < seq)
        return true;
    /* The ARM GIC is implicit and named gic unless renamed (spec 3.3). */
    return implicit_gic && !strcmp(name, "gic");
}

static void check_intrs(struct qc_check_ctx *c, const struct pic_name *pics, size_t n,
                        bool implicit_gic, const struct qc_intr *it, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (it[i].kind == QC_INTR_PIC && !pic_defined(pics, n, implicit_gic, it[i].pic, it[i].seq))
            qc_report(c, it[i].loc, "interrupt controller '%s' is not defined before this intr",
                      it[i].pic);
}

void qc_check_pic_before_intr(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    struct pic_name *pics = calloc(cfg->nvdevs + 1, sizeof(*pics));
    bool gic_renamed = false;
    size_t n = 0;
    if (!pics)
        return;
    for (size_t i = 0; i < cfg->nvdevs; i++) {
        const struct qc_vdev *v = &cfg->vdevs[i];
        if (v->type == QC_VDEV_GIC && v->name && strcmp(v->name, "gic") != 0)
            gic_renamed = true;
        if (v->type < 0 || (qc_vdevs[v->type].flags & QC_VF_PIC)) /* unknown: maybe a PIC */
            pics[n++] = (struct pic_name){qc_vdev_ref_name(v), v->seq};
    }
    qsort(pics, n, sizeof(*pics), by_name);
    bool implicit_gic = cfg->arch != QC_ARCH_X86 && !gic_renamed;
    for (size_t i = 0; i < cfg->nvdevs; i++)
        check_intrs(c, pics, n, implicit_gic, cfg->vdevs[i].intrs, cfg->vdevs[i].nintrs);
    for (size_t i = 0; i < cfg->npasses; i++)
        check_intrs(c, pics, n, implicit_gic, cfg->passes[i].intrs, cfg->passes[i].nintrs);
    free(pics);
}

void qc_check_pic_name_colon(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->nvdevs; i++) {
        const struct qc_vdev *v = &c->cfg->vdevs[i];
        if (v->type >= 0 && (qc_vdevs[v->type].flags & QC_VF_PIC) && v->name &&
            strchr(v->name, ':'))
            qc_report(c, v->name_loc, "PIC name '%s' contains ':' and cannot be used in intr",
                      v->name);
    }
}
