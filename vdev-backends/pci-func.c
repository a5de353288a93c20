/* SPDX-License-Identifier: LGPL-2.1-only */
/* pci-func.c: a device's type-0 PCI header, its BARs made live on memory decode, and INTA. */
#include <string.h>

#include "vdev-backends/pci-func.h"

/* Every other key that gives a location or an interrupt; a PCI function has its own. */
static const char *const pci_excludes[] = {"io", "mem", "isa-irq", "spi", "msi"};

static int parse_bdf(const char *s, uint64_t *bus_r, uint64_t *slot_r)
{
    char buf[32];
    char *colon;

    if (strlen(s) >= sizeof(buf))
        return VDEV_ERR_INVAL;
    strcpy(buf, s);
    colon = strchr(buf, ':');
    if (!colon)
        return VDEV_ERR_INVAL;
    *colon = '\0';
    if (vdev_parse_u64(buf, bus_r) || vdev_parse_u64(colon + 1, slot_r))
        return VDEV_ERR_INVAL;
    return *bus_r > 255 || *slot_r > 31 ? VDEV_ERR_INVAL : 0;
}

static const char *excluded_key(const struct vdev_opts *o)
{
    for (size_t i = 0; i < o->n; i++)
        for (size_t k = 0; k < sizeof(pci_excludes) / sizeof(pci_excludes[0]); k++)
            if (!strcmp(o->opt[i].key, pci_excludes[k]))
                return pci_excludes[k];
    return NULL;
}

int pci_func_take(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    const char *name = dev->ops->name;
    const char *s = vdev_opts_take(o, "pci");
    const char *other;
    uint64_t bus, slot;

    if (!s)
        return 0;
    if (parse_bdf(s, &bus, &slot)) {
        if (err)
            fprintf(err, "pci=%s: expected BUS:DEVICE (bus 0-255, device 0-31)\n", s);
        return VDEV_ERR_INVAL;
    }
    if (!dev->ops->pci) {
        if (err)
            fprintf(err,
                    "%s: cannot be a PCI function (pci=): the device type has no PCI identity\n",
                    name);
        return VDEV_ERR_INVAL;
    }
    if (bus != 0) {
        if (err)
            fprintf(err,
                    "pci=%s: only bus 0 (an HVM guest's only bus; Xen routes INTx there only)\n",
                    s);
        return VDEV_ERR_INVAL;
    }
    other = excluded_key(o);
    if (other) {
        if (err)
            fprintf(err,
                    "%s: give pci= or %s=, not both (a PCI function is placed by its BARs and "
                    "interrupts through INTA)\n",
                    name, other);
        return VDEV_ERR_INVAL;
    }
    dev->pci.present = true;
    dev->pci.bus = (uint8_t)bus;
    dev->pci.slot = (uint8_t)slot;
    dev->space = VDEV_SPACE_MMIO;
    dev->base = 0;
    return 1;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The BAR size for a range of len bytes: a power of two, at least a page; 0 if too large. */
static uint64_t bar_size(uint64_t len, uint64_t max)
{
    uint64_t s = PCI_FUNC_MIN_BAR;

    while (s < len && s <= max / 2)
        s <<= 1;
    return s >= len ? s : 0;
}

int pci_func_attach(struct vdev *dev, FILE *err)
{
    const struct vdev_pci_id *id = dev->ops->pci;
    struct vdev_pci *p = &dev->pci;
    uint8_t *c = p->cfg;

    p->size[VDEV_RANGE_MAIN] = bar_size(dev->len, 1ULL << 31);
    p->size[VDEV_RANGE_WIN] = dev->win_len ? bar_size(dev->win_len, PCI_FUNC_ADDR_LIMIT / 2) : 0;
    if (!p->size[VDEV_RANGE_MAIN] || (dev->win_len && !p->size[VDEV_RANGE_WIN])) {
        if (err)
            fprintf(err, "%s: a range is too large for a PCI BAR\n", dev->ops->name);
        return VDEV_ERR_INVAL;
    }
    memset(c, 0, sizeof(p->cfg));
    put16(c + PCI_FUNC_VENDOR, id->vendor);
    put16(c + PCI_FUNC_DEVICE, id->device);
    c[PCI_FUNC_REVISION] = id->revision;
    c[PCI_FUNC_CLASS] = (uint8_t)id->class_code;
    c[PCI_FUNC_CLASS + 1] = (uint8_t)(id->class_code >> 8);
    c[PCI_FUNC_CLASS + 2] = (uint8_t)(id->class_code >> 16);
    /* BAR0: 32-bit, non-prefetchable memory (type bits 0). */
    if (p->size[VDEV_RANGE_WIN])
        c[PCI_FUNC_BAR2] = PCI_FUNC_BAR_MEM64 | PCI_FUNC_BAR_PREFETCH;
    put16(c + PCI_FUNC_SUBSYS_VENDOR, id->subsys_vendor);
    put16(c + PCI_FUNC_SUBSYS_DEVICE, id->subsys_device);
    c[PCI_FUNC_INTERRUPT_PIN] = 1; /* INTA */
    dev->base = 0;
    dev->win_base = 0;
    return 0;
}

struct vdev *pci_func_find(struct vdev_bus *bus, uint32_t sbdf)
{
    for (size_t i = 0; i < bus->ndev; i++) {
        struct vdev *d = &bus->dev[i];

        if (d->ops && d->pci.present && sbdf == ((uint32_t)d->pci.bus << 8 | d->pci.slot << 3))
            return d;
    }
    return NULL;
}

/* The address bits of a BAR of size s, as a 64-bit mask. */
static uint64_t bar_mask(uint64_t s)
{
    return ~(s - 1) & ~0xfULL;
}

/* Which bits of config byte off the guest may write; everything else is read-only. */
static uint8_t write_mask(const struct vdev_pci *p, unsigned off)
{
    const uint64_t win = p->size[VDEV_RANGE_WIN];
    const unsigned shift = 8 * (off & 3);

    switch (off & ~3u) {
    case PCI_FUNC_COMMAND: /* IO and memory decode, INTx disable */
        return (uint8_t)((PCI_FUNC_CMD_IO | PCI_FUNC_CMD_MEMORY | PCI_FUNC_CMD_INTX_OFF) >> shift);
    case PCI_FUNC_BAR0:
        return (uint8_t)(bar_mask(p->size[VDEV_RANGE_MAIN]) >> shift);
    case PCI_FUNC_BAR2:
        return win ? (uint8_t)(bar_mask(win) >> shift) : 0;
    case PCI_FUNC_BAR2 + 4:
        return win ? (uint8_t)(bar_mask(win) >> (32 + shift)) : 0;
    case PCI_FUNC_INTERRUPT_LINE:
        return off == PCI_FUNC_INTERRUPT_LINE ? 0xff : 0;
    default:
        return 0;
    }
}

static uint8_t read_byte(const struct vdev *dev, unsigned off)
{
    uint8_t v = dev->pci.cfg[off];

    /* Interrupt status shows the device's line whatever INTx disable says (PCI 3.0, 6.2.3). */
    if (off == PCI_FUNC_STATUS && dev->irq_level)
        v |= PCI_FUNC_STATUS_INTX;
    return v;
}

static uint16_t command(const struct vdev *dev)
{
    return (uint16_t)(dev->pci.cfg[PCI_FUNC_COMMAND] | dev->pci.cfg[PCI_FUNC_COMMAND + 1] << 8);
}

int pci_func_intx_level(const struct vdev *dev, int level)
{
    return level && !(command(dev) & PCI_FUNC_CMD_INTX_OFF);
}

static uint64_t *range_base(struct vdev *dev, enum vdev_range r)
{
    return r == VDEV_RANGE_MAIN ? &dev->base : &dev->win_base;
}

/* The guest-physical range d currently decodes for r, if any (a PCI function: its BAR, while
 * live; another device: its fixed range). */
static bool claimed(const struct vdev *d, enum vdev_range r, uint64_t *base_r, uint64_t *len_r)
{
    if (r == VDEV_RANGE_MAIN && d->space != VDEV_SPACE_MMIO)
        return false;
    if (r == VDEV_RANGE_WIN && !d->win_len)
        return false;
    if (d->pci.present && !d->pci.live[r])
        return false;
    *base_r = r == VDEV_RANGE_MAIN ? d->base : d->win_base;
    *len_r = d->pci.present ? d->pci.size[r] : r == VDEV_RANGE_MAIN ? d->len : d->win_len;
    return *len_r != 0;
}

/* Whether [a, a + s) meets a range another device, or dev's other BAR, decodes. No sum
 * overflows: both ranges end at most at 2^64. */
static const struct vdev *clash(const struct vdev_bus *bus, const struct vdev *dev,
                                enum vdev_range self, uint64_t a, uint64_t s)
{
    for (size_t i = 0; i < bus->ndev; i++) {
        const struct vdev *d = &bus->dev[i];

        if (!d->ops)
            continue;
        for (int r = 0; r < VDEV_RANGE_COUNT; r++) {
            uint64_t b, l;

            if ((d == dev && r == (int)self) || !claimed(d, (enum vdev_range)r, &b, &l))
                continue;
            if (a <= b + (l - 1) && b <= a + (s - 1))
                return d;
        }
    }
    return NULL;
}

/* The address the guest programmed into r's BAR. */
static uint64_t bar_addr(const struct vdev_pci *p, enum vdev_range r)
{
    if (r == VDEV_RANGE_MAIN)
        return get32(p->cfg + PCI_FUNC_BAR0) & bar_mask(p->size[r]);
    return ((uint64_t)get32(p->cfg + PCI_FUNC_BAR2 + 4) << 32 | get32(p->cfg + PCI_FUNC_BAR2)) &
           bar_mask(p->size[r]);
}

/* Where r should be live now, or VDEV_NO_ADDR: decode off, BAR unassigned (0, or the low
 * DWORD all ones as after sizing), beyond the address limit, or clashing. */
static uint64_t wanted(const struct vdev_bus *bus, struct vdev *dev, enum vdev_range r)
{
    struct vdev_pci *p = &dev->pci;
    const uint64_t s = p->size[r];
    const uint64_t a = bar_addr(p, r);
    const uint32_t lo_mask = (uint32_t)bar_mask(s);
    const struct vdev *other;

    if (!(command(dev) & PCI_FUNC_CMD_MEMORY) || a == 0 ||
        (lo_mask && ((uint32_t)a & lo_mask) == lo_mask) || a > PCI_FUNC_ADDR_LIMIT - s)
        return VDEV_NO_ADDR;
    other = clash(bus, dev, r, a, s);
    if (!other)
        return a;
    if (!p->warned) {
        p->warned = true;
        vdev_log(dev, "BAR%d at %#llx overlaps %s at %#llx: not decoded (later ones not logged)",
                 r == VDEV_RANGE_MAIN ? 0 : 2, (unsigned long long)a, other->ops->name,
                 (unsigned long long)other->base);
    }
    return VDEV_NO_ADDR;
}

/* Brings r's claim in line with the header; returns whether anything changed. */
static bool update_range(const struct vdev_bus *bus, struct vdev *dev, enum vdev_range r)
{
    struct vdev_pci *p = &dev->pci;
    const uint64_t want = p->size[r] ? wanted(bus, dev, r) : VDEV_NO_ADDR;
    const uint64_t cur = p->live[r] ? *range_base(dev, r) : VDEV_NO_ADDR;
    const struct vdev_host *h = dev->host;
    uint64_t now;
    int rc = 0;

    if (want == cur)
        return false;
    if (h && h->remap)
        rc = h->remap(h->opaque, dev, cur, want, p->size[r]);
    /* The transport released cur first, so a failed claim leaves the range dark. */
    p->live[r] = want != VDEV_NO_ADDR && rc == 0;
    if (p->live[r])
        *range_base(dev, r) = want;
    else if (want != VDEV_NO_ADDR)
        vdev_log(dev, "BAR%d at %#llx could not be claimed", r == VDEV_RANGE_MAIN ? 0 : 2,
                 (unsigned long long)want);
    now = p->live[r] ? want : VDEV_NO_ADDR;
    if (now == cur) /* a failed claim of a dark range: nothing moved */
        return false;
    if (dev->ops->moved)
        dev->ops->moved(dev, r, cur, now);
    return true;
}

/* Every function's ranges, twice: a range refused for a clash with one that moved away in the
 * same pass becomes live in the second. */
static void update_bus(const struct vdev_bus *bus)
{
    for (int pass = 0; pass < 2; pass++) {
        bool changed = false;

        for (size_t i = 0; i < bus->ndev; i++) {
            struct vdev *d = &bus->dev[i];

            if (!d->ops || !d->pci.present)
                continue;
            for (int r = 0; r < VDEV_RANGE_COUNT; r++)
                changed |= update_range(bus, d, (enum vdev_range)r);
        }
        if (!changed)
            return;
    }
}

void pci_func_config(struct vdev_bus *bus, struct vdev *dev, uint32_t reg, unsigned size,
                     bool is_read, uint64_t *val)
{
    struct vdev_pci *p = &dev->pci;
    const uint16_t old_cmd = command(dev);
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        const uint32_t off = reg + i;

        if ((off & ~3u) != (reg & ~3u)) { /* past the DWORD CF8 selected: another port */
            v |= (uint64_t)0xff << (8 * i);
            continue;
        }
        if (off >= PCI_FUNC_CFG_SIZE) /* extended space: nothing there */
            continue;
        if (is_read) {
            v |= (uint64_t)read_byte(dev, off) << (8 * i);
        } else {
            const uint8_t m = write_mask(p, off);

            p->cfg[off] = (uint8_t)((p->cfg[off] & ~m) | ((*val >> (8 * i)) & m));
        }
    }
    if (is_read) {
        *val = v;
        return;
    }
    update_bus(bus);
    /* The guest toggled INTx disable while the line is up: tell the host INTA's new level. */
    if ((old_cmd ^ command(dev)) & PCI_FUNC_CMD_INTX_OFF && dev->irq_sent && dev->host &&
        dev->host->set_irq)
        dev->host->set_irq(dev->host->opaque, dev, dev->irq_sent);
}

int pci_func_check_bus(const struct vdev_bus *bus, FILE *err)
{
    for (size_t i = 0; i < bus->ndev; i++) {
        const struct vdev *a = &bus->dev[i];

        for (size_t j = 0; j < i && a->pci.present; j++) {
            const struct vdev *b = &bus->dev[j];

            if (b->pci.present && a->pci.bus == b->pci.bus && a->pci.slot == b->pci.slot) {
                if (err)
                    fprintf(err, "%s and %s are both at pci=%u:%u\n", a->ops->name, b->ops->name,
                            a->pci.bus, a->pci.slot);
                return VDEV_ERR_INVAL;
            }
        }
    }
    return 0;
}
