/* SPDX-License-Identifier: LGPL-2.1-only */
/* The validator's named checks (dtc checks.c style). Their rows, with the
 * parser's, the reader's, the translation's and the toolstack's, are in the
 * one registry conf/checks.def: name, default severity, prerequisites. */
#ifndef QVMCONF_CHECK_H
#define QVMCONF_CHECK_H

#include "conf/qvmconf.h"

struct qc_check_ctx {
    const struct qc_config *cfg;
    const struct qc_validate_opts *opts;
    struct qc_diags *d;
    enum qc_check_id id; /* the running check */
};

#define QC_VALIDATOR(id, name, sev, pre, fn, help) void qc_check_##fn(struct qc_check_ctx *c);
#include "conf/checks.def"

/* Reports under the running check, with its registry severity or @sev. */
int qc_report(struct qc_check_ctx *c, struct qc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int qc_report_sev(struct qc_check_ctx *c, enum qc_severity sev, struct qc_loc loc, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

/* Effective [start, end) of every RAM/ROM region, in input order ("after
 * previous" resolved). `out` has cfg->nregions slots. */
void qc_region_ranges(const struct qc_config *cfg, uint64_t (*out)[2]);
/* The name a PIC vdev is referenced by: its name, else its type name. */
const char *qc_vdev_ref_name(const struct qc_vdev *v);

#endif
