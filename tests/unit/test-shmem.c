/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-shmem.c: the vdev shmem device driven through the dispatcher as QNX's guest_shm driver
 * would (64-bit and 32-bit loads, name[] stored with any width), its broker played by the test
 * on the other end of a SOCK_SEQPACKET socketpair: replies are queued before the guest's
 * access, requests checked after it. Factory registers, statuses, placement checks, find,
 * control pages, the interrupt line, a broken link, the connection limit, option errors; and
 * emulated data pages (x86): widths, alignment, REP, a moved window, detach, hostile
 * descriptors from the broker, and the cost of one access. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vdev-backends/shmem.h"
#include "vdev-backends/vdev-fake.h"

#define FB    0x9000000ull  /* the factory page (mem=) */
#define WB    0x10000000ull /* the region window */
#define WLEN  0x100000ull   /* 256 pages */
#define SPI   41u
#define SPECF "shmem,mem=0x9000000,spi=41,window=0x10000000+0x100000,fd=%d%s"

struct t {
    struct vdev_fake f;
    int peer; /* the broker's end */
};

static struct t T_;

static int add_spec(struct t *t, const char *extra, FILE *err)
{
    char spec[256];
    int sv[2];
    int rc;

    vdev_fake_init(&t->f);
    t->peer = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
        return -1;
    snprintf(spec, sizeof(spec), SPECF, sv[0], extra);
    rc = vdev_create(spec, &t->f.host, &t->f.dev[0], err);
    if (rc) {
        close(sv[0]);
        close(sv[1]);
        return rc;
    }
    t->f.bus.ndev = 1;
    t->peer = sv[1];
    return 0;
}

static int setup(void **state)
{
    *state = &T_;
    return add_spec(&T_, "", NULL);
}

static int teardown(void **state)
{
    struct t *t = *state;

    vdev_fake_dispose(&t->f);
    if (t->peer >= 0)
        close(t->peer);
    t->peer = -1;
    return 0;
}

static struct vdev *dev(struct t *t)
{
    return &t->f.dev[0];
}

static const struct shmem_stats *st(struct t *t)
{
    return shmem_stats(dev(t));
}

/* 0 while the event loop polls the broker link, -1 once it stopped. */
static int rx_fd_of(struct t *t)
{
    int fd = dev(t)->ops->rx_fd(dev(t));

    return fd < 0 ? -1 : 0; /* 0: polled (the fd itself is the device's business) */
}

static uint64_t rd(struct t *t, uint64_t addr, unsigned size)
{
    enum vdev_disp d;
    uint64_t v = vdev_fake_io(&t->f, VDEV_IOREQ_COPY, addr, size, true, 0, &d);

    assert_int_equal(d, VDEV_DISP_OK);
    return v;
}

static void wr(struct t *t, uint64_t addr, unsigned size, uint64_t v)
{
    enum vdev_disp d;

    vdev_fake_io(&t->f, VDEV_IOREQ_COPY, addr, size, false, v, &d);
    assert_int_equal(d, VDEV_DISP_OK);
}

/* name[] as the driver stores it: 4 bytes at a time, NUL-padded to 32. */
static void set_name(struct t *t, const char *name)
{
    char buf[SHMEM_MAX_NAME] = {0};

    memcpy(buf, name, strnlen(name, sizeof(buf)));
    for (unsigned i = 0; i < sizeof(buf); i += 4) {
        uint32_t w;

        memcpy(&w, buf + i, 4);
        wr(t, FB + SHMEM_F_NAME + i, 4, w);
    }
}

static void peer_send(struct t *t, const struct shmem_msg *m)
{
    assert_int_equal(send(t->peer, m, sizeof(*m), MSG_DONTWAIT), (ssize_t)sizeof(*m));
}

static void reply(struct t *t, uint32_t status, uint32_t region, uint32_t pages, uint64_t gpa)
{
    struct shmem_msg m = {.type = SHMEM_MSG_REPLY,
                          .status = status,
                          .region = region,
                          .idx = region % 16,
                          .pages = pages,
                          .clients = 1,
                          .gpa = gpa};

    peer_send(t, &m);
}

static void event(struct t *t, uint32_t region, uint32_t mask, uint32_t clients)
{
    struct shmem_msg m = {
        .type = SHMEM_MSG_EVENT, .region = region, .mask = mask, .clients = clients};

    peer_send(t, &m);
}

/* The device's next request; asserts one is there, whole, of @type. */
static struct shmem_msg expect(struct t *t, uint32_t type)
{
    struct shmem_msg m;

    assert_int_equal(recv(t->peer, &m, sizeof(m), MSG_DONTWAIT), (ssize_t)sizeof(m));
    assert_int_equal(m.type, type);
    return m;
}

static void expect_none(struct t *t)
{
    struct shmem_msg m;

    assert_int_equal(recv(t->peer, &m, sizeof(m), MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);
}

/* Attaches @name: the broker answers OK with @region at window page @page. */
static void attach(struct t *t, const char *name, uint32_t pages, uint32_t region, unsigned page)
{
    struct shmem_msg m;

    reply(t, SHMEM_GSS_OK, region, pages, WB + page * SHMEM_PAGE);
    set_name(t, name);
    wr(t, FB + SHMEM_F_SIZE, 4, pages);
    m = expect(t, SHMEM_MSG_ATTACH);
    assert_string_equal(m.name, name);
    assert_int_equal(m.pages, pages);
    assert_int_equal(rd(t, FB + SHMEM_F_STATUS, 4), SHMEM_GSS_OK);
}

static uint32_t status(struct t *t)
{
    return (uint32_t)rd(t, FB + SHMEM_F_STATUS, 4);
}

/* ---- the factory page ---- */

static void test_signature_vector(void **state)
{
    struct t *t = *state;

    assert_true(SHMEM_SIGNATURE == 0x4d534732474d5651ULL);
    assert_int_equal(rd(t, FB + SHMEM_F_SIGNATURE, 8), 0x4d534732474d5651ULL);
    assert_int_equal(rd(t, FB + SHMEM_F_SIGNATURE, 4), 0x474d5651u);
    assert_int_equal(rd(t, FB + SHMEM_F_SIGNATURE + 4, 4), 0x4d534732u);
    assert_int_equal(rd(t, FB + SHMEM_F_VECTOR, 4), SPI);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), 0);
    assert_int_equal(status(t), SHMEM_GSS_OK);
    assert_int_equal(rd(t, FB + 0x100, 4), 0); /* the rest of the page */
    wr(t, FB + SHMEM_F_SIGNATURE, 8, 0);       /* read-only */
    assert_int_equal(rd(t, FB + SHMEM_F_SIGNATURE, 8), 0x4d534732474d5651ULL);
    assert_int_equal(st(t)->ignored_writes, 1);
    assert_int_equal(dev(t)->win_base, WB);
    assert_int_equal(dev(t)->win_len, WLEN);
    assert_int_equal(vdev_type_find("shmem"), dev(t)->ops);
}

static void test_vector_option(void **state)
{
    struct t *t = *state;

    vdev_fake_dispose(&t->f);
    close(t->peer);
    assert_int_equal(add_spec(t, ",vector=7", NULL), 0);
    assert_int_equal(rd(t, FB + SHMEM_F_VECTOR, 4), 7);
}

static void test_create_ok(void **state)
{
    struct t *t = *state;
    const uint64_t gpa = WB + 2 * SHMEM_PAGE;

    attach(t, "ring0", 4, 9, 2);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), gpa);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 4), (uint32_t)gpa);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM + 4, 4), gpa >> 32);
    assert_int_equal(rd(t, FB + SHMEM_F_SIZE, 4), 4);
    /* Its control page: clients 1 (the reply's), idx 9 % 16, nothing pending. */
    assert_int_equal(rd(t, gpa + SHMEM_C_IDX, 4), 9);
    assert_int_equal(rd(t, gpa + SHMEM_C_STATUS, 4), 1u << 16);
    assert_int_equal(rd(t, gpa, 8), 9ull << 32 | 1u << 16);
    assert_int_equal(t->f.irq_level, 0);
    /* The broker may answer with its region's size, not the one asked for. */
    reply(t, SHMEM_GSS_OK, 10, 2, WB + 8 * SHMEM_PAGE);
    set_name(t, "ring1");
    wr(t, FB + SHMEM_F_SIZE, 4, 0);
    assert_int_equal(expect(t, SHMEM_MSG_ATTACH).pages, 0);
    assert_int_equal(rd(t, FB + SHMEM_F_SIZE, 4), 2);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), WB + 8 * SHMEM_PAGE);
}

/* name[] written with 1-, 2- and 8-byte stores; an 8-byte store over size and name[0..3]. */
static void test_name_widths(void **state)
{
    struct t *t = *state;
    struct shmem_msg m;

    set_name(t, "");
    wr(t, FB + SHMEM_F_NAME, 1, 'a');
    wr(t, FB + SHMEM_F_NAME + 1, 1, 'b');
    wr(t, FB + SHMEM_F_NAME + 2, 2, 'c' | 'd' << 8);
    wr(t, FB + SHMEM_F_NAME + 4, 4, 'e');
    wr(t, FB + 32, 8, 'f'); /* name[4..11] */
    assert_int_equal(rd(t, FB + 32, 8), 'f');
    assert_int_equal(rd(t, FB + SHMEM_F_NAME, 4), 'a' | 'b' << 8 | 'c' << 16 | 'd' << 24);
    reply(t, SHMEM_GSS_OK, 1, 1, WB);
    wr(t, FB + SHMEM_F_SIZE, 8, 1 | (uint64_t)0x7a797877 << 32); /* size=1, name[0..3] "wxyz" */
    m = expect(t, SHMEM_MSG_ATTACH);
    assert_string_equal(m.name, "wxyzf");
    assert_int_equal(m.pages, 1);
    /* A 2-byte store to size is part of a register: ignored, nothing asked. */
    wr(t, FB + SHMEM_F_SIZE, 2, 1);
    expect_none(t);
    assert_int_equal(st(t)->ignored_writes, 1);
}

static void test_illegal_names(void **state)
{
    struct t *t = *state;

    set_name(t, "");
    wr(t, FB + SHMEM_F_SIZE, 4, 1);
    assert_int_equal(status(t), SHMEM_GSS_ILLEGAL_NAME);
    for (unsigned i = 0; i < SHMEM_MAX_NAME; i += 4)
        wr(t, FB + SHMEM_F_NAME + i, 4, 0x41414141); /* 32 x 'A', no NUL */
    wr(t, FB + SHMEM_F_SIZE, 4, 1);
    assert_int_equal(status(t), SHMEM_GSS_ILLEGAL_NAME);
    expect_none(t); /* the broker was never asked */
    assert_int_equal(st(t)->requests, 0);
}

static void test_statuses(void **state)
{
    struct t *t = *state;

    set_name(t, "x");
    for (uint32_t s = SHMEM_GSS_UNKNOWN_FAILURE; s <= SHMEM_GSS_DOES_NOT_EXIST + 1; s++) {
        reply(t, s == SHMEM_GSS_DOES_NOT_EXIST + 1 ? 99 : s, 3, 1, WB);
        wr(t, FB + SHMEM_F_SIZE, 4, 1);
        expect(t, SHMEM_MSG_ATTACH);
        /* An unknown status is a failure; the device is not attached either way. */
        assert_int_equal(status(t), s <= SHMEM_GSS_DOES_NOT_EXIST ? s : SHMEM_GSS_UNKNOWN_FAILURE);
        assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), 0);
        assert_int_equal(rd(t, WB, 4), 0);
    }
    assert_true(shmem_link_up(dev(t)));
}

/* An OK reply whose placement is wrong: refused, and the region detached again. */
static void test_bad_placement(void **state)
{
    static const struct {
        uint64_t gpa;
        uint32_t pages;
    } bad[] = {
        {WB - SHMEM_PAGE, 1},        /* below the window */
        {WB + WLEN, 0},              /* just past it */
        {WB + 0x800, 1},             /* not a page */
        {WB + WLEN - SHMEM_PAGE, 1}, /* its data page past the end */
        {WB, UINT32_MAX},            /* huge */
        {WB + 2 * SHMEM_PAGE, 0},    /* over the live region's data page */
    };
    struct t *t = *state;

    attach(t, "live", 2, 1, 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct shmem_msg m;

        reply(t, SHMEM_GSS_OK, 50 + i, bad[i].pages, bad[i].gpa);
        reply(t, SHMEM_E_OK, 0, 0, 0); /* to the DETACH */
        set_name(t, "bad");
        wr(t, FB + SHMEM_F_SIZE, 4, 1);
        expect(t, SHMEM_MSG_ATTACH);
        m = expect(t, SHMEM_MSG_DETACH);
        assert_int_equal(m.region, 50 + i);
        assert_int_equal(status(t), SHMEM_GSS_UNKNOWN_FAILURE);
        assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), WB);
    }
    wr(t, FB + SHMEM_F_FIND, 4, 1);
    assert_int_equal(status(t), SHMEM_GSS_DOES_NOT_EXIST);
    assert_true(shmem_link_up(dev(t)));
}

static void test_find(void **state)
{
    struct t *t = *state;
    char name[SHMEM_MAX_NAME];

    attach(t, "first", 1, 1, 0);
    attach(t, "second", 3, 2, 4);
    set_name(t, "scratch");
    wr(t, FB + SHMEM_F_FIND, 4, 0);
    assert_int_equal(status(t), SHMEM_GSS_OK);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), WB);
    assert_int_equal(rd(t, FB + SHMEM_F_SIZE, 4), 1);
    wr(t, FB + SHMEM_F_FIND, 4, 1);
    assert_int_equal(status(t), SHMEM_GSS_OK);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), WB + 4 * SHMEM_PAGE);
    assert_int_equal(rd(t, FB + SHMEM_F_SIZE, 4), 3);
    for (unsigned i = 0; i < sizeof(name); i++)
        name[i] = (char)rd(t, FB + SHMEM_F_NAME + i, 1);
    assert_string_equal(name, "second");
    wr(t, FB + SHMEM_F_FIND, 4, 2);
    assert_int_equal(status(t), SHMEM_GSS_DOES_NOT_EXIST);
    assert_int_equal(rd(t, FB + SHMEM_F_FIND, 4), 0); /* write-only */
    expect_none(t);
}

/* ---- control pages ---- */

static void test_notify(void **state)
{
    struct t *t = *state;
    const uint64_t c = WB + 2 * SHMEM_PAGE;
    struct shmem_msg m;

    attach(t, "n", 1, 5, 2);
    reply(t, SHMEM_E_OK, 0, 0, 0);
    wr(t, c + SHMEM_C_NOTIFY, 4, 0x5);
    m = expect(t, SHMEM_MSG_NOTIFY);
    assert_int_equal(m.region, 5);
    assert_int_equal(m.mask, 0x5);
    reply(t, SHMEM_E_OK, 0, 0, 0);
    wr(t, c + SHMEM_C_NOTIFY, 4, UINT32_MAX);
    m = expect(t, SHMEM_MSG_NOTIFY);
    assert_int_equal(m.mask, UINT32_MAX);
    /* A broker error is not the guest's business; the link stays. */
    reply(t, SHMEM_E_NOREGION, 0, 0, 0);
    wr(t, c + SHMEM_C_NOTIFY, 4, 1);
    expect(t, SHMEM_MSG_NOTIFY);
    assert_true(shmem_link_up(dev(t)));
    /* Read-only registers, and its data page (not ours: RAM on Xen) */
    wr(t, c + SHMEM_C_IDX, 4, 7);
    assert_int_equal(st(t)->ignored_writes, 1);
    wr(t, c + SHMEM_PAGE, 4, 1);
    assert_int_equal(rd(t, c + SHMEM_PAGE, 4), 0);
    assert_int_equal(st(t)->stray_writes, 1);
    assert_int_equal(st(t)->stray_reads, 1);
    expect_none(t);
}

static void test_event_irq(void **state)
{
    struct t *t = *state;
    const uint64_t a = WB, b = WB + 4 * SHMEM_PAGE;

    attach(t, "a", 1, 1, 0);
    attach(t, "b", 1, 2, 4);
    assert_int_equal(rx_fd_of(t), 0);
    event(t, 2, 0x3, 2);
    event(t, 1, 0x4, 3);
    event(t, 77, 0x1, 1); /* a region we do not have: ignored */
    dev(t)->ops->rx(dev(t));
    vdev_flush(dev(t));
    assert_int_equal(t->f.irq_level, 1);
    assert_int_equal(st(t)->events, 2);
    assert_int_equal(st(t)->events_unknown, 1);
    /* Reading one status clears it; the line stays up for the other. */
    assert_int_equal(rd(t, b + SHMEM_C_STATUS, 4), 2u << 16 | 0x3);
    assert_int_equal(rd(t, b + SHMEM_C_STATUS, 4), 2u << 16);
    assert_int_equal(t->f.irq_level, 1);
    /* A 1-byte peek does not acknowledge. */
    assert_int_equal(rd(t, a + SHMEM_C_STATUS, 1), 0x4);
    assert_int_equal(t->f.irq_level, 1);
    assert_int_equal(rd(t, a + SHMEM_C_STATUS, 4), 3u << 16 | 0x4);
    assert_int_equal(t->f.irq_level, 0);
    /* A client-count change alone raises it too. */
    event(t, 1, 0, 4);
    dev(t)->ops->rx(dev(t));
    vdev_flush(dev(t));
    assert_int_equal(t->f.irq_level, 1);
    assert_int_equal(rd(t, a + SHMEM_C_STATUS, 4), 4u << 16);
    assert_int_equal(t->f.irq_level, 0);
    /* An event that arrives while a request waits for its reply is applied at once. */
    event(t, 2, 0x8, 2);
    reply(t, SHMEM_E_OK, 0, 0, 0);
    wr(t, a + SHMEM_C_NOTIFY, 4, 1);
    expect(t, SHMEM_MSG_NOTIFY);
    assert_int_equal(t->f.irq_level, 1);
    assert_int_equal(rd(t, b + SHMEM_C_STATUS, 4), 2u << 16 | 0x8);
    assert_int_equal(t->f.irq_level, 0);
    assert_int_equal(t->f.irq_edges, 3);
}

static void test_detach(void **state)
{
    struct t *t = *state;
    const uint64_t c = WB + SHMEM_PAGE;
    struct shmem_msg m;

    attach(t, "d", 1, 4, 1);
    event(t, 4, 0x1, 2);
    dev(t)->ops->rx(dev(t));
    vdev_flush(dev(t));
    assert_int_equal(t->f.irq_level, 1);
    reply(t, SHMEM_E_OK, 0, 0, 0);
    wr(t, c + SHMEM_C_DETACH, 4, 0);
    m = expect(t, SHMEM_MSG_DETACH);
    assert_int_equal(m.region, 4);
    /* Its pending bits went with it; its page is just window now. */
    assert_int_equal(t->f.irq_level, 0);
    assert_int_equal(rd(t, c + SHMEM_C_STATUS, 4), 0);
    assert_int_equal(st(t)->stray_reads, 1);
    wr(t, c + SHMEM_C_DETACH, 4, 0);
    expect_none(t);
    wr(t, FB + SHMEM_F_FIND, 4, 0);
    assert_int_equal(status(t), SHMEM_GSS_DOES_NOT_EXIST);
    /* Its slot and its place can be used again. */
    attach(t, "d", 1, 6, 1);
    assert_int_equal(rd(t, c + SHMEM_C_IDX, 4), 6);
}

/* ---- the link ---- */

static void test_peer_closed(void **state)
{
    struct t *t = *state;

    attach(t, "p", 1, 1, 0);
    close(t->peer);
    t->peer = -1;
    set_name(t, "q");
    wr(t, FB + SHMEM_F_SIZE, 4, 1);
    assert_int_equal(status(t), SHMEM_GSS_UNKNOWN_FAILURE);
    assert_false(shmem_link_up(dev(t)));
    assert_int_equal(st(t)->link_breaks, 1);
    assert_int_equal(rx_fd_of(t), -1);
    /* Later writes fail at once, nothing crashes; the guest may still detach. */
    wr(t, FB + SHMEM_F_SIZE, 4, 1);
    assert_int_equal(status(t), SHMEM_GSS_UNKNOWN_FAILURE);
    wr(t, WB + SHMEM_C_NOTIFY, 4, 1);
    wr(t, WB + SHMEM_C_DETACH, 4, 1);
    wr(t, FB + SHMEM_F_FIND, 4, 0);
    assert_int_equal(status(t), SHMEM_GSS_DOES_NOT_EXIST);
    assert_int_equal(st(t)->link_breaks, 1);
}

static void test_peer_closed_rx(void **state)
{
    struct t *t = *state;

    close(t->peer);
    t->peer = -1;
    dev(t)->ops->rx(dev(t));
    assert_false(shmem_link_up(dev(t)));
    assert_int_equal(rx_fd_of(t), -1);
}

static void test_malformed(void **state)
{
    struct t *t = *state;
    struct shmem_msg m = {.type = SHMEM_MSG_EVENT};

    /* Short. */
    assert_int_equal(send(t->peer, &m, 8, 0), 8);
    dev(t)->ops->rx(dev(t));
    assert_false(shmem_link_up(dev(t)));
    teardown(state);
    /* Wrong type. */
    assert_int_equal(add_spec(t, "", NULL), 0);
    m.type = SHMEM_MSG_ATTACH;
    peer_send(t, &m);
    dev(t)->ops->rx(dev(t));
    assert_false(shmem_link_up(dev(t)));
    teardown(state);
    /* A reply nobody asked for. */
    assert_int_equal(add_spec(t, "", NULL), 0);
    reply(t, SHMEM_GSS_OK, 1, 1, WB);
    dev(t)->ops->rx(dev(t));
    assert_false(shmem_link_up(dev(t)));
    teardown(state);
    /* Too long, while a request waits. */
    assert_int_equal(add_spec(t, "", NULL), 0);
    {
        char big[sizeof(m) + 8] = {0};

        memcpy(big, &(uint32_t){SHMEM_MSG_REPLY}, 4);
        assert_int_equal(send(t->peer, big, sizeof(big), 0), (ssize_t)sizeof(big));
    }
    set_name(t, "x");
    wr(t, FB + SHMEM_F_SIZE, 4, 1);
    assert_int_equal(status(t), SHMEM_GSS_UNKNOWN_FAILURE);
    assert_false(shmem_link_up(dev(t)));
}

static void test_no_reply(void **state)
{
    struct t *t = *state;

    shmem_set_reply_timeout(dev(t), 20);
    set_name(t, "x");
    wr(t, FB + SHMEM_F_SIZE, 4, 1);
    expect(t, SHMEM_MSG_ATTACH);
    assert_int_equal(status(t), SHMEM_GSS_UNKNOWN_FAILURE);
    assert_false(shmem_link_up(dev(t)));
    /* A late reply is never read. */
    assert_int_equal(send(t->peer, &(struct shmem_msg){.type = SHMEM_MSG_REPLY},
                          sizeof(struct shmem_msg), MSG_DONTWAIT | MSG_NOSIGNAL),
                     -1);
}

/* A broker that sends only EVENTs (from a thread: more than a socket buffer holds) is given
 * up after SHMEM_EVENTS_PER_REPLY of them: the vCPU's access ends. */
static void *flood(void *arg)
{
    struct t *t = arg;
    struct shmem_msg m = {.type = SHMEM_MSG_EVENT, .region = 1, .mask = 1, .clients = 2};

    while (send(t->peer, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m))
        ;
    return NULL;
}

static void test_event_flood(void **state)
{
    struct t *t = *state;
    pthread_t th;

    attach(t, "f", 1, 1, 0);
    assert_int_equal(pthread_create(&th, NULL, flood, t), 0);
    wr(t, WB + SHMEM_C_NOTIFY, 4, 1);
    assert_int_equal(pthread_join(th, NULL), 0); /* the device hung up: the sender stopped */
    assert_false(shmem_link_up(dev(t)));
    assert_int_equal(st(t)->events, SHMEM_EVENTS_PER_REPLY);
    assert_int_equal(rd(t, WB + SHMEM_C_STATUS, 4), 2u << 16 | 1);
}

static void test_limit(void **state)
{
    struct t *t = *state;

    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++) {
        char name[16];

        snprintf(name, sizeof(name), "r%u", i);
        attach(t, name, 1, 100 + i, 2 * i);
    }
    set_name(t, "one-too-many");
    wr(t, FB + SHMEM_F_SIZE, 4, 1);
    assert_int_equal(status(t), SHMEM_GSS_NOMEM);
    expect_none(t);
    wr(t, FB + SHMEM_F_FIND, 4, SHMEM_MAX_CONN - 1);
    assert_int_equal(status(t), SHMEM_GSS_OK);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), WB + 2 * (SHMEM_MAX_CONN - 1) * SHMEM_PAGE);
}

/* ---- emulated data pages (SHMEM_ATTACH_EMULATED, x86) ---- */

/* A memfd as the broker makes it: @bytes long, sealed against shrinking and growing unless
 * @seal is false. */
static int memfd(size_t bytes, bool seal)
{
    int fd = memfd_create("test-shmem", MFD_CLOEXEC | MFD_ALLOW_SEALING);

    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
    if (seal)
        assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
    return fd;
}

/* A reply carrying @nfds descriptors as SCM_RIGHTS (@flags: SHMEM_ATTACH_*). */
static void reply_fds(struct t *t, uint32_t status, uint32_t region, uint32_t pages, uint64_t gpa,
                      uint32_t flags, const int *fds, unsigned nfds)
{
    struct shmem_msg m = {.type = SHMEM_MSG_REPLY,
                          .status = status,
                          .region = region,
                          .idx = region % 16,
                          .pages = pages,
                          .clients = 1,
                          .flags = flags,
                          .gpa = gpa};

    assert_true(nfds <= SHMEM_SEND_FDS_MAX);
    assert_int_equal(shmem_send(t->peer, &m, fds, nfds, MSG_DONTWAIT), (ssize_t)sizeof(m));
}

/* Attaches @name emulated: the broker's OK reply places it at window page @page and passes
 * @fd (the test keeps its own copy). */
static void attach_emu(struct t *t, const char *name, uint32_t pages, uint32_t region,
                       unsigned page, int fd)
{
    reply_fds(t, SHMEM_GSS_OK, region, pages, (uint64_t)page * SHMEM_PAGE, SHMEM_ATTACH_EMULATED,
              &fd, 1);
    set_name(t, name);
    wr(t, FB + SHMEM_F_SIZE, 4, pages);
    expect(t, SHMEM_MSG_ATTACH);
    assert_int_equal(status(t), SHMEM_GSS_OK);
}

/* Open descriptors of this process: none may leak. */
static unsigned open_fds(void)
{
    unsigned n = 0;

    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

/* The device's read/write as the dispatcher calls them, at window offset @woff: for the
 * unaligned accesses the dispatcher does not pass on today (docs/shmem-device.md). */
static uint64_t dev_rd(struct t *t, uint64_t woff, unsigned size)
{
    return dev(t)->ops->read(dev(t), SHMEM_PAGE + woff, size);
}

static void dev_wr(struct t *t, uint64_t woff, unsigned size, uint64_t v)
{
    dev(t)->ops->write(dev(t), SHMEM_PAGE + woff, size, v);
}

static uint64_t mem_get(int fd, off_t at, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(pread(fd, &v, size, at), (ssize_t)size);
    return v; /* little-endian host */
}

static void mem_put(int fd, off_t at, unsigned size, uint64_t v)
{
    assert_int_equal(pwrite(fd, &v, size, at), (ssize_t)size);
}

/* Aligned accesses of every width through the dispatcher, both ways, at both ends of the
 * region's data; the control page stays what it is; the page after the data is window. */
static void test_emu_widths(void **state)
{
    struct t *t = *state;
    const uint64_t c = WB + 3 * SHMEM_PAGE, d = c + SHMEM_PAGE; /* control, data */
    int fd = memfd(2 * SHMEM_PAGE, true);

    attach_emu(t, "emu", 2, 7, 3, fd);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), c);
    assert_int_equal(rd(t, FB + SHMEM_F_SIZE, 4), 2);
    assert_int_equal(rd(t, c + SHMEM_C_IDX, 4), 7);
    wr(t, d, 8, 0x0807060504030201ull);
    wr(t, d + 8, 4, 0xa4a3a2a1u);
    wr(t, d + 12, 2, 0xb2b1u);
    wr(t, d + 14, 1, 0xc1u);
    wr(t, d + 2 * SHMEM_PAGE - 8, 8, 0x1122334455667788ull); /* the last 8 bytes */
    assert_int_equal(mem_get(fd, 0, 8), 0x0807060504030201ull);
    assert_int_equal(mem_get(fd, 8, 8), 0x00c1b2b1a4a3a2a1ull);
    assert_int_equal(mem_get(fd, 2 * SHMEM_PAGE - 8, 8), 0x1122334455667788ull);
    /* What the other guest's backend writes, this guest reads. */
    mem_put(fd, SHMEM_PAGE + 16, 8, 0xfedcba9876543210ull);
    assert_int_equal(rd(t, d + SHMEM_PAGE + 16, 8), 0xfedcba9876543210ull);
    assert_int_equal(rd(t, d + SHMEM_PAGE + 16, 4), 0x76543210u);
    assert_int_equal(rd(t, d + SHMEM_PAGE + 20, 2), 0xba98u);
    assert_int_equal(rd(t, d + SHMEM_PAGE + 23, 1), 0xfeu);
    assert_int_equal(st(t)->data_reads, 4);
    assert_int_equal(st(t)->data_writes, 5);
    /* Past the data: window, 0 and ignored. */
    wr(t, d + 2 * SHMEM_PAGE, 4, 0xffffffffu);
    assert_int_equal(rd(t, d + 2 * SHMEM_PAGE, 4), 0);
    assert_int_equal(st(t)->stray_reads, 1);
    assert_int_equal(st(t)->stray_writes, 1);
    assert_int_equal(st(t)->bad_fds, 0);
    close(fd);
}

/* Any width at any offset (unaligned, across the data's page boundary, across the region's
 * end) as the device takes it from the dispatcher. */
static void test_emu_unaligned(void **state)
{
    struct t *t = *state;
    const uint64_t d = 2 * SHMEM_PAGE; /* window offset of the data: control page at page 1 */
    int fd = memfd(2 * SHMEM_PAGE, true);
    uint8_t buf[16];

    attach_emu(t, "u", 2, 1, 1, fd);
    for (unsigned size = 1; size <= 8; size *= 2) {
        for (unsigned mis = 0; mis < 8; mis++) {
            const uint64_t at = d + SHMEM_PAGE - 4 + mis; /* straddles the data's page boundary */
            const uint64_t v = 0x0102030405060708ull * (size + mis);
            const uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;

            dev_wr(t, at, size, v);
            assert_int_equal(dev_rd(t, at, size), v & mask);
            assert_int_equal(mem_get(fd, (off_t)(at - d), size), v & mask);
        }
    }
    /* The last bytes of the region and beyond: those inside are data, the rest reads 0. */
    memset(buf, 0x5a, sizeof(buf));
    assert_int_equal(pwrite(fd, buf, 8, 2 * SHMEM_PAGE - 8), 8);
    assert_int_equal(dev_rd(t, d + 2 * SHMEM_PAGE - 3, 8), 0x5a5a5aull);
    dev_wr(t, d + 2 * SHMEM_PAGE - 2, 4, 0x44332211u);
    assert_int_equal(mem_get(fd, 2 * SHMEM_PAGE - 2, 2), 0x2211u);
    /* From the last byte of the control page into the data: the control page decides. */
    mem_put(fd, 0, 8, 0x8877665544332211ull);
    assert_int_equal(dev_rd(t, d - 1, 2), 0);
    assert_int_equal(mem_get(fd, 0, 1), 0x11);
    assert_int_equal(dev_rd(t, d + 1, 8), 0x0088776655443322ull);
    close(fd);
}

/* REP MOVS to and from the data pages: the dispatcher hands them over one item at a time. */
static void test_emu_rep(void **state)
{
    struct t *t = *state;
    const uint64_t d = WB + 2 * SHMEM_PAGE;
    uint8_t guest[256];
    struct vdev_ioreq r = {.addr = d + 16,
                           .data = 0, /* guest-physical address of the buffer */
                           .count = 8,
                           .size = 4,
                           .type = VDEV_IOREQ_COPY,
                           .data_is_ptr = 1,
                           .dir = VDEV_DIR_WRITE};
    int fd = memfd(SHMEM_PAGE, true);

    attach_emu(t, "rep", 1, 1, 1, fd);
    for (unsigned i = 0; i < sizeof(guest); i++)
        guest[i] = (uint8_t)i;
    vdev_fake_set_mem(&t->f, guest, sizeof(guest));
    assert_int_equal(vdev_dispatch(&t->f.bus, &r), VDEV_DISP_OK);
    assert_int_equal(st(t)->data_writes, 8);
    assert_int_equal(mem_get(fd, 16, 8), 0x0706050403020100ull);
    assert_int_equal(mem_get(fd, 44, 4), 0x1f1e1d1cu);
    r.dir = VDEV_DIR_READ;
    r.data = 128;
    assert_int_equal(vdev_dispatch(&t->f.bus, &r), VDEV_DISP_OK);
    assert_memory_equal(guest + 128, guest, 32);
    vdev_fake_set_mem(&t->f, NULL, 0);
    close(fd);
}

/* The window moves (the guest's firmware moved a BAR): the region moves with it. */
static void test_emu_window_moved(void **state)
{
    struct t *t = *state;
    const uint64_t nb = 0x20000000ull;
    int fd = memfd(SHMEM_PAGE, true);

    attach_emu(t, "mv", 1, 2, 5, fd);
    wr(t, WB + 6 * SHMEM_PAGE, 4, 0xabcd);
    dev(t)->win_base = nb;
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), nb + 5 * SHMEM_PAGE);
    assert_int_equal(rd(t, nb + 6 * SHMEM_PAGE, 4), 0xabcd);
    assert_int_equal(rd(t, nb + 5 * SHMEM_PAGE + SHMEM_C_IDX, 4), 2);
    {
        enum vdev_disp disp;

        vdev_fake_io(&t->f, VDEV_IOREQ_COPY, WB + 6 * SHMEM_PAGE, 4, true, 0, &disp);
        assert_int_equal(disp, VDEV_DISP_UNMAPPED); /* the old place is nobody's */
    }
    /* find reports the new place too; a second attach after the move is placed by offset. */
    attach_emu(t, "mv2", 1, 3, 0, fd);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), nb);
    wr(t, FB + SHMEM_F_FIND, 4, 0);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), nb + 5 * SHMEM_PAGE);
    assert_int_equal(rd(t, nb + SHMEM_PAGE, 4), 0xabcd); /* both map the same test memfd */
    close(fd);
}

/* As qvm's x86 device: a PCI function (pci=) whose BARs the guest places. */
static int setup_pci(void **state)
{
    struct t *t = &T_;
    char spec[128];
    int sv[2];

    *state = t;
    vdev_fake_init(&t->f);
    t->peer = -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
        return -1;
    snprintf(spec, sizeof(spec), "shmem,pci=0:5,window=0+0x%llx,fd=%d", WLEN, sv[0]);
    if (vdev_create(spec, &t->f.host, &t->f.dev[0], NULL)) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    t->f.bus.ndev = 1;
    t->peer = sv[1];
    return 0;
}

static uint64_t cfg(struct t *t, uint32_t reg, unsigned size, bool is_read, uint64_t v)
{
    enum vdev_disp d;
    uint64_t r = vdev_fake_io(&t->f, VDEV_IOREQ_PCI_CONFIG, (uint64_t)(5u << 3) << 32 | reg, size,
                              is_read, v, &d);

    assert_int_equal(d, VDEV_DISP_OK);
    return r;
}

/* The identity, BAR0 = the factory page, BAR2 = the window, the vector = the interrupt line
 * the firmware wrote; an emulated region follows BAR2 when the guest moves it. */
static void test_pci_function(void **state)
{
    struct t *t = *state;
    int fd = memfd(SHMEM_PAGE, true);
    enum vdev_disp disp;

    assert_int_equal(cfg(t, 0x00, 4, true, 0), 0x00011c05u);
    assert_int_equal(cfg(t, 0x08, 4, true, 0) >> 8, 0x058000u);
    cfg(t, 0x10, 4, false, 0xffffffffu);
    assert_int_equal(cfg(t, 0x10, 4, true, 0), 0xfffff000u); /* a page */
    cfg(t, 0x18, 4, false, 0xffffffffu);
    cfg(t, 0x1c, 4, false, 0xffffffffu);
    assert_int_equal(cfg(t, 0x18, 4, true, 0), (uint32_t) ~(WLEN - 1) | 0xcu); /* 64-bit, pref */
    assert_int_equal(cfg(t, 0x1c, 4, true, 0), 0xffffffffu);
    /* Nothing answers before the BARs are live. */
    vdev_fake_io(&t->f, VDEV_IOREQ_COPY, FB, 4, true, 0, &disp);
    assert_int_equal(disp, VDEV_DISP_UNMAPPED);
    cfg(t, 0x10, 4, false, FB);
    cfg(t, 0x18, 4, false, WB);
    cfg(t, 0x1c, 4, false, 0);
    cfg(t, 0x3c, 1, false, 11);
    cfg(t, 0x04, 2, false, 2); /* memory decode */
    assert_int_equal(rd(t, FB + SHMEM_F_SIGNATURE, 8), SHMEM_SIGNATURE);
    assert_int_equal(rd(t, FB + SHMEM_F_VECTOR, 4), 11);
    attach_emu(t, "pci", 1, 1, 3, fd);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), WB + 3 * SHMEM_PAGE);
    wr(t, WB + 4 * SHMEM_PAGE + 6, 2, 0xbeef); /* the data page */
    assert_int_equal(mem_get(fd, 6, 2), 0xbeef);
    /* The firmware moves the window. */
    cfg(t, 0x04, 2, false, 0);
    cfg(t, 0x18, 4, false, 0x20000000u);
    cfg(t, 0x04, 2, false, 2);
    assert_int_equal(rd(t, FB + SHMEM_F_SHMEM, 8), 0x20000000u + 3 * SHMEM_PAGE);
    assert_int_equal(rd(t, 0x20000000u + 4 * SHMEM_PAGE + 6, 2), 0xbeef);
    vdev_fake_io(&t->f, VDEV_IOREQ_COPY, WB + 4 * SHMEM_PAGE, 4, true, 0, &disp);
    assert_int_equal(disp, VDEV_DISP_UNMAPPED);
    close(fd);
}

/* After a detach, or once the link broke, the data pages are window: 0, stores dropped. */
static void test_emu_detach(void **state)
{
    struct t *t = *state;
    const uint64_t c = WB, d = WB + SHMEM_PAGE;
    int fd = memfd(SHMEM_PAGE, true);
    const unsigned before = open_fds();

    attach_emu(t, "gone", 1, 4, 0, fd);
    mem_put(fd, 0, 4, 0x1234);
    assert_int_equal(rd(t, d, 4), 0x1234);
    reply(t, SHMEM_E_OK, 0, 0, 0);
    wr(t, c + SHMEM_C_DETACH, 4, 0);
    expect(t, SHMEM_MSG_DETACH);
    assert_int_equal(rd(t, d, 4), 0);
    wr(t, d, 4, 0x5678);
    assert_int_equal(mem_get(fd, 0, 4), 0x1234);
    assert_int_equal(st(t)->stray_reads, 1);
    assert_int_equal(st(t)->stray_writes, 1);
    assert_int_equal(open_fds(), before); /* the device's copy was closed at the attach */
    /* Attached again, then the broker goes: the data go with it. */
    attach_emu(t, "gone", 1, 5, 0, fd);
    assert_int_equal(rd(t, d, 4), 0x1234);
    close(t->peer);
    t->peer = -1;
    dev(t)->ops->rx(dev(t));
    assert_false(shmem_link_up(dev(t)));
    assert_int_equal(rd(t, d, 4), 0);
    assert_int_equal(rd(t, c + SHMEM_C_IDX, 4), 5); /* the control page stays */
    close(fd);
}

/* A broker's emulated reply that cannot be used: the attach fails, the region is detached
 * again, every descriptor that came is closed. */
static void test_emu_hostile_fds(void **state)
{
    struct t *t = *state;
    int good = memfd(2 * SHMEM_PAGE, true), small = memfd(SHMEM_PAGE, true);
    int unsealed = memfd(2 * SHMEM_PAGE, false), p[2] = {-1, -1};
    const unsigned before = pipe(p) ? 0 : open_fds();
    struct {
        int fds[2];
        unsigned n;
        uint32_t flags;
    } bad[6];
    unsigned nbad = 0;

    assert_true(p[0] >= 0);
    bad[nbad++] = (typeof(bad[0])){{-1, -1}, 0, SHMEM_ATTACH_EMULATED}; /* no fd */
    bad[nbad++] = (typeof(bad[0])){{good, good}, 2, SHMEM_ATTACH_EMULATED};
    bad[nbad++] = (typeof(bad[0])){{p[0], -1}, 1, SHMEM_ATTACH_EMULATED};
    bad[nbad++] = (typeof(bad[0])){{small, -1}, 1, SHMEM_ATTACH_EMULATED};
    bad[nbad++] = (typeof(bad[0])){{unsealed, -1}, 1, SHMEM_ATTACH_EMULATED};
    bad[nbad++] = (typeof(bad[0])){{good, -1}, 1, 0}; /* a descriptor with mapped pages */
    for (unsigned i = 0; i < nbad; i++) {
        reply_fds(t, SHMEM_GSS_OK, 20 + i, 2, 0, bad[i].flags, bad[i].fds, bad[i].n);
        reply(t, SHMEM_E_OK, 0, 0, 0); /* to the DETACH */
        set_name(t, "bad");
        wr(t, FB + SHMEM_F_SIZE, 4, 2);
        expect(t, SHMEM_MSG_ATTACH);
        assert_int_equal(expect(t, SHMEM_MSG_DETACH).region, 20 + i);
        assert_int_equal(status(t), SHMEM_GSS_UNKNOWN_FAILURE);
        assert_int_equal(rd(t, WB + SHMEM_PAGE, 4), 0);
        assert_int_equal(open_fds(), before);
    }
    assert_int_equal(st(t)->bad_fds, nbad - 1); /* all but the reply that brought none */
    /* A failed attach, an EVENT and a NOTIFY's REPLY bringing a descriptor: closed. */
    reply_fds(t, SHMEM_GSS_NOMEM, 0, 0, 0, 0, &good, 1);
    wr(t, FB + SHMEM_F_SIZE, 4, 2);
    expect(t, SHMEM_MSG_ATTACH);
    assert_int_equal(status(t), SHMEM_GSS_NOMEM);
    attach_emu(t, "ok", 2, 30, 0, good);
    {
        struct shmem_msg ev = {.type = SHMEM_MSG_EVENT, .region = 30, .mask = 1, .clients = 2};

        assert_int_equal(shmem_send(t->peer, &ev, &good, 1, 0), (ssize_t)sizeof(ev));
        dev(t)->ops->rx(dev(t));
    }
    reply_fds(t, SHMEM_E_OK, 0, 0, 0, 0, &good, 1);
    wr(t, WB + SHMEM_C_NOTIFY, 4, ~0u);
    expect(t, SHMEM_MSG_NOTIFY);
    assert_int_equal(st(t)->bad_fds, nbad - 1 + 3);
    assert_int_equal(st(t)->events, 1);
    assert_true(shmem_link_up(dev(t)));
    assert_int_equal(open_fds(), before);
    close(good);
    close(small);
    close(unsealed);
    close(p[0]);
    close(p[1]);
}

/* The in-process cost of one emulated data access through the dispatcher (the figure in
 * docs/shmem-xen.md); printed, not asserted. */
static void test_emu_cost(void **state)
{
    struct t *t = *state;
    const uint64_t d = WB + SHMEM_PAGE;
    const unsigned n = 2000000;
    int fd = memfd(16 * SHMEM_PAGE, true);

    attach_emu(t, "bench", 16, 1, 0, fd);
    for (unsigned size = 4; size <= 8; size *= 2) {
        struct timespec a, b;
        uint64_t sum = 0;
        double ns;

        clock_gettime(CLOCK_MONOTONIC, &a);
        for (unsigned i = 0; i < n; i++) {
            uint64_t at = d + (i * size) % (16 * SHMEM_PAGE);

            if (i & 1)
                sum += vdev_fake_io(&t->f, VDEV_IOREQ_COPY, at, size, true, 0, NULL);
            else
                vdev_fake_io(&t->f, VDEV_IOREQ_COPY, at, size, false, i, NULL);
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / n;
        print_message("emulated %u-byte data access, in process: %.1f ns (checksum %llx)\n", size,
                      ns, (unsigned long long)sum);
    }
    assert_int_equal(st(t)->data_reads + st(t)->data_writes, 2ull * n);
    close(fd);
}

/* ---- options ---- */

static void test_options(void **state)
{
    static const struct {
        const char *window; /* NULL: none */
        const char *msg;
    } bad[] = {
        {NULL, "window=BASE+LEN is required"},
        {"0x10000000", "expected BASE+LEN"},
        {"0x10000000+", "expected BASE+LEN"},
        {"x+0x1000", "expected BASE+LEN"},
        {"0x10000800+0x1000", "multiples of 4096"},
        {"0x10000000+0x1800", "multiples of 4096"},
        {"0x10000000+0", "multiples of 4096"},
        {"0xfffffffffffff000+0x2000", "beyond the address space"},
        {"0x8fff000+0x2000", "overlaps the factory page"},
    };
    struct t *t = *state;
    char spec[256], *buf;
    size_t len;
    int sv[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        FILE *err = open_memstream(&buf, &len);

        if (bad[i].window)
            snprintf(spec, sizeof(spec), "shmem,mem=0x9000000,window=%s,fd=%d", bad[i].window,
                     sv[0]);
        else
            snprintf(spec, sizeof(spec), "shmem,mem=0x9000000,fd=%d", sv[0]);
        assert_int_equal(vdev_create(spec, &t->f.host, &t->f.dev[1], err), VDEV_ERR_INVAL);
        fclose(err);
        if (!strstr(buf, bad[i].msg))
            fail_msg("%s: '%s' lacks '%s'", spec, buf, bad[i].msg);
        free(buf);
    }
    /* fd: missing, not a socket, not SOCK_SEQPACKET; io= instead of mem=. */
    {
        static const char *const specs[] = {
            "shmem,mem=0x9000000,window=0x10000000+0x1000",
            "shmem,mem=0x9000000,window=0x10000000+0x1000,fd=0",
            "shmem,mem=0x9000000,window=0x10000000+0x1000,fd=999",
            "shmem,io=0x100,window=0x10000000+0x1000,fd=3",
        };
        int dg[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dg), 0);
        for (unsigned i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
            assert_true(vdev_create(specs[i], &t->f.host, &t->f.dev[1], NULL) < 0);
        snprintf(spec, sizeof(spec), "shmem,mem=0x9000000,window=0x10000000+0x1000,fd=%d", dg[0]);
        assert_int_equal(vdev_create(spec, &t->f.host, &t->f.dev[1], NULL), VDEV_ERR_INVAL);
        close(dg[0]);
        close(dg[1]);
    }
    /* Refused after init took the fd: the device closed it. */
    {
        int sp[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
        snprintf(spec, sizeof(spec), "shmem,mem=0x9000000,window=0x10000000+0x1000,fd=%d,bogus=1",
                 sp[0]);
        assert_int_equal(vdev_create(spec, &t->f.host, &t->f.dev[1], NULL), VDEV_ERR_UNKNOWN);
        assert_int_equal(fcntl(sp[0], F_GETFD), -1);
        close(sp[1]);
    }
    /* The largest window there is, ending at the top of the address space. */
    snprintf(spec, sizeof(spec), "shmem,mem=0x9000000,window=0xfffffffffffff000+0x1000,fd=%d",
             sv[0]);
    assert_int_equal(vdev_create(spec, &t->f.host, &t->f.dev[1], NULL), 0);
    assert_int_equal(t->f.dev[1].win_base, 0xfffffffffffff000ull);
    vdev_dispose(&t->f.dev[1]); /* closes sv[0] */
    close(sv[1]);
}

/* The backend's --help lists it. */
static void test_help(void **state)
{
    (void)state;
    assert_non_null(vdev_type_find("shmem"));
    assert_non_null(strstr(vdev_type_find("shmem")->help, "window=BASE+LEN"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_signature_vector),
        T(test_vector_option),
        T(test_create_ok),
        T(test_name_widths),
        T(test_illegal_names),
        T(test_statuses),
        T(test_bad_placement),
        T(test_find),
        T(test_notify),
        T(test_event_irq),
        T(test_detach),
        T(test_peer_closed),
        T(test_peer_closed_rx),
        T(test_malformed),
        T(test_no_reply),
        T(test_event_flood),
        T(test_limit),
        T(test_emu_widths),
        T(test_emu_unaligned),
        T(test_emu_rep),
        T(test_emu_window_moved),
        cmocka_unit_test_setup_teardown(test_pci_function, setup_pci, teardown),
        T(test_emu_detach),
        T(test_emu_hostile_fds),
        T(test_emu_cost),
        T(test_options),
        cmocka_unit_test_setup_teardown(test_help, NULL, NULL), /* no device */
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
