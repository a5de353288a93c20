/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-registry.h: qvm-xl-shmemd's books, without Xen: clients, named regions, each client's
 * region window and the holder's guest-physical space. The hypercalls go through struct
 * shmem_ops (shmem-xen.c for real, a fake in the tests); docs/shmemd.md has the rules. With
 * emulate set there are none: each region is a memfd of the broker's (x86). */
#ifndef QX_SHMEM_REGISTRY_H
#define QX_SHMEM_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vdev-backends/shmem-proto.h"

#define SHMEM_WHY_MAX          256 /* the text buffer every op may fill on failure */
#define SHMEM_RULES_MAX        32  /* allow= and deny= of one client */
#define SHMEM_CREATES_MAX      16  /* create= of one client */
#define SHMEM_CONNS_PER_CLIENT 64  /* regions one client may have attached at once */
#define SHMEM_REGIONS_MAX      1024
#define SHMEM_HOLDER_GFN       0x40000ull /* where the holder's RAM starts (ARM GUEST_RAM0) */
#define SHMEM_HOLDER_ALIGN     512u       /* pages: regions start on 2 MiB in the holder */

/* The hypervisor side. Each returns 0 or -errno and, on failure, a one-line reason in why
 * (SHMEM_WHY_MAX bytes). gfns are page numbers. */
struct shmem_ops {
    /* The holder domain, before the first client; sized for span pages of guest-physical
     * space holding at most regions regions. */
    int (*holder_create)(void *ctx, uint64_t span, uint32_t regions, uint32_t *holder_r, char *why);
    void (*holder_destroy)(void *ctx, uint32_t holder);
    /* pages of RAM at gfn.. of the holder (gfn is SHMEM_HOLDER_ALIGN-aligned). */
    int (*holder_alloc)(void *ctx, uint32_t holder, uint64_t gfn, uint32_t pages, char *why);
    void (*holder_free)(void *ctx, uint32_t holder, uint64_t gfn, uint32_t pages);
    /* Once per client, before any map: the holder becomes domid's target (for ever), and
     * domid's p2m pool grows for window_pages of foreign mappings. */
    int (*set_target)(void *ctx, uint32_t domid, uint32_t holder, uint64_t window_pages, char *why);
    /* n pages of the holder at hgfn.. into domid at gfn..; all or nothing. */
    int (*map)(void *ctx, uint32_t domid, uint32_t holder, uint64_t hgfn, uint64_t gfn, uint32_t n,
               char *why);
    /* Removes what map put at gfn..; 0 also when domid is gone or dying (Xen cleans up). */
    int (*unmap)(void *ctx, uint32_t domid, uint64_t gfn, uint32_t n, char *why);
};

struct shmem_client;

/* An EVENT for one client's connection to a region. */
struct shmem_event {
    uint32_t region;  /* the receiving client's connection id */
    uint32_t mask;    /* the notifier's bit (0 for an attach or detach) */
    uint32_t clients; /* attached clients now */
};

/* Where events go; called synchronously, must not call back into the registry. */
typedef void shmem_event_fn(void *ctx, struct shmem_client *to, const struct shmem_event *ev);

struct shmem_reg_config {
    const struct shmem_ops *ops;
    void *ops_ctx;
    shmem_event_fn *event;
    void *event_ctx;
    uint64_t max_pages;   /* data pages of all regions together */
    uint32_t max_regions; /* 0: SHMEM_REGIONS_MAX */
    /* Regions are sealed memfds here, handed to the clients' backends, which emulate the data
     * pages; ops is never called (no holder, target or mapping), placements are window
     * offsets. The caller may need RLIMIT_NOFILE for max_regions descriptors. */
    bool emulate;
};

struct shmem_reg;

struct shmem_attach_result {
    uint32_t status; /* enum shmem_gss */
    uint32_t region; /* connection id */
    uint32_t idx;
    uint32_t pages;
    uint32_t clients;
    uint64_t gpa;   /* control page; the data pages follow it (emulate: its window offset) */
    uint32_t flags; /* SHMEM_ATTACH_EMULATED with emulate */
    int fd;         /* emulate: the region's memfd, the registry's (valid until the next call
                       into it; the caller sends it at once); else -1 */
};

/* NULL when out of memory. */
struct shmem_reg *shmem_reg_new(const struct shmem_reg_config *cfg);
/* Every client gone first (shmem_reg_client_gone); then frees the books. */
void shmem_reg_free(struct shmem_reg *r);

/* A new client for domid with the device's options (text: see shmem-proto.h). Creates the
 * holder when it is the first client, makes it domid's target and creates the create= regions
 * (kept while the client lives). Returns SHMEM_E_OK with *c_r set, SHMEM_E_OPTS (bad text,
 * domid already a client, a create= region not possible), SHMEM_E_XEN (a hypercall);
 * why says which. user is the caller's, returned by shmem_client_user. */
uint32_t shmem_reg_hello(struct shmem_reg *r, uint32_t domid, const char *text, void *user,
                         struct shmem_client **c_r, char *why);
/* Attach name (the guest's name, NUL-terminated), creating it with pages data pages when it
 * does not exist and pages > 0. res->status is an enum shmem_gss; why says more on failure. */
void shmem_reg_attach(struct shmem_reg *r, struct shmem_client *c, const char *name, uint32_t pages,
                      struct shmem_attach_result *res, char *why);
/* SHMEM_E_OK or SHMEM_E_NOREGION (region is not one of c's). */
uint32_t shmem_reg_detach(struct shmem_reg *r, struct shmem_client *c, uint32_t region, char *why);
/* Events to the clients named in mask (~0: every other one); bits of free slots are ignored.
 * SHMEM_E_OK or SHMEM_E_NOREGION. */
uint32_t shmem_reg_notify(struct shmem_reg *r, struct shmem_client *c, uint32_t region,
                          uint32_t mask);
/* The connection ended: detach everything, release c's create= regions, forget c; the holder
 * goes with the last client. c is freed. */
void shmem_reg_client_gone(struct shmem_reg *r, struct shmem_client *c);

void *shmem_client_user(const struct shmem_client *c);
uint32_t shmem_client_domid(const struct shmem_client *c);
/* For logs and tests. */
unsigned shmem_reg_clients(const struct shmem_reg *r);
unsigned shmem_reg_regions(const struct shmem_reg *r);
uint64_t shmem_reg_pages(const struct shmem_reg *r);
bool shmem_reg_has_holder(const struct shmem_reg *r, uint32_t *holder_r);

/* Exposed for tests: does the client's allow/deny list let it use name? */
bool shmem_client_permits(const struct shmem_client *c, const char *name);

#endif
