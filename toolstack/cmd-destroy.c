/* `qvm-xl destroy DOMAIN`: destroy a domain and stop its backend. */
#include <getopt.h>

#include "backend.h"
#include "ctx.h"
#include "monitor.h"
#include "qvm-xl.h"
#include "steps.h"

int cmd_destroy(int argc, char **argv)
{
    const struct qx_cmd *self = qx_cmd_lookup("destroy");
    struct qx_ctx c = {0};
    uint32_t domid;
    int opt, verbosity = 0, rc;

    optind = 1;
    while ((opt = getopt(argc, argv, "+qvh")) != -1) {
        switch (opt) {
        case 'q':
            verbosity--;
            break;
        case 'v':
            verbosity++;
            break;
        case 'h':
            qx_cmd_usage(stdout, self);
            return QX_EXIT_OK;
        default:
            qx_cmd_usage(stderr, self);
            return QX_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        qx_cmd_usage(stderr, self);
        return QX_EXIT_USAGE;
    }
    rc = QX_EXIT_FAIL;
    if (qx_ctx_open(&c, verbosity) || qx_domain_lookup(&c, argv[optind], &domid))
        goto out;
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
