/* SPDX-License-Identifier: LGPL-2.1-only */
/* Checks of guest-physical memory: overlaps (spec 5.3, a warning because
 * qvm's own behaviour is undocumented; -E overlap makes it an error) and
 * pass-through alignment and attributes (spec 5.1). vdevs at the same I/O
 * port are reported the same way. */
#include <stdlib.h>
#include <string.h>

#include "conf/check.h"

#define PAGE 4096u

struct range {
    uint64_t start, end;
    struct qc_loc loc;
    const char *what;
};

static void add(struct range *r, size_t *n, uint64_t start, uint64_t len, struct qc_loc loc,
                const char *what)
{
    uint64_t end = start + len < start ? UINT64_MAX : start + len;
    r[(*n)++] = (struct range){start, end, loc, what};
}

static int by_start(const void *a, const void *b)
{
    const struct range *x = *(const struct range *const *)a, *y = *(const struct range *const *)b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int by_pair(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* Reports each range that overlaps another one, once, at the later of the
 * two in input order (or the earlier, when the later was reported already),
 * with a note at the other; the first range of a group is not reported. Sorted by start, a range
 * overlaps some range before it exactly when it starts below the largest
 * end so far, so the sweep costs n log n however many pairs overlap (a
 * thousand copies of one region give a thousand warnings, not half a
 * million). Empty ranges overlap nothing. */
static void report_overlaps(struct qc_check_ctx *c, struct range *r, size_t n)
{
    struct range **s = calloc(n + 1, sizeof(*s));
    size_t(*pairs)[2] = calloc(n + 1, sizeof(*pairs)), npairs = 0, ns = 0;
    bool *told = calloc(n + 1, sizeof(*told));
    if (!s || !pairs || !told)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (r[i].end > r[i].start)
            s[ns++] = &r[i];
    qsort(s, ns, sizeof(*s), by_start);
    for (size_t i = 1, cover = 0; i < ns; i++) {
        size_t a = (size_t)(s[i] - r), b = (size_t)(s[cover] - r);
        if (a < b) {
            size_t t = a;
            a = b, b = t;
        }
        if (s[i]->start < s[cover]->end && (!told[a] || !told[b])) {
            pairs[npairs][0] = told[a] ? b : a; /* the later one, unless it was told */
            pairs[npairs++][1] = told[a] ? a : b;
            told[told[a] ? b : a] = true;
        }
        if (s[i]->end > s[cover]->end)
            cover = i;
    }
    if (npairs) /* qsort wants a non-NULL array even for 0 items */
        qsort(pairs, npairs, sizeof(*pairs), by_pair);
    for (size_t p = 0; p < npairs; p++) {
        const struct range *later = &r[pairs[p][0]], *earlier = &r[pairs[p][1]];
        int idx = qc_report(c, later->loc, "%s at 0x%llx overlaps %s", later->what,
                            (unsigned long long)later->start, earlier->what);
        if (idx >= 0)
            qc_diag_note(c->d, idx, earlier->loc, "%s is here", earlier->what);
    }
out:
    free(told);
    free(pairs);
    free(s);
}

/* A vdev's register window size is the vdev's business; its base address,
 * given or qvm's default for its type, at least must not collide. */
static void vdev_ranges(const struct qc_config *cfg, enum qc_space space, struct range *r,
                        size_t *n)
{
    for (size_t i = 0; i < cfg->nvdevs; i++) {
        const struct qc_vdev *v = &cfg->vdevs[i];
        struct qc_place at;
        if (qc_vdev_place(v, &at) && at.space == space)
            add(r, n, at.addr, v->has_loc && v->locspec.has_len ? v->locspec.len : 1,
                v->has_loc ? v->locspec.loc : v->loc, v->type_name);
    }
}

void qc_check_overlap(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    size_t max = cfg->nregions + cfg->nvdevs, n = 0;
    for (size_t i = 0; i < cfg->npasses; i++)
        max += cfg->passes[i].nlocs;
    if (!max)
        return;
    struct range *r = calloc(max, sizeof(*r));
    uint64_t(*reg)[2] = calloc(cfg->nregions + 1, sizeof(*reg));
    if (!r || !reg)
        goto out;
    qc_region_ranges(cfg, reg);
    for (size_t i = 0; i < cfg->nregions; i++)
        add(r, &n, reg[i][0], reg[i][1] - reg[i][0], cfg->regions[i].loc,
            cfg->regions[i].rom ? "rom" : "ram");
    for (size_t i = 0; i < cfg->npasses; i++)
        for (size_t k = 0; k < cfg->passes[i].nlocs; k++) {
            const struct qc_locspec *l = &cfg->passes[i].locs[k];
            if (l->guest.space == QC_SPACE_MEM && l->has_len)
                add(r, &n, l->guest.addr, l->len, l->loc, "pass");
        }
    vdev_ranges(cfg, QC_SPACE_MEM, r, &n);
    report_overlaps(c, r, n);
    /* I/O ports: the vdevs' only (a pass io is the host's port). */
    n = 0;
    vdev_ranges(cfg, QC_SPACE_IO, r, &n);
    report_overlaps(c, r, n);
out:
    free(r);
    free(reg);
}

/* A range of len bytes from addr: len 0 is empty, and its last byte must not wrap. */
static bool wraps(uint64_t addr, uint64_t len)
{
    return len && len - 1 > UINT64_MAX - addr;
}

static void check_locs(struct qc_check_ctx *c, const struct qc_locspec *l, size_t n,
                       const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (!l[i].has_len || (l[i].guest.space != QC_SPACE_MEM && l[i].guest.space != QC_SPACE_IO))
            continue;
        if (!l[i].len)
            qc_report(c, l[i].loc, "%s location of length 0", what);
        else if (wraps(l[i].guest.addr, l[i].len) ||
                 (l[i].has_host && wraps(l[i].host.addr, l[i].len)))
            qc_report(c, l[i].loc,
                      "%s location 0x%llx,0x%llx wraps past the end of the address space", what,
                      (unsigned long long)(l[i].has_host && wraps(l[i].host.addr, l[i].len)
                                               ? l[i].host.addr
                                               : l[i].guest.addr),
                      (unsigned long long)l[i].len);
    }
}

void qc_check_range_invalid(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    uint64_t top = 0;
    bool wrapped = false; /* a region after a wrapping one has no place either */
    for (size_t i = 0; i < cfg->nregions; i++) {
        const struct qc_region *r = &cfg->regions[i];
        const char *what = r->rom ? "rom" : "ram";
        uint64_t start = r->has_start ? r->start : top;
        if (!r->size) {
            qc_report(c, r->loc, "%s of size 0", what);
        } else if (!r->has_start && wrapped) {
            qc_report(c, r->loc,
                      "%s without an address has no room: the highest ram/rom before "
                      "it ends at the top of the address space",
                      what);
        } else if (wraps(start, r->size)) {
            qc_report(c, r->loc, "%s 0x%llx,0x%llx wraps past the end of the address space", what,
                      (unsigned long long)start, (unsigned long long)r->size);
            wrapped = true;
        } else if (start + (r->size - 1) >= top) {
            top = start + (r->size - 1) + 1; /* 0 when it ends at 2^64: nothing fits after it */
            wrapped = !top;
        }
    }
    for (size_t i = 0; i < cfg->npasses; i++)
        check_locs(c, cfg->passes[i].locs, cfg->passes[i].nlocs, "pass");
    for (size_t i = 0; i < cfg->nreserves; i++)
        check_locs(c, cfg->reserves[i].locs, cfg->reserves[i].nlocs, "reserve");
    for (size_t i = 0; i < cfg->nvdevs; i++)
        if (cfg->vdevs[i].has_loc)
            check_locs(c, &cfg->vdevs[i].locspec, 1, cfg->vdevs[i].type_name);
}

void qc_check_pass_alignment(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->npasses; i++)
        for (size_t k = 0; k < c->cfg->passes[i].nlocs; k++) {
            const struct qc_locspec *l = &c->cfg->passes[i].locs[k];
            if (l->guest.space != QC_SPACE_MEM)
                continue;
            uint64_t host = l->has_host ? l->host.addr : l->guest.addr;
            if (host % PAGE || (l->has_len && l->len % PAGE))
                qc_report(c, l->loc, "pass memory must be page-aligned (host 0x%llx, length %llu)",
                          (unsigned long long)host, (unsigned long long)l->len);
        }
}

void qc_check_pass_attr_conflict(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->npasses; i++)
        for (size_t k = 0; k < c->cfg->passes[i].nlocs; k++) {
            const struct qc_locspec *l = &c->cfg->passes[i].locs[k];
            bool add_mode = true, m = false, d = false;
            for (const char *a = l->attrs; a && *a; a++) {
                if (*a == '+' || *a == '-')
                    add_mode = *a == '+';
                else if (*a == 'm')
                    m = add_mode;
                else if (*a == 'd')
                    d = add_mode;
            }
            if (m && d)
                qc_report(c, l->loc, "pass attribute 'm' (system memory) excludes 'd' (DMA)");
        }
}
