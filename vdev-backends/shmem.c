/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem.c: qvm's vdev shmem, the guest-visible half. The factory page (at mem=) and the
 * control pages of the regions this guest is attached to (trapped inside its region window,
 * window=) are emulated here; creating, attaching, detaching and notifying are asked of the
 * broker qvm-xl-shmemd over the connected socket fd= (shmem-proto.h, docs/shmem-xen.md), which
 * also maps the data pages (ARM). Where it cannot (x86) it hands over each region's memfd
 * instead, and the data pages are emulated here too, from a mapping of it.
 * docs/shmem-device.md describes the guest's view. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vdev-backends/pci-func.h"
#include "vdev-backends/shmem.h"

extern const struct vdev_ops vdev_shmem_ops;

/* What recv_msg says of a packet's descriptors besides a single one. */
#define FD_NONE (-1)
#define FD_BAD  (-2) /* more than one, cut off, or other ancillary data: all closed */
#define FDS_MAX 8    /* descriptors one packet may bring before it counts as cut off */

/* One attachment of this guest to a region. Its control page is at window offset off, so that
 * the window may move (a PCI BAR) without the device noticing: addresses are made from
 * dev->win_base when the guest reads one. */
struct shmem_conn {
    bool live;
    bool changed;     /* clients changed since the guest last read status */
    uint16_t pending; /* notifiers' bits not yet read */
    uint16_t clients;
    uint32_t region, idx, pages;
    uint64_t off;
    uint8_t *data; /* emulated: the data pages, the broker's memfd mapped; else NULL */
    char name[SHMEM_MAX_NAME];
};

struct shmem {
    int fd; /* the broker; -1 once the link broke */
    int timeout_ms;
    uint32_t vector, status, size;
    bool vector_set;    /* vector= given (else a PCI function's reads its interrupt line) */
    bool have_shmem;    /* the shmem register holds a control page's address ... */
    uint64_t shmem_off; /* ... at this window offset */
    char name[SHMEM_MAX_NAME];
    struct shmem_conn conn[SHMEM_MAX_CONN];
    struct shmem_stats st;
};

static struct shmem *shmem_of(struct vdev *dev)
{
    return dev && dev->ops == &vdev_shmem_ops ? dev->priv : NULL;
}

const struct shmem_stats *shmem_stats(struct vdev *dev)
{
    struct shmem *s = shmem_of(dev);

    return s ? &s->st : NULL;
}

bool shmem_link_up(struct vdev *dev)
{
    struct shmem *s = shmem_of(dev);

    return s && s->fd >= 0;
}

void shmem_set_reply_timeout(struct vdev *dev, int ms)
{
    struct shmem *s = shmem_of(dev);

    if (s)
        s->timeout_ms = ms;
}

/* ---- the interrupt ---- */

/* Level-triggered: high while any connection has something the guest has not read. */
static void update_irq(struct vdev *dev)
{
    const struct shmem *s = dev->priv;
    int level = 0;

    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++)
        if (s->conn[i].live && (s->conn[i].pending || s->conn[i].changed))
            level = 1;
    vdev_set_irq(dev, level);
}

/* The count as status shows it (16 bits; a broker never reports more than SHMEM_MAX_CLIENTS). */
static uint16_t clients16(uint32_t n)
{
    return n > UINT16_MAX ? UINT16_MAX : (uint16_t)n;
}

static struct shmem_conn *conn_by_region(struct shmem *s, uint32_t region)
{
    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++)
        if (s->conn[i].live && s->conn[i].region == region)
            return &s->conn[i];
    return NULL;
}

static void apply_event(struct vdev *dev, const struct shmem_msg *m)
{
    struct shmem *s = dev->priv;
    struct shmem_conn *c = conn_by_region(s, m->region);

    if (!c) {
        s->st.events_unknown++; /* the guest detached it while the event was on its way */
        return;
    }
    s->st.events++;
    c->pending |= (uint16_t)m->mask; /* SHMEM_MAX_CLIENTS bits */
    c->clients = clients16(m->clients);
    c->changed = true;
    update_irq(dev);
}

/* ---- emulated data pages ---- */

static void unmap_data(struct shmem_conn *c)
{
    if (c->data)
        munmap(c->data, (size_t)c->pages * SHMEM_PAGE);
    c->data = NULL;
}

/* A descriptor the device did not ask for, or refused: closed and counted. */
static void drop_fd(struct shmem *s, int fd)
{
    if (fd == FD_NONE)
        return;
    if (fd >= 0)
        close(fd);
    s->st.bad_fds++;
}

/* ---- the broker link ---- */

/* Any failure ends the conversation for good: after a lost or malformed message, replies and
 * requests can no longer be paired. Closing makes the broker drop this domain's regions; their
 * emulated data pages go too, as the broker unmaps mapped ones (they read 0 from then on). */
static void link_down(struct vdev *dev, const char *why)
{
    struct shmem *s = dev->priv;

    if (s->fd < 0)
        return;
    vdev_log(dev, "broker link lost (%s); regions can no longer be created or notified", why);
    close(s->fd);
    s->fd = -1;
    s->st.link_breaks++;
    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++)
        unmap_data(&s->conn[i]);
}

/* The descriptors of a received packet: the only one, FD_NONE, or FD_BAD (anything else: more
 * than one, cut off, or ancillary data of another kind; whatever was installed is closed). */
static int take_fds(struct msghdr *mh)
{
    int fds[FDS_MAX];
    unsigned n = 0;
    bool bad = mh->msg_flags & MSG_CTRUNC;

    for (struct cmsghdr *h = CMSG_FIRSTHDR(mh); h; h = CMSG_NXTHDR(mh, h)) {
        size_t k = h->cmsg_len >= CMSG_LEN(0) ? (h->cmsg_len - CMSG_LEN(0)) / sizeof(int) : 0;

        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) {
            bad = true;
            continue;
        }
        for (size_t i = 0; i < k && n < FDS_MAX; i++)
            memcpy(&fds[n++], CMSG_DATA(h) + i * sizeof(int), sizeof(int));
    }
    if (n == 1 && !bad)
        return fds[0];
    for (unsigned i = 0; i < n; i++)
        close(fds[i]);
    return bad || n ? FD_BAD : FD_NONE;
}

/* One message without waiting: 1 read, 0 none pending, -1 the link broke. Its descriptor (see
 * take_fds) goes to *fd_r; a message that is not taken closes it. */
static int recv_msg(struct vdev *dev, struct shmem_msg *m, int *fd_r)
{
    struct shmem *s = dev->priv;
    char buf[sizeof(*m) + 1]; /* one byte more: a longer packet is seen, not truncated */
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(FDS_MAX * sizeof(int))];
    } ctl;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl)};
    ssize_t n;

    *fd_r = FD_NONE;
    do
        n = recvmsg(s->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n <= 0) {
        link_down(dev, n ? "receive error" : "closed by the broker");
        return -1;
    }
    *fd_r = take_fds(&mh);
    memcpy(m, buf, sizeof(*m) < (size_t)n ? sizeof(*m) : (size_t)n);
    if ((size_t)n != sizeof(*m) || (m->type != SHMEM_MSG_REPLY && m->type != SHMEM_MSG_EVENT)) {
        drop_fd(s, *fd_r);
        *fd_r = FD_NONE;
        link_down(dev, "malformed message");
        return -1;
    }
    return 1;
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends @m and waits for its REPLY, which replaces @m; EVENTs arriving meanwhile are applied
 * at once. The vCPU waits meanwhile (a trapped write completes after its effect). 0, or -1
 * when the link is (now) down. The REPLY's descriptor goes to *fd_r (see take_fds); with
 * fd_r NULL none is expected. */
static int request_fd(struct vdev *dev, struct shmem_msg *m, int *fd_r)
{
    struct shmem *s = dev->priv;
    const int64_t deadline = mono_ms() + s->timeout_ms;

    if (fd_r)
        *fd_r = FD_NONE;
    if (s->fd < 0)
        return -1;
    s->st.requests++;
    if (send(s->fd, m, sizeof(*m), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(*m)) {
        link_down(dev, "send failed");
        return -1;
    }
    /* The deadline bounds a silent broker, the count a broker that sends only EVENTs. */
    for (unsigned n = 0;; n++) {
        struct shmem_msg in;
        int64_t left = deadline - mono_ms();
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        int r = poll(&p, 1, left > 0 ? (int)left : 0);
        int fd;

        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0) {
            link_down(dev, "no reply");
            return -1;
        }
        if (r < 0) {
            link_down(dev, "poll failed");
            return -1;
        }
        r = recv_msg(dev, &in, &fd);
        if (r < 0)
            return -1;
        if (r == 0)
            continue; /* spurious wake-up; the deadline still bounds the wait */
        if (in.type == SHMEM_MSG_REPLY) {
            *m = in;
            if (fd_r)
                *fd_r = fd;
            else
                drop_fd(s, fd);
            return 0;
        }
        drop_fd(s, fd);
        if (n >= SHMEM_EVENTS_PER_REPLY) {
            link_down(dev, "events and no reply");
            return -1;
        }
        apply_event(dev, &in);
    }
}

static int request(struct vdev *dev, struct shmem_msg *m)
{
    return request_fd(dev, m, NULL);
}

static void shmem_rx(struct vdev *dev)
{
    struct shmem *s = dev->priv;

    /* Bounded, so a chatty broker cannot starve the guest's requests; poll calls again. */
    for (unsigned i = 0; i < 64 && s->fd >= 0; i++) {
        struct shmem_msg m;
        int fd;

        if (recv_msg(dev, &m, &fd) <= 0)
            return;
        drop_fd(s, fd);
        if (m.type != SHMEM_MSG_EVENT) {
            link_down(dev, "reply without a request");
            return;
        }
        apply_event(dev, &m);
    }
}

static int shmem_rx_fd(struct vdev *dev)
{
    return ((struct shmem *)dev->priv)->fd;
}

static void send_detach(struct vdev *dev, uint32_t region)
{
    struct shmem_msg m = {.type = SHMEM_MSG_DETACH, .region = region};

    request(dev, &m); /* nothing to tell the guest whatever the answer */
}

/* ---- the factory page ---- */

static bool name_ok(const char *name)
{
    return name[0] && memchr(name, '\0', SHMEM_MAX_NAME);
}

/* Bytes of a connection's pages in the window: its control page and its data pages. */
static uint64_t conn_span(uint32_t pages)
{
    return (uint64_t)SHMEM_PAGE * (1 + (uint64_t)pages);
}

/* The broker's placement, as a window offset (an emulated reply gives one, a mapping broker an
 * address): a page of the window, with the data pages after it inside too, and not over
 * another connection's (or events and accesses would reach the wrong one). */
static bool placement_ok(const struct vdev *dev, const struct shmem_msg *m, bool emulated,
                         uint64_t *off_r)
{
    const struct shmem *s = dev->priv;
    const uint64_t span = conn_span(m->pages);
    const uint64_t off = emulated ? m->gpa : m->gpa - dev->win_base;

    if (m->gpa % SHMEM_PAGE || (!emulated && m->gpa < dev->win_base) || off >= dev->win_len ||
        span > dev->win_len - off)
        return false;
    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++) {
        const struct shmem_conn *c = &s->conn[i];

        if (c->live && off < c->off + conn_span(c->pages) && c->off < off + span)
            return false;
    }
    *off_r = off;
    return true;
}

/* The region's memfd for emulated data pages, mapped; NULL, or why it is refused. Anything
 * but a regular file sealed against shrinking (a memfd) and holding every page is: a file
 * that could shrink under the mapping would fault the backend. */
static const char *map_region(int fd, uint32_t pages, uint8_t **data_r)
{
    const size_t len = (size_t)pages * SHMEM_PAGE;
    struct stat st;
    int seals;
    void *p;

    if (fd == FD_NONE)
        return "no memfd";
    if (fd == FD_BAD)
        return "more than one descriptor, or other ancillary data";
    if (!pages)
        return "no data pages";
    seals = fcntl(fd, F_GET_SEALS);
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || seals < 0 || !(seals & F_SEAL_SHRINK))
        return "not a memfd sealed against shrinking";
    if ((uint64_t)st.st_size < (uint64_t)len)
        return "memfd smaller than the region";
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return "cannot map the memfd";
    *data_r = p;
    return NULL;
}

/* An OK reply's faults: the placement, and the descriptor (exactly one memfd when emulated,
 * none otherwise). NULL when the connection can be used; its data mapped into *data_r. */
static const char *reply_fault(struct vdev *dev, const struct shmem_msg *m, int fd, uint64_t *off_r,
                               uint8_t **data_r)
{
    const bool emulated = m->flags & SHMEM_ATTACH_EMULATED;

    *data_r = NULL;
    if (!placement_ok(dev, m, emulated, off_r))
        return "outside the window or over a region";
    if (!emulated)
        return fd == FD_NONE ? NULL : "a descriptor with mapped data pages";
    return map_region(fd, m->pages, data_r);
}

/* size=N: create or attach name[] with N data pages. */
static void factory_attach(struct vdev *dev, uint32_t pages)
{
    struct shmem *s = dev->priv;
    struct shmem_msg m = {.type = SHMEM_MSG_ATTACH, .pages = pages};
    struct shmem_conn *c = NULL;
    const char *fault;
    uint8_t *data;
    uint64_t off;
    int fd;

    s->size = pages;
    if (!name_ok(s->name)) {
        s->status = SHMEM_GSS_ILLEGAL_NAME;
        return;
    }
    for (unsigned i = 0; i < SHMEM_MAX_CONN && !c; i++)
        if (!s->conn[i].live)
            c = &s->conn[i];
    if (!c) {
        s->status = SHMEM_GSS_NOMEM;
        return;
    }
    memcpy(m.name, s->name, sizeof(m.name));
    if (request_fd(dev, &m, &fd)) {
        s->status = SHMEM_GSS_UNKNOWN_FAILURE;
        return;
    }
    s->status = m.status <= SHMEM_GSS_DOES_NOT_EXIST ? m.status : SHMEM_GSS_UNKNOWN_FAILURE;
    if (s->status != SHMEM_GSS_OK) {
        drop_fd(s, fd);
        return;
    }
    fault = reply_fault(dev, &m, fd, &off, &data);
    if (fd >= 0 && !fault)
        close(fd); /* the mapping keeps the pages */
    else
        drop_fd(s, fd);
    if (fault) {
        vdev_log(dev, "broker placed '%s' at %#llx (+%u pages%s): %s", s->name,
                 (unsigned long long)m.gpa, m.pages,
                 m.flags & SHMEM_ATTACH_EMULATED ? ", emulated" : "", fault);
        s->status = SHMEM_GSS_UNKNOWN_FAILURE;
        send_detach(dev, m.region);
        return;
    }
    *c = (struct shmem_conn){.live = true,
                             .clients = clients16(m.clients),
                             .region = m.region,
                             .idx = m.idx,
                             .pages = m.pages,
                             .off = off,
                             .data = data};
    memcpy(c->name, s->name, sizeof(c->name));
    s->have_shmem = true;
    s->shmem_off = off;
    s->size = m.pages;
}

/* find=N: the N-th live connection (slot order, from 0). */
static void factory_find(struct shmem *s, uint32_t n)
{
    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++) {
        const struct shmem_conn *c = &s->conn[i];

        if (c->live && n-- == 0) {
            s->have_shmem = true;
            s->shmem_off = c->off;
            s->size = c->pages;
            memcpy(s->name, c->name, sizeof(s->name));
            s->status = SHMEM_GSS_OK;
            return;
        }
    }
    s->status = SHMEM_GSS_DOES_NOT_EXIST;
}

/* ---- register access ---- */

static void put_le(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The @size bytes at @off of a register image of @len bytes (zero beyond it), little-endian. */
static uint64_t get_le(const uint8_t *img, unsigned len, uint64_t off, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        if (off + i < len)
            v |= (uint64_t)img[off + i] << (8 * i);
    return v;
}

/* Whether the access [off, off+size) covers the whole register [reg, reg+len). Accesses come
 * naturally aligned (the dispatcher), so 8-byte ones may cover two registers. */
static bool covers(uint64_t off, unsigned size, unsigned reg, unsigned len)
{
    return off <= reg && off + size >= reg + len;
}

/* The register at @reg within the access's value. */
static uint32_t reg_val(uint64_t off, uint64_t val, unsigned reg)
{
    return (uint32_t)(val >> (8 * (reg - off)));
}

static uint64_t factory_read(const struct vdev *dev, uint64_t off, unsigned size)
{
    const struct shmem *s = dev->priv;
    uint8_t img[SHMEM_F_END];

    put_le(img + SHMEM_F_SIGNATURE, 8, SHMEM_SIGNATURE);
    /* Where the window is now: it may have moved since the attach. */
    put_le(img + SHMEM_F_SHMEM, 8, s->have_shmem ? dev->win_base + s->shmem_off : 0);
    /* A PCI function's: the line the guest's firmware wrote (hvmloader: its ISA IRQ). */
    put_le(img + SHMEM_F_VECTOR, 4,
           dev->pci.present && !s->vector_set ? dev->pci.cfg[PCI_FUNC_INTERRUPT_LINE] : s->vector);
    put_le(img + SHMEM_F_STATUS, 4, s->status);
    put_le(img + SHMEM_F_SIZE, 4, s->size);
    memcpy(img + SHMEM_F_NAME, s->name, SHMEM_MAX_NAME);
    put_le(img + SHMEM_F_FIND, 4, 0);
    return get_le(img, sizeof(img), off, size);
}

static void factory_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct shmem *s = dev->priv;
    bool used = false;

    /* name[] first: one 8-byte store may fill its last bytes and start a find. */
    for (unsigned i = 0; i < size; i++) {
        if (off + i >= SHMEM_F_NAME && off + i < SHMEM_F_NAME + SHMEM_MAX_NAME) {
            s->name[off + i - SHMEM_F_NAME] = (char)(val >> (8 * i));
            used = true;
        }
    }
    if (covers(off, size, SHMEM_F_SIZE, 4)) {
        factory_attach(dev, reg_val(off, val, SHMEM_F_SIZE));
        used = true;
    }
    if (covers(off, size, SHMEM_F_FIND, 4)) {
        factory_find(s, reg_val(off, val, SHMEM_F_FIND));
        used = true;
    }
    if (!used)
        s->st.ignored_writes++;
}

/* The live connection whose pages (control and data) hold window offset @woff. */
static struct shmem_conn *conn_over(struct shmem *s, uint64_t woff)
{
    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++) {
        struct shmem_conn *c = &s->conn[i];

        if (c->live && woff >= c->off && woff - c->off < conn_span(c->pages))
            return c;
    }
    return NULL;
}

/* The emulated data byte at window offset @woff, or NULL (a control page, a mapped or
 * detached region, nothing). */
static uint8_t *data_byte(struct shmem *s, uint64_t woff)
{
    struct shmem_conn *c = conn_over(s, woff);

    return c && c->data && woff - c->off >= SHMEM_PAGE ? c->data + (woff - c->off - SHMEM_PAGE)
                                                       : NULL;
}

/* The @size bytes at window offset @woff when the emulated data of @c (conn_over(woff), may be
 * NULL) hold all of them, else NULL. */
static uint8_t *data_span(const struct shmem_conn *c, uint64_t woff, unsigned size)
{
    uint64_t d;

    if (!c || !c->data || woff - c->off < SHMEM_PAGE)
        return NULL;
    d = woff - c->off - SHMEM_PAGE;
    return size <= (uint64_t)c->pages * SHMEM_PAGE - d ? c->data + d : NULL;
}

/* The other guest's backend writes the same pages at the same time: a naturally aligned access
 * is one atomic load or store (never torn, as on RAM); an unaligned one may tear, as it may on
 * RAM too. The data are little-endian, as the guest's are. */
static uint64_t data_load(const uint8_t *p, unsigned size)
{
    uint8_t b[8];

    if ((uintptr_t)p % size == 0) {
        switch (size) {
        case 1:
            return __atomic_load_n(p, __ATOMIC_RELAXED);
        case 2:
            return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
        case 4:
            return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
        case 8:
            return __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
        }
    }
    memcpy(b, p, size);
    return get_le(b, size, 0, size);
}

static void data_store(uint8_t *p, unsigned size, uint64_t v)
{
    uint8_t b[8];

    if ((uintptr_t)p % size == 0) {
        switch (size) {
        case 1:
            __atomic_store_n(p, (uint8_t)v, __ATOMIC_RELAXED);
            return;
        case 2:
            __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED);
            return;
        case 4:
            __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED);
            return;
        case 8:
            __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED);
            return;
        }
    }
    put_le(b, size, v);
    memcpy(p, b, size);
}

/* A read of emulated data pages at window offset @woff (not a control page). An access that
 * leaves one region's data (past its end, into a control page or a gap) takes the bytes that
 * are data one by one and reads 0 for the rest. False when no byte is data (a stray read). */
static bool data_read(struct shmem *s, const struct shmem_conn *c, uint64_t woff, unsigned size,
                      uint64_t *v_r)
{
    uint8_t *p = data_span(c, woff, size);
    bool hit = false;

    *v_r = 0;
    if (p) {
        *v_r = data_load(p, size);
        return true;
    }
    for (unsigned i = 0; i < size; i++) {
        p = data_byte(s, woff + i);
        if (p) {
            *v_r |= (uint64_t)data_load(p, 1) << (8 * i);
            hit = true;
        }
    }
    return hit;
}

/* The write that goes with data_read: bytes that are not data are dropped. */
static bool data_write(struct shmem *s, const struct shmem_conn *c, uint64_t woff, unsigned size,
                       uint64_t v)
{
    uint8_t *p = data_span(c, woff, size);
    bool hit = false;

    if (p) {
        data_store(p, size, v);
        return true;
    }
    for (unsigned i = 0; i < size; i++) {
        p = data_byte(s, woff + i);
        if (p) {
            data_store(p, 1, v >> (8 * i));
            hit = true;
        }
    }
    return hit;
}

static uint64_t control_read(struct vdev *dev, struct shmem_conn *c, uint64_t off, unsigned size)
{
    uint8_t img[16] = {0};

    put_le(img + SHMEM_C_STATUS, 4, (uint32_t)c->clients << 16 | c->pending);
    put_le(img + SHMEM_C_IDX, 4, c->idx);
    /* Reading the pending half of status acknowledges it (a 1-byte peek does not). */
    if (covers(off, size, SHMEM_C_STATUS, 2)) {
        c->pending = 0;
        c->changed = false;
        update_irq(dev);
    }
    return get_le(img, sizeof(img), off, size);
}

static void control_write(struct vdev *dev, struct shmem_conn *c, uint64_t off, unsigned size,
                          uint64_t val)
{
    struct shmem *s = dev->priv;
    bool used = false;

    if (covers(off, size, SHMEM_C_NOTIFY, 4)) {
        struct shmem_msg m = {.type = SHMEM_MSG_NOTIFY,
                              .region = c->region,
                              .mask = reg_val(off, val, SHMEM_C_NOTIFY)};

        request(dev, &m); /* the control page has no register for its answer */
        used = true;
    }
    if (covers(off, size, SHMEM_C_DETACH, 4)) {
        /* Forgotten whatever the broker says: the guest is done with it. */
        c->live = false;
        unmap_data(c);
        send_detach(dev, c->region);
        update_irq(dev);
        used = true;
    }
    if (!used)
        s->st.ignored_writes++;
}

/* Window accesses: offsets past the factory page are window offsets (the dispatcher's, from
 * the window's base at the time of the access). Any width and alignment is served, whatever
 * the dispatcher lets through. */
static uint64_t shmem_read(struct vdev *dev, uint64_t offset, unsigned size)
{
    struct shmem *s = dev->priv;
    uint64_t woff = offset - SHMEM_PAGE;
    struct shmem_conn *c;
    uint64_t v;

    if (offset < SHMEM_PAGE)
        return factory_read(dev, offset, size);
    c = conn_over(s, woff);
    if (c && woff - c->off < SHMEM_PAGE)
        return control_read(dev, c, woff - c->off, size);
    if (data_read(s, c, woff, size, &v)) {
        s->st.data_reads++;
        return v;
    }
    s->st.stray_reads++;
    return 0;
}

static void shmem_write(struct vdev *dev, uint64_t offset, unsigned size, uint64_t val)
{
    struct shmem *s = dev->priv;
    uint64_t woff = offset - SHMEM_PAGE;
    struct shmem_conn *c;

    if (offset < SHMEM_PAGE) {
        factory_write(dev, offset, size, val);
        return;
    }
    c = conn_over(s, woff);
    if (c && woff - c->off < SHMEM_PAGE)
        control_write(dev, c, woff - c->off, size, val);
    else if (data_write(s, c, woff, size, val))
        s->st.data_writes++;
    else
        s->st.stray_writes++;
}

/* ---- options ---- */

/* window=BASE+LEN: page-aligned, non-empty, inside the address space, clear of the factory. */
static int take_window(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    const char *v = vdev_opts_take(o, "window");
    const char *plus = v ? strchr(v, '+') : NULL;
    char base_s[32];
    uint64_t base, len;

    if (!v) {
        if (err)
            fprintf(err, "shmem: window=BASE+LEN is required\n");
        return VDEV_ERR_INVAL;
    }
    if (!plus || (size_t)(plus - v) >= sizeof(base_s))
        goto bad;
    memcpy(base_s, v, (size_t)(plus - v));
    base_s[plus - v] = '\0';
    if (vdev_parse_u64(base_s, &base) || vdev_parse_u64(plus + 1, &len))
        goto bad;
    if (base % SHMEM_PAGE || len % SHMEM_PAGE || !len) {
        if (err)
            fprintf(err, "shmem: window=%s: base and length must be non-zero multiples of %u\n", v,
                    SHMEM_PAGE);
        return VDEV_ERR_INVAL;
    }
    if (len - 1 > UINT64_MAX - base) {
        if (err)
            fprintf(err, "shmem: window=%s: ends beyond the address space\n", v);
        return VDEV_ERR_INVAL;
    }
    /* A PCI function's window is its BAR2, placed by the guest (window=0+LEN: its size; the
     * base counts only as offsets, pci-func.c keeps BARs apart). */
    if (!dev->pci.present && dev->base <= base + (len - 1) && base <= dev->base + (dev->len - 1)) {
        if (err)
            fprintf(err, "shmem: window=%s overlaps the factory page (mem=)\n", v);
        return VDEV_ERR_INVAL;
    }
    dev->win_base = base;
    dev->win_len = len;
    return 0;
bad:
    if (err)
        fprintf(err, "shmem: window=%s: expected BASE+LEN\n", v);
    return VDEV_ERR_INVAL;
}

/* fd=N: the toolstack's connection to the broker, a SOCK_SEQPACKET socket. */
static int take_fd(struct shmem *s, struct vdev_opts *o, FILE *err)
{
    uint64_t fd;
    int type = 0;
    socklen_t tl = sizeof(type);
    int r = vdev_opts_take_u64(o, "fd", 0, INT32_MAX, &fd, err);

    if (r < 0)
        return VDEV_ERR_INVAL;
    if (r == 0) {
        if (err)
            fprintf(err, "shmem: fd=N (the broker connection) is required\n");
        return VDEV_ERR_INVAL;
    }
    if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &tl) || type != SOCK_SEQPACKET) {
        if (err)
            fprintf(err, "shmem: fd=%d is not a SOCK_SEQPACKET socket\n", (int)fd);
        return VDEV_ERR_INVAL;
    }
    s->fd = (int)fd;
    return 0;
}

static int shmem_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    struct shmem *s = dev->priv;
    uint64_t vector = dev->spi >= 0 ? (uint64_t)dev->spi : dev->isa_irq >= 0 ? dev->isa_irq : 0;
    int rc;

    s->fd = -1;
    s->timeout_ms = SHMEM_REPLY_TIMEOUT_MS;
    if (dev->space != VDEV_SPACE_MMIO) {
        if (err)
            fprintf(err, "shmem: the factory page needs mem=, not io=\n");
        return VDEV_ERR_INVAL;
    }
    rc = take_window(dev, o, err);
    if (rc)
        return rc;
    rc = vdev_opts_take_u64(o, "vector", 0, UINT32_MAX, &vector, err);
    if (rc < 0)
        return VDEV_ERR_INVAL;
    s->vector = (uint32_t)vector;
    s->vector_set = rc > 0;
    return take_fd(s, o, err); /* last: the device owns the fd from here on */
}

static void shmem_teardown(struct vdev *dev)
{
    struct shmem *s = dev->priv;

    if (s->fd >= 0)
        close(s->fd); /* the broker detaches whatever this domain still had */
    s->fd = -1;
    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++)
        unmap_data(&s->conn[i]);
}

/* qvm's x86 device (vendor 0x1C05, device 0x0001: docs/shmem-device.md), a memory
 * controller of no standard kind. */
static const struct vdev_pci_id shmem_pci_id = {
    .vendor = 0x1c05, .device = 0x0001, .class_code = 0x058000};

const struct vdev_ops vdev_shmem_ops = {
    .name = "shmem",
    .help = "mem=ADDR or pci=0:D (required), spi=N, window=BASE+LEN (required), fd=N (required), "
            "vector=N",
    .space = VDEV_SPACE_MMIO,
    .has_default_base = false,
    .len = SHMEM_PAGE,
    /* The guest reads signature and shmem as 64-bit loads or as two 32-bit ones, and fills
     * name[] with any width: every naturally aligned access reaches us as it is (narrow_from
     * 1: offset 0 arrives as 8 bytes, masked, which is all a signature read needs). The
     * registers' side effects are decided here, by which registers an access covers whole.
     * The window (control and emulated data pages) takes any width at any offset: the
     * guest's memcpy into a region is not always aligned (docs/shmem-device.md). */
    .reg_width = 8,
    .narrow_from = 1,
    .any_align_from = SHMEM_PAGE,
    .priv_size = sizeof(struct shmem),
    .pci = &shmem_pci_id,
    .init = shmem_init,
    .read = shmem_read,
    .write = shmem_write,
    .teardown = shmem_teardown,
    .rx = shmem_rx,
    .rx_fd = shmem_rx_fd,
};
