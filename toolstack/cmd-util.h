/* SPDX-License-Identifier: LGPL-2.1-only */
/* What the commands share: the option loop (as xl's SWITCH_FOREACH_OPT), the
 * operands (FILE..., WORDs after "--", or DOMAIN) and DOMAIN look-up. */
#ifndef QX_CMD_UTIL_H
#define QX_CMD_UTIL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "toolstack/ctx.h"

/* -v/-q given before the command (`qvm-xl -v create ...`): added to every
 * command's verbosity. main() sets it. */
extern int qx_verbosity;

/* A command's options, declared by the command (designated initialisers). */
struct qx_getopt {
    const char *cmd;       /* row in commands.def, for its usage text */
    const char *optstring; /* the command's own letters for getopt (a leading '+' is optional) */
    const struct option *longopts; /* the command's own; NULL for none */
    /* Every command also takes -h/--help, -q/--quiet and -v/--verbose. */
    const char *const *hidden; /* long names never suggested (aliases); NULL-terminated */
    int min_args, max_args;    /* operands (FILEs or DOMAIN); max_args < 0: no limit */
    /* FILE [-- WORD...]: operands after "--" are qvmconf words. When max_args
     * is 1 the operands after FILE are words too (FILE WORD..., as qvm). */
    bool words;
    const char *operand; /* what an operand is called in messages: "FILE" (default), "DOMAIN" */
    int verbosity;       /* -q lowers, each -v raises, plus qx_verbosity */
    int rc;              /* the exit status once qx_getopt returned QX_OPT_EXIT */
    int started;         /* private: optind was reset */
    /* Set when qx_getopt returned -1: */
    int nargs; /* FILEs or DOMAIN */
    char **args;
    int nwords; /* qvmconf words */
    char **wordv;
};

/* qx_getopt's answer when the command is over; the status is in g->rc. */
#define QX_OPT_EXIT (-2)
/* qx_cmd_domain's answer when the domain is open. */
#define QX_PROCEED (-1)

/*
 * The next option for the command's switch; -1 after the last one, with the
 * operands in g->args and g->wordv. Handles itself, and then returns
 * QX_OPT_EXIT: -h/--help (usage on stdout, status 0); an unknown option
 * (with "did you mean" when one is close), an ambiguous abbreviation, a
 * missing or unwanted argument; too few or too many operands; an option
 * after FILE ("options go before FILE") — each a message and the usage line
 * on stderr, status 64. -q and -v only count in g->verbosity.
 */
int qx_getopt(struct qx_getopt *g, int argc, char **argv);

/* A usage error of command @g: "qvm-xl CMD: MESSAGE", the usage line and a
 * pointer to --help on stderr; sets g->rc to 64 and returns QX_OPT_EXIT. */
int qx_usage_error(struct qx_getopt *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
