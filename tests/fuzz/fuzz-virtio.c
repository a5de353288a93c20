/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: a hostile guest driving virtio-console over virtio-mmio
 * (vdev-backends/virtio-mmio.c, virtqueue.c, virtio-console.c). The input is a
 * header byte (bit 0: do a correct handshake first, bits 1-3: its queue size)
 * and 8-byte records: register writes and reads at any offset, pokes into guest
 * RAM (rings included), crafted descriptors posted to a queue, notifications
 * and host input. Properties:
 * - no crash, no sanitizer report (the fuzz build has ASan and UBSan);
 * - every guest-memory access is inside guest RAM and inside one page;
 * - every notification and input pull costs a bounded number of map calls
 *   (at most the queue size in descriptors);
 * - afterwards a reset and a correct handshake always bring the device back. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdev-backends/vdev-fake.h"
#include "vdev-backends/virtio-console.h"
#include "vdev-backends/virtio-mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define B        0xa000000ull
#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x4000u
#define DESC(q)  (RAM_BASE + (q)*0x800)
#define AVAIL(q) (RAM_BASE + 0x1000 + (q)*0x400)
#define USED(q)  (RAM_BASE + 0x2000 + (q)*0x800)
/* Per operation (a DRIVER_OK write runs both queues): per queue at most VQ_MAX_SIZE
 * descriptors, each read once and its data in at most a few page-bounded pieces, the data
 * itself capped (VCON_TX_MAX_BYTES in 256-byte pieces): about 1100 maps. What must never
 * happen is work in proportion to guest-chosen lengths or to chains times queue size. */
#define MAX_MAPS_PER_OP 4096u

static uint8_t ram[RAM_SIZE];
static unsigned maps;

static void *fuzz_map(void *opaque, uint64_t gpa, size_t len, bool write)
{
    maps++;
    if (len == 0 || gpa / VQ_PAGE_SIZE != (gpa + len - 1) / VQ_PAGE_SIZE)
        abort(); /* the transport promised page-bounded, non-empty pieces */
    if (gpa < RAM_BASE || gpa - RAM_BASE >= RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
        return NULL;
    return ram + (gpa - RAM_BASE);
}

static const struct vq_mem fuzz_mem = {.map = fuzz_map};

static struct vdev_fake f;
static int out_rd = -1, in_wr = -1;

static void drain(int fd)
{
    char buf[4096];

    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

static void wr(uint32_t off, uint32_t v)
{
    mmio_wr(&f, B + off, v);
}

static void queue(unsigned q, uint32_t num)
{
    wr(VIRTIO_MMIO_QUEUE_SEL, q);
    wr(VIRTIO_MMIO_QUEUE_NUM, num);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC(q));
    wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL(q));
    wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED(q));
    wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

/* @event_idx: VIRTIO_RING_F_EVENT_IDX (used_event/avail_event) instead of the ring flags. */
static void handshake(uint32_t num, bool event_idx)
{
    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, 3);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, event_idx ? 1u << VIRTIO_RING_F_EVENT_IDX : 0);
    wr(VIRTIO_MMIO_STATUS, 0xb);
    queue(0, num);
    queue(1, num);
    wr(VIRTIO_MMIO_STATUS, 0xf);
}

static void init_once(void)
{
    int out[2], in[2];

    if (out_rd >= 0)
        return;
    vdev_fake_init(&f);
    if (vdev_fake_add(&f, "virtio-console,mem=0xa000000,spi=40,ram=0x40000000:0x4000") ||
        pipe2(out, O_NONBLOCK) || pipe2(in, O_NONBLOCK))
        abort();
    f.dev[0].chr.out_fd = out[1];
    f.dev[0].chr.in_fd = in[0];
    out_rd = out[0];
    in_wr = in[1];
    virtio_mmio_set_mem(&f.dev[0], &fuzz_mem);
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A descriptor at index a, posted to queue b5 & 1 (guest-built but arbitrary). */
static void craft(uint8_t a, const uint8_t *b)
{
    const unsigned q = b[5] & 1;
    uint64_t addr = RAM_BASE + ((b[0] | b[1] << 8) % (RAM_SIZE + 64)); /* sometimes past RAM */
    uint32_t len = b[2] | (uint32_t)(b[3] & 0x3f) << 8;
    uint16_t flags = b[4] & 7, next = b[4] >> 3, idx;
    uint8_t *d = ram + (DESC(q) - RAM_BASE) + 16 * (a % 64);

    if (b[5] & 2)
        addr = ~addr; /* near the top of the address space: wraps */
    if (b[5] & 4)
        len = 0xffffffffu - len;
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
    memcpy(&idx, ram + (AVAIL(q) - RAM_BASE) + 2, 2);
    memcpy(ram + (AVAIL(q) - RAM_BASE) + 4 + 2 * (idx % 8), (uint16_t[]){a % 64}, 2);
    idx++;
    memcpy(ram + (AVAIL(q) - RAM_BASE) + 2, &idx, 2);
}

static void op(const uint8_t *r)
{
    const uint8_t a = r[1];
    const uint8_t *b = r + 2;
    struct vdev *d = &f.dev[0];
    uint32_t off;

    maps = 0;
    switch (r[0] % 7) {
    case 0:
        wr((uint32_t)a * 4 % VIRTIO_MMIO_LEN, le32(b));
        break;
    case 1:
        (void)mmio_rd(&f, B + (uint32_t)a * 4 % VIRTIO_MMIO_LEN);
        break;
    case 2:
        off = (a | (uint32_t)b[0] << 8) % (RAM_SIZE - 4);
        memcpy(ram + off, b + 1, 4);
        break;
    case 3:
        if (write(in_wr, b, 1 + a % 6) < 0)
            break;
        if (d->ops->rx_fd(d) >= 0) {
            d->ops->rx(d);
            vdev_flush(d);
        }
        break;
    case 4:
        wr(VIRTIO_MMIO_QUEUE_NOTIFY, a & 1);
        break;
    case 5:
        craft(a, b);
        break;
    case 6:
        wr(VIRTIO_MMIO_INTERRUPT_ACK, le32(b));
        break;
    }
    /* Now and then the poll time of a queue the device polls comes (virtio_mmio_timer). */
    if (r[0] & 0x80) {
        f.now += VIRTIO_MMIO_POLL_NS;
        (void)vdev_bus_timers(&f.bus, f.now);
    }
    if (maps > MAX_MAPS_PER_OP)
        abort(); /* a notification walked more than the queue allows */
    drain(out_rd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    memset(ram, 0, sizeof(ram));
    drain(f.dev[0].chr.in_fd);
    f.dev[0].chr.in_eof = false;
    wr(VIRTIO_MMIO_STATUS, 0);
    if (size && (data[0] & 1))
        handshake(1u << ((data[0] >> 1) & 7), data[0] & 0x10);
    for (size_t i = 1; i + 8 <= size; i += 8)
        op(data + i);
    /* Reset always recovers. */
    memset(ram, 0, sizeof(ram));
    handshake(8, size && (data[0] & 0x20));
    if (mmio_rd(&f, B + VIRTIO_MMIO_STATUS) != 0xf)
        abort();
    drain(out_rd);
    return 0;
}
