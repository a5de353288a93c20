/* SPDX-License-Identifier: LGPL-2.1-only */
/* A hostile virtio driver (issue 16, acceptance 3): a bare-metal aarch64 guest that drives
 * the virtio-mmio (v2) console qvm-xl-backend serves at VIRTIO_BASE (fixed at build time,
 * default 0x1c0b0000; its RAM is RAM_BASE+RAM_SIZE, default 0x40000000+128 MiB, what the
 * e2e case's qvmconf gives it). It runs ROUNDS deterministic pseudo-random rounds
 * (xorshift, seed SEED), each:
 *   1. "R<n> <kind>": reset, the legal init (ACKNOWLEDGE, DRIVER, VERSION_1, FEATURES_OK,
 *      both queues in its own RAM, DRIVER_OK) and one hostile step of <kind> (the table
 *      kinds[]: descriptor loops, chains longer than the queue, addresses outside RAM, in
 *      MMIO or at 2^64-len, wrapping lengths, avail index jumps, bad queue sizes and ring
 *      addresses, garbage in every register with every width, bad notifies, ...);
 *   2. the device must still answer (MagicValue, Version, DeviceID), and set
 *      DEVICE_NEEDS_RESET (0x40) in Status where the kind is an error a device must see;
 *   3. reset, legal init again and a legal transmit of "HOSTILE-ROUND-<n>-OK", which must
 *      come back in the used ring without NEEDS_RESET (and reaches the backend's hostdev).
 * Then it prints
 *   QXHOSTILE rounds=N needs_reset=M responsive=K legal=L expected=E missed=X checked=C/D ms=T
 *             mmio=A
 * (expected: rounds whose kind must set NEEDS_RESET, missed: of those that did not; checked:
 * rounds whose kind checks a legal edge case, C of D right; mmio: its register accesses,
 * each a trap the backend serves), leaves the device broken (needs reset, DRIVER_OK) for
 * IDLE_SECS so that dom0 can see the backend idle, prints "QXHOSTILE end" and powers off.
 * Built with -DCALM it is the well-behaved neighbour instead: legal transmits of
 * "CALM-ROUND-<n>-OK", each after a reset and full init, CALM_GAP_MS apart, until it is
 * destroyed, and after every CALM_REPORT of them
 *   QXCALM rounds=N ok=M ms=T mmio=A
 * MMU off: guest RAM is Device memory too, so everything is accessed aligned; registers are
 * accessed with single ldr/str instructions Xen can decode (no writeback, no pairs). */
#include "tests/e2e/guest-standin/bare.h"

#ifndef VIRTIO_BASE
#define VIRTIO_BASE 0x1c0b0000ull
#endif
#ifndef RAM_BASE
#define RAM_BASE 0x40000000ull
#endif
#ifndef RAM_SIZE
#define RAM_SIZE 0x8000000ull
#endif
#ifndef ROUNDS
#define ROUNDS 150
#endif
#ifndef SEED
#define SEED 0x5eed16c0ffee0003ull
#endif
#ifndef IDLE_SECS
#define IDLE_SECS 6
#endif
#ifndef CALM_REPORT
#define CALM_REPORT 25
#endif
#ifndef CALM_GAP_MS
#define CALM_GAP_MS 100
#endif
#define RAM_END (RAM_BASE + RAM_SIZE)

/* virtio-mmio registers (virtio 1.2 §4.2.2) and status bits (§2.1). */
#define MAGIC_VALUE      0x000
#define VERSION          0x004
#define DEVICE_ID        0x008
#define DEV_FEATURES     0x010
#define DEV_FEATURES_SEL 0x014
#define DRV_FEATURES     0x020
#define DRV_FEATURES_SEL 0x024
#define QUEUE_SEL        0x030
#define QUEUE_NUM_MAX    0x034
#define QUEUE_NUM        0x038
#define QUEUE_READY      0x044
#define QUEUE_NOTIFY     0x050
#define INT_STATUS       0x060
#define INT_ACK          0x064
#define STATUS           0x070
#define QUEUE_DESC_LO    0x080
#define QUEUE_DESC_HI    0x084
#define QUEUE_DRIVER_LO  0x090
#define QUEUE_DRIVER_HI  0x094
#define QUEUE_DEVICE_LO  0x0a0
#define QUEUE_DEVICE_HI  0x0a4
#define REG_SPAN         0x200
#define MAGIC            0x74726976u
#define CONSOLE_ID       3u

#define S_ACK         0x01u
#define S_DRIVER      0x02u
#define S_DRIVER_OK   0x04u
#define S_FEATURES_OK 0x08u
#define S_NEEDS_RESET 0x40u

#define F_NEXT     1u
#define F_WRITE    2u
#define F_INDIRECT 4u

#define RXQ  0u /* the console's receiveq */
#define TXQ  1u /* and transmitq */
#define QMAX 256u

/* --- registers ---------------------------------------------------------------------------- */
static uint64_t mmio_count; /* register accesses: what the backend had to serve */

static void wr(unsigned width, uint64_t off, uint64_t v)
{
    mmio_count++;
    bare_mmio_write(VIRTIO_BASE + off, width, v);
}

static uint64_t rd(unsigned width, uint64_t off)
{
    mmio_count++;
    return bare_mmio_read(VIRTIO_BASE + off, width);
}

static void w32(uint64_t off, uint32_t v)
{
    wr(4, off, v);
}

static uint32_t r32(uint64_t off)
{
    return (uint32_t)rd(4, off);
}

/* --- rings in our RAM --------------------------------------------------------------------- */
struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

struct vring {
    struct desc desc[QMAX];
    struct {
        uint16_t flags, idx, ring[QMAX], used_event;
    } avail;
    uint16_t pad;
    struct {
        uint16_t flags, idx;
        struct {
            uint32_t id, len;
        } ring[QMAX];
        uint16_t avail_event;
    } used;
};

static volatile struct vring vr[2] __attribute__((aligned(4096)));
static volatile char data[QMAX][64] __attribute__((aligned(16)));

struct queue_cfg {
    uint32_t num;
    uint64_t desc, avail, used;
};

static unsigned qnum[2];      /* sizes in use */
static uint16_t avail_idx[2]; /* our next avail index */

static unsigned cur_round; /* for messages */

static uint64_t addr_of(volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}

static struct queue_cfg legal_cfg(unsigned q, uint32_t num)
{
    return (struct queue_cfg){num, addr_of(vr[q].desc), addr_of(&vr[q].avail),
                              addr_of(&vr[q].used)};
}

/* --- the driver side, done right ---------------------------------------------------------- */
static void reset(void)
{
    w32(STATUS, 0);
    for (unsigned q = 0; q < 2; q++) {
        avail_idx[q] = 0;
        vr[q].avail.flags = 0;
        vr[q].avail.idx = 0;
        vr[q].used.flags = 0;
        vr[q].used.idx = 0;
    }
}

static void setup_queue(unsigned q, struct queue_cfg c)
{
    w32(QUEUE_SEL, q);
    w32(QUEUE_NUM, c.num);
    w32(QUEUE_DESC_LO, (uint32_t)c.desc);
    w32(QUEUE_DESC_HI, (uint32_t)(c.desc >> 32));
    w32(QUEUE_DRIVER_LO, (uint32_t)c.avail);
    w32(QUEUE_DRIVER_HI, (uint32_t)(c.avail >> 32));
    w32(QUEUE_DEVICE_LO, (uint32_t)c.used);
    w32(QUEUE_DEVICE_HI, (uint32_t)(c.used >> 32));
    w32(QUEUE_READY, 1);
    qnum[q] = c.num;
}

/* ACKNOWLEDGE, DRIVER, VERSION_1 only, FEATURES_OK (read back). 0 or -1. */
static int negotiate(void)
{
    w32(STATUS, S_ACK);
    w32(STATUS, S_ACK | S_DRIVER);
    w32(DEV_FEATURES_SEL, 1);
    if (!(r32(DEV_FEATURES) & 1))
        return -1;
    w32(DRV_FEATURES_SEL, 0);
    w32(DRV_FEATURES, 0);
    w32(DRV_FEATURES_SEL, 1);
    w32(DRV_FEATURES, 1);
    w32(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    return r32(STATUS) & S_FEATURES_OK ? 0 : -1;
}

static const uint32_t S_LIVE = S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK;

/* The legal init with both queues of @num entries, the rings in vr[]. 0 or -1. */
static int init_device(uint32_t num)
{
    reset();
    if (r32(STATUS) != 0 || negotiate())
        return -1;
    w32(QUEUE_SEL, TXQ);
    if (r32(QUEUE_NUM_MAX) < num)
        return -1;
    setup_queue(RXQ, legal_cfg(RXQ, num));
    setup_queue(TXQ, legal_cfg(TXQ, num));
    w32(STATUS, S_LIVE);
    return r32(STATUS) == S_LIVE ? 0 : -1;
}

static void set_desc(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    vr[q].desc[i].addr = addr;
    vr[q].desc[i].len = len;
    vr[q].desc[i].flags = flags;
    vr[q].desc[i].next = next;
}

/* Makes chain @head available on queue @q; @notify: and kicks the device. */
static void post(unsigned q, uint16_t head, int notify)
{
    vr[q].avail.ring[avail_idx[q] % qnum[q]] = head;
    bare_mb();
    vr[q].avail.idx = ++avail_idx[q];
    if (notify)
        w32(QUEUE_NOTIFY, q);
}

static unsigned copy_text(volatile char *dst, const char *s)
{
    unsigned n = 0;

    while (s[n]) {
        dst[n] = s[n];
        n++;
    }
    return n;
}

/* "<prefix><n><suffix>" into buf (at most 63 bytes). */
static unsigned format(char *buf, const char *prefix, uint64_t n, const char *suffix)
{
    char digits[21];
    unsigned len = 0, k = 0;

    do
        digits[k++] = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    while (*prefix && len < 40)
        buf[len++] = *prefix++;
    while (k)
        buf[len++] = digits[--k];
    while (*suffix && len < 62)
        buf[len++] = *suffix++;
    buf[len] = '\0';
    return len;
}

/* One legal transmit of text through slot 0 of the tx queue: 1 when the device gave the
 * buffer back (the transmit is synchronous with the notify) and needs no reset. */
static int legal_tx(const char *text)
{
    unsigned len = copy_text(data[0], text);
    uint16_t want = (uint16_t)(avail_idx[TXQ] + 1);

    set_desc(TXQ, 0, addr_of(data[0]), len, 0, 0);
    post(TXQ, 0, 1);
    return vr[TXQ].used.idx == want &&
           vr[TXQ].used.ring[(uint16_t)(want - 1) % qnum[TXQ]].id == 0 &&
           !(r32(STATUS) & S_NEEDS_RESET);
}

/* --- the run ------------------------------------------------------------------------------ */
/* Any exception (an MMIO access Xen gave back as an abort, say) ends the run, saying why. */
void hostile_trap(uint64_t esr, uint64_t far, uint64_t elr)
{
    bare_puts("\r\nQXHOSTILE exception esr=");
    bare_puthex(esr);
    bare_puts(" far=");
    bare_puthex(far);
    bare_puts(" elr=");
    bare_puthex(elr);
    bare_puts(" round=");
    bare_putdec(cur_round);
    bare_puts("\r\n");
    bare_poweroff();
}

static uint64_t ms_since(uint64_t t0)
{
    return (bare_ticks() - t0) * 1000 / bare_tick_hz();
}

static void line(const char *key, uint64_t v)
{
    bare_puts(key);
    bare_putdec(v);
}

static int responsive(void)
{
    return r32(MAGIC_VALUE) == MAGIC && r32(VERSION) == 2 && r32(DEVICE_ID) == CONSOLE_ID;
}

#ifndef CALM
/* --- pseudo-random numbers ---------------------------------------------------------------- */
static uint64_t rng = SEED;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint32_t rnd_pow2(unsigned lo_log2, unsigned hi_log2)
{
    return 1u << (lo_log2 + rnd() % (hi_log2 - lo_log2 + 1));
}

/* --- the hostile steps -------------------------------------------------------------------- */
enum expect {
    MUST_RESET, /* an error the device must see: NEEDS_RESET */
    ANY,        /* only: the device keeps answering */
    CHECKED,    /* the step checks a legal edge case itself (returns 1 when right) */
};

static uint32_t hostile_num(void)
{
    return rnd_pow2(1, 8); /* 2..256 */
}

/* A chain of readable one-byte buffers posted on the tx queue. */
static void tx_chain_posted(unsigned head)
{
    post(TXQ, (uint16_t)head, 1);
}

static int k_desc_loop(void)
{
    uint32_t num = hostile_num();
    unsigned a = rnd() % num, b = (a + 1 + rnd() % (num - 1)) % num;

    init_device(num);
    set_desc(TXQ, a, addr_of(data[1]), 8, F_NEXT, (uint16_t)b);
    set_desc(TXQ, b, addr_of(data[2]), 8, F_NEXT, (uint16_t)a);
    tx_chain_posted(a);
    return 0;
}

static int k_chain_longer_than_queue(void)
{
    uint32_t num = rnd_pow2(0, 8);
    unsigned head = rnd() % num;

    init_device(num);
    for (unsigned i = 0; i < num; i++)
        set_desc(TXQ, i, addr_of(data[i % QMAX]), 1, F_NEXT, (uint16_t)((i + 1) % num));
    tx_chain_posted(head);
    return 0;
}

/* The longest legal chain: num descriptors, one byte each, spelling "FULL-<n>-xxx..\n". */
static int k_full_length_chain(void)
{
    uint32_t num = rnd_pow2(5, 8); /* 32..256 */
    char marker[64];
    unsigned len = format(marker, "FULL-", cur_round, "-");

    init_device(num);
    for (unsigned i = 0; i < num; i++) {
        char c = i < len ? marker[i] : i == num - 1 ? '\n' : 'x';

        data[i][0] = c;
        set_desc(TXQ, i, addr_of(data[i]), 1, i == num - 1 ? 0 : F_NEXT, (uint16_t)(i + 1));
    }
    tx_chain_posted(0);
    return vr[TXQ].used.idx == 1 && !(r32(STATUS) & S_NEEDS_RESET);
}

/* One readable descriptor at @addr, @len bytes, posted on the tx queue. */
static void tx_one(uint64_t addr, uint32_t len)
{
    init_device(hostile_num());
    set_desc(TXQ, 0, addr, len, 0, 0);
    tx_chain_posted(0);
}

static int k_addr_below_ram(void)
{
    /* Below Xen's grant table and magic pages (0x38000000..0x3a000000). */
    tx_one((rnd() % 0x38000000u) & ~7ull, 1 + rnd() % 4096);
    return 0;
}

static int k_addr_mmio(void)
{
    static const uint64_t mmio[] = {VIRTIO_BASE, 0x22000000, 0x03001000, 0x1c0a0000,
                                    VIRTIO_BASE + 0x70};

    tx_one(mmio[rnd() % (sizeof(mmio) / sizeof(mmio[0]))], 4 + rnd() % 64);
    return 0;
}

static int k_addr_above_ram(void)
{
    tx_one(RAM_END + (rnd() % (1ull << 40)), 1 + rnd() % 4096);
    return 0;
}

static int k_addr_top(void)
{
    uint32_t len = 1 + rnd() % 4096;

    tx_one(0 - (uint64_t)len, len);
    return 0;
}

static int k_len_wraps(void)
{
    uint64_t back = 1 + rnd() % 4096;

    tx_one(0 - back, (uint32_t)(back + 1 + rnd() % (0xffffffffu - 4097))); /* wraps 2^64 */
    return 0;
}

static int k_len_past_ram_end(void)
{
    uint64_t before = 1 + rnd() % 4096;

    tx_one(RAM_END - before, (uint32_t)(before + 1 + rnd() % 4096));
    return 0;
}

/* In RAM, but 2 GiB long: the device may read a bounded prefix or refuse (only ram= ranges
 * say where RAM ends). */
static int k_len_huge(void)
{
    tx_one(addr_of(data[0]), 0x7fffffff);
    return 0;
}

static int k_avail_jump(void)
{
    uint32_t num = hostile_num();

    init_device(num);
    set_desc(TXQ, 0, addr_of(data[0]), 1, 0, 0);
    vr[TXQ].avail.ring[0] = 0;
    avail_idx[TXQ] = (uint16_t)(num + 1 + rnd() % (65535 - 2 * num));
    vr[TXQ].avail.idx = avail_idx[TXQ];
    w32(QUEUE_NOTIFY, TXQ);
    return 0;
}

/* One legal transmit, then the index goes back below what the device consumed. */
static int k_avail_backwards(void)
{
    char text[64];

    init_device(hostile_num());
    format(text, "PRE-", cur_round, "\n");
    legal_tx(text);
    vr[TXQ].avail.idx = (uint16_t)(avail_idx[TXQ] - 1 - rnd() % 3);
    w32(QUEUE_NOTIFY, TXQ);
    return 0;
}

static int k_head_out_of_range(void)
{
    uint32_t num = hostile_num();

    init_device(num);
    tx_chain_posted(num + rnd() % (65536 - num));
    return 0;
}

static int k_next_out_of_range(void)
{
    uint32_t num = hostile_num();

    init_device(num);
    set_desc(TXQ, 0, addr_of(data[0]), 1, F_NEXT, (uint16_t)(num + rnd() % (65536 - num)));
    tx_chain_posted(0);
    return 0;
}

static int k_indirect(void)
{
    init_device(hostile_num());
    set_desc(TXQ, 1, addr_of(data[0]), 1, 0, 0);
    set_desc(TXQ, 0, addr_of(&vr[TXQ].desc[1]), 16, F_INDIRECT, 0);
    tx_chain_posted(0);
    return 0;
}

static int k_writable_before_readable(void)
{
    init_device(hostile_num());
    set_desc(TXQ, 0, addr_of(data[0]), 8, F_WRITE | F_NEXT, 1);
    set_desc(TXQ, 1, addr_of(data[1]), 8, 0, 0);
    tx_chain_posted(0);
    return 0;
}

static int k_rx_loop(void)
{
    uint32_t num = hostile_num();

    init_device(num);
    set_desc(RXQ, 0, addr_of(data[0]), 8, F_WRITE | F_NEXT, 1);
    set_desc(RXQ, 1, addr_of(data[1]), 8, F_WRITE | F_NEXT, 0);
    post(RXQ, 0, 1);
    return 0;
}

/* Queue set-up with one thing wrong, then (when the device took it) a transmit. */
static int bad_queue(struct queue_cfg c)
{
    reset();
    negotiate();
    setup_queue(RXQ, legal_cfg(RXQ, 8));
    setup_queue(TXQ, c);
    w32(STATUS, S_LIVE);
    if (!c.num || c.num > QMAX)
        qnum[TXQ] = 1; /* what post() indexes with */
    set_desc(TXQ, 0, addr_of(data[0]), 1, 0, 0);
    tx_chain_posted(0);
    return 0;
}

static int k_queue_num_zero(void)
{
    return bad_queue(legal_cfg(TXQ, 0));
}

static int k_queue_num_bad(void)
{
    static const uint32_t nums[] = {QMAX * 2, 3, 0xffffffffu, QMAX + 1, 65536, 96};

    return bad_queue(legal_cfg(TXQ, nums[rnd() % (sizeof(nums) / sizeof(nums[0]))]));
}

static int k_ring_unaligned(void)
{
    struct queue_cfg c = legal_cfg(TXQ, 8);

    switch (rnd() % 3) {
    case 0:
        c.desc += 8;
        break;
    case 1:
        c.avail += 1;
        break;
    default:
        c.used += 2;
        break;
    }
    return bad_queue(c);
}

static int k_ring_outside_ram(void)
{
    const uint64_t where[] = {0x10000000, VIRTIO_BASE, RAM_END, 0xfffffffffffff000ull,
                              RAM_END - 16};
    struct queue_cfg c = legal_cfg(TXQ, 8);
    uint64_t w = where[rnd() % (sizeof(where) / sizeof(where[0]))];

    switch (rnd() % 3) {
    case 0:
        c.desc = w;
        break;
    case 1:
        c.avail = w;
        break;
    default:
        c.used = w;
        break;
    }
    return bad_queue(c);
}

static int k_notify_bad_queue(void)
{
    init_device(hostile_num());
    w32(QUEUE_NOTIFY, rnd() % 2 ? 0xffffffffu : 2 + (uint32_t)(rnd() % 1000));
    return 0;
}

static int k_queue_reg_while_live(void)
{
    static const uint64_t regs[] = {QUEUE_NUM, QUEUE_DESC_LO, QUEUE_DRIVER_HI, QUEUE_DEVICE_LO};

    init_device(hostile_num());
    w32(QUEUE_SEL, TXQ);
    w32(regs[rnd() % 4], (uint32_t)rnd());
    return 0;
}

static int k_status_bit_cleared(void)
{
    init_device(hostile_num());
    w32(STATUS, S_LIVE & ~(rnd() % 2 ? S_ACK : S_FEATURES_OK));
    return 0;
}

static int k_driver_ok_early(void)
{
    reset();
    w32(STATUS, S_ACK);
    w32(STATUS, S_ACK | S_DRIVER);
    w32(STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
    return 0;
}

static int k_queue_before_features_ok(void)
{
    reset();
    w32(STATUS, S_ACK);
    w32(STATUS, S_ACK | S_DRIVER);
    setup_queue(TXQ, legal_cfg(TXQ, 8));
    return 0;
}

/* Features the device did not offer: FEATURES_OK must not stick (§3.1.1). */
static int k_features_unoffered(void)
{
    reset();
    w32(STATUS, S_ACK);
    w32(STATUS, S_ACK | S_DRIVER);
    w32(DRV_FEATURES_SEL, 0);
    w32(DRV_FEATURES, (uint32_t)rnd() | 1);
    w32(DRV_FEATURES_SEL, 1);
    w32(DRV_FEATURES, 1 | 0x80000000u);
    w32(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    return !(r32(STATUS) & S_FEATURES_OK);
}

/* Every offset of the register window once, with a random width (aligned: Device memory)
 * and a random read or write of a random value; live queues first. */
static int k_register_garbage(void)
{
    init_device(hostile_num());
    for (uint64_t off = 0; off < REG_SPAN;) {
        unsigned width = 1u << (rnd() % 4);

        if (off % width)
            width = 1;
        if (rnd() % 3)
            wr(width, off, rnd());
        else
            (void)rd(width, off);
        off += width;
    }
    return 0;
}

/* Legal but unusual: the driver scribbles on the used ring (the device keeps its own index),
 * then transmits. */
static int k_used_idx_scribble(void)
{
    char text[64];

    init_device(hostile_num());
    vr[TXQ].used.idx = (uint16_t)rnd();
    vr[TXQ].used.ring[0].id = (uint32_t)rnd();
    format(text, "SCRIBBLE-", cur_round, "\n");
    return legal_tx(text);
}

/* Legal: buffers made available before DRIVER_OK are consumed once it is set. */
static int k_kick_before_driver_ok(void)
{
    char text[64];
    unsigned len = format(text, "EARLY-", cur_round, "\n");

    reset();
    negotiate();
    setup_queue(RXQ, legal_cfg(RXQ, 8));
    setup_queue(TXQ, legal_cfg(TXQ, 8));
    copy_text(data[0], text);
    set_desc(TXQ, 0, addr_of(data[0]), len, 0, 0);
    post(TXQ, 0, 1);
    if (vr[TXQ].used.idx != 0)
        return 0; /* consumed before DRIVER_OK */
    w32(STATUS, S_LIVE);
    return vr[TXQ].used.idx == 1 && r32(STATUS) == S_LIVE;
}

/* Grant table and magic pages (console, xenstore) of Xen's ARM guest layout: not RAM. */
static int k_addr_xen_pages(void)
{
    tx_one(rnd() % 2 ? 0x38000000 : 0x39000000 + (rnd() % 4) * 4096, 64);
    return 0;
}

static const struct kind {
    const char *name;
    enum expect expect;
    int (*run)(void);
} kinds[] = {
    {"desc-loop", MUST_RESET, k_desc_loop},
    {"chain-longer-than-queue", MUST_RESET, k_chain_longer_than_queue},
    {"full-length-chain", CHECKED, k_full_length_chain},
    {"addr-below-ram", MUST_RESET, k_addr_below_ram},
    {"addr-mmio", MUST_RESET, k_addr_mmio},
    {"addr-above-ram", MUST_RESET, k_addr_above_ram},
    {"addr-2^64-len", MUST_RESET, k_addr_top},
    {"len-wraps", MUST_RESET, k_len_wraps},
    {"len-past-ram-end", MUST_RESET, k_len_past_ram_end},
    {"len-2GiB-in-ram", ANY, k_len_huge},
    {"avail-idx-jump", MUST_RESET, k_avail_jump},
    {"avail-idx-backwards", MUST_RESET, k_avail_backwards},
    {"head-out-of-range", MUST_RESET, k_head_out_of_range},
    {"next-out-of-range", MUST_RESET, k_next_out_of_range},
    {"indirect", MUST_RESET, k_indirect},
    {"writable-before-readable", MUST_RESET, k_writable_before_readable},
    {"rx-loop", MUST_RESET, k_rx_loop},
    {"queue-num-0", MUST_RESET, k_queue_num_zero},
    {"queue-num-bad", MUST_RESET, k_queue_num_bad},
    {"ring-unaligned", MUST_RESET, k_ring_unaligned},
    {"ring-outside-ram", MUST_RESET, k_ring_outside_ram},
    {"notify-bad-queue", MUST_RESET, k_notify_bad_queue},
    {"queue-reg-while-live", MUST_RESET, k_queue_reg_while_live},
    {"status-bit-cleared", MUST_RESET, k_status_bit_cleared},
    {"driver-ok-early", MUST_RESET, k_driver_ok_early},
    {"queue-before-features-ok", MUST_RESET, k_queue_before_features_ok},
    {"features-unoffered", CHECKED, k_features_unoffered},
    {"register-garbage", ANY, k_register_garbage},
    {"used-idx-scribble", CHECKED, k_used_idx_scribble},
    {"kick-before-driver-ok", CHECKED, k_kick_before_driver_ok},
    {"addr-xen-pages", ANY, k_addr_xen_pages},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

struct tally {
    unsigned needs_reset, responsive, legal, expected, missed, checked, checked_ok;
};

static void hostile_round(unsigned n, struct tally *t)
{
    const struct kind *k = &kinds[n < NKINDS ? n : rnd() % NKINDS];
    char text[64];
    uint32_t st;
    int r;

    cur_round = n;
    line("R", n);
    bare_puts(" ");
    bare_puts(k->name);
    bare_puts("\r\n");
    r = k->run();
    st = r32(STATUS);
    t->responsive += responsive();
    t->needs_reset += !!(st & S_NEEDS_RESET);
    if (k->expect == MUST_RESET) {
        t->expected++;
        if (!(st & S_NEEDS_RESET)) {
            t->missed++;
            line("QXHOSTILE missed round=", n);
            bare_puts(" kind=");
            bare_puts(k->name);
            bare_puts(" status=");
            bare_puthex(st);
            bare_puts("\r\n");
        }
    } else if (k->expect == CHECKED) {
        t->checked++;
        t->checked_ok += r == 1;
        if (r != 1) {
            line("QXHOSTILE wrong round=", n);
            bare_puts(" kind=");
            bare_puts(k->name);
            bare_puts(" status=");
            bare_puthex(st);
            bare_puts("\r\n");
        }
    }
    /* Reset, and the device must work again. */
    format(text, "HOSTILE-ROUND-", n, "-OK\n");
    if (init_device(rnd_pow2(0, 8)) == 0 && legal_tx(text)) {
        t->legal++;
    } else {
        line("QXHOSTILE legal-failed round=", n);
        bare_puts(" status=");
        bare_puthex(r32(STATUS));
        bare_puts("\r\n");
    }
}

void standin_main(const uint8_t *dtb, uint64_t pc)
{
    struct tally t = {0};
    uint64_t t0, idle;

    (void)dtb, (void)pc;
    bare_catch(hostile_trap);
    bare_puts("QXHOSTILE start base=");
    bare_puthex(VIRTIO_BASE);
    line(" rounds=", ROUNDS);
    line(" kinds=", NKINDS);
    bare_puts("\r\n");
    if (!responsive()) {
        bare_puts("QXHOSTILE no virtio console at the base\r\n");
        return;
    }
    t0 = bare_ticks();
    for (unsigned n = 0; n < ROUNDS; n++)
        hostile_round(n, &t);
    line("QXHOSTILE rounds=", ROUNDS);
    line(" needs_reset=", t.needs_reset);
    line(" responsive=", t.responsive);
    line(" legal=", t.legal);
    line(" expected=", t.expected);
    line(" missed=", t.missed);
    line(" checked=", t.checked_ok);
    line("/", t.checked);
    line(" ms=", ms_since(t0));
    line(" mmio=", mmio_count);
    bare_puts("\r\n");
    /* The device left broken (needs reset, DRIVER_OK, a bogus avail index): its backend
     * must sit idle meanwhile. */
    k_avail_jump();
    line("QXHOSTILE idle secs=", IDLE_SECS);
    bare_puts(" status=");
    bare_puthex(r32(STATUS));
    bare_puts("\r\n");
    idle = bare_ticks();
    while (ms_since(idle) < IDLE_SECS * 1000ull)
        ;
    bare_puts("QXHOSTILE end\r\n");
}
#else
void standin_main(const uint8_t *dtb, uint64_t pc)
{
    uint64_t ok = 0, t0;
    char text[64];

    (void)dtb, (void)pc;
    bare_catch(hostile_trap);
    bare_puts("QXCALM start\r\n");
    t0 = bare_ticks();
    for (unsigned n = 0;; n++) {
        uint64_t gap = bare_ticks();

        cur_round = n;
        format(text, "CALM-ROUND-", n, "-OK\n");
        if (responsive() && init_device(8) == 0 && legal_tx(text))
            ok++;
        else {
            line("QXCALM failed round=", n);
            bare_puts("\r\n");
        }
        if ((n + 1) % CALM_REPORT == 0) {
            line("QXCALM rounds=", n + 1);
            line(" ok=", ok);
            line(" ms=", ms_since(t0));
            line(" mmio=", mmio_count);
            bare_puts("\r\n");
        }
        while (ms_since(gap) < CALM_GAP_MS)
            ;
    }
}
#endif
