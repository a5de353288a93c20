/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-guestmem-cache.c: the bucket cache behind qvm-xl-backend's guest memory: one map per
 * bucket, pages that are not RAM refused (and never touched), collisions and flushes
 * unmap, a failed map is not remembered. The mapping primitive is a fake over a flat buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vdev-backends/guestmem-cache.h"

#define MIB      (1u << 20)
#define BUCKET   (1u << GMC_BUCKET_SHIFT)
#define RAM_BASE 0x40000000ull
#define RAM_MIB  3u
#define HOLE     (RAM_BASE + MIB + 0x5000) /* one page inside RAM that is not RAM */
#define FAILING  (RAM_BASE + 2 * MIB)      /* the bucket whose map call fails (when armed) */

static uint8_t ram[RAM_MIB * MIB];
static uint8_t nothing[MIB]; /* what a bucket outside RAM is "mapped" onto */

struct fake {
    unsigned maps, unmaps, live;
    int fail_failing; /* map of the FAILING bucket returns NULL */
};

static bool page_is_ram(uint64_t gpa)
{
    return gpa >= RAM_BASE && gpa < RAM_BASE + sizeof(ram) && (gpa & ~0xfffull) != HOLE;
}

static void *fake_map(void *opaque, uint64_t pfn0, int *err)
{
    struct fake *f = opaque;
    const uint64_t gpa0 = pfn0 << GMC_PAGE_SHIFT;

    if (f->fail_failing && gpa0 == FAILING)
        return NULL;
    f->maps++;
    f->live++;
    for (unsigned i = 0; i < GMC_BUCKET_PAGES; i++)
        err[i] = page_is_ram(gpa0 + ((uint64_t)i << GMC_PAGE_SHIFT)) ? 0 : -22;
    return page_is_ram(gpa0) ? ram + (gpa0 - RAM_BASE) : nothing;
}

static void fake_unmap(void *opaque, void *base)
{
    struct fake *f = opaque;

    (void)base;
    f->unmaps++;
    f->live--;
}

static const struct gmc_ops ops = {.map = fake_map, .unmap = fake_unmap};

static void hits_within_a_bucket(void **state)
{
    static struct gmc c;
    struct fake f = {0};

    (void)state;
    gmc_init(&c, &ops, &f);
    assert_ptr_equal(gmc_get(&c, RAM_BASE + 0x10, 4), ram + 0x10);
    assert_ptr_equal(gmc_get(&c, RAM_BASE + BUCKET - 4096, 4096), ram + BUCKET - 4096);
    assert_ptr_equal(gmc_get(&c, RAM_BASE + 0x1234, 1), ram + 0x1234);
    assert_int_equal(f.maps, 1);
    assert_ptr_equal(gmc_get(&c, RAM_BASE + BUCKET, 8), ram + BUCKET); /* the next bucket */
    assert_int_equal(f.maps, 2);
    assert_int_equal(c.maps, 2);
    assert_int_equal(c.generation, 0); /* nothing unmapped: every pointer still valid */
    gmc_flush(&c);
    assert_int_equal(c.generation, 2);
    assert_int_equal(f.live, 0);
    assert_ptr_equal(gmc_get(&c, RAM_BASE, 8), ram); /* mapped again after the flush */
    assert_int_equal(f.maps, 3);
    gmc_flush(&c);
    assert_int_equal(f.unmaps, 3);
}

static void refuses_what_is_not_ram(void **state)
{
    static struct gmc c;
    struct fake f = {0};

    (void)state;
    gmc_init(&c, &ops, &f);
    assert_null(gmc_get(&c, RAM_BASE + 0xff0, 0x20)); /* crosses a page */
    assert_null(gmc_get(&c, RAM_BASE, 0));
    assert_null(gmc_get(&c, RAM_BASE, 4097));
    assert_int_equal(f.maps, 0); /* refused before mapping */
    assert_null(gmc_get(&c, HOLE + 8, 4));
    assert_non_null(gmc_get(&c, HOLE - 4, 4));
    assert_non_null(gmc_get(&c, HOLE + 4096, 4));
    assert_int_equal(f.maps, 1);
    /* Outside RAM: mapped once (every frame refused), then answered from the cache. */
    assert_null(gmc_get(&c, 0x1000, 4));
    assert_null(gmc_get(&c, 0x2000, 4));
    assert_null(gmc_get(&c, RAM_BASE + RAM_MIB * MIB, 4));
    assert_int_equal(f.maps, 3);
    /* The top of the address space: no overflow in the bucket's first frame. */
    assert_null(gmc_get(&c, UINT64_MAX - 3, 4));
    gmc_flush(&c);
    assert_int_equal(f.live, 0);
}

static void collisions_evict(void **state)
{
    static struct gmc c;
    struct fake f = {0};
    const uint64_t far = RAM_BASE + (uint64_t)GMC_SLOTS * BUCKET; /* same slot as RAM_BASE */

    (void)state;
    gmc_init(&c, &ops, &f);
    assert_non_null(gmc_get(&c, RAM_BASE, 4));
    assert_null(gmc_get(&c, far, 4)); /* not RAM, and it took RAM_BASE's slot */
    assert_int_equal(f.unmaps, 1);
    assert_int_equal(c.evictions, 1);
    assert_int_equal(c.generation, 1); /* pointers into RAM_BASE's bucket are gone */
    assert_ptr_equal(gmc_get(&c, RAM_BASE + 4, 4), ram + 4);
    assert_int_equal(f.maps, 3);
    assert_int_equal(f.live, 1);
    gmc_flush(&c);
}

static void failed_map_is_not_kept(void **state)
{
    static struct gmc c;
    struct fake f = {.fail_failing = 1};

    (void)state;
    gmc_init(&c, &ops, &f);
    assert_null(gmc_get(&c, FAILING, 4));
    assert_null(gmc_get(&c, FAILING, 4));
    assert_int_equal(f.maps, 0);
    f.fail_failing = 0;
    assert_ptr_equal(gmc_get(&c, FAILING, 4), ram + 2 * MIB);
    assert_int_equal(f.maps, 1);
    gmc_flush(&c);
    assert_int_equal(f.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hits_within_a_bucket),
        cmocka_unit_test(refuses_what_is_not_ram),
        cmocka_unit_test(collisions_evict),
        cmocka_unit_test(failed_map_is_not_kept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
