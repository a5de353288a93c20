/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio vdevs as virtio: virtio-mmio served by qvm-xl-backend on ARM (at the configuration's loc
 * and intr, described in the guest's DT), QEMU's virtio-*-pci for x86 HVM guests. The Xen PV
 * mappings stay in map-vdev.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/map-internal.h"

#define GiB             (UINT64_C(1) << 30)
#define ARM_RAM0        UINT64_C(0x40000000)
#define ARM_RAM0_SIZE   (3 * GiB)
#define ARM_RAM1        UINT64_C(0x200000000)
#define VIRTIO_MMIO_LEN UINT64_C(0x200) /* as libxl's virtio nodes and the backend's device */

/* Where a virtio vdev without a mem loc goes (qvm puts it on PCI, which Xen's ARM guests do not
 * have): libxl's own virtio-mmio window and SPIs (arch-arm.h GUEST_VIRTIO_MMIO_*), which no other
 * device of a qvm-xl guest uses. */
#define ARM_VIRTIO_BASE   UINT64_C(0x02000000)
#define ARM_VIRTIO_SIZE   UINT64_C(0x00100000)
#define ARM_VIRTIO_SPI    33u
#define ARM_SPI_4_17_LAST 63u      /* Xen 4.17's vGIC: one bank of 32 SPIs when the vuart is on */
#define ARM_SPI_LAST      991u     /* GIC: 1020 interrupt IDs, less the 32 local ones, less 1 */
#define QX_DEFAULT_BRIDGE "xenbr0" /* libxl's default vif bridge */

static bool xlate_virtio_qemu(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp);

/* Whether virtio vdevs are given to the guest as virtio (not as Xen PV devices): ARM with ioreq
 * servers (qvm-xl-backend), x86 HVM (QEMU). A PVH guest has no PCI bus and no interrupt
 * controller for a virtio-mmio device. */
bool xlate_virtio_wanted(const struct xlate_ctx *x)
{
    if (x->t->prefer_pv)
        return false;
    return x->arm ? xlate_target_has(x->t, XLATE_CAP(IOREQ)) : x->hvm;
}

/* Whether SPI @spi is taken by another device of the configuration (a vdev's or a pass's intr,
 * or one of those this pass placed). */
static bool spi_taken(const struct xlate_ctx *x, uint32_t spi)
{
    const struct qc_config *cfg = x->cfg;

    if (spi == 32) /* the vuart's */
        return true;
    for (size_t i = 0; i < cfg->nvdevs; i++)
        for (size_t k = 0; k < cfg->vdevs[i].nintrs; k++)
            if (cfg->vdevs[i].intrs[k].kind == QC_INTR_PIC && cfg->vdevs[i].intrs[k].line == spi)
                return true;
    for (size_t i = 0; i < cfg->npasses; i++)
        for (size_t k = 0; k < cfg->passes[i].nintrs; k++)
            if (cfg->passes[i].intrs[k].line == spi)
                return true;
    for (size_t i = 0; i < x->ndt_nodes; i++)
        if (x->dt_nodes[i].spi == spi)
            return true;
    return false;
}

/* The guest address and SPI of @v, a device of @len bytes (a power of two): its own, or the next
 * free ones of libxl's virtio window (each device aligned to its size). Returns false after an
 * error diagnostic. */
bool xlate_mmio_place(struct xlate_ctx *x, const struct qc_vdev *v, uint64_t len, uint64_t *addr,
                      uint32_t *spi, bool *moved)
{
    struct qc_place at;
    bool mem = qc_vdev_place(v, &at) && at.space == QC_SPACE_MEM;

    *moved = !mem;
    if (mem) {
        *addr = at.addr;
    } else {
        uint64_t off = (x->mmio_window_used + len - 1) & ~(len - 1);

        *addr = ARM_VIRTIO_BASE + off;
        if (off + len > ARM_VIRTIO_SIZE) {
            qc_diag(x->d, QC_CK_XLATE_VIRTIO_IRQ, v->loc,
                    "vdev %s: no room left in the virtio-mmio window; give it a loc", v->type_name);
            return false;
        }
        x->mmio_window_used = off + len;
    }
    if (v->nintrs && v->intrs[0].kind == QC_INTR_PIC) {
        *spi = v->intrs[0].line;
    } else {
        uint32_t s = ARM_VIRTIO_SPI;

        while (s <= ARM_SPI_LAST && spi_taken(x, s))
            s++;
        *spi = s;
        *moved = true;
    }
    if (*spi <= 32 || *spi > ARM_SPI_LAST) {
        qc_diag(x->d, QC_CK_XLATE_VIRTIO_IRQ, v->nintrs ? v->intrs[0].loc : v->loc,
                "vdev %s: interrupt %u is not an SPI a guest's GIC can give it (33-%u; 32 is "
                "Xen's vuart's)",
                v->type_name, *spi, ARM_SPI_LAST);
        return false;
    }
    return true;
}

/* ",ram=BASE:SIZE" for each of Xen's RAM banks the guest has: the only guest memory the
 * device's queues may name. */
static void ram_keys(const struct xlate_ctx *x, char *buf, size_t len)
{
    uint64_t total = x->dc->b_info.max_memkb * UINT64_C(1024);
    uint64_t bank0 = total < ARM_RAM0_SIZE ? total : ARM_RAM0_SIZE;
    int n = snprintf(buf, len, ",ram=0x%" PRIx64 ":0x%" PRIx64, ARM_RAM0, bank0);

    if (total > bank0 && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ",ram=0x%" PRIx64 ":0x%" PRIx64, ARM_RAM1,
                 total - bank0);
}

/* A Linux interface name the backend can open: 1-15 bytes, no '/', ':', '%', ',', '=', blank. */
static bool ifname_ok(const char *s)
{
    return s && s[0] && strlen(s) < 16 && !strpbrk(s, "/:%,= \t\n");
}

/* The device's own keys (net: its MAC, host link and index among the domain's virtio-nets, which
 * names its tap). Returns false after a diagnostic. */
static bool device_keys(struct xlate_ctx *x, const struct qc_vdev *v, char *buf, size_t len)
{
    const struct qc_value *mac = xlate_vdev_value(v, QC_VOPT_MAC);
    const struct qc_value *tap = xlate_vdev_value(v, QC_VOPT_TAPDEV);
    uint8_t m[6];
    int n;

    buf[0] = 0;
    if (v->type == QC_VDEV_VIRTIO_BLK) {
        const struct qc_value *hd = xlate_vdev_value(v, QC_VOPT_HOSTDEV);

        if (!hd || !hd->str || !hd->str[0] || !strcmp(hd->str, "<")) {
            qc_diag(x->d, QC_CK_XLATE_VDEV_HOSTDEV, v->loc,
                    "virtio-blk without hostdev: no disk image to serve");
            return false;
        }
    }
    if (v->type != QC_VDEV_VIRTIO_NET)
        return true;
    if (!xlate_vdev_mac(x, mac, m))
        return false;
    if (tap && !ifname_ok(tap->str)) {
        qc_diag(x->d, QC_CK_XLATE_VDEV_HOSTDEV, tap->loc,
                "tapdev '%s': a host interface name is 1-15 bytes without '/', ':', '%%', ',', "
                "'=' or blanks",
                tap->str ? tap->str : "");
        return false;
    }
    n = snprintf(buf, len, ",index=%u%s%s", x->nvirtio_net++, mac ? ",mac=" : "",
                 mac ? mac->str : "");
    if (n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, tap ? ",tap=%s" : ",bridge=%s",
                 tap ? tap->str : QX_DEFAULT_BRIDGE);
    return true;
}

/* What a virtio-net's peer link (qvm's guest-to-guest p2p) becomes: nothing; said in the report. */
static const char *peer_text(const struct qc_vdev *v)
{
    return v->type == QC_VDEV_VIRTIO_NET && xlate_vdev_value(v, QC_VOPT_PEER)
               ? "; peer link not reproduced (a bridge instead)"
               : "";
}

void xlate_mmio_need_spi(struct xlate_ctx *x, const struct qc_vdev *v, uint32_t spi)
{
    if (spi > x->virtio_spi_max) {
        x->virtio_spi_max = spi;
        x->virtio_spi_loc = v->nintrs ? v->intrs[0].loc : v->loc;
        x->virtio_spi_dev = v->type == QC_VDEV_SHMEM ? "the shmem device's" : "a virtio device's";
    }
}

static bool add_dt_node(struct xlate_ctx *x, uint64_t addr, uint32_t spi)
{
    struct xlate_dt_node *n = xlate_dt_node_add(x);

    if (n)
        *n = (struct xlate_dt_node){.addr = addr,
                                    .len = VIRTIO_MMIO_LEN,
                                    .spi = spi,
                                    .node = "virtio",
                                    .compatible = "virtio,mmio",
                                    .dma_coherent = true};
    return n != NULL;
}

bool xlate_virtio_mmio(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp,
                       enum xlate_rule rule)
{
    char extra[256], dev[160], what[256];
    uint64_t addr;
    uint32_t spi;
    bool moved;
    size_t used;

    if (!xlate_virtio_wanted(x))
        return false;
    if (!x->arm)
        return xlate_virtio_qemu(x, v, comp);
    if (!xlate_mmio_place(x, v, VIRTIO_MMIO_LEN, &addr, &spi, &moved) ||
        !device_keys(x, v, dev, sizeof(dev))) {
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, rule, "not placed");
        return true;
    }
    ram_keys(x, extra, sizeof(extra));
    used = strlen(extra);
    snprintf(extra + used, sizeof(extra) - used, "%s", dev);
    snprintf(what, sizeof(what), " (level): virtio-mmio, virtio,mmio node in the guest's DT%s%s",
             moved ? "; qvm would put it on PCI or give it no interrupt: placed in libxl's "
                     "virtio window"
                   : "",
             peer_text(v));
    /* The backend line takes the SPI from the vdev's first intr: the placed one if it had none. */
    struct qc_intr placed = {.kind = QC_INTR_PIC, .line = spi, .loc = v->loc};
    struct qc_vdev w = *v;

    w.intrs = &placed;
    w.nintrs = 1;
    if (!xlate_vdev_backend(x, &w, comp, rule, "mem", addr, extra, what))
        return true;
    if (moved)
        xlate_diag_last(x, QC_CK_XLATE_DEVICE_MOVED);
    if (!add_dt_node(x, addr, spi))
        x->nomem = 1;
    xlate_mmio_need_spi(x, v, spi);
    return true;
}

/* After every vdev: the guest's vGIC must have the SPIs of the virtio (and shmem) devices.
 * Xen 4.19+'s libxl takes nr_spis; 4.17's sizes the vGIC from irqs= and the vuart, whose one SPI
 * (32) gives a bank of 32 (SPIs 32-63). */
void xlate_virtio_finish(struct xlate_ctx *x)
{
    uint32_t spi = x->virtio_spi_max;

    if (!spi)
        return;
#ifdef LIBXL_HAVE_BUILDINFO_ARCH_NR_SPIS
    if (x->t->xen_major > 4 || x->t->xen_minor >= 19) {
        if (x->dc->b_info.arch_arm.nr_spis < spi - 31)
            x->dc->b_info.arch_arm.nr_spis = spi - 31;
        xlate_note(x, x->virtio_spi_loc, "vgic", XLATE_EXACT, XLATE_RULE_VDEV_VIRTIO_MMIO,
                   "nr_spis=%u: the guest's GIC has SPIs up to %u",
                   (unsigned)x->dc->b_info.arch_arm.nr_spis, spi);
        return;
    }
#endif
    if (spi > ARM_SPI_4_17_LAST) {
        bool new_xen = x->t->xen_major > 4 || x->t->xen_minor >= 19;

        qc_diag(x->d, QC_CK_XLATE_VIRTIO_IRQ, x->virtio_spi_loc,
                "SPI %u: an ARM guest has SPIs 32-%u only %s; pick an interrupt in gic:33-%u", spi,
                ARM_SPI_4_17_LAST,
                new_xen ? "when qvm-xl is built against a libxl without nr_spis (before 4.19)"
                        : "on Xen before 4.19 (no nr_spis)",
                ARM_SPI_4_17_LAST);
        return;
    }
    if (x->dc->b_info.arch_arm.vuart != LIBXL_VUART_TYPE_SBSA_UART &&
        !xlate_target_has(x->t, XLATE_CAP(VPL011))) {
        qc_diag(x->d, QC_CK_XLATE_VIRTIO_IRQ, x->virtio_spi_loc,
                "SPI %u: Xen %u.%u's libxl gives an ARM guest SPIs only with its vuart (or "
                "irqs=), and the target has no vpl011",
                spi, x->t->xen_major, x->t->xen_minor);
        return;
    }
    if (x->dc->b_info.arch_arm.vuart != LIBXL_VUART_TYPE_SBSA_UART) {
        x->dc->b_info.arch_arm.vuart = LIBXL_VUART_TYPE_SBSA_UART;
        x->vuart_used = true;
        xlate_note(x, x->virtio_spi_loc, "vgic", XLATE_APPROXIMATE, XLATE_RULE_VDEV_VIRTIO_MMIO,
                   "vuart=\"sbsa_uart\" added: with it Xen %u.%u's libxl gives the guest SPIs "
                   "32-%u, and SPI %u is %s (the guest's DT also shows the UART)",
                   x->t->xen_major, x->t->xen_minor, ARM_SPI_4_17_LAST, spi, x->virtio_spi_dev);
    }
}

/* ---- x86 HVM: QEMU's virtio-*-pci ---- */

/* QEMU's option syntax: a ',' in a value is written ",,". NULL on ENOMEM. */
static char *qemu_escape(const char *s)
{
    size_t n = strlen(s), k = 0;
    char *out = malloc(2 * n + 1);

    for (size_t i = 0; out && i <= n; i++) {
        out[k++] = s[i];
        if (s[i] == ',')
            out[k++] = ',';
    }
    return out;
}

/* The slot of a PCI loc QEMU can honour: bus 0 (QEMU's i440fx has one), function 0, slots 2-31
 * (0 and 1 are the host bridge's and the PIIX3's; qvm's own bus has them free, so real
 * configurations use pci:0:1), and not a NIC's (libxl picks a NIC's slot). False, with *moved
 * when @v has a PCI loc QEMU cannot take. */
bool xlate_qemu_slot(const struct qc_vdev *v, unsigned *slot, bool *moved)
{
    struct qc_place at;

    *moved = false;
    if (!v->has_loc || !qc_vdev_place(v, &at) || at.space != QC_SPACE_PCI_BDF)
        return false;
    if (at.bus != 0 || at.dev < 2 || at.dev > 31 || (at.has_func && at.func) ||
        v->type == QC_VDEV_VIRTIO_NET) {
        *moved = true;
        return false;
    }
    *slot = at.dev;
    return true;
}

/* ",addr=0xD" for a slot QEMU can honour, otherwise "" (QEMU picks the slot). */
static void pci_addr(const struct qc_vdev *v, char *buf, size_t len, bool *moved)
{
    unsigned slot;

    buf[0] = 0;
    if (xlate_qemu_slot(v, &slot, moved))
        snprintf(buf, len, ",addr=0x%x", slot);
}

static void dm_args(struct xlate_ctx *x, const char *a, const char *b)
{
    libxl_string_list *sl = &x->dc->b_info.extra_hvm;

    xlate_check(x, xlate_string_list_append(sl, a));
    xlate_check(x, xlate_string_list_append(sl, b));
}

/* The file a hostdev names for QEMU: ">PATH" or "PATH" (read-write, blk), "<PATH" (read-only). */
static const struct qc_value *hostdev(const struct qc_vdev *v)
{
    const struct qc_value *hd = xlate_vdev_value(v, QC_VOPT_HOSTDEV);

    return hd && hd->str && hd->str[0] && strcmp(hd->str, "<") && strcmp(hd->str, ">") ? hd : NULL;
}

static void qemu_blk(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp,
                     enum xlate_rule rule, const char *addr)
{
    const struct qc_value *hd = hostdev(v);
    bool ro = hd && hd->str[0] == '<';
    char *path = hd ? qemu_escape(hd->str + (ro || hd->str[0] == '>')) : NULL;
    char *drive = NULL, *dev = NULL;
    unsigned n = x->nvirtio_qemu++;

    if (!hd) {
        qc_diag(x->d, QC_CK_XLATE_VDEV_HOSTDEV, v->loc,
                "virtio-blk without hostdev: no disk image to give QEMU");
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, rule, "no hostdev");
        return;
    }
    if (!path ||
        asprintf(&drive, "file=%s,if=none,id=qvmblk%u,format=raw%s", path, n,
                 ro ? ",readonly=on" : "") < 0 ||
        asprintf(&dev, "virtio-blk-pci,drive=qvmblk%u%s", n, addr) < 0) {
        x->nomem = 1;
    } else {
        dm_args(x, "-drive", drive);
        dm_args(x, "-device", dev);
        xlate_note(x, v->loc, comp, XLATE_EXACT, rule,
                   "QEMU's virtio-blk-pci%s, %s %s (device_model_args_hvm)", addr,
                   ro ? "read-only" : "read-write", hd->str + (ro || hd->str[0] == '>'));
    }
    free(path);
    free(drive);
    free(dev);
}

/* A virtio-serial controller with one virtconsole on a QEMU chardev: the file of "hostdev >PATH"
 * (output only), else a pty (input and output; qvm's stdio has no counterpart). */
static void qemu_console(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp,
                         enum xlate_rule rule, const char *addr)
{
    const struct qc_value *hd = hostdev(v);
    bool file = hd && hd->str[0] == '>' && strcmp(hd->str, ">-") && hd->str[1] != '"';
    char *path = file ? qemu_escape(hd->str + 1) : NULL;
    char *chr = NULL, *ser = NULL, *con = NULL;
    unsigned n = x->nvirtio_qemu++;
    int r = file ? (path ? asprintf(&chr, "file,id=qvmcon%u,path=%s", n, path) : -1)
                 : asprintf(&chr, "pty,id=qvmcon%u", n);

    if (r < 0 || asprintf(&ser, "virtio-serial-pci,id=qvmvser%u%s", n, addr) < 0 ||
        asprintf(&con, "virtconsole,chardev=qvmcon%u,bus=qvmvser%u.0", n, n) < 0) {
        x->nomem = 1;
    } else {
        dm_args(x, "-chardev", chr);
        dm_args(x, "-device", ser);
        dm_args(x, "-device", con);
        xlate_note(x, v->loc, comp, file || !hd ? XLATE_EXACT : XLATE_APPROXIMATE, rule,
                   "QEMU's virtio-serial-pci%s with a virtconsole on %s (device_model_args_hvm)",
                   addr, file ? hd->str + 1 : "a pty");
        if (hd && !file)
            xlate_diag_last(x, QC_CK_XLATE_CONSOLE_REDIRECTED);
    }
    free(path);
    free(chr);
    free(ser);
    free(con);
}

/* QEMU's virtio-net-pci on the default bridge, without a Xen PV vif (type=ioemu). libxl names
 * the device from model= and picks its slot. */
static void qemu_net(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp,
                     enum xlate_rule rule)
{
    char dev[160];
    libxl_device_nic *nic;

    if (!device_keys(x, v, dev, sizeof(dev))) {
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, rule, "not expressible");
        return;
    }
    nic = xlate_add_nic(x->dc);
    if (!nic) {
        x->nomem = 1;
        return;
    }
    nic->nictype =
        LIBXL_NIC_TYPE_VIF_IOEMU; /* QEMU's NIC; Linux unplugs only its own emulated ones */
    xlate_check(x, xlate_set_string(&nic->model, "virtio-net-pci"));
    {
        const struct qc_value *mac = xlate_vdev_value(v, QC_VOPT_MAC);

        if (mac)
            xlate_mac_parse(mac->str, nic->mac); /* checked by device_keys */
    }
    xlate_note(x, v->loc, comp, peer_text(v)[0] ? XLATE_APPROXIMATE : XLATE_EXACT, rule,
               "vif %d model=virtio-net-pci: QEMU's virtio-net-pci on the default bridge%s",
               nic->devid, peer_text(v));
}

static bool xlate_virtio_qemu(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    char addr[32];
    bool moved;

    pci_addr(v, addr, sizeof(addr), &moved);
    if (v->type == QC_VDEV_VIRTIO_BLK)
        qemu_blk(x, v, comp, XLATE_RULE_VDEV_VIRTIO_PCI, addr);
    else if (v->type == QC_VDEV_VIRTIO_CONSOLE)
        qemu_console(x, v, comp, XLATE_RULE_VDEV_VIRTIO_PCI, addr);
    else
        qemu_net(x, v, comp, XLATE_RULE_VDEV_VIRTIO_PCI);
    if (moved) {
        xlate_note(x, v->locspec.loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_VIRTIO_PCI,
                   "loc pci:%u:%u: QEMU picks the slot (its bus 0, slots 2-31, function 0 only%s)",
                   v->locspec.guest.bus, v->locspec.guest.dev,
                   v->type == QC_VDEV_VIRTIO_NET ? "; never for a NIC" : "");
        xlate_diag_last(x, QC_CK_XLATE_DEVICE_MOVED);
    }
    return true;
}
