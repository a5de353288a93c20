/* Check names of the language and of qvm-xl together (checks.h). */
#include <string.h>

#include "check.h"
#include "checks.h"
#include "suggest.h"

static const struct {
    const char *name;
    enum qc_severity sev;
    const char *help;
} tool_checks[] = {
#define QX_CHECK_ROW(name, sev, help) {name, QC_SEV_##sev, help},
    QX_TOOL_CHECKS(QX_CHECK_ROW)
#undef QX_CHECK_ROW
};
#define NTOOL (sizeof(tool_checks) / sizeof(tool_checks[0]))

bool qx_check_known(const char *name)
{
    if (qc_check_find(name))
        return true;
    for (size_t i = 0; i < NTOOL; i++)
        if (!strcmp(tool_checks[i].name, name))
            return true;
    return false;
}

const char *qx_check_suggest(const char *name)
{
    struct qc_suggest s;

    qc_suggest_init(&s, name, strlen(name));
    for (const struct qc_check *c = qc_check_table; c->name; c++)
        qc_suggest_add(&s, c->name);
    for (size_t i = 0; i < NTOOL; i++)
        qc_suggest_add(&s, tool_checks[i].name);
    return qc_suggest_result(&s);
}

void qx_checks_print(FILE *out)
{
    static const char *const sev[] = {"note", "warning", "error"};

    for (const struct qc_check *c = qc_check_table; c->name; c++)
        fprintf(out, "%-25s %-8s %s%s\n", c->name, sev[c->sev], c->help, c->fn ? "" : " (parser)");
    for (size_t i = 0; i < NTOOL; i++)
        fprintf(out, "%-25s %-8s %s (translation)\n", tool_checks[i].name, sev[tool_checks[i].sev],
                tool_checks[i].help);
}
