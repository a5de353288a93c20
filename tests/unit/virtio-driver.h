/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-driver.h: the guest side the virtio unit tests share: a flat guest RAM and its mapper,
 * and a minimal virtio-mmio driver (registers, the §3.1.1 handshake, split rings) driving the
 * first device of a vdev_fake through the dispatcher. Each test keeps only its device's part. */
#ifndef QX_TEST_VIRTIO_DRIVER_H
#define QX_TEST_VIRTIO_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vdev-backends/vdev-fake.h"
#include "vdev-backends/virtio-mmio.h"

#define VD_REGS     0xa000000ull  /* the device's registers (the tests' mem=) */
#define VD_RAM_BASE 0x40000000ull /* guest RAM (the tests' ram=BASE:...) */
/* Queue q's rings: desc at VD_RAM_BASE + q * VD_QUEUE_SPAN, avail 0x200 and used 0x400 above. */
#define VD_QUEUE_SPAN 0x1000u
#define VD_MAX_NUM    32u /* the largest queue size whose descriptors fit below avail */

struct vd_queue {
    uint64_t desc, avail, used; /* where the driver put the rings */
    uint16_t avail_idx;         /* the driver's next avail index */
};

/* The test fills the first fields (a designated initializer), then calls vd_init. */
struct vd {
    struct vdev_fake *f; /* the device is f->dev[0] */
    uint8_t *ram;        /* guest RAM at VD_RAM_BASE, ram_size bytes */
    size_t ram_size;
    unsigned nqueues; /* the queues vd_handshake sets up */
    unsigned num;     /* the size this driver gives them */
    uint64_t hole;    /* a page inside RAM that the mapper refuses (0: none) */
    unsigned maps;    /* map calls, to bound the work per notification */
    /* Called at each map, before the device touches the bytes: a test acts as another vCPU
     * of the guest at an exact point of the device's work. NULL: none. */
    void (*on_map)(struct vd *vd, uint64_t gpa, size_t len, bool write);
    void *arg; /* the test's, for on_map */
    /* The mapper's generation (vq_mem.generation), which a test may change as a mapper does
     * when it replaces a mapping; bounce_only (set before vd_init): a mapper without one, so
     * devices copy through their own buffers. */
    uint64_t gen;
    bool bounce_only;
    struct vq_mem mem;
    struct vd_queue q[VIRTIO_MMIO_MAX_QUEUES];
};

/* One buffer of a chain that vd_chain_add writes. */
struct vd_buf {
    uint64_t addr;
    uint32_t len;
    bool write; /* device-writable */
};

/* Zeroes the RAM, places the rings, and gives the device the RAM through the flat mapper. */
void vd_init(struct vd *vd);

/* Registers, at offsets from VD_REGS. */
uint32_t vd_rd(struct vd *vd, unsigned off);
void vd_wr(struct vd *vd, unsigned off, uint32_t v);
struct virtio_mmio *vd_mmio(struct vd *vd);
bool vd_needs_reset(struct vd *vd);

/* Guest RAM at guest-physical @gpa. */
uint8_t *vd_g(struct vd *vd, uint64_t gpa);
void vd_put16(struct vd *vd, uint64_t gpa, uint16_t v);
uint16_t vd_get16(struct vd *vd, uint64_t gpa);
uint32_t vd_get32(struct vd *vd, uint64_t gpa);

/* §3.1.1 up to FEATURES_OK, as Linux's virtio_mmio does it: VERSION_1 and @features (bits
 * 0-31). */
void vd_features_ok(struct vd *vd, uint32_t features);
/* Queue @q: empty rings of vd->num entries at its place, QueueReady 1. */
void vd_queue_setup(struct vd *vd, unsigned q);
/* vd_features_ok, every queue set up, DRIVER_OK; the avail indexes start at 0 again. */
void vd_handshake(struct vd *vd, uint32_t features);

/* Descriptor @i of queue @q. */
void vd_desc(struct vd *vd, unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
             uint16_t next);
/* Makes the chain at @head available (no notification). */
void vd_post(struct vd *vd, unsigned q, uint16_t head);
/* The @n buffers as descriptors @first, @first + 1, ... chained in that order, posted. */
void vd_chain_add(struct vd *vd, unsigned q, unsigned first, const struct vd_buf *bufs, unsigned n);
void vd_notify(struct vd *vd, unsigned q);
/* The driver stays quiet: the device's timers run (the clock moved to each deadline) until it
 * has none, so a queue it polls after a pass turns notifications on again. */
void vd_idle(struct vd *vd);

/* The used ring of queue @q: its index, and the id and written length of completion @n
 * (0-based). */
uint16_t vd_used_idx(struct vd *vd, unsigned q);
uint32_t vd_used_id(struct vd *vd, unsigned q, unsigned n);
uint32_t vd_used_len(struct vd *vd, unsigned q, unsigned n);

/* Notification suppression (§2.7.7, §2.7.10): the used ring's flags (VIRTQ_USED_F_NO_NOTIFY),
 * used_event (after the avail ring, the driver's) and avail_event (after the used ring, the
 * device's), at the queue size vd->num. */
uint16_t vd_used_flags(struct vd *vd, unsigned q);
uint64_t vd_used_event_at(struct vd *vd, unsigned q);
uint64_t vd_avail_event_at(struct vd *vd, unsigned q);

/* After a hostile act: NEEDS_RESET for @why, with a configuration interrupt. */
void vd_assert_failed(struct vd *vd, enum vq_err why);
/* A stopped queue: a notification of @q does nothing (not one map). */
void vd_assert_stopped(struct vd *vd, unsigned q);

/* A guest writing random values to random registers (now and then addresses in the first @span
 * bytes of RAM) and random bytes into that span, @rounds times; @each(@arg) runs after every
 * access, vd->maps counting that access's map calls. */
void vd_garbage(struct vd *vd, unsigned rounds, size_t span, void (*each)(void *arg), void *arg);

#endif
