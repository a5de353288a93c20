/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * shmem-probe: dom0 experiment for issue 18 (docs/shmem-xen.md). Can a domain's p2m get the
 * pages of a "holder" domain that never runs, with XENMEM_add_to_physmap_batch
 * (XENMAPSPACE_gmfn_foreign) once the client's target is the holder (XEN_DOMCTL_set_target)?
 * Each command does one step and prints one "key=value ..." line (rc is 0 or -errno; *_us are
 * wall-clock microseconds around the libxenctrl calls), so that the e2e case can drive the
 * steps and check their results one by one.
 *   shmem-probe holder PAGES GFN       create a holder: 1 vCPU never started, PAGES pages of
 *                                      RAM at GFN..; prints its domid
 *   shmem-probe target CLIENT HOLDER   xc_domain_set_target(CLIENT, HOLDER)
 *   shmem-probe map CLIENT HOLDER HGFN GFN PAGES [STRIDE [HSTRIDE]]
 *                                      holder's HGFN.. at CLIENT's GFN.. (one batch); page i
 *                                      is the holder's HGFN + i * HSTRIDE (default 1) at
 *                                      GFN + i * STRIDE (default 1)
 *   shmem-probe unmap DOM GFN PAGES [STRIDE]   XENMEM_remove_from_physmap of each page
 *   shmem-probe pool DOM KB            the domain's p2m pool (xc_set_paging_mempool_size)
 *   shmem-probe fill HOLDER HGFN PAGES page i's first word = 0x5a000000 | i (foreign map)
 *   shmem-probe check HOLDER HGFN PAGES  the words fill wrote, and page 0's words 0..7
 *   shmem-probe poke HOLDER HGFN WORD VALUE   one 32-bit word of page HGFN
 *   shmem-probe info DOM               Xen's view: pages, max, dying, paused, shutdown
 *   shmem-probe destroy DOM            xc_domain_destroy
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <xenctrl.h>
#include <xenforeignmemory.h>

#define PAGE_SIZE 4096u
#define TAG(i)    (0x5a000000u | ((uint32_t)(i)&0xffffffu))

static xc_interface *xch;

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static unsigned long num(const char *s)
{
    return strtoul(s, NULL, 0);
}

/* rc of a libxenctrl call: 0, or -errno (they return -1 and set errno). */
static int xrc(int r)
{
    return r < 0 ? -errno : r;
}

static xen_pfn_t *pfn_stride(xen_pfn_t first, unsigned long n, unsigned long stride)
{
    xen_pfn_t *p = calloc(n, sizeof(*p));

    for (unsigned long i = 0; p && i < n; i++)
        p[i] = first + i * stride;
    return p;
}

static xen_pfn_t *pfn_range(xen_pfn_t first, unsigned long n)
{
    return pfn_stride(first, n, 1);
}

/*
 * The holder: an ARM (hvm+hap) domain with one vCPU that is never given a context nor
 * unpaused (domain_create leaves every domU paused by its controller), and exactly the region's
 * RAM: max_pages = PAGES, populated at GFN... Nothing else: no xenstore, console, grant or
 * event-channel use.
 */
static int cmd_holder(unsigned long pages, xen_pfn_t gfn)
{
    struct xen_domctl_createdomain cfg = {
        .flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
        .max_vcpus = 1,
        .max_evtchn_port = 0,
        .max_grant_frames = 1,
        .max_maptrack_frames = 0,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
        .arch.gic_version = XEN_DOMCTL_CONFIG_GIC_NATIVE,
        .arch.tee_type = XEN_DOMCTL_CONFIG_TEE_NONE,
    };
    uint32_t domid = 0;
    /* 2 MiB extents when aligned: fewer p2m tables from the holder's small p2m pool. */
    unsigned int order = pages % 512 || gfn % 512 ? 0 : 9;
    xen_pfn_t *gfns = pfn_range(gfn, pages);
    uint64_t t0 = now_us(), t1, t2;
    int rc = xrc(xc_domain_create(xch, &domid, &cfg));

    t1 = now_us();
    if (!rc)
        rc = xrc(xc_domain_setmaxmem(xch, domid, pages * (PAGE_SIZE / 1024)));
    for (unsigned long i = 0; !rc && gfns && i < pages >> order; i++)
        gfns[i] = gfn + (i << order);
    if (!rc && gfns)
        rc = xrc(xc_domain_populate_physmap_exact(xch, domid, pages >> order, order, 0, gfns));
    t2 = now_us();
    printf("holder rc=%d domid=%" PRIu32 " pages=%lu order=%u create_us=%" PRIu64
           " populate_us=%" PRIu64 "\n",
           rc, domid, pages, order, t1 - t0, t2 - t1);
    free(gfns);
    return rc;
}

static int cmd_target(uint32_t client, uint32_t holder)
{
    uint64_t t0 = now_us();
    int rc = xrc(xc_domain_set_target(xch, client, holder));

    printf("target rc=%d client=%" PRIu32 " holder=%" PRIu32 " us=%" PRIu64 "\n", rc, client,
           holder, now_us() - t0);
    return rc;
}

/* One batch; errs[] says per page why it failed (the first failure and how many are shown). */
static int cmd_map(uint32_t client, uint32_t holder, xen_pfn_t hgfn, xen_pfn_t gfn,
                   unsigned long pages, unsigned long stride, unsigned long hstride)
{
    xen_ulong_t *idxs = calloc(pages, sizeof(*idxs));
    xen_pfn_t *gfns = pfn_stride(gfn, pages, stride);
    int *errs = calloc(pages, sizeof(*errs));
    unsigned long bad = 0, first = 0;
    int rc = -ENOMEM, err = 0;
    uint64_t t0, us = 0;

    if (idxs && gfns && errs) {
        for (unsigned long i = 0; i < pages; i++)
            idxs[i] = hgfn + i * hstride;
        t0 = now_us();
        rc = xrc(xc_domain_add_to_physmap_batch(xch, client, holder, XENMAPSPACE_gmfn_foreign,
                                                pages, idxs, gfns, errs));
        us = now_us() - t0;
        for (unsigned long i = pages; !rc && i-- > 0;)
            if (errs[i]) {
                bad++, first = i, err = errs[i];
            }
    }
    printf("map rc=%d client=%" PRIu32 " pages=%lu us=%" PRIu64 " failed=%lu first_failed=%lu "
           "err=%d\n",
           rc, client, pages, us, bad, first, err);
    free(idxs), free(gfns), free(errs);
    return rc ? rc : bad ? err : 0;
}

static int cmd_unmap(uint32_t dom, xen_pfn_t gfn, unsigned long pages, unsigned long stride)
{
    unsigned long bad = 0;
    int err = 0;
    uint64_t t0 = now_us();

    for (unsigned long i = 0; i < pages; i++) {
        int rc = xrc(xc_domain_remove_from_physmap(xch, dom, gfn + i * stride));

        if (rc && !bad++)
            err = rc;
    }
    printf("unmap dom=%" PRIu32 " pages=%lu us=%" PRIu64 " failed=%lu err=%d\n", dom, pages,
           now_us() - t0, bad, err);
    return err;
}

/* The holder's pages in dom0 (xenforeignmemory_map: XENMEM_add_to_physmap_batch into dom0). */
static uint32_t *map_holder(xenforeignmemory_handle *fm, uint32_t holder, xen_pfn_t hgfn,
                            unsigned long pages, int *rc)
{
    xen_pfn_t *gfns = pfn_range(hgfn, pages);
    int *errs = calloc(pages, sizeof(*errs));
    uint32_t *p = NULL;

    *rc = -ENOMEM;
    if (gfns && errs) {
        p = xenforeignmemory_map(fm, holder, PROT_READ | PROT_WRITE, pages, gfns, errs);
        *rc = p ? 0 : -errno;
        for (unsigned long i = 0; p && i < pages; i++)
            if (errs[i]) {
                *rc = errs[i];
                break;
            }
    }
    if (*rc && p) {
        xenforeignmemory_unmap(fm, p, pages);
        p = NULL;
    }
    free(gfns), free(errs);
    return p;
}

/* fill, check or poke (VALUE written at WORD of the first page). */
static int cmd_foreign(const char *what, uint32_t holder, xen_pfn_t hgfn, unsigned long pages,
                       unsigned long word, uint32_t value)
{
    xenforeignmemory_handle *fm = xenforeignmemory_open(NULL, 0);
    uint64_t t0 = now_us();
    unsigned long bad = 0, first = 0;
    int rc = -errno;
    uint32_t *p = fm ? map_holder(fm, holder, hgfn, pages, &rc) : NULL;

    printf("%s rc=%d holder=%" PRIu32 " pages=%lu map_us=%" PRIu64, what, rc, holder, pages,
           now_us() - t0);
    for (unsigned long i = 0; p && i < pages; i++) {
        uint32_t *w = p + i * (PAGE_SIZE / 4);

        if (!strcmp(what, "fill"))
            *w = TAG(i);
        else if (!strcmp(what, "check") && *w != TAG(i) && !bad++)
            first = i;
    }
    if (p && !strcmp(what, "poke"))
        p[word] = value;
    if (p && !strcmp(what, "check")) {
        printf(" tags_bad=%lu first_bad=%lu words=", bad, first);
        for (int i = 0; i < 8; i++)
            printf("%s%08" PRIx32, i ? "," : "", p[i]);
    }
    printf("\n");
    if (p)
        xenforeignmemory_unmap(fm, p, pages);
    if (fm)
        xenforeignmemory_close(fm);
    return rc ? rc : bad ? 1 : 0;
}

static int cmd_info(uint32_t dom)
{
    xc_dominfo_t info;
    int n = xc_domain_getinfo(xch, dom, 1, &info);

    if (n != 1 || info.domid != dom) {
        printf("info dom=%" PRIu32 " exists=0\n", dom);
        return 1;
    }
    uint64_t pool = 0;
    int prc = xrc(xc_get_paging_mempool_size(xch, dom, &pool));

    /* p2m_pool_kb: the pool a domU's p2m tables come from (XSA-409); foreign 4 KiB entries
     * need one 4 KiB table per 2 MiB of guest-physical space. */
    printf("info dom=%" PRIu32 " exists=1 pages=%lu max_kb=%lu dying=%u paused=%u shutdown=%u "
           "p2m_pool_kb=%" PRIu64 " pool_rc=%d\n",
           dom, info.nr_pages, info.max_memkb, info.dying, info.paused, info.shutdown, pool / 1024,
           prc);
    return 0;
}

static int cmd_pool(uint32_t dom, uint64_t kb)
{
    uint64_t t0 = now_us();
    int rc = xrc(xc_set_paging_mempool_size(xch, dom, kb * 1024));

    printf("pool rc=%d dom=%" PRIu32 " kb=%" PRIu64 " us=%" PRIu64 "\n", rc, dom, kb,
           now_us() - t0);
    return rc;
}

static int cmd_destroy(uint32_t dom)
{
    uint64_t t0 = now_us();
    int rc = xrc(xc_domain_destroy(xch, dom));

    printf("destroy rc=%d dom=%" PRIu32 " us=%" PRIu64 "\n", rc, dom, now_us() - t0);
    return rc;
}

static int dispatch(int argc, char **argv)
{
    const char *c = argv[1];

    if (!strcmp(c, "holder") && argc == 4)
        return cmd_holder(num(argv[2]), num(argv[3]));
    if (!strcmp(c, "target") && argc == 4)
        return cmd_target(num(argv[2]), num(argv[3]));
    if (!strcmp(c, "map") && argc >= 7 && argc <= 9)
        return cmd_map(num(argv[2]), num(argv[3]), num(argv[4]), num(argv[5]), num(argv[6]),
                       argc > 7 ? num(argv[7]) : 1, argc > 8 ? num(argv[8]) : 1);
    if (!strcmp(c, "unmap") && (argc == 5 || argc == 6))
        return cmd_unmap(num(argv[2]), num(argv[3]), num(argv[4]), argc > 5 ? num(argv[5]) : 1);
    if (!strcmp(c, "pool") && argc == 4)
        return cmd_pool(num(argv[2]), num(argv[3]));
    if ((!strcmp(c, "fill") || !strcmp(c, "check")) && argc == 5)
        return cmd_foreign(c, num(argv[2]), num(argv[3]), num(argv[4]), 0, 0);
    if (!strcmp(c, "poke") && argc == 6 && num(argv[4]) < PAGE_SIZE / 4)
        return cmd_foreign(c, num(argv[2]), num(argv[3]), 1, num(argv[4]), num(argv[5]));
    if (!strcmp(c, "info") && argc == 3)
        return cmd_info(num(argv[2]));
    if (!strcmp(c, "destroy") && argc == 3)
        return cmd_destroy(num(argv[2]));
    fprintf(stderr, "shmem-probe: bad command (see the source's header)\n");
    return 2;
}

int main(int argc, char **argv)
{
    int rc;

    if (argc < 2) {
        fprintf(stderr, "usage: shmem-probe COMMAND ARG... (see the source's header)\n");
        return 2;
    }
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch) {
        perror("xc_interface_open");
        return 1;
    }
    rc = dispatch(argc, argv);
    xc_interface_close(xch);
    return rc ? 1 : 0;
}
