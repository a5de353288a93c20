/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: a hostile guest on the vdev shmem device (vdev-backends/shmem.c), its
 * factory page and its region window, and a broker played by the target on the other end of
 * the device's SOCK_SEQPACKET socket. The input is 12-byte records: reads and writes of 1, 2,
 * 4 or 8 bytes anywhere on the factory page and the window (and just past it), name[] fills,
 * whole create sequences (a valid OK reply queued first), replies with any status, region,
 * size and placement (inside, outside, unaligned, overlapping), events for any region, the
 * device's rx() as the event loop calls it, garbage packets (short, long, wrong type) and the
 * broker hanging up. Emulated regions (x86's SHMEM_ATTACH_EMULATED): replies passing a memfd
 * (good, too small, unsealed), none, two, or a pipe; EVENTs with a descriptor; data accesses
 * of any width at any offset of the window, as the device's read/write take them. The memfds
 * are made once and zeroed for every input: the run stays deterministic. The device waits
 * 0 ms for a reply, so a reply the input did not queue breaks the link at once instead of
 * stalling the fuzzer. Properties:
 * - no crash, no sanitizer report (the fuzz build has ASan and UBSan);
 * - the signature always reads back, whole and in 32-bit halves;
 * - every request is whole and well-formed: ATTACH with a non-empty NUL-terminated name,
 *   DETACH and NOTIFY only for a region the broker handed out; at most two per access;
 * - once the link broke the device says nothing more, rx_fd() stays -1, and it breaks once;
 * - rx_fd() is the device's socket or -1, and the host's line is the device's level;
 * - teardown closes the socket (the broker sees the end of the connection);
 * - no descriptor the broker passed is kept open after teardown, none leaks before. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vdev-backends/shmem.h"
#include "vdev-backends/vdev-fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FB     0x9000000ull
#define WB     0x10000000ull
#define WPAGES 16u
#define REC    12u
#define NREG   8u /* region ids the broker hands out: 0..7 */

static struct vdev_fake f;
static int peer = -1, devfd = -1;
static uint32_t handed_out; /* bit r: region r was in an OK reply */

/* Descriptors a broker may pass: memfds of 4 pages (sealed), 1 page (sealed: too small for
 * most), 4 pages unsealed; a pipe's read end. Made once, kept for every input. */
enum { FD_GOOD, FD_SMALL, FD_UNSEALED, FD_PIPE, NFDS };
static int pass[NFDS];
static int lowest_free; /* the lowest free descriptor between inputs: a leak moves it */

static int memfd(unsigned pages, bool seal)
{
    int fd = memfd_create("fuzz-shmem", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0 || ftruncate(fd, (off_t)pages * SHMEM_PAGE) ||
        (seal && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)))
        abort();
    return fd;
}

static int free_fd(void)
{
    int fd = dup(0);

    if (fd < 0)
        abort();
    close(fd);
    return fd;
}

static void fds_init(void)
{
    static uint8_t zero[4 * SHMEM_PAGE];
    int p[2];

    if (!pass[FD_GOOD]) {
        pass[FD_GOOD] = memfd(4, true);
        pass[FD_SMALL] = memfd(1, true);
        pass[FD_UNSEALED] = memfd(4, false);
        if (pipe2(p, O_CLOEXEC))
            abort();
        pass[FD_PIPE] = p[0]; /* the write end stays open too: the pipe never ends */
        lowest_free = free_fd();
    }
    if (pwrite(pass[FD_GOOD], zero, sizeof(zero), 0) != (ssize_t)sizeof(zero) ||
        pwrite(pass[FD_SMALL], zero, SHMEM_PAGE, 0) != (ssize_t)SHMEM_PAGE)
        abort();
}

static struct vdev *dev(void)
{
    return &f.dev[0];
}

static uint64_t io(uint64_t addr, unsigned size, bool is_read, uint64_t v)
{
    return vdev_fake_io(&f, VDEV_IOREQ_COPY, addr, size, is_read, v, NULL);
}

static void peer_send(const void *buf, size_t len)
{
    (void)send(peer, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL); /* full or gone: dropped */
}

static void queue_reply(uint32_t status, uint32_t region, uint32_t pages, uint64_t gpa,
                        uint32_t clients)
{
    struct shmem_msg m = {.type = SHMEM_MSG_REPLY,
                          .status = status,
                          .region = region,
                          .idx = region,
                          .pages = pages,
                          .clients = clients,
                          .gpa = gpa};

    if (status == SHMEM_GSS_OK)
        handed_out |= 1u << (region % 32);
    peer_send(&m, sizeof(m));
}

/* @m with @n descriptors of pass[] chosen by @sel (two bits each). */
static void peer_send_fds(const struct shmem_msg *m, unsigned n, unsigned sel)
{
    int fds[2] = {pass[sel & 3], pass[(sel >> 2) & 3]};

    (void)shmem_send(peer, m, fds, n, MSG_DONTWAIT | MSG_NOSIGNAL); /* full or gone: dropped */
}

static void set_name(unsigned n)
{
    char name[SHMEM_MAX_NAME] = {0};

    snprintf(name, sizeof(name), "r%u", n);
    for (unsigned i = 0; i < sizeof(name); i += 4) {
        uint32_t w;

        memcpy(&w, name + i, 4);
        io(FB + SHMEM_F_NAME + i, 4, false, w);
    }
}

/* The requests one access caused: checked, counted, dropped. */
static void drain_requests(bool link_was_up)
{
    unsigned n = 0;

    for (;;) {
        struct shmem_msg m;
        char buf[sizeof(m) + 1];
        ssize_t r = recv(peer, buf, sizeof(buf), MSG_DONTWAIT);

        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (r < 0 && errno == ECONNRESET && !shmem_link_up(dev()))
            continue; /* the device closed its end leaving messages unread; its own follow */
        if (r == 0 && !shmem_link_up(dev()))
            break; /* the device closed its end */
        if (r != (ssize_t)sizeof(m) || !link_was_up)
            abort();
        memcpy(&m, buf, sizeof(m));
        switch (m.type) {
        case SHMEM_MSG_ATTACH:
            if (!m.name[0] || !memchr(m.name, 0, sizeof(m.name)))
                abort();
            break;
        case SHMEM_MSG_DETACH:
        case SHMEM_MSG_NOTIFY:
            if (m.region >= 32 || !(handed_out & (1u << m.region)))
                abort();
            break;
        default:
            abort();
        }
        if (++n > 2)
            abort(); /* an ATTACH and its DETACH, or a NOTIFY and a DETACH, at most */
    }
}

static unsigned width(uint8_t b)
{
    return 1u << (b & 3);
}

static void op(const uint8_t *r)
{
    const uint8_t a = r[1];
    const uint16_t b = (uint16_t)(r[2] | r[3] << 8);
    uint64_t v;
    unsigned w = width(r[0] >> 4);
    uint64_t woff = (uint64_t)(b % (WPAGES + 1)) * SHMEM_PAGE + (a % 32);

    memcpy(&v, r + 4, 8);
    switch ((r[0] & 15) % 12) {
    case 0: /* factory read, a little past the registers too */
        io(FB + (a & ~(w - 1)), w, true, 0);
        break;
    case 1:
        io(FB + (a & ~(w - 1)), w, false, v);
        break;
    case 2: /* window read: control registers of any page, and one page past the window */
        io(WB + (woff & ~(uint64_t)(w - 1)), w, true, 0);
        break;
    case 3:
        io(WB + (woff & ~(uint64_t)(w - 1)), w, false, v);
        break;
    case 4: { /* a reply with anything in it */
        uint64_t gpa = WB + ((v >> 8) % (WPAGES + 2)) * SHMEM_PAGE - SHMEM_PAGE;

        if (a & 0x80)
            gpa += v & 0xfff; /* not a page */
        queue_reply(a % 9, b % NREG, (a & 0x40) ? (uint32_t)(v >> 32) : (uint32_t)(v & 7), gpa,
                    (uint32_t)(v >> 40));
        break;
    }
    case 5: { /* an event */
        struct shmem_msg m = {.type = SHMEM_MSG_EVENT,
                              .region = b % (NREG + 1),
                              .mask = (uint32_t)v,
                              .clients = (uint32_t)(v >> 32)};

        peer_send(&m, sizeof(m));
        break;
    }
    case 6:
        if (dev()->ops->rx_fd(dev()) >= 0)
            dev()->ops->rx(dev());
        break;
    case 7: /* garbage, or the broker hangs up */
        if (a == 0xff) {
            shutdown(peer, SHUT_WR);
        } else {
            uint8_t buf[sizeof(struct shmem_msg) + 16];
            size_t len = (size_t)a * 5;

            memset(buf, (int)(v & 0xff), sizeof(buf));
            memcpy(buf, &v, sizeof(v));
            peer_send(buf, len < sizeof(buf) ? len : sizeof(buf));
        }
        break;
    case 8:
        set_name(b % 4);
        break;
    case 9: /* a whole create that the broker accepts, at a page of the window */
        queue_reply(SHMEM_GSS_OK, b % NREG, (uint32_t)(v & 3), WB + (a % WPAGES) * SHMEM_PAGE,
                    (uint32_t)(v >> 8) & 0xff);
        set_name(b % 4);
        io(FB + SHMEM_F_SIZE, 4, false, (uint32_t)(v & 3));
        break;
    case 10: { /* an emulated create: the reply passes 0, 1 or 2 descriptors, or an EVENT does */
        struct shmem_msg m = {.type = SHMEM_MSG_REPLY,
                              .region = b % NREG,
                              .idx = b % NREG,
                              .pages = 1 + (uint32_t)(v & 3),
                              .clients = (uint32_t)(v >> 8) & 0xff,
                              .flags = (a & 0x40) ? 0 : SHMEM_ATTACH_EMULATED,
                              .gpa = (uint64_t)(a % WPAGES) * SHMEM_PAGE};

        if (a & 0x80) {
            m.type = SHMEM_MSG_EVENT;
            peer_send_fds(&m, 1, (unsigned)(v >> 16));
            break;
        }
        handed_out |= 1u << m.region;
        peer_send_fds(&m, (unsigned)(v >> 24) % 3, (unsigned)(v >> 16));
        set_name(b % 4);
        io(FB + SHMEM_F_SIZE, 4, false, m.pages);
        break;
    }
    case 11: { /* any width at any offset of the window, as the device's read/write take it */
        uint64_t at = (((uint64_t)b << 8 | a) + (v >> 48)) % (WPAGES * SHMEM_PAGE);

        if (at > WPAGES * SHMEM_PAGE - w)
            at = WPAGES * SHMEM_PAGE - w;
        if (r[0] & 0x40)
            dev()->ops->write(dev(), SHMEM_PAGE + at, w, v);
        else
            dev()->ops->read(dev(), SHMEM_PAGE + at, w);
        break;
    }
    }
}

static void check_invariants(void)
{
    int fd = dev()->ops->rx_fd(dev());

    if (io(FB + SHMEM_F_SIGNATURE, 8, true, 0) != SHMEM_SIGNATURE ||
        io(FB + SHMEM_F_SIGNATURE + 4, 4, true, 0) != SHMEM_SIGNATURE >> 32)
        abort();
    if (fd != -1 && fd != devfd)
        abort();
    if ((fd >= 0) != shmem_link_up(dev()) || shmem_stats(dev())->link_breaks > 1)
        abort();
    vdev_flush(dev());
    if (f.irq_level != dev()->irq_level)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char spec[160];
    int sv[2];

    fds_init();
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
        abort();
    vdev_fake_init(&f);
    snprintf(spec, sizeof(spec), "shmem,mem=0x9000000,spi=40,window=0x10000000+0x%x,fd=%d",
             WPAGES * SHMEM_PAGE, sv[0]);
    if (vdev_fake_add(&f, spec))
        abort();
    shmem_set_reply_timeout(dev(), 0);
    devfd = sv[0];
    peer = sv[1];
    handed_out = 0;
    for (size_t i = 0; i + REC <= size; i += REC) {
        bool up = shmem_link_up(dev());

        op(data + i);
        drain_requests(up);
        check_invariants();
    }
    vdev_fake_dispose(&f);
    /* The device's end is closed: what is left to read ends in end-of-file (after a reset,
     * when the device left messages unread). */
    for (unsigned i = 0; i < 1000; i++) {
        char buf[sizeof(struct shmem_msg)];
        ssize_t r = recv(peer, buf, sizeof(buf), MSG_DONTWAIT);

        if (r == 0)
            break;
        if ((r < 0 && errno != ECONNRESET) || i == 999)
            abort();
    }
    close(peer);
    if (free_fd() != lowest_free)
        abort(); /* a descriptor leaked */
    return 0;
}
