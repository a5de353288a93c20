/* SPDX-License-Identifier: LGPL-2.1-only */
/* Guest memory and images: ram/rom sizes and placement, load (kernel, initrd, fdt, acpi, data),
 * cmdline. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "xlate/map-internal.h"

#define MiB            (UINT64_C(1) << 20)
#define GiB            (UINT64_C(1) << 30)
#define X86_LOW_END    UINT64_C(0xa0000)
#define X86_HIGH_START UINT64_C(0x100000)
#define X86_4G         (4 * GiB)
#define ARM_RAM0       UINT64_C(0x40000000)
#define ARM_RAM0_MAX   (3 * GiB)
#define ARM_RAM_MAX    (ARM_RAM0_MAX + 1016 * GiB) /* GUEST_RAM0_SIZE + GUEST_RAM1_SIZE */

/* Effective starts: a region without one follows the highest RAM/ROM so far (spec 2.2). */
static void region_starts(const struct qc_config *cfg, uint64_t *starts)
{
    uint64_t top = 0;

    for (size_t i = 0; i < cfg->nregions; i++) {
        const struct qc_region *r = &cfg->regions[i];

        starts[i] = r->has_start ? r->start : top;
        if (starts[i] + r->size > top)
            top = starts[i] + r->size;
    }
}

/* x86: how RAM region [s, s+len) fits Xen's PC layout, given where high RAM ended so far. */
static enum xlate_fidelity x86_ram_fit(uint64_t s, uint64_t len, uint64_t *high_end)
{
    if (s == 0 && len <= X86_LOW_END)
        return XLATE_EXACT;
    if (s == 0) {
        /* qvm makes it all RAM; Xen keeps 0xa0000-0x100000 for VGA and firmware */
        *high_end = len > X86_HIGH_START ? len : X86_HIGH_START;
        return XLATE_APPROXIMATE;
    }
    if (s == X86_HIGH_START || s == X86_4G || (*high_end && s == *high_end)) {
        *high_end = s + len;
        return XLATE_EXACT;
    }
    return XLATE_UNSUPPORTED;
}

/* aarch64: libxl fills Xen's first bank (3 GiB at 0x40000000), then the second (0x200000000);
 * the guest finds both in the DT's /memory. Anything else is where qvm would put it. */
static void map_ram_arm(struct xlate_ctx *x, const struct qc_region *r, uint64_t start, bool first)
{
    bool split = r->size > ARM_RAM0_MAX;

    if (start == ARM_RAM0 && first && !split) {
        xlate_note(x, r->loc, "ram", XLATE_EXACT, XLATE_RULE_RAM_ARM,
                   "at Xen's RAM base 0x40000000");
        return;
    }
    if (start != ARM_RAM0 || !first)
        qc_diag(x->d, QC_CK_XLATE_RAM_RELOCATED, r->loc,
                "RAM at 0x%" PRIx64 " is placed by Xen (from 0x40000000) and described "
                "in the device tree",
                start);
    if (split)
        qc_diag(x->d, QC_CK_XLATE_RAM_SPLIT, r->loc,
                "one RAM bank of 0x%" PRIx64 " bytes: Xen gives the guest 3 GiB at "
                "0x40000000 and the rest at 0x200000000, both in the device tree",
                r->size);
    xlate_note(x, r->loc, "ram", XLATE_APPROXIMATE, XLATE_RULE_RAM_ARM,
               "0x%" PRIx64 ",0x%" PRIx64 " placed in Xen's layout (0x40000000%s; DT /memory)",
               start, r->size, split ? " and 0x200000000" : "");
}

static void map_ram(struct xlate_ctx *x, const uint64_t *starts)
{
    const struct qc_config *cfg = x->cfg;
    uint64_t total = 0, high_end = 0, mib;
    struct qc_loc first = {0};
    int nram = 0;

    for (size_t i = 0; i < cfg->nregions; i++) {
        const struct qc_region *r = &cfg->regions[i];

        if (r->rom)
            continue;
        if (!nram++)
            first = r->loc;
        if (total + r->size < total) { /* conf refuses a wrapping region, not a wrapping sum */
            qc_diag(x->d, QC_CK_XLATE_RAM_ADDRESS, r->loc, "RAM adds up to more than 2^64 bytes");
            xlate_note(x, r->loc, "ram", XLATE_UNSUPPORTED, XLATE_RULE_RAM,
                       "RAM beyond 2^64 bytes");
            return;
        }
        total += r->size;
        if (!x->arm) {
            enum xlate_fidelity f = x86_ram_fit(starts[i], r->size, &high_end);

            if (f != XLATE_UNSUPPORTED) {
                xlate_note(x, r->loc, "ram", f, XLATE_RULE_RAM_X86,
                           "0x%" PRIx64 ",0x%" PRIx64 " is in Xen's PC layout%s", starts[i],
                           r->size, f == XLATE_EXACT ? "" : " except the 0xa0000-0x100000 hole");
            } else {
                qc_diag(x->d, QC_CK_XLATE_RAM_ADDRESS, r->loc,
                        "RAM at 0x%" PRIx64 " is outside Xen's x86 layout (0, 1M, 4G)", starts[i]);
                xlate_note(x, r->loc, "ram", XLATE_UNSUPPORTED, XLATE_RULE_RAM_X86,
                           "RAM at 0x%" PRIx64 " cannot be placed", starts[i]);
            }
        } else {
            map_ram_arm(x, r, starts[i], nram == 1);
        }
    }
    if (x->arm && total > ARM_RAM_MAX) {
        qc_diag(x->d, QC_CK_XLATE_RAM_ADDRESS, first,
                "0x%" PRIx64 " bytes of RAM: Xen's two ARM guest banks hold 1019 GiB", total);
        xlate_note(x, first, "ram", XLATE_UNSUPPORTED, XLATE_RULE_RAM_ARM,
                   "more RAM than Xen's ARM guest layout holds");
        return;
    }
    if (!nram) {
        qc_diag(x->d, QC_CK_XLATE_RAM_NONE, first, "no ram: a Xen guest needs memory");
        xlate_note(x, first, "ram", XLATE_UNSUPPORTED, XLATE_RULE_RAM, "no RAM configured");
        return;
    }
    mib = (total + MiB - 1) / MiB;
    x->dc->b_info.max_memkb = x->dc->b_info.target_memkb = mib * 1024;
    if (mib * MiB != total)
        xlate_note(x, first, "ram", XLATE_APPROXIMATE, XLATE_RULE_RAM,
                   "total 0x%" PRIx64 " rounded up to memory=%" PRIu64 " MiB", total, mib);
    else
        xlate_note(x, first, "ram", XLATE_EXACT, XLATE_RULE_RAM, "memory=%" PRIu64 " MiB", mib);
}

static void map_rom(struct xlate_ctx *x, const uint64_t *starts)
{
    const struct qc_config *cfg = x->cfg;

    for (size_t i = 0; i < cfg->nregions; i++) {
        const struct qc_region *r = &cfg->regions[i];

        if (!r->rom)
            continue;
        if (!x->arm && starts[i] >= X86_LOW_END && starts[i] + r->size <= X86_HIGH_START) {
            xlate_note(x, r->loc, "rom", XLATE_APPROXIMATE, XLATE_RULE_ROM,
                       "0x%" PRIx64 ",0x%" PRIx64 " is the PC BIOS area, left to Xen's "
                       "firmware and hole",
                       starts[i], r->size);
            continue;
        }
        qc_diag(x->d, QC_CK_XLATE_ROM, r->loc, "Xen has no read-only guest memory at 0x%" PRIx64,
                starts[i]);
        xlate_note(x, r->loc, "rom", XLATE_UNSUPPORTED, XLATE_RULE_ROM,
                   "no read-only guest memory in Xen");
    }
}

/* The report line for a load placed by Xen rather than at its qvm address. */
static void load_note(struct xlate_ctx *x, const struct qc_load *l, enum xlate_rule rule,
                      const char *what)
{
    if (l->has_addr)
        xlate_note(x, l->loc, "load", XLATE_APPROXIMATE, rule,
                   "%s=\"%s\"; address 0x%" PRIx64 " is chosen by Xen's loader instead", what,
                   l->path, l->addr);
    else
        xlate_note(x, l->loc, "load", XLATE_EXACT, rule, "%s=\"%s\"", what, l->path);
}

static void load_error(struct xlate_ctx *x, const struct qc_load *l, enum xlate_rule rule,
                       const char *why)
{
    qc_diag(x->d, QC_CK_XLATE_LOAD, l->loc, "cannot load %s: %s", l->path, why);
    xlate_note(x, l->loc, "load", XLATE_UNSUPPORTED, rule, "%s", why);
}

static void map_loads(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;
    libxl_domain_build_info *b = &x->dc->b_info;

    for (size_t i = 0; i < cfg->nloads; i++) {
        const struct qc_load *l = &cfg->loads[i];

        switch (l->blob) {
        case -1:
        case QC_BLOB_GUEST:
            if (b->kernel) {
                load_error(x, l, XLATE_RULE_LOAD_DATA,
                           "only the first image is the kernel; Xen loads no other file");
                break;
            }
            xlate_check(x, xlate_set_string(&b->kernel, l->path));
            load_note(x, l, XLATE_RULE_LOAD_KERNEL, "kernel");
            break;
        case QC_BLOB_INITRD:
            if (b->ramdisk) {
                load_error(x, l, XLATE_RULE_LOAD_INITRD, "Xen takes one ramdisk");
                break;
            }
            xlate_check(x, xlate_set_string(&b->ramdisk, l->path));
            load_note(x, l, XLATE_RULE_LOAD_INITRD, "ramdisk");
            break;
        case QC_BLOB_FDT:
            if (!x->arm || x->user_fdt) {
                load_error(x, l, XLATE_RULE_LOAD_FDT,
                           x->arm ? "Xen takes one device tree" : "no device tree on x86");
                break;
            }
            x->user_fdt = l;
            xlate_check(x, xlate_set_string(&b->device_tree, l->path));
            xlate_note(x, l->loc, "load", XLATE_APPROXIMATE, XLATE_RULE_LOAD_FDT,
                       "device_tree=\"%s\": only its /passthrough and /aliases reach the "
                       "guest%s",
                       l->path, l->has_addr ? "; its address is Xen's choice" : "");
            break;
        case QC_BLOB_ACPI:
            if (!x->hvm || b->u.hvm.acpi_firmware) {
                load_error(x, l, XLATE_RULE_LOAD_ACPI,
                           x->hvm ? "Xen takes one extra ACPI file" : "ACPI tables need HVM");
                break;
            }
            xlate_check(x, xlate_set_string(&b->u.hvm.acpi_firmware, l->path));
            load_note(x, l, XLATE_RULE_LOAD_ACPI, "acpi_firmware");
            break;
        default: /* data */
            load_error(x, l, XLATE_RULE_LOAD_DATA, "Xen cannot copy a data file into guest memory");
            break;
        }
    }
    if (!b->kernel && cfg->nloads)
        qc_diag(x->d, QC_CK_XLATE_LOAD_KERNEL, cfg->loads[0].loc,
                "no kernel image among the loads");
}

void xlate_map_mem(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;
    uint64_t *starts = calloc(cfg->nregions + 1, sizeof(*starts));

    if (!starts) {
        x->nomem = 1;
        return;
    }
    region_starts(cfg, starts);
    map_ram(x, starts);
    map_rom(x, starts);
    free(starts);
    map_loads(x);
    if (cfg->cmdline.set && cfg->cmdline.value) {
        xlate_check(x, xlate_set_string(&x->dc->b_info.cmdline, cfg->cmdline.value));
        xlate_note(x, cfg->cmdline.loc, "cmdline", XLATE_EXACT, XLATE_RULE_CMDLINE,
                   "cmdline=\"%s\"", cfg->cmdline.value);
    }
}
