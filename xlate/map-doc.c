/* SPDX-License-Identifier: LGPL-2.1-only */
/* docs/mapping.md generated from mapping.def, so the page and the code cannot disagree. */
#include <stdio.h>

#include "xlate/map-internal.h"

/* Table cells: '|' would end the cell. */
static void cell(FILE *out, const char *s)
{
    fputs(" ", out);
    for (; *s; s++)
        fputs(*s == '|' ? "\\|" : (char[2]){*s, 0}, out);
    fputs(" |", out);
}

void xlate_mapping_print_md(FILE *out)
{
    fputs("# qvm -> Xen 4.17 mapping\n\n"
          "Generated from xlate/mapping.def by `tests/xlate/xlate-dump --mapping-md`; do not\n"
          "edit by hand (`make check` compares this page with the table). Each report line of\n"
          "`qvm-xl` names its rule in brackets. Fidelity is the usual outcome: exact, approximate\n"
          "(the report says what differs), backend (qvm-xl-backend in dom0), unsupported,\n"
          "ignored, or error (a diagnostic with the check name given in the note).\n\n"
          "| Rule | qvm item | Xen (xl.cfg; libxl) | Fidelity | Notes |\n"
          "|---|---|---|---|---|\n",
          out);
    for (int i = 0; i < XLATE_RULE_COUNT; i++) {
        const struct xlate_rule_desc *r = &xlate_rules[i];

        fputs("|", out);
        cell(out, r->name);
        cell(out, r->qvm);
        cell(out, r->xen);
        cell(out, r->fidelity);
        cell(out, r->note);
        fputs("\n", out);
    }
}
