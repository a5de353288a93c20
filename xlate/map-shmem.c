/* SPDX-License-Identifier: LGPL-2.1-only */
/* vdev shmem. ARM: qvm-xl-backend's factory page at the vdev's loc and intr, and a region window
 * in the guest-physical gap Xen leaves free, where qvm-xl-shmemd maps the regions' pages
 * (docs/shmem-xen.md). x86 HVM: qvm's PCI function (1C05:0001) served by qvm-xl-backend beside
 * QEMU, the factory page in BAR0 and the region window in BAR2, whose data pages the backend
 * emulates (Xen maps no other domain's pages into an x86 domU). The PVH refusal is in
 * map-vdev.c. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/map-internal.h"

/* The gap between GUEST_MAGIC (0x39000000 + 16 MiB) and GUEST_RAM0 (xen/include/public/
 * arch-arm.h): no Xen region and no guest RAM (Xen places it from 0x40000000) is there. */
#define GAP_BASE UINT64_C(0x3a000000)
#define GAP_END  UINT64_C(0x40000000)
#define PAGE     UINT64_C(4096) /* SHMEM_PAGE */
/* x86: the region window, BAR2 (a power of two, which hvmloader places in the MMIO hole). */
#define PCI_WINDOW UINT64_C(0x4000000)

/* A growing device spec. */
struct spec {
    char *s;
    size_t len;
    bool nomem;
};

static void put(struct spec *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct spec *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    s = n < 0 || b->nomem ? NULL : realloc(b->s, b->len + (size_t)n + 1);
    if (!s) {
        b->nomem = true;
        return;
    }
    b->s = s;
    va_start(ap, fmt);
    vsnprintf(s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* A value the backend's spec can carry: not empty, and without ',', '=' or ':', which separate
 * the spec's options and fields. */
static bool value_ok(struct xlate_ctx *x, struct qc_loc loc, const char *what, const char *s)
{
    if (s && s[0] && !strpbrk(s, ",=:"))
        return true;
    qc_diag_sev(x->d, QC_SEV_ERROR, QC_CK_XLATE_SHMEM_VALUE, loc,
                "vdev shmem: %s '%s' cannot be given to qvm-xl-backend (it must be non-empty, "
                "without ',', '=' or ':', which separate the device's options)",
                what, s ? s : "");
    return false;
}

/* An octal permission word (umask, create mode), at most 0777. */
static bool octal_ok(struct xlate_ctx *x, struct qc_loc loc, const char *what, const char *s,
                     unsigned *out)
{
    char *end = NULL;
    unsigned long v = s && s[0] ? strtoul(s, &end, 8) : 0;

    if (end && !*end && v <= 0777) {
        *out = (unsigned)v;
        return true;
    }
    qc_diag_sev(x->d, QC_SEV_ERROR, QC_CK_XLATE_SHMEM_VALUE, loc,
                "vdev shmem: %s '%s' is not an octal mode", what, s ? s : "");
    return false;
}

/* The @idx-th shmem vdev's share of the gap: split evenly (whole pages) between the guest's. */
static void window(const struct xlate_ctx *x, unsigned idx, uint64_t *base, uint64_t *len)
{
    unsigned n = 0;

    for (size_t i = 0; i < x->cfg->nvdevs; i++)
        n += x->cfg->vdevs[i].type == QC_VDEV_SHMEM;
    *len = ((GAP_END - GAP_BASE) / (n ? n : 1)) & ~(PAGE - 1);
    *base = GAP_BASE + *len * idx;
}

void xlate_place(struct xlate_ctx *x, uint64_t addr, uint64_t len, struct qc_loc loc,
                 const char *type)
{
    struct xlate_placed *p = realloc(x->placed, (x->nplaced + 1) * sizeof(*p));

    if (!p) {
        x->nomem = 1;
        return;
    }
    x->placed = p;
    p[x->nplaced++] = (struct xlate_placed){.addr = addr, .len = len, .loc = loc, .type = type};
}

/* An error at shmem vdev @v naming what the plan put in its window, with a note there. */
static void clash(struct xlate_ctx *x, const struct qc_vdev *v, uint64_t base, uint64_t len,
                  const struct xlate_placed *p)
{
    char what[80];
    int idx;

    snprintf(what, sizeof(what), "%s%s", p->type ? "vdev " : "a passed region",
             p->type ? p->type : "");
    idx = qc_diag(x->d, QC_CK_XLATE_SHMEM_WINDOW, v->loc,
                  "vdev shmem: its region window 0x%" PRIx64 "-0x%" PRIx64
                  " (in the guest-physical gap between Xen's magic pages and RAM) overlaps %s at "
                  "0x%" PRIx64,
                  base, base + len - 1, what, p->addr);
    if (idx >= 0)
        qc_diag_note(x->d, idx, p->loc, "%s is here", what);
}

/* Xen's own regions and guest RAM (placed from 0x40000000) are outside the gap; what the
 * configuration places (backend devices, passed regions) may not be. */
void xlate_shmem_finish(struct xlate_ctx *x)
{
    unsigned idx = 0;

    for (size_t i = 0; x->arm && i < x->cfg->nvdevs; i++) {
        const struct qc_vdev *v = &x->cfg->vdevs[i];
        uint64_t base, len;

        if (v->type != QC_VDEV_SHMEM)
            continue;
        window(x, idx++, &base, &len);
        for (size_t k = 0; k < x->nplaced; k++)
            if (x->placed[k].addr < base + len && base < x->placed[k].addr + x->placed[k].len)
                clash(x, v, base, len, &x->placed[k]);
    }
    free(x->placed);
    x->placed = NULL;
    x->nplaced = 0;
}

/* ",create=NAME:PAGES:MODE[:GID]": SIZE bytes rounded up to 4 KiB pages; MODE as given, else
 * 0666 less the umask before it; GID as given, else the gid before it (qvm 8.0: umask and gid
 * apply to the create options after them). */
static bool put_create(struct xlate_ctx *x, struct spec *b, const struct qc_value *c,
                       unsigned umask, const char *gid, uint64_t win_len)
{
    uint64_t size = c->nnums ? c->nums[0] : 0;
    char opt[64] = "";
    char *comma;
    unsigned mode = 0666 & ~umask;

    if (!value_ok(x, c->loc, "region name", c->str))
        return false;
    if (c->str2 && strlen(c->str2) >= sizeof(opt))
        return value_ok(x, c->loc, "create mode and group (too long)", NULL);
    if (!size || size > win_len - PAGE) {
        qc_diag(x->d, QC_CK_XLATE_SHMEM_WINDOW, c->loc,
                "vdev shmem: region %s of 0x%" PRIx64 " bytes: a region here has 1 to %" PRIu64
                " data pages of 4 KiB (with its control page it must fit this device's window "
                "of 0x%" PRIx64 " bytes)",
                c->str, size, win_len / PAGE - 1, win_len);
        return false;
    }
    if (c->str2)
        snprintf(opt, sizeof(opt), "%s", c->str2);
    comma = strchr(opt, ',');
    if (comma) {
        *comma = 0;
        gid = comma + 1;
    }
    if (c->str2 && !octal_ok(x, c->loc, "create mode", opt, &mode))
        return false;
    if (gid && !value_ok(x, c->loc, "group", gid))
        return false;
    put(b, ",create=%s:%" PRIu64 ":0%o%s%s", c->str, (size + PAGE - 1) / PAGE, mode, gid ? ":" : "",
        gid ? gid : "");
    return true;
}

/* ",subst=PREFIX" from "subst [match],prefix": the broker prefixes every name, so a match part
 * must be empty. */
static bool put_subst(struct xlate_ctx *x, const struct qc_vdev *v, struct spec *b)
{
    const struct qc_value *sub = xlate_vdev_value(v, QC_VOPT_SUBST);
    const char *prefix;

    if (!sub)
        return true;
    prefix = sub->str && sub->str[0] == ',' ? sub->str + 1 : sub->str;
    if (!value_ok(x, sub->loc, "subst (a prefix, or ',prefix')", prefix))
        return false;
    put(b, ",subst=%s", prefix);
    return true;
}

/* The broker's options: allow and deny patterns, regions to create, the name prefix. */
static bool broker_keys(struct xlate_ctx *x, const struct qc_vdev *v, struct spec *b,
                        uint64_t win_len)
{
    static const enum qc_vopt patterns[] = {QC_VOPT_ALLOW, QC_VOPT_DENY};
    const char *gid = NULL;
    unsigned umask = 0;
    bool ok = true;

    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < v->nvalues; i++) {
            const struct qc_value *p = &v->values[i];

            if (p->opt != patterns[k])
                continue;
            if (value_ok(x, p->loc, qc_vopts[p->opt].name, p->str))
                put(b, ",%s=%s", qc_vopts[p->opt].name, p->str);
            else
                ok = false;
        }
    for (size_t i = 0; i < v->nvalues; i++) {
        const struct qc_value *p = &v->values[i];

        if (p->opt == QC_VOPT_UMASK)
            ok &= octal_ok(x, p->loc, "umask", p->str, &umask);
        else if (p->opt == QC_VOPT_GID)
            gid = p->str;
        else if (p->opt == QC_VOPT_CREATE)
            ok &= put_create(x, b, p, umask, gid, win_len);
    }
    ok &= put_subst(x, v, b);
    return ok;
}

/* Whether libxl itself places devices in its virtio window (Xen PV-style virtio disks), where a
 * shmem device without loc would go. */
static bool libxl_uses_window(const struct xlate_ctx *x)
{
    if (!xlate_target_has(x->t, XLATE_CAP(VIRTIO_DISK)) || xlate_virtio_wanted(x))
        return false;
    for (size_t i = 0; i < x->cfg->nvdevs; i++)
        if (x->cfg->vdevs[i].type == QC_VDEV_VIRTIO_BLK)
            return true;
    return false;
}

static bool place(struct xlate_ctx *x, const struct qc_vdev *v, uint64_t *addr, uint32_t *spi,
                  bool *moved)
{
    struct qc_place at;

    if ((!qc_vdev_place(v, &at) || at.space != QC_SPACE_MEM) && libxl_uses_window(x)) {
        qc_diag(x->d, QC_CK_XLATE_SHMEM_WINDOW, v->loc,
                "vdev shmem without a mem loc: libxl's virtio window, where it would go, holds "
                "libxl's virtio disks here; give it loc and intr");
        return false;
    }
    return xlate_mmio_place(x, v, PAGE, addr, spi, moved);
}

static bool add_dt_node(struct xlate_ctx *x, uint64_t addr, uint32_t spi, uint64_t base,
                        uint64_t len)
{
    struct xlate_dt_node *n = xlate_dt_node_add(x);

    if (n)
        *n = (struct xlate_dt_node){.addr = addr,
                                    .len = PAGE,
                                    .spi = spi,
                                    .node = "shmem",
                                    .compatible = "qvm,guest_shm", /* QNX's Linux driver's */
                                    .win_base = base,
                                    .win_len = len};
    return n != NULL;
}

void xlate_map_shmem(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    struct spec b = {0};
    uint64_t base, len, addr;
    uint32_t spi;
    bool moved, ok;
    char what[320];

    window(x, x->nshmem++, &base, &len);
    put(&b, ",window=0x%" PRIx64 "+0x%" PRIx64, base, len);
    ok = broker_keys(x, v, &b, len);
    if (b.nomem) {
        x->nomem = 1;
        free(b.s);
        return;
    }
    if (!ok || !place(x, v, &addr, &spi, &moved)) {
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_SHMEM, "not placed");
        free(b.s);
        return;
    }
    snprintf(what, sizeof(what),
             " (level): the factory page; regions mapped by qvm-xl-shmemd in the window "
             "0x%" PRIx64 "+0x%" PRIx64 "; shmem node (qvm,guest_shm) in the guest's DT%s",
             base, len,
             moved ? "; qvm would put it on PCI or give it no interrupt: placed in libxl's "
                     "virtio window"
                   : "");
    /* The backend line takes the SPI from the vdev's first intr: the placed one if it had none. */
    struct qc_intr placed = {.kind = QC_INTR_PIC, .line = spi, .loc = v->loc};
    struct qc_vdev w = *v;

    w.intrs = &placed;
    w.nintrs = 1;
    if (xlate_vdev_backend(x, &w, comp, XLATE_RULE_VDEV_SHMEM, "mem", addr, b.s, what)) {
        if (moved)
            xlate_diag_last(x, QC_CK_XLATE_DEVICE_MOVED);
        if (!add_dt_node(x, addr, spi, base, len))
            x->nomem = 1;
        xlate_mmio_need_spi(x, v, spi);
    }
    free(b.s);
}

/* The slot for @v's function: its loc's when QEMU could have it and nothing else takes it,
 * else the highest free one (QEMU fills slots from the bottom); 0 when bus 0 is full. */
static unsigned pci_slot(struct xlate_ctx *x, const struct qc_vdev *v, bool *moved)
{
    uint32_t used = x->shmem_slots | 3; /* the host bridge, the PIIX3 */
    unsigned slot = 0, want = 0;
    bool m;

    for (size_t i = 0; i < x->cfg->nvdevs; i++) {
        const struct qc_vdev *o = &x->cfg->vdevs[i];

        if (o != v && o->type != QC_VDEV_SHMEM && xlate_qemu_slot(o, &slot, &m))
            used |= UINT32_C(1) << slot;
    }
    *moved = false;
    if (xlate_qemu_slot(v, &want, moved) && !(used & UINT32_C(1) << want))
        slot = want;
    else {
        *moved = v->has_loc;
        for (slot = 31; slot > 1 && used & UINT32_C(1) << slot; slot--)
            ;
        if (slot < 2)
            return 0;
    }
    x->shmem_slots |= UINT32_C(1) << slot;
    return slot;
}

void xlate_map_shmem_pci(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    struct spec b = {0};
    unsigned slot;
    bool moved, ok;
    char what[256];
    struct qc_vdev w = *v;

    put(&b, ",window=0+0x%" PRIx64, PCI_WINDOW);
    ok = broker_keys(x, v, &b, PCI_WINDOW);
    if (b.nomem) {
        x->nomem = 1;
        free(b.s);
        return;
    }
    slot = ok ? pci_slot(x, v, &moved) : 0;
    if (ok && !slot)
        qc_diag(x->d, QC_CK_XLATE_SHMEM_WINDOW, v->loc,
                "vdev shmem: no free PCI slot on bus 0 for its function");
    if (!slot) {
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_SHMEM, "not placed");
        free(b.s);
        return;
    }
    snprintf(
        what, sizeof(what),
        ": the factory page in BAR0, a 0x%" PRIx64 "-byte region window in BAR2 whose data "
        "pages the backend emulates from qvm-xl-shmemd's memory (each access traps)%s",
        PCI_WINDOW,
        moved ? "; its loc's slot is taken or not on QEMU's bus (0, slots 2-31, function 0): moved"
              : "");
    w.nintrs = 0; /* a PCI function interrupts through its INTA */
    if (xlate_vdev_backend(x, &w, comp, XLATE_RULE_VDEV_SHMEM, "pci", slot, b.s, what) && moved)
        xlate_diag_last(x, QC_CK_XLATE_DEVICE_MOVED);
    free(b.s);
}
