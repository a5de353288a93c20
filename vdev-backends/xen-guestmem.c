/* SPDX-License-Identifier: LGPL-2.1-only */
/* xen-guestmem.c: guest RAM for virtqueues through foreign mappings of 64 KiB buckets. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenforeignmemory.h>

#include "vdev-backends/guestmem-cache.h"
#include "vdev-backends/xen-guestmem.h"

struct xen_guestmem {
    xenforeignmemory_handle *fm;
    uint32_t domid;
    FILE *log;
    struct vq_mem vq;
    struct gmc cache;
};

/* One privcmd batch per bucket: the frames that are not RAM come back with an error each and
 * are never touched (gmc keeps which). Always read-write: the same page holds rings the device
 * writes and buffers it reads. */
static void *fm_map(void *opaque, uint64_t pfn0, int *err)
{
    struct xen_guestmem *gm = opaque;
    xen_pfn_t pfns[GMC_BUCKET_PAGES];

    for (unsigned i = 0; i < GMC_BUCKET_PAGES; i++) {
        pfns[i] = (xen_pfn_t)(pfn0 + i);
        if ((uint64_t)pfns[i] != pfn0 + i)
            return NULL; /* beyond what this host's xen_pfn_t can name */
    }
    return xenforeignmemory_map(gm->fm, gm->domid, PROT_READ | PROT_WRITE, GMC_BUCKET_PAGES, pfns,
                                err);
}

static void fm_unmap(void *opaque, void *base)
{
    struct xen_guestmem *gm = opaque;

    xenforeignmemory_unmap(gm->fm, base, GMC_BUCKET_PAGES);
}

static const struct gmc_ops fm_ops = {.map = fm_map, .unmap = fm_unmap};

static void *gm_map(void *opaque, uint64_t gpa, size_t len, bool write)
{
    struct xen_guestmem *gm = opaque;

    (void)write;
    return gmc_get(&gm->cache, gpa, len);
}

static uint64_t gm_generation(void *opaque)
{
    struct xen_guestmem *gm = opaque;

    return gm->cache.generation;
}

struct xen_guestmem *xen_guestmem_open(uint32_t domid, FILE *log)
{
    struct xen_guestmem *gm = calloc(1, sizeof(*gm));

    if (!gm)
        return NULL;
    gm->domid = domid;
    gm->log = log;
    gm->vq = (struct vq_mem){.opaque = gm, .map = gm_map, .generation = gm_generation};
    gmc_init(&gm->cache, &fm_ops, gm);
    gm->fm = xenforeignmemory_open(NULL, 0);
    if (!gm->fm || xenforeignmemory_restrict(gm->fm, (domid_t)domid)) {
        if (log)
            fprintf(log, "xen: guest memory handle open/restrict: %m\n");
        xen_guestmem_close(gm);
        return NULL;
    }
    return gm;
}

const struct vq_mem *xen_guestmem_vq(struct xen_guestmem *gm)
{
    return &gm->vq;
}

void xen_guestmem_flush(struct xen_guestmem *gm)
{
    gmc_flush(&gm->cache);
}

void xen_guestmem_close(struct xen_guestmem *gm)
{
    if (!gm)
        return;
    if (gm->fm) {
        xen_guestmem_flush(gm);
        xenforeignmemory_close(gm->fm);
    }
    free(gm);
}
