/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtqueue.h: split virtqueues (virtio 1.2 §2.7) over untrusted guest memory. */
#ifndef QX_VIRTQUEUE_H
#define QX_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* QueueNumMax of every queue: the cost bound of one notification (descriptors per kick). */
#define VQ_MAX_SIZE 256u
/* Guest memory is accessed in pieces that never cross a page of this size. */
#define VQ_PAGE_SIZE 4096u
#define VQ_MAX_RAM   4u /* ram= ranges per device */

#define VIRTQ_DESC_F_NEXT          1u
#define VIRTQ_DESC_F_WRITE         2u
#define VIRTQ_DESC_F_INDIRECT      4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY     1u
/* Feature bit (§6): used_event at the end of the avail ring, avail_event at the end of the used
 * ring, in place of the two flags above (§2.7.7, §2.7.10). */
#define VIRTIO_RING_F_EVENT_IDX 29

/* Guest memory as the transport provides it. map returns a host pointer to the @len bytes at
 * @gpa (never crossing a VQ_PAGE_SIZE boundary, the caller guarantees it), or NULL when they
 * are not the guest's RAM. Without generation the pointer is used at once and not kept: a
 * mapper may recycle mappings on the next call. With it, every pointer returned stays valid
 * while generation() returns the same value (it changes when a mapping is replaced), so a
 * device may gather several into an iovec for one system call. Tests use a flat buffer;
 * qvm-xl-backend foreign-maps the guest's RAM in buckets (guestmem-cache.h). */
struct vq_mem {
    void *opaque;
    void *(*map)(void *opaque, uint64_t gpa, size_t len, bool write);
    uint64_t (*generation)(void *opaque); /* may be NULL */
};

struct vq_range {
    uint64_t base, size;
};

/* What a device's queues may touch: the mapper, narrowed to the ram= ranges if any. */
struct vq_guest {
    const struct vq_mem *mem; /* NULL: no guest memory (every access fails) */
    struct vq_range ram[VQ_MAX_RAM];
    unsigned nram; /* 0: whatever the mapper accepts */
};

/* Why a queue stopped: each is guest misbehaviour (the transport sets DEVICE_NEEDS_RESET). */
enum vq_err {
    VQ_OK = 0,
    VQ_ERR_MEM,   /* an address outside guest RAM, or addr+len wraps */
    VQ_ERR_INDEX, /* a descriptor index >= queue size */
    VQ_ERR_LOOP,  /* a chain longer than the queue (a loop, or simply too long) */
    VQ_ERR_AVAIL, /* avail idx moved more than the queue size ahead */
    VQ_ERR_FLAGS, /* INDIRECT (not offered), or a readable after a writable descriptor */
    VQ_ERR_SETUP, /* size not a power of 2 / too big, misaligned or unmapped rings */
};

const char *vq_err_name(enum vq_err e);

struct virtqueue {
    /* Set by the driver through the transport while the queue is not ready. */
    uint32_t num;
    uint64_t desc, avail, used;
    bool ready;
    bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated (set before vq_enable) */
    /* Device state. */
    uint16_t last_avail; /* next avail ring slot to consume */
    uint16_t used_idx;   /* our copy of used->idx (the guest cannot change ours) */
    uint16_t signalled;  /* used_idx when vq_want_interrupt last decided (EVENT_IDX) */
    const struct vq_guest *guest;
};

/* One buffer of a chain, validated: inside guest RAM, no wrap. */
struct vq_buf {
    uint64_t gpa;
    uint32_t len;
    bool write; /* device-writable */
};

struct vq_chain {
    uint16_t head;
    unsigned n;     /* buffers; the readable ones come first */
    unsigned n_out; /* readable (driver → device) buffers */
    uint64_t out_len, in_len;
    struct vq_buf buf[VQ_MAX_SIZE];
};

/* Clears the device state and the driver's settings (device reset). */
void vq_reset(struct virtqueue *vq, const struct vq_guest *guest);
/* QueueReady 1: checks the size (power of 2, 1..VQ_MAX_SIZE), the rings' alignment and that
 * the three rings lie in guest memory. VQ_OK or VQ_ERR_SETUP (the queue stays not ready). */
enum vq_err vq_enable(struct virtqueue *vq);

/* Chains the driver has made available and the device not consumed: 0..num, or VQ_ERR_AVAIL
 * (returned negated) when the guest's idx jumped further or the ring cannot be read. */
int vq_pending(struct virtqueue *vq);
/* Takes the next available chain into *c and validates every descriptor; *budget (descriptors
 * this notification may still walk) is decreased. 1: a chain; 0: none pending, or the budget
 * is spent; -VQ_ERR_*: misbehaviour (the chain is not consumed). */
int vq_pop(struct virtqueue *vq, struct vq_chain *c, unsigned *budget);
/* Gives back the chain just popped (nothing was written to it). */
void vq_unpop(struct virtqueue *vq);
/* Returns a chain to the driver with @written bytes filled. VQ_OK or VQ_ERR_MEM. */
enum vq_err vq_push(struct virtqueue *vq, uint16_t head, uint32_t written);
/* Whether the driver wants a used-buffer notification for the chains pushed since the last
 * call: VIRTQ_AVAIL_F_NO_INTERRUPT clear or, with EVENT_IDX, used_event among them
 * (vring_need_event). Any used_event is harmless: it only answers yes or no. */
bool vq_want_interrupt(struct virtqueue *vq);

/* Available-buffer notification suppression (§2.7.10). While the device takes chains anyway it
 * turns the driver's notifications off: VIRTQ_USED_F_NO_NOTIFY (with EVENT_IDX there is nothing
 * to do: avail_event stays behind the chains the driver adds, so it does not notify). */
void vq_notify_off(struct virtqueue *vq);
/* Before the device sleeps on the queue: notifications on again for every chain it has not seen
 * (NO_NOTIFY cleared, or avail_event at the driver's current idx), then the ring re-read, as a
 * chain made available just before that would get no notification: the chains pending (> 0:
 * the caller takes them or turns notifications off again), 0, or -VQ_ERR_* as vq_pending. */
int vq_notify_on(struct virtqueue *vq);

/* Appends the host addresses of [gpa, gpa+len) to iov[*n..max), page by page, merging pieces
 * that are contiguous on the host. 0, or -1: not guest RAM, more than @max entries, or a
 * mapper without generation (then nothing is kept; copy with vq_read/vq_write instead). The
 * entries are valid while the mapper's generation stays what it was before the first. */
int vq_iov(const struct vq_guest *g, uint64_t gpa, uint64_t len, bool write, struct iovec *iov,
           unsigned max, unsigned *n);
/* The mapper's generation (0 without one). */
uint64_t vq_generation(const struct vq_guest *g);

/* Copies between guest memory and @buf in page-sized pieces. 0 or -1 (outside guest RAM). */
int vq_read(const struct vq_guest *g, uint64_t gpa, void *buf, size_t len);
int vq_write(const struct vq_guest *g, uint64_t gpa, const void *buf, size_t len);

#endif
