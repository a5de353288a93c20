/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-shmemd.c: qvm-xl-shmemd --dry-run-xen on a temporary socket, driven by fake clients:
 * HELLO/ATTACH/NOTIFY/EVENT/DETACH between two guests, hostile messages (each answered with
 * SHMEM_E_PROTO and only that connection dropped), a second broker, the idle exit; and a
 * broker with --data=emulate serving two in-process shmem devices (test-shmem's vdev core). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "vdev-backends/shmem-proto.h"
#include "vdev-backends/shmem.h"
#include "vdev-backends/vdev-fake.h"

#define WINDOW "window=0x3a000000+0x100000"

static char daemon_path[PATH_MAX];
static char dir[] = "/tmp/test-shmemd.XXXXXX";
static char sock[PATH_MAX];
static pid_t broker;

static int run_broker(const char *extra, bool wait_child)
{
    char log[PATH_MAX + 8];
    pid_t pid;
    int status;

    snprintf(log, sizeof(log), "%s/log", dir);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* --data=map: the ARM path wherever the test runs; extra may say otherwise. */
        execl(daemon_path, daemon_path, "--foreground", "--dry-run-xen", "--data=map", "--socket",
              sock, "--idle-exit", "2", "--log", log, extra, (char *)NULL);
        _exit(127);
    }
    if (!wait_child)
        return pid;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int connect_once(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

    strcpy(sa.sun_path, sock);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

static int client(void)
{
    for (int i = 0; i < 500; i++) {
        int fd = connect_once();

        if (fd >= 0)
            return fd;
        usleep(10000);
    }
    fail_msg("cannot connect to %s", sock);
    return -1;
}

static void put(int fd, const struct shmem_msg *m)
{
    assert_int_equal(send(fd, m, sizeof(*m), MSG_NOSIGNAL), sizeof(*m));
}

/* The next message within 2 s; type 0 on EOF. */
static struct shmem_msg get(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    struct shmem_msg m;
    ssize_t n;

    memset(&m, 0, sizeof(m));
    assert_int_equal(poll(&p, 1, 2000), 1);
    n = recv(fd, &m, sizeof(m), 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET))
        return (struct shmem_msg){0};
    assert_int_equal(n, sizeof(m));
    return m;
}

static bool quiet(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};

    return poll(&p, 1, 100) == 0;
}

static uint32_t request(int fd, struct shmem_msg m)
{
    struct shmem_msg r;

    put(fd, &m);
    r = get(fd);
    assert_int_equal(r.type, SHMEM_MSG_REPLY);
    return r.status;
}

static int hello(uint32_t domid, const char *text)
{
    int fd = client();
    struct shmem_msg m = {.type = SHMEM_MSG_HELLO, .domid = domid};

    snprintf(m.text, sizeof(m.text), "%s", text);
    assert_int_equal(request(fd, m), SHMEM_E_OK);
    return fd;
}

static struct shmem_msg attach(int fd, const char *name, uint32_t pages)
{
    struct shmem_msg m = {.type = SHMEM_MSG_ATTACH, .pages = pages};
    struct shmem_msg r;

    snprintf(m.name, sizeof(m.name), "%s", name);
    put(fd, &m);
    r = get(fd);
    assert_int_equal(r.type, SHMEM_MSG_REPLY);
    return r;
}

static void expect_event(int fd, uint32_t region, uint32_t mask, uint32_t clients)
{
    struct shmem_msg e = get(fd);

    assert_int_equal(e.type, SHMEM_MSG_EVENT);
    assert_int_equal(e.region, region);
    assert_int_equal(e.mask, mask);
    assert_int_equal(e.clients, clients);
}

/* The connection answers SHMEM_E_PROTO and ends. */
static void expect_dropped(int fd, const void *msg, size_t len)
{
    struct shmem_msg r;

    assert_int_equal(send(fd, msg, len, MSG_NOSIGNAL), (ssize_t)len);
    r = get(fd);
    assert_int_equal(r.type, SHMEM_MSG_REPLY);
    assert_int_equal(r.status, SHMEM_E_PROTO);
    assert_int_equal(get(fd).type, 0);
    close(fd);
}

static void test_two_guests(void **state)
{
    int a = hello(5, WINDOW ",create=boot:2");
    int b = hello(6, WINDOW ",allow=r*");
    struct shmem_msg ra, rb;

    (void)state;
    ra = attach(a, "ring", 4);
    assert_int_equal(ra.status, SHMEM_GSS_OK);
    assert_int_equal(ra.idx, 0);
    assert_int_equal(ra.pages, 4);
    assert_int_equal(ra.clients, 1);
    assert_int_equal(ra.gpa, 0x3a000000);
    assert_int_equal(attach(b, "boot", 0).status, SHMEM_GSS_NO_PERMISSION);
    assert_int_equal(attach(b, "rx", 0).status, SHMEM_GSS_DOES_NOT_EXIST);
    rb = attach(b, "ring", 0);
    assert_int_equal(rb.status, SHMEM_GSS_OK);
    assert_int_equal(rb.idx, 1);
    assert_int_equal(rb.clients, 2);
    expect_event(a, ra.region, 0, 2);
    /* b wakes a */
    assert_int_equal(
        request(b, (struct shmem_msg){.type = SHMEM_MSG_NOTIFY, .region = rb.region, .mask = ~0u}),
        SHMEM_E_OK);
    expect_event(a, ra.region, 1u << 1, 2);
    assert_true(quiet(b));
    /* a's region id means nothing on b's connection */
    if (ra.region != rb.region)
        assert_int_equal(
            request(b, (struct shmem_msg){.type = SHMEM_MSG_DETACH, .region = ra.region}),
            SHMEM_E_NOREGION);
    assert_int_equal(request(b, (struct shmem_msg){.type = SHMEM_MSG_NOTIFY, .region = 77}),
                     SHMEM_E_NOREGION);
    assert_int_equal(request(a, (struct shmem_msg){.type = SHMEM_MSG_DETACH, .region = ra.region}),
                     SHMEM_E_OK);
    expect_event(b, rb.region, 0, 1);
    /* a attaches again; then a's connection ends: b hears it */
    ra = attach(a, "ring", 0);
    assert_int_equal(ra.idx, 0);
    expect_event(b, rb.region, 0, 2);
    close(a);
    expect_event(b, rb.region, 0, 1);
    close(b);
}

static void test_hostile(void **state)
{
    struct shmem_msg m = {.type = SHMEM_MSG_HELLO, .domid = 9};
    char small[10] = {1};
    char big[sizeof(struct shmem_msg) + 8];
    int fd;

    (void)state;
    memset(big, 0, sizeof(big));
    strcpy(m.text, WINDOW);
    expect_dropped(client(), small, sizeof(small));
    expect_dropped(client(), big, sizeof(big));
    expect_dropped(client(), &(struct shmem_msg){.type = SHMEM_MSG_ATTACH}, sizeof(m));
    expect_dropped(client(), &(struct shmem_msg){.type = 99}, sizeof(m));
    memset(m.text, 'x', sizeof(m.text)); /* unterminated HELLO text */
    expect_dropped(client(), &m, sizeof(m));
    strcpy(m.text, WINDOW);

    fd = hello(9, WINDOW);
    expect_dropped(fd, &m, sizeof(m)); /* HELLO twice */
    fd = hello(9, WINDOW);             /* the domain's old connection is gone */
    {
        struct shmem_msg a = {.type = SHMEM_MSG_ATTACH, .pages = 1};

        memset(a.name, 'n', sizeof(a.name));
        expect_dropped(fd, &a, sizeof(a));
    }
    fd = hello(9, WINDOW);
    expect_dropped(fd, &(struct shmem_msg){.type = SHMEM_MSG_REPLY}, sizeof(m));
    fd = hello(9, WINDOW);
    expect_dropped(fd, &(struct shmem_msg){.type = SHMEM_MSG_EVENT}, sizeof(m));
    fd = hello(9, WINDOW);
    expect_dropped(fd, &(struct shmem_msg){.type = SHMEM_MSG_ATTACH, .status = 1}, sizeof(m));
    fd = hello(9, WINDOW);
    expect_dropped(fd, &(struct shmem_msg){.type = 0}, sizeof(m));

    /* Refusals that keep the connection. */
    fd = client();
    m.domid = 0;
    assert_int_equal(request(fd, m), SHMEM_E_OPTS);
    m.domid = 9;
    strcpy(m.text, "window=1+2");
    assert_int_equal(request(fd, m), SHMEM_E_OPTS);
    strcpy(m.text, WINDOW);
    assert_int_equal(request(fd, m), SHMEM_E_OK);
    assert_int_equal(attach(fd, "x", 0xffffffffu).status, SHMEM_GSS_NOMEM);
    assert_int_equal(attach(fd, "a/b", 1).status, SHMEM_GSS_ILLEGAL_NAME);
    /* 1000 names: 64 attach, then NOMEM; the broker stays. */
    for (unsigned i = 0, ok = 0; i <= 1000; i++) {
        char name[16];

        if (i == 1000) {
            assert_int_equal(ok, 64);
            break;
        }
        snprintf(name, sizeof(name), "n%u", i);
        ok += attach(fd, name, 1).status == SHMEM_GSS_OK;
    }
    close(fd);
    /* Still serving. */
    fd = hello(10, WINDOW);
    assert_int_equal(attach(fd, "after", 1).status, SHMEM_GSS_OK);
    close(fd);
}

/* ---- --data=emulate: two guests' devices share a region through the broker's memfd ---- */

#define EMU_WIN 0x100000u /* 256 pages, placed by offset: window=0+LEN */

struct guest {
    struct vdev_fake f;
    uint64_t fb, wb; /* factory page, window base */
};

/* A guest's shmem device on the broker connection fd (after HELLO), driven through the
 * dispatcher as in test-shmem. */
static void guest_new(struct guest *g, int fd, uint64_t fb, uint64_t wb)
{
    char spec[160];

    vdev_fake_init(&g->f);
    g->fb = fb;
    g->wb = wb;
    snprintf(spec, sizeof(spec), "shmem,mem=%#llx,spi=40,window=%#llx+%#x,fd=%d",
             (unsigned long long)fb, (unsigned long long)wb, EMU_WIN, fd);
    assert_int_equal(vdev_fake_add(&g->f, spec), 0);
}

static uint64_t g_rd(struct guest *g, uint64_t addr, unsigned size)
{
    enum vdev_disp d;
    uint64_t v = vdev_fake_io(&g->f, VDEV_IOREQ_COPY, addr, size, true, 0, &d);

    assert_int_equal(d, VDEV_DISP_OK);
    return v;
}

static void g_wr(struct guest *g, uint64_t addr, unsigned size, uint64_t v)
{
    enum vdev_disp d;

    vdev_fake_io(&g->f, VDEV_IOREQ_COPY, addr, size, false, v, &d);
    assert_int_equal(d, VDEV_DISP_OK);
}

/* size=pages on name: the broker's status; *ctl_r the control page's address. */
static uint32_t g_attach(struct guest *g, const char *name, uint32_t pages, uint64_t *ctl_r)
{
    char buf[SHMEM_MAX_NAME] = {0};

    snprintf(buf, sizeof(buf), "%s", name);
    for (unsigned i = 0; i < sizeof(buf); i += 8) {
        uint64_t w;

        memcpy(&w, buf + i, 8);
        g_wr(g, g->fb + SHMEM_F_NAME - 4 + i + 4, 4, (uint32_t)w);
        g_wr(g, g->fb + SHMEM_F_NAME + i + 4, 4, (uint32_t)(w >> 32));
    }
    g_wr(g, g->fb + SHMEM_F_SIZE, 4, pages);
    *ctl_r = g_rd(g, g->fb + SHMEM_F_SHMEM, 8);
    return (uint32_t)g_rd(g, g->fb + SHMEM_F_STATUS, 4);
}

/* The event loop: waits for the broker's EVENT and lets the device take it. */
static void g_poll(struct guest *g)
{
    struct vdev *dev = &g->f.dev[0];
    struct pollfd p = {.fd = dev->ops->rx_fd(dev), .events = POLLIN};

    assert_int_equal(poll(&p, 1, 2000), 1);
    dev->ops->rx(dev);
    vdev_flush(dev);
}

static void test_emulate_two_guests(void **state)
{
    char main_sock[PATH_MAX];
    int keep = client(); /* the first broker must not idle out meanwhile */
    struct guest a, b;
    uint64_t ca, cb, cb2;
    pid_t emu;
    int fa, fb;

    (void)state;
    snprintf(main_sock, sizeof(main_sock), "%s", sock);
    snprintf(sock, sizeof(sock), "%s/emu.sock", dir);
    emu = run_broker("--data=emulate", false);
    fa = hello(21, "window=0+0x100000,create=boot:2");
    fb = hello(22, "window=0+0x100000");
    guest_new(&a, fa, 0x9000000, 0x10000000);
    guest_new(&b, fb, 0x9000000, 0x20000000); /* another base: placements are offsets */

    assert_int_equal(g_attach(&a, "ring", 4, &ca), SHMEM_GSS_OK);
    assert_int_equal(ca, 0x10000000);
    assert_int_equal(g_attach(&b, "ring", 0, &cb), SHMEM_GSS_OK);
    assert_int_equal(cb, 0x20000000);
    assert_int_equal(g_rd(&b, b.fb + SHMEM_F_SIZE, 4), 4);
    g_poll(&a); /* b attached: a's line goes up, status says 2 clients */
    assert_int_equal(a.f.irq_level, 1);
    assert_int_equal(g_rd(&a, ca + SHMEM_C_STATUS, 4), 2u << 16);
    assert_int_equal(g_rd(&b, cb + SHMEM_C_IDX, 4), 1);

    /* Data both ways, every width, across the data's page boundary. */
    g_wr(&a, ca + SHMEM_PAGE, 8, 0x1122334455667788ull);
    g_wr(&a, ca + 2 * SHMEM_PAGE - 4, 4, 0xcafef00du);
    g_wr(&a, ca + 2 * SHMEM_PAGE, 2, 0xbeefu);
    assert_int_equal(g_rd(&b, cb + SHMEM_PAGE, 8), 0x1122334455667788ull);
    assert_int_equal(g_rd(&b, cb + SHMEM_PAGE + 6, 2), 0x1122u);
    assert_int_equal(g_rd(&b, cb + 2 * SHMEM_PAGE - 4, 4), 0xcafef00du);
    assert_int_equal(g_rd(&b, cb + 2 * SHMEM_PAGE - 8, 8), 0xcafef00d00000000ull);
    assert_int_equal(g_rd(&b, cb + 2 * SHMEM_PAGE + 1, 1), 0xbe);
    g_wr(&b, cb + 5 * SHMEM_PAGE - 1, 1, 0x42); /* the region's last byte */
    assert_int_equal(g_rd(&a, ca + 5 * SHMEM_PAGE - 8, 8), 0x42ull << 56);
    assert_int_equal(g_rd(&a, ca + 5 * SHMEM_PAGE, 4), 0); /* past it: window */

    /* b notifies a; a's window moves meanwhile (its BAR was moved). */
    g_wr(&b, cb + SHMEM_C_NOTIFY, 4, ~0u);
    g_poll(&a);
    a.f.dev[0].win_base = 0x30000000;
    assert_int_equal(g_rd(&a, a.fb + SHMEM_F_SHMEM, 8), 0x30000000);
    assert_int_equal(g_rd(&a, 0x30000000 + SHMEM_C_STATUS, 4), 2u << 16 | 1u << 1);
    assert_int_equal(g_rd(&a, 0x30000000 + SHMEM_PAGE, 8), 0x1122334455667788ull);

    /* create= regions too; then a detaches ring: b keeps it, a's pages read 0. */
    assert_int_equal(g_attach(&b, "boot", 0, &cb2), SHMEM_GSS_OK);
    assert_int_equal(cb2, 0x20000000 + 5 * SHMEM_PAGE);
    g_wr(&a, 0x30000000 + SHMEM_C_DETACH, 4, 0);
    assert_int_equal(g_rd(&a, 0x30000000 + SHMEM_PAGE, 8), 0);
    g_poll(&b);
    assert_int_equal(g_rd(&b, cb + SHMEM_C_STATUS, 4), 1u << 16);
    assert_int_equal(g_rd(&b, cb + SHMEM_PAGE, 8), 0x1122334455667788ull);
    /* a attaches again: the same data, by offset in its moved window. */
    assert_int_equal(g_attach(&a, "ring", 0, &ca), SHMEM_GSS_OK);
    assert_int_equal(ca, 0x30000000);
    assert_int_equal(g_rd(&a, ca + SHMEM_PAGE + 4, 4), 0x11223344u);
    g_poll(&b);
    assert_int_equal(g_rd(&b, cb + SHMEM_C_STATUS, 4), 2u << 16);

    vdev_fake_dispose(&a.f); /* closes fa: the broker ends a's connection */
    g_poll(&b);
    assert_int_equal(g_rd(&b, cb + SHMEM_C_STATUS, 4), 1u << 16);
    vdev_fake_dispose(&b.f);
    kill(emu, SIGTERM);
    assert_int_equal(waitpid(emu, NULL, 0), emu);
    snprintf(sock, sizeof(sock), "%s", main_sock);
    close(keep);
}

/* The broker's side of it: an OK ATTACH reply carries exactly one memfd, others none. */
static void test_emulate_reply_fd(void **state)
{
    char main_sock[PATH_MAX];
    int keep = client();
    struct shmem_msg m = {.type = SHMEM_MSG_ATTACH, .pages = 3};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(4 * sizeof(int))];
    } ctl;
    struct iovec iov;
    struct msghdr mh;
    struct stat st;
    pid_t emu;
    int fd, got;

    (void)state;
    snprintf(main_sock, sizeof(main_sock), "%s", sock);
    snprintf(sock, sizeof(sock), "%s/emu.sock", dir);
    emu = run_broker("--data=emulate", false);
    fd = hello(23, "window=0+0x10000");
    strcpy(m.name, "r");
    put(fd, &m);
    iov = (struct iovec){.iov_base = &m, .iov_len = sizeof(m)};
    mh = (struct msghdr){
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl)};
    assert_int_equal(recvmsg(fd, &mh, MSG_CMSG_CLOEXEC), sizeof(m));
    assert_int_equal(m.type, SHMEM_MSG_REPLY);
    assert_int_equal(m.status, SHMEM_GSS_OK);
    assert_int_equal(m.flags, SHMEM_ATTACH_EMULATED);
    assert_int_equal(m.gpa, 0);
    assert_non_null(CMSG_FIRSTHDR(&mh));
    assert_int_equal(CMSG_FIRSTHDR(&mh)->cmsg_type, SCM_RIGHTS);
    assert_int_equal(CMSG_FIRSTHDR(&mh)->cmsg_len, CMSG_LEN(sizeof(int)));
    memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
    assert_int_equal(fstat(got, &st), 0);
    assert_int_equal(st.st_size, 3 * SHMEM_PAGE);
    assert_true(fcntl(got, F_GET_SEALS) & F_SEAL_SHRINK);
    close(got);
    /* A refused ATTACH and a DETACH's reply bring none. */
    m = (struct shmem_msg){.type = SHMEM_MSG_ATTACH, .pages = 0};
    strcpy(m.name, "none");
    put(fd, &m);
    mh.msg_controllen = sizeof(ctl);
    assert_int_equal(recvmsg(fd, &mh, 0), sizeof(m));
    assert_int_equal(m.status, SHMEM_GSS_DOES_NOT_EXIST);
    assert_int_equal(mh.msg_controllen, 0);
    close(fd);
    kill(emu, SIGTERM);
    assert_int_equal(waitpid(emu, NULL, 0), emu);
    snprintf(sock, sizeof(sock), "%s", main_sock);
    close(keep);
}

/* A client that never reads is dropped when its socket is full; the notifier never waits. */
static void test_slow_client(void **state)
{
    int a = hello(11, WINDOW);
    int b = hello(12, WINDOW);
    struct shmem_msg rb, m;
    unsigned replies = 0, events = 0;
    bool dropped = false;

    (void)state;
    assert_int_equal(attach(a, "slow", 1).status, SHMEM_GSS_OK);
    rb = attach(b, "slow", 0);
    assert_int_equal(rb.status, SHMEM_GSS_OK);
    for (unsigned i = 0; i < 5000 && !dropped; i++) {
        put(b, &(struct shmem_msg){.type = SHMEM_MSG_NOTIFY, .region = rb.region, .mask = ~0u});
        do {
            m = get(b);
            replies += m.type == SHMEM_MSG_REPLY;
            if (m.type == SHMEM_MSG_EVENT && m.clients == 1)
                dropped = true;
        } while (m.type == SHMEM_MSG_EVENT);
        assert_int_equal(m.status, SHMEM_E_OK);
    }
    assert_true(dropped);
    assert_true(replies < 5000);
    do { /* what a got before the broker gave up on it, then EOF */
        m = get(a);
        events += m.type == SHMEM_MSG_EVENT;
    } while (m.type);
    assert_true(events > 0);
    close(a);
    close(b);
}

/* HELLO binds a connection to a domain: only root may send it (SO_PEERCRED). The socket is
 * opened up here so that another user can connect at all. */
static void test_hello_needs_root(void **state)
{
    pid_t pid;
    int status;

    (void)state;
    if (geteuid() != 0)
        skip();
    assert_int_equal(chmod(dir, 0711), 0);
    assert_int_equal(chmod(sock, 0666), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct shmem_msg m = {.type = SHMEM_MSG_HELLO, .domid = 20};
        struct shmem_msg r;
        int fd;

        strcpy(m.text, WINDOW);
        if (setgid(65534) || setuid(65534))
            _exit(10);
        fd = connect_once();
        if (fd < 0)
            _exit(11);
        if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m) ||
            recv(fd, &r, sizeof(r), 0) != (ssize_t)sizeof(r))
            _exit(12);
        _exit(r.type == SHMEM_MSG_REPLY && r.status == SHMEM_E_PROTO &&
                      recv(fd, &r, sizeof(r), 0) == 0
                  ? 0
                  : 13);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(chmod(sock, 0600), 0);
}

static void test_second_broker(void **state)
{
    (void)state;
    assert_int_equal(run_broker("--foreground", true), 3);
}

static void test_usage(void **state)
{
    (void)state;
    assert_int_equal(run_broker("--max-mib=0", true), 2);
    assert_int_equal(run_broker("--bogus", true), 2);
    assert_int_equal(run_broker("--data=bogus", true), 2);
}

/* Last: no client left, the broker exits 0 after --idle-exit and removes its socket. */
static void test_idle_exit(void **state)
{
    struct stat st;
    int status = -1;

    (void)state;
    for (int i = 0; i < 60; i++) {
        if (waitpid(broker, &status, WNOHANG) == broker)
            break;
        usleep(100000);
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    broker = 0;
    assert_int_not_equal(stat(sock, &st), 0);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(sock, sizeof(sock), "%s/run/qvm-xl/shmemd.sock", dir); /* directories made */
    broker = run_broker("--idle-exit=2", false);
    close(client());
    return 0;
}

static int teardown(void **state)
{
    char cmd[PATH_MAX + 64];

    (void)state;
    if (broker > 0) {
        kill(broker, SIGTERM);
        waitpid(broker, NULL, 0);
    }
    snprintf(cmd, sizeof(cmd), "cat %s/log >&2; rm -rf %s", dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_guests),       cmocka_unit_test(test_emulate_two_guests),
        cmocka_unit_test(test_emulate_reply_fd), cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_slow_client),      cmocka_unit_test(test_hello_needs_root),
        cmocka_unit_test(test_second_broker),    cmocka_unit_test(test_usage),
        cmocka_unit_test(test_idle_exit),
    };
    const char *env = getenv("QVMXL_SHMEMD");
    char self[PATH_MAX];

    (void)argc;
    if (env) {
        snprintf(daemon_path, sizeof(daemon_path), "%s", env);
    } else {
        snprintf(self, sizeof(self), "%s", argv[0]);
        snprintf(daemon_path, sizeof(daemon_path), "%s/../../vdev-backends/qvm-xl-shmemd",
                 dirname(self));
    }
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, setup, teardown);
}
