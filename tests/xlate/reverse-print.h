/* SPDX-License-Identifier: LGPL-2.1-only */
/* For the test tools only (reverse-dump, fuzz-xlcfg, test-reverse): the xl.cfg reader
 * and the way back with their diagnostics printed gcc-style to @report (may be NULL),
 * as a command would print them. The libraries themselves never print. */
#ifndef QX_TESTS_REVERSE_PRINT_H
#define QX_TESTS_REVERSE_PRINT_H

#include <stdio.h>

#include "conf/diag.h"
#include "xlate/reverse.h"

static inline int rp_xlcfg_parse(const char *name, const char *data, size_t len,
                                 enum xlate_arch arch, libxl_domain_config *dc,
                                 struct xlcfg_lossy_list *lossy, FILE *report)
{
    struct qc_diags d;
    int rc;

    qc_diags_init(&d);
    rc = xlate_xlcfg_read(name, data, len, arch, dc, lossy, &d, NULL);
    if (report)
        qc_diags_print(report, &d, NULL);
    qc_diags_dispose(&d);
    return rc;
}

static inline int rp_reverse(const libxl_domain_config *dc, const struct xlate_reverse_opts *o,
                             struct xlate_reverse *r, FILE *report)
{
    struct qc_diags d;
    int rc;

    qc_diags_init(&d);
    rc = xlate_reverse_diags(dc, o, r, &d);
    if (report)
        qc_diags_print(report, &d, &r->doc.src);
    qc_diags_dispose(&d);
    return rc;
}

#endif
