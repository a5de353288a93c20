/* SPDX-License-Identifier: LGPL-2.1-only */
/* Xen guests back to qvmconf: `qvm-xl export`, `convert --to=qvmconf FILE.cfg` and
 * `check FILE.cfg` (cmd-export.c). */
#ifndef QX_EXPORT_H
#define QX_EXPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <libxl.h>

#include "conf/diag.h"
#include "xlate/reverse.h"
#include "xlate/target.h"
#include "xlcfg/xlcfg.h"

/* Whether FILE is an xl.cfg or libvirt XML rather than a qvmconf: its name ends in ".cfg",
 * or it is a regular file whose text starts (after white space) with '<'. */
bool qx_is_xlcfg(const char *path);

/* One xl.cfg, read and converted back to qvmconf, with the diagnostics of both steps in one
 * channel located in the xl.cfg (its keys' places). */
struct qx_xlcfg {
    struct qc_diags d;      /* -W/-E: set d.disabled and d.promoted before qx_xlcfg_load */
    struct xlate_reverse r; /* the qvmconf; r.doc.src also holds the xl.cfg: print d with it */
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    struct xlcfg_keymap keys;
    enum xlate_arch arch; /* the architecture it was read for */
    bool converted;       /* r holds the qvmconf */
    const char *why;      /* after the diagnostics: why it failed once read (xlate_strerror) */
};
void qx_xlcfg_init(struct qx_xlcfg *x);
void qx_xlcfg_dispose(struct qx_xlcfg *x);

/*
 * Reads the xl.cfg at @path for @t's architecture (@t NULL: aarch64 when the file has ARM-only
 * keys, else this machine's) and, when @back, converts it back to qvmconf. Returns 0,
 * QX_EXIT_CONFIG (not a valid xl.cfg: the diagnostics say why), or QX_EXIT_FAIL: the file
 * cannot be read (said on @err; x->why NULL), or the reading or the way back failed
 * (x->why says why, to print after the diagnostics).
 */
int qx_xlcfg_load(struct qx_xlcfg *x, const char *path, const struct xlate_target *t, bool back,
                  FILE *err);

/*
 * `convert --to=qvmconf FILE.cfg`: reads FILE as xl.cfg and prints the qvm
 * configuration on @out, warnings and errors on @err (with the xl.cfg's lines
 * and carets). @t may be NULL: the architecture is then aarch64 when the file
 * has ARM-only keys, else the host's. Returns the exit status: 0, 65 (not a
 * valid xl.cfg: a syntax error or a bad value located at its key), 1 on failure.
 */
int qx_convert_xlcfg(const char *path, const struct xlate_target *t, FILE *out, FILE *err);

#endif
