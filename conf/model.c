/* SPDX-License-Identifier: LGPL-2.1-only */
/* Lifetime and semantic comparison of the configuration model. */
#include <stdlib.h>
#include <string.h>

#include "conf/parse.h"

bool qc_vdev_place(const struct qc_vdev *v, struct qc_place *out)
{
    if (v->has_loc) {
        *out = v->locspec.guest;
        return true;
    }
    if (v->type < 0 || v->type >= QC_VDEV_COUNT || !qc_vdevs[v->type].defloc)
        return false;
    *out = (struct qc_place){.space = (enum qc_space)qc_vdevs[v->type].space,
                             .addr = qc_vdevs[v->type].defloc};
    return true;
}

int qc_cpu_single_pcpu(const struct qc_cpu *c)
{
    if (c->has_runmask)
        return c->runmask && !(c->runmask & (c->runmask - 1)) ? __builtin_ctzll(c->runmask) : -1;
    if (c->cluster && !strncmp(c->cluster, "_cpu-", 5) && c->cluster[5] >= '0' &&
        c->cluster[5] <= '9') {
        char *end;
        unsigned long n = strtoul(c->cluster + 5, &end, 10);
        if (!*end && n < 64 && (c->cluster[5] != '0' || !c->cluster[6]))
            return (int)n;
    }
    return -1;
}

void qc_config_init(struct qc_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->bad_region_seq = SIZE_MAX;
}

void qc_locspec_dispose(struct qc_locspec *l)
{
    free(l->attrs);
    l->attrs = NULL;
}

void qc_intrs_dispose(struct qc_intr *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].pic);
    free(v);
}

void qc_value_dispose(struct qc_value *v)
{
    free(v->str);
    free(v->str2);
    v->str = v->str2 = NULL;
}

static void locs_dispose(struct qc_locspec *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        qc_locspec_dispose(&l[i]);
    free(l);
}

static void vdev_dispose(struct qc_vdev *v)
{
    free(v->type_name);
    free(v->name);
    qc_locspec_dispose(&v->locspec);
    qc_intrs_dispose(v->intrs, v->nintrs);
    for (size_t i = 0; i < v->nvalues; i++)
        qc_value_dispose(&v->values[i]);
    free(v->values);
    for (size_t i = 0; i < v->nraw; i++)
        free(v->raw[i].text);
    free(v->raw);
}

void qc_config_dispose(struct qc_config *cfg)
{
#define FREE_STR(ID, member) free(cfg->member.value);
    QC_STR_OPTS(FREE_STR)
#undef FREE_STR
    free(cfg->regions);
    for (size_t i = 0; i < cfg->nloads; i++)
        free(cfg->loads[i].path);
    free(cfg->loads);
    for (size_t i = 0; i < cfg->ncpus; i++) {
        free(cfg->cpus[i].partition);
        free(cfg->cpus[i].cluster);
    }
    free(cfg->cpus);
    for (size_t i = 0; i < cfg->nvdevs; i++)
        vdev_dispose(&cfg->vdevs[i]);
    free(cfg->vdevs);
    for (size_t i = 0; i < cfg->npasses; i++) {
        locs_dispose(cfg->passes[i].locs, cfg->passes[i].nlocs);
        qc_intrs_dispose(cfg->passes[i].intrs, cfg->passes[i].nintrs);
    }
    free(cfg->passes);
    for (size_t i = 0; i < cfg->nreserves; i++) {
        locs_dispose(cfg->reserves[i].locs, cfg->reserves[i].nlocs);
        qc_intrs_dispose(cfg->reserves[i].intrs, cfg->reserves[i].nintrs);
    }
    free(cfg->reserves);
    free(cfg->loggers);
    for (size_t i = 0; i < cfg->nsetvars; i++) {
        free(cfg->setvars[i].name);
        free(cfg->setvars[i].value);
    }
    free(cfg->setvars);
    free(cfg->unsupported);
    qc_config_init(cfg);
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool place_eq(const struct qc_place *a, const struct qc_place *b)
{
    if (a->space != b->space)
        return false;
    switch (a->space) {
    case QC_SPACE_PCI_BDF:
        return a->bus == b->bus && a->dev == b->dev && a->func == b->func &&
               a->has_func == b->has_func;
    case QC_SPACE_PCI_ID:
        return a->vid == b->vid && a->did == b->did && a->has_idx == b->has_idx && a->idx == b->idx;
    default:
        return a->addr == b->addr;
    }
}

static bool locspec_eq(const struct qc_locspec *a, const struct qc_locspec *b)
{
    return place_eq(&a->guest, &b->guest) && a->has_len == b->has_len &&
           (!a->has_len || a->len == b->len) && str_eq(a->attrs, b->attrs) &&
           a->has_host == b->has_host && (!a->has_host || place_eq(&a->host, &b->host));
}

static bool locs_eq(const struct qc_locspec *a, size_t na, const struct qc_locspec *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!locspec_eq(&a[i], &b[i]))
            return false;
    return true;
}

static bool intrs_eq(const struct qc_intr *a, size_t na, const struct qc_intr *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (a[i].kind != b[i].kind || !str_eq(a[i].pic, b[i].pic) || a[i].line != b[i].line ||
            a[i].attr != b[i].attr || a[i].has_vector != b[i].has_vector ||
            a[i].vector != b[i].vector)
            return false;
    return true;
}

static bool value_eq(const struct qc_value *a, const struct qc_value *b)
{
    return a->opt == b->opt && str_eq(a->str, b->str) && str_eq(a->str2, b->str2) &&
           a->nnums == b->nnums && memcmp(a->nums, b->nums, a->nnums * sizeof(a->nums[0])) == 0;
}

static bool vdev_eq(const struct qc_vdev *a, const struct qc_vdev *b)
{
    if (a->type != b->type || !str_eq(a->type_name, b->type_name) || !str_eq(a->name, b->name) ||
        a->has_loc != b->has_loc || (a->has_loc && !locspec_eq(&a->locspec, &b->locspec)) ||
        !intrs_eq(a->intrs, a->nintrs, b->intrs, b->nintrs) || a->nvalues != b->nvalues ||
        a->nraw != b->nraw)
        return false;
    for (size_t i = 0; i < a->nvalues; i++)
        if (!value_eq(&a->values[i], &b->values[i]))
            return false;
    for (size_t i = 0; i < a->nraw; i++)
        if (strcmp(a->raw[i].text, b->raw[i].text) != 0)
            return false;
    return true;
}

static bool sched_eq(const struct qc_sched *a, const struct qc_sched *b)
{
    return a->set == b->set &&
           (!a->set || (a->prio == b->prio && a->policy == b->policy &&
                        a->low_prio == b->low_prio && a->max_repl == b->max_repl &&
                        a->repl_period == b->repl_period && a->init_budget == b->init_budget));
}

static bool cpu_eq(const struct qc_cpu *a, const struct qc_cpu *b)
{
    return a->has_runmask == b->has_runmask && a->runmask == b->runmask &&
           str_eq(a->partition, b->partition) && str_eq(a->cluster, b->cluster) &&
           sched_eq(&a->sched, &b->sched);
}

static bool setvar_eq(const struct qc_setvar *a, const struct qc_setvar *b)
{
    bool typed = a->var >= 0 && qc_setvars[a->var].type != QC_ST_STRING;
    return a->var == b->var && strcmp(a->name, b->name) == 0 && a->ctx == b->ctx &&
           a->owner == b->owner && (typed ? a->num == b->num : strcmp(a->value, b->value) == 0);
}

/* Variables of one context in order; contexts compared independently,
 * because the writer prints context variables inside their context. */
static bool setvars_eq(const struct qc_config *a, const struct qc_config *b)
{
    if (a->nsetvars != b->nsetvars)
        return false;
    for (size_t i = 0; i < a->nsetvars; i++) {
        enum qc_set_ctx ctx = a->setvars[i].ctx;
        size_t owner = a->setvars[i].owner, ka = 0, kb = 0;
        for (;;) {
            while (ka < a->nsetvars && (a->setvars[ka].ctx != ctx || a->setvars[ka].owner != owner))
                ka++;
            while (kb < b->nsetvars && (b->setvars[kb].ctx != ctx || b->setvars[kb].owner != owner))
                kb++;
            if (ka == a->nsetvars || kb == b->nsetvars)
                break;
            if (!setvar_eq(&a->setvars[ka++], &b->setvars[kb++]))
                return false;
        }
        if (ka != a->nsetvars || kb != b->nsetvars)
            return false;
    }
    return true;
}

static bool str_opt_eq(const struct qc_str_opt *a, const struct qc_str_opt *b)
{
    return a->set == b->set && str_eq(a->value, b->value);
}

/* Compares two arrays element by element with `eq`. */
#define ARRAY_EQ(a, b, field, eq)                                                                  \
    ((a)->n##field == (b)->n##field && ({                                                          \
         bool ok_ = true;                                                                          \
         for (size_t i_ = 0; ok_ && i_ < (a)->n##field; i_++)                                      \
             ok_ = eq(&(a)->field[i_], &(b)->field[i_]);                                           \
         ok_;                                                                                      \
     }))

static bool region_eq(const struct qc_region *a, const struct qc_region *b)
{
    return a->rom == b->rom && a->has_start == b->has_start &&
           (!a->has_start || a->start == b->start) && a->size == b->size;
}
static bool load_eq(const struct qc_load *a, const struct qc_load *b)
{
    return a->blob == b->blob && a->has_addr == b->has_addr &&
           (!a->has_addr || a->addr == b->addr) && strcmp(a->path, b->path) == 0;
}
static bool pass_eq(const struct qc_pass *a, const struct qc_pass *b)
{
    return a->blob == b->blob && locs_eq(a->locs, a->nlocs, b->locs, b->nlocs) &&
           intrs_eq(a->intrs, a->nintrs, b->intrs, b->nintrs);
}
static bool reserve_eq(const struct qc_reserve *a, const struct qc_reserve *b)
{
    return locs_eq(a->locs, a->nlocs, b->locs, b->nlocs) &&
           intrs_eq(a->intrs, a->nintrs, b->intrs, b->nintrs);
}
static bool logger_eq(const struct qc_logger *a, const struct qc_logger *b)
{
    return a->filters == b->filters && a->dest == b->dest;
}
static bool unsup_eq(const struct qc_unsupported *a, const struct qc_unsupported *b)
{
    return a->type == b->type && a->action == b->action;
}

bool qc_config_equal(const struct qc_config *a, const struct qc_config *b)
{
#define STR_EQ(ID, member) &&str_opt_eq(&a->member, &b->member)
    return a->arch == b->arch QC_STR_OPTS(STR_EQ) && a->tolerance.set == b->tolerance.set &&
           a->tolerance.value == b->tolerance.value && ARRAY_EQ(a, b, regions, region_eq) &&
           ARRAY_EQ(a, b, loads, load_eq) && ARRAY_EQ(a, b, cpus, cpu_eq) &&
           ARRAY_EQ(a, b, vdevs, vdev_eq) && ARRAY_EQ(a, b, passes, pass_eq) &&
           ARRAY_EQ(a, b, reserves, reserve_eq) && ARRAY_EQ(a, b, loggers, logger_eq) &&
           setvars_eq(a, b) && ARRAY_EQ(a, b, unsupported, unsup_eq);
#undef STR_EQ
}
