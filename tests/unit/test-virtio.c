/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-virtio.c: virtio-mmio v2 transport, split virtqueues and virtio-console, driven through
 * the dispatcher as a guest driver would; then what a hostile driver can do (loops, chains
 * longer than the queue, addresses outside RAM, wrapping lengths, index jumps, garbage in every
 * register): the device must say NEEDS_RESET, never crash, and stay bounded. */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/virtio-driver.h"
#include "vdev-backends/virtio-console.h"

#define RAM_SIZE 0x10000u /* the ram= of the spec below */
#define NUM      8u       /* queue size the test driver uses */
#define DATA     (VD_RAM_BASE + 0x4000)

static uint8_t ram[RAM_SIZE];

struct t {
    struct vdev_fake f;
    struct vd vd;
    int out_rd, in_wr; /* the hostdev's other ends */
};

static int setup_spec(void **state, const char *spec)
{
    static struct t t;
    int out[2], in[2];

    if (vdev_fake_setup(state, &t.f, (const char *const[]){spec, NULL}))
        return -1;
    *state = &t;
    if (pipe2(out, O_NONBLOCK) || pipe2(in, O_NONBLOCK))
        return -1;
    t.f.dev[0].chr.out_fd = out[1];
    t.f.dev[0].chr.own_out = true;
    t.f.dev[0].chr.in_fd = in[0];
    t.f.dev[0].chr.own_in = true;
    t.out_rd = out[0];
    t.in_wr = in[1];
    t.vd = (struct vd){.f = &t.f, .ram = ram, .ram_size = sizeof(ram), .nqueues = 2, .num = NUM};
    vd_init(&t.vd);
    return 0;
}

static int setup(void **state)
{
    return setup_spec(state, "virtio-console,mem=0xa000000,spi=40,ram=0x40000000:0x10000");
}

static int teardown(void **state)
{
    struct t *t = *state;

    vdev_fake_dispose(&t->f);
    close(t->out_rd);
    close(t->in_wr);
    return 0;
}

/* virtio-console offers no feature besides VERSION_1. */
static void handshake(struct t *t)
{
    vd_handshake(&t->vd, 0);
}

static size_t host_out(struct t *t, char *buf, size_t max)
{
    ssize_t n = read(t->out_rd, buf, max);

    return n > 0 ? (size_t)n : 0;
}

static void test_probe(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_ID), 3);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_STATUS), 0);
    vd_wr(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_FEATURES), 1u << 29); /* EVENT_IDX */
    vd_wr(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1, nothing else */
    vd_wr(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_DEVICE_FEATURES), 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, 2);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* only two queues */
    vd_wr(vd, VIRTIO_MMIO_QUEUE_READY, 0);                     /* stopping it is harmless */
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG), 0);
    assert_false(vd_needs_reset(vd));
}

static void test_handshake(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, VCON_TXQ);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_READY), 1);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)vd->q[VCON_TXQ].desc);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_DEVICE_LOW), (uint32_t)vd->q[VCON_TXQ].used);
    assert_int_equal(t->f.irq_level, 0);
}

static void test_feature_refused(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    /* Without VERSION_1 (a legacy driver): FEATURES_OK does not stick. */
    vd_wr(vd, VIRTIO_MMIO_STATUS, 3);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0xb);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_STATUS), 3);
    /* A feature not offered (MULTIPORT, bit 1). */
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 3);
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES, 2);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0xb);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_STATUS), 3);
    assert_false(vd_needs_reset(vd));
    /* Features are fixed once accepted. */
    vd_features_ok(vd, 0);
    vd_wr(vd, VIRTIO_MMIO_DRIVER_FEATURES, 2);
    assert_int_equal(vd_mmio(vd)->driver_features, 1ull << 32);
}

static void test_tx_chain(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    char out[64];

    handshake(t);
    memcpy(vd_g(vd, DATA), "hel", 3);
    memcpy(vd_g(vd, DATA + 0x100), "lo ", 3);
    memcpy(vd_g(vd, DATA + 0xffe), "world", 5); /* crosses a page */
    vd_desc(vd, VCON_TXQ, 3, DATA, 3, VIRTQ_DESC_F_NEXT, 5);
    vd_desc(vd, VCON_TXQ, 5, DATA + 0x100, 3, VIRTQ_DESC_F_NEXT, 0);
    vd_desc(vd, VCON_TXQ, 0, DATA + 0xffe, 5, 0, 0);
    vd_post(vd, VCON_TXQ, 3);
    vd_notify(vd, VCON_TXQ);
    assert_int_equal(host_out(t, out, sizeof(out)), 11);
    assert_memory_equal(out, "hello world", 11);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 1);
    assert_int_equal(vd_used_id(vd, VCON_TXQ, 0), 3);  /* id: the head */
    assert_int_equal(vd_used_len(vd, VCON_TXQ, 0), 0); /* nothing written */
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
    assert_int_equal(t->f.irq_level, 1);
    vd_wr(vd, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
    assert_int_equal(t->f.irq_level, 0);
    /* The driver may suppress the interrupt. */
    vd_put16(vd, vd->q[VCON_TXQ].avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
    vd_post(vd, VCON_TXQ, 3);
    vd_notify(vd, VCON_TXQ);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 2);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_false(vd_needs_reset(vd));
}

static void test_rx(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    struct vdev *d = &t->f.dev[0];

    handshake(t);
    assert_int_equal(d->ops->rx_fd(d), -1); /* no buffers: input is not polled */
    vd_desc(vd, VCON_RXQ, 1, DATA, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    vd_desc(vd, VCON_RXQ, 2, DATA + 0x10, 4, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VCON_RXQ, 1);
    vd_notify(vd, VCON_RXQ);
    assert_int_equal(vd_used_idx(vd, VCON_RXQ), 0); /* no input yet: the buffer stays posted */
    assert_int_equal(d->ops->rx_fd(d), d->chr.in_fd);
    assert_int_equal(write(t->in_wr, "abcdefghij", 10), 10);
    d->ops->rx(d);
    vdev_flush(d);
    assert_int_equal(vd_used_idx(vd, VCON_RXQ), 1);
    assert_int_equal(vd_used_id(vd, VCON_RXQ, 0), 1);
    assert_int_equal(vd_used_len(vd, VCON_RXQ, 0), 8);
    assert_memory_equal(vd_g(vd, DATA), "abcd", 4);
    assert_memory_equal(vd_g(vd, DATA + 0x10), "efgh", 4);
    assert_int_equal(t->f.irq_level, 1);
    assert_int_equal(d->ops->rx_fd(d), -1); /* no more buffers */
    /* The rest arrives in the next buffer, at its notification. */
    vd_post(vd, VCON_RXQ, 2);
    vd_notify(vd, VCON_RXQ);
    assert_int_equal(vd_used_idx(vd, VCON_RXQ), 2);
    assert_int_equal(vd_used_len(vd, VCON_RXQ, 1), 2);
    assert_memory_equal(vd_g(vd, DATA + 0x10), "ij", 2);
    assert_false(vd_needs_reset(vd));
}

static void test_reset(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    char out[16];

    handshake(t);
    vd_desc(vd, VCON_TXQ, 0, DATA, 2, 0, 0);
    memcpy(vd_g(vd, DATA), "ok", 2);
    vd_post(vd, VCON_TXQ, 0);
    vd_notify(vd, VCON_TXQ);
    assert_int_equal(t->f.irq_level, 1);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(t->f.irq_level, 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, VCON_TXQ);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_READY), 0);
    /* A new driver starts from index 0 again (its rings zeroed). */
    handshake(t);
    vd_post(vd, VCON_TXQ, 0);
    vd_notify(vd, VCON_TXQ);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 1);
    assert_int_equal(host_out(t, out, sizeof(out)), 4);
}

/* ---- notification suppression (§2.7.7, §2.7.10) ---- */

#define EVENT_IDX (1u << VIRTIO_RING_F_EVENT_IDX)

/* Transmits "ok" (descriptor 0) and notifies. */
static void tx_ok(struct t *t)
{
    memcpy(vd_g(&t->vd, DATA), "ok", 2);
    vd_desc(&t->vd, VCON_TXQ, 0, DATA, 2, 0, 0);
    vd_post(&t->vd, VCON_TXQ, 0);
    vd_notify(&t->vd, VCON_TXQ);
}

static bool used_irq(struct t *t)
{
    const bool on = vd_rd(&t->vd, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_USED;

    vd_wr(&t->vd, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
    return on;
}

static void test_event_idx_interrupt(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    char out[64];

    vd_handshake(vd, EVENT_IDX);
    tx_ok(t); /* used_event 0: the completion that makes used idx 1 interrupts */
    assert_true(used_irq(t));
    /* The driver asks to hear of used idx 6 only (and NO_INTERRUPT means nothing now). */
    vd_put16(vd, vd_used_event_at(vd, VCON_TXQ), 5);
    vd_put16(vd, vd->q[VCON_TXQ].avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
    for (unsigned i = 2; i <= 5; i++) {
        tx_ok(t);
        assert_int_equal(vd_used_idx(vd, VCON_TXQ), i);
        assert_false(used_irq(t));
        assert_int_equal(t->f.irq_level, 0);
    }
    tx_ok(t);
    assert_int_equal(t->f.irq_level, 1);
    assert_true(used_irq(t));
    tx_ok(t); /* used_event already passed: silent until used idx comes round to it */
    assert_false(used_irq(t));
    assert_int_equal(host_out(t, out, sizeof(out)), 14);
    assert_false(vd_needs_reset(vd));
}

/* on_map: the used ring's flags when the device reads the data it transmits. */
static void record_flags(struct vd *vd, uint64_t gpa, size_t len, bool write)
{
    if (gpa == DATA && !write)
        *(uint16_t *)vd->arg = vd_used_flags(vd, VCON_TXQ);
}

static void rx_input(struct t *t, const char *s)
{
    struct vdev *d = &t->f.dev[0];

    assert_int_equal(write(t->in_wr, s, strlen(s)), (ssize_t)strlen(s));
    d->ops->rx(d);
    vdev_flush(d);
}

static void post_rx_buffers(struct vd *vd)
{
    vd_desc(vd, VCON_RXQ, 1, DATA + 0x100, 4, VIRTQ_DESC_F_WRITE, 0);
    vd_desc(vd, VCON_RXQ, 2, DATA + 0x200, 4, VIRTQ_DESC_F_WRITE, 0);
    vd_post(vd, VCON_RXQ, 1);
    vd_post(vd, VCON_RXQ, 2);
    vd_notify(vd, VCON_RXQ);
}

static void test_no_notify_while_draining(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint16_t seen = 0xffff;

    handshake(t);
    vd->on_map = record_flags;
    vd->arg = &seen;
    tx_ok(t);
    assert_int_equal(seen, VIRTQ_USED_F_NO_NOTIFY); /* off while the device worked */
    assert_int_equal(vd_used_flags(vd, VCON_TXQ), VIRTQ_USED_F_NO_NOTIFY); /* it polls */
    vd_idle(vd);
    assert_int_equal(vd_used_flags(vd, VCON_TXQ), 0); /* on again before it slept */
    vd->on_map = NULL;
    /* A receive queue wants a notification only once it has no buffer left. */
    post_rx_buffers(vd);
    assert_int_equal(vd_used_flags(vd, VCON_RXQ), VIRTQ_USED_F_NO_NOTIFY);
    rx_input(t, "abcd");
    assert_int_equal(vd_used_idx(vd, VCON_RXQ), 1);
    assert_int_equal(vd_used_flags(vd, VCON_RXQ), VIRTQ_USED_F_NO_NOTIFY);
    rx_input(t, "efgh");
    assert_int_equal(vd_used_idx(vd, VCON_RXQ), 2);
    assert_int_equal(vd_used_flags(vd, VCON_RXQ), 0);
    assert_false(vd_needs_reset(vd));
}

static void test_event_idx_avail_event(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    vd_handshake(vd, EVENT_IDX);
    tx_ok(t);
    tx_ok(t);
    vd_idle(vd);
    /* Drained: the driver notifies for the next chain, the one at avail idx 2. */
    assert_int_equal(vd_get16(vd, vd_avail_event_at(vd, VCON_TXQ)), 2);
    assert_int_equal(vd_used_flags(vd, VCON_TXQ), 0); /* flags are not EVENT_IDX's */
    post_rx_buffers(vd);
    assert_int_equal(vd_get16(vd, vd_avail_event_at(vd, VCON_RXQ)), 0); /* buffers left */
    rx_input(t, "abcd");
    assert_int_equal(vd_get16(vd, vd_avail_event_at(vd, VCON_RXQ)), 0);
    rx_input(t, "efgh");
    assert_int_equal(vd_get16(vd, vd_avail_event_at(vd, VCON_RXQ)), 2); /* none left */
    assert_false(vd_needs_reset(vd));
}

/* on_map: another vCPU posts a chain, without notifying, each time (while *arg > 0) the device
 * writes what turns notifications on (used flags, or avail_event). The driver then still
 * reads them off: only the device's re-check can find that chain. */
static void post_at_rearm(struct vd *vd, uint64_t gpa, size_t len, bool write)
{
    unsigned *left = vd->arg;

    if (write && *left && (gpa == vd->q[VCON_TXQ].used || gpa == vd_avail_event_at(vd, VCON_TXQ))) {
        (*left)--;
        vd_post(vd, VCON_TXQ, 0);
    }
}

static void recheck(struct t *t, uint32_t features)
{
    struct vd *vd = &t->vd;
    unsigned left = 1;
    char out[64];
    uint64_t next;

    vd_handshake(vd, features);
    vd->on_map = post_at_rearm;
    vd->arg = &left;
    tx_ok(t);
    vd_idle(vd);
    assert_int_equal(left, 0);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 2); /* the re-check took the late chain */
    left = 3;
    tx_ok(t);
    vd_idle(vd);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 6);
    assert_int_equal(host_out(t, out, sizeof(out)), 12);
    /* A guest that keeps posting keeps the device polling, each pass within a notification's
     * budget (NUM descriptors): bounded work per timer run, never a deadline at or before now. */
    left = 1000;
    tx_ok(t);
    for (unsigned i = 0; i < 20; i++) {
        next = vdev_bus_timers(&t->f.bus, t->f.now);
        assert_true(next > t->f.now && next != VDEV_NO_DEADLINE);
        t->f.now = next;
        vd->maps = 0;
        (void)vdev_bus_timers(&t->f.bus, t->f.now);
        assert_true(vd->maps < 16 * NUM);
        while (host_out(t, out, sizeof(out)))
            ;
    }
    vd->on_map = NULL;
    vd_idle(vd);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), vd->q[VCON_TXQ].avail_idx);
    assert_false(vd_needs_reset(vd));
}

static void test_recheck_race(void **state)
{
    recheck(*state, 0);
}

static void test_recheck_race_event_idx(void **state)
{
    recheck(*state, EVENT_IDX);
}

/* A pass that took chains leaves notifications off and looks at the queue again
 * VIRTIO_MMIO_POLL_NS later (the kicked chains themselves are taken before the QueueNotify
 * returns); the poll that finds none turns them on. */
static void test_poll_after_pass(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    t->f.now = 5000;
    tx_ok(t);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 1);
    assert_int_equal(vd_used_flags(vd, VCON_TXQ), VIRTQ_USED_F_NO_NOTIFY);
    vd_post(vd, VCON_TXQ, 0); /* not notified: the driver sees notifications off */
    assert_int_equal(vdev_bus_timers(&t->f.bus, 5000), 5000 + VIRTIO_MMIO_POLL_NS);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 1);
    t->f.now += VIRTIO_MMIO_POLL_NS;
    assert_int_equal(vdev_bus_timers(&t->f.bus, t->f.now), t->f.now + VIRTIO_MMIO_POLL_NS);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 2);
    assert_int_equal(vd_used_flags(vd, VCON_TXQ), VIRTQ_USED_F_NO_NOTIFY);
    t->f.now += VIRTIO_MMIO_POLL_NS;
    assert_int_equal(vdev_bus_timers(&t->f.bus, t->f.now), VDEV_NO_DEADLINE);
    assert_int_equal(vd_used_flags(vd, VCON_TXQ), 0);
    /* A reset forgets the poll. */
    tx_ok(t);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0);
    vd->maps = 0;
    assert_int_equal(vdev_bus_timers(&t->f.bus, t->f.now + VIRTIO_MMIO_POLL_NS), VDEV_NO_DEADLINE);
    assert_int_equal(vd->maps, 0);
}

/* vring_need_event, the reference for the test below. */
static bool want(uint16_t event, uint16_t new, uint16_t old)
{
    return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

/* Any used_event only says whether to interrupt; an avail idx that jumps while the device
 * re-checks is found and fails the device; nothing reads outside the rings. */
static void test_hostile_event_idx(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    uint16_t ev = 0x1234;

    vd_handshake(vd, EVENT_IDX);
    for (unsigned i = 0; i < 300; i++) {
        const uint16_t used = vd_used_idx(vd, VCON_TXQ);

        ev = (uint16_t)(ev * 40503u + 1);
        if (i % 5 == 0)
            ev = (uint16_t)(used + i % 3); /* near: sometimes exactly the next one */
        vd_put16(vd, vd_used_event_at(vd, VCON_TXQ), ev);
        vd->maps = 0;
        tx_ok(t);
        assert_true(vd->maps < 32);
        assert_int_equal(used_irq(t), want(ev, (uint16_t)(used + 1), used));
        while (host_out(t, (char[64]){0}, 64))
            ;
    }
    assert_false(vd_needs_reset(vd));
}

static void jump_at_rearm(struct vd *vd, uint64_t gpa, size_t len, bool write)
{
    if (write && gpa == vd_avail_event_at(vd, VCON_TXQ))
        vd_put16(vd, vd->q[VCON_TXQ].avail + 2, (uint16_t)(vd->q[VCON_TXQ].avail_idx + 100));
}

static void test_hostile_avail_at_rearm(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    vd_handshake(vd, EVENT_IDX);
    vd->on_map = jump_at_rearm;
    tx_ok(t);
    vd_idle(vd); /* the poll that finds the queue empty turns notifications on */
    vd_assert_failed(vd, VQ_ERR_AVAIL);
    vd->on_map = NULL;
    vd_assert_stopped(vd, VCON_TXQ);
}

/* After a hostile act: NEEDS_RESET, a configuration interrupt, and no more queue work. */
static void assert_failed(struct t *t, enum vq_err why)
{
    struct vd *vd = &t->vd;

    vd_assert_failed(vd, why);
    assert_int_equal(vd_rd(vd, VIRTIO_MMIO_CONFIG_GENERATION), 1);
    assert_int_equal(t->f.irq_level, 1);
    assert_false(virtio_mmio_queue_live(vd_mmio(vd), VCON_TXQ));
}

/* One TX chain from a hostile descriptor table: the notification must fail with @why and
 * nothing may reach the host. */
static void tx_hostile(struct t *t, enum vq_err why)
{
    struct vd *vd = &t->vd;
    char out[16];

    vd->maps = 0;
    vd_notify(vd, VCON_TXQ);
    assert_failed(t, why);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 0);
    assert_int_equal(host_out(t, out, sizeof(out)), 0);
    /* Bounded: at most the queue's size in descriptors, each a handful of maps. */
    assert_in_range(vd->maps, 1, 4 * NUM + 8);
    /* Further notifications do nothing. */
    vd_assert_stopped(vd, VCON_TXQ);
}

static void test_hostile_loop(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    vd_desc(vd, VCON_TXQ, 0, DATA, 1, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VCON_TXQ, 1, DATA, 1, VIRTQ_DESC_F_NEXT, 0);
    vd_post(vd, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_LOOP);
}

static void test_hostile_self_loop(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    vd_desc(vd, VCON_TXQ, 4, DATA, 1, VIRTQ_DESC_F_NEXT, 4);
    vd_post(vd, VCON_TXQ, 4);
    tx_hostile(t, VQ_ERR_LOOP);
}

static void test_hostile_long_chain(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    /* Every descriptor of a queue of 8, then back to the first: 9 > queue size. */
    handshake(t);
    for (unsigned i = 0; i < NUM; i++)
        vd_desc(vd, VCON_TXQ, i, DATA, 1, VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % NUM));
    vd_post(vd, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_LOOP);
}

static void test_hostile_index(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    vd_post(vd, VCON_TXQ, NUM); /* head out of range */
    tx_hostile(t, VQ_ERR_INDEX);
    handshake(t);
    vd_mmio(vd)->config_gen = 0;
    vd_desc(vd, VCON_TXQ, 0, DATA, 1, VIRTQ_DESC_F_NEXT, 0xffff); /* next out of range */
    vd_post(vd, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_INDEX);
}

static void test_hostile_outside_ram(void **state)
{
    static const struct {
        uint64_t addr;
        uint32_t len;
    } bad[] = {
        {0x1000, 4},                     /* below RAM */
        {VD_RAM_BASE + RAM_SIZE - 4, 8}, /* straddles its end */
        {VD_RAM_BASE + RAM_SIZE, 1},     /* just after */
        {0xfffffffffffff000ull, 0x2000}, /* addr + len wraps */
        {UINT64_MAX, 2},                 /* wraps by one */
    };
    struct t *t = *state;
    struct vd *vd = &t->vd;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        handshake(t);
        vd_mmio(vd)->config_gen = 0;
        vd_desc(vd, VCON_TXQ, 0, bad[i].addr, bad[i].len, 0, 0);
        vd_post(vd, VCON_TXQ, 0);
        tx_hostile(t, VQ_ERR_MEM);
    }
}

static void test_hostile_avail_jump(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    vd_desc(vd, VCON_TXQ, 0, DATA, 1, 0, 0);
    vd_put16(vd, vd->q[VCON_TXQ].avail + 2, NUM + 1);
    tx_hostile(t, VQ_ERR_AVAIL);
    /* Going backwards is a jump of almost 65536. */
    handshake(t);
    vd_mmio(vd)->config_gen = 0;
    vd_post(vd, VCON_TXQ, 0);
    vd_notify(vd, VCON_TXQ);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 1);
    vd_put16(vd, vd->q[VCON_TXQ].avail + 2, 0);
    vd_notify(vd, VCON_TXQ);
    assert_failed(t, VQ_ERR_AVAIL);
}

static void test_hostile_flags(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    handshake(t);
    vd_desc(vd, VCON_TXQ, 0, DATA, 16, VIRTQ_DESC_F_INDIRECT, 0); /* not offered */
    vd_post(vd, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_FLAGS);
    handshake(t);
    vd_mmio(vd)->config_gen = 0;
    vd_desc(vd, VCON_TXQ, 0, DATA, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    vd_desc(vd, VCON_TXQ, 1, DATA, 1, 0, 0); /* readable after writable */
    vd_post(vd, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_FLAGS);
}

static void test_hostile_queue_num(void **state)
{
    static const uint32_t bad[] = {0, 6, 255, 512, 0x80000000u};
    struct t *t = *state;
    struct vd *vd = &t->vd;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vd_features_ok(vd, 0);
        vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, 0);
        vd_wr(vd, VIRTIO_MMIO_QUEUE_NUM, bad[i]);
        vd_wr(vd, VIRTIO_MMIO_QUEUE_READY, 1);
        assert_int_equal(vd_rd(vd, VIRTIO_MMIO_QUEUE_READY), 0);
        assert_true(vd_needs_reset(vd));
        assert_int_equal(vd_mmio(vd)->last_err, VQ_ERR_SETUP);
    }
    /* Misaligned rings, rings outside RAM. */
    vd_features_ok(vd, 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_NUM, NUM);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)VD_RAM_BASE + 8);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_true(vd_needs_reset(vd));
    vd_features_ok(vd, 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)VD_RAM_BASE);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 1);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_true(vd_needs_reset(vd));
}

static void test_hostile_order(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    /* Notify of a queue that is not ready, or does not exist. */
    vd_features_ok(vd, 0);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0xf);
    vd_notify(vd, VCON_TXQ);
    assert_failed(t, VQ_ERR_INDEX);
    handshake(t);
    vd_mmio(vd)->config_gen = 0;
    vd_notify(vd, 7);
    assert_failed(t, VQ_ERR_INDEX);
    /* Changing a live queue. */
    handshake(t);
    vd_mmio(vd)->config_gen = 0;
    vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_NUM, 4);
    assert_failed(t, VQ_ERR_SETUP);
    /* Clearing a status bit; DRIVER_OK without FEATURES_OK; a queue before FEATURES_OK. */
    handshake(t);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0x7);
    assert_true(vd_needs_reset(vd));
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0x7);
    assert_true(vd_needs_reset(vd));
    assert_false(vd_rd(vd, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 3);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_NUM, NUM);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_true(vd_needs_reset(vd));
    /* Reset always recovers. */
    handshake(t);
    assert_false(vd_needs_reset(vd));
}

/* Buffers posted before DRIVER_OK are used once it is set, not before (§3.1.1). */
static void test_before_driver_ok(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    char out[8];

    vd_features_ok(vd, 0);
    vd_queue_setup(vd, VCON_RXQ);
    vd_queue_setup(vd, VCON_TXQ);
    vd_desc(vd, VCON_TXQ, 0, DATA, 2, 0, 0);
    memcpy(vd_g(vd, DATA), "hi", 2);
    vd_post(vd, VCON_TXQ, 0);
    vd_notify(vd, VCON_TXQ);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 0);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0xf);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 1);
    assert_int_equal(host_out(t, out, sizeof(out)), 2);
    assert_false(vd_needs_reset(vd));
}

/* Cost bounds: chains naming far more bytes than the cap, and chains sharing descriptors. */
static void test_bounds(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;
    static char out[2 * VCON_TX_MAX_BYTES];
    size_t n = 0, r;

    handshake(t);
    for (unsigned i = 0; i < NUM; i++)
        vd_desc(vd, VCON_TXQ, i, VD_RAM_BASE, RAM_SIZE, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0,
                (uint16_t)(i + 1));
    vd_post(vd, VCON_TXQ, 0);
    vd_notify(vd, VCON_TXQ);
    while ((r = host_out(t, out + n, sizeof(out) - n)) > 0)
        n += r;
    assert_int_equal(n, VCON_TX_MAX_BYTES); /* 8 x 64 KiB named, 64 KiB copied */
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 1);
    /* Eight chains all naming the same 8 descriptors: one per notification (the budget is
     * the queue size), the rest stays pending, no error. */
    for (unsigned i = 0; i < NUM; i++)
        vd_desc(vd, VCON_TXQ, i, DATA, 1, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
    for (unsigned i = 0; i < NUM - 1; i++)
        vd_post(vd, VCON_TXQ, 0);
    vd->maps = 0;
    vd_notify(vd, VCON_TXQ);
    assert_int_equal(vd_used_idx(vd, VCON_TXQ), 2);
    assert_true(vd->maps <= 4 * NUM + 8);
    assert_false(vd_needs_reset(vd));
}

/* What the guest sent: read and dropped. */
static void drain_host(void *t)
{
    char out[4096];

    while (host_out(t, out, sizeof(out)))
        ;
}

/* A guest that writes random values to every register and random bytes to its RAM: no
 * crash (the sanitizer build runs this too); afterwards a reset and a handshake work. */
static void test_garbage(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    vd_garbage(vd, 20000, RAM_SIZE, drain_host, t);
    /* A narrow read at a register's low byte reads that byte. */
    assert_int_equal(vdev_fake_io(&t->f, VDEV_IOREQ_COPY, VD_REGS, 1, true, 0, NULL), 0x76);
    memset(ram, 0, sizeof(ram));
    handshake(t);
    assert_false(vd_needs_reset(vd));
}

static void test_no_memory(void **state)
{
    struct t *t = *state;
    struct vd *vd = &t->vd;

    virtio_mmio_set_mem(&t->f.dev[0], NULL);
    vd_features_ok(vd, 0);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_SEL, 1);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_NUM, NUM);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)vd->q[1].desc);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)vd->q[1].avail);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)vd->q[1].used);
    vd_wr(vd, VIRTIO_MMIO_QUEUE_READY, 1);
    vd_wr(vd, VIRTIO_MMIO_STATUS, 0xf);
    vd_notify(vd, VCON_TXQ);
    assert_failed(t, VQ_ERR_MEM);
}

static void test_spec_keys(void **state)
{
    static const char *const bad[] = {
        "virtio-console",                                         /* mem= required */
        "virtio-console,mem=0x1000,ram=0x1000",                   /* no size */
        "virtio-console,mem=0x1000,ram=0x1000:0",                 /* empty */
        "virtio-console,mem=0x1000,ram=0xffffffffffffff00:0x200", /* wraps */
        "virtio-console,mem=0x1000,ram=1:1,ram=2:1,ram=3:1,ram=4:1,ram=5:1",
        "virtio-console,mem=0x1000,queues=4",
        "virtio-console,io=0x100", /* MMIO only */
    };
    struct vdev d;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_true(vdev_create(bad[i], NULL, &d, NULL) < 0);
    assert_int_equal(
        vdev_create("virtio-console,mem=0x1000,spi=33,ram=0x40000000:0x8000000", NULL, &d, NULL),
        0);
    assert_int_equal(d.len, 0x200);
    assert_int_equal(d.spi, 33);
    assert_non_null(virtio_mmio_of(&d));
    vdev_dispose(&d);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_probe),
        T(test_handshake),
        T(test_feature_refused),
        T(test_tx_chain),
        T(test_rx),
        T(test_reset),
        T(test_event_idx_interrupt),
        T(test_no_notify_while_draining),
        T(test_event_idx_avail_event),
        T(test_recheck_race),
        T(test_poll_after_pass),
        T(test_recheck_race_event_idx),
        T(test_hostile_event_idx),
        T(test_hostile_avail_at_rearm),
        T(test_before_driver_ok),
        T(test_hostile_loop),
        T(test_hostile_self_loop),
        T(test_hostile_long_chain),
        T(test_hostile_index),
        T(test_hostile_outside_ram),
        T(test_hostile_avail_jump),
        T(test_hostile_flags),
        T(test_hostile_queue_num),
        T(test_hostile_order),
        T(test_bounds),
        T(test_garbage),
        T(test_no_memory),
        cmocka_unit_test(test_spec_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
