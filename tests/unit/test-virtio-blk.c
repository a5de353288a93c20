/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-virtio-blk.c: virtio-blk on virtio-mmio over a temporary file, driven through the
 * dispatcher as a guest driver would (flat fake guest RAM): negotiation and configuration,
 * read/write/flush/get-id checked against the file, requests split over many descriptors, a
 * read-only disk; then what a hostile driver can do (sectors out of range or overflowing, no
 * status byte, data in the wrong direction, loops, oversized requests): IOERR where the request
 * can be answered, NEEDS_RESET where it cannot, and bounded work per notification. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vdev-backends/vdev-fake.h"
#include "vdev-backends/virtio-blk.h"
#include "vdev-backends/virtio-mmio.h"

#define B         0xa000000ull  /* the device's registers */
#define RAM_BASE  0x40000000ull /* guest RAM: a flat buffer */
#define RAM_SIZE  0x1000000u    /* 16 MiB: room for the largest requests */
#define NUM       16u           /* queue size the test driver uses */
#define DESC      RAM_BASE
#define AVAIL     (RAM_BASE + 0x1000)
#define USED      (RAM_BASE + 0x2000)
#define HDR       (RAM_BASE + 0x8000)
#define STATUS    (RAM_BASE + 0x9000)
#define DATA      (RAM_BASE + 0x10000)
#define DISK_SIZE (8u << 20) /* bytes of the temporary disk */
#define SECTORS   (DISK_SIZE / VBLK_SECTOR)
#define FEATURES  0x246u /* SIZE_MAX, SEG_MAX, BLK_SIZE, FLUSH */

static uint8_t ram[RAM_SIZE];
static unsigned maps;
static uint64_t hole; /* a page inside ram= that the mapper refuses (0: none) */

static void *fake_map(void *opaque, uint64_t gpa, size_t len, bool write)
{
    (void)opaque;
    (void)write;
    maps++;
    if (gpa < RAM_BASE || gpa - RAM_BASE >= RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
        return NULL;
    if (hole && gpa / VQ_PAGE_SIZE == hole / VQ_PAGE_SIZE)
        return NULL;
    assert_true(gpa / VQ_PAGE_SIZE == (gpa + len - 1) / VQ_PAGE_SIZE);
    return ram + (gpa - RAM_BASE);
}

static const struct vq_mem fake_mem = {.map = fake_map};

struct t {
    struct vdev_fake f;
    char path[64];
    int fd; /* the test's own handle on the disk file */
    uint16_t avail_idx;
};

/* The disk's initial content: a byte that depends on its offset. */
static uint8_t pattern(uint64_t off)
{
    return (uint8_t)(off * 7 + (off >> 9) * 13);
}

static int make_disk(struct t *t, size_t size)
{
    static uint8_t buf[DISK_SIZE];

    snprintf(t->path, sizeof(t->path), "/tmp/test-virtio-blk.XXXXXX");
    t->fd = mkstemp(t->path);
    if (t->fd < 0)
        return -1;
    for (size_t i = 0; i < size && i < sizeof(buf); i++)
        buf[i] = pattern(i);
    return pwrite(t->fd, buf, size, 0) == (ssize_t)size ? 0 : -1;
}

static int setup_opts(void **state, bool ro)
{
    static struct t t;
    char spec[256];

    memset(ram, 0, sizeof(ram));
    memset(&t, 0, sizeof(t));
    hole = 0;
    if (make_disk(&t, DISK_SIZE))
        return -1;
    snprintf(spec, sizeof(spec), "virtio-blk,mem=0xa000000,spi=41,hostdev=%s%s,ram=%#llx:%#x",
             ro ? "<" : "", t.path, (unsigned long long)RAM_BASE, RAM_SIZE);
    if (vdev_fake_setup(state, &t.f, (const char *const[]){spec, NULL}))
        return -1;
    *state = &t;
    virtio_mmio_set_mem(&t.f.dev[0], &fake_mem);
    return 0;
}

static int setup(void **state)
{
    return setup_opts(state, false);
}

static int setup_ro(void **state)
{
    return setup_opts(state, true);
}

static int teardown(void **state)
{
    struct t *t = *state;

    vdev_fake_dispose(&t->f);
    close(t->fd);
    unlink(t->path);
    return 0;
}

static uint32_t rd(struct t *t, unsigned off)
{
    return mmio_rd(&t->f, B + off);
}

static void wr(struct t *t, unsigned off, uint32_t v)
{
    mmio_wr(&t->f, B + off, v);
}

static struct virtio_mmio *vm(struct t *t)
{
    return virtio_mmio_of(&t->f.dev[0]);
}

static bool needs_reset(struct t *t)
{
    return rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

static uint8_t *g(uint64_t gpa)
{
    return ram + (gpa - RAM_BASE);
}

static void put16(uint64_t gpa, uint16_t v)
{
    memcpy(g(gpa), &v, 2);
}

static uint16_t get16(uint64_t gpa)
{
    uint16_t v;

    memcpy(&v, g(gpa), 2);
    return v;
}

static uint32_t get32(uint64_t gpa)
{
    uint32_t v;

    memcpy(&v, g(gpa), 4);
    return v;
}

static void set_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = g(DESC + 16 * i);

    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static void post(struct t *t, uint16_t head)
{
    put16(AVAIL + 4 + 2 * (t->avail_idx % NUM), head);
    put16(AVAIL + 2, ++t->avail_idx);
}

static uint16_t used_idx(void)
{
    return get16(USED + 2);
}

/* The used element of the @n-th completion (0-based): id and length. */
static uint32_t used_id(unsigned n)
{
    return get32(USED + 4 + 8 * (n % NUM));
}

static uint32_t used_len(unsigned n)
{
    return get32(USED + 8 + 8 * (n % NUM));
}

static void features_ok(struct t *t, uint32_t features)
{
    wr(t, VIRTIO_MMIO_STATUS, 0);
    wr(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, features);
    wr(t, VIRTIO_MMIO_STATUS, 0xb);
    assert_int_equal(rd(t, VIRTIO_MMIO_STATUS), 0xb);
}

static void handshake_num(struct t *t, uint32_t features, uint32_t num)
{
    features_ok(t, features);
    memset(g(AVAIL), 0, 0x1000);
    memset(g(USED), 0, 0x1000);
    wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), VQ_MAX_SIZE);
    wr(t, VIRTIO_MMIO_QUEUE_NUM, num);
    wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)DESC);
    wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)AVAIL);
    wr(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)USED);
    wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
    wr(t, VIRTIO_MMIO_STATUS, 0xf);
    assert_int_equal(rd(t, VIRTIO_MMIO_STATUS), 0xf);
    t->avail_idx = 0;
}

static void handshake(struct t *t)
{
    handshake_num(t, FEATURES, NUM);
}

static void put_hdr(uint64_t gpa, uint32_t type, uint64_t sector)
{
    memset(g(gpa), 0, VBLK_HDR_LEN);
    memcpy(g(gpa), &type, 4);
    memcpy(g(gpa + 8), &sector, 8);
}

static void notify(struct t *t)
{
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VBLK_REQQ);
}

/* The usual three-descriptor request from descriptor @first: header, data (@len bytes at @data,
 * device-writable if @w; none if @len is 0), status. Posted, not notified. */
static void post_req(struct t *t, unsigned first, uint32_t type, uint64_t sector, uint64_t data,
                     uint32_t len, bool w)
{
    const uint16_t d = (uint16_t)first;
    const uint64_t hdr = HDR + 16 * first, st = STATUS + first;

    put_hdr(hdr, type, sector);
    *g(st) = 0xee;
    if (len) {
        set_desc(d, hdr, VBLK_HDR_LEN, VIRTQ_DESC_F_NEXT, d + 1);
        set_desc(d + 1, data, len, VIRTQ_DESC_F_NEXT | (w ? VIRTQ_DESC_F_WRITE : 0), d + 2);
        set_desc(d + 2, st, 1, VIRTQ_DESC_F_WRITE, 0);
    } else {
        set_desc(d, hdr, VBLK_HDR_LEN, VIRTQ_DESC_F_NEXT, d + 1);
        set_desc(d + 1, st, 1, VIRTQ_DESC_F_WRITE, 0);
    }
    post(t, d);
}

/* One request, answered at once: returns its status byte; checks it was the next completion. */
static uint8_t req(struct t *t, uint32_t type, uint64_t sector, uint64_t data, uint32_t len, bool w)
{
    const uint16_t before = used_idx();

    post_req(t, 0, type, sector, data, len, w);
    notify(t);
    assert_int_equal(used_idx(), (uint16_t)(before + 1));
    assert_int_equal(used_id(before), 0);
    return *g(STATUS);
}

static void assert_file(struct t *t, uint64_t off, const uint8_t *want, size_t len)
{
    static uint8_t buf[VBLK_MAX_REQ_BYTES];

    assert_true(len <= sizeof(buf));
    assert_int_equal(pread(t->fd, buf, len, (off_t)off), (ssize_t)len);
    assert_memory_equal(buf, want, len);
}

static void assert_pattern(const uint8_t *p, uint64_t off, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != pattern(off + i))
            fail_msg("byte %zu of the read (disk offset %llu) is %#x", i,
                     (unsigned long long)(off + i), p[i]);
}

static void test_probe_config(void **state)
{
    struct t *t = *state;

    assert_int_equal(rd(t, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(rd(t, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(rd(t, VIRTIO_MMIO_DEVICE_ID), 2);
    wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(t, VIRTIO_MMIO_DEVICE_FEATURES), FEATURES); /* not RO */
    wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(rd(t, VIRTIO_MMIO_DEVICE_FEATURES), 1);
    wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* one queue */
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG + 0), SECTORS);
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG + 4), 0);
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG + 8), VBLK_SIZE_MAX);
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG + 12), VBLK_SEG_MAX);
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG + 16), 0); /* geometry: not offered */
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG + 20), 512);
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG + 24), 0); /* past the fields offered */
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG + 0xfc), 0);
    /* A driver may take a subset of the features; SEG_MAX x SIZE_MAX is the largest request. */
    assert_int_equal((uint64_t)VBLK_SEG_MAX * VBLK_SIZE_MAX, VBLK_MAX_REQ_BYTES);
    features_ok(t, 0);
    handshake(t);
    assert_false(needs_reset(t));
}

static void test_ro_config(void **state)
{
    struct t *t = *state;

    wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(t, VIRTIO_MMIO_DEVICE_FEATURES), FEATURES | 1u << VIRTIO_BLK_F_RO);
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG), SECTORS);
    handshake_num(t, FEATURES | 1u << VIRTIO_BLK_F_RO, NUM);
}

static void test_read(void **state)
{
    struct t *t = *state;

    handshake(t);
    memset(g(DATA), 0xaa, 4096);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 3, DATA, 1024, true), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(0), 1024 + 1);
    assert_pattern(g(DATA), 3 * 512, 1024);
    assert_int_equal(*g(DATA + 1024), 0xaa); /* nothing beyond */
    assert_int_equal(rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
    assert_int_equal(t->f.irq_level, 1);
    /* The last sector; a read crossing pages of guest memory. */
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, SECTORS - 1, DATA + 4000, 512, true), VIRTIO_BLK_S_OK);
    assert_pattern(g(DATA + 4000), DISK_SIZE - 512, 512);
    /* Zero sectors at the end of the disk: nothing to do, OK. */
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, SECTORS, 0, 0, true), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(2), 1);
    assert_false(needs_reset(t));
}

static void test_write(void **state)
{
    struct t *t = *state;
    uint8_t want[1536];

    handshake(t);
    for (size_t i = 0; i < sizeof(want); i++)
        want[i] = (uint8_t)(i ^ 0x5a);
    memcpy(g(DATA), want, sizeof(want));
    assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 100, DATA, sizeof(want), false), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(0), 1); /* only the status was written */
    assert_file(t, 100 * 512, want, sizeof(want));
    /* The neighbours are untouched. */
    assert_int_equal(pread(t->fd, g(DATA + 0x10000), 512, 99 * 512), 512);
    assert_pattern(g(DATA + 0x10000), 99 * 512, 512);
    /* And it reads back. */
    memset(g(DATA + 0x8000), 0, sizeof(want));
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 100, DATA + 0x8000, sizeof(want), true),
                     VIRTIO_BLK_S_OK);
    assert_memory_equal(g(DATA + 0x8000), want, sizeof(want));
    /* Without FLUSH negotiated (write-through) a write works the same. */
    handshake_num(t, 0, NUM);
    memset(g(DATA), 0x11, 512);
    assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, DATA, 512, false), VIRTIO_BLK_S_OK);
    assert_file(t, 0, g(DATA), 512);
}

static void test_flush_get_id(void **state)
{
    struct t *t = *state;
    char id[VBLK_ID_BYTES + 1] = {0};

    handshake(t);
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(0), 1);
    memset(g(DATA), 0xff, 64);
    assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, DATA, VBLK_ID_BYTES, true), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(1), VBLK_ID_BYTES + 1);
    memcpy(id, g(DATA), VBLK_ID_BYTES);
    assert_int_equal(strncmp(id, "qvm-xl-", 7), 0);
    assert_int_equal(strlen(id), 19);
    /* Stable: the same again; cut to a shorter buffer. */
    assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, DATA + 64, 8, true), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(2), 9);
    assert_memory_equal(g(DATA + 64), id, 8);
    assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, DATA + 128, 64, true), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(3), VBLK_ID_BYTES + 1);
    assert_memory_equal(g(DATA + 128), id, VBLK_ID_BYTES);
    assert_false(needs_reset(t));
}

static void test_unsupported(void **state)
{
    static const uint32_t types[] = {2, 10, 11, 13, 14, 0xffffffffu};
    struct t *t = *state;

    handshake(t);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        assert_int_equal(req(t, types[i], 0, DATA, 512, true), VIRTIO_BLK_S_UNSUPP);
        assert_int_equal(used_len(i), 1);
    }
    assert_false(needs_reset(t));
}

/* A header in three pieces, data in many irregular pieces crossing pages, the status byte at the
 * end of the last data buffer (a layout Linux does not use but the spec allows). */
static void test_split(void **state)
{
    static const uint32_t pieces[] = {1, 511, 700, 4096, 3, 2000, 789, 92, 0, 1, 4000, 77};
    struct t *t = *state;
    uint64_t at = DATA + 4090, total = 0;
    uint16_t d = 0;
    uint8_t hdr[16] = {0};
    size_t np = sizeof(pieces) / sizeof(pieces[0]);

    handshake(t);
    for (size_t i = 0; i < np; i++)
        total += pieces[i];
    total = total / 512 * 512;
    put_hdr(HDR, VIRTIO_BLK_T_IN, 17);
    memcpy(hdr, g(HDR), 16);
    memcpy(g(HDR + 0x100), hdr, 5);
    memcpy(g(HDR + 0x200), hdr + 5, 7);
    memcpy(g(HDR + 0x300), hdr + 12, 4);
    set_desc(d, HDR + 0x100, 5, VIRTQ_DESC_F_NEXT, d + 1), d++;
    set_desc(d, HDR + 0x200, 7, VIRTQ_DESC_F_NEXT, d + 1), d++;
    set_desc(d, HDR + 0x300, 4, VIRTQ_DESC_F_NEXT, d + 1), d++;
    /* The data pieces, with gaps; the last one 1 byte longer for the status. */
    {
        uint64_t left = total, gaps[16];
        size_t k = 0;

        for (size_t i = 0; i < np && left; i++, k++) {
            uint32_t len = pieces[i] < left ? pieces[i] : (uint32_t)left;

            left -= len;
            gaps[k] = at;
            set_desc(d, at, len + (left ? 0 : 1),
                     VIRTQ_DESC_F_WRITE | (left ? VIRTQ_DESC_F_NEXT : 0), d + 1);
            d++;
            at += len + 100;
        }
        assert_true(d <= NUM);
        post(t, 0);
        notify(t);
        assert_int_equal(used_idx(), 1);
        assert_int_equal(used_len(0), total + 1);
        /* Reassemble and compare with the file. */
        left = total;
        for (size_t i = 0, off = 0; i < k; i++) {
            uint32_t len = pieces[i] < left ? pieces[i] : (uint32_t)left;

            assert_pattern(g(gaps[i]), 17 * 512 + off, len);
            off += len;
            left -= len;
            if (!left)
                assert_int_equal(*g(gaps[i] + len), VIRTIO_BLK_S_OK);
        }
    }
    /* The same for a write, its data split in readable pieces after a split header. */
    memset(g(DATA), 0x77, 0x3000);
    put_hdr(HDR, VIRTIO_BLK_T_OUT, 40);
    memcpy(g(HDR + 0x100), g(HDR), 9);
    memcpy(g(HDR + 0x200), g(HDR) + 9, 7);
    set_desc(0, HDR + 0x100, 9, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, HDR + 0x200, 7 + 1000, VIRTQ_DESC_F_NEXT, 2); /* header end and data start */
    set_desc(2, DATA + 4000, 24, VIRTQ_DESC_F_NEXT, 3);
    set_desc(3, DATA + 8000, 0, VIRTQ_DESC_F_NEXT, 4);
    set_desc(4, DATA + 9000, 512 * 4 - 1024, VIRTQ_DESC_F_NEXT, 5);
    set_desc(5, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    memset(g(HDR + 0x200 + 7), 0x77, 1000);
    post(t, 0);
    notify(t);
    assert_int_equal(used_idx(), 2);
    assert_int_equal(*g(STATUS), VIRTIO_BLK_S_OK);
    memset(g(DATA + 0x8000), 0x77, 2048);
    assert_file(t, 40 * 512, g(DATA + 0x8000), 2048);
    assert_false(needs_reset(t));
}

static void test_read_only(void **state)
{
    struct t *t = *state;
    uint8_t before[1024];

    char *log = NULL;
    size_t loglen = 0;

    handshake_num(t, FEATURES | 1u << VIRTIO_BLK_F_RO, NUM);
    assert_int_equal(pread(t->fd, before, sizeof(before), 0), (ssize_t)sizeof(before));
    memset(g(DATA), 0x33, 1024);
    /* Refused by the device, not by the host (the file is open read-only too). */
    t->f.host.log = open_memstream(&log, &loglen);
    assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, DATA, 1024, false), VIRTIO_BLK_S_IOERR);
    fclose(t->f.host.log);
    t->f.host.log = NULL;
    assert_int_equal(loglen, 0);
    free(log);
    assert_int_equal(used_len(0), 1);
    assert_file(t, 0, before, sizeof(before));
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, 1024, true), VIRTIO_BLK_S_OK);
    assert_memory_equal(g(DATA), before, sizeof(before));
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false), VIRTIO_BLK_S_OK);
    assert_false(needs_reset(t));
}

static void test_out_of_range(void **state)
{
    static const struct {
        uint64_t sector;
        uint32_t len;
    } bad[] = {
        {SECTORS, 512},                       /* just past the end */
        {SECTORS - 1, 1024},                  /* straddles the end */
        {SECTORS + 1, 0},                     /* nothing, but past the end */
        {UINT64_MAX / 512 + 1, 512},          /* sector * 512 overflows */
        {UINT64_MAX, 512},                    /* so does sector + count */
        {UINT64_MAX - 0, 0},                  /* and an empty one there */
        {(UINT64_MAX - SECTORS) / 512, 4096}, /* far away */
        {0, 100},                             /* not whole sectors */
        {0, 513},
    };
    struct t *t = *state;

    handshake(t);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(g(DATA), 0xaa, 1024);
        assert_int_equal(req(t, VIRTIO_BLK_T_IN, bad[i].sector, DATA, bad[i].len, true),
                         VIRTIO_BLK_S_IOERR);
        assert_int_equal(used_len(2 * i), 1);
        assert_int_equal(*g(DATA), 0xaa); /* nothing read */
        assert_int_equal(req(t, VIRTIO_BLK_T_OUT, bad[i].sector, DATA, bad[i].len, false),
                         VIRTIO_BLK_S_IOERR);
    }
    /* The file kept its size and content. */
    assert_int_equal(lseek(t->fd, 0, SEEK_END), DISK_SIZE);
    assert_int_equal(pread(t->fd, g(DATA), 512, 0), 512);
    assert_pattern(g(DATA), 0, 512);
    assert_false(needs_reset(t));
}

/* After a chain that cannot be answered: NEEDS_RESET, a configuration interrupt, no completion,
 * nothing more done until reset. */
static void assert_failed(struct t *t, enum vq_err why, uint16_t used_before)
{
    assert_true(needs_reset(t));
    assert_int_equal(vm(t)->last_err, why);
    assert_true(rd(t, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG);
    assert_int_equal(used_idx(), used_before);
    maps = 0;
    notify(t);
    assert_int_equal(maps, 0);
}

static void test_no_status(void **state)
{
    struct t *t = *state;

    /* Header only. */
    handshake(t);
    put_hdr(HDR, VIRTIO_BLK_T_IN, 0);
    set_desc(0, HDR, 16, 0, 0);
    post(t, 0);
    notify(t);
    assert_failed(t, VQ_ERR_FLAGS, 0);
    /* Header, data, and an empty writable buffer where the status should be. */
    handshake(t);
    set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, DATA, 512, VIRTQ_DESC_F_NEXT, 2);
    set_desc(2, STATUS, 0, VIRTQ_DESC_F_WRITE, 0);
    post(t, 0);
    notify(t);
    assert_failed(t, VQ_ERR_FLAGS, 0);
    /* A short header (15 bytes) with a status byte. */
    handshake(t);
    set_desc(0, HDR, 15, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    post(t, 0);
    notify(t);
    assert_failed(t, VQ_ERR_FLAGS, 0);
    /* No readable buffer at all. */
    handshake(t);
    set_desc(0, STATUS, 17, VIRTQ_DESC_F_WRITE, 0);
    post(t, 0);
    notify(t);
    assert_failed(t, VQ_ERR_FLAGS, 0);
    /* A reset recovers. */
    handshake(t);
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false), VIRTIO_BLK_S_OK);
}

static void test_wrong_direction(void **state)
{
    struct t *t = *state;
    uint8_t before[512];

    handshake(t);
    assert_int_equal(pread(t->fd, before, sizeof(before), 0), (ssize_t)sizeof(before));
    /* A read whose data buffer is device-readable. */
    memset(g(DATA), 0xaa, 512);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, 512, false), VIRTIO_BLK_S_IOERR);
    assert_int_equal(*g(DATA), 0xaa);
    /* A write whose data buffer is device-writable: nothing written, either side. */
    assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, DATA, 512, true), VIRTIO_BLK_S_IOERR);
    assert_int_equal(used_len(1), 1);
    assert_int_equal(*g(DATA), 0xaa);
    assert_file(t, 0, before, sizeof(before));
    /* A flush or get-id with data to read. */
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, DATA, 512, false), VIRTIO_BLK_S_IOERR);
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, DATA, 512, true), VIRTIO_BLK_S_IOERR);
    assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, DATA, 20, false), VIRTIO_BLK_S_IOERR);
    assert_false(needs_reset(t));
}

/* The transport's checks hold for the block device too. */
static void test_hostile_chains(void **state)
{
    struct t *t = *state;

    handshake(t);
    set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, DATA, 512, VIRTQ_DESC_F_NEXT, 0); /* a loop */
    post(t, 0);
    maps = 0;
    notify(t);
    assert_failed(t, VQ_ERR_LOOP, 0);
    handshake(t);
    for (unsigned i = 0; i < NUM; i++) /* every descriptor, then round again */
        set_desc(i, HDR, 16, VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % NUM));
    post(t, 0);
    notify(t);
    assert_failed(t, VQ_ERR_LOOP, 0);
    handshake(t);
    set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, RAM_BASE + RAM_SIZE - 256, 512, VIRTQ_DESC_F_WRITE, 0); /* past RAM */
    post(t, 0);
    notify(t);
    assert_failed(t, VQ_ERR_MEM, 0);
    handshake(t);
    set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, NUM); /* next out of range */
    post(t, 0);
    notify(t);
    assert_failed(t, VQ_ERR_INDEX, 0);
    handshake(t);
    set_desc(0, HDR, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    set_desc(1, DATA, 512, VIRTQ_DESC_F_NEXT, 2); /* readable after writable */
    set_desc(2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    post(t, 0);
    notify(t);
    assert_failed(t, VQ_ERR_FLAGS, 0);
}

/* Guest memory that the mapper refuses in the middle of the data: the request cannot be
 * completed (no status can be trusted to say what happened), so the device needs a reset. */
static void test_memory_refused(void **state)
{
    struct t *t = *state;
    uint8_t before[8192];

    handshake(t);
    hole = DATA + 0x1000;
    post_req(t, 0, VIRTIO_BLK_T_IN, 0, DATA, 8192, true);
    notify(t);
    assert_failed(t, VQ_ERR_MEM, 0);
    assert_int_equal(*g(STATUS), 0xee);
    handshake(t);
    assert_int_equal(pread(t->fd, before, sizeof(before), 0), (ssize_t)sizeof(before));
    post_req(t, 0, VIRTIO_BLK_T_OUT, 0, DATA, 8192, false);
    notify(t);
    assert_failed(t, VQ_ERR_MEM, 0);
    assert_file(t, 0, before, sizeof(before)); /* a chunk is read whole before it is written */
    hole = 0;
    handshake(t);
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false), VIRTIO_BLK_S_OK);
}

/* The file shrinks under the device (another host process): IOERR, logged once, and the device
 * goes on. */
static void test_host_error(void **state)
{
    struct t *t = *state;
    char *log = NULL;
    size_t loglen = 0;

    handshake(t);
    t->f.host.log = open_memstream(&log, &loglen);
    assert_int_equal(ftruncate(t->fd, 4096), 0);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 100, DATA, 512, true), VIRTIO_BLK_S_IOERR);
    assert_int_equal(used_len(0), 1);
    /* Straddling the new end: the chunk is not complete, so none of it reaches the guest. */
    memset(g(DATA), 0xaa, 4096);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 6, DATA, 4096, true), VIRTIO_BLK_S_IOERR);
    assert_int_equal(used_len(1), 1);
    assert_int_equal(*g(DATA), 0xaa);
    fclose(t->f.host.log);
    t->f.host.log = NULL;
    assert_non_null(strstr(log, "pread"));
    assert_null(strstr(strstr(log, "pread") + 1, "pread")); /* once */
    free(log);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, 512, true), VIRTIO_BLK_S_OK);
    assert_false(needs_reset(t));
}

/* A request of VBLK_MAX_REQ_BYTES works; one sector more is refused unread. */
static void test_request_size(void **state)
{
    struct t *t = *state;

    handshake(t);
    maps = 0;
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, VBLK_MAX_REQ_BYTES, true), VIRTIO_BLK_S_OK);
    assert_int_equal(used_len(0), VBLK_MAX_REQ_BYTES + 1);
    assert_pattern(g(DATA), 0, VBLK_MAX_REQ_BYTES);
    /* One map per page of data, plus a handful per descriptor. */
    assert_in_range(maps, VBLK_MAX_REQ_BYTES / VQ_PAGE_SIZE,
                    VBLK_MAX_REQ_BYTES / VQ_PAGE_SIZE + 4 * NUM + 16);
    memset(g(DATA), 0xaa, 512);
    maps = 0;
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, VBLK_MAX_REQ_BYTES + 512, true),
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(*g(DATA), 0xaa);
    assert_true(maps <= 4 * NUM + 16);
    assert_false(needs_reset(t));
}

/* Per notification at most VBLK_BATCH_BYTES and the queue's size in descriptors; what is left
 * is served from the device's timer, never at or before now. */
static void test_batches(void **state)
{
    struct t *t = *state;
    const uint32_t half = VBLK_BATCH_BYTES / 2;
    uint64_t next;

    handshake(t);
    for (unsigned i = 0; i < 3; i++)
        post_req(t, 3 * i, VIRTIO_BLK_T_IN, i, DATA + (uint64_t)i * half, half, true);
    t->f.now = 1000;
    notify(t);
    assert_int_equal(used_idx(), 2); /* two halves fill the batch */
    assert_int_equal(t->f.irq_level, 1);
    wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
    next = vdev_bus_timers(&t->f.bus, t->f.now);
    assert_int_equal(next, 1000 + VBLK_RESUME_NS);
    assert_int_equal(used_idx(), 2);
    next = vdev_bus_timers(&t->f.bus, next);
    assert_int_equal(next, VDEV_NO_DEADLINE);
    assert_int_equal(used_idx(), 3);
    assert_int_equal(used_id(2), 6);
    assert_pattern(g(DATA + 2 * (uint64_t)half), 2 * 512, 512);
    assert_int_equal(t->f.irq_level, 1);
    /* Chains sharing descriptors: each walks all NUM of them, one per batch. */
    for (unsigned i = 0; i < NUM; i++)
        set_desc(i, HDR, 16, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
    set_desc(NUM - 1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    put_hdr(HDR, VIRTIO_BLK_T_FLUSH, 0);
    for (unsigned i = 0; i < 4; i++)
        post(t, 0);
    maps = 0;
    t->f.now = 1000000;
    notify(t);
    assert_int_equal(used_idx(), 4);
    assert_true(maps <= 4 * NUM + 16);
    next = vdev_fake_run(&t->f, 10 * VBLK_RESUME_NS, 100, NULL);
    assert_int_equal(used_idx(), 7);
    assert_int_equal(t->f.past_deadlines, 0);
    assert_int_equal(next, 4); /* a wake-up before the resumption is due, then three */
    /* A reset drops the leftovers. */
    post(t, 0);
    post(t, 0);
    notify(t);
    wr(t, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vdev_bus_timers(&t->f.bus, t->f.now + VBLK_RESUME_NS), VDEV_NO_DEADLINE);
    assert_false(needs_reset(t));
}

/* A guest that writes random values to every register and random bytes to its RAM: no crash;
 * afterwards a reset and a handshake work. */
static void test_garbage(void **state)
{
    struct t *t = *state;
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (unsigned round = 0; round < 20000; round++) {
        uint32_t off, v;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        off = (uint32_t)(x % VIRTIO_MMIO_LEN) & ~3u;
        v = (uint32_t)(x >> 32);
        if (round % 7 == 0)
            v = (uint32_t)(RAM_BASE + (v % 0x20000));
        else if (round % 5 == 0)
            v &= 0x1ff;
        if (round % 3 == 0)
            ram[(x >> 20) % 0x20000] = (uint8_t)x;
        maps = 0;
        if (x & 1)
            (void)rd(t, off);
        else
            wr(t, off, v);
        assert_true(maps <= VBLK_BATCH_BYTES / VQ_PAGE_SIZE + 8 * VQ_MAX_SIZE);
    }
    assert_int_equal(lseek(t->fd, 0, SEEK_END), DISK_SIZE);
    memset(ram, 0, 0x20000);
    handshake(t);
    assert_false(needs_reset(t));
}

/* @pattern with every '@' replaced by @path. */
static void subst(char *out, size_t size, const char *pattern, const char *path)
{
    size_t n = 0;

    for (const char *p = pattern; *p; p++) {
        const char *piece = *p == '@' ? path : (char[]){*p, 0};

        assert_true(n + strlen(piece) < size);
        strcpy(out + n, piece);
        n += strlen(piece);
    }
    out[n] = '\0';
}

static void test_spec_keys(void **state)
{
    static const char *const bad[] = {
        "virtio-blk,mem=0x1000",                        /* hostdev= required */
        "virtio-blk,mem=0x1000,hostdev=",               /* empty */
        "virtio-blk,mem=0x1000,hostdev=<",              /* empty */
        "virtio-blk,mem=0x1000,hostdev=>/dev/null",     /* no output-only disks */
        "virtio-blk,mem=0x1000,hostdev=/nonexistent/x", /* cannot open */
        "virtio-blk,mem=0x1000,hostdev=/tmp",           /* a directory */
        "virtio-blk,mem=0x1000,hostdev=/dev/null",      /* a character device */
        "virtio-blk,io=0x100,hostdev=/dev/null",        /* MMIO only */
        "virtio-blk,mem=0x1000,hostdev=@,hostdev=@",    /* one disk per device */
        "virtio-blk,mem=0x1000,hostdev=@,ram=1",        /* the transport's keys */
        "virtio-blk,mem=0x1000,hostdev=@,queues=2",     /* unknown */
    };
    struct t t = {0};
    struct vdev_host host = {0};
    struct vdev d;
    char spec[256], *log = NULL;
    size_t loglen = 0;

    (void)state;
    assert_int_equal(make_disk(&t, 4 * 512 + 100), 0); /* not whole sectors */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        subst(spec, sizeof(spec), bad[i], t.path);
        assert_true(vdev_create(spec, NULL, &d, NULL) < 0);
    }
    host.log = open_memstream(&log, &loglen);
    snprintf(spec, sizeof(spec), "virtio-blk,mem=0x1000,spi=33,hostdev=<%s", t.path);
    assert_int_equal(vdev_create(spec, &host, &d, NULL), 0);
    fflush(host.log);
    assert_non_null(strstr(log, "not a multiple of 512"));
    assert_int_equal(d.len, 0x200);
    assert_int_equal(d.spi, 33);
    assert_non_null(virtio_mmio_of(&d));
    assert_int_equal(d.ops->read(&d, VIRTIO_MMIO_CONFIG, 4), 4); /* rounded down */
    vdev_dispose(&d);
    fclose(host.log);
    free(log);
    close(t.fd);
    unlink(t.path);
}

#define T(fn)  cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define RO(fn) cmocka_unit_test_setup_teardown(fn, setup_ro, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_probe_config),   RO(test_ro_config),      T(test_read),
        T(test_write),          T(test_flush_get_id),    T(test_unsupported),
        T(test_split),          RO(test_read_only),      T(test_out_of_range),
        T(test_no_status),      T(test_wrong_direction), T(test_hostile_chains),
        T(test_memory_refused), T(test_host_error),      T(test_request_size),
        T(test_batches),        T(test_garbage),         cmocka_unit_test(test_spec_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
