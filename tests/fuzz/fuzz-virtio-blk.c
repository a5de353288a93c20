/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: a hostile guest driving virtio-blk over virtio-mmio
 * (vdev-backends/virtio-blk.c, virtio-mmio.c, virtqueue.c) against two small
 * temporary disks, one read/write and one read-only (`hostdev=<`), whose sizes
 * are not whole sectors. The input is a header byte (bit 0: do a correct
 * handshake first, bits 1-3: its queue size 2 << n, bit 4: drive the read-only disk, bit 5:
 * a mapper that keeps its pointers, so data goes straight between disk and RAM by preadv/pwritev)
 * and 8-byte records: register writes and reads at any offset, pokes into guest
 * RAM (rings included), crafted descriptors, well-formed requests with
 * arbitrary type, sector and length, bulk requests of up to 254 overlapping
 * data buffers (megabytes named from 64 KiB of RAM: the per-batch byte bound),
 * notifications, interrupt acks, a page of RAM that the mapper starts or stops
 * refusing, and the passing of time (the device's timer serves what a batch
 * left). Properties:
 * - no crash, no sanitizer report (the fuzz build has ASan and UBSan);
 * - every guest-memory access is inside guest RAM and inside one page;
 * - every operation costs a bounded number of map calls (the queue size in
 *   descriptors and VBLK_BATCH_BYTES of data per batch);
 * - the disks never change size, the read-only one never changes content;
 * - the device's timer never asks to run at or before now;
 * - afterwards a reset, a correct handshake and a correct read always work. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vdev-backends/vdev-fake.h"
#include "vdev-backends/virtio-blk.h"
#include "vdev-backends/virtio-mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define B0        0xa000000ull /* the read/write disk's registers; the read-only one's +0x1000 */
#define RAM_BASE  0x40000000ull
#define RAM_SIZE  0x10000u
#define DESC      RAM_BASE            /* up to 256 descriptors */
#define AVAIL     (RAM_BASE + 0x1000) /* 6 + 2 x 256 */
#define USED      (RAM_BASE + 0x1800) /* 6 + 8 x 256 */
#define DATA      (RAM_BASE + 0x2800) /* the rest: headers, data, status bytes */
#define DISK_SIZE (64u * 1024 + 100)  /* 128 sectors and a tail the guest never sees */
/* Per operation: one batch from the notification and one from the timer at most, each at most
 * VQ_MAX_SIZE descriptors (a map each, plus their buffers' pieces) and VBLK_BATCH_BYTES of data
 * (a map per page, 1024 here): about 3000 maps. What must never happen is work in proportion
 * to guest-chosen lengths beyond that, or to chains times queue size. */
#define MAX_MAPS_PER_OP 8192u

#define HOLE                                                                                       \
    (RAM_BASE + RAM_SIZE - 0x1000) /* a page of ram= the mapper refuses while `hole` is set */

static uint8_t ram[RAM_SIZE];
static unsigned maps;
static bool hole;

static void *fuzz_map(void *opaque, uint64_t gpa, size_t len, bool write)
{
    (void)opaque;
    (void)write;
    maps++;
    if (len == 0 || gpa / VQ_PAGE_SIZE != (gpa + len - 1) / VQ_PAGE_SIZE)
        abort(); /* the transport promised page-bounded, non-empty pieces */
    if (gpa < RAM_BASE || gpa - RAM_BASE >= RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
        return NULL;
    if (hole && gpa / VQ_PAGE_SIZE == HOLE / VQ_PAGE_SIZE)
        return NULL;
    return ram + (gpa - RAM_BASE);
}

/* Pointers into ram[] never go stale; the refused page's toggling counts as a remapping. */
static uint64_t gen;

static uint64_t fuzz_gen(void *opaque)
{
    (void)opaque;
    return gen;
}

static struct vq_mem fuzz_mem = {.map = fuzz_map};

static struct vdev_fake f;
static int disk_fd[2] = {-1, -1}; /* our handles on the two disks (unlinked) */
static uint8_t disk0[DISK_SIZE];
static uint64_t base; /* the device this input drives */
static uint32_t qnum; /* the queue size of the last handshake (the ring's length for post) */

static uint8_t *g(uint64_t gpa)
{
    return ram + (gpa - RAM_BASE);
}

static void wr(uint32_t off, uint32_t v)
{
    mmio_wr(&f, base + off, v);
}

static uint32_t rd(uint32_t off)
{
    return mmio_rd(&f, base + off);
}

/* Every feature offered, EVENT_IDX only with @event_idx. */
static void handshake(uint32_t num, bool event_idx)
{
    const uint32_t no = event_idx ? 0 : 1u << VIRTIO_RING_F_EVENT_IDX;

    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, 3);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, rd(VIRTIO_MMIO_DEVICE_FEATURES) & ~no);
    wr(VIRTIO_MMIO_STATUS, 0xb);
    wr(VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(VIRTIO_MMIO_QUEUE_NUM, num);
    wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
    wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    wr(VIRTIO_MMIO_QUEUE_READY, 1);
    wr(VIRTIO_MMIO_STATUS, 0xf);
    qnum = num;
}

static int temp_disk(char *path, size_t size)
{
    int fd;

    snprintf(path, size, "/tmp/fuzz-virtio-blk.XXXXXX");
    fd = mkstemp(path);
    if (fd < 0 || pwrite(fd, disk0, DISK_SIZE, 0) != DISK_SIZE)
        abort();
    return fd;
}

static void init_once(void)
{
    char path[2][64], spec[256];

    if (disk_fd[0] >= 0)
        return;
    for (size_t i = 0; i < DISK_SIZE; i++)
        disk0[i] = (uint8_t)(i * 7 + (i >> 9) * 13);
    vdev_fake_init(&f);
    for (int i = 0; i < 2; i++) {
        disk_fd[i] = temp_disk(path[i], sizeof(path[i]));
        snprintf(spec, sizeof(spec),
                 "virtio-blk,mem=%#llx,spi=%d,hostdev=%s%s,ram=0x40000000:0x10000",
                 (unsigned long long)(B0 + 0x1000u * i), 40 + i, i ? "<" : "", path[i]);
        if (vdev_fake_add(&f, spec))
            abort();
        unlink(path[i]); /* the device and we keep it open */
        virtio_mmio_set_mem(&f.dev[i], &fuzz_mem);
    }
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void set_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = g(DESC + 16 * (i % 256));

    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static void post(uint16_t head)
{
    uint16_t idx;

    memcpy(&idx, g(AVAIL + 2), 2);
    memcpy(g(AVAIL + 4 + 2 * (idx % qnum)), &head, 2);
    idx++;
    memcpy(g(AVAIL + 2), &idx, 2);
}

/* A descriptor at index a, posted (guest-built but arbitrary). */
static void craft(uint8_t a, const uint8_t *b)
{
    uint64_t addr = RAM_BASE + ((b[0] | b[1] << 8) % (RAM_SIZE + 64)); /* sometimes past RAM */
    uint32_t len = b[2] | (uint32_t)(b[3] & 0x3f) << 8;

    if (b[5] & 2)
        addr = ~addr; /* near the top of the address space: wraps */
    if (b[5] & 4)
        len = 0xffffffffu - len;
    set_desc(a, addr, len, b[4] & 7, b[4] >> 3);
    if (b[5] & 1)
        post(a);
}

/* A well-formed request from descriptor a: header, data, status. Type, sector and length are
 * the input's, sometimes plausible, sometimes not. */
static void request(uint8_t a, const uint8_t *b)
{
    static const uint32_t types[] = {VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
                                     VIRTIO_BLK_T_GET_ID};
    const uint64_t hdr = DATA + 16 * (a % 8), st = DATA + 0x80 + a % 8;
    const uint64_t data = DATA + 0x100 + (b[3] & 0x3f) * 64;
    uint32_t type = b[0] & 4 ? le32(b + 1) : types[b[0] & 3];
    uint64_t sector = b[4] & 0x80 ? ~(uint64_t)b[4] << 50 | b[1] : (uint64_t)b[1] % 140;
    uint32_t len = (b[5] & 0x1f) * (b[0] & 8 ? 100 : 512);

    if (data + len > RAM_BASE + RAM_SIZE)
        len = (uint32_t)(RAM_BASE + RAM_SIZE - data);
    memcpy(g(hdr), &type, 4);
    memset(g(hdr + 4), 0, 4);
    memcpy(g(hdr + 8), &sector, 8);
    set_desc(a, hdr, VBLK_HDR_LEN, VIRTQ_DESC_F_NEXT, (uint16_t)(a + 1));
    set_desc(a + 1u, data, len, VIRTQ_DESC_F_NEXT | (b[0] & 0x10 ? VIRTQ_DESC_F_WRITE : 0),
             (uint16_t)(a + 2));
    set_desc(a + 2u, st, b[0] & 0x20 ? 0 : 1, VIRTQ_DESC_F_WRITE, 0);
    post(a);
}

/* A chain of a header, 1 + a % 254 data buffers of the same RAM (up to 64 KiB each, at the end of
 * RAM) and a status byte, posted b[5] % 4 + 1 times. */
static void bulk(uint8_t a, const uint8_t *b)
{
    const unsigned n = 1 + a % 254u;
    const uint64_t hdr = DATA, st = DATA + 0x80;
    const uint32_t len = (uint32_t)(b[3] | b[4] << 8) + 1;
    const uint64_t data = RAM_BASE + RAM_SIZE - len;
    const uint32_t type = b[0] & 3;
    const uint64_t sector = b[1];
    const uint16_t w = b[0] & 4 ? VIRTQ_DESC_F_WRITE : 0;

    memcpy(g(hdr), &type, 4);
    memcpy(g(hdr + 8), &sector, 8);
    set_desc(0, hdr, VBLK_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
    for (unsigned i = 1; i <= n; i++)
        set_desc(i, data, len, VIRTQ_DESC_F_NEXT | w, (uint16_t)(i + 1));
    set_desc(n + 1, st, 1, VIRTQ_DESC_F_WRITE, 0);
    for (unsigned i = 0; i <= b[5] % 4u; i++)
        post(0);
}

static void op(const uint8_t *r)
{
    const uint8_t a = r[1];
    const uint8_t *b = r + 2;
    uint64_t next;
    uint32_t off;

    maps = 0;
    switch (r[0] % 11) {
    case 0:
        wr((uint32_t)a * 4 % VIRTIO_MMIO_LEN, le32(b));
        break;
    case 1:
        (void)rd((uint32_t)a * 4 % VIRTIO_MMIO_LEN);
        break;
    case 2:
        off = (a | (uint32_t)b[0] << 8) % (RAM_SIZE - 4);
        memcpy(ram + off, b + 1, 4);
        break;
    case 3:
    case 4:
        request(a, b);
        break;
    case 5:
        wr(VIRTIO_MMIO_QUEUE_NOTIFY, a & 1);
        break;
    case 6:
        craft(a, b);
        break;
    case 7:
        wr(VIRTIO_MMIO_INTERRUPT_ACK, le32(b));
        break;
    case 8:
        f.now += (uint64_t)a * VBLK_RESUME_NS / 16;
        next = vdev_bus_timers(&f.bus, f.now);
        if (next <= f.now)
            abort(); /* the event loop would spin */
        break;
    case 9:
        bulk(a, b);
        break;
    case 10:
        hole = !hole;
        gen++;
        break;
    }
    if (maps > MAX_MAPS_PER_OP)
        abort(); /* a batch did more than its bounds allow */
}

/* The disks kept their size; the read-only one its content. The read/write one is restored for
 * the next input. */
static void check_disks(void)
{
    static uint8_t buf[DISK_SIZE];

    for (int i = 0; i < 2; i++)
        if (lseek(disk_fd[i], 0, SEEK_END) != DISK_SIZE)
            abort();
    if (pread(disk_fd[1], buf, DISK_SIZE, 0) != DISK_SIZE || memcmp(buf, disk0, DISK_SIZE))
        abort();
    if (pwrite(disk_fd[0], disk0, DISK_SIZE, 0) != DISK_SIZE)
        abort();
}

/* After a reset and a correct handshake, a correct read of sector 5 works. */
static void check_recovers(void)
{
    const uint64_t hdr = DATA, data = DATA + 0x100, st = DATA + 0x80;
    const uint64_t sector = 5;
    const uint32_t type = VIRTIO_BLK_T_IN;

    memset(ram, 0, sizeof(ram));
    hole = false;
    handshake(8, true);
    if (rd(VIRTIO_MMIO_STATUS) != 0xf)
        abort();
    memcpy(g(hdr), &type, 4);
    memcpy(g(hdr + 8), &sector, 8);
    *g(st) = 0xee;
    set_desc(0, hdr, VBLK_HDR_LEN, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, data, 1024, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    set_desc(2, st, 1, VIRTQ_DESC_F_WRITE, 0);
    post(0);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    if (*g(st) != VIRTIO_BLK_S_OK || memcmp(g(data), disk0 + sector * 512, 1024))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const bool ro = size && (data[0] & 0x10);

    init_once();
    memset(ram, 0, sizeof(ram));
    base = B0 + (ro ? 0x1000 : 0);
    qnum = 256;
    hole = false;
    fuzz_mem.generation = size && (data[0] & 0x20) ? fuzz_gen : NULL;
    mmio_wr(&f, B0 + VIRTIO_MMIO_STATUS, 0);
    mmio_wr(&f, B0 + 0x1000 + VIRTIO_MMIO_STATUS, 0);
    /* A previous input's resumption, now due, finds the queue reset and is forgotten. */
    if (vdev_bus_timers(&f.bus, UINT64_MAX - 1) != VDEV_NO_DEADLINE)
        abort();
    f.now = 0;
    if (size && (data[0] & 1))
        handshake(2u << ((data[0] >> 1) & 7), data[0] & 0x10);
    for (size_t i = 1; i + 8 <= size; i += 8)
        op(data + i);
    check_disks();
    check_recovers();
    check_disks();
    return 0;
}
