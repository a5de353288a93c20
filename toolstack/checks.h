/* SPDX-License-Identifier: LGPL-2.1-only */
/* -W/-E, --list-checks and "did you mean" over the one check registry
 * (conf/checks.def): the language's checks, the translation's and the
 * toolstack's. */
#ifndef QX_CHECKS_H
#define QX_CHECKS_H

#include <stdbool.h>
#include <stdio.h>

/* Whether @name is a check of the registry. */
bool qx_check_known(const char *name);
/* "did you mean" over every check name, or NULL. */
const char *qx_check_suggest(const char *name);
/* One line per check: name, severity, help, then "(parser)" after the
 * parser's and the reader's, "(translation)" after the translation's,
 * "(xl.cfg)" after the xl.cfg reader's and "(toolstack)" after the toolstack's. */
void qx_checks_print(FILE *out);

#endif
