/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-blk.c: the virtio blk device on virtio-mmio (skeleton, being written). */
#include "vdev-backends/virtio-blk.h"
#include "vdev-backends/virtio-mmio.h"

static int vblk_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    (void)dev;
    (void)o;
    if (err)
        fprintf(err, "virtio-blk: not implemented yet\n");
    return VDEV_ERR_INVAL;
}

const struct vdev_ops vdev_virtio_blk_ops = {
    .name = "virtio-blk",
    .help = "mem=ADDR (required), spi=N",
    .space = VDEV_SPACE_MMIO,
    .len = VIRTIO_MMIO_LEN,
    .reg_width = 4,
    .priv_size = sizeof(struct virtio_mmio),
    .init = vblk_init,
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .reset = virtio_mmio_reset,
};
