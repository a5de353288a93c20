/* SPDX-License-Identifier: LGPL-2.1-only */
/* A libxl context with a xentoollog logger whose level follows -q/-v. */
#ifndef QX_CTX_H
#define QX_CTX_H

#include <libxl.h>

/* Verbosity of the command line: -q lowers, each -v raises. 0 = warnings. */
struct qx_ctx {
    libxl_ctx *ctx;
    xentoollog_logger_stdiostream *lg;
};

/* Level for verbosity @v: <0 errors only, 0 warnings, 1 info, 2+ debug. */
xentoollog_level qx_log_level(int v);

/* Opens libxl, logging to stderr. Returns 0, or -1 with a message on
 * stderr (no hypervisor, not root). qx_ctx_close is idempotent. */
int qx_ctx_open(struct qx_ctx *c, int verbosity);
void qx_ctx_close(struct qx_ctx *c);

/* DOMAIN as a name or a number; returns 0 and sets *domid_r, or -1. */
int qx_domain_lookup(struct qx_ctx *c, const char *domain, uint32_t *domid_r);

/* Replaces this process with xenconsole on the domain's primary console (xl console);
 * returns only on failure. */
void qx_console_exec(struct qx_ctx *c, uint32_t domid);

#endif
