/* SPDX-License-Identifier: LGPL-2.1-only */
/* The translation plan: what qvm-xl will build for one qvm VM on one Xen
 * target — the libxl domain config, the dom0 backends to start, and a
 * report on how faithfully each qvm component maps. Pure data: producing it
 * (xlate_translate) does no I/O and needs no hypervisor. */
#ifndef XLATE_PLAN_H
#define XLATE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libxl.h>

#include "conf/qvmconf.h"
#include "xlate/target.h"

/* How a qvm component is realised on Xen. X(enum suffix, name printed). */
#define XLATE_FIDELITIES(X)                                                                        \
    X(EXACT, "exact")             /* Xen provides the same thing */                                \
    X(APPROXIMATE, "approximate") /* close, and the report says what differs */                    \
    X(BACKEND, "backend")         /* emulated by a vdev-backends/ process in dom0 */               \
    X(UNSUPPORTED, "unsupported") /* cannot be provided; the report says why */                    \
    X(IGNORED, "ignored")         /* qvm-only setting with no effect on a Xen guest */

enum xlate_fidelity {
#define XLATE_FID_ENUM(e, name) XLATE_##e,
    XLATE_FIDELITIES(XLATE_FID_ENUM)
#undef XLATE_FID_ENUM
};
const char *xlate_fidelity_name(enum xlate_fidelity f);

/*
 * Kernel image formats and how each is started, per target (docs/guest-images.md §4).
 * X(ID, "name", AARCH64, X86_PVH, X86_HVM), each an XLATE_START_* suffix:
 *   ASIS   Xen's loader (or QEMU's, HVM) takes the file as it is
 *   WRAP   qvm-xl writes it behind a header page placed below the image's address
 *          (toolstack: qx_image_wrap): on aarch64 a synthetic arm64 Image header, with guest
 *          RAM grown to cover that address; on x86 HVM a Multiboot 1 header with the address
 *          fields, for QEMU's Multiboot loader (such a kernel makes the guest HVM)
 *   REFUSE the target cannot start it: error xlate-kernel-format
 * The toolstack detects the format (toolstack/image.c); the translation, which does no
 * I/O, decides from this table.
 */
#define XLATE_IMAGE_FORMATS(X)                                                                     \
    X(UNREAD, "not read", ASIS, ASIS, ASIS) /* --no-files or no file: passed through */            \
    X(ARM64_IMAGE, "arm64 Linux Image", ASIS, REFUSE, REFUSE)                                      \
    X(ZIMAGE32, "arm32 zImage", ASIS, REFUSE, REFUSE)                                              \
    X(BZIMAGE, "x86 bzImage", REFUSE, ASIS, ASIS)                                                  \
    X(GZIP, "gzip (unpacked by Xen)", ASIS, ASIS, ASIS)                                            \
    X(ELF_PVH, "ELF with the Xen PVH entry note", REFUSE, ASIS, ASIS)                              \
    /* x86 PVH: libxenguest takes a note-less ELF32 (its HVM-firmware path); an x86 ELF64 */       \
    /* makes the guest HVM instead (map-guest.c) */                                                \
    X(ELF, "ELF without Xen notes", WRAP, ASIS, WRAP)                                              \
    X(IFS, "QNX IFS", WRAP, REFUSE, WRAP)                                                          \
    X(IFS_MULTIBOOT, "QNX IFS with a Multiboot header", WRAP, REFUSE, ASIS)                        \
    X(MULTIBOOT, "Multiboot image", REFUSE, REFUSE, ASIS)                                          \
    /* QEMU's loader takes Multiboot 1 only; Xen's PVH builder neither */                          \
    X(MULTIBOOT2, "Multiboot 2 image", REFUSE, REFUSE, REFUSE)                                     \
    X(PE, "PE/COFF (UEFI) image", REFUSE, REFUSE, REFUSE)                                          \
    X(RAW, "raw binary", WRAP, REFUSE, WRAP)

enum xlate_image_format {
#define XLATE_IMG_ENUM(id, name, a64, pvh, hvm) XLATE_IMAGE_##id,
    XLATE_IMAGE_FORMATS(XLATE_IMG_ENUM)
#undef XLATE_IMG_ENUM
        XLATE_IMAGE_COUNT
};
enum xlate_start { XLATE_START_ASIS, XLATE_START_WRAP, XLATE_START_REFUSE };
const char *xlate_image_format_name(enum xlate_image_format f);
/* How the target starts format @f (@hvm: an x86 HVM guest, whose kernel QEMU loads). */
enum xlate_start xlate_image_start(enum xlate_image_format f, enum xlate_arch arch, bool hvm);

/* What the toolstack read in the kernel file, the translation's only look at it. */
struct xlate_image {
    enum xlate_image_format format; /* XLATE_IMAGE_UNREAD when not read */
    enum qc_arch arch;              /* the machine its header names; QC_ARCH_ANY: none */
    bool is64;                      /* ELF class 64, or a 64-bit startup/Image */
    bool has_addr;                  /* the headers say where the file's first byte goes */
    uint64_t addr;                  /* ...that address (ELF: lowest PT_LOAD paddr) */
    bool has_entry;                 /* the headers name an entry point (else: first byte) */
    uint64_t entry;                 /* ...that physical address */
    uint64_t size;                  /* bytes from addr the image occupies (file, or span) */
    uint64_t mem_size;              /* IFS: bytes from addr it uses in RAM (to ram_paddr +
                                       ram_size) when more than size, else 0 */
    bool mb_addr_fields;            /* Multiboot 1: consistent address fields (flags bit 16),
                                       which QEMU's loader needs for a file that is not ELF;
                                       addr and entry are then theirs */
    char detail[224];               /* what the headers say, or why nothing loads */
};

/* The header page a wrapped image gets (docs/guest-images.md §4.1). */
enum xlate_wrapper {
    XLATE_WRAP_ARM64_IMAGE, /* aarch64: Image header + trampoline, for Xen's Image loader */
    XLATE_WRAP_MULTIBOOT1,  /* x86 HVM: Multiboot 1 header with the address fields, for QEMU */
};

/* The loader step's decision for an image to be wrapped (the toolstack writes the file). */
struct xlate_wrap {
    bool needed;
    enum xlate_wrapper kind;
    const char *path;  /* the file the configuration names (points into the model) */
    uint64_t addr;     /* where the image's first byte goes in guest memory */
    uint64_t entry;    /* where the boot vCPU starts */
    uint64_t hdr_addr; /* the 4 KiB header page (aarch64: 0x40000000 + text_offset) */
};

/* One line of the report: a qvm item, where it was, and what it became. */
struct xlate_report {
    struct qc_loc loc; /* the qvm item (points into the caller's qc_sources) */
    char *component;   /* "cpu 1", "ram", "vdev ser8250", "pass", ... */
    enum xlate_fidelity fidelity;
    const char *rule; /* mapping-table row id (docs/mapping.md), static */
    char *text;       /* what was done, what differs, or why not */
};

/* One dom0 backend device, spelled as qvm-xl-backend's --device argument
 * (docs/backends.md), e.g. "ser8250,io=0x3f8,hostdev=>/var/log/x". All of a
 * domain's backend devices run in one qvm-xl-backend process. */
struct xlate_backend_dev {
    char *spec;
    struct qc_loc loc; /* the vdev it emulates */
};

struct xlate_plan {
    libxl_domain_config config; /* built without a libxl context */
    libxl_domain_type type;     /* also config.c_info.type */
    char *type_reason;          /* why PVH/HVM/PV was chosen */
    struct xlate_report *reports;
    size_t nreports;
    struct xlate_backend_dev *backends;
    size_t nbackends;
    /* ARM: the device tree qvm-xl generated or adjusted with libfdt (to be
     * written to a file and named by config.b_info.device_tree), or NULL. */
    void *fdt;
    size_t fdt_size;
    /* Input, set by the caller after xlate_plan_init and before xlate_translate: the kernel
     * file's format (zero: not read, passed through as before). */
    struct xlate_image kernel_image;
    /* The kernel is to be wrapped (config.b_info.kernel is then the name "NAME.kernel",
     * to be replaced by the file the toolstack writes). */
    struct xlate_wrap wrap;
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
