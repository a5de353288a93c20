/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-shmem.c: the vdev shmem device driven through the dispatcher as QNX's guest_shm driver
 * would (64-bit and 32-bit loads, name[] stored with any width), its broker played by the test
 * on the other end of a SOCK_SEQPACKET socketpair: replies are queued before the guest's
 * access, requests checked after it. Factory registers, statuses, placement checks, find,
 * control pages, the interrupt line, a broken link, the connection limit, option errors. */
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
#include <sys/socket.h>
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
        T(test_options),
        cmocka_unit_test_setup_teardown(test_help, NULL, NULL), /* no device */
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
