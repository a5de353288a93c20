/* SPDX-License-Identifier: LGPL-2.1-only */
/* Guest memory and images: ram/rom sizes and placement, load (kernel, initrd, fdt, acpi, data),
 * cmdline. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "xlate/map-internal.h"

#define MiB            (UINT64_C(1) << 20)
#define GiB            (UINT64_C(1) << 30)
#define X86_LOW_END    UINT64_C(0xa0000)
#define X86_HIGH_START UINT64_C(0x100000)
#define X86_4G         (4 * GiB)
#define X86_HOLE       UINT64_C(0xf0000000) /* hvmloader's default low-memory top (MMIO hole) */
#define ARM_RAM0       UINT64_C(0x40000000)
#define ARM_RAM0_MAX   (3 * GiB)
#define ARM_RAM_MAX    (ARM_RAM0_MAX + 1016 * GiB) /* GUEST_RAM0_SIZE + GUEST_RAM1_SIZE */

/* x86 wrap: where an image without an address goes, and the RAM it must leave at the top for
 * QEMU's Multiboot command lines (placed after the image) and hvmloader's pages. */
#define X86_WRAP_DEFAULT UINT64_C(0x200000)
#define X86_WRAP_ROOM    MiB

#define PAGE UINT64_C(0x1000)

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

/* The load item that becomes b_info.kernel: the first untyped or guest load. */
static const struct qc_load *kernel_item(const struct qc_config *cfg)
{
    for (size_t i = 0; i < cfg->nloads; i++)
        if (cfg->loads[i].blob == -1 || cfg->loads[i].blob == QC_BLOB_GUEST)
            return &cfg->loads[i];
    return NULL;
}

/* What a target takes, for the error on an image of format @f it cannot start. */
static const char *target_takes(const struct xlate_ctx *x, enum xlate_image_format f)
{
    if (f == XLATE_IMAGE_MULTIBOOT2)
        return "QEMU's Multiboot loader (HVM) takes Multiboot 1 images only, and Xen's PVH "
               "builder no Multiboot image at all";
    if (x->arm)
        return "Xen on ARM starts a Linux Image or zImage, and qvm-xl wraps aarch64 raw "
               "binaries, QNX IFS images and ELF files without Xen notes";
    if (x->hvm)
        return "QEMU (HVM) loads a Linux bzImage, a Multiboot 1 image or a PVH ELF, and qvm-xl "
               "wraps raw binaries, QNX IFS images and ELF files without Xen notes for it";
    return "an x86 PVH guest needs an ELF kernel with the XEN_ELFNOTE_PHYS32_ENTRY note "
           "(or a Linux bzImage wrapping one)";
}

static void kernel_refuse(struct xlate_ctx *x, const struct qc_load *l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void kernel_refuse(struct xlate_ctx *x, const struct qc_load *l, const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    x->kernel_refused = true;
    qc_diag(x->d, QC_CK_XLATE_KERNEL_FORMAT, l->loc, "kernel %s: %s", l->path, why);
    xlate_note(x, l->loc, "load", XLATE_UNSUPPORTED, XLATE_RULE_LOAD_KERNEL, "%s: %s", l->path,
               why);
}

/* Where a wrapped image goes when its headers or the load say: the headers' address for an
 * ELF (qvm loads it where they say), else the load item's, else the IFS header's. */
static bool wrap_addr_given(const struct qc_load *l, const struct xlate_image *im, uint64_t *a)
{
    if (im->format == XLATE_IMAGE_ELF || (!l->has_addr && im->has_addr))
        *a = im->addr;
    else if (l->has_addr)
        *a = l->addr;
    else
        return false;
    return true;
}

/* ARM: where a wrapped image goes (wrap_addr_given), else qvm's "first available location":
 * the first RAM region, or one page into Xen's RAM when that leaves no room for the header. */
static uint64_t wrap_addr(const struct xlate_ctx *x, const struct qc_load *l,
                          const struct xlate_image *im, const uint64_t *starts)
{
    uint64_t a;

    if (wrap_addr_given(l, im, &a))
        return a;
    for (size_t i = 0; i < x->cfg->nregions; i++)
        if (!x->cfg->regions[i].rom)
            return starts[i] >= ARM_RAM0 + PAGE ? starts[i] : ARM_RAM0 + PAGE;
    return ARM_RAM0 + PAGE;
}

/* Refuses an image with nothing to load; returns whether it did. */
static bool wrap_empty(struct xlate_ctx *x, const struct qc_load *l, const struct xlate_image *im)
{
    if (im->size)
        return false;
    kernel_refuse(x, l, "%s%s%s%s: nothing to load", xlate_image_format_name(im->format),
                  im->detail[0] ? " (" : "", im->detail, im->detail[0] ? ")" : "");
    return true;
}

/* Refuses an entry outside [a, end); returns whether it did. */
static bool wrap_entry_outside(struct xlate_ctx *x, const struct qc_load *l,
                               const struct xlate_image *im, uint64_t a, uint64_t end,
                               uint64_t entry)
{
    if (entry >= a && entry < end)
        return false;
    kernel_refuse(x, l,
                  "%s: entry 0x%" PRIx64 " is outside the image (0x%" PRIx64 "-0x%" PRIx64 ")",
                  xlate_image_format_name(im->format), entry, a, end);
    return true;
}

/* qvm puts the file where the load says; an IFS's startup is linked for its header's. */
static void wrap_warn_moved(struct xlate_ctx *x, const struct qc_load *l,
                            const struct xlate_image *im, uint64_t a)
{
    if (im->format != XLATE_IMAGE_ELF && l->has_addr && im->has_addr && l->addr != im->addr)
        qc_diag_sev(x->d, QC_SEV_WARNING, QC_CK_XLATE_KERNEL_FORMAT, l->loc,
                    "kernel %s: loaded at 0x%" PRIx64 " as the load says, but its header puts "
                    "it at 0x%" PRIx64 " (image_paddr - boot prefix), where its startup is linked",
                    l->path, a, im->addr);
}

/* ARM: an image Xen's loader does not take is placed at its address behind a synthetic
 * arm64 Image header page (docs/guest-images.md §4); guest RAM must reach it. */
static void plan_wrap(struct xlate_ctx *x, const struct qc_load *l, const struct xlate_image *im,
                      const uint64_t *starts)
{
    uint64_t a = wrap_addr(x, l, im, starts), end = a + im->size,
             entry = im->has_entry ? im->entry : a;
    uint64_t hdr = (a & ~(PAGE - 1)) - PAGE;
    const char *fmt = xlate_image_format_name(im->format);

    if (wrap_empty(x, l, im))
        return;
    if (im->arch == QC_ARCH_X86 || !im->is64) {
        kernel_refuse(x, l, "%s for %s: Xen on ARM starts 32-bit guests only from a Linux zImage",
                      fmt, im->arch == QC_ARCH_X86 ? "x86" : "a 32-bit CPU");
        return;
    }
    if (a < ARM_RAM0 + PAGE) {
        kernel_refuse(x, l,
                      "%s at 0x%" PRIx64 ": below Xen's guest RAM base 0x40000000 plus the "
                      "4 KiB header page qvm-xl puts in front of it",
                      fmt, a);
        return;
    }
    if (end < a || end > ARM_RAM0 + ARM_RAM0_MAX) {
        kernel_refuse(x, l,
                      "%s at 0x%" PRIx64 " (0x%" PRIx64 " bytes): ends beyond Xen's first "
                      "guest RAM bank (0x40000000-0xffffffff), where Xen places the kernel",
                      fmt, a, im->size);
        return;
    }
    if (wrap_entry_outside(x, l, im, a, end, entry))
        return;
    wrap_warn_moved(x, l, im, a);
    x->plan->wrap = (struct xlate_wrap){
        .needed = true, .path = l->path, .addr = a, .entry = entry, .hdr_addr = hdr};
    /* Xen's meminit puts the DTB after the kernel when there is room, else just below it
     * (the RAM from 0x40000000 to the image is the guest's too). */
    x->kernel_ram_end = (end + 2 * MiB - 1) & ~(2 * MiB - 1);
}

/* x86 HVM: the guest's low RAM end — memory= from 0, below the MMIO hole. */
static uint64_t x86_low_ram_end(const struct qc_config *cfg)
{
    uint64_t total = 0;

    for (size_t i = 0; i < cfg->nregions; i++)
        if (!cfg->regions[i].rom && total + cfg->regions[i].size >= total)
            total += cfg->regions[i].size;
    total = (total + MiB - 1) & ~(MiB - 1); /* memory= is whole MiB (map_ram) */
    return total < X86_HOLE ? total : X86_HOLE;
}

/* x86 HVM: an image QEMU's loader does not take is placed at its address A behind a
 * Multiboot 1 header page at A - 4 KiB with the address fields (docs/guest-images.md §4.1):
 * QEMU copies it there and enters it in 32-bit protected mode, paging off, eax = 0x2BADB002,
 * ebx = the Multiboot information. Below 1 MiB are the BIOS and hvmloader. */
static void plan_mb_wrap(struct xlate_ctx *x, const struct qc_load *l, const struct xlate_image *im)
{
    uint64_t a = X86_WRAP_DEFAULT, end, entry, ram_end = x86_low_ram_end(x->cfg);
    const char *fmt = xlate_image_format_name(im->format);

    if (wrap_empty(x, l, im))
        return;
    wrap_addr_given(l, im, &a);
    end = a + (im->mem_size > im->size ? im->mem_size : im->size); /* an IFS's RAM too */
    entry = im->has_entry ? im->entry : a;
    if (a < X86_HIGH_START + PAGE || (a & (PAGE - 1))) {
        kernel_refuse(x, l,
                      "%s at 0x%" PRIx64 ": QEMU's Multiboot loader (HVM) needs a 4 KiB-aligned "
                      "address at or above 0x101000: the BIOS and hvmloader use the first MiB, "
                      "and qvm-xl puts a 4 KiB Multiboot header page in front of the image",
                      fmt, a);
        return;
    }
    if (end < a || end > ram_end || ram_end - end < X86_WRAP_ROOM) {
        kernel_refuse(x, l,
                      "%s at 0x%" PRIx64 " (0x%" PRIx64 " bytes): must end 1 MiB below the "
                      "guest's RAM end 0x%" PRIx64 " (memory=, below the MMIO hole at "
                      "0xf0000000), which QEMU's Multiboot information and hvmloader need",
                      fmt, a, im->size, ram_end);
        return;
    }
    if (wrap_entry_outside(x, l, im, a, a + im->size, entry))
        return;
    wrap_warn_moved(x, l, im, a);
    x->plan->wrap = (struct xlate_wrap){.needed = true,
                                        .kind = XLATE_WRAP_MULTIBOOT1,
                                        .path = l->path,
                                        .addr = a,
                                        .entry = entry,
                                        .hdr_addr = a - PAGE};
}

/* x86 HVM: QEMU's Multiboot loader places a file that is not ELF by its header's address
 * fields alone (hw/i386/multiboot.c: without them it tries ELF and QEMU exits), and puts it
 * there whatever the load item says. */
static void plan_multiboot(struct xlate_ctx *x, const struct qc_load *l,
                           const struct xlate_image *im)
{
    if (!im->mb_addr_fields) {
        kernel_refuse(x, l,
                      "%s (%s): QEMU's Multiboot loader starts a file that is not ELF only when "
                      "its Multiboot header has consistent address fields (flags bit 16: "
                      "header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr)",
                      xlate_image_format_name(im->format), im->detail);
        return;
    }
    if (l->has_addr && l->addr != im->addr)
        qc_diag_sev(x->d, QC_SEV_WARNING, QC_CK_XLATE_KERNEL_FORMAT, l->loc,
                    "kernel %s: QEMU's Multiboot loader puts it at 0x%" PRIx64
                    " (its header's load_addr), not at 0x%" PRIx64 " as the load says",
                    l->path, im->addr, l->addr);
}

/* Decides how the kernel is started, before RAM is sized (a wrapped image may need more). */
static void plan_kernel(struct xlate_ctx *x, const uint64_t *starts)
{
    const struct qc_load *l = kernel_item(x->cfg);
    const struct xlate_image *im = &x->plan->kernel_image;
    enum xlate_start st;

    if (!l || im->format == XLATE_IMAGE_UNREAD)
        return;
    st = xlate_image_start(im->format, x->t->arch, x->hvm);
    if (st == XLATE_START_REFUSE) {
        kernel_refuse(x, l, "%s%s%s%s: cannot be started on %s: %s",
                      xlate_image_format_name(im->format), im->detail[0] ? " (" : "", im->detail,
                      im->detail[0] ? ")" : "", xlate_arch_name(x->t->arch),
                      target_takes(x, im->format));
        return;
    }
    if (im->arch != QC_ARCH_ANY && (im->arch == QC_ARCH_ARM) != x->arm) {
        kernel_refuse(x, l, "%s built for %s: cannot be started on %s",
                      xlate_image_format_name(im->format), qc_arch_name(im->arch),
                      xlate_arch_name(x->t->arch));
        return;
    }
    if (st == XLATE_START_WRAP && x->arm)
        plan_wrap(x, l, im, starts);
    else if (st == XLATE_START_WRAP)
        plan_mb_wrap(x, l, im);
    else if (x->hvm &&
             (im->format == XLATE_IMAGE_MULTIBOOT || im->format == XLATE_IMAGE_IFS_MULTIBOOT))
        plan_multiboot(x, l, im);
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
    /* A wrapped image's RAM grows from Xen's base to cover every region of bank 0. */
    if (x->plan->wrap.needed && start >= ARM_RAM0 && start + r->size <= ARM_RAM0 + ARM_RAM0_MAX) {
        xlate_note(x, r->loc, "ram", XLATE_APPROXIMATE, XLATE_RULE_RAM_ARM,
                   "0x%" PRIx64 ",0x%" PRIx64 " at its address: Xen's RAM from 0x40000000 "
                   "is grown to cover it",
                   start, r->size);
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

/* ARM, a wrapped image: Xen's RAM [0x40000000, +memory) must reach the image (and every qvm
 * RAM region of bank 0, at its own address). Returns the MiB to give; a growth is warning
 * xlate-ram-grown, saying what it costs. */
static uint64_t grow_for_image(struct xlate_ctx *x, const uint64_t *starts, uint64_t mib)
{
    const struct qc_config *cfg = x->cfg;
    const struct qc_load *l = kernel_item(cfg);
    uint64_t end = x->kernel_ram_end, need;

    for (size_t i = 0; i < cfg->nregions; i++) {
        uint64_t e = starts[i] + cfg->regions[i].size;

        if (!cfg->regions[i].rom && starts[i] >= ARM_RAM0 && e <= ARM_RAM0 + ARM_RAM0_MAX &&
            e > end)
            end = e;
    }
    if (end > ARM_RAM0 + ARM_RAM0_MAX)
        end = ARM_RAM0 + ARM_RAM0_MAX; /* the image fits (plan_wrap): less room for the DTB */
    need = (end - ARM_RAM0 + MiB - 1) / MiB;
    if (need <= mib)
        return mib;
    xlate_note(x, l->loc, "ram", XLATE_APPROXIMATE, XLATE_RULE_RAM_ARM,
               "memory=%" PRIu64 " MiB instead of %" PRIu64 ": Xen's guest RAM starts at "
               "0x40000000 and must reach the image at 0x%" PRIx64 " (%" PRIu64
               " MiB more host memory; the guest's /memory node shows all of it)",
               need, mib, x->plan->wrap.addr, need - mib);
    xlate_diag_last(x, QC_CK_XLATE_RAM_GROWN);
    return need;
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
    if (mib * MiB != total)
        xlate_note(x, first, "ram", XLATE_APPROXIMATE, XLATE_RULE_RAM,
                   "total 0x%" PRIx64 " rounded up to memory=%" PRIu64 " MiB", total, mib);
    else
        xlate_note(x, first, "ram", XLATE_EXACT, XLATE_RULE_RAM, "memory=%" PRIu64 " MiB", mib);
    if (x->arm && x->plan->wrap.needed)
        mib = grow_for_image(x, starts, mib);
    x->dc->b_info.max_memkb = x->dc->b_info.target_memkb = mib * 1024;
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

/* The kernel's report line: the format found and how Xen will start it (also note
 * image-format, for create -n and check). */
static void map_kernel(struct xlate_ctx *x, const struct qc_load *l)
{
    const struct xlate_image *im = &x->plan->kernel_image;
    const struct xlate_wrap *w = &x->plan->wrap;
    libxl_domain_build_info *b = &x->dc->b_info;
    char name[300];

    if (x->kernel_refused) {
        xlate_check(x, xlate_set_string(&b->kernel, l->path));
        return; /* reported by plan_kernel */
    }
    if (!w->needed) {
        xlate_check(x, xlate_set_string(&b->kernel, l->path));
        if (im->format == XLATE_IMAGE_UNREAD) {
            load_note(x, l, XLATE_RULE_LOAD_KERNEL, "kernel");
            return;
        }
        xlate_note(x, l->loc, "load", l->has_addr ? XLATE_APPROXIMATE : XLATE_EXACT,
                   XLATE_RULE_LOAD_KERNEL, "kernel=\"%s\": %s%s%s%s, started by %s", l->path,
                   xlate_image_format_name(im->format), im->detail[0] ? " (" : "", im->detail,
                   im->detail[0] ? ")" : "",
                   x->hvm ? "QEMU's loader (HVM)" : "Xen's loader from its headers");
        return; /* as Xen takes it: said in the report only */
    }
    /* A name, not a path, as for the device tree: the toolstack writes the file. */
    snprintf(name, sizeof(name), "%s.kernel", x->dc->c_info.name ? x->dc->c_info.name : "guest");
    xlate_check(x, xlate_set_string(&b->kernel, name));
    if (w->kind == XLATE_WRAP_MULTIBOOT1)
        xlate_note(x, l->loc, "load", XLATE_APPROXIMATE, XLATE_RULE_LOAD_KERNEL,
                   "kernel=\"%s\": %s %s%s%s%s at 0x%" PRIx64 "%s, wrapped behind a Multiboot 1 "
                   "header at 0x%" PRIx64 " that qvm-xl writes, started by QEMU (HVM) at 0x%" PRIx64
                   " in 32-bit protected mode, eax = 0x2BADB002, ebx = the Multiboot information",
                   name, xlate_image_format_name(im->format), l->path, im->detail[0] ? " (" : "",
                   im->detail, im->detail[0] ? ")" : "", w->addr,
                   l->has_addr || im->has_addr ? "" : " (no address: qvm-xl's choice)", w->hdr_addr,
                   w->entry);
    else
        xlate_note(x, l->loc, "load", XLATE_APPROXIMATE, XLATE_RULE_LOAD_KERNEL,
                   "kernel=\"%s\": %s %s%s%s%s at 0x%" PRIx64 ", entry 0x%" PRIx64
                   ", behind an arm64 Image header page at 0x%" PRIx64 " (text_offset 0x%" PRIx64
                   ") that qvm-xl writes; x0 = the device tree",
                   name, xlate_image_format_name(im->format), l->path, im->detail[0] ? " (" : "",
                   im->detail, im->detail[0] ? ")" : "", w->addr, w->entry, w->hdr_addr,
                   w->hdr_addr - ARM_RAM0);
    xlate_diag_last(x, QC_CK_IMAGE_FORMAT);
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
            map_kernel(x, l);
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
    plan_kernel(x, starts);
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
