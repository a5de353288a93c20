/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem.h: qvm's vdev shmem as the guest sees it (the factory page and the regions' control
 * pages), talking to the broker qvm-xl-shmemd (shmem-proto.h) for everything else. */
#ifndef QX_SHMEM_H
#define QX_SHMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev-backends/shmem-proto.h"
#include "vdev-backends/vdev.h"

#define SHMEM_MAX_CONN         64    /* regions one device may be attached to at once */
#define SHMEM_REPLY_TIMEOUT_MS 10000 /* a broker silent this long is taken as gone */
#define SHMEM_EVENTS_PER_REPLY 4096  /* ... or one sending this many EVENTs and no REPLY */

/* Counters (each access or message counted once). */
struct shmem_stats {
    uint64_t requests;       /* ATTACH, DETACH and NOTIFY sent */
    uint64_t events;         /* EVENTs applied to a live connection */
    uint64_t events_unknown; /* EVENTs for no live connection (raced with a DETACH) */
    uint64_t stray_reads;    /* window accesses outside a live control page or emulated data */
    uint64_t stray_writes;
    uint64_t data_reads; /* accesses to emulated data pages (SHMEM_ATTACH_EMULATED) */
    uint64_t data_writes;
    uint64_t bad_fds;        /* descriptors from the broker not asked for, or refused (closed) */
    uint64_t ignored_writes; /* read-only registers, or part of a register only */
    uint64_t link_breaks;    /* 0 or 1: the broker connection failed and was closed */
};

/* The device's counters; NULL if @dev is not a shmem device. */
const struct shmem_stats *shmem_stats(struct vdev *dev);
/* True while the device still talks to the broker. */
bool shmem_link_up(struct vdev *dev);
/* Tests: how long a request waits for its REPLY (0: only one already queued counts). */
void shmem_set_reply_timeout(struct vdev *dev, int ms);

#endif
