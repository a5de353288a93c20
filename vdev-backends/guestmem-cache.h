/* SPDX-License-Identifier: LGPL-2.1-only */
/* guestmem-cache.h: guest RAM mapped in 64 KiB buckets and kept mapped (QEMU's mapcache idea). */
#ifndef QX_GUESTMEM_CACHE_H
#define QX_GUESTMEM_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* A bucket is mapped with one call (one hypercall batch) and stays mapped until its slot is
 * needed by another bucket or the cache is flushed. 64 KiB: a first touch maps 16 frames. On
 * Arm under TCG a frame costs 11-32 us to map (docs/shmem-xen.md), so QEMU's 1 MiB bucket made
 * a 4 KiB request whose buffer was not mapped yet pay 3-8 ms, and random I/O on a guest whose
 * RAM was not mapped yet slower than mapping page by page (bench-virtio-arm rand-read 0.40 of
 * blkback, against 0.78); sequential I/O still needs one call per 16 pages. Slots
 * are direct-mapped by bucket number, so a guest RAM range of up to GMC_SLOTS x 64 KiB =
 * 256 MiB is held without a single eviction (the ram= ranges the toolstack passes bound what
 * is ever mapped). */
#define GMC_PAGE_SHIFT   12
#define GMC_BUCKET_SHIFT 16
#define GMC_BUCKET_PAGES (1u << (GMC_BUCKET_SHIFT - GMC_PAGE_SHIFT))
#define GMC_SLOTS        4096u

/* The mapping primitive (foreign mappings in qvm-xl-backend, a flat buffer in tests). */
struct gmc_ops {
    /* Maps GMC_BUCKET_PAGES frames from @pfn0, read-write, contiguously; err[i] != 0: frame
     * pfn0 + i is not the guest's RAM (it must then never be touched). NULL: nothing mapped. */
    void *(*map)(void *opaque, uint64_t pfn0, int *err);
    void (*unmap)(void *opaque, void *base);
};

struct gmc_slot {
    uint64_t bucket;                            /* gpa >> GMC_BUCKET_SHIFT */
    uint8_t *base;                              /* NULL: empty */
    uint64_t ram[(GMC_BUCKET_PAGES + 63) / 64]; /* bit i: page i is RAM */
};

struct gmc {
    const struct gmc_ops *ops;
    void *opaque;
    uint64_t maps, evictions; /* counters: buckets mapped, mapped buckets replaced */
    uint64_t generation;      /* changes whenever a mapped bucket is unmapped */
    struct gmc_slot slot[GMC_SLOTS];
};

void gmc_init(struct gmc *c, const struct gmc_ops *ops, void *opaque);
/* A host pointer to the @len bytes at @gpa, which must not cross a 4 KiB page (NULL if they
 * do, if @len is 0, or if the page is not the guest's RAM). Valid while generation stays the
 * same (a later call may replace its bucket, and a flush unmaps it). */
void *gmc_get(struct gmc *c, uint64_t gpa, size_t len);
/* Unmaps every bucket; the next access maps again. */
void gmc_flush(struct gmc *c);

#endif
