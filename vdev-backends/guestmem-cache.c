/* SPDX-License-Identifier: LGPL-2.1-only */
/* guestmem-cache.c: direct-mapped cache of 64 KiB guest RAM buckets. */
#include <string.h>

#include "vdev-backends/guestmem-cache.h"

#define PAGE_SIZE (1u << GMC_PAGE_SHIFT)

void gmc_init(struct gmc *c, const struct gmc_ops *ops, void *opaque)
{
    memset(c, 0, sizeof(*c));
    c->ops = ops;
    c->opaque = opaque;
}

static void drop(struct gmc *c, struct gmc_slot *s)
{
    if (s->base) {
        c->ops->unmap(c->opaque, s->base);
        c->generation++;
    }
    s->base = NULL;
}

/* Maps bucket @b into slot @s (replacing what it held). 0, or -1 with the slot empty. */
static int fill(struct gmc *c, struct gmc_slot *s, uint64_t b)
{
    int err[GMC_BUCKET_PAGES];
    void *p;

    if (s->base)
        c->evictions++;
    drop(c, s);
    memset(err, 0, sizeof(err));
    p = c->ops->map(c->opaque, b << (GMC_BUCKET_SHIFT - GMC_PAGE_SHIFT), err);
    if (!p)
        return -1;
    c->maps++;
    memset(s->ram, 0, sizeof(s->ram));
    for (unsigned i = 0; i < GMC_BUCKET_PAGES; i++)
        if (!err[i])
            s->ram[i / 64] |= 1ull << (i % 64);
    s->bucket = b;
    s->base = p;
    return 0;
}

void *gmc_get(struct gmc *c, uint64_t gpa, size_t len)
{
    const uint64_t b = gpa >> GMC_BUCKET_SHIFT;
    const size_t off = (size_t)(gpa & ((1u << GMC_BUCKET_SHIFT) - 1));
    const unsigned page = (unsigned)(off >> GMC_PAGE_SHIFT);
    struct gmc_slot *s = &c->slot[b % GMC_SLOTS];

    if (len == 0 || len > PAGE_SIZE - (gpa & (PAGE_SIZE - 1)))
        return NULL;
    if ((!s->base || s->bucket != b) && fill(c, s, b))
        return NULL;
    if (!(s->ram[page / 64] & (1ull << (page % 64))))
        return NULL; /* MMIO, a hole, a grant frame: refused, as before mapping */
    return s->base + off;
}

void gmc_flush(struct gmc *c)
{
    for (unsigned i = 0; i < GMC_SLOTS; i++)
        drop(c, &c->slot[i]);
}
