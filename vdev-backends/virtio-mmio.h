/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-mmio.h: the virtio-mmio version 2 transport (virtio 1.2 §4.2) shared by virtio devices. */
#ifndef QX_VIRTIO_MMIO_H
#define QX_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vdev-backends/vdev.h"
#include "vdev-backends/virtqueue.h"

/* Register offsets (§4.2.2). */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100
#define VIRTIO_MMIO_LEN                 0x200 /* what libxl's virtio nodes use too */

#define VIRTIO_MMIO_MAGIC  0x74726976u /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x554d4551u /* "QEMU", as kvmtool and Linux's tests expect */

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER      0x02
#define VIRTIO_STATUS_DRIVER_OK   0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED      0x80

#define VIRTIO_INT_USED   0x1 /* used buffer notification */
#define VIRTIO_INT_CONFIG 0x2 /* configuration change notification */

#define VIRTIO_F_VERSION_1 32

#define VIRTIO_MMIO_MAX_QUEUES 2
/* After a pass that took chains, the queue is looked at again this much later with the driver's
 * notifications still off: a driver that is sending keeps adding chains, and each notification
 * is a round trip through Xen and dom0 that stops its vCPU. */
#define VIRTIO_MMIO_POLL_NS 100000u

struct virtio_mmio;

/* What a device adds to the transport (kvmtool's struct virtio_ops, reduced). */
struct virtio_dev_ops {
    uint32_t device_id;
    unsigned nqueues;  /* <= VIRTIO_MMIO_MAX_QUEUES */
    uint64_t features; /* device features besides VIRTIO_F_VERSION_1 and EVENT_IDX */
    uint32_t config_len;
    /* The 32-bit word at @off < config_len (4-aligned), little-endian as in the spec; may be
     * NULL (reads 0). Reads have no side effects: the transport serves 1- and 2-byte config
     * reads from the word holding them, if the device's vdev_ops let them through
     * (.narrow_from = VIRTIO_MMIO_CONFIG; Linux reads 8- and 16-bit fields that way). */
    uint32_t (*config_read)(struct virtio_mmio *vm, uint32_t off);
    /* A pass over queue @q: the driver wrote QueueNotify for a ready queue @q after DRIVER_OK
     * (its notifications are then off, vq_notify_off, until the device turns them on again),
     * DRIVER_OK was set, or the queue's poll time came (virtio_mmio_timer). */
    void (*notify)(struct virtio_mmio *vm, unsigned q);
    /* May be NULL. DRIVER_OK was just set: driver_features are final until the next reset.
     * Called before the first notify passes. */
    void (*driver_ok)(struct virtio_mmio *vm);
};

struct virtio_mmio {
    const struct virtio_dev_ops *ops;
    struct vdev *dev;
    struct vq_guest guest;
    uint32_t status, int_status, config_gen;
    uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
    uint64_t driver_features;
    enum vq_err last_err; /* why NEEDS_RESET was set (tests, log) */
    uint64_t errors;      /* times the guest misbehaved */
    uint32_t polling;     /* bit q: queue q is looked at again at poll_at (notifications off) */
    uint64_t poll_at;
    struct virtqueue vq[VIRTIO_MMIO_MAX_QUEUES];
};

/* A virtio device's vdev private state begins with its struct virtio_mmio, and its vdev_ops
 * use the read/write/reset below; virtio_mmio_of() recognises it by that. */
struct virtio_mmio *virtio_mmio_of(struct vdev *dev);

/* A device's init: reads the transport's keys (ram=BASE:SIZE, repeatable: the guest RAM its
 * queues may use). 0 or VDEV_ERR_INVAL. */
int virtio_mmio_init(struct virtio_mmio *vm, struct vdev *dev, const struct virtio_dev_ops *ops,
                     struct vdev_opts *o, FILE *err);
/* Gives the device its guest memory (the backend's foreign mapper, a test's flat buffer). */
void virtio_mmio_set_mem(struct vdev *dev, const struct vq_mem *mem);

/* @size is 4, or 1/2 naturally aligned in the device configuration space (narrow_from). */
uint64_t virtio_mmio_read(struct vdev *dev, uint64_t off, unsigned size);
void virtio_mmio_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val);
void virtio_mmio_reset(struct vdev *dev);

/* A virtio device's vdev_ops.timer (or called first from its own): the passes over the queues
 * that virtio_mmio_queue_rearm left polling. Returns the next deadline or VDEV_NO_DEADLINE. */
uint64_t virtio_mmio_timer(struct vdev *dev, uint64_t now);
/* The next poll time (after @now), or VDEV_NO_DEADLINE: for a device with its own timer. */
uint64_t virtio_mmio_poll_deadline(struct virtio_mmio *vm, uint64_t now);

/* For devices: the guest broke the rules (@e says how). Sets DEVICE_NEEDS_RESET, raises a
 * configuration change interrupt if DRIVER_OK was set, and stops every queue until reset. */
void virtio_mmio_fail(struct virtio_mmio *vm, enum vq_err e);
/* Queue @q is usable: DRIVER_OK, no NEEDS_RESET, ready. */
bool virtio_mmio_queue_live(const struct virtio_mmio *vm, unsigned q);
/* Raises a used-buffer interrupt on queue @q unless the driver suppressed it. */
void virtio_mmio_used_irq(struct virtio_mmio *vm, unsigned q);
/* Ends a device's pass over queue @q's chains: @e, else the error vq_pop returned (@r < 0),
 * is the pass's error; chains made used (@used) raise the used-buffer interrupt, then an
 * error fails the device (virtio_mmio_fail). Returns that error (VQ_OK: none). */
enum vq_err virtio_mmio_queue_done(struct virtio_mmio *vm, unsigned q, bool used, enum vq_err e,
                                   int r);
/* After a pass over queue @q that the device ran until vq_pop returned @r, the driver's
 * notifications (§2.7.10). A pass that took chains (@took) leaves them off and the queue
 * polling: virtio_mmio_timer runs another pass VIRTIO_MMIO_POLL_NS later (which also takes what
 * a spent *@budget left). A pass that emptied the queue without taking anything (@r 0) turns
 * them on and re-checks the ring: chains that arrived meanwhile got no notification, so the
 * answer is then true: notifications are off again and the device runs another pass. Each
 * re-check costs one descriptor of *@budget, so a guest that keeps the device busy gets no more
 * than a notification's worth per pass. An error (@r < 0) or a pass the device ended itself
 * (@r > 0) leaves them as they are. A re-check's error goes to *@r. */
bool virtio_mmio_queue_rearm(struct virtio_mmio *vm, unsigned q, bool took, unsigned *budget,
                             int *r);
/* For a queue of device-writable buffers the device fills from host input (receive): the
 * driver's notifications are needed only once the device has no buffer left, since it reads
 * the ring whenever input comes (virtio_mmio_rx_wanted). Call after each fill. */
void virtio_mmio_rx_rearm(struct virtio_mmio *vm, unsigned q);
/* Whether a device should read its host input for queue @q: the queue is live and the guest
 * has buffers posted in it (input then waits in the host's queue, not the device's). */
bool virtio_mmio_rx_wanted(struct virtio_mmio *vm, unsigned q);

#endif
