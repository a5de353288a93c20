/* SPDX-License-Identifier: LGPL-2.1-only */
/* Global qvm options without a device: dump, logger, set, unsupported, tolerance, safety, dryrun,
 * debug. */
#include <stdio.h>
#include <string.h>

#include "xlate/map-internal.h"

static void map_dump(struct xlate_ctx *x)
{
    const struct qc_str_opt *o = &x->cfg->dump;

    if (!o->set)
        return;
    x->dc->on_crash = LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY;
    xlate_note(x, o->loc, "dump", XLATE_APPROXIMATE, XLATE_RULE_DUMP,
               "on_crash=\"coredump-destroy\"; the core goes to Xen's dump directory, not %s",
               o->value ? o->value : "?");
}

static void map_set(struct xlate_ctx *x, const struct qc_setvar *s)
{
    char comp[80];

    snprintf(comp, sizeof(comp), "set %s", s->name ? s->name : "?");
    if (s->var < 0) {
        qc_diag(x->d, QC_CK_XLATE_SET, s->loc, "unknown variable '%s' is not translated",
                s->name ? s->name : "");
        xlate_note(x, s->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_SET, "unknown variable");
        return;
    }
    xlate_note(x, s->loc, comp, XLATE_IGNORED, XLATE_RULE_SET,
               s->var == QC_SETVAR_FDT_DUMP_FILE ? "qvm-xl check can write the generated DT"
                                                 : "qvm tuning that Xen decides itself");
}

static void map_safety(struct xlate_ctx *x)
{
    const struct qc_str_opt *o = &x->cfg->safety;
    const char *v = o->value ? o->value : "";

    if (!o->set)
        return;
    if (!strcmp(v, "none")) {
        xlate_note(x, o->loc, "safety", XLATE_IGNORED, XLATE_RULE_SAFETY, "safety none");
        return;
    }
    qc_diag_sev(x->d, strcmp(v, "required") ? QC_SEV_WARNING : QC_SEV_ERROR, QC_CK_XLATE_SAFETY,
                o->loc, "safety %s: no Xen component is a QNX safety-certified variant", v);
    xlate_note(x, o->loc, "safety", XLATE_UNSUPPORTED, XLATE_RULE_SAFETY,
               "no safety-certified components");
}

void xlate_map_global(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;

    map_dump(x);
    for (size_t i = 0; i < cfg->nloggers; i++)
        xlate_note(x, cfg->loggers[i].loc, "logger", XLATE_IGNORED, XLATE_RULE_LOGGER,
                   "qvm's own log routing");
    for (size_t i = 0; i < cfg->nsetvars; i++)
        map_set(x, &cfg->setvars[i]);
    for (size_t i = 0; i < cfg->nunsupported; i++)
        xlate_note(x, cfg->unsupported[i].loc, "unsupported", XLATE_APPROXIMATE,
                   XLATE_RULE_UNSUPPORTED, "%s",
                   x->arm ? "Xen injects a data abort for unhandled MMIO"
                          : "Xen's fixed behaviour: unhandled I/O reads all ones");
    if (cfg->tolerance.set)
        xlate_note(x, cfg->tolerance.loc, "tolerance", XLATE_IGNORED, XLATE_RULE_TOLERANCE,
                   "timer slop is Xen's boot parameter timer_slop");
    map_safety(x);
    if (cfg->dryrun.set)
        xlate_note(x, cfg->dryrun.loc, "dryrun", XLATE_IGNORED, XLATE_RULE_DRYRUN,
                   "use qvm-xl create -n");
    if (cfg->debug.set) {
        qc_diag(x->d, QC_CK_XLATE_DEBUG, cfg->debug.loc,
                "debug is not translated: no guest debug stub");
        xlate_note(x, cfg->debug.loc, "debug", XLATE_UNSUPPORTED, XLATE_RULE_DEBUG,
                   "no guest debug stub");
    }
}
