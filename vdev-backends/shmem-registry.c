/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-registry.c: qvm-xl-shmemd's books (clients, regions, windows, the holder's gfns). */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vdev-backends/shmem-registry.h"
#include "vdev-backends/vdev-opts.h"

#define PAGE_SHIFT 12

struct shmem_region {
    struct shmem_region *next; /* sorted by hgfn: the holder's first-fit allocator walks it */
    char name[SHMEM_MAX_NAME]; /* the host's name: the client's subst prefix + its name */
    uint32_t pages;
    uint64_t hgfn; /* where its pages are in the holder (emulate: books only, never used) */
    int fd;        /* emulate: the memfd holding them */
    struct shmem_conn *slot[SHMEM_MAX_CLIENTS]; /* index = the client's idx */
    unsigned nslots;
    unsigned pins; /* create= entries of live clients */
};

/* One client's connection to a region, or (reg NULL) a window range that could not be
 * unmapped: kept out of use so that nothing is ever mapped over it (docs/shmem-xen.md §3). */
struct shmem_conn {
    struct shmem_client *client;
    struct shmem_region *reg;
    uint32_t id;
    uint32_t idx;
    uint64_t gfn;    /* the control page */
    uint64_t npages; /* control page + data pages */
};

struct shmem_rule {
    bool allow;
    char pat[SHMEM_MAX_NAME * 2];
};

struct shmem_create {
    char name[SHMEM_MAX_NAME]; /* the guest's name */
    uint32_t pages;
    uint32_t mode;            /* checked, without effect: regions are no host files here */
    char gid[SHMEM_MAX_NAME]; /* a number or a group name, as in qvm; likewise */
};

struct shmem_client {
    struct shmem_client *next;
    void *user;
    uint32_t domid;
    uint64_t win_gfn, win_pages;
    struct shmem_rule rule[SHMEM_RULES_MAX];
    unsigned nrules;
    bool any_allow;
    struct shmem_create create[SHMEM_CREATES_MAX];
    unsigned ncreates;
    unsigned npinned; /* create[0..npinned) hold a pin */
    char subst[SHMEM_MAX_NAME];
    struct shmem_conn **conn; /* sorted by gfn: the window's first-fit allocator walks it */
    size_t nconn, capconn;
    unsigned nlive; /* conns with a region */
    uint32_t next_id;
};

struct shmem_reg {
    struct shmem_reg_config cfg;
    struct shmem_client *clients;
    unsigned nclients;
    struct shmem_region *regions;
    unsigned nregions;
    uint64_t pages;
    uint64_t span; /* the holder's gfn space in pages, from SHMEM_HOLDER_GFN */
    bool have_holder;
    uint32_t holder;
};

static void why_set(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void why_set(char *why, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, SHMEM_WHY_MAX, fmt, ap);
    va_end(ap);
}

struct shmem_reg *shmem_reg_new(const struct shmem_reg_config *cfg)
{
    struct shmem_reg *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->cfg = *cfg;
    if (!r->cfg.max_regions || r->cfg.max_regions > SHMEM_REGIONS_MAX)
        r->cfg.max_regions = SHMEM_REGIONS_MAX;
    /* Twice what the regions can use with their alignment: first fit always finds room. */
    r->span = 2 * (r->cfg.max_pages + (uint64_t)SHMEM_HOLDER_ALIGN * r->cfg.max_regions);
    return r;
}

void shmem_reg_free(struct shmem_reg *r)
{
    while (r && r->clients)
        shmem_reg_client_gone(r, r->clients);
    free(r);
}

void *shmem_client_user(const struct shmem_client *c)
{
    return c->user;
}

uint32_t shmem_client_domid(const struct shmem_client *c)
{
    return c->domid;
}

unsigned shmem_reg_clients(const struct shmem_reg *r)
{
    return r->nclients;
}

unsigned shmem_reg_regions(const struct shmem_reg *r)
{
    return r->nregions;
}

uint64_t shmem_reg_pages(const struct shmem_reg *r)
{
    return r->pages;
}

bool shmem_reg_has_holder(const struct shmem_reg *r, uint32_t *holder_r)
{
    if (r->have_holder && holder_r)
        *holder_r = r->holder;
    return r->have_holder;
}

/* ---- names and permissions ---- */

/* qvm's names are shm_open names: printable, no '/', 1 to 31 bytes. */
static bool name_ok(const char *s)
{
    size_t n = strnlen(s, SHMEM_MAX_NAME);

    if (n == 0 || n == SHMEM_MAX_NAME)
        return false;
    for (; *s; s++)
        if (*s <= ' ' || *s > '~' || *s == '/')
            return false;
    return true;
}

static bool host_name(const struct shmem_client *c, const char *name, char out[SHMEM_MAX_NAME])
{
    int n = snprintf(out, SHMEM_MAX_NAME, "%s%s", c->subst, name);

    return n > 0 && n < SHMEM_MAX_NAME;
}

/* First matching rule wins, in the order given. No match: denied when there is any allow=
 * (qvm's implicit trailing "deny *"), else allowed (the implicit "allow *" of deny=, or no
 * rules at all). With both kinds the implicit deny comes first: the safe reading. */
bool shmem_client_permits(const struct shmem_client *c, const char *name)
{
    for (unsigned i = 0; i < c->nrules; i++)
        if (fnmatch(c->rule[i].pat, name, 0) == 0)
            return c->rule[i].allow;
    return !c->any_allow;
}

static bool in_create_list(const struct shmem_client *c, const char *name)
{
    for (unsigned i = 0; i < c->ncreates; i++)
        if (!strcmp(c->create[i].name, name))
            return true;
    return false;
}

/* ---- HELLO text ---- */

static bool parse_window(struct shmem_client *c, const char *v, char *why)
{
    char buf[64];
    char *plus;
    uint64_t base, len;

    if (strlen(v) >= sizeof(buf))
        goto bad;
    strcpy(buf, v);
    plus = strchr(buf, '+');
    if (!plus)
        goto bad;
    *plus = '\0';
    if (vdev_parse_u64(buf, &base) || vdev_parse_u64(plus + 1, &len))
        goto bad;
    if (base % SHMEM_PAGE || len % SHMEM_PAGE || len < 2 * SHMEM_PAGE || base + len < base ||
        (base + len) >> 52)
        goto bad;
    c->win_gfn = base >> PAGE_SHIFT;
    c->win_pages = len >> PAGE_SHIFT;
    return true;
bad:
    why_set(why, "window=%s: expected BASE+LEN, page-aligned, at least two pages", v);
    return false;
}

static bool parse_rule(struct shmem_client *c, bool allow, const char *v, char *why)
{
    struct shmem_rule *rl = &c->rule[c->nrules];

    if (c->nrules == SHMEM_RULES_MAX) {
        why_set(why, "more than %d allow= and deny=", SHMEM_RULES_MAX);
        return false;
    }
    if (!*v || strlen(v) >= sizeof(rl->pat)) {
        why_set(why, "%s=%s: empty or too long", allow ? "allow" : "deny", v);
        return false;
    }
    strcpy(rl->pat, v);
    rl->allow = allow;
    c->any_allow |= allow;
    c->nrules++;
    return true;
}

static bool parse_u32_base(const char *s, int base, uint32_t max, uint32_t *v_r)
{
    char *end;
    unsigned long v;

    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return false;
    errno = 0;
    v = strtoul(s, &end, base);
    if (errno || *end || v > max)
        return false;
    *v_r = (uint32_t)v;
    return true;
}

/* NAME:PAGES[:MODE[:GID]], MODE octal, GID a number or a name. */
static bool parse_create(struct shmem_client *c, const char *v, char *why)
{
    char buf[128];
    char *f[4] = {buf, NULL, NULL, NULL};
    struct shmem_create *cr = &c->create[c->ncreates];
    int n = 1;

    if (c->ncreates == SHMEM_CREATES_MAX) {
        why_set(why, "more than %d create=", SHMEM_CREATES_MAX);
        return false;
    }
    if (strlen(v) >= sizeof(buf))
        goto bad;
    strcpy(buf, v);
    for (char *p = buf; (p = strchr(p, ':')) != NULL;) {
        if (n == 4)
            goto bad;
        *p++ = '\0';
        f[n++] = p;
    }
    if (n < 2 || !name_ok(f[0]) || !parse_u32_base(f[1], 0, UINT32_MAX, &cr->pages) || !cr->pages)
        goto bad;
    cr->mode = 0600;
    if ((f[2] && !parse_u32_base(f[2], 8, 0777, &cr->mode)) || (f[3] && !name_ok(f[3])))
        goto bad;
    snprintf(cr->gid, sizeof(cr->gid), "%s", f[3] ? f[3] : "");
    strcpy(cr->name, f[0]);
    c->ncreates++;
    return true;
bad:
    why_set(why,
            "create=%s: expected NAME:PAGES[:MODE[:GID]] (a valid name, PAGES > 0, "
            "MODE octal)",
            v);
    return false;
}

static bool parse_subst(struct shmem_client *c, const char *v, char *why)
{
    if (strlen(v) >= SHMEM_MAX_NAME - 1 || (*v && !name_ok(v))) {
        why_set(why, "subst=%s: a prefix of printable characters without '/', at most %d", v,
                SHMEM_MAX_NAME - 2);
        return false;
    }
    strcpy(c->subst, v);
    return true;
}

static bool parse_item(struct shmem_client *c, char *item, bool *have_window, char *why)
{
    char *val = strchr(item, '=');

    if (!val) {
        why_set(why, "'%s': expected KEY=VALUE", item);
        return false;
    }
    *val++ = '\0';
    if (!strcmp(item, "window")) {
        if (*have_window) {
            why_set(why, "window= given twice");
            return false;
        }
        *have_window = true;
        return parse_window(c, val, why);
    }
    if (!strcmp(item, "allow") || !strcmp(item, "deny"))
        return parse_rule(c, item[0] == 'a', val, why);
    if (!strcmp(item, "create"))
        return parse_create(c, val, why);
    if (!strcmp(item, "subst"))
        return parse_subst(c, val, why);
    why_set(why, "unknown option '%s'", item);
    return false;
}

static bool parse_hello(struct shmem_client *c, const char *text, char *why)
{
    char buf[SHMEM_TEXT_MAX];
    bool have_window = false;
    char *next = buf;

    if (strnlen(text, sizeof(buf)) == sizeof(buf)) {
        why_set(why, "options too long");
        return false;
    }
    strcpy(buf, text);
    while (next && *buf) {
        char *item = next;

        next = strchr(item, ',');
        if (next)
            *next++ = '\0';
        if (!parse_item(c, item, &have_window, why))
            return false;
    }
    if (!have_window) {
        why_set(why, "window= missing");
        return false;
    }
    for (unsigned i = 0; i < c->ncreates; i++) {
        char host[SHMEM_MAX_NAME];

        if (!host_name(c, c->create[i].name, host)) {
            why_set(why, "create=%s: with subst=%s longer than %d bytes", c->create[i].name,
                    c->subst, SHMEM_MAX_NAME - 1);
            return false;
        }
    }
    return true;
}

/* ---- regions and the holder's gfn space ---- */

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static struct shmem_region *region_find(struct shmem_reg *r, const char *host)
{
    for (struct shmem_region *g = r->regions; g; g = g->next)
        if (!strcmp(g->name, host))
            return g;
    return NULL;
}

/* First fit in the holder's space; *prev_r is where the new region goes in the list. */
static bool holder_fit(struct shmem_reg *r, uint32_t pages, uint64_t *gfn_r,
                       struct shmem_region ***link_r)
{
    struct shmem_region **link = &r->regions;
    uint64_t at = SHMEM_HOLDER_GFN;

    for (; *link; link = &(*link)->next) {
        if (at + pages <= (*link)->hgfn)
            break;
        at = align_up((*link)->hgfn + (*link)->pages, SHMEM_HOLDER_ALIGN);
    }
    if (at + pages > SHMEM_HOLDER_GFN + r->span)
        return false;
    *gfn_r = at;
    *link_r = link;
    return true;
}

/* The pages of an emulated region: a memfd of exactly their size that neither end can shrink
 * (a client's mapping would fault) nor grow (the accounting would lie). */
static int memfd_new(const char *host, uint32_t pages, int *fd_r, char *why)
{
    char name[16 + SHMEM_MAX_NAME];
    int fd, err;

    snprintf(name, sizeof(name), "qvm-shmem:%s", host);
    fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        goto fail;
    if (ftruncate(fd, (off_t)pages * SHMEM_PAGE) ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL))
        goto fail;
    *fd_r = fd;
    return 0;
fail:
    err = errno;
    why_set(why, "%s: memfd of %u pages: %s", host, pages, strerror(err));
    if (fd >= 0)
        close(fd);
    /* Out of memory or descriptors: a limit, as the holder's ENOMEM is. */
    return err == ENOMEM || err == EMFILE || err == ENFILE || err == ENOSPC ? -ENOMEM : -err;
}

static uint32_t region_new(struct shmem_reg *r, const char *host, uint32_t pages,
                           struct shmem_region **g_r, char *why)
{
    struct shmem_region **link, *g;
    uint64_t gfn;
    int rc;

    if (r->nregions >= r->cfg.max_regions) {
        why_set(why, "%s: %u regions exist already", host, r->nregions);
        return SHMEM_GSS_NOMEM;
    }
    if (pages > r->cfg.max_pages - r->pages || !holder_fit(r, pages, &gfn, &link)) {
        why_set(why, "%s: %u pages: the broker has %llu of %llu pages left", host, pages,
                (unsigned long long)(r->cfg.max_pages - r->pages),
                (unsigned long long)r->cfg.max_pages);
        return SHMEM_GSS_NOMEM;
    }
    g = calloc(1, sizeof(*g));
    if (!g) {
        why_set(why, "out of memory");
        return SHMEM_GSS_NOMEM;
    }
    g->fd = -1;
    if (r->cfg.emulate)
        rc = memfd_new(host, pages, &g->fd, why);
    else
        rc = r->cfg.ops->holder_alloc(r->cfg.ops_ctx, r->holder, gfn, pages, why);
    if (rc) {
        free(g);
        return rc == -ENOMEM ? SHMEM_GSS_NOMEM : SHMEM_GSS_UNKNOWN_FAILURE;
    }
    strcpy(g->name, host);
    g->pages = pages;
    g->hgfn = gfn;
    g->next = *link;
    *link = g;
    r->nregions++;
    r->pages += pages;
    *g_r = g;
    return SHMEM_GSS_OK;
}

/* Frees g once no client is attached and no create= pins it. */
static void region_unref(struct shmem_reg *r, struct shmem_region *g)
{
    struct shmem_region **link = &r->regions;

    if (g->nslots || g->pins)
        return;
    while (*link != g)
        link = &(*link)->next;
    *link = g->next;
    if (g->fd >= 0)
        close(g->fd); /* clients' backends keep their mappings, not the region */
    else
        r->cfg.ops->holder_free(r->cfg.ops_ctx, r->holder, g->hgfn, g->pages);
    r->nregions--;
    r->pages -= g->pages;
    free(g);
}

/* ---- a client's window ---- */

/* First fit of npages in the window; *at_r is the index the new conn takes. */
static bool window_fit(const struct shmem_client *c, uint64_t npages, uint64_t *gfn_r, size_t *at_r)
{
    uint64_t at = c->win_gfn, end = c->win_gfn + c->win_pages;
    size_t i = 0;

    for (; i < c->nconn; i++) {
        if (at + npages <= c->conn[i]->gfn)
            break;
        at = c->conn[i]->gfn + c->conn[i]->npages;
    }
    if (npages > end - at)
        return false;
    *gfn_r = at;
    *at_r = i;
    return true;
}

static bool conn_insert(struct shmem_client *c, struct shmem_conn *cn, size_t at)
{
    if (c->nconn == c->capconn) {
        size_t cap = c->capconn ? 2 * c->capconn : 8;
        struct shmem_conn **p = realloc(c->conn, cap * sizeof(*p));

        if (!p)
            return false;
        c->conn = p;
        c->capconn = cap;
    }
    memmove(&c->conn[at + 1], &c->conn[at], (c->nconn - at) * sizeof(*c->conn));
    c->conn[at] = cn;
    c->nconn++;
    return true;
}

static void conn_remove(struct shmem_client *c, struct shmem_conn *cn)
{
    size_t i = 0;

    while (c->conn[i] != cn)
        i++;
    memmove(&c->conn[i], &c->conn[i + 1], (c->nconn - i - 1) * sizeof(*c->conn));
    c->nconn--;
    free(cn);
}

static struct shmem_conn *conn_find(const struct shmem_client *c, uint32_t id)
{
    for (size_t i = 0; i < c->nconn; i++)
        if (c->conn[i]->reg && c->conn[i]->id == id)
            return c->conn[i];
    return NULL;
}

static uint32_t conn_new_id(struct shmem_client *c)
{
    do
        c->next_id++;
    while (!c->next_id || conn_find(c, c->next_id));
    return c->next_id;
}

/* ---- events ---- */

static void tell(struct shmem_reg *r, const struct shmem_conn *to, uint32_t mask)
{
    struct shmem_event ev = {.region = to->id, .mask = mask, .clients = to->reg->nslots};

    if (r->cfg.event)
        r->cfg.event(r->cfg.event_ctx, to->client, &ev);
}

/* The attached-clients count of g changed: every attached client but `except` hears it. */
static void tell_others(struct shmem_reg *r, struct shmem_region *g,
                        const struct shmem_conn *except)
{
    for (unsigned i = 0; i < SHMEM_MAX_CLIENTS; i++)
        if (g->slot[i] && g->slot[i] != except)
            tell(r, g->slot[i], 0);
}

/* ---- operations ---- */

static struct shmem_client *client_by_domid(struct shmem_reg *r, uint32_t domid)
{
    for (struct shmem_client *c = r->clients; c; c = c->next)
        if (c->domid == domid)
            return c;
    return NULL;
}

/* The holder for a new client: created with the first one. */
static uint32_t holder_get(struct shmem_reg *r, char *why)
{
    if (r->have_holder || r->cfg.emulate)
        return SHMEM_E_OK;
    if (r->cfg.ops->holder_create(r->cfg.ops_ctx, r->span, r->cfg.max_regions, &r->holder, why))
        return SHMEM_E_XEN;
    r->have_holder = true;
    return SHMEM_E_OK;
}

static void holder_put(struct shmem_reg *r)
{
    if (r->nclients || !r->have_holder)
        return;
    r->cfg.ops->holder_destroy(r->cfg.ops_ctx, r->holder);
    r->have_holder = false;
}

/* create= regions: made now (qvm makes them when the guest starts), pinned while c lives. */
static uint32_t pin_creates(struct shmem_reg *r, struct shmem_client *c, char *why)
{
    for (; c->npinned < c->ncreates; c->npinned++) {
        const struct shmem_create *cr = &c->create[c->npinned];
        struct shmem_region *g;
        char host[SHMEM_MAX_NAME];

        host_name(c, cr->name, host); /* checked by parse_hello */
        g = region_find(r, host);
        if (!g) {
            uint32_t gss = region_new(r, host, cr->pages, &g, why);

            if (gss == SHMEM_GSS_UNKNOWN_FAILURE)
                return SHMEM_E_XEN;
            if (gss)
                return SHMEM_E_OPTS;
        }
        g->pins++;
    }
    return SHMEM_E_OK;
}

uint32_t shmem_reg_hello(struct shmem_reg *r, uint32_t domid, const char *text, void *user,
                         struct shmem_client **c_r, char *why)
{
    struct shmem_client *c = calloc(1, sizeof(*c));
    uint32_t rc;

    *c_r = NULL;
    if (!c) {
        why_set(why, "out of memory");
        return SHMEM_E_XEN;
    }
    c->domid = domid;
    c->user = user;
    if (!parse_hello(c, text, why)) {
        free(c);
        return SHMEM_E_OPTS;
    }
    if (client_by_domid(r, domid)) {
        why_set(why, "domain %u already has a connection", domid);
        free(c);
        return SHMEM_E_OPTS;
    }
    rc = holder_get(r, why);
    if (!rc && !r->cfg.emulate &&
        r->cfg.ops->set_target(r->cfg.ops_ctx, domid, r->holder, c->win_pages, why))
        rc = SHMEM_E_XEN;
    if (rc) {
        free(c);
        holder_put(r);
        return rc;
    }
    c->next = r->clients;
    r->clients = c;
    r->nclients++;
    rc = pin_creates(r, c, why);
    if (rc) {
        shmem_reg_client_gone(r, c);
        return rc;
    }
    *c_r = c;
    return SHMEM_E_OK;
}

/* Checks that need no allocation: name, permission, limits of c. */
static uint32_t attach_check(struct shmem_client *c, const char *name, char host[], char *why)
{
    if (!name_ok(name)) {
        why_set(why, "illegal name (1 to %d printable bytes, no '/')", SHMEM_MAX_NAME - 1);
        return SHMEM_GSS_ILLEGAL_NAME;
    }
    if (!host_name(c, name, host)) {
        why_set(why, "%s: longer than %d bytes with subst=%s", name, SHMEM_MAX_NAME - 1, c->subst);
        return SHMEM_GSS_ILLEGAL_NAME;
    }
    if (!in_create_list(c, name) && !shmem_client_permits(c, name)) {
        why_set(why, "%s: denied by allow=/deny=", name);
        return SHMEM_GSS_NO_PERMISSION;
    }
    if (c->nlive >= SHMEM_CONNS_PER_CLIENT) {
        why_set(why, "%s: %d regions attached already", name, SHMEM_CONNS_PER_CLIENT);
        return SHMEM_GSS_NOMEM;
    }
    return SHMEM_GSS_OK;
}

static unsigned lowest_free_slot(const struct shmem_region *g)
{
    unsigned i = 0;

    while (g->slot[i])
        i++;
    return i;
}

/* The data pages of g into c's window after the control page at gfn; nothing to do when the
 * backend emulates them. */
static int map_data(struct shmem_reg *r, struct shmem_client *c, const struct shmem_region *g,
                    uint64_t gfn, char *why)
{
    if (r->cfg.emulate)
        return 0;
    return r->cfg.ops->map(r->cfg.ops_ctx, c->domid, r->holder, g->hgfn, gfn + 1, g->pages, why);
}

static int unmap_data(struct shmem_reg *r, struct shmem_client *c, uint64_t gfn, uint32_t pages,
                      char *why)
{
    if (r->cfg.emulate)
        return 0;
    return r->cfg.ops->unmap(r->cfg.ops_ctx, c->domid, gfn + 1, pages, why);
}

static uint32_t map_status(int rc)
{
    /* -ENOENT: the client's p2m pool ran out (docs/shmem-xen.md §4). */
    return rc == -ENOMEM || rc == -ENOENT ? SHMEM_GSS_NOMEM : SHMEM_GSS_UNKNOWN_FAILURE;
}

/* The region exists (g) or is to be created (pages); pages requested beyond an existing
 * region's size get the region's size: the first creator fixes it, as in qvm. */
void shmem_reg_attach(struct shmem_reg *r, struct shmem_client *c, const char *name, uint32_t pages,
                      struct shmem_attach_result *res, char *why)
{
    char host[SHMEM_MAX_NAME];
    struct shmem_region *g;
    struct shmem_conn *cn;
    uint64_t gfn;
    size_t at;
    bool created = false;
    int rc;

    *res = (struct shmem_attach_result){.fd = -1};
    res->status = attach_check(c, name, host, why);
    if (res->status)
        return;
    g = region_find(r, host);
    if (!g && !pages) {
        why_set(why, "%s: no such region", name);
        res->status = SHMEM_GSS_DOES_NOT_EXIST;
        return;
    }
    if (g && g->nslots == SHMEM_MAX_CLIENTS) {
        why_set(why, "%s: %d clients attached already", name, SHMEM_MAX_CLIENTS);
        res->status = SHMEM_GSS_CLIENT_MAX;
        return;
    }
    if (g)
        pages = g->pages;
    if (!window_fit(c, 1 + (uint64_t)pages, &gfn, &at)) {
        why_set(why, "%s: %u pages do not fit in the region window", name, pages);
        res->status = SHMEM_GSS_NOMEM;
        return;
    }
    cn = calloc(1, sizeof(*cn));
    if (!cn) {
        why_set(why, "out of memory");
        res->status = SHMEM_GSS_NOMEM;
        return;
    }
    if (!g) {
        res->status = region_new(r, host, pages, &g, why);
        if (res->status) {
            free(cn);
            return;
        }
        created = true;
    }
    rc = map_data(r, c, g, gfn, why);
    if (rc || !conn_insert(c, cn, at)) {
        if (!rc) {
            why_set(why, "out of memory");
            unmap_data(r, c, gfn, pages, why);
        }
        free(cn);
        if (created)
            region_unref(r, g);
        res->status = rc ? map_status(rc) : SHMEM_GSS_NOMEM;
        return;
    }
    *cn = (struct shmem_conn){.client = c, .reg = g, .gfn = gfn, .npages = 1 + (uint64_t)pages};
    cn->id = conn_new_id(c);
    cn->idx = lowest_free_slot(g);
    g->slot[cn->idx] = cn;
    g->nslots++;
    c->nlive++;
    tell_others(r, g, cn);
    *res = (struct shmem_attach_result){.status = SHMEM_GSS_OK,
                                        .region = cn->id,
                                        .idx = cn->idx,
                                        .pages = pages,
                                        .clients = g->nslots,
                                        .gpa = gfn << PAGE_SHIFT,
                                        .fd = g->fd};
    if (r->cfg.emulate) {
        res->gpa = (gfn - c->win_gfn) << PAGE_SHIFT;
        res->flags = SHMEM_ATTACH_EMULATED;
    }
}

/* Unmaps (a failure keeps the window range out of use), leaves the region, tells the others,
 * frees the region when it was the last reference. */
static void conn_detach(struct shmem_reg *r, struct shmem_conn *cn, char *why)
{
    struct shmem_client *c = cn->client;
    struct shmem_region *g = cn->reg;
    bool unmapped = !unmap_data(r, c, cn->gfn, g->pages, why);

    g->slot[cn->idx] = NULL;
    g->nslots--;
    c->nlive--;
    tell_others(r, g, NULL);
    if (unmapped)
        conn_remove(c, cn);
    else
        cn->reg = NULL;
    region_unref(r, g);
}

uint32_t shmem_reg_detach(struct shmem_reg *r, struct shmem_client *c, uint32_t region, char *why)
{
    struct shmem_conn *cn = conn_find(c, region);

    if (!cn) {
        why_set(why, "region %u: not attached on this connection", region);
        return SHMEM_E_NOREGION;
    }
    conn_detach(r, cn, why);
    return SHMEM_E_OK;
}

uint32_t shmem_reg_notify(struct shmem_reg *r, struct shmem_client *c, uint32_t region,
                          uint32_t mask)
{
    struct shmem_conn *cn = conn_find(c, region);
    struct shmem_region *g;

    if (!cn)
        return SHMEM_E_NOREGION;
    g = cn->reg;
    if (mask == ~0u)
        mask = ~(1u << cn->idx);
    for (unsigned i = 0; i < SHMEM_MAX_CLIENTS; i++)
        if (g->slot[i] && (mask & (1u << i)))
            tell(r, g->slot[i], 1u << cn->idx);
    return SHMEM_E_OK;
}

void shmem_reg_client_gone(struct shmem_reg *r, struct shmem_client *c)
{
    struct shmem_client **link = &r->clients;
    char why[SHMEM_WHY_MAX];

    for (size_t i = c->nconn; i-- > 0;)
        if (c->conn[i]->reg)
            conn_detach(r, c->conn[i], why);
    for (; c->npinned > 0; c->npinned--) {
        char host[SHMEM_MAX_NAME];
        struct shmem_region *g;

        host_name(c, c->create[c->npinned - 1].name, host);
        g = region_find(r, host);
        g->pins--;
        region_unref(r, g);
    }
    while (*link != c)
        link = &(*link)->next;
    *link = c->next;
    r->nclients--;
    for (size_t i = 0; i < c->nconn; i++)
        free(c->conn[i]);
    free(c->conn);
    free(c);
    holder_put(r);
}
