/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-virtio-net.c: virtio-net on virtio-mmio, driven through the dispatcher as Linux's driver
 * would, with a flat guest RAM and a SOCK_SEQPACKET socketpair as the TAP (frame boundaries
 * kept): config space read byte by byte, frames both ways, drops, hostile chains, bounded work,
 * option errors; and a real TAP when root and /dev/net/tun allow it. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <net/if.h>

#include <cmocka.h>

#include "tests/unit/virtio-driver.h"
#include "vdev-backends/virtio-net.h"

#define RAM_SIZE 0x20000u /* the ram= of SPEC */
#define NUM      8u       /* queue size the test driver uses */
#define DATA     (VD_RAM_BASE + 0x4000)
#define DOMID    7u
#define SPEC     "virtio-net,mem=0xa000000,spi=40,ram=0x40000000:0x20000"

static uint8_t ram[RAM_SIZE];

/* The fake TAP: what was asked for, and the other end of the socketpair. */
struct fake_tap {
    unsigned opens;
    int fail; /* a VDEV_ERR_* to return instead */
    char ifname[IFNAMSIZ];
    char bridge[IFNAMSIZ];
    bool has_bridge;
    int peer;
};

static int fake_open_tap(void *opaque, const char *ifname, const char *bridge, FILE *err)
{
    struct fake_tap *ft = opaque;
    int sv[2];

    (void)err;
    ft->opens++;
    snprintf(ft->ifname, sizeof(ft->ifname), "%s", ifname);
    ft->has_bridge = bridge != NULL;
    snprintf(ft->bridge, sizeof(ft->bridge), "%s", bridge ? bridge : "");
    if (ft->fail)
        return ft->fail;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
        return VDEV_ERR_IO;
    if (ft->peer >= 0)
        close(ft->peer);
    ft->peer = sv[1];
    return sv[0];
}

struct t {
    struct vdev_fake f;
    struct vd vd;
    struct fake_tap tap;
};

static struct t T_;

/* The fake's own callbacks take the fake as their opaque; the TAP is reached through T_. */
static int open_tap(void *opaque, const char *ifname, const char *bridge, FILE *err)
{
    (void)opaque;
    return fake_open_tap(&T_.tap, ifname, bridge, err);
}

static void host_init(struct t *t)
{
    if (t->tap.peer >= 0)
        close(t->tap.peer);
    vdev_fake_init(&t->f);
    memset(&t->tap, 0, sizeof(t->tap));
    t->tap.peer = -1;
    t->f.host.domid = DOMID;
    t->f.host.open_tap = open_tap;
}

static int add(struct t *t, const char *spec)
{
    return vdev_fake_add(&t->f, spec);
}

static int setup_spec(void **state, const char *spec)
{
    struct t *t = &T_;

    host_init(t);
    *state = t;
    if (add(t, spec))
        return -1;
    t->vd = (struct vd){.f = &t->f, .ram = ram, .ram_size = sizeof(ram), .nqueues = 2, .num = NUM};
    vd_init(&t->vd);
    return 0;
}

static int setup(void **state)
{
    return setup_spec(state, SPEC ",mac=52:54:00:12:34:56,tap=qxt0");
}

static int teardown(void **state)
{
    struct t *t = *state;

    vdev_fake_dispose(&t->f);
    if (t->tap.peer >= 0)
        close(t->tap.peer);
    t->tap.peer = -1;
    return 0;
}

/* ---- the device's part of the driver ---- */

static struct vdev *dev(struct t *t)
{
    return &t->f.dev[0];
}

static const struct vnet_stats *st(struct t *t)
{
    return vnet_stats(dev(t));
}

/* §3.1.1 with the features Linux's virtio_net accepts here: VERSION_1, MAC, STATUS. */
static void handshake(struct t *t)
{
    vd_handshake(&t->vd, (1u << VIRTIO_NET_F_MAC) | (1u << VIRTIO_NET_F_STATUS));
}

static uint64_t io(struct t *t, unsigned off, unsigned size, bool is_read, uint64_t v,
                   enum vdev_disp *d)
{
    return vdev_fake_io(&t->f, VDEV_IOREQ_COPY, VD_REGS + off, size, is_read, v, d);
}

/* One frame from the fake TAP's far end; its length, or -1 when none waits. */
static ssize_t peer_recv(struct t *t, void *buf, size_t max)
{
    return recv(t->tap.peer, buf, max, MSG_DONTWAIT);
}

static void peer_send(struct t *t, const void *buf, size_t len)
{
    assert_int_equal(send(t->tap.peer, buf, len, MSG_DONTWAIT), (ssize_t)len);
}

static void fill(uint8_t *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

/* ---- config space and probing ---- */

static void test_probe_config(void **state)
{
    static const uint8_t mac[] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    struct t *t = *state;
    struct vd *vd = &t->vd;
    enum vdev_disp d;

    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_ID), 1);
    vd_wr(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_FEATURES), (1u << 5) | (1u << 16) | (1u << 29));
    vd_wr(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1 */
    vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, 2);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* no control queue */
    /* The MAC as Linux reads it: readb at config 0..5; status with readw at 6. */
    for (unsigned i = 0; i < 6; i++) {
        assert_int_equal(io(t, 0x100 + i, 1, true, 0, &d), mac[i]);
        assert_int_equal(d, VDEV_DISP_OK);
    }
    assert_int_equal(io(t, 0x106, 2, true, 0, &d), VIRTIO_NET_S_LINK_UP);
    assert_int_equal(d, VDEV_DISP_OK);
    assert_int_equal(io(t, 0x104, 2, true, 0, &d), 0x5634);
    assert_int_equal(vd_rd(vd, 0x100), 0x12005452);
    assert_int_equal(vd_rd(vd, 0x104), 0x00015634);
    assert_int_equal(io(t, 0x107, 1, true, 0, &d), 0);
    /* Beyond the config: 0; no MQ or MTU fields. */
    assert_int_equal(io(t, 0x108, 2, true, 0, &d), 0);
    assert_int_equal(io(t, 0x1ff, 1, true, 0, &d), 0);
    assert_int_equal(d, VDEV_DISP_OK);
    /* Not naturally aligned, or wider than the registers: refused, all ones. */
    assert_int_equal(io(t, 0x101, 2, true, 0, &d), UINT64_MAX);
    assert_int_equal(d, VDEV_DISP_BAD_ACCESS);
    assert_int_equal(io(t, 0x102, 4, true, 0, &d), UINT64_MAX);
    assert_int_equal(d, VDEV_DISP_BAD_ACCESS);
    io(t, 0x100, 8, true, 0, &d);
    assert_int_equal(d, VDEV_DISP_BAD_ACCESS);
    /* The control registers keep the low-byte-only rule. */
    assert_int_equal(io(t, VIRTIO_MMIO_DEVICE_ID, 1, true, 0, &d), 1);
    assert_int_equal(io(t, VIRTIO_MMIO_DEVICE_ID + 1, 1, true, 0, &d), UINT64_MAX);
    assert_int_equal(d, VDEV_DISP_BAD_ACCESS);
    io(t, VIRTIO_MMIO_MAGIC_VALUE + 2, 2, true, 0, &d);
    assert_int_equal(d, VDEV_DISP_BAD_ACCESS);
    /* The MAC is read-only (VERSION_1 without CTRL_MAC_ADDR). */
    io(t, 0x100, 1, false, 0xee, &d);
    assert_int_equal(d, VDEV_DISP_OK);
    assert_int_equal(io(t, 0x100, 1, true, 0, NULL), 0x52);
    assert_false(vd_needs_reset(vd));
    assert_string_equal(t->tap.ifname, "qxt0");
    assert_false(t->tap.has_bridge);
}

/* Narrow config access is opt-in: virtio-console (no narrow_from) still refuses it. */
static void test_narrow_opt_in(void **state)
{
    struct t *t = *state;
    enum vdev_disp d;

    assert_int_equal(vdev_fake_add(&t->f, "virtio-console,mem=0xb000000"), 0);
    vdev_fake_io(&t->f, VDEV_IOREQ_COPY, 0xb000101, 1, true, 0, &d);
    assert_int_equal(d, VDEV_DISP_BAD_ACCESS);
    assert_int_equal(vdev_fake_io(&t->f, VDEV_IOREQ_COPY, 0xb000100, 4, true, 0, &d), 0);
    assert_int_equal(d, VDEV_DISP_OK);
    assert_int_equal(io(t, 0x101, 1, true, 0, &d), 0x54);
    assert_int_equal(d, VDEV_DISP_OK);
}

static void test_generated_mac(void **state)
{
    struct t *t = *state;
    uint8_t mac[6];

    vdev_fake_dispose(&t->f);
    assert_int_equal(add(t, SPEC ",bridge=xenbr0,index=3"), 0);
    for (unsigned i = 0; i < 6; i++)
        mac[i] = (uint8_t)io(t, 0x100 + i, 1, true, 0, NULL);
    assert_memory_equal(mac, ((uint8_t[]){0x00, 0x16, 0x3e, 0x80, DOMID, 3}), 6);
    assert_string_equal(t->tap.ifname, "qxnet7.3");
    assert_true(t->tap.has_bridge);
    assert_string_equal(t->tap.bridge, "xenbr0");
    assert_string_equal(vnet_ifname(dev(t)), "qxnet7.3");
    /* The largest domain id and index still fit IFNAMSIZ; the MAC keeps its top bit. */
    vdev_fake_dispose(&t->f);
    t->f.host.domid = 0x7fef;
    assert_int_equal(add(t, SPEC ",bridge=xenbr0,index=255"), 0);
    assert_string_equal(t->tap.ifname, "qxnet32751.255");
    assert_int_equal(io(t, 0x103, 1, true, 0, NULL), 0xff);
    assert_int_equal(io(t, 0x104, 1, true, 0, NULL), 0xef);
    assert_int_equal(io(t, 0x105, 1, true, 0, NULL), 0xff);
}

/* ---- transmit ---- */

static void test_tx(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t frame[1514], out[2048];

    handshake(t);
    fill(frame, sizeof(frame), 1);
    memset(vd_g(vd, DATA), 0xaa, VNET_HDR_LEN); /* header fields are ignored */
    memcpy(vd_g(vd, DATA + 0x100), frame, 100);
    memcpy(vd_g(vd, DATA + 0xf00), frame + 100, sizeof(frame) - 100); /* crosses a page */
    vd_desc(vd, VNET_TXQ, 2, DATA, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 6);
    vd_desc(vd, VNET_TXQ, 6, DATA + 0x100, 100, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VNET_TXQ, 1, DATA + 0xf00, sizeof(frame) - 100, 0, 0);
    vd_post(vd, VNET_TXQ, 2);
    vd_notify(vd, VNET_TXQ);
    assert_int_equal(peer_recv(t, out, sizeof(out)), sizeof(frame));
    assert_memory_equal(out, frame, sizeof(frame));
    assert_int_equal(peer_recv(t, out, sizeof(out)), -1);
    assert_int_equal(vd_used_idx(vd, VNET_TXQ), 1);
    assert_int_equal(vd_used_id(vd, VNET_TXQ, 0), 2);
    assert_int_equal(vd_used_len(vd, VNET_TXQ, 0), 0);
    assert_int_equal(t->f.irq_level, 1);
    assert_int_equal(st(t)->tx_frames, 1);
    assert_int_equal(st(t)->tx_bytes, sizeof(frame));
    /* The header split over two descriptors, the frame in the second one's tail. */
    memcpy(vd_g(vd, DATA + 0x2000), "\0\0\0\0\0", 5);
    memcpy(vd_g(vd, DATA + 0x3000), "\0\0\0\0\0\0\0hello, world", 19);
    vd_desc(vd, VNET_TXQ, 0, DATA + 0x2000, 5, VIRTQ_DESC_F_NEXT, 3);
    vd_desc(vd, VNET_TXQ, 3, DATA + 0x3000, 19, 0, 0);
    vd_post(vd, VNET_TXQ, 0);
    vd_notify(vd, VNET_TXQ);
    assert_int_equal(peer_recv(t, out, sizeof(out)), 12);
    assert_memory_equal(out, "hello, world", 12);
    assert_false(vd_needs_reset(vd));
}

static void test_tx_drops(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t out[64];

    handshake(t);
    /* Shorter than the header. */
    vd_desc(vd, VNET_TXQ, 0, DATA, VNET_HDR_LEN - 1, 0, 0);
    vd_post(vd, VNET_TXQ, 0);
    /* Header + 65536 bytes: one too many; named, never read. */
    vd_desc(vd, VNET_TXQ, 1, VD_RAM_BASE, 0x10000, VIRTQ_DESC_F_NEXT, 2);
    vd_desc(vd, VNET_TXQ, 2, VD_RAM_BASE, VNET_HDR_LEN + 1, 0, 0);
    vd_post(vd, VNET_TXQ, 1);
    vd->maps = 0;
    vd_notify(vd, VNET_TXQ);
    assert_true(vd->maps < 64);
    assert_int_equal(st(t)->tx_bad_hdr, 1);
    assert_int_equal(st(t)->tx_too_big, 1);
    assert_int_equal(st(t)->tx_frames, 0);
    assert_int_equal(vd_used_idx(vd, VNET_TXQ), 2); /* both consumed */
    assert_int_equal(peer_recv(t, out, sizeof(out)), -1);
    /* Exactly the largest frame passes. */
    vd_desc(vd, VNET_TXQ, 2, VD_RAM_BASE, VNET_HDR_LEN - 1, 0, 0);
    vd_post(vd, VNET_TXQ, 1);
    vd_notify(vd, VNET_TXQ);
    assert_int_equal(st(t)->tx_frames + st(t)->tx_busy + st(t)->tx_errors, 1);
    assert_false(vd_needs_reset(vd));
}

/* A TAP that cannot take more: frames are dropped and counted, the loop never blocks. */
static void test_tx_busy(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    int small = 4096;
    uint8_t out[2048];
    unsigned rounds = 0, got = 0;

    assert_int_equal(setsockopt(t->tap.peer, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
    handshake(t);
    fill(vd_g(vd, DATA + VNET_HDR_LEN), 1500, 3);
    for (unsigned i = 0; i < NUM; i++)
        vd_desc(vd, VNET_TXQ, i, DATA, VNET_HDR_LEN + 1500, 0, 0);
    while (st(t)->tx_busy == 0 && rounds < 1000) {
        for (unsigned i = 0; i < NUM; i++)
            vd_post(vd, VNET_TXQ, (uint16_t)i);
        vd_notify(vd, VNET_TXQ);
        rounds++;
    }
    assert_true(st(t)->tx_busy > 0);
    assert_int_equal(st(t)->tx_frames + st(t)->tx_busy, rounds * NUM);
    assert_int_equal(vd_used_idx(vd, VNET_TXQ), (uint16_t)(rounds * NUM));
    while (peer_recv(t, out, sizeof(out)) == 1500)
        got++;
    assert_int_equal(got, st(t)->tx_frames);
    assert_false(vd_needs_reset(vd));
}

/* ---- receive ---- */

/* Posts a receive chain at descriptor @i: a header buffer, then @len1 and @len2 bytes. */
static void post_rx(struct t *t, unsigned i, uint32_t len1, uint32_t len2)
{
    const uint64_t at = DATA + i * 0x1000;
    const struct vd_buf bufs[] = {
        {at, VNET_HDR_LEN, true}, {at + 0x10, len1, true}, {at + 0xc00, len2, true}};

    vd_chain_add(&t->vd, VNET_RXQ, i, bufs, len2 ? 3 : 2);
}

static void test_rx(void **state)
{
    static const uint8_t hdr[VNET_HDR_LEN] = {[10] = 1};
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t frame[1000];

    handshake(t);
    assert_int_equal(dev(t)->ops->rx_fd(dev(t)), -1); /* no buffers: the TAP is not polled */
    post_rx(t, 0, 600, 1000);
    memset(vd_g(vd, DATA), 0xee, 0x1000);
    vd_notify(vd, VNET_RXQ);
    assert_int_equal(vd_used_idx(vd, VNET_RXQ), 0); /* nothing to receive yet */
    assert_true(dev(t)->ops->rx_fd(dev(t)) >= 0);
    fill(frame, sizeof(frame), 9);
    peer_send(t, frame, sizeof(frame));
    dev(t)->ops->rx(dev(t));
    vdev_flush(dev(t));
    assert_int_equal(vd_used_idx(vd, VNET_RXQ), 1);
    assert_int_equal(vd_used_id(vd, VNET_RXQ, 0), 0);
    assert_int_equal(vd_used_len(vd, VNET_RXQ, 0), VNET_HDR_LEN + sizeof(frame));
    assert_memory_equal(vd_g(vd, DATA), hdr, VNET_HDR_LEN);
    assert_memory_equal(vd_g(vd, DATA + 0x10), frame, 600);
    assert_memory_equal(vd_g(vd, DATA + 0xc00), frame + 600, 400);
    assert_int_equal(*vd_g(vd, DATA + 0xc00 + 400), 0xee); /* nothing beyond */
    assert_int_equal(t->f.irq_level, 1);
    assert_int_equal(dev(t)->ops->rx_fd(dev(t)), -1);
    assert_int_equal(st(t)->rx_frames, 1);
    assert_int_equal(st(t)->rx_bytes, sizeof(frame));
    /* A frame that waits is delivered when the buffer is posted. Header and frame may share
     * one buffer too. */
    peer_send(t, "0123456789abcdef", 16);
    vd_desc(vd, VNET_RXQ, 4, DATA + 0x4000, 64, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VNET_RXQ, 4);
    vd_notify(vd, VNET_RXQ);
    assert_int_equal(vd_used_idx(vd, VNET_RXQ), 2);
    assert_int_equal(vd_used_len(vd, VNET_RXQ, 1), VNET_HDR_LEN + 16);
    assert_memory_equal(vd_g(vd, DATA + 0x4000), hdr, VNET_HDR_LEN);
    assert_memory_equal(vd_g(vd, DATA + 0x4000 + VNET_HDR_LEN), "0123456789abcdef", 16);
    assert_false(vd_needs_reset(vd));
}

static void test_rx_too_big(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t frame[200];

    handshake(t);
    post_rx(t, 0, 60, 0); /* room for 60 bytes of frame */
    fill(frame, sizeof(frame), 5);
    peer_send(t, frame, 61);
    peer_send(t, frame, sizeof(frame));
    peer_send(t, frame, 60);
    dev(t)->ops->rx(dev(t));
    assert_int_equal(st(t)->rx_no_room, 2);
    assert_int_equal(vd_used_idx(vd, VNET_RXQ), 1); /* the chain waited for the frame that fits */
    assert_int_equal(vd_used_len(vd, VNET_RXQ, 0), VNET_HDR_LEN + 60);
    assert_memory_equal(vd_g(vd, DATA + 0x10), frame, 60);
    assert_int_equal(st(t)->rx_frames, 1);
    assert_false(vd_needs_reset(vd));
}

/* ---- hostile drivers (the transport's checks apply; plus buffer directions) ---- */

static void assert_failed(struct t *t, enum vq_err why)
{
    struct vd *vd = &t->vd;
    vd_assert_failed(vd, why);
    assert_false(virtio_mmio_queue_live(vd_mmio(vd), VNET_TXQ));
    assert_int_equal(dev(t)->ops->rx_fd(dev(t)), -1);
}

static void test_hostile(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t out[64];

    /* A loop in the transmit queue: nothing sent. */
    handshake(t);
    vd_desc(vd, VNET_TXQ, 0, DATA, 20, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VNET_TXQ, 1, DATA, 20, VIRTQ_DESC_F_NEXT, 0);
    vd_post(vd, VNET_TXQ, 0);
    vd->maps = 0;
    vd_notify(vd, VNET_TXQ);
    assert_failed(t, VQ_ERR_LOOP);
    assert_true(vd->maps <= 4 * NUM + 8);
    assert_int_equal(peer_recv(t, out, sizeof(out)), -1);
    /* A writable buffer to transmit. */
    handshake(t);
    vd_desc(vd, VNET_TXQ, 0, DATA, 20, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VNET_TXQ, 1, DATA, 20, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VNET_TXQ, 0);
    vd_notify(vd, VNET_TXQ);
    assert_failed(t, VQ_ERR_FLAGS);
    assert_int_equal(peer_recv(t, out, sizeof(out)), -1);
    /* A readable buffer to receive into. */
    handshake(t);
    vd_desc(vd, VNET_RXQ, 0, DATA, 64, 0, 0);
    vd_post(vd, VNET_RXQ, 0);
    peer_send(t, "frame", 5);
    vd_notify(vd, VNET_RXQ);
    assert_failed(t, VQ_ERR_FLAGS);
    assert_int_equal(vd_used_idx(vd, VNET_RXQ), 0);
    /* Receive buffers outside RAM, or wrapping. */
    handshake(t);
    vd_desc(vd, VNET_RXQ, 0, VD_RAM_BASE + RAM_SIZE - 8, 64, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VNET_RXQ, 0);
    vd_notify(vd, VNET_RXQ);
    assert_failed(t, VQ_ERR_MEM);
    handshake(t);
    vd_desc(vd, VNET_TXQ, 0, UINT64_MAX - 4, 64, 0, 0);
    vd_post(vd, VNET_TXQ, 0);
    vd_notify(vd, VNET_TXQ);
    assert_failed(t, VQ_ERR_MEM);
    /* Reset recovers; the frame still waiting is received. */
    handshake(t);
    post_rx(t, 0, 100, 0);
    vd_notify(vd, VNET_RXQ);
    assert_int_equal(vd_used_idx(vd, VNET_RXQ), 1);
    assert_memory_equal(vd_g(vd, DATA + 0x10), "frame", 5);
    assert_false(vd_needs_reset(vd));
}

/* Per notification or wake-up: at most the queue size in descriptors, whatever waits. */
static void test_bounded(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint8_t out[64];
    unsigned n = 0;

    handshake(t);
    /* Eight transmit chains that share all eight descriptors: one per notification. */
    memset(vd_g(vd, DATA), 0, 0x100);
    for (unsigned i = 0; i < NUM; i++)
        vd_desc(vd, VNET_TXQ, i, DATA, 8, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
    for (unsigned i = 0; i < NUM; i++)
        vd_post(vd, VNET_TXQ, 0);
    vd->maps = 0;
    vd_notify(vd, VNET_TXQ);
    assert_int_equal(vd_used_idx(vd, VNET_TXQ), 1);
    assert_true(vd->maps <= 4 * NUM + 8);
    while (peer_recv(t, out, sizeof(out)) >= 0)
        n++;
    assert_int_equal(n, 1);
    /* Receive: 3 * NUM frames wait, each too big for the one posted chain: at most NUM are
     * read and dropped per wake-up, the rest stays in the TAP. */
    vd_desc(vd, VNET_RXQ, 0, DATA + 0x1000, VNET_HDR_LEN + 4, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VNET_RXQ, 0);
    for (unsigned i = 0; i < 3 * NUM; i++)
        peer_send(t, "too big", 7);
    dev(t)->ops->rx(dev(t));
    assert_int_equal(st(t)->rx_no_room, NUM);
    assert_int_equal(vd_used_idx(vd, VNET_RXQ), 0);
    assert_false(vd_needs_reset(vd));
}

static void test_teardown_closes(void **state)
{
    struct t *t = *state;
    char c;

    assert_int_equal(recv(t->tap.peer, &c, 1, MSG_DONTWAIT), -1);
    vdev_fake_dispose(&t->f);
    assert_int_equal(recv(t->tap.peer, &c, 1, MSG_DONTWAIT), 0); /* the TAP end is closed */
}

/* ---- options ---- */

static void test_spec_keys(void **state)
{
    static const char *const bad[] = {
        SPEC,                                 /* neither bridge= nor tap= */
        SPEC ",bridge=br0,tap=t0",            /* both */
        SPEC ",bridge=",                      /* empty */
        SPEC ",tap=abcdefghijklmnop",         /* 16 characters: IFNAMSIZ */
        SPEC ",tap=a/b",                      /* not a name */
        SPEC ",bridge=a:b",                   /* an alias */
        SPEC ",tap=eth%d",                    /* a template */
        SPEC ",tap=..",                       /* */
        SPEC ",tap=t0,mac=01:00:5e:00:00:01", /* multicast */
        SPEC ",tap=t0,mac=00:00:00:00:00:00", /* zero */
        SPEC ",tap=t0,mac=52:54:00:12:34",    /* short */
        SPEC ",tap=t0,mac=52:54:00:12:34:5g", /* not hex */
        SPEC ",tap=t0,mac=52-54-00-12-34-56", /* separators */
        SPEC ",tap=t0,index=256",
        SPEC ",tap=t0,queues=2",
        "virtio-net,io=0x100,tap=t0",
        "virtio-net,tap=t0", /* mem= required */
    };
    struct t *t = *state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_true(add(t, bad[i]) < 0);
        assert_int_equal(t->tap.opens, 0); /* nothing created for a bad line */
    }
    t->tap.fail = VDEV_ERR_IO;
    assert_int_equal(add(t, SPEC ",tap=t0"), VDEV_ERR_IO);
    assert_int_equal(t->tap.opens, 1);
    t->tap.fail = 0;
    assert_int_equal(add(t, SPEC ",tap=t0,mac=AA:bb:cc:dd:ee:0f,index=0"), 0);
    assert_int_equal(io(t, 0x100, 1, true, 0, NULL), 0xaa);
    assert_int_equal(io(t, 0x105, 1, true, 0, NULL), 0x0f);
    assert_non_null(virtio_mmio_of(dev(t)));
    assert_null(vnet_stats(&(struct vdev){0}));
}

/* ---- a real TAP (root, /dev/net/tun) ---- */

static bool if_up(const char *name)
{
    struct ifreq ifr;
    int s = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool up;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    up = s >= 0 && !ioctl(s, SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_UP);
    if (s >= 0)
        close(s);
    return up;
}

static void test_real_tap(void **state)
{
    char name[IFNAMSIZ], spec[160];
    struct vdev d;
    int fd;

    (void)state;
    if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK)) {
        skip();
        return;
    }
    snprintf(name, sizeof(name), "qxtest%u", (unsigned)getpid() % 100000);
    fd = vnet_tap_open(NULL, name, NULL, NULL);
    if (fd < 0) {
        skip(); /* e.g. no CAP_NET_ADMIN in this namespace */
        return;
    }
    assert_true(if_nametoindex(name) > 0);
    assert_true(if_up(name));
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    /* In use (EBUSY): two devices never share an interface. */
    assert_int_equal(vnet_tap_open(NULL, name, NULL, NULL), VDEV_ERR_IO);
    close(fd);
    assert_int_equal(if_nametoindex(name), 0); /* not persistent: gone with the fd */
    /* A bridge that does not exist: an error, and no interface left behind. */
    assert_int_equal(vnet_tap_open(NULL, name, "qxnobridge0", NULL), VDEV_ERR_IO);
    assert_int_equal(if_nametoindex(name), 0);
    /* Through the device, with the real opener (a host without open_tap). */
    snprintf(spec, sizeof(spec), SPEC ",tap=%s", name);
    assert_int_equal(vdev_create(spec, NULL, &d, NULL), 0);
    assert_true(if_nametoindex(name) > 0);
    /* Its vnet header carries the offloads, so they are offered (a bare socket gets none:
     * test_probe_config). */
    virtio_mmio_write(&d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 4, 0);
    assert_int_equal(virtio_mmio_read(&d, VIRTIO_MMIO_DEVICE_FEATURES, 4) & VNET_OFFLOAD_FEATURES,
                     VNET_OFFLOAD_FEATURES);
    vdev_dispose(&d);
    assert_int_equal(if_nametoindex(name), 0);
}

static int setup_empty(void **state)
{
    host_init(&T_);
    *state = &T_;
    return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_probe_config),
        T(test_narrow_opt_in),
        T(test_generated_mac),
        T(test_tx),
        T(test_tx_drops),
        T(test_tx_busy),
        T(test_rx),
        T(test_rx_too_big),
        T(test_hostile),
        T(test_bounded),
        T(test_teardown_closes),
        cmocka_unit_test_setup_teardown(test_spec_keys, setup_empty, teardown),
        cmocka_unit_test(test_real_tap),
    };

    T_.tap.peer = -1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
