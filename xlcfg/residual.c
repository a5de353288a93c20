/* SPDX-License-Identifier: LGPL-2.1-only */
/* The residual check's JSON: what libxl's generator still prints once every field a key
 * expressed was reset to its default. */
#include <stdbool.h>
#include <string.h>

#include "xlcfg/xlcfg.h"

void xlcfg_json_compact(char *json)
{
    char *q = json;
    bool in_str = false;

    for (char *p = json; *p; p++) {
        if (in_str) {
            *q++ = *p;
            if (*p == '\\' && p[1])
                *q++ = *++p;
            else if (*p == '"')
                in_str = false;
        } else if (*p == '"') {
            in_str = true;
            *q++ = *p;
        } else if (!strchr(" \n\t\r", *p)) {
            *q++ = *p;
        }
    }
    *q = '\0';
}

/* libxl's keys never contain quotes, so a key's start is the quote before it. */
char *xlcfg_json_residual(char *json)
{
    char *p;

    if (!json)
        return NULL;
    xlcfg_json_compact(json);
    while ((p = strstr(json, "\":{}"))) {
        char *start = p - 1;
        char *end = p + 4;

        while (start > json && *start != '"')
            start--;
        if (start > json && start[-1] == ',')
            start--;
        else if (*end == ',')
            end++;
        memmove(start, end, strlen(end) + 1);
    }
    return json;
}
