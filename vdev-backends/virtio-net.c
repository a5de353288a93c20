/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-net.c: the virtio net device on virtio-mmio (skeleton, being written). */
#include "vdev-backends/virtio-net.h"
#include "vdev-backends/virtio-mmio.h"

static int vnet_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    (void)dev;
    (void)o;
    if (err)
        fprintf(err, "virtio-net: not implemented yet\n");
    return VDEV_ERR_INVAL;
}

const struct vdev_ops vdev_virtio_net_ops = {
    .name = "virtio-net",
    .help = "mem=ADDR (required), spi=N",
    .space = VDEV_SPACE_MMIO,
    .len = VIRTIO_MMIO_LEN,
    .reg_width = 4,
    .priv_size = sizeof(struct virtio_mmio),
    .init = vnet_init,
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .reset = virtio_mmio_reset,
};
