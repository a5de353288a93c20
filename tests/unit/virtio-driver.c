/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-driver.c: the virtio unit tests' guest RAM and driver (see virtio-driver.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/virtio-driver.h"

static void *vd_map(void *opaque, uint64_t gpa, size_t len, bool write)
{
    struct vd *vd = opaque;

    (void)write;
    vd->maps++;
    if (gpa < VD_RAM_BASE || gpa - VD_RAM_BASE >= vd->ram_size ||
        len > vd->ram_size - (gpa - VD_RAM_BASE))
        return NULL;
    if (vd->hole && gpa / VQ_PAGE_SIZE == vd->hole / VQ_PAGE_SIZE)
        return NULL;
    /* The transport promises pieces that do not cross a page. */
    assert_true(gpa / VQ_PAGE_SIZE == (gpa + len - 1) / VQ_PAGE_SIZE);
    if (vd->on_map)
        vd->on_map(vd, gpa, len, write);
    return vd->ram + (gpa - VD_RAM_BASE);
}

/* Flat RAM: a pointer stays valid as long as the test says (vd->gen). */
static uint64_t vd_generation(void *opaque)
{
    const struct vd *vd = opaque;

    return vd->gen;
}

void vd_init(struct vd *vd)
{
    assert_true(vd->nqueues <= VIRTIO_MMIO_MAX_QUEUES && vd->num <= VD_MAX_NUM);
    assert_true(vd->nqueues * VD_QUEUE_SPAN <= vd->ram_size);
    memset(vd->ram, 0, vd->ram_size);
    vd->hole = 0;
    vd->maps = 0;
    vd->on_map = NULL;
    vd->gen = 0;
    vd->mem = (struct vq_mem){
        .opaque = vd, .map = vd_map, .generation = vd->bounce_only ? NULL : vd_generation};
    for (unsigned q = 0; q < VIRTIO_MMIO_MAX_QUEUES; q++) {
        uint64_t desc = VD_RAM_BASE + q * VD_QUEUE_SPAN;

        vd->q[q] = (struct vd_queue){.desc = desc, .avail = desc + 0x200, .used = desc + 0x400};
    }
    virtio_mmio_set_mem(&vd->f->dev[0], &vd->mem);
}

uint32_t vd_rd(struct vd *vd, unsigned off)
{
    return mmio_rd(vd->f, VD_REGS + off);
}

void vd_wr(struct vd *vd, unsigned off, uint32_t v)
{
    mmio_wr(vd->f, VD_REGS + off, v);
}

struct virtio_mmio *vd_mmio(struct vd *vd)
{
    return virtio_mmio_of(&vd->f->dev[0]);
}

bool vd_needs_reset(struct vd *vd)
{
    return vd_rd(vd, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

uint8_t *vd_g(struct vd *vd, uint64_t gpa)
{
    return vd->ram + (gpa - VD_RAM_BASE);
}

void vd_put16(struct vd *vd, uint64_t gpa, uint16_t v)
{
    memcpy(vd_g(vd, gpa), &v, 2);
}

uint16_t vd_get16(struct vd *vd, uint64_t gpa)
{
    uint16_t v;

    memcpy(&v, vd_g(vd, gpa), 2);
    return v;
}

uint32_t vd_get32(struct vd *vd, uint64_t gpa)
{
    uint32_t v;

    memcpy(&v, vd_g(vd, gpa), 4);
    return v;
}

void vd_features_ok(struct vd *vd, uint32_t features)
{
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0);
    vd_wr(vd, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vd_wr(vd, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES, features);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0xb);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_STATUS), 0xb);
}

void vd_queue_setup(struct vd *vd, unsigned q)
{
    const struct vd_queue *r = &vd->q[q];

    /* A new driver's rings start empty: from avail to the end of the queue's span. */
    memset(vd_g(vd, r->avail), 0, VD_QUEUE_SPAN - (r->avail - r->desc));
    vd->q[q].avail_idx = 0;
    vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, q);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_NUM_MAX), VQ_MAX_SIZE);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_NUM, vd->num);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)r->desc);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)r->avail);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)r->used);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_READY, 1);
}

void vd_handshake(struct vd *vd, uint32_t features)
{
    vd_features_ok(vd, features);
    for (unsigned q = 0; q < vd->nqueues; q++)
        vd_queue_setup(vd, q);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0xf);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_STATUS), 0xf);
}

void vd_desc(struct vd *vd, unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
             uint16_t next)
{
    uint8_t *d = vd_g(vd, vd->q[q].desc + 16 * i);

    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

void vd_post(struct vd *vd, unsigned q, uint16_t head)
{
    struct vd_queue *r = &vd->q[q];

    vd_put16(vd, r->avail + 4 + 2 * (r->avail_idx % vd->num), head);
    vd_put16(vd, r->avail + 2, ++r->avail_idx);
}

void vd_chain_add(struct vd *vd, unsigned q, unsigned first, const struct vd_buf *bufs, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        const bool more = k + 1 < n;
        const uint16_t flags =
            (more ? VIRTQ_DESC_F_NEXT : 0) | (bufs[k].write ? VIRTQ_DESC_F_WRITE : 0);

        vd_desc(vd, q, first + k, bufs[k].addr, bufs[k].len, flags,
                more ? (uint16_t)(first + k + 1) : 0);
    }
    vd_post(vd, q, (uint16_t)first);
}

void vd_notify(struct vd *vd, unsigned q)
{
    vd_wr(vd, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

void vd_idle(struct vd *vd)
{
    for (unsigned i = 0; i < 8; i++) {
        uint64_t next = vdev_bus_timers(&vd->f->bus, vd->f->now);

        if (next == VDEV_NO_DEADLINE)
            return;
        vd->f->now = next;
    }
    fail_msg("the device still polls after 8 timer runs of a quiet driver");
}

uint16_t vd_used_idx(struct vd *vd, unsigned q)
{
    return vd_get16(vd, vd->q[q].used + 2);
}

uint32_t vd_used_id(struct vd *vd, unsigned q, unsigned n)
{
    return vd_get32(vd, vd->q[q].used + 4 + 8 * (n % vd->num));
}

uint32_t vd_used_len(struct vd *vd, unsigned q, unsigned n)
{
    return vd_get32(vd, vd->q[q].used + 8 + 8 * (n % vd->num));
}

uint16_t vd_used_flags(struct vd *vd, unsigned q)
{
    return vd_get16(vd, vd->q[q].used);
}

uint64_t vd_used_event_at(struct vd *vd, unsigned q)
{
    return vd->q[q].avail + 4 + 2 * vd->num;
}

uint64_t vd_avail_event_at(struct vd *vd, unsigned q)
{
    return vd->q[q].used + 4 + 8 * vd->num;
}

void vd_assert_failed(struct vd *vd, enum vq_err why)
{
    assert_true(vd_needs_reset(vd));
    assert_int_equal(vd_mmio(vd)->last_err, why);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG,
                     VIRTIO_INT_CONFIG);
}

void vd_assert_stopped(struct vd *vd, unsigned q)
{
    vd->maps = 0;
    vd_notify(vd, q);
    assert_int_equal(vd->maps, 0);
}

void vd_garbage(struct vd *vd, unsigned rounds, size_t span, void (*each)(void *arg), void *arg)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (unsigned round = 0; round < rounds; round++) {
        uint32_t off, v;

        x ^= x << 13; /* xorshift64: the same garbage every run */
        x ^= x >> 7;
        x ^= x << 17;
        off = (uint32_t)(x % VIRTIO_MMIO_LEN) & ~3u;
        v = (uint32_t)(x >> 32);
        if (round % 7 == 0)
            v = (uint32_t)(VD_RAM_BASE + (v % span)); /* addresses that are sometimes good */
        else if (round % 5 == 0)
            v &= 0x1ff;
        if (round % 3 == 0)
            vd->ram[(x >> 20) % span] = (uint8_t)x;
        vd->maps = 0;
        if (x & 1)
            (void)vd_rd(vd, off);
        else
            vd_wr(vd, off, v);
        each(arg);
    }
}
