/* SPDX-License-Identifier: LGPL-2.1-only */
/* The target a VM is translated for: host architecture and what its Xen can do. */
#ifndef XLATE_TARGET_H
#define XLATE_TARGET_H

#include <stdbool.h>
#include <stdio.h>
#include <libxl.h>

/* X(enum suffix, name as printed and parsed, name in Xen's capabilities string) */
#define XLATE_ARCHES(X)                                                                            \
    X(X86_64, "x86_64", "x86_64")                                                                  \
    X(AARCH64, "aarch64", "aarch64")

enum xlate_arch {
#define XLATE_ARCH_ENUM(e, name, xencap) XLATE_ARCH_##e,
    XLATE_ARCHES(XLATE_ARCH_ENUM)
#undef XLATE_ARCH_ENUM
    XLATE_ARCH_COUNT
};

/*
 * Capabilities, one bit each. X(enum suffix, name). The names are what
 * xlate_target_print() writes and xlate_target_parse_caps() reads.
 */
#define XLATE_CAPS(X)                                                                              \
    X(PV, "pv")             /* PV guests (x86 only) */                                             \
    X(PVH, "pvh")           /* PVH guests; the only type on Arm */                                 \
    X(HVM, "hvm")           /* x86 HVM guests (needs SVM/VMX) */                                   \
    X(HAP, "hap")           /* hardware paging; Debian's Xen has no shadow paging */               \
    X(IOREQ, "ioreq")       /* dom0 ioreq servers (off in Debian's arm64 build) */                 \
    X(GICV2, "gicv2")       /* Arm: the host can give guests a vGICv2 */                           \
    X(GICV3, "gicv3")       /* Arm: ... a vGICv3 */                                                \
    X(VPL011, "vpl011")     /* Arm: vuart="sbsa_uart" */                                           \
    X(VIRTIO_DISK, "virtio-disk") /* Arm 4.17: disk specification=virtio */

enum xlate_cap_bit {
#define XLATE_CAP_BIT(e, name) XLATE_CAP_BIT_##e,
    XLATE_CAPS(XLATE_CAP_BIT)
#undef XLATE_CAP_BIT
    XLATE_CAP_COUNT
};

#define XLATE_CAP(e) (1u << XLATE_CAP_BIT_##e)

struct xlate_target {
    enum xlate_arch arch;
    unsigned xen_major, xen_minor;
    unsigned caps;     /* XLATE_CAP(...) bits */
    unsigned nr_pcpus; /* host pCPUs; 0 = unknown, so no pCPU range checks */
    /* Not a capability: the user's choice (--prefer-pv) to give virtio vdevs to the guest as
     * Xen PV devices (Linux guests with Xen drivers) even where virtio is possible. */
    bool prefer_pv;
};

/* The defaults: Debian 12's Xen 4.17 on @arch, pCPU count unknown. */
void xlate_target_default(struct xlate_target *t, enum xlate_arch arch);

/* The default for the architecture this program was built for. */
void xlate_target_native(struct xlate_target *t);

/*
 * Refine @t from what a live libxl reported (the caller owns the ctx; this
 * function is pure): arch from the capabilities string, version, pCPU count,
 * hvm/pv/hap. Returns 0, or XLATE_ERR_INVAL for an unknown architecture.
 */
int xlate_target_from_host(struct xlate_target *t, const libxl_version_info *ver,
                           const libxl_physinfo *phys);

const char *xlate_arch_name(enum xlate_arch arch);
/* Returns 0 or XLATE_ERR_INVAL. */
int xlate_arch_from_name(const char *name, enum xlate_arch *arch_r);

/*
 * Apply "hvm,-ioreq,gicv3" to @t->caps: a bare or '+' name sets, '-' clears.
 * Returns 0 or XLATE_ERR_INVAL (unknown name; @t untouched).
 */
int xlate_target_parse_caps(struct xlate_target *t, const char *spec);

bool xlate_target_has(const struct xlate_target *t, unsigned cap);

/* One line: "x86_64 xen-4.17 pcpus=8 caps=pv,pvh,hvm,hap,ioreq". */
void xlate_target_print(FILE *out, const struct xlate_target *t);

#endif
