/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtqueue.c: popping and pushing split-virtqueue chains, every guest value checked once. */
#include <endian.h>
#include <string.h>

#include "vdev-backends/virtqueue.h"

/* Ring layout (virtio 1.2 §2.7): all fields little-endian. */
#define DESC_SIZE      16u
#define AVAIL_IDX      2u
#define AVAIL_RING     4u
#define USED_IDX       2u
#define USED_RING      4u
#define USED_ELEM_SIZE 8u
#define USED_FLAGS     0u

static const char *const err_names[] = {
    [VQ_OK] = "ok",
    [VQ_ERR_MEM] = "address-outside-ram",
    [VQ_ERR_INDEX] = "descriptor-index",
    [VQ_ERR_LOOP] = "chain-too-long",
    [VQ_ERR_AVAIL] = "avail-idx-jump",
    [VQ_ERR_FLAGS] = "descriptor-flags",
    [VQ_ERR_SETUP] = "queue-setup",
};

const char *vq_err_name(enum vq_err e)
{
    return (unsigned)e < sizeof(err_names) / sizeof(err_names[0]) ? err_names[e] : "?";
}

/* [gpa, gpa+len) does not wrap and, with ram= ranges, lies inside one of them. */
static bool in_ram(const struct vq_guest *g, uint64_t gpa, uint64_t len)
{
    if (len == 0)
        return true;
    if (gpa > UINT64_MAX - (len - 1))
        return false;
    if (!g->nram)
        return true;
    for (unsigned i = 0; i < g->nram && i < VQ_MAX_RAM; i++) {
        const struct vq_range *r = &g->ram[i];

        if (gpa >= r->base && gpa - r->base < r->size && len <= r->size - (gpa - r->base))
            return true;
    }
    return false;
}

/* The next page-bounded piece of [*gpa, *gpa + *len), *len > 0: its host address, or NULL when
 * the mapper refuses it. *chunk is its size; *gpa and *len move past it. */
static uint8_t *next_piece(const struct vq_guest *g, uint64_t *gpa, uint64_t *len, bool write,
                           size_t *chunk)
{
    const uint64_t at = *gpa;
    size_t c = VQ_PAGE_SIZE - (size_t)(at % VQ_PAGE_SIZE);

    if (c > *len)
        c = (size_t)*len;
    *chunk = c;
    *gpa += c;
    *len -= c;
    return g->mem->map(g->mem->opaque, at, c, write);
}

/* Copies between [gpa, gpa+len) and @buf piece by piece; -1 at the first piece refused. */
static int copy(const struct vq_guest *g, uint64_t gpa, uint8_t *buf, size_t len, bool write)
{
    uint64_t left = len;

    if (!g || !g->mem || !in_ram(g, gpa, len))
        return -1;
    while (left) {
        size_t chunk;
        uint8_t *p = next_piece(g, &gpa, &left, write, &chunk);

        if (!p)
            return -1;
        if (write)
            memcpy(p, buf, chunk);
        else
            memcpy(buf, p, chunk);
        buf += chunk;
    }
    return 0;
}

int vq_iov(const struct vq_guest *g, uint64_t gpa, uint64_t len, bool write, struct iovec *iov,
           unsigned max, unsigned *n)
{
    if (!g || !g->mem || !g->mem->generation || !in_ram(g, gpa, len))
        return -1;
    while (len) {
        size_t chunk;
        uint8_t *p = next_piece(g, &gpa, &len, write, &chunk);

        if (!p)
            return -1;
        if (*n && (uint8_t *)iov[*n - 1].iov_base + iov[*n - 1].iov_len == p)
            iov[*n - 1].iov_len += chunk;
        else if (*n < max)
            iov[(*n)++] = (struct iovec){.iov_base = p, .iov_len = chunk};
        else
            return -1;
    }
    return 0;
}

uint64_t vq_generation(const struct vq_guest *g)
{
    return g && g->mem && g->mem->generation ? g->mem->generation(g->mem->opaque) : 0;
}

int vq_read(const struct vq_guest *g, uint64_t gpa, void *buf, size_t len)
{
    return copy(g, gpa, buf, len, false);
}

int vq_write(const struct vq_guest *g, uint64_t gpa, const void *buf, size_t len)
{
    return copy(g, gpa, (uint8_t *)buf, len, true);
}

static int read16(const struct vq_guest *g, uint64_t gpa, uint16_t *v)
{
    uint16_t raw;

    if (vq_read(g, gpa, &raw, sizeof(raw)))
        return -1;
    *v = le16toh(raw);
    return 0;
}

static int write16(const struct vq_guest *g, uint64_t gpa, uint16_t v)
{
    uint16_t raw = htole16(v);

    return vq_write(g, gpa, &raw, sizeof(raw));
}

static int write32(const struct vq_guest *g, uint64_t gpa, uint32_t v)
{
    uint32_t raw = htole32(v);

    return vq_write(g, gpa, &raw, sizeof(raw));
}

void vq_reset(struct virtqueue *vq, const struct vq_guest *guest)
{
    memset(vq, 0, sizeof(*vq));
    vq->guest = guest;
}

enum vq_err vq_enable(struct virtqueue *vq)
{
    const uint64_t n = vq->num;

    if (n == 0 || n > VQ_MAX_SIZE || (n & (n - 1)))
        return VQ_ERR_SETUP;
    /* §2.7: descriptor table 16-byte, avail 2-byte, used 4-byte aligned. So no descriptor,
     * avail entry or used field ever straddles a page (used elements are written as two
     * 32-bit halves). */
    if (vq->desc % 16 || vq->avail % 2 || vq->used % 4)
        return VQ_ERR_SETUP;
    if (!in_ram(vq->guest, vq->desc, DESC_SIZE * n) || !in_ram(vq->guest, vq->avail, 6 + 2 * n) ||
        !in_ram(vq->guest, vq->used, 6 + USED_ELEM_SIZE * n))
        return VQ_ERR_SETUP;
    vq->last_avail = 0;
    vq->used_idx = 0;
    vq->signalled = 0;
    vq->ready = true;
    return VQ_OK;
}

int vq_pending(struct virtqueue *vq)
{
    uint16_t idx, n;

    if (!vq->ready)
        return 0;
    if (read16(vq->guest, vq->avail + AVAIL_IDX, &idx))
        return -VQ_ERR_MEM;
    /* The ring entries are read only after the index that published them. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    n = (uint16_t)(idx - vq->last_avail);
    if (n > vq->num)
        return -VQ_ERR_AVAIL;
    return n;
}

struct raw_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static int read_desc(struct virtqueue *vq, uint16_t i, struct raw_desc *d)
{
    uint8_t raw[DESC_SIZE];

    if (vq_read(vq->guest, vq->desc + (uint64_t)i * DESC_SIZE, raw, sizeof(raw)))
        return -1;
    /* Copied once: the guest may change the table under us, we use only this copy. */
    memcpy(&d->addr, raw, 8);
    memcpy(&d->len, raw + 8, 4);
    memcpy(&d->flags, raw + 12, 2);
    memcpy(&d->next, raw + 14, 2);
    d->addr = le64toh(d->addr);
    d->len = le32toh(d->len);
    d->flags = le16toh(d->flags);
    d->next = le16toh(d->next);
    return 0;
}

/* Appends one descriptor to c after checking it; VQ_OK or why not. */
static enum vq_err take_desc(struct virtqueue *vq, const struct raw_desc *d, struct vq_chain *c)
{
    const bool w = d->flags & VIRTQ_DESC_F_WRITE;

    if (d->flags & VIRTQ_DESC_F_INDIRECT)
        return VQ_ERR_FLAGS; /* VIRTIO_F_INDIRECT_DESC is not offered */
    if (!w && c->n > c->n_out)
        return VQ_ERR_FLAGS; /* §2.7.4.2: readable descriptors come first */
    if (!in_ram(vq->guest, d->addr, d->len))
        return VQ_ERR_MEM;
    c->buf[c->n++] = (struct vq_buf){.gpa = d->addr, .len = d->len, .write = w};
    if (w)
        c->in_len += d->len;
    else {
        c->n_out++;
        c->out_len += d->len;
    }
    return VQ_OK;
}

int vq_pop(struct virtqueue *vq, struct vq_chain *c, unsigned *budget)
{
    struct raw_desc d;
    uint16_t head, i;
    int r = vq_pending(vq);

    if (r <= 0)
        return r;
    if (read16(vq->guest, vq->avail + AVAIL_RING + 2ull * (vq->last_avail % vq->num), &head))
        return -VQ_ERR_MEM;
    if (head >= vq->num)
        return -VQ_ERR_INDEX;
    memset(c, 0, offsetof(struct vq_chain, buf));
    c->head = head;
    for (i = head;; i = d.next) {
        enum vq_err e;

        /* A correct chain has at most num descriptors, so the walk ends after num steps
         * whatever the table holds (a loop is a chain that never ends). */
        if (c->n == vq->num)
            return -VQ_ERR_LOOP;
        if (*budget == 0)
            return 0;
        (*budget)--;
        if (read_desc(vq, i, &d))
            return -VQ_ERR_MEM;
        e = take_desc(vq, &d, c);
        if (e)
            return -(int)e;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            break;
        if (d.next >= vq->num)
            return -VQ_ERR_INDEX;
    }
    vq->last_avail++;
    return 1;
}

void vq_unpop(struct virtqueue *vq)
{
    vq->last_avail--;
}

enum vq_err vq_push(struct virtqueue *vq, uint16_t head, uint32_t written)
{
    const uint64_t elem =
        vq->used + USED_RING + (uint64_t)(vq->used_idx % vq->num) * USED_ELEM_SIZE;

    if (write32(vq->guest, elem, head) || write32(vq->guest, elem + 4, written))
        return VQ_ERR_MEM;
    /* The element is visible before the index that publishes it. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    vq->used_idx++;
    if (write16(vq->guest, vq->used + USED_IDX, vq->used_idx))
        return VQ_ERR_MEM;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return VQ_OK;
}

/* used_event: after the avail ring's num entries; avail_event: after the used ring's. Both are
 * inside what vq_enable checked (6 + 2 * num, 6 + 8 * num bytes). */
static uint64_t used_event_at(const struct virtqueue *vq)
{
    return vq->avail + AVAIL_RING + 2ull * vq->num;
}

static uint64_t avail_event_at(const struct virtqueue *vq)
{
    return vq->used + USED_RING + (uint64_t)USED_ELEM_SIZE * vq->num;
}

/* vring_need_event (§2.7.10): the driver asked to hear of used index @event, and it lies among
 * those published since @old, up to @new (all modulo 2^16). */
static bool need_event(uint16_t event, uint16_t new, uint16_t old)
{
    return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

bool vq_want_interrupt(struct virtqueue *vq)
{
    const uint16_t old = vq->signalled;
    uint16_t v;

    vq->signalled = vq->used_idx;
    if (vq->event_idx)
        return read16(vq->guest, used_event_at(vq), &v) || need_event(v, vq->used_idx, old);
    if (read16(vq->guest, vq->avail, &v))
        return true;
    return !(v & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void vq_notify_off(struct virtqueue *vq)
{
    if (vq->ready && !vq->event_idx)
        (void)write16(vq->guest, vq->used + USED_FLAGS, VIRTQ_USED_F_NO_NOTIFY);
}

int vq_notify_on(struct virtqueue *vq)
{
    uint16_t idx;

    if (!vq->ready)
        return 0;
    if (!vq->event_idx) {
        if (write16(vq->guest, vq->used + USED_FLAGS, 0))
            return -VQ_ERR_MEM;
    } else if (read16(vq->guest, vq->avail + AVAIL_IDX, &idx) ||
               write16(vq->guest, avail_event_at(vq), idx)) {
        return -VQ_ERR_MEM;
    }
    /* The driver publishes idx, then reads the flag or avail_event; we write those, then read
     * idx: with both fences one of us sees the other's write. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return vq_pending(vq);
}
