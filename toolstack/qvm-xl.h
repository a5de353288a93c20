/* SPDX-License-Identifier: LGPL-2.1-only */
/* The qvm-xl command table and what commands share (exit codes). */
#ifndef QVM_XL_H
#define QVM_XL_H

#include <stdbool.h>
#include <stdio.h>

/* Exit status classes. 65 is qvm's "fatal configuration error"; usage
 * errors use sysexits' EX_USAGE, next to it. */
enum {
    QX_EXIT_OK = 0,
    QX_EXIT_USAGE = 64,
    QX_EXIT_CONFIG = 65,
};

struct qx_cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    bool can_dryrun;
    const char *desc;
    const char *usage;
    const char *options;
};

#define QX_CMD(NAME, DRYRUN, DESC, USAGE, OPTIONS) int cmd_##NAME(int argc, char **argv);
#include "toolstack/commands.def"

extern const struct qx_cmd qx_cmds[];
/* Exact name, else an unambiguous prefix (as xl does); NULL otherwise. */
const struct qx_cmd *qx_cmd_lookup(const char *name);
/* Prints "Usage: qvm-xl NAME USAGE" and the option help. */
void qx_cmd_usage(FILE *out, const struct qx_cmd *c);

#endif
