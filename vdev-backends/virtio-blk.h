/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-blk.h: the virtio blk device on virtio-mmio (skeleton, being written). */
#ifndef QX_VIRTIO_BLK_H
#define QX_VIRTIO_BLK_H

#endif
