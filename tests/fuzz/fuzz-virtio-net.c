/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: a hostile guest driving virtio-net over virtio-mmio
 * (vdev-backends/virtio-net.c, virtio-mmio.c, virtqueue.c) whose TAP is one end of a
 * SOCK_SEQPACKET socketpair (frame boundaries kept); the target holds the other end, the
 * wire. The input is a header byte (bit 0: do a correct handshake first, bits 1-3: its queue
 * size 1 << n) and 8-byte records: register reads and writes of 1, 2 or 4 bytes at any offset
 * (the configuration space included, where narrow reads are legal), pokes into guest RAM
 * (rings included), crafted descriptors, well-formed transmit chains split in various ways,
 * bulk transmit chains around the largest frame, chains as long as the descriptor table,
 * posted receive buffers, frames of 1 byte to 2 KiB from the wire followed by the device's rx()
 * (as the event loop calls it, or spuriously), notifications, interrupt acks, a page of RAM
 * the mapper starts refusing, and handshakes (rings fresh or as they are) with queue sizes up
 * to 256. After each record the wire is drained. Properties:
 * - no crash, no sanitizer report (the fuzz build has ASan and UBSan);
 * - every guest-memory access is inside guest RAM (ram= is exactly it) and one page;
 * - every operation costs a bounded number of map calls;
 * - the configuration space always reads back the MAC and the link status, and the
 *   identification registers their values; a refused access reads all ones;
 * - every frame on the wire is at most VNET_FRAME_MAX bytes;
 * - rx_fd() is the TAP or -1, and an rx() it asked for makes progress (the event loop never
 *   spins);
 * - afterwards a reset and a correct handshake always bring the device back: a correct
 *   transmit chain comes out intact on the wire, and a frame from the wire arrives whole in
 *   the posted receive buffers, behind the header the spec asks for. */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vdev-backends/vdev-fake.h"
#include "vdev-backends/virtio-mmio.h"
#include "vdev-backends/virtio-net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define B        0xa000000ull
#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x8000u
#define SPEC     "virtio-net,mem=0xa000000,spi=40,ram=0x40000000:0x8000,mac=52:54:00:12:34:56,tap=fz0"
#define DESC(q)  (RAM_BASE + (q)*0x1000u)          /* 256 descriptors each */
#define AVAIL(q) (RAM_BASE + 0x2000u + (q)*0x400u) /* 6 + 2 x 256 */
#define USED(q)  (RAM_BASE + 0x2800u + (q)*0x800u) /* 6 + 8 x 256 */
#define DATA     (RAM_BASE + 0x3800u)              /* the rest (18 KiB): headers, frames */
#define TXBUF    (RAM_BASE + 0x3900u)              /* a frame to send; its header just before */
#define RXBUF(s) (RAM_BASE + 0x5000u + (s)*0xa00u) /* 4 receive buffers, 12 + 2048 fit */
#define RX_MAX   2048u                             /* the largest frame the wire sends */
/* Per operation (a DRIVER_OK write runs both queues): per queue at most VQ_MAX_SIZE
 * descriptors walked, a map each plus their data in page pieces (a descriptor covers at most
 * RAM_SIZE, 9 pieces; a transmit chain reads at most VNET_HDR_LEN + VNET_FRAME_MAX, else
 * nothing), and per chain a handful of ring accesses: 2 x 256 x (1 + 9 + 6) = 8192 at worst.
 * What must never happen is work in proportion to guest-chosen lengths beyond that, or to
 * chains times queue size. */
#define MAX_MAPS_PER_OP 8192u

static const uint8_t config[VNET_CONFIG_LEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 1, 0};

static uint8_t ram[RAM_SIZE];
static unsigned maps;
static unsigned hole; /* 0, or 1 + the page of RAM the mapper refuses */

static void *fuzz_map(void *opaque, uint64_t gpa, size_t len, bool write)
{
    (void)opaque;
    (void)write;
    maps++;
    if (len == 0 || gpa / VQ_PAGE_SIZE != (gpa + len - 1) / VQ_PAGE_SIZE)
        abort(); /* the transport promised page-bounded, non-empty pieces */
    if (gpa < RAM_BASE || gpa - RAM_BASE >= RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
        abort(); /* ram= is exactly RAM: the device asked for something else */
    if (hole && (gpa - RAM_BASE) / VQ_PAGE_SIZE == hole - 1)
        return NULL;
    return ram + (gpa - RAM_BASE);
}

static const struct vq_mem fuzz_mem = {.map = fuzz_map};

static struct vdev_fake f;
static int tap_fd = -1, peer = -1; /* the device's end of the wire, ours */
static uint32_t qnum[2];           /* queue sizes of the last handshake (for post) */
static uint8_t frame[VNET_FRAME_MAX + 2];

static int fuzz_open_tap(void *opaque, const char *ifname, const char *bridge, FILE *err)
{
    int sv[2];

    (void)opaque;
    (void)ifname;
    (void)bridge;
    (void)err;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
        abort();
    tap_fd = sv[0];
    peer = sv[1];
    return sv[0];
}

static void init_once(void)
{
    if (peer >= 0)
        return;
    vdev_fake_init(&f);
    f.host.open_tap = fuzz_open_tap;
    if (vdev_fake_add(&f, SPEC) || peer < 0)
        abort();
    virtio_mmio_set_mem(&f.dev[0], &fuzz_mem);
}

static struct vdev *dev(void)
{
    return &f.dev[0];
}

static uint8_t *g(uint64_t gpa)
{
    return ram + (gpa - RAM_BASE);
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t get32(uint64_t gpa)
{
    return le32(g(gpa));
}

static uint16_t get16(uint64_t gpa)
{
    return (uint16_t)(g(gpa)[0] | g(gpa)[1] << 8);
}

static void wr(uint32_t off, uint32_t v)
{
    mmio_wr(&f, B + off, v);
}

static uint32_t rd(uint32_t off)
{
    return mmio_rd(&f, B + off);
}

static void pattern(uint8_t *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

/* Every frame the device sent, each at most VNET_FRAME_MAX bytes (MSG_TRUNC: its real size). */
static void drain_wire(void)
{
    ssize_t n;

    while ((n = recv(peer, frame, sizeof(frame), MSG_DONTWAIT | MSG_TRUNC)) >= 0)
        if ((size_t)n > VNET_FRAME_MAX)
            abort();
}

/* Frames the wire sent that the device never took (the next input starts afresh). */
static void drain_tap(void)
{
    while (recv(tap_fd, frame, sizeof(frame), MSG_DONTWAIT) >= 0)
        ;
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
    qnum[q] = num;
}

/* §3.1.1 with every feature offered (VERSION_1, MAC, STATUS, EVENT_IDX), EVENT_IDX only with
 * @event_idx; the rings keep RAM's content. */
static void handshake(uint32_t num, bool event_idx)
{
    const uint32_t no = event_idx ? 0 : 1u << VIRTIO_RING_F_EVENT_IDX;

    wr(VIRTIO_MMIO_STATUS, 0);
    wr(VIRTIO_MMIO_STATUS, 3);
    wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
    wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(VIRTIO_MMIO_DRIVER_FEATURES, rd(VIRTIO_MMIO_DEVICE_FEATURES) & ~no);
    wr(VIRTIO_MMIO_STATUS, 0xb);
    queue(VNET_RXQ, num);
    queue(VNET_TXQ, num);
    wr(VIRTIO_MMIO_STATUS, 0xf);
}

static void set_desc(unsigned q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    uint8_t *d = g(DESC(q) + 16 * (i % VQ_MAX_SIZE));

    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

static void post(unsigned q, uint16_t head)
{
    const uint16_t idx = get16(AVAIL(q) + 2);
    const uint32_t num = qnum[q] ? qnum[q] : 1;

    memcpy(g(AVAIL(q) + 4 + 2 * (idx % num % VQ_MAX_SIZE)), &head, 2);
    memcpy(g(AVAIL(q) + 2), &(uint16_t){(uint16_t)(idx + 1)}, 2);
}

/* The value a read of @size at @off must return whatever happened before, or false when
 * the register's content is the device's state. */
static bool expected(uint32_t off, unsigned size, uint64_t *v)
{
    static const uint32_t ident[] = {VIRTIO_MMIO_MAGIC, 2, VIRTIO_ID_NET, VIRTIO_MMIO_VENDOR};
    const uint64_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

    if (off >= VIRTIO_MMIO_CONFIG && off % size == 0) {
        *v = 0;
        for (unsigned k = 0; k < size; k++)
            if (off - VIRTIO_MMIO_CONFIG + k < VNET_CONFIG_LEN)
                *v |= (uint64_t)config[off - VIRTIO_MMIO_CONFIG + k] << (8 * k);
        return true;
    }
    if (off % 4) {
        *v = UINT64_MAX; /* below the configuration space only a register's low byte(s) */
        return true;
    }
    if (off <= VIRTIO_MMIO_VENDOR_ID) {
        *v = ident[off / 4] & mask;
        return true;
    }
    return false;
}

/* A register access: offset anywhere in the window, size 1, 2 or 4, sometimes aligned. */
static void reg(bool is_read, uint8_t a, const uint8_t *b)
{
    static const unsigned sizes[] = {1, 2, 4};
    const unsigned size = sizes[(b[0] >> 2) % 3];
    uint32_t off = (a | (uint32_t)(b[0] & 1) << 8) % VIRTIO_MMIO_LEN;
    uint64_t v, want;

    if (b[0] & 2)
        off &= ~3u;
    v = vdev_fake_io(&f, VDEV_IOREQ_COPY, B + off, size, is_read, le32(b + 1), NULL);
    if (is_read && expected(off, size, &want) && v != want)
        abort(); /* the configuration space is read-only, the identification fixed */
}

/* A descriptor of queue b5 & 1 at index a (guest-built but arbitrary), posted if b5 & 8. */
static void craft(uint8_t a, const uint8_t *b)
{
    const unsigned q = b[5] & 1;
    uint64_t addr = RAM_BASE + ((b[0] | b[1] << 8) % (RAM_SIZE + 64)); /* sometimes past RAM */
    uint32_t len = b[2] | (uint32_t)(b[3] & 0x7f) << 8;

    if (b[5] & 2)
        addr = ~addr; /* near the top of the address space: wraps */
    if (b[5] & 4)
        len = 0xffffffffu - len;
    set_desc(q, a, addr, len, b[4] & 7, b[4] >> 3);
    if (b[5] & 8)
        post(q, a);
}

/* A well-formed transmit chain from head a % num: a 12-byte header (arbitrary content, no
 * offload was negotiated) and a frame of up to 4095 bytes, as one descriptor, header + frame,
 * header + frame in two, or a header split in two with the frame's start in its second half;
 * notified if b5 & 4. */
static void tx_frame(uint8_t a, const uint8_t *b)
{
    const uint32_t num = qnum[VNET_TXQ] ? qnum[VNET_TXQ] : 1;
    const uint16_t h = a % num, h1 = (h + 1) % num, h2 = (h + 2) % num;
    const uint32_t len = b[0] | (uint32_t)(b[1] & 0x0f) << 8;
    const uint32_t s = len * b[2] / 255;
    const uint64_t hdr = TXBUF - VNET_HDR_LEN;

    memset(g(hdr), b[3], VNET_HDR_LEN);
    pattern(g(TXBUF), len, b[4]);
    switch (b[5] & 3) {
    case 0:
        set_desc(VNET_TXQ, h, hdr, VNET_HDR_LEN + len, 0, 0);
        break;
    case 1:
        set_desc(VNET_TXQ, h, hdr, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, h1);
        set_desc(VNET_TXQ, h1, TXBUF, len, 0, 0);
        break;
    case 2:
        set_desc(VNET_TXQ, h, hdr, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, h1);
        set_desc(VNET_TXQ, h1, TXBUF, s, VIRTQ_DESC_F_NEXT, h2);
        set_desc(VNET_TXQ, h2, TXBUF + s, len - s, 0, 0);
        break;
    case 3:
        set_desc(VNET_TXQ, h, hdr, 5, VIRTQ_DESC_F_NEXT, h1);
        set_desc(VNET_TXQ, h1, hdr + 5, VNET_HDR_LEN - 5 + s, VIRTQ_DESC_F_NEXT, h2);
        set_desc(VNET_TXQ, h2, TXBUF + s, len - s, 0, 0);
        break;
    }
    post(VNET_TXQ, h);
    if (b[5] & 4)
        wr(VIRTIO_MMIO_QUEUE_NOTIFY, VNET_TXQ);
}

/* A transmit chain of 12 + 0..131071 bytes from descriptors 0.. of up to 16 KiB each (the
 * same RAM: only the lengths matter), around the largest frame, posted b4 % 4 + 1 times and
 * notified. */
static void tx_bulk(const uint8_t *b)
{
    const uint32_t piece = 0x4000;
    uint32_t left = VNET_HDR_LEN + (b[1] | (uint32_t)b[2] << 8 | (uint32_t)(b[3] & 1) << 16);
    unsigned i = 0;

    if (b[0] & 1)
        left = VNET_HDR_LEN + VNET_FRAME_MAX + (b[1] % 3) - 1; /* the limit, +-1 */
    for (; left > piece; left -= piece, i++)
        set_desc(VNET_TXQ, i, DATA, piece, VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
    set_desc(VNET_TXQ, i, DATA, left, 0, 0);
    for (unsigned k = 0; k <= b[4] % 4u; k++)
        post(VNET_TXQ, 0);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, VNET_TXQ);
}

/* The descriptor table as one chain of 1 + a descriptors of b1 % 64 bytes each (device-writable
 * for the receive queue), to queue b0 & 1, posted b2 + 1 times and notified: one chain that
 * takes a whole queue's budget, and more chains than a notification may walk. */
static void long_chain(uint8_t a, const uint8_t *b)
{
    const unsigned q = b[0] & 1, n = 1u + a;
    const uint16_t w = q == VNET_RXQ ? VIRTQ_DESC_F_WRITE : 0;

    for (unsigned i = 0; i + 1 < n; i++)
        set_desc(q, i, DATA + 64 * i, b[1] % 64u, w | VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
    set_desc(q, n - 1, DATA + 64 * (n - 1), b[1] % 64u, w, 0);
    for (unsigned k = 0; k <= b[2]; k++)
        post(q, 0);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* Receive buffer s = a % 4 (room for 12 + 0..2048 bytes) from head a % num, as one descriptor
 * or header + rest; notified if b2 & 2. */
static void rx_post(uint8_t a, const uint8_t *b)
{
    const uint32_t num = qnum[VNET_RXQ] ? qnum[VNET_RXQ] : 1;
    const uint16_t h = a % num, h1 = (h + 1) % num;
    const uint64_t buf = RXBUF(a % 4u);
    const uint32_t room = VNET_HDR_LEN + (b[0] | (uint32_t)b[1] << 8) % (RX_MAX + 1);

    if (b[2] & 1) {
        set_desc(VNET_RXQ, h, buf, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, h1);
        set_desc(VNET_RXQ, h1, buf + VNET_HDR_LEN, room - VNET_HDR_LEN, VIRTQ_DESC_F_WRITE, 0);
    } else {
        set_desc(VNET_RXQ, h, buf, room, VIRTQ_DESC_F_WRITE, 0);
    }
    post(VNET_RXQ, h);
    if (b[2] & 2)
        wr(VIRTIO_MMIO_QUEUE_NOTIFY, VNET_RXQ);
}

static bool tap_readable(void)
{
    struct pollfd p = {.fd = tap_fd, .events = POLLIN};

    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* What an rx() pass may change: a frame taken, dropped or failed, the device stopped. */
static uint64_t rx_progress(void)
{
    const struct vnet_stats *st = vnet_stats(dev());

    return st->rx_frames + st->rx_no_room + st->rx_errors + virtio_mmio_of(dev())->errors;
}

/* The event loop's input step: rx() when rx_fd() asks to be polled and the TAP is readable
 * (or spuriously). Then it must not spin: rx() takes a frame, or stops asking, or fails. */
static void rx_wake(bool spurious)
{
    struct vdev *d = dev();
    const int fd = d->ops->rx_fd(d);
    const bool polled = fd >= 0 && tap_readable();
    const uint64_t before = rx_progress();

    if (fd != -1 && fd != tap_fd)
        abort();
    if (!polled && !spurious)
        return;
    d->ops->rx(d);
    vdev_flush(d);
    if (polled && rx_progress() == before && d->ops->rx_fd(d) >= 0 && tap_readable())
        abort(); /* the event loop would call rx() again at once, for ever */
}

/* A frame of 1..2048 bytes from the wire (a TAP never gives an empty one; dropped by the
 * socket when full), then rx. */
static void wire_frame(const uint8_t *b)
{
    static uint8_t buf[RX_MAX];
    const size_t len = 1 + (b[0] | (size_t)b[1] << 8) % RX_MAX;

    pattern(buf, len, b[2]);
    (void)send(peer, buf, len, MSG_DONTWAIT);
    rx_wake(b[3] & 1);
}

static void op(const uint8_t *r)
{
    const uint8_t a = r[1];
    const uint8_t *b = r + 2;
    uint32_t off;

    maps = 0;
    switch (r[0] % 14) {
    case 0:
        reg(false, a, b);
        break;
    case 1:
        reg(true, a, b);
        break;
    case 2:
        off = (a | (uint32_t)b[0] << 8) % (RAM_SIZE - 4);
        memcpy(ram + off, b + 1, 4);
        break;
    case 3:
        craft(a, b);
        break;
    case 4:
        tx_frame(a, b);
        break;
    case 5:
        tx_bulk(b);
        break;
    case 6:
        rx_post(a, b);
        break;
    case 7:
        wire_frame(b);
        break;
    case 8:
        rx_wake(true);
        break;
    case 9:
        wr(VIRTIO_MMIO_QUEUE_NOTIFY, b[0] & 1 ? le32(b + 1) : a & 1u);
        break;
    case 10:
        wr(VIRTIO_MMIO_INTERRUPT_ACK, le32(b));
        break;
    case 11:
        hole = a % (RAM_SIZE / VQ_PAGE_SIZE + 1);
        break;
    case 12:
        if (b[0] & 1)
            memset(g(AVAIL(0)), 0, DATA - AVAIL(0)); /* fresh rings, as a driver allocates */
        handshake(1u << (a % 9), b[0] & 2);
        break;
    case 13:
        long_chain(a, b);
        break;
    }
    /* Now and then the poll time of a queue the device polls comes (virtio_mmio_timer). */
    if (r[0] & 0x80) {
        f.now += VIRTIO_MMIO_POLL_NS;
        (void)vdev_bus_timers(&f.bus, f.now);
    }
    if (maps > MAX_MAPS_PER_OP)
        abort(); /* a notification did more than its bounds allow */
    drain_wire();
}

/* A correct 1514-byte frame (header split 5 + 7, frame across a page boundary) comes out
 * whole on the wire. */
static void check_tx(void)
{
    const struct vnet_stats *st = vnet_stats(dev());
    const uint64_t hdr = DATA, fr = RAM_BASE + 0x4f00, frames = st->tx_frames;
    static uint8_t want[1514];

    pattern(want, sizeof(want), 0x5a);
    memcpy(g(fr), want, sizeof(want));
    set_desc(VNET_TXQ, 0, hdr, 5, VIRTQ_DESC_F_NEXT, 3);
    set_desc(VNET_TXQ, 3, hdr + 5, VNET_HDR_LEN - 5, VIRTQ_DESC_F_NEXT, 5);
    set_desc(VNET_TXQ, 5, fr, sizeof(want), 0, 0);
    post(VNET_TXQ, 0);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, VNET_TXQ);
    if (recv(peer, frame, sizeof(frame), MSG_DONTWAIT | MSG_TRUNC) != sizeof(want) ||
        memcmp(frame, want, sizeof(want)) || recv(peer, frame, sizeof(frame), MSG_DONTWAIT) >= 0)
        abort();
    if (get16(USED(VNET_TXQ) + 2) != 1 || get32(USED(VNET_TXQ) + 4) != 0 ||
        get32(USED(VNET_TXQ) + 8) != 0 || st->tx_frames != frames + 1 || f.irq_level != 1)
        abort();
}

/* A 1000-byte frame from the wire arrives in the posted header + 2 KiB buffers (across a page
 * boundary), behind a header of zeros but num_buffers 1; the TAP is polled only meanwhile. */
static void check_rx(void)
{
    struct vdev *d = dev();
    const struct vnet_stats *st = vnet_stats(d);
    const uint64_t hdr = RAM_BASE + 0x6000, buf = RAM_BASE + 0x6c00, frames = st->rx_frames;
    static uint8_t sent[1000], want_hdr[VNET_HDR_LEN] = {[VNET_HDR_NUM_BUFFERS_OFF] = 1};

    if (d->ops->rx_fd(d) != -1)
        abort();
    memset(g(hdr), 0xee, VNET_HDR_LEN);
    set_desc(VNET_RXQ, 1, hdr, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
    set_desc(VNET_RXQ, 2, buf, RX_MAX, VIRTQ_DESC_F_WRITE, 0);
    post(VNET_RXQ, 1);
    wr(VIRTIO_MMIO_QUEUE_NOTIFY, VNET_RXQ);
    if (d->ops->rx_fd(d) != tap_fd)
        abort();
    pattern(sent, sizeof(sent), 0xa5);
    if (send(peer, sent, sizeof(sent), MSG_DONTWAIT) != sizeof(sent))
        abort();
    d->ops->rx(d);
    vdev_flush(d);
    if (get16(USED(VNET_RXQ) + 2) != 1 || get32(USED(VNET_RXQ) + 4) != 1 ||
        get32(USED(VNET_RXQ) + 8) != VNET_HDR_LEN + sizeof(sent) ||
        memcmp(g(hdr), want_hdr, VNET_HDR_LEN) || memcmp(g(buf), sent, sizeof(sent)))
        abort();
    if (st->rx_frames != frames + 1 || d->ops->rx_fd(d) != -1)
        abort();
}

/* After whatever came before, a reset and a correct handshake bring the device back. */
static void check_recovers(void)
{
    memset(ram, 0, sizeof(ram));
    hole = 0;
    drain_tap();
    handshake(8, true);
    if (rd(VIRTIO_MMIO_STATUS) != 0xf)
        abort();
    check_tx();
    wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_INT_USED);
    check_rx();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    memset(ram, 0, sizeof(ram));
    hole = 0;
    qnum[0] = qnum[1] = 8;
    wr(VIRTIO_MMIO_STATUS, 0);
    drain_tap();
    drain_wire();
    if (size && (data[0] & 1))
        handshake(1u << ((data[0] >> 1) & 7), data[0] & 0x10);
    for (size_t i = 1; i + 8 <= size; i += 8)
        op(data + i);
    check_recovers();
    drain_wire();
    return 0;
}
