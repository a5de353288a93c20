/* SPDX-License-Identifier: LGPL-2.1-only */
/* qc_validate: runs the validator's checks of the registry (checks.def). */
#include <stdarg.h>
#include <string.h>

#include "conf/check.h"

/* The validator's functions, by check; NULL for the other kinds. */
static void (*const validators[QC_CK_COUNT])(struct qc_check_ctx *c) = {
#define QC_VALIDATOR(id, name, sev, pre, fn, help) [QC_CK_##id] = qc_check_##fn,
#include "conf/checks.def"
};

int qc_report_sev(struct qc_check_ctx *c, enum qc_severity sev, struct qc_loc loc, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    int idx = qc_vdiag_sev(c->d, sev, c->id, loc, fmt, ap);
    va_end(ap);
    return idx;
}

int qc_report(struct qc_check_ctx *c, struct qc_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int idx = qc_vdiag(c->d, c->id, loc, fmt, ap);
    va_end(ap);
    return idx;
}

void qc_region_ranges(const struct qc_config *cfg, uint64_t (*out)[2])
{
    uint64_t top = 0;
    for (size_t i = 0; i < cfg->nregions; i++) {
        const struct qc_region *r = &cfg->regions[i];
        uint64_t start = r->has_start ? r->start : top;
        uint64_t end = start + r->size < start ? UINT64_MAX : start + r->size;
        out[i][0] = start;
        out[i][1] = end;
        if (end > top)
            top = end;
    }
}

const char *qc_vdev_ref_name(const struct qc_vdev *v)
{
    return v->name ? v->name : v->type_name;
}

/* Whether a prerequisite of @k failed (reported an error, or was skipped
 * for its own prerequisites). */
static bool prereq_failed(const struct qc_check *k, const bool *failed)
{
    for (const enum qc_check_id *p = k->prereqs; p && *p != QC_CK_COUNT; p++)
        if (failed[*p])
            return true;
    return false;
}

/* Runs the checks in registry order, so prerequisites run first; a check
 * whose prerequisite failed is skipped (dtc's rule): its findings would be
 * consequences of an error already reported. */
int qc_validate_ex(const struct qc_config *cfg, const struct qc_validate_opts *opts,
                   struct qc_diags *d)
{
    static const struct qc_validate_opts none;
    size_t errors = d->errors;
    bool failed[QC_CK_COUNT] = {false};
    struct qc_check_ctx c = {.cfg = cfg, .opts = opts ? opts : &none, .d = d};
    for (size_t id = 0; id < QC_CK_COUNT; id++) {
        if (!validators[id])
            continue;
        size_t before = d->errors;
        failed[id] = prereq_failed(&qc_checks[id], failed);
        if (failed[id])
            continue;
        c.id = (enum qc_check_id)id;
        validators[id](&c);
        failed[id] = d->errors > before;
    }
    return d->errors > errors ? -1 : 0;
}

int qc_validate(const struct qc_config *cfg, struct qc_diags *d)
{
    return qc_validate_ex(cfg, NULL, d);
}
