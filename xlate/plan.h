/* SPDX-License-Identifier: LGPL-2.1-only */
/* The translation plan: what qvm-xl will build for one qvm VM on one Xen
 * target — the libxl domain config, the dom0 backends to start, and a
 * report on how faithfully each qvm component maps. Pure data: producing it
 * (xlate_translate) does no I/O and needs no hypervisor. */
#ifndef XLATE_PLAN_H
#define XLATE_PLAN_H

#include <stddef.h>
#include <libxl.h>

#include "conf/qvmconf.h"
#include "xlate/target.h"

/* How a qvm component is realised on Xen. X(enum suffix, name printed). */
#define XLATE_FIDELITIES(X)                                                                        \
    X(EXACT, "exact")             /* Xen provides the same thing */                                \
    X(APPROXIMATE, "approximate") /* close, and the report says what differs */                   \
    X(BACKEND, "backend")         /* emulated by a vdev-backends/ process in dom0 */               \
    X(UNSUPPORTED, "unsupported") /* cannot be provided; the report says why */                   \
    X(IGNORED, "ignored")         /* qvm-only setting with no effect on a Xen guest */

enum xlate_fidelity {
#define XLATE_FID_ENUM(e, name) XLATE_##e,
    XLATE_FIDELITIES(XLATE_FID_ENUM)
#undef XLATE_FID_ENUM
};
const char *xlate_fidelity_name(enum xlate_fidelity f);

/* One line of the report: a qvm item, where it was, and what it became. */
struct xlate_report {
    struct qc_loc loc;    /* the qvm item (points into the caller's qc_sources) */
    char *component;      /* "cpu 1", "ram", "vdev ser8250", "pass", ... */
    enum xlate_fidelity fidelity;
    const char *rule;     /* mapping-table row id (docs/mapping.md), static */
    char *text;           /* what was done, what differs, or why not */
};

/* One dom0 backend device, spelled as qvm-xl-backend's --device argument
 * (docs/backends.md), e.g. "ser8250,io=0x3f8,hostdev=>/var/log/x". All of a
 * domain's backend devices run in one qvm-xl-backend process. */
struct xlate_backend_dev {
    char *spec;
    struct qc_loc loc;    /* the vdev it emulates */
};

struct xlate_plan {
    libxl_domain_config config;   /* built without a libxl context */
    libxl_domain_type type;       /* also config.c_info.type */
    char *type_reason;            /* why PVH/HVM/PV was chosen */
    struct xlate_report *reports;
    size_t nreports;
    struct xlate_backend_dev *backends;
    size_t nbackends;
    /* ARM: the device tree qvm-xl generated or adjusted with libfdt (to be
     * written to a file and named by config.b_info.device_tree), or NULL. */
    void *fdt;
    size_t fdt_size;
};

void xlate_plan_init(struct xlate_plan *p);
void xlate_plan_dispose(struct xlate_plan *p);

/* Translates a validated model for target @t into @plan (initialised by the
 * caller). Every component is accounted for in plan->reports. Whatever
 * cannot be mapped is also an error diagnostic in @d with a check name
 * (e.g. "xlate-ram-address") at the item's location. Returns 0, or -1 when
 * an error diagnostic was added (the plan must still be disposed). */
int xlate_translate(const struct qc_config *cfg, const struct xlate_target *t,
                    struct xlate_plan *plan, struct qc_diags *d);

/* The report as text (one line per entry: "file:line:col: component:
 * fidelity: text [rule]") or as a JSON array. */
void xlate_report_print(FILE *out, const struct xlate_plan *p);
void xlate_report_print_json(FILE *out, const struct xlate_plan *p);

#endif
