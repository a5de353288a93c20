/* SPDX-License-Identifier: LGPL-2.1-only */
/* vdevs: one handler per qvm vdev type (the table at the end), native Xen device or backend. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/map-internal.h"

typedef void vdev_fn(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp);

const struct qc_value *xlate_vdev_value(const struct qc_vdev *v, enum qc_vopt opt)
{
    const struct qc_value *last = NULL;

    for (size_t i = 0; i < v->nvalues; i++)
        if (v->values[i].opt == opt)
            last = &v->values[i];
    return last;
}

static void unsupported(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp,
                        enum qc_severity sev, enum xlate_rule rule, const char *why)
{
    qc_diag_sev(x->d, sev, QC_CK_XLATE_VDEV_UNSUPPORTED, v->loc, "vdev %s: %s", v->type_name, why);
    xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, rule, "%s", why);
}

/* ---- qvm-xl-backend devices (docs/backends.md spelling) ---- */

/* ",hostdev=..." for each hostdev, or -1 after an error diagnostic. */
static int hostdev_keys(struct xlate_ctx *x, const struct qc_vdev *v, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = 0;
    for (size_t i = 0; i < v->nvalues; i++) {
        const struct qc_value *hv = &v->values[i];
        const char *p = hv->str;
        int n;

        if (hv->opt != QC_VOPT_HOSTDEV || !p)
            continue;
        if (strchr(p, ',') || strchr(p, '|') || strchr(p, '=')) {
            qc_diag(x->d, QC_CK_XLATE_VDEV_HOSTDEV, hv->loc,
                    "hostdev '%s': qvm-xl-backend takes a path, '-' or 'pty' (no commands, "
                    "',' or '=')",
                    p);
            return -1;
        }
        n = snprintf(buf + used, len - used, ",hostdev=%s", p);
        if (n < 0 || (size_t)n >= len - used) {
            qc_diag(x->d, QC_CK_XLATE_VDEV_HOSTDEV, hv->loc, "hostdev too long");
            return -1;
        }
        used += (size_t)n;
    }
    return 0;
}

/* ",spi=N" / ",isa-irq=N" from the vdev's first intr, "" for polled mode. */
static const char *irq_key(struct xlate_ctx *x, const struct qc_vdev *v, char *buf, size_t len)
{
    buf[0] = 0;
    if (!v->nintrs || v->intrs[0].kind != QC_INTR_PIC)
        return "polled";
    if (x->arm)
        snprintf(buf, len, ",spi=%u", v->intrs[0].line);
    else if (x->hvm && v->intrs[0].line < 16)
        snprintf(buf, len, ",isa-irq=%u", v->intrs[0].line);
    else
        return "polled (PVH has no IOAPIC)";
    return buf + 1;
}

bool xlate_vdev_backend(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp,
                        enum xlate_rule rule, const char *space, uint64_t addr, const char *extra,
                        const char *what)
{
    char hostdev[1024], irq[32];
    const char *irqtext;

    if (!xlate_target_has(x->t, XLATE_CAP(IOREQ))) {
        qc_diag(x->d, QC_CK_XLATE_BACKEND, v->loc,
                "vdev %s needs qvm-xl-backend, and the target has no ioreq servers", v->type_name);
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_BACKEND_CAP,
                   "no ioreq servers on the target");
        return false;
    }
    if (hostdev_keys(x, v, hostdev, sizeof(hostdev))) {
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_BACKEND_CAP,
                   "hostdev not expressible");
        return false;
    }
    if (x->arm && !strcmp(space, "mem"))
        xlate_place(x, addr, 0x1000, v->loc, v->type_name); /* a page: the least a device takes */
    if (!strcmp(space, "pci")) { /* @addr is the slot on bus 0; the interrupt is its INTA */
        xlate_backend(x, v->loc, "%s,pci=0:%" PRIu64 "%s%s", v->type_name, addr, hostdev, extra);
        xlate_note(x, v->loc, comp, XLATE_BACKEND, rule,
                   "qvm-xl-backend %s as PCI function 0:%" PRIu64 ".0, interrupt INTA%s",
                   v->type_name, addr, what);
        return true;
    }
    irqtext = irq_key(x, v, irq, sizeof(irq));
    xlate_backend(x, v->loc, "%s,%s=0x%" PRIx64 "%s%s%s", v->type_name, space, addr, hostdev, irq,
                  extra);
    xlate_note(x, v->loc, comp, XLATE_BACKEND, rule,
               "qvm-xl-backend %s at %s 0x%" PRIx64 ", interrupt %s%s", v->type_name, space, addr,
               irqtext, what);
    return true;
}

/* ---- interrupt controllers and PC devices ---- */

static void map_gic(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    const struct qc_value *ver = xlate_vdev_value(v, QC_VOPT_VERSION);
    unsigned n = ver && ver->nnums ? (unsigned)ver->nums[0] : 0;
    bool moved = v->has_loc || xlate_vdev_value(v, QC_VOPT_GICC) ||
                 xlate_vdev_value(v, QC_VOPT_GICD) || xlate_vdev_value(v, QC_VOPT_GICR);

    if (!n && (xlate_vdev_value(v, QC_VOPT_GICR) || xlate_vdev_value(v, QC_VOPT_ITS)))
        n = 3;
    if (n && n != 2 && n != 3) {
        qc_diag(x->d, QC_CK_XLATE_GIC, v->loc, "GIC version %u: Xen offers v2 or v3", n);
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_GIC, "version %u", n);
        return;
    }
    if (n && !xlate_target_has(x->t, n == 2 ? XLATE_CAP(GICV2) : XLATE_CAP(GICV3))) {
        qc_diag(x->d, QC_CK_XLATE_GIC, v->loc, "the target cannot give guests a vGICv%u", n);
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_GIC,
                   "vGICv%u not on the target", n);
        return;
    }
    x->dc->b_info.arch_arm.gic_version = n == 2   ? LIBXL_GIC_VERSION_V2
                                         : n == 3 ? LIBXL_GIC_VERSION_V3
                                                  : LIBXL_GIC_VERSION_DEFAULT;
    if (xlate_vdev_value(v, QC_VOPT_ITS) || xlate_vdev_value(v, QC_VOPT_MSI))
        unsupported(x, v, comp, QC_SEV_WARNING, XLATE_RULE_VDEV_GIC,
                    "no ITS or GICv2m MSI frame for Xen 4.17 guests");
    if (n) {
        xlate_note(x, v->loc, comp, moved ? XLATE_APPROXIMATE : XLATE_EXACT, XLATE_RULE_VDEV_GIC,
                   "gic_version=\"v%u\"%s", n,
                   moved ? "; registers at Xen's addresses (GICD 0x03001000), in the DT" : "");
        if (moved)
            xlate_diag_last(x, QC_CK_XLATE_DEVICE_MOVED);
    } else
        xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_GIC,
                   "no version: libxl picks the host's; registers at Xen's addresses");
}

/* Standard PC address of each legacy device Xen's HVM platform provides. */
static void map_legacy_pc(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    uint64_t std = 0, alt = 0;
    struct qc_place at;

    switch (v->type) {
    case QC_VDEV_IOAPIC:
        std = 0xfec00000;
        break;
    case QC_VDEV_I8259:
        std = 0x20, alt = 0xa0;
        break;
    case QC_VDEV_TIMER8254:
        std = 0x40;
        break;
    case QC_VDEV_MC146818:
        std = 0x70;
        break;
    default: /* pckeyboard */
        std = 0x60;
        break;
    }
    if (!x->hvm) {
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_LEGACY_PC,
                   "needs HVM, which the target lacks");
        return;
    }
    if (qc_vdev_place(v, &at) && at.addr != std && at.addr != (alt ? alt : std)) {
        xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_LEGACY_PC,
                   "Xen's HVM %s is at 0x%" PRIx64 ", not 0x%" PRIx64, v->type_name, std, at.addr);
        xlate_diag_last(x, QC_CK_XLATE_DEVICE_MOVED);
    } else
        xlate_note(x, v->loc, comp, XLATE_EXACT, XLATE_RULE_VDEV_LEGACY_PC,
                   "built into Xen's HVM platform%s",
                   v->type == QC_VDEV_PCKEYBOARD ? " (QEMU's i8042)" : "");
}

static void map_hpet(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    struct qc_place at;
    bool differs = (qc_vdev_place(v, &at) && at.addr != 0xfed00000) ||
                   xlate_vdev_value(v, QC_VOPT_FREQUENCY) ||
                   xlate_vdev_value(v, QC_VOPT_LEGACY_FREE);

    if (!x->hvm) {
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_HPET,
                   "needs HVM, which the target lacks");
        return;
    }
    libxl_defbool_set(&x->dc->b_info.u.hvm.hpet, true);
    xlate_note(x, v->loc, comp, differs ? XLATE_APPROXIMATE : XLATE_EXACT, XLATE_RULE_VDEV_HPET,
               "hpet=1%s",
               differs ? ": Xen's HPET is at 0xfed00000 (ACPI), 14.318 MHz, legacy capable" : "");
}

/* ---- serial and console ---- */

static void map_pl011(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    if (x->arm && !x->vuart_used && xlate_target_has(x->t, XLATE_CAP(VPL011))) {
        /* Xen's vpl011 sits at GUEST_PL011_BASE with GUEST_VPL011_SPI (arch-arm.h). */
        bool at_base = v->locspec.guest.addr == 0x22000000;
        bool spi32 = v->nintrs && v->intrs[0].kind == QC_INTR_PIC && v->intrs[0].line == 32;
        bool hostdev = xlate_vdev_value(v, QC_VOPT_HOSTDEV) != NULL;

        x->vuart_used = true;
        x->dc->b_info.arch_arm.vuart = LIBXL_VUART_TYPE_SBSA_UART;
        if (at_base && spi32 && !hostdev) {
            xlate_note(x, v->loc, comp, XLATE_EXACT, XLATE_RULE_VDEV_PL011,
                       "vuart=\"sbsa_uart\" at 0x22000000/SPI 32; output via xenconsoled (xl "
                       "console -t vuart)");
        } else if (!at_base) {
            xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_PL011,
                       "vuart=\"sbsa_uart\" at 0x22000000/SPI 32 (in the DT) instead of 0x%" PRIx64
                       "; output via xenconsoled (xl console -t vuart), not hostdev",
                       v->locspec.guest.addr);
            xlate_diag_last(x, QC_CK_XLATE_DEVICE_MOVED);
        } else if (!spi32) {
            char irq[32] = "polled mode";

            if (v->nintrs && v->intrs[0].kind == QC_INTR_PIC)
                snprintf(irq, sizeof(irq), "SPI %u", v->intrs[0].line);
            xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_PL011,
                       "vuart=\"sbsa_uart\" at 0x22000000 with SPI 32 (in the DT) instead of %s"
                       "; output via xenconsoled (xl console -t vuart)%s",
                       irq, hostdev ? ", not hostdev" : "");
            xlate_diag_last(x, QC_CK_XLATE_DEVICE_MOVED);
        } else {
            xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_PL011,
                       "vuart=\"sbsa_uart\" at 0x22000000/SPI 32; output via xenconsoled (xl "
                       "console -t vuart), not hostdev");
            xlate_diag_last(x, QC_CK_XLATE_CONSOLE_REDIRECTED);
        }
        return;
    }
    xlate_vdev_backend(x, v, comp, XLATE_RULE_VDEV_PL011, "mem", v->locspec.guest.addr, "",
                       x->vuart_used ? " (Xen's vuart is taken)" : "");
}

static void map_ser8250(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    static const uint64_t com[4] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
    struct qc_place at;
    uint64_t port = qc_vdev_place(v, &at) ? at.addr : com[0];
    const struct qc_value *out = NULL;

    if (x->hvm && x->nserial < 4 && port == com[x->nserial]) {
        char *dev = NULL;
        int rc;

        for (size_t i = 0; i < v->nvalues; i++)
            if (v->values[i].opt == QC_VOPT_HOSTDEV && v->values[i].str &&
                v->values[i].str[0] == '>' && v->values[i].str[1] &&
                strcmp(v->values[i].str, ">-") && v->values[i].str[1] != '"')
                out = &v->values[i];
        if (out)
            rc = asprintf(&dev, "file:%s", out->str + 1);
        else
            rc = asprintf(&dev, "pty");
        if (rc < 0) {
            x->nomem = 1;
            return;
        }
        xlate_check(x, xlate_string_list_append(&x->dc->b_info.u.hvm.serial_list, dev));
        xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_SER8250,
                   "QEMU's 16550 COM%d at 0x%" PRIx64 ", serial \"%s\"", x->nserial + 1, port, dev);
        if (xlate_vdev_value(v, QC_VOPT_HOSTDEV) && !out) /* qvm's input or stdout: a pty here */
            xlate_diag_last(x, QC_CK_XLATE_CONSOLE_REDIRECTED);
        free(dev);
        x->nserial++;
        return;
    }
    xlate_vdev_backend(x, v, comp, XLATE_RULE_VDEV_SER8250, x->arm ? "mem" : "io", port, "",
                       x->hvm ? " (not QEMU's: another COM order)" : "");
}

static void map_console(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    libxl_device_channel *ch;
    char name[64];

    if (xlate_virtio_mmio(x, v, comp, XLATE_RULE_VDEV_VIRTIO_MMIO))
        return;
    if (!x->pv_console_used) {
        x->pv_console_used = true;
        xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_CONSOLE,
                   "the Xen PV console (hvc0, xl console): the guest needs Xen console "
                   "drivers; hostdev is xenconsoled's");
        xlate_diag_last(x, QC_CK_XLATE_DEVICE_CHANGED);
        return;
    }
    ch = xlate_add_channel(x->dc);
    if (!ch) {
        x->nomem = 1;
        return;
    }
    if (v->name)
        snprintf(name, sizeof(name), "%s", v->name);
    else
        snprintf(name, sizeof(name), "qvm.console.%d", x->dc->num_channels - 1);
    xlate_check(x, xlate_set_string(&ch->name, name));
    ch->connection = LIBXL_CHANNEL_CONNECTION_PTY;
    xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_CONSOLE,
               "channel name=%s on a pty (Xen PV console protocol)", name);
    xlate_diag_last(x, QC_CK_XLATE_DEVICE_CHANGED);
}

/* ---- block and network ---- */

static void map_blk(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    const struct qc_value *hd = xlate_vdev_value(v, QC_VOPT_HOSTDEV);
    libxl_device_disk *disk;
    const char *path;
    bool virtio = x->arm && xlate_target_has(x->t, XLATE_CAP(VIRTIO_DISK)) && !x->t->prefer_pv;
    char vdev[16];

    if (xlate_virtio_mmio(x, v, comp, XLATE_RULE_VDEV_VIRTIO_MMIO))
        return;
    if (!hd || !hd->str || !hd->str[0] || (hd->str[0] == '<' && !hd->str[1])) {
        qc_diag(x->d, QC_CK_XLATE_VDEV_HOSTDEV, v->loc,
                "virtio-blk without hostdev: no disk image to give Xen");
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_BLK, "no hostdev");
        return;
    }
    path = hd->str[0] == '<' ? hd->str + 1 : hd->str;
    disk = xlate_add_disk(x->dc);
    if (!disk) {
        x->nomem = 1;
        return;
    }
    if (x->ndisks >= XLATE_MAX_DISKS) {
        qc_diag(x->d, QC_CK_XLATE_VDEV_DISK, v->loc,
                "more than %d disks: Xen's extended disk numbers end there", XLATE_MAX_DISKS);
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_BLK, "too many disks");
        return;
    }
    xlate_disk_name(vdev, sizeof(vdev), (unsigned)x->ndisks++);
    xlate_check(x, xlate_set_string(&disk->vdev, vdev));
    xlate_check(x, xlate_set_string(&disk->pdev_path, path));
    disk->format = LIBXL_DISK_FORMAT_RAW;
    disk->readwrite = hd->str[0] != '<';
    if (virtio) {
        disk->specification = LIBXL_DISK_SPECIFICATION_VIRTIO;
        disk->backend = LIBXL_DISK_BACKEND_STANDALONE;
    }
    xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_BLK, "disk %s %s %s%s", vdev,
               disk->readwrite ? "rw" : "ro", path,
               virtio ? ": virtio-mmio at libxl's base (standalone backend)"
                      : ": Xen PV block, the guest needs blkfront");
    xlate_diag_last(x, QC_CK_XLATE_DEVICE_CHANGED);
}

void xlate_disk_name(char *buf, size_t len, unsigned n)
{
    char rev[8];
    size_t k = 0;

    /* Linux's sd/vd/xvd order: a..z, aa..zz, aaa..: bijective base 26. */
    for (unsigned v = n + 1; v && k < sizeof(rev); v = (v - 1) / 26)
        rev[k++] = (char)('a' + (v - 1) % 26);
    snprintf(buf, len, "xvd");
    for (size_t i = 3; k && i + 1 < len; i++) {
        buf[i] = rev[--k];
        buf[i + 1] = 0;
    }
}

bool xlate_mac_parse(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    int n = 0;

    if (!s ||
        sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &n) != 6 ||
        n != 17 || s[n] || (b[0] & 1) || !(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return true;
}

bool xlate_vdev_mac(struct xlate_ctx *x, const struct qc_value *mac, uint8_t m[6])
{
    if (!mac || xlate_mac_parse(mac->str, m))
        return true;
    qc_diag(x->d, QC_CK_XLATE_VDEV_MAC, mac->loc, "bad MAC address '%s' (" XLATE_MAC_RULE ")",
            mac->str ? mac->str : "");
    return false;
}

static void map_net(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    const struct qc_value *mac = xlate_vdev_value(v, QC_VOPT_MAC);
    bool p2p = xlate_vdev_value(v, QC_VOPT_PEER) || xlate_vdev_value(v, QC_VOPT_TAPDEV);
    libxl_device_nic *nic;
    libxl_mac m;

    if (xlate_virtio_mmio(x, v, comp, XLATE_RULE_VDEV_VIRTIO_MMIO))
        return;
    if (!xlate_vdev_mac(x, mac, m)) {
        xlate_note(x, v->loc, comp, XLATE_UNSUPPORTED, XLATE_RULE_VDEV_NET, "bad MAC");
        return;
    }
    nic = xlate_add_nic(x->dc);
    if (!nic) {
        x->nomem = 1;
        return;
    }
    if (mac)
        memcpy(nic->mac, m, sizeof(m));
    xlate_note(x, v->loc, comp, XLATE_APPROXIMATE, XLATE_RULE_VDEV_NET,
               "vif %d%s%s: Xen PV network on the default bridge%s", nic->devid, mac ? " mac " : "",
               mac ? mac->str : "", p2p ? "; peer/tapdev link not reproduced" : "");
    xlate_diag_last(x, QC_CK_XLATE_DEVICE_CHANGED);
}

/* ---- watchdogs ---- */

static void map_wdt(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    const struct qc_value *act = xlate_vdev_value(v, QC_VOPT_ACTION);
    const struct qc_value *freq = xlate_vdev_value(v, QC_VOPT_FREQUENCY);
    const char *a = act && act->str ? act->str : "terminate";
    const char *mapped = "watchdog";
    char extra[96];
    bool ib700 = v->type == QC_VDEV_WDT_IB700;

    if (!strncmp(a, "dump", 4)) {
        mapped = "dump";
        x->dc->on_crash = LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY;
    } else if (strcmp(a, "terminate")) {
        qc_diag(x->d, QC_CK_XLATE_VDEV_ACTION, act ? act->loc : v->loc,
                "watchdog action '%s' is not available; the domain is destroyed instead", a);
    }
    snprintf(extra, sizeof(extra), ",action=%s", mapped);
    if (freq && freq->nnums)
        snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), ",frequency=%" PRIu64,
                 freq->nums[0]);
    struct qc_place at;

    qc_vdev_place(v, &at); /* both types have a default loc (schema.def) */
    xlate_vdev_backend(x, v, comp, XLATE_RULE_VDEV_WDT, ib700 ? "io" : "mem", at.addr, extra,
                       !strcmp(mapped, "dump") ? "; expiry: core dump then destroy (on_crash)"
                                               : "; expiry: on_watchdog=\"destroy\"");
}

/* ---- no Xen counterpart ---- */

static void map_required(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    unsupported(x, v, comp, QC_SEV_ERROR, XLATE_RULE_VDEV_UNSUPPORTED,
                v->type == QC_VDEV_VIRTIO_FS ? "no virtio-fs device or backend for Xen 4.17"
                                             : "unknown vdev type: its behaviour is unknown");
}

/* ---- shared memory ---- */

/* x86 PVH: no PCI bus for qvm's shmem function (and qvm has no MMIO form on x86). */
static bool shmem_refused(const struct xlate_ctx *x, const struct qc_vdev *v)
{
    return v->type == QC_VDEV_SHMEM && !x->arm && !x->hvm;
}

static void map_shmem(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    if (shmem_refused(x, v))
        unsupported(x, v, comp, QC_SEV_ERROR, XLATE_RULE_VDEV_SHMEM,
                    "qvm's shmem is a PCI function on x86, and an x86 PVH guest has no PCI bus "
                    "(a PC device such as vdev ioapic makes the guest HVM)");
    else if (x->arm)
        xlate_map_shmem(x, v, comp);
    else
        xlate_map_shmem_pci(x, v, comp);
}

static void map_optional(struct xlate_ctx *x, const struct qc_vdev *v, const char *comp)
{
    unsupported(x, v, comp, QC_SEV_WARNING, XLATE_RULE_VDEV_OPTIONAL,
                v->type == QC_VDEV_SMMU        ? "no guest SMMU; Xen programs the host IOMMU itself"
                : v->type == QC_VDEV_PCI_DUMMY ? "no placeholder PCI functions"
                                               : "not provided; the guest runs without it");
}

/* One row per qvm vdev type. */
static vdev_fn *const handlers[QC_VDEV_COUNT] = {
    [QC_VDEV_GIC] = map_gic,
    [QC_VDEV_IOAPIC] = map_legacy_pc,
    [QC_VDEV_I8259] = map_legacy_pc,
    [QC_VDEV_HPET] = map_hpet,
    [QC_VDEV_TIMER8254] = map_legacy_pc,
    [QC_VDEV_MC146818] = map_legacy_pc,
    [QC_VDEV_PCKEYBOARD] = map_legacy_pc,
    [QC_VDEV_PL011] = map_pl011,
    [QC_VDEV_SER8250] = map_ser8250,
    [QC_VDEV_VIRTIO_CONSOLE] = map_console,
    [QC_VDEV_VIRTIO_BLK] = map_blk,
    [QC_VDEV_VIRTIO_NET] = map_net,
    [QC_VDEV_VIRTIO_ENTROPY] = map_optional,
    [QC_VDEV_VIRTIO_INPUT] = map_optional,
    [QC_VDEV_VIRTIO_FS] = map_required,
    [QC_VDEV_SHMEM] = map_shmem,
    [QC_VDEV_WDT_SP805] = map_wdt,
    [QC_VDEV_WDT_IB700] = map_wdt,
    [QC_VDEV_SMMU] = map_optional,
    [QC_VDEV_PCI_DUMMY] = map_optional,
};

/* Options the handlers above read; any other option of a translated vdev is qvm's tuning. */
static const uint64_t honoured = VO(HOSTDEV) | VO(MAC) | VO(PEER) | VO(TAPDEV) | VO(ACTION) |
                                 VO(FREQUENCY) | VO(LEGACY_FREE) | VO(VERSION) | VO(GICC) |
                                 VO(GICD) | VO(GICR) | VO(ITS) | VO(MSI) | VO(ALLOW) | VO(DENY) |
                                 VO(CREATE) | VO(GID) | VO(UMASK) | VO(SUBST);

static void vdev_option_note(struct xlate_ctx *x, const struct qc_vdev *v,
                             const struct qc_value *val, const char *comp)
{
    if (val->opt == QC_VOPT_LOG)
        xlate_note(x, val->loc, comp, XLATE_IGNORED, XLATE_RULE_LOGGER,
                   "per-vdev log routing is qvm's");
    else if (xlate_vdev_has_handler(v->type) && handlers[v->type] != map_optional &&
             handlers[v->type] != map_required && !shmem_refused(x, v) &&
             !(honoured & (UINT64_C(1) << val->opt))) {
        xlate_note(x, val->loc, comp, XLATE_IGNORED, XLATE_RULE_VDEV_OPTION,
                   "%s: qvm's own device model setting; Xen's device has none",
                   qc_vopts[val->opt].name);
        xlate_diag_last(x, QC_CK_XLATE_OPTION_DROPPED);
    }
}

bool xlate_vdev_has_handler(int type)
{
    return type >= 0 && type < QC_VDEV_COUNT && handlers[type];
}

void xlate_map_vdev(struct xlate_ctx *x)
{
    const struct qc_config *cfg = x->cfg;
    bool gic = false;

    for (size_t i = 0; i < cfg->nvdevs; i++) {
        const struct qc_vdev *v = &cfg->vdevs[i];
        char comp[96];

        snprintf(comp, sizeof(comp), "vdev %s", v->type_name);
        if (v->type == QC_VDEV_GIC)
            gic = true;
        if (xlate_vdev_has_handler(v->type))
            handlers[v->type](x, v, comp);
        else
            map_required(x, v, comp);
        for (size_t j = 0; j < v->nvalues; j++)
            vdev_option_note(x, v, &v->values[j], comp);
    }
    xlate_virtio_finish(x);
    xlate_shmem_finish(x);
    if (x->arm && !gic)
        xlate_note(x, (struct qc_loc){0}, "vdev gic", XLATE_APPROXIMATE, XLATE_RULE_VDEV_GIC,
                   "implicit gic: libxl picks the host's version");
}
