/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem.c: qvm's vdev shmem, the guest-visible half. The factory page (at mem=) and the
 * control pages of the regions this guest is attached to (trapped inside its region window,
 * window=) are emulated here; creating, attaching, detaching and notifying are asked of the
 * broker qvm-xl-shmemd over the connected socket fd= (shmem-proto.h, docs/shmem-xen.md), which
 * also maps the data pages. docs/shmem-device.md describes the guest's view. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vdev-backends/shmem.h"

extern const struct vdev_ops vdev_shmem_ops;

/* One attachment of this guest to a region; its control page is at gpa. */
struct shmem_conn {
    bool live;
    bool changed;     /* clients changed since the guest last read status */
    uint16_t pending; /* notifiers' bits not yet read */
    uint16_t clients;
    uint32_t region, idx, pages;
    uint64_t gpa;
    char name[SHMEM_MAX_NAME];
};

struct shmem {
    int fd; /* the broker; -1 once the link broke */
    int timeout_ms;
    uint32_t vector, status, size;
    uint64_t shmem;
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

/* ---- the broker link ---- */

/* Any failure ends the conversation for good: after a lost or malformed message, replies and
 * requests can no longer be paired. Closing makes the broker drop this domain's regions. */
static void link_down(struct vdev *dev, const char *why)
{
    struct shmem *s = dev->priv;

    if (s->fd < 0)
        return;
    vdev_log(dev, "broker link lost (%s); regions can no longer be created or notified", why);
    close(s->fd);
    s->fd = -1;
    s->st.link_breaks++;
}

/* One message without waiting: 1 read, 0 none pending, -1 the link broke. */
static int recv_msg(struct vdev *dev, struct shmem_msg *m)
{
    struct shmem *s = dev->priv;
    char buf[sizeof(*m) + 1]; /* one byte more: a longer packet is seen, not truncated */
    ssize_t n;

    do
        n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n <= 0) {
        link_down(dev, n ? "receive error" : "closed by the broker");
        return -1;
    }
    memcpy(m, buf, sizeof(*m) < (size_t)n ? sizeof(*m) : (size_t)n);
    if ((size_t)n != sizeof(*m) || (m->type != SHMEM_MSG_REPLY && m->type != SHMEM_MSG_EVENT)) {
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
 * when the link is (now) down. */
static int request(struct vdev *dev, struct shmem_msg *m)
{
    struct shmem *s = dev->priv;
    const int64_t deadline = mono_ms() + s->timeout_ms;

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
        r = recv_msg(dev, &in);
        if (r < 0)
            return -1;
        if (r == 0)
            continue; /* spurious wake-up; the deadline still bounds the wait */
        if (in.type == SHMEM_MSG_REPLY) {
            *m = in;
            return 0;
        }
        if (n >= SHMEM_EVENTS_PER_REPLY) {
            link_down(dev, "events and no reply");
            return -1;
        }
        apply_event(dev, &in);
    }
}

static void shmem_rx(struct vdev *dev)
{
    struct shmem *s = dev->priv;

    /* Bounded, so a chatty broker cannot starve the guest's requests; poll calls again. */
    for (unsigned i = 0; i < 64 && s->fd >= 0; i++) {
        struct shmem_msg m;

        if (recv_msg(dev, &m) <= 0)
            return;
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

/* The broker's placement: a page of the window, with the data pages after it inside too, and
 * not over another connection's (or events and accesses would reach the wrong one). */
static bool placement_ok(const struct vdev *dev, const struct shmem_msg *m)
{
    const struct shmem *s = dev->priv;
    const uint64_t span = (uint64_t)SHMEM_PAGE * (1 + (uint64_t)m->pages);
    const uint64_t off = m->gpa - dev->win_base;

    if (m->gpa % SHMEM_PAGE || m->gpa < dev->win_base || off >= dev->win_len ||
        span > dev->win_len - off)
        return false;
    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++) {
        const struct shmem_conn *c = &s->conn[i];

        if (c->live && m->gpa < c->gpa + SHMEM_PAGE * (1 + (uint64_t)c->pages) &&
            c->gpa < m->gpa + span)
            return false;
    }
    return true;
}

/* size=N: create or attach name[] with N data pages. */
static void factory_attach(struct vdev *dev, uint32_t pages)
{
    struct shmem *s = dev->priv;
    struct shmem_msg m = {.type = SHMEM_MSG_ATTACH, .pages = pages};
    struct shmem_conn *c = NULL;

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
    if (request(dev, &m)) {
        s->status = SHMEM_GSS_UNKNOWN_FAILURE;
        return;
    }
    s->status = m.status <= SHMEM_GSS_DOES_NOT_EXIST ? m.status : SHMEM_GSS_UNKNOWN_FAILURE;
    if (s->status != SHMEM_GSS_OK)
        return;
    if (!placement_ok(dev, &m)) {
        vdev_log(dev,
                 "broker placed '%s' at %#llx (+%u pages): outside the window or over a region",
                 s->name, (unsigned long long)m.gpa, m.pages);
        s->status = SHMEM_GSS_UNKNOWN_FAILURE;
        send_detach(dev, m.region);
        return;
    }
    *c = (struct shmem_conn){.live = true,
                             .clients = clients16(m.clients),
                             .region = m.region,
                             .idx = m.idx,
                             .pages = m.pages,
                             .gpa = m.gpa};
    memcpy(c->name, s->name, sizeof(c->name));
    s->shmem = m.gpa;
    s->size = m.pages;
}

/* find=N: the N-th live connection (slot order, from 0). */
static void factory_find(struct shmem *s, uint32_t n)
{
    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++) {
        const struct shmem_conn *c = &s->conn[i];

        if (c->live && n-- == 0) {
            s->shmem = c->gpa;
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

static uint64_t factory_read(const struct shmem *s, uint64_t off, unsigned size)
{
    uint8_t img[SHMEM_F_END];

    put_le(img + SHMEM_F_SIGNATURE, 8, SHMEM_SIGNATURE);
    put_le(img + SHMEM_F_SHMEM, 8, s->shmem);
    put_le(img + SHMEM_F_VECTOR, 4, s->vector);
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

/* The live connection whose control page is at window offset @woff (page-aligned). */
static struct shmem_conn *conn_at(const struct vdev *dev, uint64_t woff)
{
    struct shmem *s = dev->priv;

    for (unsigned i = 0; i < SHMEM_MAX_CONN; i++)
        if (s->conn[i].live && s->conn[i].gpa - dev->win_base == woff)
            return &s->conn[i];
    return NULL;
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
        send_detach(dev, c->region);
        update_irq(dev);
        used = true;
    }
    if (!used)
        s->st.ignored_writes++;
}

static uint64_t shmem_read(struct vdev *dev, uint64_t offset, unsigned size)
{
    struct shmem *s = dev->priv;
    uint64_t woff = offset - SHMEM_PAGE;
    struct shmem_conn *c;

    if (offset < SHMEM_PAGE)
        return factory_read(s, offset, size);
    c = conn_at(dev, woff - woff % SHMEM_PAGE);
    if (!c) {
        s->st.stray_reads++;
        return 0;
    }
    return control_read(dev, c, woff % SHMEM_PAGE, size);
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
    c = conn_at(dev, woff - woff % SHMEM_PAGE);
    if (!c) {
        s->st.stray_writes++;
        return;
    }
    control_write(dev, c, woff % SHMEM_PAGE, size, val);
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
    if (dev->base <= base + (len - 1) && base <= dev->base + (dev->len - 1)) {
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
    if (vdev_opts_take_u64(o, "vector", 0, UINT32_MAX, &vector, err) < 0)
        return VDEV_ERR_INVAL;
    s->vector = (uint32_t)vector;
    return take_fd(s, o, err); /* last: the device owns the fd from here on */
}

static void shmem_teardown(struct vdev *dev)
{
    struct shmem *s = dev->priv;

    if (s->fd >= 0)
        close(s->fd); /* the broker detaches whatever this domain still had */
    s->fd = -1;
}

const struct vdev_ops vdev_shmem_ops = {
    .name = "shmem",
    .help = "mem=ADDR (required), spi=N, window=BASE+LEN (required), fd=N (required), vector=N",
    .space = VDEV_SPACE_MMIO,
    .has_default_base = false,
    .len = SHMEM_PAGE,
    /* The guest reads signature and shmem as 64-bit loads or as two 32-bit ones, and fills
     * name[] with any width: every naturally aligned access reaches us as it is (narrow_from
     * 1: offset 0 arrives as 8 bytes, masked, which is all a signature read needs). The
     * registers' side effects are decided here, by which registers an access covers whole. */
    .reg_width = 8,
    .narrow_from = 1,
    .priv_size = sizeof(struct shmem),
    .init = shmem_init,
    .read = shmem_read,
    .write = shmem_write,
    .teardown = shmem_teardown,
    .rx = shmem_rx,
    .rx_fd = shmem_rx_fd,
};
