/* SPDX-License-Identifier: LGPL-2.1-only */
/* The text of xlate's error codes (xlate/xlate.h XLATE_ERRORS). */
#include <stddef.h>

#include "xlate/xlate.h"

static const char *const error_text[] = {
#define XLATE_ERR_TEXT(e, v, text) [-(v)] = text,
    XLATE_ERRORS(XLATE_ERR_TEXT)
#undef XLATE_ERR_TEXT
};

const char *xlate_strerror(int rc)
{
    if (rc == 0)
        return "success";
    if (rc < 0 && (size_t)-rc < sizeof(error_text) / sizeof(error_text[0]) && error_text[-rc])
        return error_text[-rc];
    return "unknown error";
}
