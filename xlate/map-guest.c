/* SPDX-License-Identifier: LGPL-2.1-only */
/* Guest type (PVH, HVM or an ARM domain), the reason for it, and the domain name. */
#include <stdio.h>
#include <stdlib.h>

#include "xlate/map-internal.h"

/* vdev types that exist only in Xen's emulated PC platform (HVM). */
static bool vdev_needs_hvm(int type)
{
    switch (type) {
    case QC_VDEV_IOAPIC:
    case QC_VDEV_I8259:
    case QC_VDEV_HPET:
    case QC_VDEV_TIMER8254:
    case QC_VDEV_MC146818:
    case QC_VDEV_PCKEYBOARD:
        return true;
    default:
        return false;
    }
}

const char *xlate_hvm_reason(const struct qc_config *cfg, struct qc_loc *loc_r)
{
    /* Report the earliest item in the input, whatever its kind. */
    const char *why = NULL;
    size_t best = SIZE_MAX;

    for (size_t i = 0; i < cfg->nvdevs; i++) {
        if (vdev_needs_hvm(cfg->vdevs[i].type) && cfg->vdevs[i].seq < best) {
            best = cfg->vdevs[i].seq;
            *loc_r = cfg->vdevs[i].loc;
            why = qc_vdevs[cfg->vdevs[i].type].name;
        }
    }
    for (size_t i = 0; i < cfg->npasses; i++) {
        for (size_t j = 0; j < cfg->passes[i].nlocs; j++) {
            const struct qc_locspec *l = &cfg->passes[i].locs[j];

            if (l->guest.space >= QC_SPACE_PCI_BDF && l->seq < best) {
                best = l->seq;
                *loc_r = l->loc;
                why = "pass pci:";
            }
        }
    }
    for (size_t i = 0; i < cfg->nloads; i++) {
        if (cfg->loads[i].blob == QC_BLOB_ACPI && cfg->loads[i].seq < best) {
            best = cfg->loads[i].seq;
            *loc_r = cfg->loads[i].loc;
            why = "acpi load";
        }
    }
    return why;
}

/* An x86 kernel only QEMU's loader (HVM) starts (XLATE_IMAGE_FORMATS): a Multiboot image
 * as it is, or one qvm-xl wraps behind a Multiboot header — also an x86 ELF64 without notes,
 * which Xen's PVH builder refuses (it takes a note-less ELF only in 32 bits). */
static bool image_needs_hvm(const struct xlate_image *im)
{
    if (im->format == XLATE_IMAGE_ELF && im->arch == QC_ARCH_X86 && im->is64)
        return true;
    return xlate_image_start(im->format, XLATE_ARCH_X86_64, false) == XLATE_START_REFUSE &&
           xlate_image_start(im->format, XLATE_ARCH_X86_64, true) != XLATE_START_REFUSE;
}

/* type_reason for a kernel that makes the guest HVM. */
static void image_reason(const struct xlate_image *im, char *buf, size_t len)
{
    if (xlate_image_start(im->format, XLATE_ARCH_X86_64, true) == XLATE_START_ASIS)
        snprintf(buf, len,
                 "HVM: the kernel is a Multiboot image, which QEMU's loader starts "
                 "and Xen's PVH builder does not");
    else
        snprintf(buf, len,
                 "HVM: the kernel (%s) is started by QEMU's Multiboot loader behind the "
                 "Multiboot 1 header qvm-xl writes, and Xen's PVH builder cannot start it",
                 xlate_image_format_name(im->format));
}

/* type_reason: @what, and where the deciding item is when there is one. */
static void set_reason(struct xlate_ctx *x, const char *what, struct qc_loc loc)
{
    char *s = NULL;
    int n = loc.file ? asprintf(&s,
                                "HVM: %s (%s:%u:%u) needs Xen's emulated PC platform, which "
                                "PVH lacks",
                                what, loc.file, loc.line, loc.col)
                     : asprintf(&s, "%s", what);

    if (n < 0) {
        s = NULL;
        x->nomem = 1;
    }
    free(x->plan->type_reason);
    x->plan->type_reason = s;
}

/* HVM: qvm emulates no display adapter, so QEMU's VGA (whose video RAM libxl takes from the
 * guest's memory) and its VNC server are left out. */
static void map_display(struct xlate_ctx *x)
{
    x->dc->b_info.u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_NONE;
    libxl_defbool_set(&x->dc->b_info.u.hvm.vnc.enable, false);
    xlate_note(x, (struct qc_loc){0}, "display", XLATE_EXACT, XLATE_RULE_HVM_DISPLAY,
               "vga=\"none\", vnc=0: qvm emulates no display adapter");
}

void xlate_map_guest(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;
    libxl_domain_type type = LIBXL_DOMAIN_TYPE_PVH;
    enum xlate_rule rule = XLATE_RULE_GUEST_PVH;
    struct qc_loc loc = {0};
    const char *why;
    char image_why[200];

    if ((cfg->arch == QC_ARCH_ARM && !x->arm) || (cfg->arch == QC_ARCH_X86 && x->arm)) {
        qc_diag(x->d, QC_CK_XLATE_ARCH, cfg->arch_loc,
                "this is an %s configuration; the target is %s", qc_arch_name(cfg->arch),
                xlate_arch_name(x->t->arch));
        xlate_note(x, cfg->arch_loc, "arch", XLATE_UNSUPPORTED, XLATE_RULE_ARCH,
                   "%s configuration, %s target", qc_arch_name(cfg->arch),
                   xlate_arch_name(x->t->arch));
    }

    if (x->arm) {
        rule = XLATE_RULE_GUEST_ARM;
        set_reason(x, "aarch64: Xen ARM domains are PVH", loc);
    } else if ((why = xlate_hvm_reason(cfg, &loc))) {
        type = LIBXL_DOMAIN_TYPE_HVM;
        rule = XLATE_RULE_GUEST_HVM;
        set_reason(x, why, loc);
    } else if (image_needs_hvm(&x->plan->kernel_image)) {
        type = LIBXL_DOMAIN_TYPE_HVM;
        rule = XLATE_RULE_GUEST_HVM;
        image_reason(&x->plan->kernel_image, image_why, sizeof(image_why));
        set_reason(x, image_why, (struct qc_loc){0});
    } else {
        set_reason(x, "PVH: no legacy PC device, PCI pass-through or ACPI table is configured",
                   loc);
    }

    if (type == LIBXL_DOMAIN_TYPE_HVM ? !xlate_target_has(x->t, XLATE_CAP(HVM))
                                      : !xlate_target_has(x->t, XLATE_CAP(PVH))) {
        qc_diag(x->d, QC_CK_XLATE_GUEST_TYPE, loc,
                "the target cannot run %s guests, which this configuration needs",
                libxl_domain_type_to_string(type));
        xlate_note(x, loc, "guest type", XLATE_UNSUPPORTED, rule, "%s not available on the target",
                   libxl_domain_type_to_string(type));
    } else {
        xlate_note(x, loc, "guest type", XLATE_EXACT, rule, "%s", x->plan->type_reason);
    }
    x->hvm = type == LIBXL_DOMAIN_TYPE_HVM;
    x->plan->type = type;
    xlate_config_init_type(x->dc, type);
    if (x->hvm)
        map_display(x);

    if (cfg->system.set && cfg->system.value) {
        xlate_check(x, xlate_set_string(&x->dc->c_info.name, cfg->system.value));
        xlate_note(x, cfg->system.loc, "system", XLATE_EXACT, XLATE_RULE_SYSTEM, "name=\"%s\"",
                   cfg->system.value);
    } else {
        xlate_check(x, xlate_set_string(&x->dc->c_info.name, "qvm-guest"));
        xlate_note(x, (struct qc_loc){0}, "system", XLATE_APPROXIMATE, XLATE_RULE_SYSTEM,
                   "no system: name=\"qvm-guest\"");
    }
}
