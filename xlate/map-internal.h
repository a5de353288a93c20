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
        uint32_t spi;               /* 0 = none */
        const char *node;           /* the name before '@'; NULL: "qvm-pass" */
        const char *compatible;     /* NULL: a passed region ("qvm-xl,passthrough") */
        bool dma_coherent;          /* the device reads guest RAM (virtio) */
        uint64_t win_base, win_len; /* shmem: its region window ("qvm,shmem-window"); 0: none */
    } * dt_nodes;
    size_t ndt_nodes;
    /* ARM virtio-mmio and shmem devices: bytes of libxl's virtio window given to those without
     * a loc, the highest SPI. */
    uint64_t mmio_window_used;
    unsigned nvirtio_qemu; /* x86 HVM: QEMU ids qvmblkN, qvmconN, qvmvserN */
    unsigned nvirtio_net;  /* ARM: index= of the next virtio-net (its tap's name) */
    uint32_t virtio_spi_max;
    struct qc_loc virtio_spi_loc;
    const char *virtio_spi_dev; /* "a virtio device's" or "the shmem device's": whose it is */
    /* ARM: guest-physical ranges the plan gives devices (qvm-xl-backend devices, a page each;
     * passed regions), for the shmem windows' overlap check. */
    struct xlate_placed {
        uint64_t addr, len;
        struct qc_loc loc;
        const char *type; /* the vdev's type name (the model's); NULL: a passed region */
    } * placed;
    size_t nplaced;
    unsigned nshmem;      /* ARM: shmem vdevs translated so far (the next one's window) */
    uint32_t shmem_slots; /* x86: PCI slots given to shmem functions so far */
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
/* The last value of option @opt of @v, or NULL. */
const struct qc_value *xlate_vdev_value(const struct qc_vdev *v, enum qc_vopt opt);
/* Adds a qvm-xl-backend device "TYPE,io|mem=ADDR[,hostdev=..][,spi=N|isa-irq=N]<extra>" for
 * @v and its report line (@what ends it); false (after a diagnostic) when the target has no
 * ioreq servers or a hostdev cannot be passed. */
bool xlate_vdev_backend(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp,
                        enum xlate_rule rule, const char *space, uint64_t addr, const char *extra,
                        const char *what);
/* A new zeroed /passthrough node to fill in, or NULL (ENOMEM). */
struct xlate_dt_node *xlate_dt_node_add(struct xlate_ctx *x);
/* map-virtio.c. Whether virtio vdevs stay virtio devices for this target. */
bool xlate_virtio_wanted(const struct xlate_ctx *x);
/* Gives virtio vdev @v to the guest as a qvm-xl-backend virtio-mmio device; false when the
 * target does not take that way (the caller maps @v otherwise). */
bool xlate_virtio_mmio(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp,
                       enum xlate_rule rule);
/* After the vdevs: makes the guest's vGIC hold the virtio devices' SPIs. */
void xlate_virtio_finish(struct xlate_ctx *x);
/* ARM: where MMIO device @v of @len bytes (a power of two) goes: its mem loc and first intr, or
 * for what it lacks the next free place in libxl's virtio window and the next free SPI from 33
 * (*moved). False after an error diagnostic (window full, not an SPI a guest can have). */
bool xlate_mmio_place(struct xlate_ctx *x, const struct qc_vdev *v, uint64_t len, uint64_t *addr,
                      uint32_t *spi, bool *moved);
/* Records that the guest's vGIC must have SPI @spi (xlate_virtio_finish makes it so). */
void xlate_mmio_need_spi(struct xlate_ctx *x, const struct qc_vdev *v, uint32_t spi);
/* map-shmem.c: vdev shmem (ARM: qvm-xl-backend's factory page and a region window; x86:
 * refused). */
void xlate_map_shmem(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp);
/* x86 HVM: qvm's shmem PCI function, served by qvm-xl-backend beside QEMU. */
void xlate_map_shmem_pci(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp);
/* A PCI loc's slot QEMU can take (map-virtio.c); false with *moved when it cannot. */
bool xlate_qemu_slot(const struct qc_vdev *v, unsigned *slot, bool *moved);
/* After the vdevs: every shmem window must be free of what the plan placed (xlate_place). */
void xlate_shmem_finish(struct xlate_ctx *x);
/* Records that the plan puts something at guest-physical [addr, addr + len) (ARM). */
void xlate_place(struct xlate_ctx *x, uint64_t addr, uint64_t len, struct qc_loc loc,
                 const char *type);
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
/* A NIC's MAC as qvm-xl takes it from a qvmconf or an xl.cfg: "aa:bb:cc:dd:ee:ff", six hex
 * bytes, unicast and not all zero (the one rule for Xen's vifs, QEMU's virtio-net-pci and the
 * backend's virtio-net). */
bool xlate_mac_parse(const char *s, uint8_t mac[6]);
#define XLATE_MAC_RULE "six hex bytes, unicast, not all zero"
/* A vdev's mac (NULL: none given) by that rule into @m: true, or false after error
 * xlate-vdev-mac at the value. */
bool xlate_vdev_mac(struct xlate_ctx *x, const struct qc_value *mac, uint8_t m[6]);

/* Host IRQ of a passed interrupt (vector, or the named PIC's hostvector + line). */
uint32_t xlate_host_irq(const struct qc_config *cfg, const struct qc_intr *in);

/* docs/mapping.md, generated from mapping.def. */
void xlate_mapping_print_md(FILE *out);

#endif
