/* The option loop and DOMAIN look-up the commands share (cmd-util.h). */
#include <getopt.h>

#include "cmd-util.h"
#include "qvm-xl.h"
#include "steps.h"

static int usage(struct qx_getopt *g, FILE *out, int rc)
{
    qx_cmd_usage(out, qx_cmd_lookup(g->cmd));
    g->rc = rc;
    return QX_OPT_EXIT;
}

int qx_getopt(struct qx_getopt *g, int argc, char **argv)
{
    int opt, nargs;

    if (!g->started) {
        optind = 1;
        g->started = 1;
    }
    for (;;) {
        opt = getopt_long(argc, argv, g->optstring, g->longopts, NULL);
        switch (opt) {
        case 'q':
            g->verbosity--;
            continue;
        case 'v':
            g->verbosity++;
            continue;
        case 'h':
            return usage(g, stdout, QX_EXIT_OK);
        case '?':
        case ':':
            return usage(g, stderr, QX_EXIT_USAGE);
        case -1:
            nargs = argc - optind;
            if (nargs < g->min_args || (g->max_args >= 0 && nargs > g->max_args))
                return usage(g, stderr, QX_EXIT_USAGE);
            return -1;
        default:
            return opt;
        }
    }
}

int qx_getopt_none(struct qx_getopt *g, int argc, char **argv)
{
    int opt = qx_getopt(g, argc, argv);

    if (opt == -1)
        return QX_PROCEED;
    if (opt != QX_OPT_EXIT) /* a letter the command declared but no one handles */
        usage(g, stderr, QX_EXIT_USAGE);
    return g->rc;
}

int qx_cmd_domain(struct qx_getopt *g, int argc, char **argv, struct qx_ctx *c, uint32_t *domid_r)
{
    int rc;

    g->min_args = g->max_args = 1;
    rc = qx_getopt_none(g, argc, argv);
    if (rc != QX_PROCEED)
        return rc;
    if (qx_ctx_open(c, g->verbosity) || qx_domain_lookup(c, argv[optind], domid_r))
        return QX_EXIT_FAIL;
    return QX_PROCEED;
}
