/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-net.h: the virtio net device (virtio 1.2 §5.1) over a host TAP interface, its bounds. */
#ifndef QX_VIRTIO_NET_H
#define QX_VIRTIO_NET_H

#include <stdint.h>
#include <stdio.h>

#include "vdev-backends/vdev.h"

#define VIRTIO_ID_NET           1
#define VNET_RXQ                0 /* receiveq: host → guest */
#define VNET_TXQ                1 /* transmitq: guest → host */
#define VIRTIO_NET_F_CSUM       0 /* the driver may send partially checksummed frames */
#define VIRTIO_NET_F_GUEST_CSUM 1 /* the device may deliver them */
#define VIRTIO_NET_F_GUEST_TSO4 7 /* ... and TCP segmentation-offload frames (IPv4, IPv6) */
#define VIRTIO_NET_F_GUEST_TSO6 8
#define VIRTIO_NET_F_GUEST_ECN  9
#define VIRTIO_NET_F_HOST_TSO4  11 /* the driver may send them */
#define VIRTIO_NET_F_HOST_TSO6  12
#define VIRTIO_NET_F_HOST_ECN   13
#define VIRTIO_NET_F_MAC        5
#define VIRTIO_NET_F_STATUS     16
#define VIRTIO_NET_S_LINK_UP    1
#define VNET_CONFIG_LEN         8 /* mac[6], status (le16); no MQ, MTU, speed fields */

/* struct virtio_net_hdr_v1 (§5.1.6): flags, gso_type, hdr_len, gso_size, csum_start,
 * csum_offset, num_buffers; little-endian. It is also the TAP's vnet header (IFF_VNET_HDR,
 * TUNSETVNETHDRSZ 12), so offloaded frames pass through unchanged, their header checked against
 * the features the driver took. A TAP without vnet headers gets no offloads: every field but
 * num_buffers is then 0 on receive and means nothing on transmit. */
#define VNET_HDR_LEN                12
#define VNET_HDR_FLAGS_OFF          0
#define VNET_HDR_GSO_TYPE_OFF       1
#define VNET_HDR_NUM_BUFFERS_OFF    10
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1u
#define VIRTIO_NET_HDR_GSO_NONE     0u
#define VIRTIO_NET_HDR_GSO_TCPV4    1u
#define VIRTIO_NET_HDR_GSO_TCPV6    4u
#define VIRTIO_NET_HDR_GSO_ECN      0x80u
/* Offered only over a TAP with vnet headers (checksum and TCP segmentation both ways). */
#define VNET_OFFLOAD_FEATURES                                                                      \
    ((1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_GUEST_CSUM) |                             \
     (1ull << VIRTIO_NET_F_GUEST_TSO4) | (1ull << VIRTIO_NET_F_GUEST_TSO6) |                       \
     (1ull << VIRTIO_NET_F_GUEST_ECN) | (1ull << VIRTIO_NET_F_HOST_TSO4) |                         \
     (1ull << VIRTIO_NET_F_HOST_TSO6) | (1ull << VIRTIO_NET_F_HOST_ECN))
/* The largest frame either way (a TAP's MTU limit plus its Ethernet header fits). */
#define VNET_FRAME_MAX 65535u
#define VNET_MAC_LEN   6
#define VNET_INDEX_MAX 255u /* index=: a domain's virtio-net devices 0, 1, ... */

/* Generated MACs: Xen's OUI, as libxl's vifs; libxl draws byte 3 below 0x80, so ours set its
 * top bit (00:16:3e:80|domid>>8:domid&ff:index) and never collide with a vif's. */
#define VNET_MAC_OUI0 0x00
#define VNET_MAC_OUI1 0x16
#define VNET_MAC_OUI2 0x3e

/* Counters (a frame is counted once, in the first that applies). */
struct vnet_stats {
    uint64_t tx_frames, tx_bytes;
    uint64_t tx_too_big; /* header + frame longer than VNET_HDR_LEN + VNET_FRAME_MAX */
    uint64_t tx_bad_hdr; /* shorter than the header, or an offload the driver did not take */
    uint64_t tx_busy;    /* the TAP would have blocked (EAGAIN): dropped */
    uint64_t tx_errors;  /* other write errors (interface down, runt frame) */
    uint64_t rx_frames, rx_bytes;
    uint64_t rx_no_room; /* a frame larger than the posted buffer: dropped */
    uint64_t rx_errors;  /* read errors other than EAGAIN; an offload the driver did not take */
};

/* The device's counters; NULL if @dev is not a virtio-net. */
const struct vnet_stats *vnet_stats(struct vdev *dev);
/* The host interface's name (after init). */
const char *vnet_ifname(struct vdev *dev);

/* The real TAP (vdev_host.open_tap's default): /dev/net/tun, IFF_TAP | IFF_NO_PI |
 * IFF_VNET_HDR, opened non-blocking and close-on-exec; with @bridge, SIOCBRADDIF; the interface is
 * brought up. The interface is not made persistent: it disappears with the fd unless it already
 * was. */
int vnet_tap_open(void *opaque, const char *ifname, const char *bridge, FILE *err);

#endif
