/* Checks of guest-physical memory: overlaps (spec 5.3, a warning because
 * qvm's own behaviour is undocumented; -E overlap makes it an error) and
 * pass-through alignment and attributes (spec 5.1). */
#include <stdlib.h>
#include <string.h>

#include "check.h"

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
    /* A vdev's register window size is the vdev's business; its base
     * address at least must not collide. */
    for (size_t i = 0; i < cfg->nvdevs; i++) {
        const struct qc_vdev *v = &cfg->vdevs[i];
        if (v->has_loc && v->locspec.guest.space == QC_SPACE_MEM)
            add(r, &n, v->locspec.guest.addr, v->locspec.has_len ? v->locspec.len : 1,
                v->locspec.loc, v->type_name);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < i; k++)
            if (r[i].start < r[k].end && r[k].start < r[i].end && r[i].end > r[i].start &&
                r[k].end > r[k].start) {
                int idx = qc_report(c, r[i].loc, "%s at 0x%llx overlaps %s", r[i].what,
                                    (unsigned long long)r[i].start, r[k].what);
                if (idx >= 0)
                    qc_diag_note(c->d, idx, r[k].loc, "%s is here", r[k].what);
            }
out:
    free(r);
    free(reg);
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
