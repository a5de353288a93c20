/* SPDX-License-Identifier: LGPL-2.1-only */
/* vCPUs: count, pinning (runmask), scheduling priority and cpupool (partition/cluster). */
#include <stdio.h>
#include <string.h>

#include "xlate/map-internal.h"

/* Bits per affinity map: qvm's runmask is 64 bits, and xl sizes maps by the host's max CPUs. */
#define AFFINITY_BITS 64

/*
 * weight = 256 * 2^((prio-10)/4): QNX's default vCPU priority 10 gets Xen's default
 * weight 256 and every 4 priority levels double the CPU share, so higher priorities
 * keep more CPU under contention without starving lower ones (Xen has no strict
 * priorities). Fixed point, 2^(k/4) for k = 0..3 in thousandths.
 */
uint32_t xlate_sched_weight(uint32_t prio)
{
    static const uint64_t frac[4] = {1000, 1189, 1414, 1682};
    int64_t d = (int64_t)prio - 10;
    int64_t q = d >= 0 ? d / 4 : -((-d + 3) / 4); /* floor(d/4) */
    uint64_t w = 256 * frac[d - q * 4];

    if (q >= 20)
        return 65535;
    if (q >= 0)
        w <<= q;
    else
        w = q <= -40 ? 0 : w >> -q;
    w = (w + 500) / 1000;
    if (w < 1)
        w = 1;
    return w > 65535 ? 65535 : (uint32_t)w;
}

static void map_runmask(struct xlate_ctx *x, size_t i, const struct qc_cpu *c, const char *comp)
{
    int pcpus[64], n = 0;
    bool bad = false;

    for (int b = 0; b < 64; b++) {
        if (!(c->runmask >> b & 1))
            continue;
        if (x->t->nr_pcpus && (unsigned)b >= x->t->nr_pcpus) {
            qc_diag(x->d, QC_CK_XLATE_CPU_PCPU, c->runmask_loc,
                    "runmask names pCPU %d; the target has %u", b, x->t->nr_pcpus);
            bad = true;
        }
        pcpus[n++] = b;
    }
    if (bad) {
        xlate_note(x, c->runmask_loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_CPU_RUNMASK,
                   "pCPU beyond the target's %u", x->t->nr_pcpus);
        return;
    }
    xlate_check(x, xlate_set_vcpu_affinity(&x->dc->b_info, true, (int)i, pcpus, n, AFFINITY_BITS));
    libxl_defbool_set(&x->dc->b_info.numa_placement, false);
    xlate_note(x, c->runmask_loc, comp, XLATE_EXACT, XLATE_RULE_CPU_RUNMASK, "hard affinity 0x%llx",
               (unsigned long long)c->runmask);
}

/* QNX 8.0's predefined cluster "_cpu-N" holds physical CPU N alone: the vCPU's hard
 * affinity, exactly as a runmask of that one CPU. */
static void map_cluster_pcpu(struct xlate_ctx *x, size_t i, const struct qc_cpu *c,
                             const char *comp)
{
    int p = qc_cpu_single_pcpu(c);

    if (x->t->nr_pcpus && (unsigned)p >= x->t->nr_pcpus) {
        qc_diag(x->d, QC_CK_XLATE_CPU_PCPU, c->cluster_loc,
                "cluster %s is pCPU %d; the target has %u", c->cluster, p, x->t->nr_pcpus);
        xlate_note(x, c->cluster_loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_CPU_RUNMASK,
                   "pCPU beyond the target's %u", x->t->nr_pcpus);
        return;
    }
    xlate_check(x, xlate_set_vcpu_affinity(&x->dc->b_info, true, (int)i, &p, 1, AFFINITY_BITS));
    libxl_defbool_set(&x->dc->b_info.numa_placement, false);
    xlate_note(x, c->cluster_loc, comp, XLATE_EXACT, XLATE_RULE_CPU_RUNMASK,
               "cluster %s: hard affinity to pCPU %d", c->cluster, p);
}

/* Two vCPUs pinned to the same single pCPU share it (QNX's documentation warns): one
 * warning per vCPU, against the first vCPU on that pCPU. */
static void check_shared(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;
    size_t first[64];
    bool seen[64] = {false};

    for (size_t i = 0; i < cfg->ncpus; i++) {
        const struct qc_cpu *a = &cfg->cpus[i];
        int p = qc_cpu_single_pcpu(a);
        struct qc_loc loc = a->has_runmask ? a->runmask_loc : a->cluster_loc;
        char comp[32];

        if (p < 0)
            continue;
        if (!seen[p]) {
            seen[p] = true, first[p] = i;
            continue;
        }
        qc_diag(x->d, QC_CK_XLATE_CPU_SHARED_PCPU, loc,
                "vCPUs %zu and %zu are both pinned to pCPU %d only", first[p], i, p);
        snprintf(comp, sizeof(comp), "cpu %zu", i);
        xlate_note(x, loc, comp, XLATE_APPROXIMATE, XLATE_RULE_CPU_SHARED,
                   "shares pCPU %d with vCPU %zu", p, first[p]);
    }
}

static void map_sched(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;
    const struct qc_cpu *top = NULL;
    bool differ = false;

    for (size_t i = 0; i < cfg->ncpus; i++) {
        const struct qc_sched *s = &cfg->cpus[i].sched;

        if (!s->set)
            continue;
        if (top && top->sched.prio != s->prio)
            differ = true;
        if (!top || s->prio > top->sched.prio)
            top = &cfg->cpus[i];
    }
    for (size_t i = 0; i < cfg->ncpus; i++) {
        const struct qc_sched *s = &cfg->cpus[i].sched;
        char comp[32];

        if (!s->set)
            continue;
        snprintf(comp, sizeof(comp), "cpu %zu", i);
        if (s->policy == QC_SCHED_SPORADIC)
            xlate_note(x, s->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_CPU_SPORADIC,
                       "sporadic %u,%u budget %llu period %llu: only priority %u kept "
                       "(RTDS needs a cpupool)",
                       s->prio, s->low_prio, (unsigned long long)s->init_budget,
                       (unsigned long long)s->repl_period, s->prio);
        else
            xlate_note(x, s->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_CPU_SCHED,
                       "priority %u%s -> weight %u%s", s->prio,
                       s->policy_explicit ? (s->policy == QC_SCHED_FIFO ? " FIFO" : " RR") : "",
                       xlate_sched_weight(s->prio),
                       differ ? "; the domain gets the highest vCPU's weight" : "");
    }
    if (top)
        x->dc->b_info.sched_params.weight = (int)xlate_sched_weight(top->sched.prio);
}

static void map_pool(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;
    const char *pool = NULL;

    for (size_t i = 0; i < cfg->ncpus; i++) {
        const struct qc_cpu *c = &cfg->cpus[i];
        const char *name = c->cluster ? c->cluster : c->partition;
        struct qc_loc loc = c->cluster ? c->cluster_loc : c->partition_loc;
        char comp[32];

        if (!name || (c->cluster && !c->has_runmask && qc_cpu_single_pcpu(c) >= 0))
            continue; /* "_cpu-N" is pinning (map_cluster_pcpu), not a pool */
        snprintf(comp, sizeof(comp), "cpu %zu", i);
        if (!pool) {
            pool = name;
            xlate_check(x, xlate_set_string(&x->dc->c_info.pool_name, name));
            xlate_note(x, loc, comp, XLATE_APPROXIMATE, XLATE_RULE_CPU_POOL,
                       "pool=\"%s\" (the cpupool must exist)", name);
        } else if (strcmp(pool, name)) {
            qc_diag(x->d, QC_CK_XLATE_CPU_POOL, loc,
                    "'%s' differs from '%s': a Xen domain runs in one cpupool", name, pool);
            xlate_note(x, loc, comp, XLATE_APPROXIMATE, XLATE_RULE_CPU_POOL,
                       "'%s' ignored: the domain is in pool \"%s\"", name, pool);
        } else {
            xlate_note(x, loc, comp, XLATE_APPROXIMATE, XLATE_RULE_CPU_POOL, "pool \"%s\"", name);
        }
    }
}

void xlate_map_cpu(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;
    int n = cfg->ncpus ? (int)cfg->ncpus : 1;

    xlate_check(x, xlate_set_vcpus(&x->dc->b_info, n, n));
    if (!cfg->ncpus)
        xlate_note(x, (struct qc_loc){0}, "cpu", XLATE_EXACT, XLATE_RULE_CPU,
                   "no cpu: one vCPU, as qvm");
    for (size_t i = 0; i < cfg->ncpus; i++) {
        const struct qc_cpu *c = &cfg->cpus[i];
        char comp[32];

        snprintf(comp, sizeof(comp), "cpu %zu", i);
        xlate_note(x, c->loc, comp, XLATE_EXACT, XLATE_RULE_CPU, "vCPU %zu", i);
        if (c->has_runmask)
            map_runmask(x, i, c, comp);
        else if (qc_cpu_single_pcpu(c) >= 0)
            map_cluster_pcpu(x, i, c, comp);
    }
    check_shared(x);
    map_sched(x);
    map_pool(x);
}
