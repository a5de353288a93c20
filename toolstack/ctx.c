/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl context and logger for the commands that talk to the hypervisor. */
#include <stdio.h>
#include <stdlib.h>

#include <libxl_utils.h>

#include "toolstack/ctx.h"

xentoollog_level qx_log_level(int v)
{
    if (v < 0)
        return XTL_ERROR;
    if (v == 0)
        return XTL_WARN;
    return v == 1 ? XTL_INFO : XTL_DEBUG;
}

int qx_ctx_open(struct qx_ctx *c, int verbosity)
{
    int rc;

    c->ctx = NULL;
    c->lg = xtl_createlogger_stdiostream(stderr, qx_log_level(verbosity), 0);
    if (!c->lg)
        return -1;
    rc = libxl_ctx_alloc(&c->ctx, LIBXL_VERSION, 0, (xentoollog_logger *)c->lg);
    if (rc) {
        fprintf(stderr, "qvm-xl: cannot open libxl (is this a Xen dom0, and are you root?)\n");
        qx_ctx_close(c);
        return -1;
    }
    return 0;
}

void qx_ctx_close(struct qx_ctx *c)
{
    if (c->ctx)
        libxl_ctx_free(c->ctx);
    c->ctx = NULL;
    if (c->lg)
        xtl_logger_destroy((xentoollog_logger *)c->lg);
    c->lg = NULL;
}

int qx_domain_lookup(struct qx_ctx *c, const char *domain, uint32_t *domid_r)
{
    char *end;
    unsigned long n = strtoul(domain, &end, 10);

    if (*domain && !*end && n < 0x7ff0) {
        *domid_r = (uint32_t)n;
        return 0;
    }
    if (libxl_name_to_domid(c->ctx, domain, domid_r) == 0)
        return 0;
    fprintf(stderr, "qvm-xl: no domain named '%s'\n", domain);
    return -1;
}

/* No notify fd; libxl 4.18+ also takes an escape character, where NULL keeps
 * xenconsole's own (^]). */
void qx_console_exec(struct qx_ctx *c, uint32_t domid)
{
#ifdef LIBXL_HAVE_CONSOLE_ESCAPE_CHARACTER
    libxl_primary_console_exec(c->ctx, domid, -1, NULL);
#else
    libxl_primary_console_exec(c->ctx, domid, -1);
#endif
}
