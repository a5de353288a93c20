/* SPDX-License-Identifier: LGPL-2.1-only */
/* emit-dump: print a test configuration (tests/xlate/emit-cases.c) as xl.cfg or libxl JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xlate/xlate.h"
#include "tests/xlate/emit-cases.h"

int main(int argc, char **argv)
{
    const struct emit_case *c;
    libxl_domain_config d;
    char *why = NULL;
    int rc;

    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (size_t i = 0; i < emit_cases_count; i++)
            printf("%s\n", emit_cases[i].name);
        return 0;
    }
    if (argc != 3 || (strcmp(argv[2], "cfg") && strcmp(argv[2], "json"))) {
        fprintf(stderr, "usage: emit-dump --list | emit-dump CASE cfg|json\n");
        return 2;
    }
    c = emit_case_find(argv[1]);
    if (!c) {
        fprintf(stderr, "emit-dump: no case '%s'\n", argv[1]);
        return 2;
    }
    libxl_domain_config_init(&d);
    rc = c->build(&d);
    if (!rc)
        rc = !strcmp(argv[2], "cfg") ? xlate_emit_xlcfg(stdout, &d, &why)
                                     : xlate_emit_json(stdout, &d);
    if (rc)
        fprintf(stderr, "emit-dump: %s: %s%s%s\n", argv[1], xlate_strerror(rc), why ? ": " : "",
                why ? why : "");
    free(why);
    libxl_domain_config_dispose(&d);
    return rc ? 1 : 0;
}
