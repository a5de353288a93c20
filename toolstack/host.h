/* SPDX-License-Identifier: LGPL-2.1-only */
/* The host's resource inventory and the precedence check: the host (dom0,
 * other domains, the host reservation file) wins over a VM configuration,
 * as with qvm. The inventory is plain data so tests can feed fake /proc
 * files and fake domains; host-xen.c fills it from a live Xen. */
#ifndef QX_HOST_H
#define QX_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libxl.h>

#include "conf/qvmconf.h"

#define QX_HOST_RESERVE_DEFAULT "/etc/qvm-xl/host.qvmconf"

/* Resource kinds, X(enum suffix, name in messages and tests). */
#define QX_RESOURCES(X)                                                                            \
    X(PCPU, "pcpu")     /* a physical CPU: start = index, len = 1 */                               \
    X(MEMORY, "memory") /* free host memory in KiB */                                              \
    X(IOMEM, "iomem")   /* host physical bytes [start, start+len) */                               \
    X(IRQ, "irq")       /* a host interrupt (GSI) */                                               \
    X(NAME, "name")     /* a domain name */

enum qx_res {
#define QX_RES_ENUM(e, name) QX_RES_##e,
    QX_RESOURCES(QX_RES_ENUM)
#undef QX_RES_ENUM
};
const char *qx_res_name(enum qx_res r);

/* Something the host holds; @holder says who: "dom0 (HPET 0)", "domain
 * web", "host reservation FILE:LINE". */
struct qx_claim {
    enum qx_res kind;
    uint64_t start, len;
    char *name; /* NAME claims */
    char *holder;
};

struct qx_host {
    unsigned nr_pcpus; /* 0: unknown, no range check */
    bool has_free_kb;
    uint64_t free_kb;
    struct qx_claim *claims;
    size_t nclaims;
    size_t cap_claims; /* allocated claims */
};

void qx_host_init(struct qx_host *h);
void qx_host_dispose(struct qx_host *h);
/* Returns 0 or -1 (ENOMEM). @holder is copied. */
int qx_host_claim(struct qx_host *h, enum qx_res kind, uint64_t start, uint64_t len,
                  const char *name, const char *holder);

/* dom0's /proc/iomem: busy ranges are claims (see qvm-xl(1): the leaves,
 * except System RAM, RAM buffer, reserved, PCI bus windows, kernel sections).
 * Returns the number of claims added, or -1 (ENOMEM). */
int qx_host_parse_iomem(struct qx_host *h, const char *text);
/* dom0's /proc/interrupts: lines of physical interrupt chips (xen-pirq,
 * IO-APIC, XT-PIC) are claims; event channels are not. Same return. */
int qx_host_parse_interrupts(struct qx_host *h, const char *text);
/* Another domain: its name, iomem and irqs (from its libxl config, which
 * may be NULL when it cannot be retrieved). */
int qx_host_add_domain(struct qx_host *h, const char *name, const libxl_domain_config *dc);

/* The host reservation file, in qvmconf syntax (qvm-xl(1), HOST
 * RESERVATION): `reserve loc mem:...` (host physical ranges; "=HOST" wins
 * when given), `reserve intr N`, and `cpu runmask LIST` (pCPUs kept for the
 * host). Anything else is an error, as are a NUL byte, @FILE includes and $
 * substitutions, empty or wrapping ranges. Every error is printed on @err as
 * "NAME:LINE:COL: error: ... [CHECK]" (@name labels them) and nothing is
 * claimed; warnings are printed too. text[0..len) need not be NUL-terminated.
 * Returns 0 or -1. */
int qx_host_parse_reserve_n(struct qx_host *h, const char *name, const char *text, size_t len,
                            FILE *err);
/* The same for a NUL-terminated @text. */
int qx_host_parse_reserve(struct qx_host *h, const char *name, const char *text, FILE *err);
/* The largest reservation file read (bytes). */
#define QX_HOST_RESERVE_MAX (1024 * 1024)
/* Reads @path, a regular file of at most QX_HOST_RESERVE_MAX bytes (a FIFO,
 * device or directory is an error naming it, and is never waited on); with
 * @must_exist 0 a missing file is no error. Returns 0 or -1. */
int qx_host_load_reserve(struct qx_host *h, const char *path, int must_exist, FILE *err);

/* One conflict: the VM asks for what @holder holds. */
struct qx_conflict {
    enum qx_res kind;
    char *what;         /* the resource, e.g. "iomem 0xfed00000-0xfed00fff" */
    const char *holder; /* points into the host; NULL: nobody (does not exist, too big) */
    struct qc_loc loc;  /* the qvm item when known (file NULL otherwise) */
};

struct qx_conflicts {
    struct qx_conflict *v;
    size_t n;
};

void qx_conflicts_init(struct qx_conflicts *c);
void qx_conflicts_dispose(struct qx_conflicts *c);

/* Checks the VM (@cfg, translated into @dc) against @h; every conflict is
 * added to @out. Returns the number found, or -1 (ENOMEM). */
int qx_host_check(const struct qx_host *h, const struct qc_config *cfg,
                  const libxl_domain_config *dc, struct qx_conflicts *out);
/* "FILE:LINE:COL: error: host conflict (KIND): WHAT is held by HOLDER". */
void qx_conflicts_print(FILE *out, const struct qx_conflicts *c);

/* The live host (host-xen.c): pCPUs, free memory, /proc/iomem,
 * /proc/interrupts, every other domain. Returns 0 or -1 (message on @err). */
int qx_host_from_xen(struct qx_host *h, libxl_ctx *ctx, FILE *err);

#endif
