/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-shmem-registry.c: qvm-xl-shmemd's books against fake hypercalls: HELLO options,
 * allow/deny, attach/create, limits, windows, notify masks, lifetime, failures and rollback;
 * emulate mode (memfd regions, no hypercall). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "vdev-backends/shmem-registry.h"

#define WIN    0x3a000000ull
#define WINGFN (WIN >> 12)
#define MAXLOG 4096

struct fake {
    char log[MAXLOG][80];
    unsigned n;
    const char *fail_op; /* this op fails ... */
    int fail_skip;       /* ... after this many successful calls of it */
    int fail_rc;
    uint32_t next_holder;
    int holders;      /* live */
    long long alloc;  /* holder pages populated */
    long long mapped; /* client pages mapped */
    struct {
        uint32_t domid, region, mask, clients;
    } ev[4096];
    unsigned nev;
};

static void rec(struct fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rec(struct fake *f, const char *fmt, ...)
{
    va_list ap;

    assert_true(f->n < MAXLOG);
    va_start(ap, fmt);
    vsnprintf(f->log[f->n++], sizeof(f->log[0]), fmt, ap);
    va_end(ap);
}

static int failing(struct fake *f, const char *op, char *why)
{
    if (!f->fail_op || strcmp(f->fail_op, op))
        return 0;
    if (f->fail_skip-- > 0)
        return 0;
    snprintf(why, SHMEM_WHY_MAX, "fake %s failure", op);
    return f->fail_rc ? f->fail_rc : -EPERM;
}

static int f_create(void *ctx, uint64_t span, uint32_t regions, uint32_t *holder_r, char *why)
{
    struct fake *f = ctx;
    int rc = failing(f, "create", why);

    (void)span, (void)regions;
    if (rc)
        return rc;
    *holder_r = f->next_holder++;
    f->holders++;
    rec(f, "create %u", *holder_r);
    return 0;
}

static void f_destroy(void *ctx, uint32_t holder)
{
    struct fake *f = ctx;

    f->holders--;
    rec(f, "destroy %u", holder);
}

static int f_alloc(void *ctx, uint32_t holder, uint64_t gfn, uint32_t pages, char *why)
{
    struct fake *f = ctx;
    int rc = failing(f, "alloc", why);

    if (rc)
        return rc;
    assert_int_equal(gfn % SHMEM_HOLDER_ALIGN, 0);
    f->alloc += pages;
    rec(f, "alloc %u %#llx %u", holder, (unsigned long long)gfn, pages);
    return 0;
}

static void f_free(void *ctx, uint32_t holder, uint64_t gfn, uint32_t pages)
{
    struct fake *f = ctx;

    f->alloc -= pages;
    rec(f, "free %u %#llx %u", holder, (unsigned long long)gfn, pages);
}

static int f_target(void *ctx, uint32_t domid, uint32_t holder, uint64_t pages, char *why)
{
    struct fake *f = ctx;
    int rc = failing(f, "target", why);

    if (rc)
        return rc;
    rec(f, "target %u %u %llu", domid, holder, (unsigned long long)pages);
    return 0;
}

static int f_map(void *ctx, uint32_t domid, uint32_t holder, uint64_t hgfn, uint64_t gfn,
                 uint32_t n, char *why)
{
    struct fake *f = ctx;
    int rc = failing(f, "map", why);

    if (rc)
        return rc;
    f->mapped += n;
    rec(f, "map %u %u %#llx %#llx %u", domid, holder, (unsigned long long)hgfn,
        (unsigned long long)gfn, n);
    return 0;
}

static int f_unmap(void *ctx, uint32_t domid, uint64_t gfn, uint32_t n, char *why)
{
    struct fake *f = ctx;
    int rc = failing(f, "unmap", why);

    if (rc)
        return rc;
    f->mapped -= n;
    rec(f, "unmap %u %#llx %u", domid, (unsigned long long)gfn, n);
    return 0;
}

static const struct shmem_ops fake_ops = {f_create, f_destroy, f_alloc, f_free,
                                          f_target, f_map,     f_unmap};

static void f_event(void *ctx, struct shmem_client *to, const struct shmem_event *ev)
{
    struct fake *f = ctx;

    assert_true(f->nev < 4096);
    f->ev[f->nev].domid = shmem_client_domid(to);
    f->ev[f->nev].region = ev->region;
    f->ev[f->nev].mask = ev->mask;
    f->ev[f->nev].clients = ev->clients;
    f->nev++;
}

struct env {
    struct fake f;
    struct shmem_reg *r;
    char why[SHMEM_WHY_MAX];
};

static struct env *env_new(uint64_t max_pages, uint32_t max_regions)
{
    struct env *e = calloc(1, sizeof(*e));

    assert_non_null(e);
    e->f.next_holder = 0x7000;
    e->r = shmem_reg_new(&(struct shmem_reg_config){.ops = &fake_ops,
                                                    .ops_ctx = &e->f,
                                                    .event = f_event,
                                                    .event_ctx = &e->f,
                                                    .max_pages = max_pages,
                                                    .max_regions = max_regions});
    assert_non_null(e->r);
    return e;
}

/* Everything given back: no region, holder, page or mapping left. */
static void env_free(struct env *e)
{
    shmem_reg_free(e->r);
    assert_int_equal(e->f.holders, 0);
    assert_int_equal(e->f.alloc, 0);
    assert_int_equal(e->f.mapped, 0);
    free(e);
}

static struct shmem_client *hello(struct env *e, uint32_t domid, const char *text)
{
    struct shmem_client *c = NULL;

    assert_int_equal(shmem_reg_hello(e->r, domid, text, NULL, &c, e->why), SHMEM_E_OK);
    assert_non_null(c);
    return c;
}

#define W16 "window=0x3a000000+0x10000" /* 16 pages */

static struct shmem_attach_result attach(struct env *e, struct shmem_client *c, const char *name,
                                         uint32_t pages)
{
    struct shmem_attach_result res;

    shmem_reg_attach(e->r, c, name, pages, &res, e->why);
    return res;
}

static bool logged(const struct fake *f, const char *prefix)
{
    for (unsigned i = 0; i < f->n; i++)
        if (!strncmp(f->log[i], prefix, strlen(prefix)))
            return true;
    return false;
}

/* ---- HELLO ---- */

static void test_hello_bad_options(void **state)
{
    static const char *bad[] = {
        "",
        "allow=a",
        "window=0x3a000000",
        "window=0x3a000001+0x10000",
        "window=0x3a000000+0x1000",
        "window=0x3a000000+0x10000,window=0x3a000000+0x10000",
        W16 ",colour=red",
        W16 ",allow=",
        W16 ",create=r",
        W16 ",create=r:0",
        W16 ",create=r:4:999",
        W16 ",create=r:4:0644:",
        W16 ",create=r:4:0644:1:2",
        W16 ",create=a/b:4",
        W16 ",subst=a/",
        W16 ",subst=0123456789012345678901234567890",
        W16 ",subst=0123456789012345678901234,create=abcdefgh:1",
        W16 ",noequals",
        "window=0xfffffffffffff000+0x10000",
    };
    struct env *e = env_new(1024, 0);

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct shmem_client *c = (void *)1;

        e->why[0] = '\0';
        assert_int_equal(shmem_reg_hello(e->r, 5, bad[i], NULL, &c, e->why), SHMEM_E_OPTS);
        assert_null(c);
        assert_true(e->why[0] != '\0');
    }
    assert_int_equal(e->f.n, 0); /* no hypercall for bad options */
    env_free(e);
}

static void test_hello_good_and_holder(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *a, *b;
    uint32_t h1, h2;

    (void)state;
    assert_false(shmem_reg_has_holder(e->r, NULL));
    a = hello(e, 5, W16 ",allow=a*,deny=b*,create=r:4:0640:100,create=s:1:0600:users,subst=g1_");
    assert_true(shmem_reg_has_holder(e->r, &h1));
    assert_string_equal(e->f.log[0], "create 28672");
    assert_string_equal(e->f.log[1], "target 5 28672 16");
    assert_string_equal(e->f.log[2], "alloc 28672 0x40000 4");
    assert_string_equal(e->f.log[3], "alloc 28672 0x40200 1");
    b = hello(e, 6, W16);
    assert_int_equal(e->f.n, 5); /* one holder for both */
    assert_string_equal(e->f.log[4], "target 6 28672 16");
    /* The same domain twice: refused, nothing called. */
    {
        struct shmem_client *c;

        assert_int_equal(shmem_reg_hello(e->r, 5, W16, NULL, &c, e->why), SHMEM_E_OPTS);
        assert_int_equal(e->f.n, 5);
    }
    shmem_reg_client_gone(e->r, a);
    shmem_reg_client_gone(e->r, b);
    assert_false(shmem_reg_has_holder(e->r, NULL));
    /* A client after the last one gets a new holder (targets are for ever). */
    a = hello(e, 7, W16);
    assert_true(shmem_reg_has_holder(e->r, &h2));
    assert_int_not_equal(h1, h2);
    env_free(e);
}

static void test_hello_failures(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *c;

    (void)state;
    e->f.fail_op = "create";
    assert_int_equal(shmem_reg_hello(e->r, 5, W16, NULL, &c, e->why), SHMEM_E_XEN);
    assert_string_equal(e->why, "fake create failure");
    e->f.fail_op = "target";
    assert_int_equal(shmem_reg_hello(e->r, 5, W16, NULL, &c, e->why), SHMEM_E_XEN);
    assert_int_equal(e->f.holders, 0); /* the holder made for it went again */
    e->f.fail_op = "alloc";
    assert_int_equal(shmem_reg_hello(e->r, 5, W16 ",create=x:2", NULL, &c, e->why), SHMEM_E_XEN);
    assert_int_equal(e->f.holders, 0);
    assert_int_equal(shmem_reg_clients(e->r), 0);
    e->f.fail_op = NULL;
    /* A create= too big for the broker: refused as options, the client forgotten. */
    assert_int_equal(shmem_reg_hello(e->r, 5, W16 ",create=x:2,create=y:2000", NULL, &c, e->why),
                     SHMEM_E_OPTS);
    assert_int_equal(shmem_reg_regions(e->r), 0);
    assert_int_equal(e->f.holders, 0);
    env_free(e);
}

/* ---- allow/deny ---- */

static void test_permissions(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *none = hello(e, 1, W16);
    struct shmem_client *allow = hello(e, 2, W16 ",allow=a*,allow=x?");
    struct shmem_client *deny = hello(e, 3, W16 ",deny=secret*");
    struct shmem_client *both = hello(e, 4, W16 ",deny=ab,allow=a*,deny=b*");
    struct shmem_client *cr = hello(e, 5, W16 ",allow=nothing,create=mine:1");

    (void)state;
    assert_true(shmem_client_permits(none, "anything"));
    assert_true(shmem_client_permits(allow, "abc"));
    assert_true(shmem_client_permits(allow, "x1"));
    assert_false(shmem_client_permits(allow, "x12")); /* implicit trailing deny * */
    assert_false(shmem_client_permits(allow, "b"));
    assert_false(shmem_client_permits(deny, "secret1"));
    assert_true(shmem_client_permits(deny, "public")); /* implicit allow * */
    assert_false(shmem_client_permits(both, "ab"));    /* first match wins */
    assert_true(shmem_client_permits(both, "ac"));
    assert_false(shmem_client_permits(both, "bc"));
    assert_false(shmem_client_permits(both, "zz")); /* both kinds: the implicit deny first */
    assert_int_equal(attach(e, allow, "b", 1).status, SHMEM_GSS_NO_PERMISSION);
    assert_int_equal(attach(e, deny, "secret", 0).status, SHMEM_GSS_NO_PERMISSION);
    /* The guest's own create= names need no allow=. */
    assert_int_equal(attach(e, cr, "mine", 0).status, SHMEM_GSS_OK);
    assert_int_equal(attach(e, cr, "other", 1).status, SHMEM_GSS_NO_PERMISSION);
    env_free(e);
}

/* ---- attach ---- */

static void test_attach_create_join(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *a = hello(e, 5, W16);
    struct shmem_client *b = hello(e, 6, W16 ",subst=");
    struct shmem_attach_result ra, rb, rb2;

    (void)state;
    assert_int_equal(attach(e, b, "r", 0).status, SHMEM_GSS_DOES_NOT_EXIST);
    ra = attach(e, a, "r", 4);
    assert_int_equal(ra.status, SHMEM_GSS_OK);
    assert_int_equal(ra.idx, 0);
    assert_int_equal(ra.clients, 1);
    assert_int_equal(ra.pages, 4);
    assert_int_equal(ra.gpa, WIN);
    assert_true(logged(&e->f, "map 5 28672 0x40000 0x3a001 4"));
    e->f.nev = 0;
    rb = attach(e, b, "r", 8); /* more than the region has: the first creator's size */
    assert_int_equal(rb.status, SHMEM_GSS_OK);
    assert_int_equal(rb.idx, 1);
    assert_int_equal(rb.pages, 4);
    assert_int_equal(rb.clients, 2);
    assert_int_equal(e->f.nev, 1); /* a hears that b came */
    assert_int_equal(e->f.ev[0].domid, 5);
    assert_int_equal(e->f.ev[0].region, ra.region);
    assert_int_equal(e->f.ev[0].mask, 0);
    assert_int_equal(e->f.ev[0].clients, 2);
    rb2 = attach(e, b, "r", 2); /* twice from one guest: a second connection */
    assert_int_equal(rb2.status, SHMEM_GSS_OK);
    assert_int_equal(rb2.idx, 2);
    assert_int_equal(rb2.gpa, WIN + 5 * SHMEM_PAGE);
    assert_int_not_equal(rb2.region, rb.region);
    assert_int_equal(shmem_reg_regions(e->r), 1);
    assert_int_equal(shmem_reg_pages(e->r), 4);
    env_free(e);
}

static void test_illegal_names(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *a = hello(e, 5, W16 ",subst=prefix_of_twenty_b_");
    struct shmem_client *b = hello(e, 6, W16);

    (void)state;
    assert_int_equal(attach(e, b, "", 1).status, SHMEM_GSS_ILLEGAL_NAME);
    assert_int_equal(attach(e, b, "a/b", 1).status, SHMEM_GSS_ILLEGAL_NAME);
    assert_int_equal(attach(e, b, "sp ace", 1).status, SHMEM_GSS_ILLEGAL_NAME);
    assert_int_equal(attach(e, b, "\x7f", 1).status, SHMEM_GSS_ILLEGAL_NAME);
    assert_int_equal(attach(e, b, "0123456789012345678901234567890", 1).status, SHMEM_GSS_OK);
    /* subst= is 19 bytes: 12 more make the 31 a name can have, 13 are too many. */
    assert_int_equal(attach(e, a, "0123456789012", 1).status, SHMEM_GSS_ILLEGAL_NAME);
    assert_int_equal(attach(e, a, "012345678901", 1).status, SHMEM_GSS_OK);
    env_free(e);
}

static void test_client_max(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *c[SHMEM_MAX_CLIENTS + 1];
    struct shmem_attach_result res[SHMEM_MAX_CLIENTS];

    (void)state;
    for (unsigned i = 0; i <= SHMEM_MAX_CLIENTS; i++)
        c[i] = hello(e, 10 + i, W16);
    for (unsigned i = 0; i < SHMEM_MAX_CLIENTS; i++) {
        res[i] = attach(e, c[i], "r", 1);
        assert_int_equal(res[i].status, SHMEM_GSS_OK);
        assert_int_equal(res[i].idx, i);
    }
    assert_int_equal(attach(e, c[SHMEM_MAX_CLIENTS], "r", 1).status, SHMEM_GSS_CLIENT_MAX);
    /* A slot that frees goes to the next one: the lowest free index. */
    assert_int_equal(shmem_reg_detach(e->r, c[3], res[3].region, e->why), SHMEM_E_OK);
    res[3] = attach(e, c[SHMEM_MAX_CLIENTS], "r", 0);
    assert_int_equal(res[3].status, SHMEM_GSS_OK);
    assert_int_equal(res[3].idx, 3);
    assert_int_equal(res[3].clients, SHMEM_MAX_CLIENTS);
    env_free(e);
}

static void test_nomem_limits(void **state)
{
    struct env *e = env_new(16, 3);
    struct shmem_client *a = hello(e, 5, "window=0x3a000000+0x20000");
    struct shmem_client *b = hello(e, 6, "window=0x3a000000+0x2000"); /* two pages */
    unsigned calls;

    (void)state;
    assert_int_equal(attach(e, a, "big", 10).status, SHMEM_GSS_OK);
    assert_int_equal(attach(e, a, "more", 7).status, SHMEM_GSS_NOMEM); /* 17 > 16 pages */
    assert_int_equal(attach(e, a, "r2", 2).status, SHMEM_GSS_OK);
    assert_int_equal(attach(e, a, "r3", 1).status, SHMEM_GSS_OK);
    assert_int_equal(attach(e, b, "r4", 1).status, SHMEM_GSS_NOMEM); /* 3 regions at most */
    /* b's window: a control page and one data page. */
    assert_int_equal(attach(e, b, "r3", 0).status, SHMEM_GSS_OK);
    assert_int_equal(attach(e, b, "r2", 0).status, SHMEM_GSS_NOMEM);
    calls = e->f.n;
    assert_int_equal(attach(e, a, "huge", 0xffffffffu).status, SHMEM_GSS_NOMEM);
    assert_int_equal(e->f.n, calls); /* refused before any hypercall */
    assert_true(strstr(e->why, "window") != NULL);
    env_free(e);
}

/* 1000 names from one client: 64 connections at most, the books stay bounded. */
static void test_thousand_names(void **state)
{
    struct env *e = env_new(1u << 20, 0);
    struct shmem_client *a = hello(e, 5, "window=0x3a000000+0x4000000");
    unsigned ok = 0;

    (void)state;
    for (unsigned i = 0; i < 1000; i++) {
        char name[16];

        snprintf(name, sizeof(name), "n%u", i);
        ok += attach(e, a, name, 1).status == SHMEM_GSS_OK;
    }
    assert_int_equal(ok, SHMEM_CONNS_PER_CLIENT);
    assert_int_equal(shmem_reg_regions(e->r), SHMEM_CONNS_PER_CLIENT);
    assert_int_equal(e->f.alloc, SHMEM_CONNS_PER_CLIENT);
    env_free(e);
}

/* ---- windows ---- */

static void test_window_first_fit(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *a = hello(e, 5, W16);
    struct shmem_attach_result r1, r2, r3, r4;

    (void)state;
    r1 = attach(e, a, "a", 3); /* pages 0-3 */
    r2 = attach(e, a, "b", 3); /* pages 4-7 */
    assert_int_equal(r1.gpa, WIN);
    assert_int_equal(r2.gpa, WIN + 4 * SHMEM_PAGE);
    assert_int_equal(shmem_reg_detach(e->r, a, r1.region, e->why), SHMEM_E_OK);
    assert_true(logged(&e->f, "unmap 5 0x3a001 3"));
    assert_true(logged(&e->f, "free 28672 0x40000 3")); /* nobody else had it */
    r3 = attach(e, a, "c", 2);                          /* fits the hole */
    assert_int_equal(r3.gpa, WIN);
    r4 = attach(e, a, "d", 3); /* does not: after b */
    assert_int_equal(r4.gpa, WIN + 8 * SHMEM_PAGE);
    assert_int_equal(attach(e, a, "e", 4).status, SHMEM_GSS_NOMEM); /* 12 + 5 > 16 */
    assert_int_equal(attach(e, a, "e", 3).status, SHMEM_GSS_OK);
    /* The holder's space: c reuses a's 2 MiB slot. */
    assert_true(logged(&e->f, "alloc 28672 0x40000 2"));
    env_free(e);
}

static void test_unmap_failure_keeps_range(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *a = hello(e, 5, W16);
    struct shmem_attach_result r1;

    (void)state;
    r1 = attach(e, a, "a", 3);
    e->f.fail_op = "unmap";
    assert_int_equal(shmem_reg_detach(e->r, a, r1.region, e->why), SHMEM_E_OK);
    e->f.fail_op = NULL;
    /* Never map over what may still be mapped (Xen 4.17 leaks the page): the range stays. */
    assert_int_equal(attach(e, a, "b", 1).gpa, WIN + 4 * SHMEM_PAGE);
    assert_int_equal(shmem_reg_detach(e->r, a, r1.region, e->why), SHMEM_E_NOREGION);
    e->f.mapped -= 3; /* the fake's books: that mapping is Xen's to drop now */
    env_free(e);
}

/* ---- notify ---- */

static void test_notify_masks(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *c[3];
    struct shmem_attach_result r[3];

    (void)state;
    for (unsigned i = 0; i < 3; i++) {
        c[i] = hello(e, 5 + i, W16);
        r[i] = attach(e, c[i], "r", 1);
    }
    e->f.nev = 0;
    assert_int_equal(shmem_reg_notify(e->r, c[0], r[0].region, ~0u), SHMEM_E_OK);
    assert_int_equal(e->f.nev, 2); /* every other client, not the notifier */
    assert_int_equal(e->f.ev[0].domid, 6);
    assert_int_equal(e->f.ev[0].region, r[1].region);
    assert_int_equal(e->f.ev[0].mask, 1u << 0);
    assert_int_equal(e->f.ev[0].clients, 3);
    assert_int_equal(e->f.ev[1].domid, 7);
    e->f.nev = 0;
    assert_int_equal(shmem_reg_notify(e->r, c[2], r[2].region, 1u << 1 | 1u << 9 | 1u << 30),
                     SHMEM_E_OK);
    assert_int_equal(e->f.nev, 1); /* bits of absent clients are ignored */
    assert_int_equal(e->f.ev[0].domid, 6);
    assert_int_equal(e->f.ev[0].mask, 1u << 2);
    e->f.nev = 0;
    assert_int_equal(shmem_reg_notify(e->r, c[1], r[1].region, 0), SHMEM_E_OK);
    assert_int_equal(e->f.nev, 0);
    /* Region ids belong to one connection. */
    assert_int_equal(shmem_reg_notify(e->r, c[0], 999, ~0u), SHMEM_E_NOREGION);
    if (r[1].region != r[0].region)
        assert_int_equal(shmem_reg_notify(e->r, c[0], r[1].region, ~0u), SHMEM_E_NOREGION);
    assert_int_equal(shmem_reg_detach(e->r, c[0], r[0].region, e->why), SHMEM_E_OK);
    assert_int_equal(shmem_reg_notify(e->r, c[0], r[0].region, ~0u), SHMEM_E_NOREGION);
    env_free(e);
}

/* ---- lifetime ---- */

static void test_client_gone(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *a = hello(e, 5, W16);
    struct shmem_client *b = hello(e, 6, W16);
    struct shmem_attach_result rb;

    (void)state;
    attach(e, a, "r1", 2);
    attach(e, a, "r2", 3);
    rb = attach(e, b, "r1", 0);
    e->f.nev = 0;
    shmem_reg_client_gone(e->r, a);
    assert_true(logged(&e->f, "free 28672 0x40200 3")); /* r2: nobody left */
    assert_int_equal(shmem_reg_regions(e->r), 1);       /* r1: b still has it */
    assert_int_equal(e->f.nev, 1);
    assert_int_equal(e->f.ev[0].region, rb.region);
    assert_int_equal(e->f.ev[0].clients, 1);
    assert_true(shmem_reg_has_holder(e->r, NULL));
    shmem_reg_client_gone(e->r, b);
    assert_int_equal(shmem_reg_regions(e->r), 0);
    assert_false(shmem_reg_has_holder(e->r, NULL));
    /* The holder goes last, after its pages. */
    assert_string_equal(e->f.log[e->f.n - 2], "free 28672 0x40000 2");
    assert_string_equal(e->f.log[e->f.n - 1], "destroy 28672");
    env_free(e);
}

static void test_create_pins(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *a = hello(e, 5, W16 ",create=shared:4,subst=vm_");
    struct shmem_client *b = hello(e, 6, W16 ",subst=vm_");
    struct shmem_client *c = hello(e, 7, W16);
    struct shmem_attach_result rb;

    (void)state;
    assert_int_equal(shmem_reg_regions(e->r), 1); /* made at HELLO, before any ATTACH */
    assert_int_equal(attach(e, c, "shared", 0).status, SHMEM_GSS_DOES_NOT_EXIST); /* vm_shared */
    assert_int_equal(attach(e, c, "vm_shared", 0).status, SHMEM_GSS_OK);
    rb = attach(e, b, "shared", 0);
    assert_int_equal(rb.status, SHMEM_GSS_OK);
    assert_int_equal(rb.pages, 4);
    assert_int_equal(rb.idx, 1);
    shmem_reg_client_gone(e->r, c);
    assert_int_equal(shmem_reg_detach(e->r, b, rb.region, e->why), SHMEM_E_OK);
    assert_int_equal(shmem_reg_regions(e->r), 1); /* a's create= pins it */
    shmem_reg_client_gone(e->r, a);
    assert_int_equal(shmem_reg_regions(e->r), 0);
    assert_int_equal(e->f.alloc, 0);
    env_free(e);
}

static void test_map_failure_rollback(void **state)
{
    struct env *e = env_new(1024, 0);
    struct shmem_client *a = hello(e, 5, W16);
    struct shmem_client *b = hello(e, 6, W16);
    struct shmem_attach_result res;

    (void)state;
    e->f.fail_op = "map";
    res = attach(e, a, "r", 4);
    assert_int_equal(res.status, SHMEM_GSS_UNKNOWN_FAILURE);
    assert_string_equal(e->why, "fake map failure");
    assert_int_equal(shmem_reg_regions(e->r), 0); /* the new region went again */
    assert_int_equal(e->f.alloc, 0);
    e->f.fail_rc = -ENOENT; /* the client's p2m pool ran out */
    assert_int_equal(attach(e, a, "r", 4).status, SHMEM_GSS_NOMEM);
    e->f.fail_op = NULL;
    res = attach(e, a, "r", 4);
    assert_int_equal(res.status, SHMEM_GSS_OK);
    assert_int_equal(res.gpa, WIN); /* the window was not used up */
    assert_int_equal(res.idx, 0);
    e->f.fail_op = "map";
    e->f.fail_rc = 0;
    e->f.nev = 0;
    assert_int_equal(attach(e, b, "r", 0).status, SHMEM_GSS_UNKNOWN_FAILURE);
    assert_int_equal(shmem_reg_regions(e->r), 1); /* an existing region stays */
    assert_int_equal(e->f.nev, 0);                /* nobody heard of a failed attach */
    e->f.fail_op = "alloc";
    assert_int_equal(attach(e, b, "s", 1).status, SHMEM_GSS_UNKNOWN_FAILURE);
    e->f.fail_op = NULL;
    assert_int_equal(attach(e, b, "r", 0).idx, 1);
    env_free(e);
}

/* ---- emulate (x86): regions are memfds, no hypercall at all ---- */

static struct env *env_emulate(uint64_t max_pages, uint32_t max_regions)
{
    struct env *e = calloc(1, sizeof(*e));

    assert_non_null(e);
    e->r = shmem_reg_new(&(struct shmem_reg_config){.ops = &fake_ops,
                                                    .ops_ctx = &e->f,
                                                    .event = f_event,
                                                    .event_ctx = &e->f,
                                                    .max_pages = max_pages,
                                                    .max_regions = max_regions,
                                                    .emulate = true});
    assert_non_null(e->r);
    return e;
}

/* A region's memfd: its size, sealed against shrinking and growing (and further sealing). */
static void assert_region_fd(int fd, uint32_t pages)
{
    struct stat st;
    const int want = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_size, (off_t)pages * SHMEM_PAGE);
    assert_int_equal(fcntl(fd, F_GET_SEALS) & want, want);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

static bool fd_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

static void test_emulate_regions(void **state)
{
    struct env *e = env_emulate(1024, 0);
    struct shmem_client *a, *b;
    struct shmem_attach_result ra, rb, rc;
    int boot_fd;

    (void)state;
    /* Window bases mean nothing here: placements are offsets (window=0+LEN). */
    a = hello(e, 5, "window=0+0x10000,create=boot:2");
    b = hello(e, 6, "window=0x3a000000+0x10000");
    assert_false(shmem_reg_has_holder(e->r, NULL));
    ra = attach(e, a, "ring", 4);
    assert_int_equal(ra.status, SHMEM_GSS_OK);
    assert_int_equal(ra.flags, SHMEM_ATTACH_EMULATED);
    assert_int_equal(ra.gpa, 0);
    assert_region_fd(ra.fd, 4);
    rb = attach(e, b, "ring", 0);
    assert_int_equal(rb.fd, ra.fd); /* one region, one memfd */
    assert_int_equal(rb.gpa, 0);
    assert_int_equal(rb.pages, 4);
    rc = attach(e, b, "boot", 0);
    assert_int_equal(rc.gpa, 5 * SHMEM_PAGE); /* after ring's control page and 4 data pages */
    assert_region_fd(rc.fd, 2);
    boot_fd = rc.fd;
    /* The memfd is the region: what one client writes the other reads. */
    assert_int_equal(pwrite(ra.fd, "hi", 2, 100), 2);
    {
        char buf[2];

        assert_int_equal(pread(rb.fd, buf, 2, 100), 2);
        assert_memory_equal(buf, "hi", 2);
    }
    assert_int_equal(shmem_reg_pages(e->r), 6);
    /* The last client detaches: the region dies, its memfd is closed. */
    assert_int_equal(shmem_reg_detach(e->r, a, ra.region, e->why), SHMEM_E_OK);
    assert_true(fd_open(ra.fd));
    assert_int_equal(shmem_reg_detach(e->r, b, rb.region, e->why), SHMEM_E_OK);
    assert_false(fd_open(ra.fd));
    assert_int_equal(shmem_reg_pages(e->r), 2);
    /* create= pins boot while a lives. */
    shmem_reg_client_gone(e->r, b);
    assert_true(fd_open(boot_fd));
    shmem_reg_client_gone(e->r, a);
    assert_false(fd_open(boot_fd));
    assert_int_equal(shmem_reg_regions(e->r), 0);
    assert_int_equal(e->f.n, 0); /* not one hypercall */
    env_free(e);
}

/* The same limits as with mapped pages: pages, regions, the window, connections per client. */
static void test_emulate_limits(void **state)
{
    struct env *e = env_emulate(16, 3);
    struct shmem_client *a = hello(e, 5, "window=0+0x20000");
    struct shmem_client *b = hello(e, 6, "window=0+0x2000");
    struct shmem_attach_result r;

    (void)state;
    assert_int_equal(attach(e, a, "big", 10).status, SHMEM_GSS_OK);
    r = attach(e, a, "more", 7);
    assert_int_equal(r.status, SHMEM_GSS_NOMEM);
    assert_int_equal(r.fd, -1);
    assert_int_equal(r.flags, 0);
    assert_int_equal(attach(e, a, "r2", 2).status, SHMEM_GSS_OK);
    assert_int_equal(attach(e, a, "r3", 1).status, SHMEM_GSS_OK);
    assert_int_equal(attach(e, b, "r4", 1).status, SHMEM_GSS_NOMEM);
    assert_int_equal(attach(e, b, "r3", 0).status, SHMEM_GSS_OK);
    assert_int_equal(attach(e, b, "r2", 0).status, SHMEM_GSS_NOMEM); /* b's window is full */
    assert_int_equal(attach(e, a, "huge", 0xffffffffu).status, SHMEM_GSS_NOMEM);
    assert_int_equal(e->f.n, 0);
    env_free(e);
    e = env_emulate(1u << 20, 0);
    a = hello(e, 5, "window=0+0x4000000");
    for (unsigned i = 0, ok = 0; i <= 100; i++) {
        char name[16];

        if (i == 100) {
            assert_int_equal(ok, SHMEM_CONNS_PER_CLIENT);
            break;
        }
        snprintf(name, sizeof(name), "n%u", i);
        ok += attach(e, a, name, 1).status == SHMEM_GSS_OK;
    }
    assert_int_equal(e->f.n, 0);
    env_free(e);
}

/* A memfd that cannot be made (out of descriptors): NOMEM, nothing kept. */
static void test_emulate_no_fds(void **state)
{
    struct env *e = env_emulate(1024, 0);
    struct shmem_client *a = hello(e, 5, "window=0+0x10000");
    struct rlimit old, rl;
    int spare = dup(0);

    (void)state;
    assert_true(spare >= 0);
    close(spare);
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    rl = old;
    rl.rlim_cur = (rlim_t)spare; /* every descriptor from spare on is refused */
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
    assert_int_equal(attach(e, a, "r", 1).status, SHMEM_GSS_NOMEM);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    assert_true(strstr(e->why, "memfd") != NULL);
    assert_int_equal(shmem_reg_regions(e->r), 0);
    assert_int_equal(shmem_reg_pages(e->r), 0);
    assert_int_equal(attach(e, a, "r", 1).status, SHMEM_GSS_OK);
    env_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello_bad_options),
        cmocka_unit_test(test_hello_good_and_holder),
        cmocka_unit_test(test_hello_failures),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_attach_create_join),
        cmocka_unit_test(test_illegal_names),
        cmocka_unit_test(test_client_max),
        cmocka_unit_test(test_nomem_limits),
        cmocka_unit_test(test_thousand_names),
        cmocka_unit_test(test_window_first_fit),
        cmocka_unit_test(test_unmap_failure_keeps_range),
        cmocka_unit_test(test_notify_masks),
        cmocka_unit_test(test_client_gone),
        cmocka_unit_test(test_create_pins),
        cmocka_unit_test(test_map_failure_rollback),
        cmocka_unit_test(test_emulate_regions),
        cmocka_unit_test(test_emulate_limits),
        cmocka_unit_test(test_emulate_no_fds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
