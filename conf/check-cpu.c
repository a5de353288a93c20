/* Checks of vCPUs and variables: pinning (QNX's caution about two vCPUs on
 * one pCPU), runmask bounds against the host, unknown set variables. */
#include "check.h"

static bool single(uint64_t m)
{
    return m && !(m & (m - 1));
}

void qc_check_vcpu_shared_pcpu(struct qc_check_ctx *c)
{
    const struct qc_config *cfg = c->cfg;
    for (size_t i = 0; i < cfg->ncpus; i++)
        for (size_t k = 0; k < i; k++) {
            const struct qc_cpu *a = &cfg->cpus[i], *b = &cfg->cpus[k];
            if (!a->has_runmask || !single(a->runmask) || a->runmask != b->runmask ||
                !b->has_runmask)
                continue;
            bool differ = a->sched.set != b->sched.set || a->sched.prio != b->sched.prio;
            int idx = qc_report(
                c, a->runmask_loc,
                differ ? "vCPU %zu and vCPU %zu are pinned to one physical CPU with different "
                         "priorities: the lower-priority vCPU may never run"
                       : "vCPU %zu and vCPU %zu are pinned to the same single physical CPU: "
                         "expect timeouts and delays in the guest",
                i, k);
            if (idx >= 0)
                qc_diag_note(c->d, idx, b->runmask_loc, "vCPU %zu's runmask is here", k);
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
