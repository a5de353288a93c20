/* SPDX-License-Identifier: LGPL-2.1-only */
/* loop.h: the backend's event loop, kept apart from Xen so that tests run the real thing. */
#ifndef QX_LOOP_H
#define QX_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev-backends/dispatch.h"

#define VDEV_LOOP_MAX_DEVICES 16

/* A xenstore watch event (which the guest can cause: it may write below its own
 * /local/domain/N) triggers a death check at most this often... */
#define VDEV_LOOP_CHECK_MIN_NS (100 * 1000000ull)
/* ...and the loop checks at least this often whatever else keeps it busy. */
#define VDEV_LOOP_CHECK_MAX_NS VDEV_NS_PER_SEC

/* What the loop needs of a transport: the Xen one (xen_be_loop_transport) or a test's. */
struct vdev_loop_transport {
    void *opaque;
    int evtchn_fd; /* readable: requests may be waiting; -1: none */
    int (*handle_evtchn)(void *opaque, struct vdev_bus *bus); /* 0, or nonzero: fatal */
    int watch_fd;                      /* readable: a domain-death hint; -1: none */
    void (*drain_watch)(void *opaque); /* cheap: consume the hints */
    bool (*domain_gone)(void *opaque); /* the real check (round trips); NULL: never gone */
};

enum vdev_loop_exit {
    VDEV_LOOP_GONE,  /* domain_gone said so */
    VDEV_LOOP_STOP,  /* stop_fd became readable (the backend's SIGTERM/SIGINT signalfd) */
    VDEV_LOOP_ERROR, /* handle_evtchn failed, or poll or the timer fd did (errno says) */
    VDEV_LOOP_UNTIL, /* the until time passed (tests) */
};

struct vdev_loop_stats {
    uint64_t wakeups;       /* poll returns */
    uint64_t timer_wakeups; /* of them, with the device timer expired */
    uint64_t gone_checks;   /* domain_gone calls */
};

struct vdev_loop {
    const struct vdev_loop_transport *t;
    struct vdev_bus *bus; /* at most VDEV_LOOP_MAX_DEVICES devices are polled for input */
    int stop_fd;          /* -1: none */
    uint64_t until;       /* CLOCK_MONOTONIC ns; VDEV_NO_DEADLINE: until gone, stop or error */
    uint64_t check_min_ns, check_max_ns;
    struct vdev_loop_stats stats;
};

/* CLOCK_MONOTONIC in ns: the clock of the loop, and the one device hosts must use. */
uint64_t vdev_mono_now(void);

/* Defaults: no stop fd, no end, the VDEV_LOOP_CHECK_* intervals, zero statistics. */
void vdev_loop_init(struct vdev_loop *l, const struct vdev_loop_transport *t, struct vdev_bus *bus);

/* Serves requests, device timers (one timerfd armed with the earliest deadline), host input
 * and death checks until one of the exits. Every wake-up has a cause that is either paced by
 * the guest's own blocked vCPUs (a request), bounded in rate (device timers: their minimum
 * periods; death checks: check_min_ns), or the host's (input, signals). */
enum vdev_loop_exit vdev_loop_run(struct vdev_loop *l);

#endif
