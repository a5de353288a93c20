/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-net.h: the virtio net device on virtio-mmio (skeleton, being written). */
#ifndef QX_VIRTIO_NET_H
#define QX_VIRTIO_NET_H

#endif
