/* SPDX-License-Identifier: LGPL-2.1-only */
/* fuzz-pci: a hostile guest programming two PCI functions (pci-func.c) beside a fixed device:
 * configuration reads and writes of any width anywhere (other functions, buses and segments
 * too), REP configuration reads, MMIO at and around the BARs, device interrupt toggles. After
 * every step: no claimed range wraps, leaves the address limit, is misaligned or overlaps
 * another claim or the fixed device; the claims are exactly the live BARs; dispatch reaches a
 * function only through a live BAR; INTA is the device's line unless INTx is disabled; the
 * read-only header bytes never change. */
#include <stdlib.h>
#include <string.h>

#include "vdev-backends/pci-func.h"
#include "vdev-backends/vdev-fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFUNC    2
#define FIX_BASE 0xe0000000ull /* the PL011, where a guest would like to put a BAR */
#define MAXCLAIM 8

struct claim {
    uint64_t base, len;
};

static struct vdev_fake f;
static struct claim claims[MAXCLAIM];
static size_t nclaims;
static int inta[NFUNC];
static uint8_t orig[NFUNC][PCI_FUNC_CFG_SIZE];
static uint8_t guest[64];

static bool meets(uint64_t a, uint64_t s, uint64_t b, uint64_t l)
{
    return a <= b + (l - 1) && b <= a + (s - 1);
}

static int fz_remap(void *opaque, struct vdev *dev, uint64_t old_base, uint64_t new_base,
                    uint64_t len)
{
    if (old_base != VDEV_NO_ADDR) {
        size_t i = 0;

        while (i < nclaims && (claims[i].base != old_base || claims[i].len != len))
            i++;
        if (i == nclaims)
            abort(); /* released what was never claimed */
        claims[i] = claims[--nclaims];
    }
    if (new_base == VDEV_NO_ADDR)
        return 0;
    if (len < PCI_FUNC_MIN_BAR || (len & (len - 1)) || new_base % len || new_base == 0 ||
        new_base > PCI_FUNC_ADDR_LIMIT - len || nclaims == MAXCLAIM ||
        meets(new_base, len, FIX_BASE, 0x1000))
        abort();
    for (size_t i = 0; i < nclaims; i++)
        if (meets(new_base, len, claims[i].base, claims[i].len))
            abort();
    claims[nclaims++] = (struct claim){new_base, len};
    return 0;
}

static void fz_irq(void *opaque, struct vdev *dev, int level)
{
    if (dev->pci.present)
        inta[dev - &f.dev[1]] = pci_func_intx_level(dev, level);
}

/* The functions' model: register 0 is the interrupt line; reads answer the offset. */
static uint64_t fz_read(struct vdev *dev, uint64_t off, unsigned size)
{
    return off;
}

static void fz_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val)
{
    if (off == 0)
        vdev_set_irq(dev, (int)(val & 1));
}

static const struct vdev_pci_id fz_id = {.vendor = 0x1c05, .device = 1, .class_code = 0x050000};

static const struct vdev_ops fz_ops = {
    .name = "fz",
    .help = "",
    .space = VDEV_SPACE_MMIO,
    .len = 0x100,
    .reg_width = 4,
    .read = fz_read,
    .write = fz_write,
    .pci = &fz_id,
};

/* A function built as vdev_create would after pci= (the library's table has no test type). */
static void add_func(unsigned slot, uint64_t win_len)
{
    struct vdev *d = &f.dev[f.bus.ndev++];

    memset(d, 0, sizeof(*d));
    chardev_init(&d->chr);
    d->ops = &fz_ops;
    d->host = &f.host;
    d->space = VDEV_SPACE_MMIO;
    d->len = fz_ops.len;
    d->isa_irq = d->spi = -1;
    d->win_len = win_len;
    d->pci.present = true;
    d->pci.slot = (uint8_t)slot;
    if (pci_func_attach(d, NULL))
        abort();
}

/* A fresh domain per input, so that every input replays alike. */
static void init(void)
{
    vdev_fake_dispose(&f);
    nclaims = 0;
    memset(inta, 0, sizeof(inta));
    vdev_fake_init(&f);
    f.host.remap = fz_remap;
    f.host.set_irq = fz_irq;
    if (vdev_fake_add(&f, "pl011,mem=0xe0000000"))
        abort();
    add_func(5, 0);
    add_func(6, 0x3000);
    for (int i = 0; i < NFUNC; i++)
        memcpy(orig[i], f.dev[1 + i].pci.cfg, PCI_FUNC_CFG_SIZE);
}

static void check(void)
{
    size_t live = 0;

    for (int i = 0; i < NFUNC; i++) {
        const struct vdev *d = &f.dev[1 + i];
        const uint8_t *c = d->pci.cfg;

        for (int r = 0; r < VDEV_RANGE_COUNT; r++) {
            uint64_t base = r == VDEV_RANGE_MAIN ? d->base : d->win_base;
            bool found = false;

            if (!d->pci.live[r])
                continue;
            live++;
            for (size_t k = 0; k < nclaims; k++)
                found |= claims[k].base == base && claims[k].len == d->pci.size[r];
            if (!found)
                abort();
        }
        if (inta[i] != (d->irq_sent && !(c[PCI_FUNC_COMMAND + 1] & 4)))
            abort();
        for (unsigned off = 0; off < PCI_FUNC_CFG_SIZE; off++) {
            bool rw =
                (off >= PCI_FUNC_COMMAND && off < PCI_FUNC_COMMAND + 2) ||
                (off >= PCI_FUNC_BAR0 && off < PCI_FUNC_BAR0 + 4) ||
                (off >= PCI_FUNC_BAR2 + 1 && off < PCI_FUNC_BAR2 + 8 && orig[i][PCI_FUNC_BAR2]) ||
                off == PCI_FUNC_INTERRUPT_LINE;

            if (!rw && c[off] != orig[i][off])
                abort();
        }
    }
    if (live != nclaims)
        abort();
}

/* Whether a live range of a function covers at. */
static bool decoded(uint64_t at)
{
    for (int i = 0; i < NFUNC; i++) {
        const struct vdev *d = &f.dev[1 + i];

        if ((d->pci.live[0] && at - d->base < d->len) ||
            (d->pci.live[1] && at - d->win_base < d->win_len))
            return true;
    }
    return false;
}

/* One 8-byte step: kind, target, register (2), width, value (3). */
static void step(const uint8_t *p)
{
    static const unsigned widths[] = {1, 2, 4, 8};
    const unsigned w = widths[p[4] & 3];
    const uint32_t v24 = (uint32_t)p[5] | (uint32_t)p[6] << 8 | (uint32_t)p[7] << 16;
    const unsigned slot = (p[1] & 1) ? 6 : 5;
    /* Mostly our functions; sometimes another function, bus or segment. */
    const uint64_t sbdf = (uint64_t)(slot << 3) | (uint64_t)(p[1] & 0x80 ? p[1] >> 1 : 0) << 8;
    const uint32_t reg = ((uint32_t)p[2] | (uint32_t)p[3] << 8) & (p[3] & 0x80 ? 0xfff : 0x3f);
    /* Values that mean something to a BAR: sizing, the fixed device, small and high. */
    static const uint32_t hints[] = {0xffffffff, 0xe0000000, 0xe0001000, 0x3, 0x400, 0x1};
    const uint32_t val = p[4] & 0x80 ? hints[v24 % 6] : v24 << (p[4] & 0x40 ? 8 : 0);
    uint64_t x = val;

    switch (p[0] & 3) {
    case 0:
        vdev_fake_io(&f, VDEV_IOREQ_PCI_CONFIG, sbdf << 32 | reg, w, false, val, NULL);
        break;
    case 1: {
        struct vdev_ioreq r = {.addr = sbdf << 32 | reg,
                               .data = p[5] % 32,
                               .count = 1 + (p[6] & 7),
                               .size = w > 4 ? 4 : w,
                               .type = VDEV_IOREQ_PCI_CONFIG,
                               .dir = VDEV_DIR_READ,
                               .data_is_ptr = p[0] & 4};

        if (!r.data_is_ptr)
            r.count = 1;
        vdev_dispatch(&f.bus, &r);
        break;
    }
    case 2: { /* MMIO near one of the function's BARs, or the fixed device */
        const struct vdev *d = &f.dev[slot - 4];
        uint64_t at = (p[0] & 8 ? d->win_base : p[0] & 16 ? FIX_BASE : d->base) + (reg & 0x1ffc);
        enum vdev_disp disp;

        vdev_fake_io(&f, VDEV_IOREQ_COPY, at, 4, true, 0, &disp);
        if (disp == VDEV_DISP_OK && !(at >= FIX_BASE && at < FIX_BASE + 0x1000) && !decoded(at))
            abort(); /* reached a function where none decodes */
        break;
    }
    default: /* the device's line, through its register 0 */
        x = p[5] & 1;
        f.dev[slot - 4].ops->write(&f.dev[slot - 4], 0, 4, x);
        vdev_bus_flush(&f.bus);
        break;
    }
    check();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    vdev_fake_set_mem(&f, guest, sizeof(guest));
    for (size_t i = 0; i + 8 <= size; i += 8)
        step(data + i);
    /* Decode off on both releases every claim. */
    for (unsigned s = 5; s <= 6; s++)
        vdev_fake_io(&f, VDEV_IOREQ_PCI_CONFIG, (uint64_t)(s << 3) << 32 | PCI_FUNC_COMMAND, 2,
                     false, 0, NULL);
    check();
    if (nclaims)
        abort();
    return 0;
}
