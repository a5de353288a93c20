/* SPDX-License-Identifier: LGPL-2.1-only */
/* Xen guests back to qvmconf: `qvm-xl export` and `convert --to=qvmconf FILE.cfg` (cmd-export.c).
 */
#ifndef QX_EXPORT_H
#define QX_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "xlate/target.h"

/* Whether FILE is an xl.cfg rather than a qvmconf: its name ends in ".cfg". */
bool qx_is_xlcfg(const char *path);

/*
 * `convert --to=qvmconf FILE.cfg`: reads FILE as xl.cfg and prints the qvm
 * configuration on @out, warnings and errors on @err. @t may be NULL: the
 * architecture is then aarch64 when the file has ARM-only keys, else the
 * host's. Returns the exit status: 0, 65 (not a valid xl.cfg: libxlutil's
 * "FILE:LINE: ..." message, or a bad value located at its key), 1 on failure.
 */
int qx_convert_xlcfg(const char *path, const struct xlate_target *t, FILE *out, FILE *err);

#endif
