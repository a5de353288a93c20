/* SPDX-License-Identifier: LGPL-2.1-only */
/* vdev-table.c: every device model the backend knows, listed once, in one place. */
#include "vdev-backends/vdev.h"

extern const struct vdev_ops vdev_ser8250_ops;
extern const struct vdev_ops vdev_pl011_ops;
extern const struct vdev_ops vdev_wdt_ib700_ops;
extern const struct vdev_ops vdev_wdt_sp805_ops;
extern const struct vdev_ops vdev_virtio_console_ops;
extern const struct vdev_ops vdev_virtio_blk_ops;
extern const struct vdev_ops vdev_virtio_net_ops;
extern const struct vdev_ops vdev_shmem_ops;

/* Explicit, not constructor-registered: objects in a static library that nothing
 * references are never linked, and devices would silently vanish. */
/* clang-format off */
const struct vdev_ops *const vdev_types[] = {
    &vdev_ser8250_ops,
    &vdev_pl011_ops,
    &vdev_wdt_ib700_ops,
    &vdev_wdt_sp805_ops,
    &vdev_virtio_console_ops,
    &vdev_virtio_blk_ops,
    &vdev_virtio_net_ops,
    &vdev_shmem_ops,
    NULL,
};
/* clang-format on */
