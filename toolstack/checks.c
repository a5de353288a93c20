/* SPDX-License-Identifier: LGPL-2.1-only */
/* Check names for the command line, from the registry (checks.h). */
#include <string.h>

#include "toolstack/checks.h"
#include "conf/diag.h"
#include "conf/suggest.h"

bool qx_check_known(const char *name)
{
    return qc_check_find(name) != NULL;
}

const char *qx_check_suggest(const char *name)
{
    struct qc_suggest s;

    qc_suggest_init(&s, name, strlen(name));
    for (size_t i = 0; i < QC_CK_COUNT; i++)
        qc_suggest_add(&s, qc_checks[i].name);
    return qc_suggest_result(&s);
}

/* What --list-checks says after the help of the checks of kind @k (a switch:
 * -Wswitch names a kind added without its note). */
static const char *kind_note(enum qc_check_kind k)
{
    switch (k) {
    case QC_KIND_VALIDATOR:
        return "";
    case QC_KIND_PARSER:
    case QC_KIND_READER:
        return " (parser)";
    case QC_KIND_XLATE:
        return " (translation)";
    case QC_KIND_XLCFG:
        return " (xl.cfg)";
    case QC_KIND_TOOL:
        return " (toolstack)";
    }
    return "";
}

void qx_checks_print(FILE *out)
{
    static const char *const sev[] = {"note", "warning", "error"};

    for (size_t i = 0; i < QC_CK_COUNT; i++) {
        const struct qc_check *c = &qc_checks[i];

        fprintf(out, "%-25s %-8s %s%s\n", c->name, sev[c->sev], c->help, kind_note(c->kind));
    }
}
