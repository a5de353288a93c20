/* SPDX-License-Identifier: LGPL-2.1-only */
/* Test domain configurations for the emitters, shared by test-emit and emit-dump. */
#ifndef TESTS_XLATE_EMIT_CASES_H
#define TESTS_XLATE_EMIT_CASES_H

#include <stddef.h>
#include <libxl.h>

struct emit_case {
    const char *name;
    /* Fills a config fresh from libxl_domain_config_init(); returns 0 or an XLATE_ERR_*. */
    int (*build)(libxl_domain_config *d);
};

extern const struct emit_case emit_cases[];
extern const size_t emit_cases_count;

const struct emit_case *emit_case_find(const char *name);

#endif
