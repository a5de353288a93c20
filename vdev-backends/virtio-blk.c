/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-blk.c: virtio block device on virtio-mmio, over a host file or block device. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vdev-backends/virtio-blk.h"
#include "vdev-backends/virtio-mmio.h"

extern const struct vdev_ops vdev_virtio_blk_ops;

struct vblk {
    struct virtio_mmio vm; /* first: virtio_mmio_of() */
    struct virtio_dev_ops ops;
    int fd;
    bool ro;
    uint64_t capacity;    /* sectors */
    uint64_t resume_at;   /* when leftover chains are served; VDEV_NO_DEADLINE: none */
    uint64_t host_errors; /* failed preads, pwrites and syncs (the first is logged) */
    uint8_t config[VBLK_CONFIG_LEN];
    uint8_t id[VBLK_ID_BYTES];
    struct vq_chain ch;
    struct iovec iov[IOV_MAX]; /* a request's data in guest memory, for preadv/pwritev */
    uint64_t direct, bounced;  /* data requests served each way (tests, log) */
    uint8_t bounce[VBLK_CHUNK];
};

/* A position in a run of a chain's buffers. */
struct cursor {
    const struct vq_buf *b, *end;
    uint64_t off; /* into *b */
};

/* Copies @len bytes between @p and the buffers under @c, advancing it. 0, or -1 when guest
 * memory refuses or the buffers end first (the callers size @len so they never do). */
static int cursor_copy(const struct vq_guest *g, struct cursor *c, uint8_t *p, size_t len,
                       bool to_guest)
{
    while (len) {
        uint64_t k;

        if (c->b == c->end)
            return -1;
        k = c->b->len - c->off;
        if (!k) {
            c->b++;
            c->off = 0;
            continue;
        }
        if (k > len)
            k = len;
        if (to_guest ? vq_write(g, c->b->gpa + c->off, p, k) : vq_read(g, c->b->gpa + c->off, p, k))
            return -1;
        p += k;
        len -= k;
        c->off += k;
    }
    return 0;
}

static void host_error(struct vblk *b, const char *what)
{
    if (!b->host_errors++)
        vdev_log(b->vm.dev, "%s: %s (reported to the guest as IOERR; later ones not logged)", what,
                 strerror(errno));
}

/* preadv/pwritev of the @n entries at @v (consumed; short transfers continue, EINTR retries).
 * 0 or -1. */
static int file_iov(struct vblk *b, struct iovec *v, unsigned n, uint64_t pos, bool write)
{
    while (n) {
        ssize_t k =
            write ? pwritev(b->fd, v, (int)n, (off_t)pos) : preadv(b->fd, v, (int)n, (off_t)pos);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO; /* the file shrank under us */
            host_error(b, write ? "pwritev" : "preadv");
            return -1;
        }
        pos += (uint64_t)k;
        while (n && (size_t)k >= v->iov_len) {
            k -= (ssize_t)v->iov_len;
            v++;
            n--;
        }
        if (n) {
            v->iov_base = (uint8_t *)v->iov_base + k;
            v->iov_len -= (size_t)k;
        }
    }
    return 0;
}

/* Exactly @len bytes at @p (the bounce buffer). 0 or -1. */
static int file_io(struct vblk *b, uint8_t *p, size_t len, uint64_t pos, bool write)
{
    struct iovec v = {.iov_base = p, .iov_len = len};

    return file_iov(b, &v, len != 0, pos, write);
}

/* The first @len bytes of the buffers from @c on, as host addresses in b->iov: the entry count,
 * or -1 when they cannot be gathered (a mapper that keeps no pointers, a mapping replaced while
 * gathering, too many pieces, memory that is not RAM): the caller then copies through the
 * bounce buffer, which also finds the guest's errors. */
static int gather(struct vblk *b, struct cursor c, uint64_t len, bool to_guest)
{
    const struct vq_guest *g = &b->vm.guest;
    const uint64_t gen = vq_generation(g);
    unsigned n = 0;

    while (len) {
        uint64_t k;

        if (c.b == c.end)
            return -1;
        k = c.b->len - c.off < len ? c.b->len - c.off : len;
        if (k && vq_iov(g, c.b->gpa + c.off, k, to_guest, b->iov, IOV_MAX, &n))
            return -1;
        len -= k;
        c.b++;
        c.off = 0;
    }
    return vq_generation(g) == gen ? (int)n : -1;
}

static int sync_file(struct vblk *b)
{
    if (fdatasync(b->fd) == 0)
        return 0;
    host_error(b, "fdatasync");
    return -1;
}

/* What one request did: the status byte, the bytes written into the guest's data buffers, or a
 * guest memory failure (the device then needs a reset). */
struct outcome {
    uint8_t status;
    uint64_t written;
    bool mem_err;
};

/* @len data bytes at @sector: whole sectors, no overflow, inside the disk, not too many. */
static bool range_ok(const struct vblk *b, uint64_t sector, uint64_t len)
{
    return len % VBLK_SECTOR == 0 && len <= VBLK_MAX_REQ_BYTES && sector <= b->capacity &&
           len / VBLK_SECTOR <= b->capacity - sector;
}

/* The @len data bytes of a request at @pos, straight between the file and the guest's buffers
 * from @c (@to_guest: a read). false when they cannot be gathered and the caller must bounce them
 * (nothing was done); true when served, the outcome in @o. */
static bool direct(struct vblk *b, struct cursor c, uint64_t len, uint64_t pos, bool to_guest,
                   struct outcome *o)
{
    int n = len ? gather(b, c, len, to_guest) : -1;

    if (n < 0) {
        b->bounced += len != 0;
        return false;
    }
    b->direct++;
    if (file_iov(b, b->iov, (unsigned)n, pos, !to_guest))
        o->status = VIRTIO_BLK_S_IOERR;
    else if (to_guest)
        o->written = len;
    return true;
}

/* T_IN: the file into the device-writable buffers, all but the status byte. */
static void do_in(struct vblk *b, const struct vq_chain *ch, uint64_t sector, struct outcome *o)
{
    struct cursor w = {ch->buf + ch->n_out, ch->buf + ch->n, 0};
    uint64_t len = ch->in_len - 1, pos = sector * VBLK_SECTOR;

    if (ch->out_len != VBLK_HDR_LEN || !range_ok(b, sector, len)) {
        o->status = VIRTIO_BLK_S_IOERR;
        return;
    }
    if (direct(b, w, len, pos, true, o))
        return;
    while (len) {
        size_t k = len < VBLK_CHUNK ? (size_t)len : VBLK_CHUNK;

        if (file_io(b, b->bounce, k, pos, false)) {
            o->status = VIRTIO_BLK_S_IOERR;
            return;
        }
        if (cursor_copy(&b->vm.guest, &w, b->bounce, k, true)) {
            o->mem_err = true;
            return;
        }
        o->written += k;
        pos += k;
        len -= k;
    }
}

/* T_OUT: the device-readable buffers after the header (@r) into the file. Without FLUSH
 * negotiated the driver cannot ask for durability, so writes are write-through (as QEMU). */
static void do_out(struct vblk *b, const struct vq_chain *ch, struct cursor *r, uint64_t sector,
                   struct outcome *o)
{
    uint64_t len = ch->out_len - VBLK_HDR_LEN, pos = sector * VBLK_SECTOR;

    /* §5.2.6.2: a read-only device fails writes without writing anything. */
    if (b->ro || ch->in_len != 1 || !range_ok(b, sector, len)) {
        o->status = VIRTIO_BLK_S_IOERR;
        return;
    }
    if (direct(b, *r, len, pos, false, o))
        len = 0; /* only the sync below is left */
    while (len) {
        size_t k = len < VBLK_CHUNK ? (size_t)len : VBLK_CHUNK;

        if (cursor_copy(&b->vm.guest, r, b->bounce, k, false)) {
            o->mem_err = true;
            return;
        }
        if (file_io(b, b->bounce, k, pos, true)) {
            o->status = VIRTIO_BLK_S_IOERR;
            return;
        }
        pos += k;
        len -= k;
    }
    if (!(b->vm.driver_features & (1ull << VIRTIO_BLK_F_FLUSH)) && sync_file(b))
        o->status = VIRTIO_BLK_S_IOERR;
}

static void do_flush(struct vblk *b, const struct vq_chain *ch, struct outcome *o)
{
    if (ch->out_len != VBLK_HDR_LEN || ch->in_len != 1 || sync_file(b))
        o->status = VIRTIO_BLK_S_IOERR;
}

/* T_GET_ID: the id string, cut to the room the driver gave (as QEMU). */
static void do_get_id(struct vblk *b, const struct vq_chain *ch, struct outcome *o)
{
    struct cursor w = {ch->buf + ch->n_out, ch->buf + ch->n, 0};
    size_t n = ch->in_len - 1 < VBLK_ID_BYTES ? (size_t)(ch->in_len - 1) : VBLK_ID_BYTES;

    if (ch->out_len != VBLK_HDR_LEN) {
        o->status = VIRTIO_BLK_S_IOERR;
        return;
    }
    if (cursor_copy(&b->vm.guest, &w, b->id, n, true)) {
        o->mem_err = true;
        return;
    }
    o->written = n;
}

/* The status byte's place: the last byte of the last non-empty device-writable buffer. */
static bool status_at(const struct vq_chain *ch, uint64_t *gpa_r)
{
    for (unsigned i = ch->n; i > ch->n_out; i--) {
        const struct vq_buf *w = &ch->buf[i - 1];

        if (w->len) {
            *gpa_r = w->gpa + w->len - 1;
            return true;
        }
    }
    return false;
}

static uint32_t le32_at(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Serves one chain. A chain without a whole header or without a status byte is not a request
 * that can be answered: VQ_ERR_FLAGS (the device needs a reset, as in QEMU). Everything else
 * is answered with a status; *used_r is what the device wrote (data and status). */
static enum vq_err serve(struct vblk *b, const struct vq_chain *ch, uint32_t *used_r)
{
    struct cursor r = {ch->buf, ch->buf + ch->n_out, 0};
    struct outcome o = {.status = VIRTIO_BLK_S_OK};
    uint8_t hdr[VBLK_HDR_LEN];
    uint64_t st_gpa, sector;

    if (ch->out_len < VBLK_HDR_LEN || !status_at(ch, &st_gpa))
        return VQ_ERR_FLAGS;
    if (cursor_copy(&b->vm.guest, &r, hdr, sizeof(hdr), false))
        return VQ_ERR_MEM;
    sector = le32_at(hdr + 8) | (uint64_t)le32_at(hdr + 12) << 32;
    switch (le32_at(hdr)) {
    case VIRTIO_BLK_T_IN:
        do_in(b, ch, sector, &o);
        break;
    case VIRTIO_BLK_T_OUT:
        do_out(b, ch, &r, sector, &o);
        break;
    case VIRTIO_BLK_T_FLUSH:
        do_flush(b, ch, &o);
        break;
    case VIRTIO_BLK_T_GET_ID:
        do_get_id(b, ch, &o);
        break;
    default:
        o.status = VIRTIO_BLK_S_UNSUPP;
        break;
    }
    if (o.mem_err || vq_write(&b->vm.guest, st_gpa, &o.status, 1))
        return VQ_ERR_MEM;
    *used_r = (uint32_t)(o.written + 1); /* written <= VBLK_MAX_REQ_BYTES */
    return VQ_OK;
}

/* The data bytes a chain may move: all but header and status, and never more than
 * VBLK_MAX_REQ_BYTES (a larger request is refused unread). */
static uint64_t chain_cost(const struct vq_chain *ch)
{
    uint64_t n = ch->out_len + ch->in_len;

    n = n > VBLK_HDR_LEN + 1 ? n - VBLK_HDR_LEN - 1 : 0;
    return n < VBLK_MAX_REQ_BYTES ? n : VBLK_MAX_REQ_BYTES;
}

/* One batch: chains in order until VBLK_BATCH_BYTES or the queue's size in descriptors is
 * spent; if chains are left, they are served from the timer VBLK_RESUME_NS after @now. */
static void run(struct vblk *b, uint64_t now)
{
    struct virtqueue *vq = &b->vm.vq[VBLK_REQQ];
    unsigned budget = vq->num;
    uint64_t bytes = 0;
    enum vq_err e = VQ_OK;
    bool used = false;
    int r;

    b->resume_at = VDEV_NO_DEADLINE;
    do {
        while ((r = vq_pop(vq, &b->ch, &budget)) > 0) {
            uint32_t n = 0;

            if (bytes && chain_cost(&b->ch) > VBLK_BATCH_BYTES - bytes) {
                vq_unpop(vq); /* r stays 1: the timer goes on, notifications off */
                break;
            }
            bytes += chain_cost(&b->ch);
            e = serve(b, &b->ch, &n);
            if (!e)
                e = vq_push(vq, b->ch.head, n);
            if (e)
                break;
            used = true;
        }
    } while (!e && virtio_mmio_queue_rearm(&b->vm, VBLK_REQQ, used, &budget, &r));
    if (!virtio_mmio_queue_done(&b->vm, VBLK_REQQ, used, e, r) && vq_pending(vq) != 0)
        b->resume_at = now + VBLK_RESUME_NS;
}

static void vblk_notify(struct virtio_mmio *vm, unsigned q)
{
    struct vblk *b = (struct vblk *)vm;

    if (q == VBLK_REQQ)
        run(b, vdev_now(vm->dev));
}

static uint64_t vblk_timer(struct vdev *dev, uint64_t now)
{
    struct vblk *b = dev->priv;
    uint64_t poll;

    (void)virtio_mmio_timer(dev, now); /* a poll's pass may also end a resumption */
    if (b->resume_at <= now) {
        b->resume_at = VDEV_NO_DEADLINE;
        /* After a reset the leftovers are gone with the queue. */
        if (virtio_mmio_queue_live(&b->vm, VBLK_REQQ))
            run(b, now);
    }
    poll = virtio_mmio_poll_deadline(&b->vm, now);
    return b->resume_at < poll ? b->resume_at : poll;
}

static uint32_t vblk_config_read(struct virtio_mmio *vm, uint32_t off)
{
    const struct vblk *b = (const struct vblk *)vm;

    return off <= VBLK_CONFIG_LEN - 4 ? le32_at(b->config + off) : 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

/* struct virtio_blk_config up to blk_size (§5.2.4), little-endian; geometry stays 0. */
static void fill_config(struct vblk *b)
{
    put_le32(b->config + 0, (uint32_t)b->capacity);
    put_le32(b->config + 4, (uint32_t)(b->capacity >> 32));
    put_le32(b->config + 8, VBLK_SIZE_MAX);
    put_le32(b->config + 12, VBLK_SEG_MAX);
    put_le32(b->config + 20, VBLK_SECTOR);
}

/* "qvm-xl-" and a hash of the path: stable for a configuration, 19 bytes and a NUL. */
static void make_id(struct vblk *b, const char *path)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

    for (const char *s = path; *s; s++)
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    snprintf((char *)b->id, sizeof(b->id), "qvm-xl-%012llx",
             (unsigned long long)(h & 0xffffffffffffull));
}

static const struct virtio_dev_ops vblk_virtio_ops = {
    .device_id = VIRTIO_ID_BLOCK,
    .nqueues = 1,
    .features = 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX |
                1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH,
    .config_len = VBLK_CONFIG_LEN,
    .config_read = vblk_config_read,
    .notify = vblk_notify,
};

/* Opens the disk (before privileges are dropped) and sizes it: regular files and block
 * devices; a size that is not a whole number of sectors is rounded down. */
static int open_disk(struct vblk *b, const char *spec, FILE *err)
{
    const char *path = spec + b->ro;
    struct stat st;
    off_t size;

    b->fd = open(path, (b->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (b->fd < 0 || fstat(b->fd, &st) || (size = lseek(b->fd, 0, SEEK_END)) < 0) {
        if (err)
            fprintf(err, "virtio-blk: hostdev '%s': %s\n", spec, strerror(errno));
        return VDEV_ERR_IO;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        if (err)
            fprintf(err, "virtio-blk: hostdev '%s': not a file or block device\n", spec);
        return VDEV_ERR_INVAL;
    }
    b->capacity = (uint64_t)size / VBLK_SECTOR;
    if ((uint64_t)size % VBLK_SECTOR)
        vdev_log(b->vm.dev,
                 "%s: size %llu is not a multiple of %u: the last %llu bytes are not "
                 "visible to the guest",
                 path, (unsigned long long)size, VBLK_SECTOR,
                 (unsigned long long)((uint64_t)size % VBLK_SECTOR));
    make_id(b, path);
    fill_config(b);
    return 0;
}

static int vblk_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    struct vblk *b = dev->priv;
    const char *spec;
    int rc;

    b->fd = -1;
    b->resume_at = VDEV_NO_DEADLINE;
    if (dev->space != VDEV_SPACE_MMIO) {
        if (err)
            fprintf(err, "%s: virtio-mmio needs mem=, not io=\n", dev->ops->name);
        return VDEV_ERR_INVAL;
    }
    spec = vdev_opts_take(o, "hostdev");
    if (!spec || spec[0] == '>' || !spec[spec[0] == '<'] || vdev_opts_take(o, "hostdev")) {
        if (err)
            fprintf(err, "%s: exactly one hostdev=[<]PATH is required\n", dev->ops->name);
        return VDEV_ERR_INVAL;
    }
    b->ro = spec[0] == '<';
    b->ops = vblk_virtio_ops;
    if (b->ro)
        b->ops.features |= 1ull << VIRTIO_BLK_F_RO;
    rc = virtio_mmio_init(&b->vm, dev, &b->ops, o, err);
    return rc ? rc : open_disk(b, spec, err);
}

static void vblk_teardown(struct vdev *dev)
{
    struct vblk *b = dev->priv;

    if (b->fd >= 0)
        close(b->fd);
    b->fd = -1;
}

void vblk_paths(struct vdev *dev, uint64_t *direct, uint64_t *bounced)
{
    const struct vblk *b = dev->ops == &vdev_virtio_blk_ops ? dev->priv : NULL;

    *direct = b ? b->direct : 0;
    *bounced = b ? b->bounced : 0;
}

const struct vdev_ops vdev_virtio_blk_ops = {
    .name = "virtio-blk",
    .help = "mem=ADDR (required), spi=N, hostdev=[<]PATH (required; <: read-only), "
            "ram=BASE:SIZE (repeatable)",
    .space = VDEV_SPACE_MMIO,
    .has_default_base = false,
    .len = VIRTIO_MMIO_LEN,
    .reg_width = 4,
    .narrow_from = VIRTIO_MMIO_CONFIG, /* drivers may read config fields bytewise */
    .priv_size = sizeof(struct vblk),
    .init = vblk_init,
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .reset = virtio_mmio_reset,
    .teardown = vblk_teardown,
    .timer = vblk_timer,
};
