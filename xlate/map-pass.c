/* SPDX-License-Identifier: LGPL-2.1-only */
/* Pass-through (pass loc mem:/io:/pci:, pass intr) and reservations (reserve). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/map-internal.h"

#define PAGE                0x1000u
#define ARM_VUART_SPI       32
#define ARM_VIRTIO_SPI_LAST 43

/* The PIC vdev named @pic (a gic is called "gic" unless renamed). */
static const struct qc_vdev *find_pic(const struct qc_config *cfg, const char *pic)
{
    for (size_t i = 0; i < cfg->nvdevs; i++) {
        const struct qc_vdev *v = &cfg->vdevs[i];
        const char *name = v->name ? v->name : v->type_name;

        if (v->type >= 0 && (qc_vdevs[v->type].flags & QC_VF_PIC) && pic && !strcmp(name, pic))
            return v;
    }
    return NULL;
}

uint32_t xlate_host_irq(const struct qc_config *cfg, const struct qc_intr *in)
{
    const struct qc_vdev *pic;

    if (in->has_vector)
        return in->vector;
    pic = in->kind == QC_INTR_PIC ? find_pic(cfg, in->pic) : NULL;
    for (size_t i = 0; pic && i < pic->nvalues; i++)
        if (pic->values[i].opt == QC_VOPT_HOSTVECTOR && pic->values[i].nnums)
            return (uint32_t)pic->values[i].nums[0] + in->line;
    return in->line; /* qvm: the first PIC's hostvector defaults to 0 */
}

static void pass_mem(struct xlate_ctx *x, const struct qc_locspec *l)
{
    uint64_t g = l->guest.addr, h = l->has_host ? l->host.addr : g;
    uint64_t len = l->has_len ? l->len : PAGE;
    bool dma = l->attrs && strchr(l->attrs, 'd');

    if ((g | h | len) & (PAGE - 1) || !len) {
        qc_diag(x->d, QC_CK_XLATE_PASS_ALIGN, l->loc,
                "iomem needs 4 KiB pages: guest 0x%" PRIx64 ", host 0x%" PRIx64
                ", length 0x%" PRIx64,
                g, h, len);
        xlate_note(x, l->loc, "pass", XLATE_UNSUPPORTED, XLATE_RULE_PASS_MEM, "not page aligned");
        return;
    }
    xlate_check(x, xlate_add_iomem(&x->dc->b_info, h >> 12, len >> 12,
                                   h == g ? XLATE_IOMEM_GFN_1TO1 : g >> 12));
    xlate_note(x, l->loc, "pass", dma ? XLATE_APPROXIMATE : XLATE_EXACT, XLATE_RULE_PASS_MEM,
               "iomem host 0x%" PRIx64 " -> guest 0x%" PRIx64 ", 0x%" PRIx64 " bytes%s", h, g, len,
               dma ? "; DMA: iomem does not program the IOMMU" : "");
    if (x->arm) {
        struct xlate_dt_node *n = xlate_dt_node_add(x);

        if (!n) {
            x->nomem = 1;
            return;
        }
        n->addr = g;
        n->len = len;
        xlate_place(x, g, len, l->loc, NULL);
    }
}

static void pass_io(struct xlate_ctx *x, const struct qc_locspec *l)
{
    uint64_t p = l->guest.addr, len = l->has_len ? l->len : 1;

    if (x->arm || (l->has_host && l->host.addr != p) || p + len > 0x10000 || !len) {
        const char *why = x->arm                               ? "no I/O ports on ARM"
                          : (l->has_host && l->host.addr != p) ? "Xen passes I/O ports 1:1"
                                                               : "outside the 64 KiB port space";

        qc_diag(x->d, QC_CK_XLATE_PASS_IO, l->loc, "%s", why);
        xlate_note(x, l->loc, "pass", XLATE_UNSUPPORTED, XLATE_RULE_PASS_IO, "%s", why);
        return;
    }
    xlate_check(x, xlate_add_ioport(&x->dc->b_info, (uint32_t)p, (uint32_t)len));
    xlate_note(x, l->loc, "pass", XLATE_EXACT, XLATE_RULE_PASS_IO,
               "ioports 0x%" PRIx64 "-0x%" PRIx64, p, p + len - 1);
}

static void pass_pci(struct xlate_ctx *x, const struct qc_locspec *l)
{
    const struct qc_place *h = l->has_host ? &l->host : &l->guest;
    libxl_device_pci *pci;
    const char *why = NULL;

    if (x->arm)
        why = "Xen 4.17 has no PCI pass-through on ARM";
    else if (h->space != QC_SPACE_PCI_BDF)
        why = "xl names a host PCI function by bus:dev.func, not vendor/device ID";
    else if (!x->hvm)
        why = "PCI pass-through needs HVM";
    if (why) {
        qc_diag(x->d, QC_CK_XLATE_PASS_PCI, l->loc, "%s", why);
        xlate_note(x, l->loc, "pass", XLATE_UNSUPPORTED, XLATE_RULE_PASS_PCI, "%s", why);
        return;
    }
    pci = xlate_add_pci(x->dc);
    if (!pci) {
        x->nomem = 1;
        return;
    }
    pci->bus = h->bus;
    pci->dev = h->dev;
    pci->func = h->has_func ? h->func : 0;
    /* As xl 4.17 parses pci=["B:D.F"] for HVM: vfunc_mask 1 whatever the function,
     * rdm_policy left at its default (libxl applies the domain's rdm policy). */
    pci->vfunc_mask = 1;
    xlate_note(x, l->loc, "pass", XLATE_APPROXIMATE, XLATE_RULE_PASS_PCI,
               "pci %02x:%02x.%x; the guest slot is chosen by QEMU", pci->bus, pci->dev, pci->func);
}

static void pass_intr(struct xlate_ctx *x, const struct qc_intr *in)
{
    uint32_t host = xlate_host_irq(x->cfg, in);

    if (x->arm && (in->kind != QC_INTR_PIC || host != in->line)) {
        qc_diag(x->d, QC_CK_XLATE_PASS_INTR, in->loc,
                "Xen on ARM gives the guest SPI %u as SPI %u: the guest line must equal it", host,
                host);
        xlate_note(x, in->loc, "pass", XLATE_UNSUPPORTED, XLATE_RULE_PASS_INTR,
                   "guest line %u != host %u", in->line, host);
        return;
    }
    if (x->arm && (host < 32 || host == ARM_VUART_SPI)) {
        qc_diag(x->d, QC_CK_XLATE_PASS_INTR, in->loc,
                host < 32 ? "interrupt %u is not an SPI" : "SPI %u is the vuart's", host);
        xlate_note(x, in->loc, "pass", XLATE_UNSUPPORTED, XLATE_RULE_PASS_INTR,
                   "SPI %u unavailable", host);
        return;
    }
    xlate_check(x, xlate_add_irq(&x->dc->b_info, host));
    if (x->arm) {
        if (x->ndt_nodes && !x->dt_nodes[x->ndt_nodes - 1].spi)
            x->dt_nodes[x->ndt_nodes - 1].spi = host;
        xlate_note(x, in->loc, "pass", XLATE_EXACT, XLATE_RULE_PASS_INTR, "irqs SPI %u", host);
    } else {
        xlate_note(x, in->loc, "pass", XLATE_APPROXIMATE, XLATE_RULE_PASS_INTR,
                   "irqs %u: permission only, no GSI routing to the guest", host);
        xlate_diag_last(x, QC_CK_XLATE_PASS_PERMISSION);
    }
}

static void map_reserve(struct xlate_ctx *x, const struct qc_reserve *r)
{
    /* Xen's fixed ARM guest regions a reservation might collide with. */
    static const struct {
        uint64_t start, len;
    } fixed[] = {
        {0x03000000, 0x01000000}, /* GIC */
        {0x02000000, 0x00100000}, /* virtio-mmio window */
        {0x22000000, 0x00001000}, /* vpl011 */
        {0x38000000, 0x01000000}, /* grant table */
    };

    for (size_t i = 0; i < r->nlocs; i++) {
        const struct qc_locspec *l = &r->locs[i];
        uint64_t len = l->has_len ? l->len : 1;
        bool clash = false;

        for (size_t k = 0;
             x->arm && l->guest.space == QC_SPACE_MEM && k < sizeof(fixed) / sizeof(fixed[0]); k++)
            if (l->guest.addr < fixed[k].start + fixed[k].len &&
                fixed[k].start < l->guest.addr + len)
                clash = true;
        if (clash)
            qc_diag(x->d, QC_CK_XLATE_RESERVE, l->loc,
                    "0x%" PRIx64 " overlaps a region Xen places in every ARM guest", l->guest.addr);
        xlate_note(x, l->loc, "reserve", XLATE_IGNORED, XLATE_RULE_RESERVE,
                   "nothing is placed there dynamically%s",
                   clash ? "; overlaps Xen's fixed layout" : "");
    }
    for (size_t i = 0; i < r->nintrs; i++) {
        const struct qc_intr *in = &r->intrs[i];
        bool clash = x->arm && in->line >= ARM_VUART_SPI && in->line <= ARM_VIRTIO_SPI_LAST;

        if (clash)
            qc_diag(x->d, QC_CK_XLATE_RESERVE, in->loc,
                    "SPI %u may be given to the vuart or a virtio disk by libxl", in->line);
        xlate_note(x, in->loc, "reserve", XLATE_IGNORED, XLATE_RULE_RESERVE, "interrupt %u%s",
                   in->line, clash ? ": libxl allocates SPIs 32-43" : "");
    }
}

void xlate_map_pass(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;

    for (size_t i = 0; i < cfg->npasses; i++) {
        const struct qc_pass *p = &cfg->passes[i];

        if (p->blob >= 0) {
            qc_diag(x->d, QC_CK_XLATE_PASS_BLOB, p->loc, "'%s pass' has no Xen equivalent",
                    qc_blobs[p->blob].name);
            xlate_note(x, p->loc, "pass", XLATE_UNSUPPORTED, XLATE_RULE_PASS_BLOB, "blob pass");
            continue;
        }
        for (size_t j = 0; j < p->nlocs; j++) {
            const struct qc_locspec *l = &p->locs[j];

            switch (l->guest.space) {
            case QC_SPACE_IO:
                pass_io(x, l);
                break;
            case QC_SPACE_PCI_BDF:
            case QC_SPACE_PCI_ID:
                pass_pci(x, l);
                break;
            default:
                pass_mem(x, l);
                break;
            }
        }
        for (size_t j = 0; j < p->nintrs; j++)
            pass_intr(x, &p->intrs[j]);
    }
    for (size_t i = 0; i < cfg->nreserves; i++)
        map_reserve(x, &cfg->reserves[i]);
}
