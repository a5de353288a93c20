/* SPDX-License-Identifier: LGPL-2.1-only */
/* Internal interface between xlate/reverse.c (driver, residual) and xlate/reverse-rules.c (rules).
 */
#ifndef XLATE_REVERSE_INTERNAL_H
#define XLATE_REVERSE_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <libxl.h>

#include "conf/build.h"
#include "xlate/reverse.h"

/*
 * State of one reverse translation. As in xlcfg/write.c, `rest` is a shallow
 * copy of the input; every field a rule turns into the qvm model (or reports
 * as lossy) is reset in it to libxl's default, and what libxl's JSON generator
 * still prints for `rest` at the end is reported field by field, so nothing
 * is dropped silently. `rest` only borrows pointers: it is never disposed.
 */
struct rev {
    const libxl_domain_config *d;
    libxl_domain_config rest, blank;
    struct qc_build b; /* the qvm model being built (written by conf's writer) */
    struct xlate_reverse *r;
    struct qc_diags *diags;
    const char *name;
    const struct xlcfg_keymap *where; /* the keys' places, or NULL */
    bool arm, hvm;
    int nomem;
};

#define CONSUME(st, field) ((st)->rest.field = (st)->blank.field)

/* Refuses a value qvmconf cannot carry with its meaning (r->refused, an error diagnostic). */
void rev_refuse(struct rev *st, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether @s can be a qvmconf word (no control character but tab, CR and
 * newline, which qvm reads inside quotes); refuses it as @what of @key if not. */
bool rev_word_ok(struct rev *st, const char *key, const char *what, const char *s);
/* Adds a lossy entry and a warning diagnostic. */
void rev_lossy(struct rev *st, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports, as "KEY[IDX].field", what libxl's JSON @json (freed) of one device
 * element still shows once the consumed fields were reset. */
void rev_residual(struct rev *st, const char *key, int idx, char *json);
/* Runs the rows of reverse.def in order (reverse-rules.c). */
void rev_run_rules(struct rev *st);

#endif
