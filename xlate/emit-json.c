/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl_domain_config -> libxl JSON, exactly as `xl -N create` prints it. */
#include <stdlib.h>
#include "xlate/xlate.h"

char *xlate_json_string(const libxl_domain_config *d)
{
    /* The generator touches the ctx only to log; it does not modify @d. */
    return libxl_domain_config_to_json(NULL, (libxl_domain_config *)d);
}

int xlate_emit_json(FILE *out, const libxl_domain_config *d)
{
    char *json = xlate_json_string(d);
    int rc = 0;

    if (!json)
        return XLATE_ERR_NOMEM;
    if (fprintf(out, "%s\n", json) < 0)
        rc = XLATE_ERR_IO;
    free(json);
    return rc;
}
