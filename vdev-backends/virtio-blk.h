/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-blk.h: the virtio block device (virtio 1.2 §5.2) over a host file, and its bounds. */
#ifndef QX_VIRTIO_BLK_H
#define QX_VIRTIO_BLK_H

#include <stdint.h>

#define VIRTIO_ID_BLOCK 2
#define VBLK_REQQ       0 /* the one request queue */

/* Feature bits (§5.2.3) the device offers; RO only for a read-only hostdev (`<PATH`). */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* Request types (§5.2.6) and status values. */
#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VBLK_SECTOR     512u
#define VBLK_HDR_LEN    16u /* le32 type, le32 reserved, le64 sector */
#define VBLK_ID_BYTES   20u
#define VBLK_CONFIG_LEN 24u /* capacity, size_max, seg_max, geometry, blk_size */

/* Limits offered in the configuration space: at most SEG_MAX data segments of at most SIZE_MAX
 * bytes each, so a driver that honours them never sends more than VBLK_MAX_REQ_BYTES of data in
 * one request. SIZE_MAX is no smaller than the largest page (64 KiB): Linux refuses a segment
 * limit below its page size. */
#define VBLK_SIZE_MAX      65536u
#define VBLK_SEG_MAX       64u
#define VBLK_MAX_REQ_BYTES ((uint64_t)VBLK_SIZE_MAX * VBLK_SEG_MAX) /* 4 MiB; more: IOERR */
/* Data moved per batch (one notification, or one resumption): at most this many bytes and at
 * most the queue's size in descriptors. Chains left over are served VBLK_RESUME_NS later from
 * the device's timer, so a vCPU's notification is answered after a bounded amount of work and
 * the event loop runs in between. */
#define VBLK_BATCH_BYTES VBLK_MAX_REQ_BYTES
#define VBLK_RESUME_NS   100000u
/* Bytes per pread/pwrite (the bounce buffer between the file and guest memory). */
#define VBLK_CHUNK 65536u

struct vdev;
/* Data requests a virtio-blk device served straight between the file and guest memory
 * (preadv/pwritev on its mappings) and through its bounce buffer (a mapper that keeps no
 * pointers, a mapping replaced meanwhile, memory that is not RAM). */
void vblk_paths(struct vdev *dev, uint64_t *direct, uint64_t *bounced);

#endif
