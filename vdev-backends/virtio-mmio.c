/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-mmio.c: the virtio-mmio v2 register file and device status state machine. */
#include <string.h>

#include "vdev-backends/virtio-mmio.h"

struct virtio_mmio *virtio_mmio_of(struct vdev *dev)
{
    if (!dev || !dev->ops || dev->ops->read != virtio_mmio_read || !dev->priv)
        return NULL;
    return dev->priv;
}

/* ram=BASE:SIZE: a guest RAM range the queues may use (defence in depth: the mapper refuses
 * what is not RAM anyway, but this keeps a guest from making us map anything else). */
static int take_ram(struct virtio_mmio *vm, const char *s, FILE *err)
{
    char buf[64];
    char *colon;
    uint64_t base, size;

    if (strlen(s) >= sizeof(buf) || vm->guest.nram == VQ_MAX_RAM)
        goto bad;
    strcpy(buf, s);
    colon = strchr(buf, ':');
    if (!colon)
        goto bad;
    *colon = '\0';
    if (vdev_parse_u64(buf, &base) || vdev_parse_u64(colon + 1, &size) || !size ||
        base > UINT64_MAX - (size - 1))
        goto bad;
    vm->guest.ram[vm->guest.nram++] = (struct vq_range){.base = base, .size = size};
    return 0;
bad:
    if (err)
        fprintf(err, "ram=%s: expected BASE:SIZE (at most %u, not wrapping)\n", s, VQ_MAX_RAM);
    return VDEV_ERR_INVAL;
}

int virtio_mmio_init(struct virtio_mmio *vm, struct vdev *dev, const struct virtio_dev_ops *ops,
                     struct vdev_opts *o, FILE *err)
{
    const char *s;
    int rc;

    vm->ops = ops;
    vm->dev = dev;
    while ((s = vdev_opts_take(o, "ram")) != NULL) {
        rc = take_ram(vm, s, err);
        if (rc)
            return rc;
    }
    return 0;
}

void virtio_mmio_set_mem(struct vdev *dev, const struct vq_mem *mem)
{
    struct virtio_mmio *vm = virtio_mmio_of(dev);

    if (vm)
        vm->guest.mem = mem;
}

static uint64_t device_features(const struct virtio_mmio *vm)
{
    return vm->ops->features | (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX);
}

static void update_irq(struct virtio_mmio *vm)
{
    vdev_set_irq(vm->dev, vm->int_status != 0);
}

void virtio_mmio_fail(struct virtio_mmio *vm, enum vq_err e)
{
    vm->errors++;
    if (vm->status & VIRTIO_STATUS_NEEDS_RESET)
        return;
    vm->last_err = e;
    vdev_log(vm->dev, "guest error (%s): device needs reset", vq_err_name(e));
    vm->status |= VIRTIO_STATUS_NEEDS_RESET;
    /* §2.1.2: with DRIVER_OK set the device must also send a configuration change
     * notification; the generation changes so a driver re-reading the config sees it. */
    if (vm->status & VIRTIO_STATUS_DRIVER_OK) {
        vm->config_gen++;
        vm->int_status |= VIRTIO_INT_CONFIG;
        update_irq(vm);
    }
}

bool virtio_mmio_queue_live(const struct virtio_mmio *vm, unsigned q)
{
    return q < vm->ops->nqueues && vm->vq[q].ready &&
           (vm->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
               VIRTIO_STATUS_DRIVER_OK;
}

void virtio_mmio_used_irq(struct virtio_mmio *vm, unsigned q)
{
    if (!vq_want_interrupt(&vm->vq[q]))
        return;
    vm->int_status |= VIRTIO_INT_USED;
    update_irq(vm);
}

enum vq_err virtio_mmio_queue_done(struct virtio_mmio *vm, unsigned q, bool used, enum vq_err e,
                                   int r)
{
    if (!e && r < 0)
        e = (enum vq_err) - r;
    if (used)
        virtio_mmio_used_irq(vm, q);
    if (e)
        virtio_mmio_fail(vm, e);
    return e;
}

bool virtio_mmio_queue_rearm(struct virtio_mmio *vm, unsigned q, bool took, unsigned *budget,
                             int *r)
{
    struct virtqueue *vq = &vm->vq[q];
    int p;

    if (*r != 0 || !virtio_mmio_queue_live(vm, q))
        return false;
    if (took) {
        vm->polling |= 1u << q;
        vm->poll_at = vdev_now(vm->dev) + VIRTIO_MMIO_POLL_NS;
        return false;
    }
    p = vq_notify_on(vq);
    if (*budget == 0 || p == 0)
        return false;
    if (p < 0) {
        *r = p;
        return false;
    }
    (*budget)--;
    vq_notify_off(vq);
    return true;
}

void virtio_mmio_rx_rearm(struct virtio_mmio *vm, unsigned q)
{
    struct virtqueue *vq = &vm->vq[q];

    if (!virtio_mmio_queue_live(vm, q) || vq_pending(vq) != 0)
        return; /* buffers left (or a broken ring, which the next pass reports) */
    if (vq_notify_on(vq) != 0)
        vq_notify_off(vq);
}

bool virtio_mmio_rx_wanted(struct virtio_mmio *vm, unsigned q)
{
    return virtio_mmio_queue_live(vm, q) && vq_pending(&vm->vq[q]) > 0;
}

void virtio_mmio_reset(struct vdev *dev)
{
    struct virtio_mmio *vm = dev->priv;

    vm->status = vm->int_status = vm->polling = 0;
    vm->dev_feat_sel = vm->drv_feat_sel = vm->queue_sel = 0;
    vm->driver_features = 0;
    vm->last_err = VQ_OK;
    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++)
        vq_reset(&vm->vq[q], &vm->guest);
    vdev_set_irq(dev, 0);
}

/* The selected queue, or NULL when QueueSel names none (the driver probes with it). */
static struct virtqueue *sel_vq(struct virtio_mmio *vm)
{
    return vm->queue_sel < vm->ops->nqueues ? &vm->vq[vm->queue_sel] : NULL;
}

static uint32_t hi(uint64_t v)
{
    return (uint32_t)(v >> 32);
}

static uint32_t queue_read(struct virtio_mmio *vm, uint64_t off)
{
    struct virtqueue *vq = sel_vq(vm);

    if (!vq)
        return 0; /* QueueNumMax 0: no such queue */
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return VQ_MAX_SIZE;
    case VIRTIO_MMIO_QUEUE_READY:
        return vq->ready;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        return (uint32_t)vq->desc;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        return hi(vq->desc);
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        return (uint32_t)vq->avail;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        return hi(vq->avail);
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        return (uint32_t)vq->used;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return hi(vq->used);
    default:
        return 0; /* QueueNum is write-only */
    }
}

/* A config access of @size 1, 2 or 4 at @off (aligned to @size): the bytes of the word that
 * holds it (config fields are little-endian, so byte k of the word is config byte off+k). */
static uint32_t config_read(struct virtio_mmio *vm, uint64_t off, unsigned size)
{
    const uint32_t shift = 8 * (uint32_t)(off % 4);
    uint32_t w;

    if (off >= vm->ops->config_len || !vm->ops->config_read)
        return 0;
    w = vm->ops->config_read(vm, (uint32_t)(off - off % 4)) >> shift;
    return size >= 4 ? w : w & ((1u << (8 * size)) - 1);
}

uint64_t virtio_mmio_read(struct vdev *dev, uint64_t off, unsigned size)
{
    struct virtio_mmio *vm = dev->priv;
    uint64_t f;

    if (off >= VIRTIO_MMIO_CONFIG)
        return config_read(vm, off - VIRTIO_MMIO_CONFIG, size);
    switch (off) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION:
        return 2;
    case VIRTIO_MMIO_DEVICE_ID:
        return vm->ops->device_id;
    case VIRTIO_MMIO_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        f = device_features(vm);
        return vm->dev_feat_sel == 0 ? (uint32_t)f : vm->dev_feat_sel == 1 ? hi(f) : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return vm->int_status;
    case VIRTIO_MMIO_STATUS:
        return vm->status;
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return vm->config_gen;
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
    case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        return queue_read(vm, off);
    default:
        return 0; /* write-only and reserved registers */
    }
}

static void set_lo(uint64_t *r, uint32_t v)
{
    *r = (*r & ~0xffffffffull) | v;
}

static void set_hi(uint64_t *r, uint32_t v)
{
    *r = (*r & 0xffffffffull) | ((uint64_t)v << 32);
}

static void queue_ready(struct virtio_mmio *vm, struct virtqueue *vq, uint32_t v)
{
    enum vq_err e;

    if (!v) {
        vq->ready = false; /* §4.2.2.2: how a driver stops using a queue */
        return;
    }
    if (vq->ready)
        return;
    /* Queues are set up after FEATURES_OK (§3.1.1 step 7). */
    if (!(vm->status & VIRTIO_STATUS_FEATURES_OK)) {
        virtio_mmio_fail(vm, VQ_ERR_SETUP);
        return;
    }
    vq->event_idx = vm->driver_features & (1ull << VIRTIO_RING_F_EVENT_IDX);
    e = vq_enable(vq);
    if (e)
        virtio_mmio_fail(vm, e);
}

static void queue_write(struct virtio_mmio *vm, uint64_t off, uint32_t v)
{
    struct virtqueue *vq = sel_vq(vm);

    if (!vq) {
        /* Stopping a queue that does not exist is harmless; setting one up is not. */
        if (off != VIRTIO_MMIO_QUEUE_READY || v)
            virtio_mmio_fail(vm, VQ_ERR_SETUP);
        return;
    }
    if (off == VIRTIO_MMIO_QUEUE_READY) {
        queue_ready(vm, vq, v);
        return;
    }
    if (vq->ready) {
        virtio_mmio_fail(vm, VQ_ERR_SETUP); /* §4.2.2.2: not while the queue is live */
        return;
    }
    switch (off) {
    case VIRTIO_MMIO_QUEUE_NUM:
        vq->num = v; /* checked when the queue is enabled */
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        set_lo(&vq->desc, v);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        set_hi(&vq->desc, v);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
        set_lo(&vq->avail, v);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        set_hi(&vq->avail, v);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
        set_lo(&vq->used, v);
        break;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        set_hi(&vq->used, v);
        break;
    }
}

/* FEATURES_OK is kept only for a subset of what we offer that includes VERSION_1 (§3.1.1:
 * the device refuses by leaving the bit clear; the driver reads it back). */
static bool features_ok(const struct virtio_mmio *vm)
{
    const uint64_t f = vm->driver_features;

    return !(f & ~device_features(vm)) && (f & (1ull << VIRTIO_F_VERSION_1));
}

static void run_pending(struct virtio_mmio *vm)
{
    for (unsigned q = 0; q < vm->ops->nqueues; q++)
        if (virtio_mmio_queue_live(vm, q) && vm->ops->notify)
            vm->ops->notify(vm, q);
}

static void status_write(struct virtio_mmio *vm, uint32_t v)
{
    const uint32_t old = vm->status;
    const uint32_t keep = old & VIRTIO_STATUS_NEEDS_RESET; /* the device's bit */

    if (v == 0) {
        virtio_mmio_reset(vm->dev);
        return;
    }
    v &= 0xff & ~VIRTIO_STATUS_NEEDS_RESET;
    /* The driver never clears a bit except by reset (§2.1.1). */
    if (old & ~v & ~VIRTIO_STATUS_NEEDS_RESET) {
        virtio_mmio_fail(vm, VQ_ERR_SETUP);
        return;
    }
    if ((v & ~old & VIRTIO_STATUS_FEATURES_OK) && !features_ok(vm))
        v &= ~VIRTIO_STATUS_FEATURES_OK;
    if ((v & VIRTIO_STATUS_DRIVER_OK) && !(v & VIRTIO_STATUS_FEATURES_OK)) {
        vm->status = (v & ~VIRTIO_STATUS_DRIVER_OK) | keep;
        virtio_mmio_fail(vm, VQ_ERR_SETUP);
        return;
    }
    vm->status = v | keep;
    /* Buffers made available before DRIVER_OK (Linux's console fills its receive queue in
     * probe) are seen now. */
    if (v & ~old & VIRTIO_STATUS_DRIVER_OK) {
        if (vm->ops->driver_ok)
            vm->ops->driver_ok(vm);
        run_pending(vm);
    }
}

static void notify(struct virtio_mmio *vm, uint32_t q)
{
    if (q >= vm->ops->nqueues || !vm->vq[q].ready) {
        virtio_mmio_fail(vm, VQ_ERR_INDEX);
        return;
    }
    /* Before DRIVER_OK the device may not consume buffers (§3.1.1); run_pending catches up. */
    if (virtio_mmio_queue_live(vm, q) && vm->ops->notify) {
        vq_notify_off(&vm->vq[q]);
        vm->ops->notify(vm, q);
    }
}

uint64_t virtio_mmio_timer(struct vdev *dev, uint64_t now)
{
    struct virtio_mmio *vm = dev->priv;
    uint32_t due = vm->polling;

    if (!due)
        return VDEV_NO_DEADLINE;
    if (vm->poll_at > now)
        return vm->poll_at;
    vm->polling = 0; /* a pass that takes chains sets it again */
    for (unsigned q = 0; q < vm->ops->nqueues; q++)
        if ((due & (1u << q)) && virtio_mmio_queue_live(vm, q))
            vm->ops->notify(vm, q);
    return virtio_mmio_poll_deadline(vm, now);
}

uint64_t virtio_mmio_poll_deadline(struct virtio_mmio *vm, uint64_t now)
{
    if (!vm->polling)
        return VDEV_NO_DEADLINE;
    /* Never at or before @now: a caller's clock may be ahead of the one the pass read. */
    if (vm->poll_at <= now)
        vm->poll_at = now + VIRTIO_MMIO_POLL_NS;
    return vm->poll_at;
}

void virtio_mmio_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct virtio_mmio *vm = dev->priv;
    const uint32_t v = (uint32_t)val;

    if (off >= VIRTIO_MMIO_CONFIG)
        return; /* no device here has writable configuration fields */
    switch (off) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        vm->dev_feat_sel = v;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        vm->drv_feat_sel = v;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        /* Fixed once FEATURES_OK is set (§2.2.1); pages beyond 64 bits do not exist. */
        if (vm->status & VIRTIO_STATUS_FEATURES_OK || vm->drv_feat_sel > 1)
            break;
        if (vm->drv_feat_sel)
            set_hi(&vm->driver_features, v);
        else
            set_lo(&vm->driver_features, v);
        break;
    case VIRTIO_MMIO_QUEUE_SEL:
        vm->queue_sel = v;
        break;
    case VIRTIO_MMIO_QUEUE_NUM:
    case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        queue_write(vm, off, v);
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        notify(vm, v);
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        vm->int_status &= ~v;
        update_irq(vm);
        break;
    case VIRTIO_MMIO_STATUS:
        status_write(vm, v);
        break;
    default:
        break; /* read-only and reserved registers */
    }
}
