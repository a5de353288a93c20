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

#include "tests/unit/virtio-driver.h"
#include "vdev-backends/virtio-blk.h"

#define RAM_SIZE  0x1000000u /* 16 MiB: room for the largest requests */
#define NUM       16u        /* queue size the test driver uses */
#define HDR       (VD_RAM_BASE + 0x8000)
#define STATUS    (VD_RAM_BASE + 0x9000)
#define DATA      (VD_RAM_BASE + 0x10000)
#define DISK_SIZE (8u << 20) /* bytes of the temporary disk */
#define SECTORS   (DISK_SIZE / VBLK_SECTOR)
#define FEATURES  0x246u /* SIZE_MAX, SEG_MAX, BLK_SIZE, FLUSH */

static uint8_t ram[RAM_SIZE];

struct t {
    struct vdev_fake f;
    struct vd vd;
    char path[64];
    int fd; /* the test's own handle on the disk file */
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

static int setup_opts(void **state, bool ro, bool bounce)
{
    static struct t t;
    char spec[256];

    memset(&t, 0, sizeof(t));
    if (make_disk(&t, DISK_SIZE))
        return -1;
    snprintf(spec, sizeof(spec), "virtio-blk,mem=0xa000000,spi=41,hostdev=%s%s,ram=%#llx:%#x",
             ro ? "<" : "", t.path, (unsigned long long)VD_RAM_BASE, RAM_SIZE);
    if (vdev_fake_setup(state, &t.f, (const char *const[]){spec, NULL}))
        return -1;
    *state = &t;
    t.vd = (struct vd){.f = &t.f,
                       .ram = ram,
                       .ram_size = sizeof(ram),
                       .nqueues = 1,
                       .num = NUM,
                       .bounce_only = bounce};
    vd_init(&t.vd);
    return 0;
}

static int setup(void **state)
{
    return setup_opts(state, false, false);
}

static int setup_ro(void **state)
{
    return setup_opts(state, true, false);
}

/* A mapper that keeps no pointers: every byte goes through the device's bounce buffer. */
static int setup_bounce(void **state)
{
    return setup_opts(state, false, true);
}

/* Which way the data requests went since the last call: 'd' direct, 'b' bounced, 0 none. */
static char path_taken(struct t *t)
{
    static uint64_t last_d, last_b;
    uint64_t d, b;
    char r;

    vblk_paths(&t->f.dev[0], &d, &b);
    if (d < last_d || b < last_b)
        last_d = last_b = 0; /* a new device */
    r = d > last_d && b == last_b ? 'd' : b > last_b && d == last_d ? 'b' : d > last_d ? '2' : 0;
    last_d = d;
    last_b = b;
    return r;
}

static int teardown(void **state)
{
    struct t *t = *state;

    vdev_fake_dispose(&t->f);
    close(t->fd);
    unlink(t->path);
    return 0;
}

static void handshake(struct t *t)
{
    vd_handshake(&t->vd, FEATURES);
}

static void put_hdr(struct vd *vd, uint64_t gpa, uint32_t type, uint64_t sector)
{
    memset(vd_g(vd, gpa), 0, VBLK_HDR_LEN);
    memcpy(vd_g(vd, gpa), &type, 4);
    memcpy(vd_g(vd, gpa + 8), &sector, 8);
}

/* The usual three-descriptor request from descriptor @first: header, data (@len bytes at @data,
 * device-writable if @w; none if @len is 0), status. Posted, not notified. */
static void post_req(struct t *t, unsigned first, uint32_t type, uint64_t sector, uint64_t data,
                     uint32_t len, bool w)
{
    struct vd *vd = &t->vd;
    const uint64_t hdr = HDR + 16 * first, st = STATUS + first;
    const struct vd_buf with_data[] = {{hdr, VBLK_HDR_LEN, false}, {data, len, w}, {st, 1, true}};
    const struct vd_buf no_data[] = {{hdr, VBLK_HDR_LEN, false}, {st, 1, true}};

    put_hdr(vd, hdr, type, sector);
    *vd_g(vd, st) = 0xee;
    if (len)
        vd_chain_add(vd, VBLK_REQQ, first, with_data, 3);
    else
        vd_chain_add(vd, VBLK_REQQ, first, no_data, 2);
}

/* One request, answered at once: returns its status byte; checks it was the next completion. */
static uint8_t req(struct t *t, uint32_t type, uint64_t sector, uint64_t data, uint32_t len, bool w)
{
    struct vd *vd = &t->vd;
    const uint16_t before = vd_used_idx(vd, VBLK_REQQ);

    post_req(t, 0, type, sector, data, len, w);
    vd_notify(vd, VBLK_REQQ);
    assert_int_equal(vd_used_idx(vd, VBLK_REQQ), (uint16_t)(before + 1));
    assert_int_equal(vd_used_id(vd, VBLK_REQQ, before), 0);
    return *vd_g(vd, STATUS);
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
    struct vd *vd = &t->vd;

    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_ID), 2);
    vd_wr(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_FEATURES), FEATURES | 1u << 29); /* not RO */
    vd_wr(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_FEATURES), 1);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, 1);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* one queue */
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG + 0), SECTORS);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG + 4), 0);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG + 8), VBLK_SIZE_MAX);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG + 12), VBLK_SEG_MAX);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG + 16), 0); /* geometry: not offered */
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG + 20), 512);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG + 24), 0); /* past the fields offered */
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG + 0xfc), 0);
    /* A driver may take a subset of the features; SEG_MAX x SIZE_MAX is the largest request. */
    assert_int_equal((uint64_t)VBLK_SEG_MAX * VBLK_SIZE_MAX, VBLK_MAX_REQ_BYTES);
    vd_features_ok(vd, 0);
    handshake(t);
    assert_false(vd_needs_reset(vd));
}

static void test_ro_config(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    vd_wr(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_FEATURES),
                     FEATURES | 1u << VIRTIO_BLK_F_RO | 1u << VIRTIO_RING_F_EVENT_IDX);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG), SECTORS);
    vd_handshake(vd, FEATURES | 1u << VIRTIO_BLK_F_RO);
}

static void test_read(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    memset(vd_g(vd, DATA), 0xaa, 4096);
    (void)path_taken(t);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 3, DATA, 1024, true), VIRTIO_BLK_S_OK);
    assert_int_equal(path_taken(t), vd->bounce_only ? 'b' : 'd');
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 0), 1024 + 1);
    assert_pattern(vd_g(vd, DATA), 3 * 512, 1024);
    assert_int_equal(*vd_g(vd, DATA + 1024), 0xaa); /* nothing beyond */
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
    assert_int_equal(t->f.irq_level, 1);
    /* The last sector; a read crossing pages of guest memory. */
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, SECTORS - 1, DATA + 4000, 512, true), VIRTIO_BLK_S_OK);
    assert_pattern(vd_g(vd, DATA + 4000), DISK_SIZE - 512, 512);
    /* Zero sectors at the end of the disk: nothing to do, OK. */
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, SECTORS, 0, 0, true), VIRTIO_BLK_S_OK);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 2), 1);
    assert_false(vd_needs_reset(vd));
}

static void test_write(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t want[1536];

    handshake(t);
    for (size_t i = 0; i < sizeof(want); i++)
        want[i] = (uint8_t)(i ^ 0x5a);
    memcpy(vd_g(vd, DATA), want, sizeof(want));
    (void)path_taken(t);
    assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 100, DATA, sizeof(want), false), VIRTIO_BLK_S_OK);
    assert_int_equal(path_taken(t), vd->bounce_only ? 'b' : 'd');
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 0), 1); /* only the status was written */
    assert_file(t, 100 * 512, want, sizeof(want));
    /* The neighbours are untouched. */
    assert_int_equal(pread(t->fd, vd_g(vd, DATA + 0x10000), 512, 99 * 512), 512);
    assert_pattern(vd_g(vd, DATA + 0x10000), 99 * 512, 512);
    /* And it reads back. */
    memset(vd_g(vd, DATA + 0x8000), 0, sizeof(want));
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 100, DATA + 0x8000, sizeof(want), true),
                     VIRTIO_BLK_S_OK);
    assert_memory_equal(vd_g(vd, DATA + 0x8000), want, sizeof(want));
    /* Without FLUSH negotiated (write-through) a write works the same. */
    vd_handshake(vd, 0);
    memset(vd_g(vd, DATA), 0x11, 512);
    assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, DATA, 512, false), VIRTIO_BLK_S_OK);
    assert_file(t, 0, vd_g(vd, DATA), 512);
}

static void test_flush_get_id(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    char id[VBLK_ID_BYTES + 1] = {0};

    handshake(t);
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false), VIRTIO_BLK_S_OK);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 0), 1);
    memset(vd_g(vd, DATA), 0xff, 64);
    assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, DATA, VBLK_ID_BYTES, true), VIRTIO_BLK_S_OK);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 1), VBLK_ID_BYTES + 1);
    memcpy(id, vd_g(vd, DATA), VBLK_ID_BYTES);
    assert_int_equal(strncmp(id, "qvm-xl-", 7), 0);
    assert_int_equal(strlen(id), 19);
    /* Stable: the same again; cut to a shorter buffer. */
    assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, DATA + 64, 8, true), VIRTIO_BLK_S_OK);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 2), 9);
    assert_memory_equal(vd_g(vd, DATA + 64), id, 8);
    assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, DATA + 128, 64, true), VIRTIO_BLK_S_OK);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 3), VBLK_ID_BYTES + 1);
    assert_memory_equal(vd_g(vd, DATA + 128), id, VBLK_ID_BYTES);
    assert_false(vd_needs_reset(vd));
}

static void test_unsupported(void **state)
{
    static const uint32_t types[] = {2, 10, 11, 13, 14, 0xffffffffu};
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        assert_int_equal(req(t, types[i], 0, DATA, 512, true), VIRTIO_BLK_S_UNSUPP);
        assert_int_equal(vd_used_len(vd, VBLK_REQQ, i), 1);
    }
    assert_false(vd_needs_reset(vd));
}

/* A header in three pieces, data in many irregular pieces crossing pages, the status byte at the
 * end of the last data buffer (a layout Linux does not use but the spec allows). */
static void test_split(void **state)
{
    static const uint32_t pieces[] = {1, 511, 700, 4096, 3, 2000, 789, 92, 0, 1, 4000, 77};
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint64_t at = DATA + 4090, total = 0;
    uint16_t d = 0;
    uint8_t hdr[16] = {0};
    size_t np = sizeof(pieces) / sizeof(pieces[0]);

    handshake(t);
    for (size_t i = 0; i < np; i++)
        total += pieces[i];
    total = total / 512 * 512;
    put_hdr(vd, HDR, VIRTIO_BLK_T_IN, 17);
    memcpy(hdr, vd_g(vd, HDR), 16);
    memcpy(vd_g(vd, HDR + 0x100), hdr, 5);
    memcpy(vd_g(vd, HDR + 0x200), hdr + 5, 7);
    memcpy(vd_g(vd, HDR + 0x300), hdr + 12, 4);
    vd_desc(vd, VBLK_REQQ, d, HDR + 0x100, 5, VIRTQ_DESC_F_NEXT, d + 1), d++;
    vd_desc(vd, VBLK_REQQ, d, HDR + 0x200, 7, VIRTQ_DESC_F_NEXT, d + 1), d++;
    vd_desc(vd, VBLK_REQQ, d, HDR + 0x300, 4, VIRTQ_DESC_F_NEXT, d + 1), d++;
    /* The data pieces, with gaps; the last one 1 byte longer for the status. */
    {
        uint64_t left = total, gaps[16];
        size_t k = 0;

        for (size_t i = 0; i < np && left; i++, k++) {
            uint32_t len = pieces[i] < left ? pieces[i] : (uint32_t)left;

            left -= len;
            gaps[k] = at;
            vd_desc(vd, VBLK_REQQ, d, at, len + (left ? 0 : 1),
                    VIRTQ_DESC_F_WRITE | (left ? VIRTQ_DESC_F_NEXT : 0), d + 1);
            d++;
            at += len + 100;
        }
        assert_true(d <= NUM);
        vd_post(vd, VBLK_REQQ, 0);
        vd_notify(vd, VBLK_REQQ);
        assert_int_equal(vd_used_idx(vd, VBLK_REQQ), 1);
        assert_int_equal(vd_used_len(vd, VBLK_REQQ, 0), total + 1);
        /* Reassemble and compare with the file. */
        left = total;
        for (size_t i = 0, off = 0; i < k; i++) {
            uint32_t len = pieces[i] < left ? pieces[i] : (uint32_t)left;

            assert_pattern(vd_g(vd, gaps[i]), 17 * 512 + off, len);
            off += len;
            left -= len;
            if (!left)
                assert_int_equal(*vd_g(vd, gaps[i] + len), VIRTIO_BLK_S_OK);
        }
    }
    /* The same for a write, its data split in readable pieces after a split header. */
    memset(vd_g(vd, DATA), 0x77, 0x3000);
    put_hdr(vd, HDR, VIRTIO_BLK_T_OUT, 40);
    memcpy(vd_g(vd, HDR + 0x100), vd_g(vd, HDR), 9);
    memcpy(vd_g(vd, HDR + 0x200), vd_g(vd, HDR) + 9, 7);
    vd_desc(vd, VBLK_REQQ, 0, HDR + 0x100, 9, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VBLK_REQQ, 1, HDR + 0x200, 7 + 1000, VIRTQ_DESC_F_NEXT,
            2); /* header end and data start */
    vd_desc(vd, VBLK_REQQ, 2, DATA + 4000, 24, VIRTQ_DESC_F_NEXT, 3);
    vd_desc(vd, VBLK_REQQ, 3, DATA + 8000, 0, VIRTQ_DESC_F_NEXT, 4);
    vd_desc(vd, VBLK_REQQ, 4, DATA + 9000, 512 * 4 - 1024, VIRTQ_DESC_F_NEXT, 5);
    vd_desc(vd, VBLK_REQQ, 5, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    memset(vd_g(vd, HDR + 0x200 + 7), 0x77, 1000);
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_int_equal(vd_used_idx(vd, VBLK_REQQ), 2);
    assert_int_equal(*vd_g(vd, STATUS), VIRTIO_BLK_S_OK);
    memset(vd_g(vd, DATA + 0x8000), 0x77, 2048);
    assert_file(t, 40 * 512, vd_g(vd, DATA + 0x8000), 2048);
    assert_false(vd_needs_reset(vd));
}

static void test_read_only(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t before[1024];

    char *log = NULL;
    size_t loglen = 0;

    vd_handshake(vd, FEATURES | 1u << VIRTIO_BLK_F_RO);
    assert_int_equal(pread(t->fd, before, sizeof(before), 0), (ssize_t)sizeof(before));
    memset(vd_g(vd, DATA), 0x33, 1024);
    /* Refused by the device, not by the host (the file is open read-only too). */
    t->f.host.log = open_memstream(&log, &loglen);
    assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, DATA, 1024, false), VIRTIO_BLK_S_IOERR);
    fclose(t->f.host.log);
    t->f.host.log = NULL;
    assert_int_equal(loglen, 0);
    free(log);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 0), 1);
    assert_file(t, 0, before, sizeof(before));
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, 1024, true), VIRTIO_BLK_S_OK);
    assert_memory_equal(vd_g(vd, DATA), before, sizeof(before));
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false), VIRTIO_BLK_S_OK);
    assert_false(vd_needs_reset(vd));
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
    struct vd *vd = &t->vd;

    handshake(t);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(vd_g(vd, DATA), 0xaa, 1024);
        assert_int_equal(req(t, VIRTIO_BLK_T_IN, bad[i].sector, DATA, bad[i].len, true),
                         VIRTIO_BLK_S_IOERR);
        assert_int_equal(vd_used_len(vd, VBLK_REQQ, 2 * i), 1);
        assert_int_equal(*vd_g(vd, DATA), 0xaa); /* nothing read */
        assert_int_equal(req(t, VIRTIO_BLK_T_OUT, bad[i].sector, DATA, bad[i].len, false),
                         VIRTIO_BLK_S_IOERR);
    }
    /* The file kept its size and content. */
    assert_int_equal(lseek(t->fd, 0, SEEK_END), DISK_SIZE);
    assert_int_equal(pread(t->fd, vd_g(vd, DATA), 512, 0), 512);
    assert_pattern(vd_g(vd, DATA), 0, 512);
    assert_false(vd_needs_reset(vd));
}

/* After a chain that cannot be answered: NEEDS_RESET, a configuration interrupt, no completion,
 * nothing more done until reset. */
static void assert_failed(struct t *t, enum vq_err why, uint16_t used_before)
{
    struct vd *vd = &t->vd;

    vd_assert_failed(vd, why);
    assert_int_equal(vd_used_idx(vd, VBLK_REQQ), used_before);
    vd_assert_stopped(vd, VBLK_REQQ);
}

static void test_no_status(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    /* Header only. */
    handshake(t);
    put_hdr(vd, HDR, VIRTIO_BLK_T_IN, 0);
    vd_desc(vd, VBLK_REQQ, 0, HDR, 16, 0, 0);
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_FLAGS, 0);
    /* Header, data, and an empty writable buffer where the status should be. */
    handshake(t);
    vd_desc(vd, VBLK_REQQ, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VBLK_REQQ, 1, DATA, 512, VIRTQ_DESC_F_NEXT, 2);
    vd_desc(vd, VBLK_REQQ, 2, STATUS, 0, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_FLAGS, 0);
    /* A short header (15 bytes) with a status byte. */
    handshake(t);
    vd_desc(vd, VBLK_REQQ, 0, HDR, 15, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VBLK_REQQ, 1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_FLAGS, 0);
    /* No readable buffer at all. */
    handshake(t);
    vd_desc(vd, VBLK_REQQ, 0, STATUS, 17, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_FLAGS, 0);
    /* A reset recovers. */
    handshake(t);
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false), VIRTIO_BLK_S_OK);
}

static void test_wrong_direction(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t before[512];

    handshake(t);
    assert_int_equal(pread(t->fd, before, sizeof(before), 0), (ssize_t)sizeof(before));
    /* A read whose data buffer is device-readable. */
    memset(vd_g(vd, DATA), 0xaa, 512);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, 512, false), VIRTIO_BLK_S_IOERR);
    assert_int_equal(*vd_g(vd, DATA), 0xaa);
    /* A write whose data buffer is device-writable: nothing written, either side. */
    assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, DATA, 512, true), VIRTIO_BLK_S_IOERR);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 1), 1);
    assert_int_equal(*vd_g(vd, DATA), 0xaa);
    assert_file(t, 0, before, sizeof(before));
    /* A flush or get-id with data to read. */
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, DATA, 512, false), VIRTIO_BLK_S_IOERR);
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, DATA, 512, true), VIRTIO_BLK_S_IOERR);
    assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, DATA, 20, false), VIRTIO_BLK_S_IOERR);
    assert_false(vd_needs_reset(vd));
}

/* The transport's checks hold for the block device too. */
static void test_hostile_chains(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    vd_desc(vd, VBLK_REQQ, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VBLK_REQQ, 1, DATA, 512, VIRTQ_DESC_F_NEXT, 0); /* a loop */
    vd_post(vd, VBLK_REQQ, 0);
    vd->maps = 0;
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_LOOP, 0);
    handshake(t);
    for (unsigned i = 0; i < NUM; i++) /* every descriptor, then round again */
        vd_desc(vd, VBLK_REQQ, i, HDR, 16, VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % NUM));
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_LOOP, 0);
    handshake(t);
    vd_desc(vd, VBLK_REQQ, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VBLK_REQQ, 1, VD_RAM_BASE + RAM_SIZE - 256, 512, VIRTQ_DESC_F_WRITE,
            0); /* past RAM */
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_MEM, 0);
    handshake(t);
    vd_desc(vd, VBLK_REQQ, 0, HDR, 16, VIRTQ_DESC_F_NEXT, NUM); /* next out of range */
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_INDEX, 0);
    handshake(t);
    vd_desc(vd, VBLK_REQQ, 0, HDR, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    vd_desc(vd, VBLK_REQQ, 1, DATA, 512, VIRTQ_DESC_F_NEXT, 2); /* readable after writable */
    vd_desc(vd, VBLK_REQQ, 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_FLAGS, 0);
}

/* Guest memory that the mapper refuses in the middle of the data: the request cannot be
 * completed (no status can be trusted to say what happened), so the device needs a reset. */
static void test_memory_refused(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t before[8192];

    handshake(t);
    vd->hole = DATA + 0x1000;
    post_req(t, 0, VIRTIO_BLK_T_IN, 0, DATA, 8192, true);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_MEM, 0);
    assert_int_equal(*vd_g(vd, STATUS), 0xee);
    handshake(t);
    assert_int_equal(pread(t->fd, before, sizeof(before), 0), (ssize_t)sizeof(before));
    post_req(t, 0, VIRTIO_BLK_T_OUT, 0, DATA, 8192, false);
    vd_notify(vd, VBLK_REQQ);
    assert_failed(t, VQ_ERR_MEM, 0);
    assert_file(t, 0, before, sizeof(before)); /* a chunk is read whole before it is written */
    vd->hole = 0;
    handshake(t);
    assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false), VIRTIO_BLK_S_OK);
}

/* The file shrinks under the device (another host process): IOERR, logged once, and the device
 * goes on. */
static void test_host_error(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    char *log = NULL;
    size_t loglen = 0;

    handshake(t);
    t->f.host.log = open_memstream(&log, &loglen);
    assert_int_equal(ftruncate(t->fd, 4096), 0);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 100, DATA, 512, true), VIRTIO_BLK_S_IOERR);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 0), 1);
    /* Straddling the new end: IOERR. Through the bounce buffer the chunk is not complete, so
     * none of it reaches the guest; read straight into guest memory the bytes before the end do
     * (as with QEMU's preadv: a failed request's buffer content is undefined). */
    memset(vd_g(vd, DATA), 0xaa, 4096);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 6, DATA, 4096, true), VIRTIO_BLK_S_IOERR);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 1), 1);
    assert_int_equal(*vd_g(vd, DATA), vd->bounce_only ? 0xaa : pattern(6 * 512));
    assert_int_equal(*vd_g(vd, DATA + 1024), 0xaa);
    fclose(t->f.host.log);
    t->f.host.log = NULL;
    assert_non_null(strstr(log, "pread"));
    assert_null(strstr(strstr(log, "pread") + 1, "pread")); /* once */
    free(log);
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, 512, true), VIRTIO_BLK_S_OK);
    assert_false(vd_needs_reset(vd));
}

/* A mapping replaced while a request's buffers are gathered (the mapper's generation moves):
 * the pointers gathered so far may be stale, so the request goes through the bounce buffer,
 * with the same result. */
static void bump_generation(struct vd *vd, uint64_t gpa, size_t len, bool write)
{
    (void)len;
    (void)write;
    if (gpa >= DATA + 4096 && gpa < DATA + 8192)
        vd->gen++;
}

static void test_remapped(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    (void)path_taken(t);
    vd->on_map = bump_generation;
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 2, DATA, 3 * 4096, true), VIRTIO_BLK_S_OK);
    assert_int_equal(path_taken(t), 'b');
    assert_pattern(vd_g(vd, DATA), 2 * 512, 3 * 4096);
    vd->on_map = NULL;
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 2, DATA, 3 * 4096, true), VIRTIO_BLK_S_OK);
    assert_int_equal(path_taken(t), 'd');
    assert_false(vd_needs_reset(vd));
}

/* A request of VBLK_MAX_REQ_BYTES works; one sector more is refused unread. */
static void test_request_size(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    vd->maps = 0;
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, VBLK_MAX_REQ_BYTES, true), VIRTIO_BLK_S_OK);
    assert_int_equal(vd_used_len(vd, VBLK_REQQ, 0), VBLK_MAX_REQ_BYTES + 1);
    assert_pattern(vd_g(vd, DATA), 0, VBLK_MAX_REQ_BYTES);
    /* One map per page of data, plus a handful per descriptor. */
    assert_in_range(vd->maps, VBLK_MAX_REQ_BYTES / VQ_PAGE_SIZE,
                    VBLK_MAX_REQ_BYTES / VQ_PAGE_SIZE + 4 * NUM + 16);
    memset(vd_g(vd, DATA), 0xaa, 512);
    vd->maps = 0;
    assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, DATA, VBLK_MAX_REQ_BYTES + 512, true),
                     VIRTIO_BLK_S_IOERR);
    assert_int_equal(*vd_g(vd, DATA), 0xaa);
    assert_true(vd->maps <= 4 * NUM + 16);
    assert_false(vd_needs_reset(vd));
}

/* Per notification at most VBLK_BATCH_BYTES and the queue's size in descriptors; what is left
 * is served from the device's timer, never at or before now. */
static void test_batches(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    const uint32_t half = VBLK_BATCH_BYTES / 2;
    uint64_t next;

    handshake(t);
    for (unsigned i = 0; i < 3; i++)
        post_req(t, 3 * i, VIRTIO_BLK_T_IN, i, DATA + (uint64_t)i * half, half, true);
    t->f.now = 1000;
    vd_notify(vd, VBLK_REQQ);
    assert_int_equal(vd_used_idx(vd, VBLK_REQQ), 2); /* two halves fill the batch */
    assert_int_equal(t->f.irq_level, 1);
    vd_wr(vd, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
    next = vdev_bus_timers(&t->f.bus, t->f.now);
    assert_int_equal(next, 1000 + VBLK_RESUME_NS);
    assert_int_equal(vd_used_idx(vd, VBLK_REQQ), 2);
    next = vdev_bus_timers(&t->f.bus, next);
    /* The queue that just gave chains is looked at again, notifications still off. */
    assert_int_equal(next, 1000 + VBLK_RESUME_NS + VIRTIO_MMIO_POLL_NS);
    assert_int_equal(vd_used_idx(vd, VBLK_REQQ), 3);
    assert_int_equal(vdev_bus_timers(&t->f.bus, next), VDEV_NO_DEADLINE);
    assert_int_equal(vd_used_id(vd, VBLK_REQQ, 2), 6);
    assert_pattern(vd_g(vd, DATA + 2 * (uint64_t)half), 2 * 512, 512);
    assert_int_equal(t->f.irq_level, 1);
    /* Chains sharing descriptors: each walks all NUM of them, one per batch. */
    for (unsigned i = 0; i < NUM; i++)
        vd_desc(vd, VBLK_REQQ, i, HDR, 16, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
    vd_desc(vd, VBLK_REQQ, NUM - 1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
    put_hdr(vd, HDR, VIRTIO_BLK_T_FLUSH, 0);
    for (unsigned i = 0; i < 4; i++)
        vd_post(vd, VBLK_REQQ, 0);
    vd->maps = 0;
    t->f.now = 1000000;
    vd_notify(vd, VBLK_REQQ);
    assert_int_equal(vd_used_idx(vd, VBLK_REQQ), 4);
    assert_true(vd->maps <= 4 * NUM + 16);
    next = vdev_fake_run(&t->f, 10 * VBLK_RESUME_NS, 100, NULL);
    assert_int_equal(vd_used_idx(vd, VBLK_REQQ), 7);
    assert_int_equal(t->f.past_deadlines, 0);
    /* A wake-up before the resumption is due, three resumptions, the poll that finds none. */
    assert_int_equal(next, 5);
    /* A reset drops the leftovers. */
    vd_post(vd, VBLK_REQQ, 0);
    vd_post(vd, VBLK_REQQ, 0);
    vd_notify(vd, VBLK_REQQ);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vdev_bus_timers(&t->f.bus, t->f.now + VBLK_RESUME_NS), VDEV_NO_DEADLINE);
    assert_false(vd_needs_reset(vd));
}

/* One register access costs at most a batch of data pages and a few maps per descriptor. */
static void assert_access_bounded(void *vd)
{
    assert_true(((struct vd *)vd)->maps <= VBLK_BATCH_BYTES / VQ_PAGE_SIZE + 8 * VQ_MAX_SIZE);
}

/* A guest that writes random values to every register and random bytes to its RAM: no crash;
 * afterwards a reset and a handshake work. */
static void test_garbage(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    vd_garbage(vd, 20000, 0x20000, assert_access_bounded, vd);
    assert_int_equal(lseek(t->fd, 0, SEEK_END), DISK_SIZE);
    memset(ram, 0, 0x20000);
    handshake(t);
    assert_false(vd_needs_reset(vd));
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
#define B(fn)  cmocka_unit_test_setup_teardown(fn, setup_bounce, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_probe_config),   RO(test_ro_config),      T(test_read),
        T(test_write),          T(test_flush_get_id),    T(test_unsupported),
        T(test_split),          RO(test_read_only),      T(test_out_of_range),
        T(test_no_status),      T(test_wrong_direction), T(test_hostile_chains),
        T(test_memory_refused), T(test_host_error),      T(test_request_size),
        T(test_batches),        T(test_garbage),         cmocka_unit_test(test_spec_keys),
        T(test_remapped),
        /* The same data requests through the bounce buffer. */
        B(test_read),           B(test_write),           B(test_split),
        B(test_memory_refused), B(test_host_error),      B(test_request_size),
        B(test_batches),        B(test_hostile_chains),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
