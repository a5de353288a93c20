/* SPDX-License-Identifier: LGPL-2.1-only */
/* xen-guestmem.c: guest RAM for virtqueues through foreign mappings, cached page-wise. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenforeignmemory.h>

#include "vdev-backends/xen-guestmem.h"

/* Direct-mapped by frame number: rings and recently used buffers stay mapped, so a
 * notification costs no map hypercall in the steady state, and the number of guest pages
 * held is bounded (256 pages, 1 MiB of address space). */
#define CACHE_SLOTS 256u

struct slot {
    uint64_t pfn;
    uint8_t *page; /* NULL: empty */
};

struct xen_guestmem {
    xenforeignmemory_handle *fm;
    uint32_t domid;
    FILE *log;
    struct vq_mem vq;
    struct slot cache[CACHE_SLOTS];
};

static void *gm_map(void *opaque, uint64_t gpa, size_t len, bool write)
{
    struct xen_guestmem *gm = opaque;
    const uint64_t pfn = gpa / VQ_PAGE_SIZE;
    const size_t off = (size_t)(gpa % VQ_PAGE_SIZE);
    struct slot *s = &gm->cache[pfn % CACHE_SLOTS];
    xen_pfn_t xpfn = (xen_pfn_t)pfn;
    int err = 0;
    void *p;

    if (len == 0 || len > VQ_PAGE_SIZE - off || (uint64_t)xpfn != pfn)
        return NULL;
    if (s->page && s->pfn == pfn)
        return s->page + off;
    /* Always read-write: the same page holds rings the device writes and buffers it reads. */
    p = xenforeignmemory_map(gm->fm, gm->domid, PROT_READ | PROT_WRITE, 1, &xpfn, &err);
    if (!p)
        return NULL;
    if (err) {
        /* Not the guest's RAM (MMIO, a hole, a grant frame): refused, nothing kept. */
        xenforeignmemory_unmap(gm->fm, p, 1);
        return NULL;
    }
    if (s->page)
        xenforeignmemory_unmap(gm->fm, s->page, 1);
    s->pfn = pfn;
    s->page = p;
    return s->page + off;
}

struct xen_guestmem *xen_guestmem_open(uint32_t domid, FILE *log)
{
    struct xen_guestmem *gm = calloc(1, sizeof(*gm));

    if (!gm)
        return NULL;
    gm->domid = domid;
    gm->log = log;
    gm->vq = (struct vq_mem){.opaque = gm, .map = gm_map};
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
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        if (gm->cache[i].page)
            xenforeignmemory_unmap(gm->fm, gm->cache[i].page, 1);
        gm->cache[i].page = NULL;
    }
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
