/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-net.h: the virtio net device (virtio 1.2 §5.1) over a host TAP interface, its bounds. */
#ifndef QX_VIRTIO_NET_H
#define QX_VIRTIO_NET_H

#include <stdint.h>
#include <stdio.h>

#include "vdev-backends/vdev.h"

#define VIRTIO_ID_NET        1
#define VNET_RXQ             0 /* receiveq: host → guest */
#define VNET_TXQ             1 /* transmitq: guest → host */
#define VIRTIO_NET_F_MAC     5
#define VIRTIO_NET_F_STATUS  16
#define VIRTIO_NET_S_LINK_UP 1
#define VNET_CONFIG_LEN      8 /* mac[6], status (le16); no MQ, MTU, speed fields */

/* struct virtio_net_hdr_v1 (§5.1.6): flags, gso_type, hdr_len, gso_size, csum_start,
 * csum_offset, num_buffers; little-endian. With no offload feature every field but
 * num_buffers is 0 on receive and means nothing on transmit. */
#define VNET_HDR_LEN             12
#define VNET_HDR_NUM_BUFFERS_OFF 10
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
    uint64_t tx_bad_hdr; /* shorter than the header */
    uint64_t tx_busy;    /* the TAP would have blocked (EAGAIN): dropped */
    uint64_t tx_errors;  /* other write errors (interface down, runt frame) */
    uint64_t rx_frames, rx_bytes;
    uint64_t rx_no_room; /* a frame larger than the posted buffer: dropped */
    uint64_t rx_errors;  /* read errors other than EAGAIN */
};

/* The device's counters; NULL if @dev is not a virtio-net. */
const struct vnet_stats *vnet_stats(struct vdev *dev);
/* The host interface's name (after init). */
const char *vnet_ifname(struct vdev *dev);

/* The real TAP (vdev_host.open_tap's default): /dev/net/tun, IFF_TAP | IFF_NO_PI, opened
 * non-blocking and close-on-exec; with @bridge, SIOCBRADDIF; the interface is brought up. The
 * interface is not made persistent: it disappears with the fd unless it already was. */
int vnet_tap_open(void *opaque, const char *ifname, const char *bridge, FILE *err);

#endif
