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

#include "vdev-backends/vdev-fake.h"
#include "vdev-backends/virtio-console.h"
#include "vdev-backends/virtio-mmio.h"

#define B        0xa000000ull  /* the device's registers */
#define RAM_BASE 0x40000000ull /* guest RAM: the fake's flat buffer */
#define RAM_SIZE 0x10000u
#define NUM      8u /* queue size the test driver uses */
#define DATA     (RAM_BASE + 0x4000)

static uint8_t ram[RAM_SIZE];
static unsigned maps; /* map calls, to bound the work per notification */

static void *fake_map(void *opaque, uint64_t gpa, size_t len, bool write)
{
    maps++;
    if (gpa < RAM_BASE || gpa - RAM_BASE >= RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
        return NULL;
    /* The transport promises pieces that do not cross a page. */
    assert_true(gpa / VQ_PAGE_SIZE == (gpa + len - 1) / VQ_PAGE_SIZE);
    return ram + (gpa - RAM_BASE);
}

static const struct vq_mem fake_mem = {.map = fake_map};

struct t {
    struct vdev_fake f;
    int out_rd, in_wr; /* the hostdev's other ends */
    uint16_t avail_idx[2];
};

static int setup_spec(void **state, const char *spec)
{
    static struct t t;
    int out[2], in[2];

    memset(ram, 0, sizeof(ram));
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
    t.avail_idx[0] = t.avail_idx[1] = 0;
    virtio_mmio_set_mem(&t.f.dev[0], &fake_mem);
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

/* Guest-side ring addresses of queue q. */
static uint64_t desc_at(unsigned q)
{
    return RAM_BASE + q * 0x1000;
}

static uint64_t avail_at(unsigned q)
{
    return desc_at(q) + 0x200;
}

static uint64_t used_at(unsigned q)
{
    return desc_at(q) + 0x400;
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

static void set_desc(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint8_t *d = g(desc_at(q) + 16 * i);

    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static void post(struct t *t, unsigned q, uint16_t head)
{
    put16(avail_at(q) + 4 + 2 * (t->avail_idx[q] % NUM), head);
    put16(avail_at(q) + 2, ++t->avail_idx[q]);
}

static uint16_t used_idx(unsigned q)
{
    return get16(used_at(q) + 2);
}

static void setup_queue(struct t *t, unsigned q, uint32_t num)
{
    memset(g(avail_at(q)), 0, 0x100); /* a new driver's rings start empty */
    memset(g(used_at(q)), 0, 0x100);
    wr(t, VIRTIO_MMIO_QUEUE_SEL, q);
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), VQ_MAX_SIZE);
    wr(t, VIRTIO_MMIO_QUEUE_NUM, num);
    wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc_at(q));
    wr(t, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail_at(q));
    wr(t, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, 0);
    wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used_at(q));
    wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 0);
    wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* §3.1.1, as Linux's virtio_mmio does it. */
static void features_ok(struct t *t)
{
    wr(t, VIRTIO_MMIO_STATUS, 0);
    wr(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(t, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 0);
    wr(t, VIRTIO_MMIO_STATUS, 0xb);
    assert_int_equal(rd(t, VIRTIO_MMIO_STATUS), 0xb);
}

static void handshake(struct t *t)
{
    features_ok(t);
    setup_queue(t, VCON_RXQ, NUM);
    setup_queue(t, VCON_TXQ, NUM);
    wr(t, VIRTIO_MMIO_STATUS, 0xf);
    assert_int_equal(rd(t, VIRTIO_MMIO_STATUS), 0xf);
    t->avail_idx[0] = t->avail_idx[1] = 0;
}

static size_t host_out(struct t *t, char *buf, size_t max)
{
    ssize_t n = read(t->out_rd, buf, max);

    return n > 0 ? (size_t)n : 0;
}

static void test_probe(void **state)
{
    struct t *t = *state;

    assert_int_equal(rd(t, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(rd(t, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(rd(t, VIRTIO_MMIO_DEVICE_ID), 3);
    assert_int_equal(rd(t, VIRTIO_MMIO_STATUS), 0);
    wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    assert_int_equal(rd(t, VIRTIO_MMIO_DEVICE_FEATURES), 0);
    wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    assert_int_equal(rd(t, VIRTIO_MMIO_DEVICE_FEATURES), 1); /* VERSION_1, nothing else */
    wr(t, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
    assert_int_equal(rd(t, VIRTIO_MMIO_DEVICE_FEATURES), 0);
    wr(t, VIRTIO_MMIO_QUEUE_SEL, 2);
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* only two queues */
    wr(t, VIRTIO_MMIO_QUEUE_READY, 0);                     /* stopping it is harmless */
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG), 0);
    assert_false(needs_reset(t));
}

static void test_handshake(void **state)
{
    struct t *t = *state;

    handshake(t);
    wr(t, VIRTIO_MMIO_QUEUE_SEL, VCON_TXQ);
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_READY), 1);
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_DESC_LOW), (uint32_t)desc_at(VCON_TXQ));
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW), (uint32_t)used_at(VCON_TXQ));
    assert_int_equal(t->f.irq_level, 0);
}

static void test_feature_refused(void **state)
{
    struct t *t = *state;

    /* Without VERSION_1 (a legacy driver): FEATURES_OK does not stick. */
    wr(t, VIRTIO_MMIO_STATUS, 3);
    wr(t, VIRTIO_MMIO_STATUS, 0xb);
    assert_int_equal(rd(t, VIRTIO_MMIO_STATUS), 3);
    /* A feature not offered (MULTIPORT, bit 1). */
    wr(t, VIRTIO_MMIO_STATUS, 0);
    wr(t, VIRTIO_MMIO_STATUS, 3);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 2);
    wr(t, VIRTIO_MMIO_STATUS, 0xb);
    assert_int_equal(rd(t, VIRTIO_MMIO_STATUS), 3);
    assert_false(needs_reset(t));
    /* Features are fixed once accepted. */
    features_ok(t);
    wr(t, VIRTIO_MMIO_DRIVER_FEATURES, 2);
    assert_int_equal(vm(t)->driver_features, 1ull << 32);
}

static void test_tx_chain(void **state)
{
    struct t *t = *state;
    char out[64];

    handshake(t);
    memcpy(g(DATA), "hel", 3);
    memcpy(g(DATA + 0x100), "lo ", 3);
    memcpy(g(DATA + 0xffe), "world", 5); /* crosses a page */
    set_desc(VCON_TXQ, 3, DATA, 3, VIRTQ_DESC_F_NEXT, 5);
    set_desc(VCON_TXQ, 5, DATA + 0x100, 3, VIRTQ_DESC_F_NEXT, 0);
    set_desc(VCON_TXQ, 0, DATA + 0xffe, 5, 0, 0);
    post(t, VCON_TXQ, 3);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_int_equal(host_out(t, out, sizeof(out)), 11);
    assert_memory_equal(out, "hello world", 11);
    assert_int_equal(used_idx(VCON_TXQ), 1);
    assert_int_equal(get32(used_at(VCON_TXQ) + 4), 3); /* id: the head */
    assert_int_equal(get32(used_at(VCON_TXQ) + 8), 0); /* nothing written */
    assert_int_equal(rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_USED);
    assert_int_equal(t->f.irq_level, 1);
    wr(t, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
    assert_int_equal(t->f.irq_level, 0);
    /* The driver may suppress the interrupt. */
    put16(avail_at(VCON_TXQ), VIRTQ_AVAIL_F_NO_INTERRUPT);
    post(t, VCON_TXQ, 3);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_int_equal(used_idx(VCON_TXQ), 2);
    assert_int_equal(rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_false(needs_reset(t));
}

static void test_rx(void **state)
{
    struct t *t = *state;
    struct vdev *d = &t->f.dev[0];

    handshake(t);
    assert_int_equal(d->ops->rx_fd(d), -1); /* no buffers: input is not polled */
    set_desc(VCON_RXQ, 1, DATA, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    set_desc(VCON_RXQ, 2, DATA + 0x10, 4, VIRTQ_DESC_F_WRITE, 0);
    post(t, VCON_RXQ, 1);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_RXQ);
    assert_int_equal(used_idx(VCON_RXQ), 0); /* no input yet: the buffer stays posted */
    assert_int_equal(d->ops->rx_fd(d), d->chr.in_fd);
    assert_int_equal(write(t->in_wr, "abcdefghij", 10), 10);
    d->ops->rx(d);
    vdev_flush(d);
    assert_int_equal(used_idx(VCON_RXQ), 1);
    assert_int_equal(get32(used_at(VCON_RXQ) + 4), 1);
    assert_int_equal(get32(used_at(VCON_RXQ) + 8), 8);
    assert_memory_equal(g(DATA), "abcd", 4);
    assert_memory_equal(g(DATA + 0x10), "efgh", 4);
    assert_int_equal(t->f.irq_level, 1);
    assert_int_equal(d->ops->rx_fd(d), -1); /* no more buffers */
    /* The rest arrives in the next buffer, at its notification. */
    post(t, VCON_RXQ, 2);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_RXQ);
    assert_int_equal(used_idx(VCON_RXQ), 2);
    assert_int_equal(get32(used_at(VCON_RXQ) + 16), 2);
    assert_memory_equal(g(DATA + 0x10), "ij", 2);
    assert_false(needs_reset(t));
}

static void test_reset(void **state)
{
    struct t *t = *state;
    char out[16];

    handshake(t);
    set_desc(VCON_TXQ, 0, DATA, 2, 0, 0);
    memcpy(g(DATA), "ok", 2);
    post(t, VCON_TXQ, 0);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_int_equal(t->f.irq_level, 1);
    wr(t, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(rd(t, VIRTIO_MMIO_STATUS), 0);
    assert_int_equal(rd(t, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    assert_int_equal(t->f.irq_level, 0);
    wr(t, VIRTIO_MMIO_QUEUE_SEL, VCON_TXQ);
    assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_READY), 0);
    /* A new driver starts from index 0 again. */
    memset(g(used_at(VCON_TXQ)), 0, 0x100);
    memset(g(avail_at(VCON_TXQ)), 0, 0x100);
    handshake(t);
    post(t, VCON_TXQ, 0);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_int_equal(used_idx(VCON_TXQ), 1);
    assert_int_equal(host_out(t, out, sizeof(out)), 4);
}

/* After a hostile act: NEEDS_RESET, a configuration interrupt, and no more queue work. */
static void assert_failed(struct t *t, enum vq_err why)
{
    assert_true(needs_reset(t));
    assert_int_equal(vm(t)->last_err, why);
    assert_int_equal(rd(t, VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG, VIRTIO_INT_CONFIG);
    assert_int_equal(rd(t, VIRTIO_MMIO_CONFIG_GENERATION), 1);
    assert_int_equal(t->f.irq_level, 1);
    assert_false(virtio_mmio_queue_live(vm(t), VCON_TXQ));
}

/* One TX chain from a hostile descriptor table: the notification must fail with @why and
 * nothing may reach the host. */
static void tx_hostile(struct t *t, enum vq_err why)
{
    char out[16];

    maps = 0;
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_failed(t, why);
    assert_int_equal(used_idx(VCON_TXQ), 0);
    assert_int_equal(host_out(t, out, sizeof(out)), 0);
    /* Bounded: at most the queue's size in descriptors, each a handful of maps. */
    assert_in_range(maps, 1, 4 * NUM + 8);
    /* Further notifications do nothing. */
    maps = 0;
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_int_equal(maps, 0);
}

static void test_hostile_loop(void **state)
{
    struct t *t = *state;

    handshake(t);
    set_desc(VCON_TXQ, 0, DATA, 1, VIRTQ_DESC_F_NEXT, 1);
    set_desc(VCON_TXQ, 1, DATA, 1, VIRTQ_DESC_F_NEXT, 0);
    post(t, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_LOOP);
}

static void test_hostile_self_loop(void **state)
{
    struct t *t = *state;

    handshake(t);
    set_desc(VCON_TXQ, 4, DATA, 1, VIRTQ_DESC_F_NEXT, 4);
    post(t, VCON_TXQ, 4);
    tx_hostile(t, VQ_ERR_LOOP);
}

static void test_hostile_long_chain(void **state)
{
    struct t *t = *state;

    /* Every descriptor of a queue of 8, then back to the first: 9 > queue size. */
    handshake(t);
    for (unsigned i = 0; i < NUM; i++)
        set_desc(VCON_TXQ, i, DATA, 1, VIRTQ_DESC_F_NEXT, (uint16_t)((i + 1) % NUM));
    post(t, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_LOOP);
}

static void test_hostile_index(void **state)
{
    struct t *t = *state;

    handshake(t);
    post(t, VCON_TXQ, NUM); /* head out of range */
    tx_hostile(t, VQ_ERR_INDEX);
    handshake(t);
    vm(t)->config_gen = 0;
    set_desc(VCON_TXQ, 0, DATA, 1, VIRTQ_DESC_F_NEXT, 0xffff); /* next out of range */
    post(t, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_INDEX);
}

static void test_hostile_outside_ram(void **state)
{
    static const struct {
        uint64_t addr;
        uint32_t len;
    } bad[] = {
        {0x1000, 4},                     /* below RAM */
        {RAM_BASE + RAM_SIZE - 4, 8},    /* straddles its end */
        {RAM_BASE + RAM_SIZE, 1},        /* just after */
        {0xfffffffffffff000ull, 0x2000}, /* addr + len wraps */
        {UINT64_MAX, 2},                 /* wraps by one */
    };
    struct t *t = *state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        handshake(t);
        vm(t)->config_gen = 0;
        set_desc(VCON_TXQ, 0, bad[i].addr, bad[i].len, 0, 0);
        post(t, VCON_TXQ, 0);
        tx_hostile(t, VQ_ERR_MEM);
    }
}

static void test_hostile_avail_jump(void **state)
{
    struct t *t = *state;

    handshake(t);
    set_desc(VCON_TXQ, 0, DATA, 1, 0, 0);
    put16(avail_at(VCON_TXQ) + 2, NUM + 1);
    tx_hostile(t, VQ_ERR_AVAIL);
    /* Going backwards is a jump of almost 65536. */
    handshake(t);
    vm(t)->config_gen = 0;
    post(t, VCON_TXQ, 0);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_int_equal(used_idx(VCON_TXQ), 1);
    put16(avail_at(VCON_TXQ) + 2, 0);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_failed(t, VQ_ERR_AVAIL);
}

static void test_hostile_flags(void **state)
{
    struct t *t = *state;

    handshake(t);
    set_desc(VCON_TXQ, 0, DATA, 16, VIRTQ_DESC_F_INDIRECT, 0); /* not offered */
    post(t, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_FLAGS);
    handshake(t);
    vm(t)->config_gen = 0;
    set_desc(VCON_TXQ, 0, DATA, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    set_desc(VCON_TXQ, 1, DATA, 1, 0, 0); /* readable after writable */
    post(t, VCON_TXQ, 0);
    tx_hostile(t, VQ_ERR_FLAGS);
}

static void test_hostile_queue_num(void **state)
{
    static const uint32_t bad[] = {0, 6, 255, 512, 0x80000000u};
    struct t *t = *state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        features_ok(t);
        wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
        wr(t, VIRTIO_MMIO_QUEUE_NUM, bad[i]);
        wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
        assert_int_equal(rd(t, VIRTIO_MMIO_QUEUE_READY), 0);
        assert_true(needs_reset(t));
        assert_int_equal(vm(t)->last_err, VQ_ERR_SETUP);
    }
    /* Misaligned rings, rings outside RAM. */
    features_ok(t);
    wr(t, VIRTIO_MMIO_QUEUE_NUM, NUM);
    wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)RAM_BASE + 8);
    wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_true(needs_reset(t));
    features_ok(t);
    wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)RAM_BASE);
    wr(t, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, 1);
    wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_true(needs_reset(t));
}

static void test_hostile_order(void **state)
{
    struct t *t = *state;

    /* Notify of a queue that is not ready, or does not exist. */
    features_ok(t);
    wr(t, VIRTIO_MMIO_STATUS, 0xf);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_failed(t, VQ_ERR_INDEX);
    handshake(t);
    vm(t)->config_gen = 0;
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, 7);
    assert_failed(t, VQ_ERR_INDEX);
    /* Changing a live queue. */
    handshake(t);
    vm(t)->config_gen = 0;
    wr(t, VIRTIO_MMIO_QUEUE_SEL, 0);
    wr(t, VIRTIO_MMIO_QUEUE_NUM, 4);
    assert_failed(t, VQ_ERR_SETUP);
    /* Clearing a status bit; DRIVER_OK without FEATURES_OK; a queue before FEATURES_OK. */
    handshake(t);
    wr(t, VIRTIO_MMIO_STATUS, 0x7);
    assert_true(needs_reset(t));
    wr(t, VIRTIO_MMIO_STATUS, 0);
    wr(t, VIRTIO_MMIO_STATUS, 0x7);
    assert_true(needs_reset(t));
    assert_false(rd(t, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DRIVER_OK);
    wr(t, VIRTIO_MMIO_STATUS, 0);
    wr(t, VIRTIO_MMIO_STATUS, 3);
    wr(t, VIRTIO_MMIO_QUEUE_NUM, NUM);
    wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
    assert_true(needs_reset(t));
    /* Reset always recovers. */
    handshake(t);
    assert_false(needs_reset(t));
}

/* Buffers posted before DRIVER_OK are used once it is set, not before (§3.1.1). */
static void test_before_driver_ok(void **state)
{
    struct t *t = *state;
    char out[8];

    features_ok(t);
    setup_queue(t, VCON_RXQ, NUM);
    setup_queue(t, VCON_TXQ, NUM);
    set_desc(VCON_TXQ, 0, DATA, 2, 0, 0);
    memcpy(g(DATA), "hi", 2);
    post(t, VCON_TXQ, 0);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_int_equal(used_idx(VCON_TXQ), 0);
    wr(t, VIRTIO_MMIO_STATUS, 0xf);
    assert_int_equal(used_idx(VCON_TXQ), 1);
    assert_int_equal(host_out(t, out, sizeof(out)), 2);
    assert_false(needs_reset(t));
}

/* Cost bounds: chains naming far more bytes than the cap, and chains sharing descriptors. */
static void test_bounds(void **state)
{
    struct t *t = *state;
    static char out[2 * VCON_TX_MAX_BYTES];
    size_t n = 0, r;

    handshake(t);
    for (unsigned i = 0; i < NUM; i++)
        set_desc(VCON_TXQ, i, RAM_BASE, RAM_SIZE, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0,
                 (uint16_t)(i + 1));
    post(t, VCON_TXQ, 0);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    while ((r = host_out(t, out + n, sizeof(out) - n)) > 0)
        n += r;
    assert_int_equal(n, VCON_TX_MAX_BYTES); /* 8 x 64 KiB named, 64 KiB copied */
    assert_int_equal(used_idx(VCON_TXQ), 1);
    /* Eight chains all naming the same 8 descriptors: one per notification (the budget is
     * the queue size), the rest stays pending, no error. */
    for (unsigned i = 0; i < NUM; i++)
        set_desc(VCON_TXQ, i, DATA, 1, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
    for (unsigned i = 0; i < NUM - 1; i++)
        post(t, VCON_TXQ, 0);
    maps = 0;
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
    assert_int_equal(used_idx(VCON_TXQ), 2);
    assert_true(maps <= 4 * NUM + 8);
    assert_false(needs_reset(t));
}

/* A guest that writes random values to every register and random bytes to its RAM: no
 * crash (the sanitizer build runs this too); afterwards a reset and a handshake work. */
static void test_garbage(void **state)
{
    struct t *t = *state;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    char out[4096];

    for (unsigned round = 0; round < 20000; round++) {
        uint32_t off, v;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        off = (uint32_t)(x % VIRTIO_MMIO_LEN) & ~3u;
        v = (uint32_t)(x >> 32);
        if (round % 7 == 0)
            v = (uint32_t)(RAM_BASE + (v % RAM_SIZE)); /* addresses that are sometimes good */
        else if (round % 5 == 0)
            v &= 0x1ff;
        if (round % 3 == 0)
            ram[(x >> 20) % RAM_SIZE] = (uint8_t)x;
        if (x & 1)
            (void)rd(t, off);
        else
            wr(t, off, v);
        while (host_out(t, out, sizeof(out)))
            ;
    }
    /* A narrow read at a register's low byte reads that byte. */
    assert_int_equal(vdev_fake_io(&t->f, VDEV_IOREQ_COPY, B, 1, true, 0, NULL), 0x76);
    memset(ram, 0, sizeof(ram));
    handshake(t);
    assert_false(needs_reset(t));
}

static void test_no_memory(void **state)
{
    struct t *t = *state;

    virtio_mmio_set_mem(&t->f.dev[0], NULL);
    features_ok(t);
    wr(t, VIRTIO_MMIO_QUEUE_SEL, 1);
    wr(t, VIRTIO_MMIO_QUEUE_NUM, NUM);
    wr(t, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc_at(1));
    wr(t, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail_at(1));
    wr(t, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used_at(1));
    wr(t, VIRTIO_MMIO_QUEUE_READY, 1);
    wr(t, VIRTIO_MMIO_STATUS, 0xf);
    wr(t, VIRTIO_MMIO_QUEUE_NOTIFY, VCON_TXQ);
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
