/* SPDX-License-Identifier: LGPL-2.1-only */
/* Checks of vCPUs and variables: pinning (QNX's caution about two vCPUs on
 * one pCPU), runmask bounds against the host, unknown set variables. */
#include "conf/check.h"

/* Where a vCPU's pinning is written: its runmask, or its cluster. */
static struct qc_loc pin_loc(const struct qc_cpu *c)
{
    return c->has_runmask ? c->runmask_loc : c->cluster_loc;
}

/* One warning per physical CPU that two or more vCPUs are pinned to alone,
 * at the second of them, naming the group (a few, then a count): linear in
 * the number of vCPUs, however many share. */
#define SHOWN 4
void qc_check_vcpu_shared_pcpu(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    struct {
        size_t first, second, n;
        bool differ;
    } g[64] = {{0}};
    for (size_t i = 0; i < cfg->ncpus; i++) {
        const struct qc_cpu *a = &cfg->cpus[i];
        int pin = qc_cpu_single_pcpu(a);
        if (pin < 0)
            continue;
        unsigned p = (unsigned)pin;
        if (g[p].n == 1)
            g[p].second = i;
        else if (!g[p].n)
            g[p].first = i;
        else if (g[p].n > 1 && (a->sched.set != cfg->cpus[g[p].first].sched.set ||
                                a->sched.prio != cfg->cpus[g[p].first].sched.prio))
            g[p].differ = true;
        if (g[p].n == 1) {
            const struct qc_cpu *b = &cfg->cpus[g[p].first];
            g[p].differ = a->sched.set != b->sched.set || a->sched.prio != b->sched.prio;
        }
        g[p].n++;
    }
    for (unsigned p = 0; p < 64; p++) {
        if (g[p].n < 2)
            continue;
        char who[96];
        size_t shown[SHOWN], ns = 0, used = 0;
        for (size_t i = g[p].first; i < cfg->ncpus && ns < SHOWN; i++)
            if (qc_cpu_single_pcpu(&cfg->cpus[i]) == (int)p)
                shown[ns++] = i;
        /* "0 and 1", "0, 1 and 2", "0, 1, 2, 3 and 9 more" */
        for (size_t k = 0; k < ns && used < sizeof(who); k++)
            used += (size_t)snprintf(who + used, sizeof(who) - used, "%s%zu",
                                     !k                            ? ""
                                     : k + 1 == ns && g[p].n == ns ? " and "
                                                                   : ", ",
                                     shown[k]);
        if (g[p].n > ns && used < sizeof(who))
            snprintf(who + used, sizeof(who) - used, " and %zu more", g[p].n - ns);
        int idx = qc_report(
            c, pin_loc(&cfg->cpus[g[p].second]),
            g[p].differ ? "vCPUs %s are pinned to physical CPU %u alone, with different "
                          "priorities: a lower-priority vCPU may never run"
                        : "vCPUs %s are pinned to physical CPU %u alone: expect timeouts and "
                          "delays in the guest",
            who, p);
        if (idx >= 0)
            qc_diag_note(c->d, idx, pin_loc(&cfg->cpus[g[p].first]), "vCPU %zu is pinned here",
                         g[p].first);
    }
}

void qc_check_runmask_range(struct qc_check_ctx *c)
{
    unsigned n = c->opts->host_pcpus;
    if (!n || n >= 64)
        return;
    for (size_t i = 0; i < c->cfg->ncpus; i++) {
        const struct qc_cpu *p = &c->cfg->cpus[i];
        if (p->has_runmask && (p->runmask >> n))
            qc_report(c, p->runmask_loc, "runmask names a physical CPU beyond the host's %u", n);
    }
}

void qc_check_set_unknown_var(struct qc_check_ctx *c)
{
    for (size_t i = 0; i < c->cfg->nsetvars; i++)
        if (c->cfg->setvars[i].var < 0)
            qc_report(c, c->cfg->setvars[i].loc,
                      "unknown variable '%s' (kept; a vdev may define it)",
                      c->cfg->setvars[i].name);
}
