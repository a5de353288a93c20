/* SPDX-License-Identifier: LGPL-2.1-only */
/* Checks of vdevs: architecture, required loc/intr, interrupt sharing,
 * documented number ranges, shmem allow/deny. */
#include <stdlib.h>
#include <string.h>

#include "conf/check.h"

static unsigned want_mask(enum qc_arch a)
{
    return a == QC_ARCH_X86 ? QC_AR_X86 : QC_AR_ARM;
}

static void arch_item(struct qc_check_ctx *c, unsigned mask, struct qc_loc loc, const char *what)
{
    const struct qc_config *cfg = c->cfg;
    if (cfg->arch == QC_ARCH_ANY || (mask & want_mask(cfg->arch)))
        return;
    int idx = qc_report(c, loc, "%s is %s-only but the VM is %s", what, qc_arch_mask_name(mask),
                        qc_arch_name(cfg->arch));
    if (idx >= 0 && !cfg->arch_explicit)
        qc_diag_note(c->d, idx, cfg->arch_loc, "the architecture was inferred from this");
}

static void arch_locs(struct qc_check_ctx *c, const struct qc_locspec *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (l[i].guest.space == QC_SPACE_IO)
            arch_item(c, QC_AR_X86, l[i].loc, "an io: location");
}

void qc_check_arch_mismatch(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    for (size_t i = 0; i < cfg->nvdevs; i++) {
        const struct qc_vdev *v = &cfg->vdevs[i];
        if (v->type >= 0)
            arch_item(c, qc_vdevs[v->type].arch, v->loc, qc_vdevs[v->type].name);
        if (v->has_loc)
            arch_locs(c, &v->locspec, 1);
    }
    for (size_t i = 0; i < cfg->nloads; i++)
        if (cfg->loads[i].blob >= 0)
            arch_item(c, qc_blobs[cfg->loads[i].blob].arch, cfg->loads[i].loc,
                      qc_blobs[cfg->loads[i].blob].name);
    for (size_t i = 0; i < cfg->npasses; i++) {
        if (cfg->passes[i].blob >= 0)
            arch_item(c, qc_blobs[cfg->passes[i].blob].arch, cfg->passes[i].loc,
                      qc_blobs[cfg->passes[i].blob].name);
        arch_locs(c, cfg->passes[i].locs, cfg->passes[i].nlocs);
    }
    for (size_t i = 0; i < cfg->nreserves; i++)
        arch_locs(c, cfg->reserves[i].locs, cfg->reserves[i].nlocs);
    for (size_t i = 0; i < cfg->nsetvars; i++)
        if (cfg->setvars[i].var >= 0)
            arch_item(c, qc_setvars[cfg->setvars[i].var].arch, cfg->setvars[i].loc,
                      cfg->setvars[i].name);
}

void qc_check_loc_required(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->nvdevs; i++) {
        const struct qc_vdev *v = &c->cfg->vdevs[i];
        if (v->type >= 0 && (qc_vdevs[v->type].flags & QC_VF_NEEDLOC) && !v->has_loc &&
            !qc_vdevs[v->type].defloc && !v->damaged)
            qc_report(c, v->loc, "vdev %s is not a PCI device and needs 'loc'", v->type_name);
    }
}

void qc_check_intr_required(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->nvdevs; i++) {
        const struct qc_vdev *v = &c->cfg->vdevs[i];
        if (v->type < 0 || v->nintrs || v->damaged)
            continue;
        unsigned f = qc_vdevs[v->type].flags;
        if (f & QC_VF_NEEDINTR)
            qc_report(c, v->loc, "vdev %s needs 'intr'", v->type_name);
        else if ((f & QC_VF_PCI) && v->has_loc && v->locspec.guest.space != QC_SPACE_PCI_BDF &&
                 v->locspec.guest.space != QC_SPACE_PCI_ID)
            qc_report(c, v->loc, "vdev %s given a memory 'loc' is an MMIO device and needs 'intr'",
                      v->type_name);
    }
}

struct intr_ref {
    const struct qc_intr *it;
    size_t idx; /* in input order */
};

/* One interrupt with the device that raises it (NULL for a pass). */
struct intr_use {
    const struct qc_intr *it;
    const struct qc_vdev *owner;
};

static const struct qc_value *find(const struct qc_vdev *v, enum qc_vopt o);

/* An HPET in legacy replacement mode takes over the PIT's and the RTC's
 * interrupts (timer 0 and timer 1): QNX's own Linux example gives the hpet
 * myioapic:0 and :8 beside timer8254's myioapic:0. Not a conflict. */
static bool legacy_replacement(const struct qc_vdev *a, const struct qc_vdev *b)
{
    if (!a || !b)
        return false;
    if (b->type == QC_VDEV_HPET) {
        const struct qc_vdev *t = a;
        a = b, b = t;
    }
    return a->type == QC_VDEV_HPET && !find(a, QC_VOPT_LEGACY_FREE) &&
           (b->type == QC_VDEV_TIMER8254 || b->type == QC_VDEV_MC146818);
}

static int by_line(const void *a, const void *b)
{
    const struct intr_ref *x = a, *y = b;
    int r = strcmp(x->it->pic, y->it->pic);
    if (r)
        return r;
    if (x->it->line != y->it->line)
        return x->it->line < y->it->line ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Reports, in input order, every PIC line used before, with a note at its
 * first use. Sorting finds the repeats in n log n instead of n^2. */
static void dup_scan(struct qc_check_ctx *c, const struct intr_use all[], size_t n)
{
    struct intr_ref *s = calloc(n + 1, sizeof(*s));
    size_t *first = calloc(n + 1, sizeof(*first)), ns = 0;
    if (!s || !first)
        goto out;
    for (size_t i = 0; i < n; i++) {
        first[i] = SIZE_MAX;
        if (all[i].it->kind == QC_INTR_PIC)
            s[ns++] = (struct intr_ref){all[i].it, i};
    }
    qsort(s, ns, sizeof(*s), by_line);
    for (size_t g = 0, i = 1; i < ns; i++) {
        if (s[i].it->line != s[g].it->line || strcmp(s[i].it->pic, s[g].it->pic) != 0)
            g = i;
        else if (!legacy_replacement(all[s[g].idx].owner, all[s[i].idx].owner))
            first[s[i].idx] = s[g].idx;
    }
    for (size_t i = 0; i < n; i++)
        if (first[i] != SIZE_MAX) {
            int idx = qc_report(c, all[i].it->loc, "interrupt %s:%u is already used",
                                all[i].it->pic, all[i].it->line);
            if (idx >= 0)
                qc_diag_note(c->d, idx, all[first[i]].it->loc, "first used here");
        }
out:
    free(s);
    free(first);
}

void qc_check_dup_intr(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    size_t n = 0, k = 0;
    for (size_t i = 0; i < cfg->nvdevs; i++)
        n += cfg->vdevs[i].nintrs;
    for (size_t i = 0; i < cfg->npasses; i++)
        n += cfg->passes[i].nintrs;
    if (!n)
        return;
    /* On the heap: a VLA of every interrupt could overflow the stack. */
    struct intr_use *all = calloc(n, sizeof(*all));
    if (!all)
        return;
    for (size_t i = 0; i < cfg->nvdevs; i++)
        for (size_t j = 0; j < cfg->vdevs[i].nintrs; j++)
            all[k++] = (struct intr_use){&cfg->vdevs[i].intrs[j], &cfg->vdevs[i]};
    for (size_t i = 0; i < cfg->npasses; i++)
        for (size_t j = 0; j < cfg->passes[i].nintrs; j++)
            all[k++] = (struct intr_use){&cfg->passes[i].intrs[j], NULL};
    dup_scan(c, all, n);
    free(all);
}

static const struct qc_value *find(const struct qc_vdev *v, enum qc_vopt o)
{
    for (size_t i = v->nvalues; i-- > 0;)
        if (v->values[i].opt == o)
            return &v->values[i];
    return NULL;
}

/* Documented ranges: one row per (option, min, max). */
static const struct {
    enum qc_vopt opt;
    uint64_t min, max;
} ranges[] = {
    {QC_VOPT_VERSION, 2, 3},
    {QC_VOPT_NUM_LPIS, 8192, 65536},
    {QC_VOPT_SCHED, 0, 255},
    {QC_VOPT_HOSTVECTOR, 0, 0xffffffff},
};

_Static_assert(QC_VOPT_COUNT <= 64, "vdev options are bits of a uint64_t");

void qc_check_number_range(struct qc_check_ctx *c)
{
    uint64_t ranged = 0; /* options with a row in ranges[] */
    for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
        ranged |= UINT64_C(1) << ranges[r].opt;
    /* Which types take any ranged option, from the schema alone: the other
     * vdevs' values are never read (they are cache misses on a big model). */
    bool takes[QC_VDEV_COUNT] = {false};
    for (int t = 0; t < QC_VDEV_COUNT; t++)
        for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
            takes[t] = takes[t] || qc_vdev_accepts(t, ranges[r].opt);
    for (size_t i = 0; i < c->cfg->nvdevs; i++) {
        const struct qc_vdev *v = &c->cfg->vdevs[i];
        uint64_t given = 0;
        if (v->type < 0 || v->type >= QC_VDEV_COUNT || !takes[v->type])
            continue;
        for (size_t k = 0; k < v->nvalues; k++)
            given |= UINT64_C(1) << v->values[k].opt;
        if (!(given & ranged))
            continue;
        for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
            const struct qc_value *val =
                given & (UINT64_C(1) << ranges[r].opt) ? find(v, ranges[r].opt) : NULL;
            if (val && val->nnums && (val->nums[0] < ranges[r].min || val->nums[0] > ranges[r].max))
                qc_report(c, val->loc, "%s %llu is outside %llu..%llu", qc_vopts[val->opt].name,
                          (unsigned long long)val->nums[0], (unsigned long long)ranges[r].min,
                          (unsigned long long)ranges[r].max);
        }
    }
}

void qc_check_gic_its_lpis(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->nvdevs; i++) {
        const struct qc_vdev *v = &c->cfg->vdevs[i];
        if (v->type != QC_VDEV_GIC)
            continue;
        const struct qc_value *its = find(v, QC_VOPT_ITS);
        if (its && !find(v, QC_VOPT_NUM_LPIS))
            qc_report(c, its->loc, "'its' needs 'num-lpis'");
    }
}

void qc_check_shmem_allow_deny(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->nvdevs; i++) {
        const struct qc_vdev *v = &c->cfg->vdevs[i];
        if (v->type != QC_VDEV_SHMEM) /* the only type with allow and deny */
            continue;
        const struct qc_value *allow = find(v, QC_VOPT_ALLOW), *deny = find(v, QC_VOPT_DENY);
        if (allow && deny) {
            int idx = qc_report(c, deny->loc,
                                "shmem uses both allow and deny (each adds an implicit opposite)");
            if (idx >= 0)
                qc_diag_note(c->d, idx, allow->loc, "allow is here");
        }
    }
}
