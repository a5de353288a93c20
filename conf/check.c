/* The check registry and qc_validate: runs every enabled named check. */
#include <stdarg.h>
#include <string.h>

#include "check.h"

const struct qc_check qc_check_table[] = {
#define X(fn, name, sev, help) {name, qc_check_##fn, QC_SEV_##sev, help},
    QC_CHECKS(X)
#undef X
#define X(name, sev, help) {name, NULL, QC_SEV_##sev, help},
        QC_PARSE_CHECKS(X)
#undef X
            {NULL, NULL, QC_SEV_NOTE, NULL},
};

const struct qc_check *qc_check_find(const char *name)
{
    for (const struct qc_check *c = qc_check_table; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int qc_report_sev(struct qc_check_ctx *c, enum qc_severity sev, struct qc_loc loc, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    int idx = qc_diag_vadd(c->d, sev, c->name, loc, fmt, ap);
    va_end(ap);
    return idx;
}

int qc_report(struct qc_check_ctx *c, struct qc_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int idx = qc_diag_vadd(c->d, c->sev, c->name, loc, fmt, ap);
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

int qc_validate_ex(const struct qc_config *cfg, const struct qc_validate_opts *opts,
                   struct qc_diags *d)
{
    static const struct qc_validate_opts none;
    size_t errors = d->errors;
    struct qc_check_ctx c = {.cfg = cfg, .opts = opts ? opts : &none, .d = d};
    for (const struct qc_check *k = qc_check_table; k->name; k++) {
        if (!k->fn)
            continue;
        c.name = k->name;
        c.sev = k->sev;
        k->fn(&c);
    }
    return d->errors > errors ? -1 : 0;
}

int qc_validate(const struct qc_config *cfg, struct qc_diags *d)
{
    return qc_validate_ex(cfg, NULL, d);
}
