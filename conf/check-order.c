/* Checks of qvm's ordering rules (spec 1.6): system first, memory before
 * what is loaded into it, PICs before the interrupts that name them. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

void qc_check_system_first(struct qc_check_ctx *c)
{
    if (c->cfg->system.set && c->cfg->system.seq != 0)
        qc_report(c, c->cfg->system.loc, "'system' must be the first entry of the configuration");
}

void qc_check_ram_before_load(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    uint64_t(*r)[2] = calloc(cfg->nregions + 1, sizeof(*r));
    if (!r)
        return;
    qc_region_ranges(cfg, r);
    for (size_t i = 0; i < cfg->nloads; i++) {
        const struct qc_load *l = &cfg->loads[i];
        bool any = false, inside = false;
        for (size_t k = 0; k < cfg->nregions && cfg->regions[k].seq < l->seq; k++) {
            any = true;
            inside |= l->addr >= r[k][0] && l->addr < r[k][1];
        }
        if (!any)
            qc_report(c, l->loc, "'load %s' comes before any ram or rom: nowhere to load it",
                      l->path);
        else if (l->has_addr && !inside)
            qc_report(c, l->loc, "load address 0x%llx is in no ram/rom allocated before it",
                      (unsigned long long)l->addr);
    }
    free(r);
}

/* Is `name` a PIC usable from an item at `seq`? */
static bool pic_defined(const struct qc_config *cfg, const char *name, size_t seq)
{
    bool gic_renamed = false;
    for (size_t i = 0; i < cfg->nvdevs; i++) {
        const struct qc_vdev *v = &cfg->vdevs[i];
        if (v->type == QC_VDEV_GIC && v->name && strcmp(v->name, "gic") != 0)
            gic_renamed = true;
        bool pic = v->type < 0 || (qc_vdevs[v->type].flags & QC_VF_PIC);
        if (pic && v->seq < seq && strcmp(qc_vdev_ref_name(v), name) == 0)
            return true;
    }
    /* The ARM GIC is implicit and named gic unless renamed (spec 3.3). */
    return strcmp(name, "gic") == 0 && cfg->arch != QC_ARCH_X86 && !gic_renamed;
}

static void check_intrs(struct qc_check_ctx *c, const struct qc_intr *it, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (it[i].kind == QC_INTR_PIC && !pic_defined(c->cfg, it[i].pic, it[i].seq))
            qc_report(c, it[i].loc, "interrupt controller '%s' is not defined before this intr",
                      it[i].pic);
}

void qc_check_pic_before_intr(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->nvdevs; i++)
        check_intrs(c, c->cfg->vdevs[i].intrs, c->cfg->vdevs[i].nintrs);
    for (size_t i = 0; i < c->cfg->npasses; i++)
        check_intrs(c, c->cfg->passes[i].intrs, c->cfg->passes[i].nintrs);
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
