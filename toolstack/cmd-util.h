/* What the commands share: the option loop (as xl's SWITCH_FOREACH_OPT) and DOMAIN look-up. */
#ifndef QX_CMD_UTIL_H
#define QX_CMD_UTIL_H

#include <getopt.h>
#include <stdint.h>

#include "ctx.h"

/* A command's options, declared by the command (designated initialisers). */
struct qx_getopt {
    const char *cmd;       /* row in commands.def, for its usage text */
    const char *optstring; /* getopt's; '+' first (words after FILE stay words), 'h' in it */
    const struct option *longopts; /* NULL for none */
    int min_args, max_args;        /* operands after the options; max_args < 0: no limit */
    int verbosity;                 /* -q lowers, each -v raises, when optstring has them */
    int rc;                        /* the exit status once qx_getopt returned QX_OPT_EXIT */
    int started;                   /* private: optind was reset */
};

/* qx_getopt's answer when the command is over; the status is in g->rc. */
#define QX_OPT_EXIT (-2)
/* qx_cmd_domain's answer when the domain is open. */
#define QX_PROCEED (-1)

/*
 * The next option for the command's switch; -1 after the last one, with
 * optind at the first operand. Handles itself, and then returns QX_OPT_EXIT:
 * -h/--help (usage on stdout, status 0), an unknown option or missing
 * argument, too few or too many operands (usage on stderr, 64). -q and -v
 * only count in g->verbosity.
 */
int qx_getopt(struct qx_getopt *g, int argc, char **argv);

/* For the commands whose only options are -h, -q, -v: -1 to go on, else the exit status. */
int qx_getopt_none(struct qx_getopt *g, int argc, char **argv);

/*
 * Options as qx_getopt_none, one DOMAIN (a name or an id), libxl opened at
 * g->verbosity. QX_PROCEED with @c open and *domid_r set, else the exit
 * status (0 or 64 from the options; 1 with a message when libxl or the
 * domain is not there). The caller closes @c either way.
 */
int qx_cmd_domain(struct qx_getopt *g, int argc, char **argv, struct qx_ctx *c, uint32_t *domid_r);

#endif
