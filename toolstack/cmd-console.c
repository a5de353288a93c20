/* `qvm-xl console DOMAIN`: attach to the domain's primary console (xenconsole). */
#include <getopt.h>

#include "ctx.h"
#include "qvm-xl.h"
#include "steps.h"

int cmd_console(int argc, char **argv)
{
    const struct qx_cmd *self = qx_cmd_lookup("console");
    struct qx_ctx c = {0};
    uint32_t domid;
    int opt;

    optind = 1;
    while ((opt = getopt(argc, argv, "+h")) != -1) {
        if (opt == 'h') {
            qx_cmd_usage(stdout, self);
            return QX_EXIT_OK;
        }
        qx_cmd_usage(stderr, self);
        return QX_EXIT_USAGE;
    }
    if (optind != argc - 1) {
        qx_cmd_usage(stderr, self);
        return QX_EXIT_USAGE;
    }
    if (qx_ctx_open(&c, 0) == 0 && qx_domain_lookup(&c, argv[optind], &domid) == 0) {
        libxl_primary_console_exec(c.ctx, domid, -1); /* returns only on failure */
        fprintf(stderr, "qvm-xl: cannot attach to the console of domain %u\n", domid);
    }
    qx_ctx_close(&c);
    return QX_EXIT_FAIL;
}
