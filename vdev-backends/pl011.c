/* SPDX-License-Identifier: LGPL-2.1-only */
/* pl011.c: ARM PL011 UART register model with the same hostdev back end as ser8250. */
#include <string.h>

#include "vdev-backends/pl011.h"
#include "vdev-backends/vdev.h"

static const uint8_t pl011_ids[8] = PL011_IDS;

struct pl011 {
    uint16_t rx[PL011_FIFO_SIZE]; /* data plus error bits, as DR returns them */
    unsigned rx_head, rx_count;
    uint32_t rsr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr, ilpr;
};

static unsigned rx_cap(const struct pl011 *u)
{
    return (u->lcr_h & PL011_LCRH_FEN) ? PL011_FIFO_SIZE : 1;
}

/* IFLS RX field: 1/8, 1/4, 1/2, 3/4, 7/8 of the FIFO. */
static unsigned rx_trigger(const struct pl011 *u)
{
    static const uint8_t level[8] = {2, 4, 8, 12, 14, 14, 14, 14};

    return (u->lcr_h & PL011_LCRH_FEN) ? level[(u->ifls >> 3) & 7] : 1;
}

static void update_rx_ris(struct pl011 *u)
{
    u->ris &= ~(PL011_INT_RX | PL011_INT_RT);
    if (u->rx_count >= rx_trigger(u))
        u->ris |= PL011_INT_RX;
    else if (u->rx_count)
        u->ris |= PL011_INT_RT; /* receive timeout, reported at once (no timer) */
}

static void update_irq(struct vdev *dev)
{
    struct pl011 *u = dev->priv;

    update_rx_ris(u);
    vdev_set_irq(dev, (u->ris & u->imsc) != 0);
}

static void rx_push(struct pl011 *u, uint8_t byte)
{
    if (u->rx_count >= rx_cap(u)) {
        u->rsr |= PL011_RSR_OE;
        u->ris |= PL011_INT_OE;
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % PL011_FIFO_SIZE] = byte;
    u->rx_count++;
}

static uint32_t fr(const struct pl011 *u)
{
    uint32_t v = PL011_FR_TXFE | PL011_FR_CTS; /* output drains at once */

    if (!u->rx_count)
        v |= PL011_FR_RXFE;
    if (u->rx_count >= rx_cap(u))
        v |= PL011_FR_RXFF;
    return v;
}

static uint64_t pl011_read(struct vdev *dev, uint64_t off, unsigned size)
{
    struct pl011 *u = dev->priv;
    uint32_t v;

    switch (off) {
    case PL011_DR:
        if (!u->rx_count)
            return 0;
        v = u->rx[u->rx_head];
        u->rx_head = (u->rx_head + 1) % PL011_FIFO_SIZE;
        u->rx_count--;
        update_irq(dev);
        return v;
    case PL011_RSR:
        return u->rsr;
    case PL011_FR:
        return fr(u);
    case PL011_ILPR:
        return u->ilpr;
    case PL011_IBRD:
        return u->ibrd;
    case PL011_FBRD:
        return u->fbrd;
    case PL011_LCR_H:
        return u->lcr_h;
    case PL011_CR:
        return u->cr;
    case PL011_IFLS:
        return u->ifls;
    case PL011_IMSC:
        return u->imsc;
    case PL011_RIS:
        return u->ris;
    case PL011_MIS:
        return u->ris & u->imsc;
    case PL011_DMACR:
        return u->dmacr;
    default:
        if (off >= PL011_ID_BASE && off < PL011_ID_BASE + 4 * sizeof(pl011_ids))
            return pl011_ids[(off - PL011_ID_BASE) / 4];
        return 0;
    }
}

static void pl011_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct pl011 *u = dev->priv;
    uint32_t v = (uint32_t)val;

    switch (off) {
    case PL011_DR:
        if (u->cr & PL011_CR_LBE)
            rx_push(u, (uint8_t)v);
        else
            chardev_put(&dev->chr, (uint8_t)v);
        u->ris |= PL011_INT_TX; /* the FIFO drained at once: below any TX level */
        break;
    case PL011_RSR:
        u->rsr = 0; /* ECR: any write clears the error flags */
        break;
    case PL011_ILPR:
        u->ilpr = v & 0xff;
        return;
    case PL011_IBRD:
        u->ibrd = v & 0xffff;
        return;
    case PL011_FBRD:
        u->fbrd = v & 0x3f;
        return;
    case PL011_LCR_H:
        if ((u->lcr_h ^ v) & PL011_LCRH_FEN)
            u->rx_head = u->rx_count = 0; /* FIFO mode change flushes */
        u->lcr_h = v & 0xff;
        break;
    case PL011_CR:
        u->cr = v & 0xff87;
        break;
    case PL011_IFLS:
        u->ifls = v & 0x3f;
        break;
    case PL011_IMSC:
        u->imsc = v & PL011_INT_ALL;
        break;
    case PL011_ICR:
        u->ris &= ~(v & PL011_INT_ALL);
        break;
    case PL011_DMACR:
        u->dmacr = v & 0x7;
        return;
    default:
        return;
    }
    update_irq(dev);
}

static void pl011_reset(struct vdev *dev)
{
    struct pl011 *u = dev->priv;

    memset(u, 0, sizeof(*u));
    u->cr = PL011_CR_TXE | PL011_CR_RXE;
    u->ifls = 0x12;
    dev->irq_level = 0;
}

static void pl011_rx(struct vdev *dev)
{
    struct pl011 *u = dev->priv;
    uint8_t buf[PL011_FIFO_SIZE];
    size_t n;

    if (u->cr & PL011_CR_LBE)
        return;
    n = chardev_get(&dev->chr, buf, rx_cap(u) - u->rx_count);
    for (size_t i = 0; i < n; i++)
        rx_push(u, buf[i]);
    if (n)
        update_irq(dev);
}

static int pl011_rx_fd(struct vdev *dev)
{
    struct pl011 *u = dev->priv;

    if ((u->cr & PL011_CR_LBE) || u->rx_count >= rx_cap(u))
        return -1;
    return chardev_in_fd(&dev->chr);
}

static int pl011_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    return chardev_add_hostdevs(dev, o, err);
}

const struct vdev_ops vdev_pl011_ops = {
    .name = "pl011",
    .help = "mem=ADDR (required), hostdev=[<|>]PATH|-|pty (repeatable), spi=N",
    .space = VDEV_SPACE_MMIO,
    .has_default_base = false,
    .len = 0x1000,
    .reg_width = 4,
    .priv_size = sizeof(struct pl011),
    .init = pl011_init,
    .read = pl011_read,
    .write = pl011_write,
    .reset = pl011_reset,
    .rx = pl011_rx,
    .rx_fd = pl011_rx_fd,
};
