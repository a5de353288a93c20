/* SPDX-License-Identifier: LGPL-2.1-only */
/* Internal interface of the qvm -> Xen mapping passes (xlate/map-*.c). */
#ifndef XLATE_MAP_INTERNAL_H
#define XLATE_MAP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "xlate/plan.h"
#include "xlate/xlate.h"

enum xlate_rule {
#define XLATE_RULE(ID, NAME, QVM, XEN, FID, NOTE) XLATE_RULE_##ID,
#include "xlate/mapping.def"
    XLATE_RULE_COUNT
};

struct xlate_rule_desc {
    const char *name, *qvm, *xen, *fidelity, *note;
};
extern const struct xlate_rule_desc xlate_rules[XLATE_RULE_COUNT];

/* State shared by the passes of one translation. */
struct xlate_ctx {
    const struct qc_config *cfg;
    const struct xlate_target *t;
    struct xlate_plan *plan;
    struct qc_diags *d;
    libxl_domain_config *dc;
    bool arm;
    bool hvm;
    int nomem;            /* set when an allocation failed */
    bool vuart_used;      /* ARM: Xen's SBSA UART taken */
    bool pv_console_used; /* first virtio-console became the PV console */
    int nserial;          /* HVM serial_list entries */
    int ndisks;
    /* ARM /passthrough nodes to generate: regions (guest addr, len) and SPIs. */
    struct xlate_dt_node {
        uint64_t addr, len;
        uint32_t spi; /* 0 = none */
    } * dt_nodes;
    size_t ndt_nodes;
    const struct qc_load *user_fdt;
    /* ARM, a wrapped kernel: the guest RAM end it needs (0: none); the kernel was refused. */
    uint64_t kernel_ram_end;
    bool kernel_refused;
};

/* A report line; fmt describes what was done. Returns 0 or -1 (ENOMEM, noted in x). */
int xlate_note(struct xlate_ctx *x, struct qc_loc loc, const char *component, enum xlate_fidelity f,
               enum xlate_rule rule, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The last report line as diagnostic @id too (a warning in the registry): for a mapping
 * that changes what the guest (or its user) sees, said by default and suppressible with
 * -W no-CHECK. Other diagnostics go to x->d with qc_diag/qc_diag_sev. */
void xlate_diag_last(struct xlate_ctx *x, enum qc_check_id id);
/* A qvm-xl-backend --device spec for the vdev at @loc. */
int xlate_backend(struct xlate_ctx *x, struct qc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records an ENOMEM (or other) failure of a helper returning 0 / error. */
void xlate_check(struct xlate_ctx *x, int rc);

/* The passes, in the order xlate_translate runs them. */
void xlate_map_guest(struct xlate_ctx *x); /* before all others: picks the type */
void xlate_map_cpu(struct xlate_ctx *x);
void xlate_map_mem(struct xlate_ctx *x);
void xlate_map_pass(struct xlate_ctx *x);
void xlate_map_vdev(struct xlate_ctx *x);
void xlate_map_global(struct xlate_ctx *x);
void xlate_map_arm(struct xlate_ctx *x); /* last: the DT needs the others' results */

/* Exposed for unit tests. */
uint32_t xlate_sched_weight(uint32_t prio);
/* The name of the first x86 item that needs HVM, with its location; NULL if none. */
const char *xlate_hvm_reason(const struct qc_config *cfg, struct qc_loc *loc_r);
/* Whether the vdev table has a row for qvm vdev type @type. */
bool xlate_vdev_has_handler(int type);
/* The n-th disk's name as Linux and libxl spell it: xvda..xvdz, xvdaa, ... Xen numbers
 * disks beyond 15 with its extended scheme, below 1 << 20. */
#define XLATE_MAX_DISKS (1 << 20)
void xlate_disk_name(char *buf, size_t len, unsigned n);
/* Host IRQ of a passed interrupt (vector, or the named PIC's hostvector + line). */
uint32_t xlate_host_irq(const struct qc_config *cfg, const struct qc_intr *in);

/* docs/mapping.md, generated from mapping.def. */
void xlate_mapping_print_md(FILE *out);

#endif
