/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-console.c: virtio console (port 0, no multiport) on virtio-mmio, over a hostdev. */
#include "vdev-backends/virtio-console.h"
#include "vdev-backends/virtio-mmio.h"

struct vcon {
    struct virtio_mmio vm; /* first: virtio_mmio_of() */
    uint64_t tx_dropped;   /* bytes beyond VCON_TX_MAX_BYTES per notification */
};

#define CHUNK 256u

/* Copies one readable buffer to the sink, at most *room bytes of it. 0 or -1 (guest memory). */
static int tx_buf(struct vcon *c, const struct vq_buf *b, uint64_t *room)
{
    uint8_t tmp[CHUNK];
    uint64_t n = b->len < *room ? b->len : *room;

    c->tx_dropped += b->len - n;
    *room -= n;
    for (uint64_t done = 0; done < n;) {
        size_t k = n - done < CHUNK ? (size_t)(n - done) : CHUNK;

        if (vq_read(&c->vm.guest, b->gpa + done, tmp, k))
            return -1;
        for (size_t i = 0; i < k; i++)
            chardev_put(&c->vm.dev->chr, tmp[i]);
        done += k;
    }
    return 0;
}

static void tx(struct vcon *c)
{
    struct virtqueue *vq = &c->vm.vq[VCON_TXQ];
    struct vq_chain ch;
    unsigned budget = vq->num;
    uint64_t room = VCON_TX_MAX_BYTES;
    enum vq_err e = VQ_OK;
    bool used = false;
    int r = 0;

    do {
        while (!e && (r = vq_pop(vq, &ch, &budget)) > 0) {
            for (unsigned i = 0; i < ch.n_out && !e; i++)
                if (tx_buf(c, &ch.buf[i], &room))
                    e = VQ_ERR_MEM;
            if (!e)
                e = vq_push(vq, ch.head, 0);
            used |= !e;
        }
    } while (!e && virtio_mmio_queue_rearm(&c->vm, VCON_TXQ, used, &budget, &r));
    virtio_mmio_queue_done(&c->vm, VCON_TXQ, used, e, r);
}

/* Spreads n bytes over the chain's writable buffers (in_len >= n). 0 or -1. */
static int rx_scatter(struct vcon *c, const struct vq_chain *ch, const uint8_t *data, size_t n)
{
    for (unsigned i = ch->n_out; i < ch->n && n; i++) {
        size_t k = ch->buf[i].len < n ? ch->buf[i].len : n;

        if (vq_write(&c->vm.guest, ch->buf[i].gpa, data, k))
            return -1;
        data += k;
        n -= k;
    }
    return 0;
}

/* Moves host input into the buffers the guest posted: at most VCON_RX_MAX_BYTES, at most the
 * queue's size in descriptors. A chain is consumed only when input was there for it. */
static void rx_fill(struct vcon *c)
{
    struct virtqueue *vq = &c->vm.vq[VCON_RXQ];
    uint8_t data[VCON_RX_MAX_BYTES];
    struct vq_chain ch;
    unsigned budget = vq->num;
    size_t total = 0;
    enum vq_err e = VQ_OK;
    bool used = false;
    int r = 0;

    if (!virtio_mmio_queue_live(&c->vm, VCON_RXQ))
        return;
    while (!e && total < sizeof(data) && (r = vq_pop(vq, &ch, &budget)) > 0) {
        size_t want = sizeof(data) - total, n;

        if (ch.in_len < want)
            want = (size_t)ch.in_len;
        n = want ? chardev_get(&c->vm.dev->chr, data, want) : 0;
        if (want && !n) {
            vq_unpop(vq); /* nothing to give: the chain stays the guest's */
            break;
        }
        if (rx_scatter(c, &ch, data, n))
            e = VQ_ERR_MEM;
        else
            e = vq_push(vq, ch.head, (uint32_t)n);
        used |= !e;
        total += n;
        if (n < want)
            break; /* the source is drained */
    }
    if (!virtio_mmio_queue_done(&c->vm, VCON_RXQ, used, e, r))
        virtio_mmio_rx_rearm(&c->vm, VCON_RXQ);
}

static void vcon_notify(struct virtio_mmio *vm, unsigned q)
{
    struct vcon *c = (struct vcon *)vm;

    if (q == VCON_TXQ)
        tx(c);
    else
        rx_fill(c); /* new receive buffers: checked now, filled if input waits */
}

static void vcon_rx(struct vdev *dev)
{
    rx_fill(dev->priv);
}

/* Input is polled only while the guest has receive buffers posted. */
static int vcon_rx_fd(struct vdev *dev)
{
    struct vcon *c = dev->priv;

    return virtio_mmio_rx_wanted(&c->vm, VCON_RXQ) ? chardev_in_fd(&dev->chr) : -1;
}

static const struct virtio_dev_ops vcon_virtio_ops = {
    .device_id = VIRTIO_ID_CONSOLE,
    .nqueues = 2,
    .features = 0, /* no F_SIZE, MULTIPORT, EMERG_WRITE */
    .config_len = VCON_CONFIG_LEN,
    .notify = vcon_notify,
};

static int vcon_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    struct vcon *c = dev->priv;
    int rc;

    if (dev->space != VDEV_SPACE_MMIO) {
        if (err)
            fprintf(err, "%s: virtio-mmio needs mem=, not io=\n", dev->ops->name);
        return VDEV_ERR_INVAL;
    }
    rc = virtio_mmio_init(&c->vm, dev, &vcon_virtio_ops, o, err);
    return rc ? rc : chardev_add_hostdevs(dev, o, err);
}

const struct vdev_ops vdev_virtio_console_ops = {
    .name = "virtio-console",
    .help = "mem=ADDR (required), spi=N, hostdev=[<|>]PATH|-|pty (repeatable), "
            "ram=BASE:SIZE (repeatable)",
    .space = VDEV_SPACE_MMIO,
    .has_default_base = false,
    .len = VIRTIO_MMIO_LEN,
    .reg_width = 4,
    .priv_size = sizeof(struct vcon),
    .init = vcon_init,
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .reset = virtio_mmio_reset,
    .timer = virtio_mmio_timer,
    .rx = vcon_rx,
    .rx_fd = vcon_rx_fd,
};
