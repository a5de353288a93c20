/* Reading a qvm configuration as the commands do (FILE, words, environment,
 * host description) and translating it for a target. */
#ifndef QX_LOAD_H
#define QX_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include "asinfo.h"
#include "plan.h"
#include "qvmconf.h"

struct qx_load_opts {
    const char *asinfo; /* host description file; NULL: QX_ASINFO_DEFAULT if it exists */
    enum qc_arch arch;  /* QC_ARCH_ANY: inferred */
    const char *const *disabled, *const *promoted; /* -W/-E check names, or NULL */
};

struct qx_load {
    struct qc_sources src;
    struct qc_words words;
    struct qc_diags d;
    struct qc_config cfg;
    struct qx_asinfo asinfo;
    struct xlate_plan plan;
};

void qx_load_init(struct qx_load *l);
void qx_load_dispose(struct qx_load *l);

/* Reads FILE (as qvm reads "@FILE") and the words after it, parses and
 * validates. Diagnostics stay in l->d (the caller prints them). Returns 0,
 * or -1 on a configuration error (a bad host description file included;
 * its message goes to @err). */
int qx_load_read(struct qx_load *l, const char *file, int nwords, char *const *words,
                 const struct qx_load_opts *o, FILE *err);

/* Translates l->cfg for @t into l->plan; errors go to l->d. Returns 0 or -1. */
int qx_load_translate(struct qx_load *l, const struct xlate_target *t);

/* "ARCH[,CAPS]" (e.g. "x86_64,-ioreq") over Xen 4.17's defaults for ARCH.
 * Returns 0, or -1 with a message on @err. */
int qx_target_parse(struct xlate_target *t, const char *spec, FILE *err);

/* The default offline target: the configuration's arch, else this build's. */
void qx_target_for(struct xlate_target *t, const struct qc_config *cfg);

#endif
