/* SPDX-License-Identifier: LGPL-2.1-only */
/* `qvm-xl console DOMAIN`: attach to the domain's primary console (xenconsole). */
#include "toolstack/cmd-util.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/steps.h"

int cmd_console(int argc, char **argv)
{
    struct qx_getopt g = {.cmd = "console", .optstring = "+h"};
    struct qx_ctx c = {0};
    uint32_t domid;
    int rc;

    rc = qx_cmd_domain(&g, argc, argv, &c, &domid);
    if (rc == QX_PROCEED) {
        qx_console_exec(&c, domid);
        fprintf(stderr, "qvm-xl: cannot attach to the console of domain %u\n", domid);
        rc = QX_EXIT_FAIL;
    }
    qx_ctx_close(&c);
    return rc;
}
