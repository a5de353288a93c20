/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-net.c: virtio net (one queue pair; checksum and TSO offloads through the TAP's vnet
 * header) on virtio-mmio, over a host TAP. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>

#include "vdev-backends/virtio-mmio.h"
#include "vdev-backends/virtio-net.h"

extern const struct vdev_ops vdev_virtio_net_ops;

struct vnet {
    struct virtio_mmio vm; /* first: virtio_mmio_of() */
    struct virtio_dev_ops ops;
    int tap_fd;    /* -1 until opened */
    bool vnet_hdr; /* the TAP reads and writes frames behind a virtio_net_hdr_v1 */
    uint8_t config[VNET_CONFIG_LEN];
    char ifname[IFNAMSIZ];
    struct vnet_stats st;
    /* One frame in flight either way (the header, the frame, one byte to see truncation). */
    uint8_t frame[VNET_HDR_LEN + VNET_FRAME_MAX + 1];
};

static struct vnet *vnet_of(struct vdev *dev)
{
    return dev && dev->ops == &vdev_virtio_net_ops ? dev->priv : NULL;
}

const struct vnet_stats *vnet_stats(struct vdev *dev)
{
    struct vnet *n = vnet_of(dev);

    return n ? &n->st : NULL;
}

const char *vnet_ifname(struct vdev *dev)
{
    struct vnet *n = vnet_of(dev);

    return n ? n->ifname : NULL;
}

/* ---- the header's offloads ---- */

static bool has(uint64_t features, unsigned bit)
{
    return features & (1ull << bit);
}

/* Whether a header's offload requests are among the features the driver took (§5.1.6.2,
 * §5.1.6.4): sent by the driver (@to_device: CSUM, HOST_*) or delivered to it (GUEST_*). */
static bool offloads_taken(uint64_t f, const uint8_t *hdr, bool to_device)
{
    const uint8_t flags = hdr[VNET_HDR_FLAGS_OFF], gso = hdr[VNET_HDR_GSO_TYPE_OFF];
    const unsigned csum = to_device ? VIRTIO_NET_F_CSUM : VIRTIO_NET_F_GUEST_CSUM;
    const unsigned tso4 = to_device ? VIRTIO_NET_F_HOST_TSO4 : VIRTIO_NET_F_GUEST_TSO4;
    const unsigned tso6 = to_device ? VIRTIO_NET_F_HOST_TSO6 : VIRTIO_NET_F_GUEST_TSO6;
    const unsigned ecn = to_device ? VIRTIO_NET_F_HOST_ECN : VIRTIO_NET_F_GUEST_ECN;

    if ((flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !has(f, csum))
        return false;
    if ((gso & VIRTIO_NET_HDR_GSO_ECN) && !has(f, ecn))
        return false;
    switch (gso & ~VIRTIO_NET_HDR_GSO_ECN) {
    case VIRTIO_NET_HDR_GSO_NONE:
        return !(gso & VIRTIO_NET_HDR_GSO_ECN);
    case VIRTIO_NET_HDR_GSO_TCPV4:
        return has(f, tso4);
    case VIRTIO_NET_HDR_GSO_TCPV6:
        return has(f, tso6);
    default:
        return false; /* UDP fragmentation and anything else: never offered */
    }
}

/* DRIVER_OK: the TAP may hand us what the driver can take (the kernel then keeps TCP segments
 * and partial checksums whole on their way from the bridge), nothing else. */
static void vnet_driver_ok(struct virtio_mmio *vm)
{
    struct vnet *n = (struct vnet *)vm;
    const uint64_t f = vm->driver_features;
    unsigned off = 0;

    if (!n->vnet_hdr)
        return;
    if (has(f, VIRTIO_NET_F_GUEST_CSUM)) {
        off |= TUN_F_CSUM;
        off |= has(f, VIRTIO_NET_F_GUEST_TSO4) ? TUN_F_TSO4 : 0;
        off |= has(f, VIRTIO_NET_F_GUEST_TSO6) ? TUN_F_TSO6 : 0;
        off |= has(f, VIRTIO_NET_F_GUEST_ECN) ? TUN_F_TSO_ECN : 0;
    }
    if (ioctl(n->tap_fd, TUNSETOFFLOAD, (unsigned long)off))
        vdev_log(vm->dev, "%s: TUNSETOFFLOAD 0x%x: %s", n->ifname, off, strerror(errno));
}

/* ---- transmit: guest → TAP ---- */

/* Writes @len bytes, the first @hdr of them the vnet header. */
static void tx_send(struct vnet *n, const uint8_t *p, size_t len, size_t hdr)
{
    ssize_t w = write(n->tap_fd, p, len);

    if (w == (ssize_t)len) {
        n->st.tx_frames++;
        n->st.tx_bytes += len - hdr;
    } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        n->st.tx_busy++; /* never block the event loop: the guest's TCP will resend */
    } else {
        n->st.tx_errors++;
    }
}

/* One transmit chain: header + frame, readable only. VQ_OK (sent or dropped) or why the guest
 * is at fault. */
static enum vq_err tx_chain(struct vnet *n, const struct vq_chain *ch)
{
    size_t pos = 0;

    if (ch->n_out != ch->n)
        return VQ_ERR_FLAGS; /* §5.1.6: transmit buffers are device-readable */
    if (ch->out_len < VNET_HDR_LEN) {
        n->st.tx_bad_hdr++;
        return VQ_OK;
    }
    if (ch->out_len > VNET_HDR_LEN + VNET_FRAME_MAX) {
        n->st.tx_too_big++; /* consumed unread */
        return VQ_OK;
    }
    for (unsigned i = 0; i < ch->n; i++) {
        if (vq_read(&n->vm.guest, ch->buf[i].gpa, n->frame + pos, ch->buf[i].len))
            return VQ_ERR_MEM;
        pos += ch->buf[i].len;
    }
    if (!n->vnet_hdr) {
        /* No offload was offered, so the header carries nothing we could act on. */
        tx_send(n, n->frame + VNET_HDR_LEN, pos - VNET_HDR_LEN, 0);
        return VQ_OK;
    }
    /* The kernel checks the rest of the header (sizes, offsets) as for any TAP writer. */
    if (!offloads_taken(n->vm.driver_features, n->frame, true)) {
        n->st.tx_bad_hdr++;
        return VQ_OK;
    }
    n->frame[VNET_HDR_NUM_BUFFERS_OFF] = n->frame[VNET_HDR_NUM_BUFFERS_OFF + 1] = 0;
    tx_send(n, n->frame, pos, VNET_HDR_LEN);
    return VQ_OK;
}

static void tx(struct vnet *n)
{
    struct virtqueue *vq = &n->vm.vq[VNET_TXQ];
    struct vq_chain ch;
    unsigned budget = vq->num;
    enum vq_err e = VQ_OK;
    bool used = false;
    int r = 0;

    do {
        while (!e && (r = vq_pop(vq, &ch, &budget)) > 0) {
            e = tx_chain(n, &ch);
            if (!e)
                e = vq_push(vq, ch.head, 0);
            used |= !e;
        }
    } while (!e && virtio_mmio_queue_rearm(&n->vm, VNET_TXQ, used, &budget, &r));
    virtio_mmio_queue_done(&n->vm, VNET_TXQ, used, e, r);
}

/* ---- receive: TAP → guest ---- */

/* Spreads the n bytes of n->frame over the chain's writable buffers (in_len >= n). */
static enum vq_err rx_scatter(struct vnet *n, const struct vq_chain *ch, size_t len)
{
    const uint8_t *p = n->frame;

    for (unsigned i = ch->n_out; i < ch->n && len; i++) {
        size_t k = ch->buf[i].len < len ? ch->buf[i].len : len;

        if (vq_write(&n->vm.guest, ch->buf[i].gpa, p, k))
            return VQ_ERR_MEM;
        p += k;
        len -= k;
    }
    return VQ_OK;
}

/* Reads one frame and its header into n->frame: the frame's length (VNET_FRAME_MAX + 1: too
 * long), or 0 when none waits (a read error, or an offload the driver did not take, is counted
 * and the frame dropped). The header is the TAP's, or all 0; num_buffers is 1 (no MRG_RXBUF). */
static size_t rx_read(struct vnet *n)
{
    const size_t room = VNET_FRAME_MAX + 1, skip = n->vnet_hdr ? 0 : VNET_HDR_LEN;
    ssize_t len = read(n->tap_fd, n->frame + skip, room + VNET_HDR_LEN - skip);

    if (len < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        n->st.rx_errors++;
    if (len <= 0)
        return 0;
    if (skip)
        memset(n->frame, 0, VNET_HDR_LEN);
    else if ((size_t)len <= VNET_HDR_LEN) {
        n->st.rx_errors++;
        return 0;
    } else {
        len -= VNET_HDR_LEN;
        /* DATA_VALID is information the driver may only get with GUEST_CSUM (§5.1.6.3.1). */
        if (!has(n->vm.driver_features, VIRTIO_NET_F_GUEST_CSUM))
            n->frame[VNET_HDR_FLAGS_OFF] &= (uint8_t)~2u;
        if (!offloads_taken(n->vm.driver_features, n->frame, false)) {
            n->st.rx_errors++; /* set before a reset renegotiated less; the next is fine */
            return 0;
        }
    }
    n->frame[VNET_HDR_NUM_BUFFERS_OFF] = 1;
    n->frame[VNET_HDR_NUM_BUFFERS_OFF + 1] = 0;
    return (size_t)len;
}

/* Moves frames into the buffers the guest posted, one chain each, at most the queue size in
 * descriptors per wake-up. A chain is consumed only by a frame that fits it; a frame that does
 * not is dropped (the chain waits for the next). */
static void rx_fill(struct vnet *n)
{
    struct virtqueue *vq = &n->vm.vq[VNET_RXQ];
    struct vq_chain ch;
    unsigned budget = vq->num;
    enum vq_err e = VQ_OK;
    bool used = false;
    int r = 0;

    if (n->tap_fd < 0 || !virtio_mmio_queue_live(&n->vm, VNET_RXQ))
        return;
    while (!e && (r = vq_pop(vq, &ch, &budget)) > 0) {
        size_t len;

        if (ch.n_out) {
            e = VQ_ERR_FLAGS; /* §5.1.6: receive buffers are device-writable */
            break;
        }
        len = rx_read(n);
        if (!len) {
            vq_unpop(vq); /* the TAP is drained */
            break;
        }
        if (len > VNET_FRAME_MAX || VNET_HDR_LEN + len > ch.in_len) {
            n->st.rx_no_room++;
            vq_unpop(vq);
            continue;
        }
        e = rx_scatter(n, &ch, VNET_HDR_LEN + len);
        if (!e)
            e = vq_push(vq, ch.head, (uint32_t)(VNET_HDR_LEN + len));
        if (!e) {
            n->st.rx_frames++;
            n->st.rx_bytes += len;
        }
        used |= !e;
    }
    if (!virtio_mmio_queue_done(&n->vm, VNET_RXQ, used, e, r))
        virtio_mmio_rx_rearm(&n->vm, VNET_RXQ);
}

static void vnet_notify(struct virtio_mmio *vm, unsigned q)
{
    struct vnet *n = (struct vnet *)vm;

    if (q == VNET_TXQ)
        tx(n);
    else
        rx_fill(n); /* new receive buffers: filled now if frames wait */
}

static void vnet_rx(struct vdev *dev)
{
    rx_fill(dev->priv);
}

/* The TAP is polled only while the guest has receive buffers posted: frames wait in the
 * kernel's queue (which drops when full) instead of in ours. */
static int vnet_rx_fd(struct vdev *dev)
{
    struct vnet *n = dev->priv;

    return virtio_mmio_rx_wanted(&n->vm, VNET_RXQ) ? n->tap_fd : -1;
}

static uint32_t vnet_config_read(struct virtio_mmio *vm, uint32_t off)
{
    const struct vnet *n = (const struct vnet *)vm;
    uint32_t w;

    memcpy(&w, n->config + off, sizeof(w)); /* off <= VNET_CONFIG_LEN - 4, 4-aligned */
    return le32toh(w);
}

static const struct virtio_dev_ops vnet_virtio_ops = {
    .device_id = VIRTIO_ID_NET,
    .nqueues = 2, /* no control queue, no multiqueue */
    .features = (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS),
    .config_len = VNET_CONFIG_LEN,
    .config_read = vnet_config_read,
    .notify = vnet_notify,
    .driver_ok = vnet_driver_ok,
};

/* ---- the host side ---- */

static int bring_up(int sock, const char *ifname, FILE *err)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr))
        goto fail;
    if (ifr.ifr_flags & IFF_UP)
        return 0;
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(sock, SIOCSIFFLAGS, &ifr))
        goto fail;
    return 0;
fail:
    if (err)
        fprintf(err, "virtio-net: bringing %s up: %s\n", ifname, strerror(errno));
    return VDEV_ERR_IO;
}

static int add_to_bridge(int sock, const char *bridge, const char *ifname, FILE *err)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
    ifr.ifr_ifindex = (int)if_nametoindex(ifname);
    if (ifr.ifr_ifindex && !ioctl(sock, SIOCBRADDIF, &ifr))
        return 0;
    if (err)
        fprintf(err, "virtio-net: adding %s to bridge %s: %s\n", ifname, bridge, strerror(errno));
    return VDEV_ERR_IO;
}

int vnet_tap_open(void *opaque, const char *ifname, const char *bridge, FILE *err)
{
    struct ifreq ifr;
    int fd, sock = -1;

    (void)opaque;
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (err)
            fprintf(err, "virtio-net: /dev/net/tun: %s\n", strerror(errno));
        return VDEV_ERR_IO;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    if (ioctl(fd, TUNSETIFF, &ifr)) {
        if (err)
            fprintf(err, "virtio-net: tap %s: %s\n", ifname, strerror(errno));
        goto fail;
    }
    sock = socket(AF_LOCAL, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        if (err)
            fprintf(err, "virtio-net: socket: %s\n", strerror(errno));
        goto fail;
    }
    if ((bridge && add_to_bridge(sock, bridge, ifname, err)) || bring_up(sock, ifname, err))
        goto fail;
    close(sock);
    return fd;
fail:
    if (sock >= 0)
        close(sock);
    close(fd); /* a tap we created (not persistent) disappears */
    return VDEV_ERR_IO;
}

/* An interface name the kernel accepts as it is (dev_valid_name), without templates (%d). */
static bool valid_ifname(const char *s)
{
    size_t len = strlen(s);

    if (!len || len >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
        return false;
    for (; *s; s++)
        if (*s == '/' || *s == ':' || *s == '%' || *s <= ' ' || *s == 0x7f)
            return false;
    return true;
}

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "aa:bb:cc:dd:ee:ff", unicast and not all zeros. 0 or -1. */
static int parse_mac(const char *s, uint8_t mac[VNET_MAC_LEN])
{
    if (strlen(s) != 3 * VNET_MAC_LEN - 1)
        return -1;
    for (unsigned i = 0; i < VNET_MAC_LEN; i++, s += 3) {
        int h = hexdigit(s[0]), l = hexdigit(s[1]);

        if (h < 0 || l < 0 || (i + 1 < VNET_MAC_LEN && s[2] != ':'))
            return -1;
        mac[i] = (uint8_t)(h << 4 | l);
    }
    if (mac[0] & 1)
        return -1; /* multicast */
    for (unsigned i = 0; i < VNET_MAC_LEN; i++)
        if (mac[i])
            return 0;
    return -1;
}

/* mac=, or 00:16:3e:8D:DD:II from the domain id and index= (see VNET_MAC_OUI0). */
static int take_mac(struct vnet *n, struct vdev_opts *o, uint32_t domid, unsigned index, FILE *err)
{
    const char *s = vdev_opts_take(o, "mac");
    uint8_t *mac = n->config;

    if (s) {
        if (!parse_mac(s, mac))
            return 0;
        if (err)
            fprintf(err, "virtio-net: mac=%s: expected a unicast aa:bb:cc:dd:ee:ff\n", s);
        return VDEV_ERR_INVAL;
    }
    mac[0] = VNET_MAC_OUI0;
    mac[1] = VNET_MAC_OUI1;
    mac[2] = VNET_MAC_OUI2;
    mac[3] = (uint8_t)(0x80 | ((domid >> 8) & 0x7f));
    mac[4] = (uint8_t)domid;
    mac[5] = (uint8_t)index;
    return 0;
}

/* bridge=BR (a new qxnetDOMID.INDEX on it) or tap=NAME: which interface, on which bridge. */
static int take_link(struct vnet *n, struct vdev_opts *o, uint32_t domid, unsigned index,
                     const char **bridge_r, FILE *err)
{
    const char *br = vdev_opts_take(o, "bridge");
    const char *tap = vdev_opts_take(o, "tap");
    const char *bad = NULL;

    if (!br == !tap) {
        if (err)
            fprintf(err, "virtio-net: give bridge=BR or tap=NAME (one of them)\n");
        return VDEV_ERR_INVAL;
    }
    if (br && !valid_ifname(br))
        bad = br;
    else if (tap && !valid_ifname(tap))
        bad = tap;
    if (bad) {
        if (err)
            fprintf(err,
                    "virtio-net: '%s': not an interface name (1-%d characters, no '/', "
                    "':', '%%', blanks)\n",
                    bad, IFNAMSIZ - 1);
        return VDEV_ERR_INVAL;
    }
    *bridge_r = br;
    if (tap) {
        snprintf(n->ifname, sizeof(n->ifname), "%s", tap);
        return 0;
    }
    /* domid < 0x7ff0 and index <= 255: at most "qxnet32751.255", 14 characters. */
    if (snprintf(n->ifname, sizeof(n->ifname), "qxnet%u.%u", (unsigned)domid, index) >=
        (int)sizeof(n->ifname))
        return VDEV_ERR_INVAL;
    return 0;
}

/* A TAP opened with IFF_VNET_HDR gets our header's size and the offload features; anything
 * else (a TAP without it, a test's socket) carries bare frames. */
static int use_vnet_hdr(struct vnet *n, FILE *err)
{
    struct ifreq ifr;
    int sz = VNET_HDR_LEN;

    memset(&ifr, 0, sizeof(ifr));
    if (ioctl(n->tap_fd, TUNGETIFF, &ifr) || !(ifr.ifr_flags & IFF_VNET_HDR))
        return 0;
    if (ioctl(n->tap_fd, TUNSETVNETHDRSZ, &sz) || ioctl(n->tap_fd, TUNSETOFFLOAD, 0ul)) {
        if (err)
            fprintf(err, "virtio-net: %s: vnet header: %s\n", n->ifname, strerror(errno));
        return VDEV_ERR_IO;
    }
    n->vnet_hdr = true;
    n->ops.features |= VNET_OFFLOAD_FEATURES;
    return 0;
}

static int open_tap(struct vdev *dev, const char *bridge, FILE *err)
{
    struct vnet *n = dev->priv;
    const struct vdev_host *h = dev->host;
    int fd = h && h->open_tap ? h->open_tap(h->opaque, n->ifname, bridge, err)
                              : vnet_tap_open(NULL, n->ifname, bridge, err);

    if (fd < 0)
        return fd;
    n->tap_fd = fd;
    return use_vnet_hdr(n, err);
}

static int vnet_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    struct vnet *n = dev->priv;
    const uint32_t domid = dev->host ? dev->host->domid : 0;
    const char *bridge = NULL;
    uint64_t index = 0;
    uint16_t status = htole16(VIRTIO_NET_S_LINK_UP);
    int rc;

    n->tap_fd = -1;
    if (dev->space != VDEV_SPACE_MMIO) {
        if (err)
            fprintf(err, "%s: virtio-mmio needs mem=, not io=\n", dev->ops->name);
        return VDEV_ERR_INVAL;
    }
    n->ops = vnet_virtio_ops;
    rc = virtio_mmio_init(&n->vm, dev, &n->ops, o, err);
    if (rc)
        return rc;
    if (vdev_opts_take_u64(o, "index", 0, VNET_INDEX_MAX, &index, err) < 0)
        return VDEV_ERR_INVAL;
    rc = take_mac(n, o, domid, (unsigned)index, err);
    if (!rc)
        rc = take_link(n, o, domid, (unsigned)index, &bridge, err);
    if (rc)
        return rc;
    memcpy(n->config + VNET_MAC_LEN, &status, sizeof(status));
    /* Last: every option is checked before a host interface is created. */
    if (vdev_opts_unused(o)) {
        if (err)
            fprintf(err, "%s: unknown option '%s' (%s)\n", dev->ops->name, vdev_opts_unused(o),
                    dev->ops->help);
        return VDEV_ERR_UNKNOWN;
    }
    return open_tap(dev, bridge, err);
}

static void vnet_teardown(struct vdev *dev)
{
    struct vnet *n = dev->priv;

    if (n->tap_fd >= 0)
        close(n->tap_fd);
    n->tap_fd = -1;
}

const struct vdev_ops vdev_virtio_net_ops = {
    .name = "virtio-net",
    .help = "mem=ADDR (required), spi=N, ram=BASE:SIZE (repeatable), bridge=BR | tap=NAME, "
            "mac=aa:bb:cc:dd:ee:ff, index=N",
    .space = VDEV_SPACE_MMIO,
    .has_default_base = false,
    .len = VIRTIO_MMIO_LEN,
    .reg_width = 4,
    .narrow_from = VIRTIO_MMIO_CONFIG, /* the MAC is read byte by byte */
    .priv_size = sizeof(struct vnet),
    .init = vnet_init,
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .reset = virtio_mmio_reset,
    .teardown = vnet_teardown,
    .timer = virtio_mmio_timer,
    .rx = vnet_rx,
    .rx_fd = vnet_rx_fd,
};
