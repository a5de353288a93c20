/* SPDX-License-Identifier: LGPL-2.1-only */
/* xen-guestmem.h: guest RAM for virtqueues through foreign mappings (guestmem-cache.h). */
#ifndef QX_XEN_GUESTMEM_H
#define QX_XEN_GUESTMEM_H

#include <stdint.h>
#include <stdio.h>

#include "vdev-backends/virtqueue.h"

struct xen_guestmem;

/* Opens a foreignmemory handle restricted to @domid at once (call before privileges are
 * dropped: privcmd cannot be opened afterwards). NULL on failure (logged to @log). */
struct xen_guestmem *xen_guestmem_open(uint32_t domid, FILE *log);
/* The mapper virtio devices take (virtio_mmio_set_mem); valid until xen_guestmem_close. */
const struct vq_mem *xen_guestmem_vq(struct xen_guestmem *gm);
/* Unmaps every cached bucket (e.g. after a device reset); the next access maps again. */
void xen_guestmem_flush(struct xen_guestmem *gm);
void xen_guestmem_close(struct xen_guestmem *gm);

#endif
