/* SPDX-License-Identifier: LGPL-2.1-only */
/* ser8250.c: 16550A UART register model (x86 port I/O) with a hostdev back end. */
#include <string.h>

#include "vdev-backends/ser8250.h"
#include "vdev-backends/vdev.h"

struct ser8250 {
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    bool thr_ipending; /* THR-empty interrupt latched until IIR read or THR write */
};

static const uint8_t rx_trigger[4] = {1, 4, 8, 14};

static struct ser8250 *S(struct vdev *dev)
{
    return dev->priv;
}

static unsigned rx_cap(const struct ser8250 *s)
{
    return (s->fcr & UART_FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

static uint8_t iir(const struct ser8250 *s)
{
    uint8_t fifo = (s->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0;
    unsigned trig = (s->fcr & UART_FCR_ENABLE) ? rx_trigger[s->fcr >> 6] : 1;

    /* Priority order of the 16550A: line status, data, THR empty, modem status. */
    if ((s->ier & UART_IER_RLSI) && (s->lsr & (UART_LSR_OE | UART_LSR_BI)))
        return fifo | UART_IIR_RLSI;
    if ((s->ier & UART_IER_RDI) && s->rx_count >= trig)
        return fifo | UART_IIR_RDI;
    /* Below the trigger level the real chip reports a character timeout after four
     * character times; reporting it at once keeps data from waiting on a timer. */
    if ((s->ier & UART_IER_RDI) && s->rx_count)
        return fifo | UART_IIR_CTI;
    if ((s->ier & UART_IER_THRI) && s->thr_ipending)
        return fifo | UART_IIR_THRI;
    if ((s->ier & UART_IER_MSI) && (s->msr & 0x0f))
        return fifo | UART_IIR_MSI;
    return fifo | UART_IIR_NO_INT;
}

static void update_irq(struct vdev *dev)
{
    struct ser8250 *s = S(dev);

    /* On the PC the OUT2 line gates the UART's interrupt output. */
    vdev_set_irq(dev, !(iir(s) & UART_IIR_NO_INT) && (s->mcr & UART_MCR_OUT2));
}

static void rx_push(struct ser8250 *s, uint8_t byte)
{
    if (s->rx_count >= rx_cap(s)) {
        s->lsr |= UART_LSR_OE; /* the new character is lost, the FIFO kept */
        return;
    }
    s->rx[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
    s->rx_count++;
    s->lsr |= UART_LSR_DR;
}

static uint8_t rx_pop(struct ser8250 *s)
{
    uint8_t b;

    if (!s->rx_count)
        return 0;
    b = s->rx[s->rx_head];
    s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
    if (--s->rx_count == 0)
        s->lsr &= ~UART_LSR_DR;
    return b;
}

static void rx_clear(struct ser8250 *s)
{
    s->rx_head = s->rx_count = 0;
    s->lsr &= ~UART_LSR_DR;
}

/* Modem status inputs: in loopback they follow MCR; otherwise a connected, idle line. */
static void update_msr(struct ser8250 *s)
{
    uint8_t lines, old = s->msr & 0xf0;

    if (s->mcr & UART_MCR_LOOP) {
        lines = ((s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) |
                ((s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
                ((s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) |
                ((s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
    } else {
        lines = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    }
    if ((old ^ lines) & UART_MSR_CTS)
        s->msr |= UART_MSR_DCTS;
    if ((old ^ lines) & UART_MSR_DSR)
        s->msr |= UART_MSR_DDSR;
    if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
        s->msr |= UART_MSR_TERI;
    if ((old ^ lines) & UART_MSR_DCD)
        s->msr |= UART_MSR_DDCD;
    s->msr = (s->msr & 0x0f) | lines;
}

static uint64_t ser8250_read(struct vdev *dev, uint64_t off, unsigned size)
{
    struct ser8250 *s = S(dev);
    bool dlab = s->lcr & UART_LCR_DLAB;
    uint8_t v;

    switch (off) {
    case UART_RBR:
        if (dlab)
            return s->divisor & 0xff;
        v = rx_pop(s);
        break;
    case UART_IER:
        if (dlab)
            return s->divisor >> 8;
        return s->ier;
    case UART_IIR:
        v = iir(s);
        /* Reading IIR acknowledges a THR-empty interrupt it reports. */
        if ((v & 0x0f) == UART_IIR_THRI)
            s->thr_ipending = false;
        break;
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        v = s->lsr;
        s->lsr &= ~(UART_LSR_OE | UART_LSR_BI);
        break;
    case UART_MSR:
        v = s->msr;
        s->msr &= 0xf0;
        break;
    case UART_SCR:
        return s->scr;
    default:
        return 0xff;
    }
    update_irq(dev);
    return v;
}

static void ser8250_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct ser8250 *s = S(dev);
    bool dlab = s->lcr & UART_LCR_DLAB;
    uint8_t v = (uint8_t)val;

    switch (off) {
    case UART_THR:
        if (dlab) {
            s->divisor = (s->divisor & 0xff00) | v;
            return;
        }
        if (s->mcr & UART_MCR_LOOP)
            rx_push(s, v);
        else
            chardev_put(&dev->chr, v);
        /* Transmission is immediate, so THR is empty again at once. */
        s->thr_ipending = true;
        break;
    case UART_IER:
        if (dlab) {
            s->divisor = (s->divisor & 0x00ff) | (uint16_t)v << 8;
            return;
        }
        /* Enabling THRI while THR is empty raises the interrupt, as drivers expect. */
        if (!(s->ier & UART_IER_THRI) && (v & UART_IER_THRI))
            s->thr_ipending = true;
        s->ier = v & 0x0f;
        break;
    case UART_FCR:
        if ((v ^ s->fcr) & UART_FCR_ENABLE)
            rx_clear(s);
        if (v & UART_FCR_CLEAR_RX)
            rx_clear(s);
        s->fcr = v & (UART_FCR_ENABLE | 0xc0);
        if (!(s->fcr & UART_FCR_ENABLE))
            s->fcr = 0;
        break;
    case UART_LCR:
        s->lcr = v;
        return;
    case UART_MCR:
        s->mcr = v & 0x1f;
        update_msr(s);
        break;
    case UART_SCR:
        s->scr = v;
        return;
    default: /* LSR and MSR are read-only */
        return;
    }
    update_irq(dev);
}

static void ser8250_reset(struct vdev *dev)
{
    struct ser8250 *s = S(dev);

    memset(s, 0, sizeof(*s));
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->divisor = 12; /* 9600 baud from the 1.8432 MHz clock */
    s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    dev->irq_level = 0;
}

static void ser8250_rx(struct vdev *dev)
{
    struct ser8250 *s = S(dev);
    uint8_t buf[UART_FIFO_SIZE];
    size_t n;

    if (s->mcr & UART_MCR_LOOP)
        return;
    n = chardev_get(&dev->chr, buf, rx_cap(s) - s->rx_count);
    for (size_t i = 0; i < n; i++)
        rx_push(s, buf[i]);
    if (n)
        update_irq(dev);
}

/* Host input is read only while the FIFO has room: flow control instead of overruns. */
static int ser8250_rx_fd(struct vdev *dev)
{
    struct ser8250 *s = S(dev);

    if ((s->mcr & UART_MCR_LOOP) || s->rx_count >= rx_cap(s))
        return -1;
    return chardev_in_fd(&dev->chr);
}

static int ser8250_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    return chardev_add_hostdevs(dev, o, err);
}

const struct vdev_ops vdev_ser8250_ops = {
    .name = "ser8250",
    .help = "io=PORT (0x3f8), hostdev=[<|>]PATH|-|pty (repeatable), msi=|isa-irq=",
    .space = VDEV_SPACE_PIO,
    .default_base = 0x3f8,
    .has_default_base = true,
    .len = 8,
    .reg_width = 1,
    .priv_size = sizeof(struct ser8250),
    .init = ser8250_init,
    .read = ser8250_read,
    .write = ser8250_write,
    .reset = ser8250_reset,
    .rx = ser8250_rx,
    .rx_fd = ser8250_rx_fd,
};
