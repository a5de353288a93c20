/* SPDX-License-Identifier: LGPL-2.1-only */
/* `qvm-xl destroy DOMAIN`: destroy a domain and stop its backend. */
#include "toolstack/backend.h"
#include "toolstack/cmd-util.h"
#include "toolstack/monitor.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/steps.h"

int cmd_destroy(int argc, char **argv)
{
    struct qx_getopt g = {.cmd = "destroy", .optstring = "+qvh"};
    struct qx_ctx c = {0};
    uint32_t domid;
    int rc;

    rc = qx_cmd_domain(&g, argc, argv, &c, &domid);
    if (rc != QX_PROCEED)
        goto out;
    rc = QX_EXIT_FAIL;
    if (domid == 0) {
        fprintf(stderr, "qvm-xl: refusing to destroy Domain-0\n");
        goto out;
    }
    if (libxl_domain_destroy(c.ctx, domid, NULL)) {
        fprintf(stderr, "qvm-xl: destroying domain %u failed\n", domid);
        goto out;
    }
    rc = qx_backend_stop_domid(domid, stderr) ? QX_EXIT_FAIL : QX_EXIT_OK;
out:
    qx_ctx_close(&c);
    return rc;
}
