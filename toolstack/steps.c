/* SPDX-License-Identifier: LGPL-2.1-only */
/* The create step table and the QVMXL_FAIL_AT failure-injection hook. */
#include <stdlib.h>
#include <string.h>

#include "toolstack/qvm-xl.h"
#include "toolstack/steps.h"

static const struct {
    const char *name;
    int exit;
} steps[QX_STEP_COUNT] = {
#define QX_STEP_ROW(e, name, code, text) [QX_STEP_##e] = {name, code},
    QX_CREATE_STEPS(QX_STEP_ROW)
#undef QX_STEP_ROW
};

const char *qx_step_name(enum qx_step s)
{
    return (unsigned)s < QX_STEP_COUNT ? steps[s].name : "?";
}

int qx_step_exit(enum qx_step s)
{
    return (unsigned)s < QX_STEP_COUNT ? steps[s].exit : QX_EXIT_FAIL;
}

int qx_step_find(const char *name)
{
    for (int i = 0; i < QX_STEP_COUNT; i++)
        if (strcmp(steps[i].name, name) == 0)
            return i;
    return -1;
}

int qx_fail_at_parse(const char *value)
{
    if (!value || !*value)
        return -1;
    int s = qx_step_find(value);
    return s < 0 ? -2 : s;
}

bool qx_fail_injected(enum qx_step s, FILE *err)
{
    if (qx_fail_at_parse(getenv("QVMXL_FAIL_AT")) != (int)s)
        return false;
    fprintf(err, "qvm-xl: injected failure at step %s (QVMXL_FAIL_AT)\n", qx_step_name(s));
    return true;
}

void qx_print_exit_codes(FILE *out)
{
    fprintf(out, "  %3d  success\n  %3d  usage error\n  %3d  configuration error (as qvm)\n",
            QX_EXIT_OK, QX_EXIT_USAGE, QX_EXIT_CONFIG);
#define QX_EXIT_LINE(e, code, text) fprintf(out, "  %3d  %s\n", code, text);
    QX_EXIT_CLASSES(QX_EXIT_LINE)
#undef QX_EXIT_LINE
}
