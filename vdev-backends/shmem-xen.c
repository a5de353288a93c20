/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-xen.c: holder domain, targets and foreign mappings with libxenctrl (the steps
 * docs/shmem-xen.md §1 proved on ARM Xen 4.17; tests/e2e/arm/shmem-probe does them one by one). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#include "vdev-backends/shmem-xen.h"

#define PAGE_KB    (SHMEM_PAGE / 1024)
#define ORDER_2M   9
#define MAP_BATCH  4096u /* pages per add_to_physmap_batch: bounded hypercall buffers */
#define POOL_SLACK 16u   /* p2m pages beyond the tables counted here (root, Xen's minimum) */

struct shmem_xen {
    xc_interface *xch;
    FILE *log;
    uint64_t holder_pages; /* populated: the holder's max_pages follows it exactly */
    uint64_t holder_top;   /* highest gfn the holder's p2m ever covered (its tables stay) */
    uint64_t holder_pool;  /* p2m pool pages set for the holder */
};

/* Page-table pages a p2m needs for foreign or 4 KiB mappings over span pages: one 4 KiB table
 * per 2 MiB, one per 1 GiB, and a few above (docs/shmem-xen.md §4, "the client's p2m pool"). */
static uint64_t p2m_tables(uint64_t span)
{
    return (span + 511) / 512 + (span + 262143) / 262144 + 2;
}

static int fail(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* -errno of the failed call, with "what: strerror" in why. */
static int fail(char *why, const char *fmt, ...)
{
    int err = errno ? errno : EIO;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(why, SHMEM_WHY_MAX, fmt, ap);
    va_end(ap);
    if (n >= 0 && n < SHMEM_WHY_MAX)
        snprintf(why + n, SHMEM_WHY_MAX - n, ": %s", strerror(err));
    return -err;
}

static void logf_(struct shmem_xen *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct shmem_xen *x, const char *fmt, ...)
{
    va_list ap;

    if (!x->log)
        return;
    va_start(ap, fmt);
    fprintf(x->log, "qvm-xl-shmemd: xen: ");
    vfprintf(x->log, fmt, ap);
    fprintf(x->log, ": %s\n", strerror(errno));
    va_end(ap);
}

struct shmem_xen *shmem_xen_open(FILE *log)
{
    struct shmem_xen *x = calloc(1, sizeof(*x));

    if (!x)
        return NULL;
    x->log = log;
    x->xch = xc_interface_open(NULL, NULL, 0);
    if (!x->xch) {
        if (log)
            fprintf(log, "qvm-xl-shmemd: xc_interface_open: %s\n", strerror(errno));
        free(x);
        return NULL;
    }
    return x;
}

void shmem_xen_close(struct shmem_xen *x)
{
    if (!x)
        return;
    xc_interface_close(x->xch);
    free(x);
}

/* ---- the holder ---- */

/* A domain that never runs: one vCPU without a context, left paused by domain_create, no
 * event channels; HVM+HAP, which every ARM domain is and set_target requires. */
static void holder_config(struct xen_domctl_createdomain *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    cfg->max_vcpus = 1;
    cfg->max_evtchn_port = 0;
    cfg->max_grant_frames = 1;
    cfg->max_maptrack_frames = 0;
    cfg->grant_opts = XEN_DOMCTL_GRANT_version(1);
#if defined(__arm__) || defined(__aarch64__)
    cfg->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_NATIVE;
    cfg->arch.tee_type = XEN_DOMCTL_CONFIG_TEE_NONE;
#elif defined(__i386__) || defined(__x86_64__)
    cfg->arch.emulation_flags = XEN_X86_EMU_LAPIC; /* what PVH has: the least HVM allows */
#endif
}

static int set_pool(struct shmem_xen *x, uint32_t dom, uint64_t pages, char *why)
{
    if (xc_set_paging_mempool_size(x->xch, dom, pages * SHMEM_PAGE))
        return fail(why, "set_paging_mempool_size(dom %u, %llu KiB)", dom,
                    (unsigned long long)(pages * PAGE_KB));
    return 0;
}

static int holder_create(void *ctx, uint64_t span, uint32_t regions, uint32_t *holder_r, char *why)
{
    struct shmem_xen *x = ctx;
    struct xen_domctl_createdomain cfg;
    uint32_t dom = 0;
    int rc;

    (void)span, (void)regions; /* the pool grows with the gfns used (holder_alloc) */
    holder_config(&cfg);
    rc = xc_domain_create(x->xch, &dom, &cfg);
#if defined(__i386__) || defined(__x86_64__)
    if (rc) { /* shadow paging where the CPU has no HAP (nested rigs) */
        cfg.flags &= ~XEN_DOMCTL_CDF_hap;
        dom = 0;
        rc = xc_domain_create(x->xch, &dom, &cfg);
    }
#endif
    if (rc)
        return fail(why, "holder: domain_create");
    x->holder_pages = 0;
    x->holder_top = SHMEM_HOLDER_GFN;
    x->holder_pool = POOL_SLACK;
    rc = xc_domain_setmaxmem(x->xch, dom, 0) ? fail(why, "holder %u: setmaxmem", dom) : 0;
    if (rc) {
        xc_domain_destroy(x->xch, dom);
        return rc;
    }
    *holder_r = dom;
    return 0;
}

static void holder_destroy(void *ctx, uint32_t holder)
{
    struct shmem_xen *x = ctx;

    if (xc_domain_destroy(x->xch, holder))
        logf_(x, "destroy holder %u", holder);
}

static int set_maxmem(struct shmem_xen *x, uint32_t holder, uint64_t pages, char *why)
{
    if (xc_domain_setmaxmem(x->xch, holder, pages * PAGE_KB))
        return fail(why, "holder %u: setmaxmem %llu KiB", holder,
                    (unsigned long long)(pages * PAGE_KB));
    return 0;
}

/* n consecutive gfns from gfn in steps of 1 << order; NULL when out of memory. */
static xen_pfn_t *gfn_list(uint64_t gfn, uint64_t n, unsigned order)
{
    xen_pfn_t *p = malloc((n ? n : 1) * sizeof(*p));

    for (uint64_t i = 0; p && i < n; i++)
        p[i] = gfn + (i << order);
    return p;
}

/* Extents populated, 0..n (xc_domain_populate_physmap stops at the first failure). */
static uint64_t populate(struct shmem_xen *x, uint32_t holder, uint64_t gfn, uint64_t n,
                         unsigned order)
{
    xen_pfn_t *gfns = gfn_list(gfn, n, order);
    int done = gfns && n ? xc_domain_populate_physmap(x->xch, holder, n, order, 0, gfns) : 0;

    free(gfns);
    return done < 0 ? 0 : (uint64_t)done;
}

/* Gives pages back one by one: also after a hostile client punched holes (docs/shmem-xen.md
 * §5), which make the one-call form stop at the first hole. */
static void depopulate(struct shmem_xen *x, uint32_t holder, uint64_t gfn, uint64_t pages)
{
    xen_pfn_t *gfns = gfn_list(gfn, pages, 0);
    uint64_t bad = 0;

    if (gfns && pages && !xc_domain_decrease_reservation_exact(x->xch, holder, pages, 0, gfns)) {
        free(gfns);
        return;
    }
    for (uint64_t i = 0; i < pages; i++) {
        xen_pfn_t one = gfn + i;

        if (xc_domain_decrease_reservation(x->xch, holder, 1, 0, &one) != 1)
            bad++;
    }
    if (bad)
        logf_(x, "holder %u: %llu of %llu pages at gfn %#llx not given back", holder,
              (unsigned long long)bad, (unsigned long long)pages, (unsigned long long)gfn);
    free(gfns);
}

/* The holder's pool covers every gfn up to the highest it ever used (tables are kept). */
static int holder_pool_cover(struct shmem_xen *x, uint32_t holder, uint64_t end, char *why)
{
    uint64_t need;

    if (end <= x->holder_top)
        return 0;
    need = POOL_SLACK + p2m_tables(end - SHMEM_HOLDER_GFN);
    if (need > x->holder_pool) {
        int rc = set_pool(x, holder, need, why);

        if (rc)
            return rc;
        x->holder_pool = need;
    }
    x->holder_top = end;
    return 0;
}

/* RAM at gfn.. of the holder, in 2 MiB extents where Xen has them (fewer p2m entries for
 * the holder; the clients map 4 KiB pages whatever the extent), 4 KiB pages for the rest. */
static int holder_alloc(void *ctx, uint32_t holder, uint64_t gfn, uint32_t pages, char *why)
{
    struct shmem_xen *x = ctx;
    uint64_t big = pages >> ORDER_2M, done;
    int rc = holder_pool_cover(x, holder, gfn + pages, why);

    if (!rc)
        rc = set_maxmem(x, holder, x->holder_pages + pages, why);
    if (rc)
        return rc;
    done = populate(x, holder, gfn, big, ORDER_2M) << ORDER_2M;
    done += populate(x, holder, gfn + done, pages - done, 0);
    if (done < pages) {
        errno = ENOMEM;
        rc = fail(why, "holder %u: populate_physmap of %u pages at gfn %#llx (%llu done)", holder,
                  pages, (unsigned long long)gfn, (unsigned long long)done);
        depopulate(x, holder, gfn, done);
        if (xc_domain_setmaxmem(x->xch, holder, x->holder_pages * PAGE_KB))
            logf_(x, "holder %u: setmaxmem back", holder);
        return rc;
    }
    x->holder_pages += pages;
    return 0;
}

static void holder_free(void *ctx, uint32_t holder, uint64_t gfn, uint32_t pages)
{
    struct shmem_xen *x = ctx;
    char why[SHMEM_WHY_MAX];

    depopulate(x, holder, gfn, pages);
    x->holder_pages -= pages;
    if (set_maxmem(x, holder, x->holder_pages, why) && x->log)
        fprintf(x->log, "qvm-xl-shmemd: xen: %s\n", why);
}

/* ---- clients ---- */

/* The pool first: set_target cannot be undone, so everything that can fail comes before. */
static int set_target(void *ctx, uint32_t domid, uint32_t holder, uint64_t window_pages, char *why)
{
    struct shmem_xen *x = ctx;
    uint64_t bytes = 0;
    int rc;

    if (xc_get_paging_mempool_size(x->xch, domid, &bytes))
        return fail(why, "get_paging_mempool_size(dom %u)", domid);
    rc = set_pool(x, domid, bytes / SHMEM_PAGE + p2m_tables(window_pages), why);
    if (rc)
        return rc;
    if (xc_domain_set_target(x->xch, domid, holder))
        return fail(why, "set_target(dom %u, holder %u)%s", domid, holder,
                    errno == EINVAL ? " (a domain's target is set once: a client of an "
                                      "earlier broker or holder?)"
                                    : "");
    return 0;
}

/* Best effort: what map put there (errs[i] == 0) goes again. */
static void unmap_list(struct shmem_xen *x, uint32_t domid, const xen_pfn_t *gfns, const int *errs,
                       uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if ((!errs || !errs[i]) && xc_domain_remove_from_physmap(x->xch, domid, gfns[i]))
            logf_(x, "dom %u: remove_from_physmap gfn %#llx", domid, (unsigned long long)gfns[i]);
}

#if defined(__i386__) || defined(__x86_64__)
#define MAP_HINT " (x86 Xen refuses foreign mappings into a domU: p2m_add_foreign)"
#else
#define MAP_HINT ""
#endif

struct map_bufs {
    xen_ulong_t idxs[MAP_BATCH];
    xen_pfn_t gfns[MAP_BATCH];
    int errs[MAP_BATCH];
};

/* One batch of n <= MAP_BATCH pages; all or nothing. */
static int map_batch(struct shmem_xen *x, struct map_bufs *b, uint32_t domid, uint32_t holder,
                     uint64_t hgfn, uint64_t gfn, unsigned n, char *why)
{
    for (unsigned i = 0; i < n; i++) {
        b->idxs[i] = hgfn + i;
        b->gfns[i] = gfn + i;
        b->errs[i] = 0;
    }
    if (xc_domain_add_to_physmap_batch(x->xch, domid, holder, XENMAPSPACE_gmfn_foreign, n, b->idxs,
                                       b->gfns, b->errs))
        return fail(why, "add_to_physmap_batch(dom %u, holder %u, %u pages)" MAP_HINT, domid,
                    holder, n);
    for (unsigned i = 0; i < n; i++) {
        if (b->errs[i]) {
            int rc;

            errno = -b->errs[i];
            rc = fail(why, "add_to_physmap_batch(dom %u, holder %u): gfn %#llx" MAP_HINT, domid,
                      holder, (unsigned long long)b->gfns[i]);
            unmap_list(x, domid, b->gfns, b->errs, n);
            return rc;
        }
    }
    return 0;
}

/* Batches; a failed one undoes itself and the batches before it. */
static int map(void *ctx, uint32_t domid, uint32_t holder, uint64_t hgfn, uint64_t gfn, uint32_t n,
               char *why)
{
    struct shmem_xen *x = ctx;
    struct map_bufs *b = malloc(sizeof(*b));
    int rc = 0;

    if (!b) {
        errno = ENOMEM;
        return fail(why, "map");
    }
    for (uint32_t done = 0; done < n && !rc;) {
        unsigned k = n - done < MAP_BATCH ? n - done : MAP_BATCH;

        rc = map_batch(x, b, domid, holder, hgfn + done, gfn + done, k, why);
        if (rc) {
            for (uint32_t i = 0; i < done; i++) {
                xen_pfn_t one = gfn + i;

                unmap_list(x, domid, &one, NULL, 1);
            }
        }
        done += k;
    }
    free(b);
    return rc;
}

/* A dying or destroyed domain needs no unmapping: Xen drops its foreign references itself
 * (relinquish_p2m_mapping). */
static bool domain_gone(struct shmem_xen *x, uint32_t domid)
{
    xc_domaininfo_t info;

    if (xc_domain_getinfolist(x->xch, domid, 1, &info) != 1 || info.domain != domid)
        return true;
    return (info.flags & XEN_DOMINF_dying) != 0;
}

/* One hypercall per page: XENMEM_remove_from_physmap has no batch form. */
static int unmap(void *ctx, uint32_t domid, uint64_t gfn, uint32_t n, char *why)
{
    struct shmem_xen *x = ctx;
    int rc = 0;

    if (domain_gone(x, domid))
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!xc_domain_remove_from_physmap(x->xch, domid, gfn + i))
            continue;
        if (errno == ESRCH)
            return 0;
        if (!rc)
            rc = fail(why, "dom %u: remove_from_physmap gfn %#llx", domid,
                      (unsigned long long)(gfn + i));
    }
    return rc;
}

const struct shmem_ops shmem_xen_ops = {
    .holder_create = holder_create,
    .holder_destroy = holder_destroy,
    .holder_alloc = holder_alloc,
    .holder_free = holder_free,
    .set_target = set_target,
    .map = map,
    .unmap = unmap,
};
