/* SPDX-License-Identifier: LGPL-2.1-only */
/* vdev-fake.h: a fake transport for tests and benchmarks: settable clock, recorded effects. */
#ifndef QX_VDEV_FAKE_H
#define QX_VDEV_FAKE_H

#include <string.h>

#include "vdev-backends/dispatch.h"

struct vdev_fake {
    uint64_t now;
    int irq_level;
    unsigned irq_edges;
    unsigned irq_calls;      /* host set_irq calls (one hypercall each on Xen) */
    uint64_t timer_runs;     /* vdev_fake_run: wake-ups of the simulated event loop */
    uint64_t past_deadlines; /* vdev_fake_run: deadlines at or before now (would spin) */
    unsigned actions;
    enum vdev_action last_action;
    struct vdev_host host;
    struct vdev dev[4];
    struct vdev_bus bus;
};

static inline uint64_t vdev_fake_now(void *o)
{
    return ((struct vdev_fake *)o)->now;
}

static inline void vdev_fake_irq(void *o, struct vdev *dev, int level)
{
    struct vdev_fake *f = o;

    f->irq_calls++;
    if (level && !f->irq_level)
        f->irq_edges++;
    f->irq_level = level;
}

static inline void vdev_fake_action(void *o, struct vdev *dev, enum vdev_action a)
{
    struct vdev_fake *f = o;

    f->actions++;
    f->last_action = a;
}

static inline void vdev_fake_init(struct vdev_fake *f)
{
    memset(f, 0, sizeof(*f));
    f->host = (struct vdev_host){.opaque = f,
                                 .now_ns = vdev_fake_now,
                                 .set_irq = vdev_fake_irq,
                                 .domain_action = vdev_fake_action};
    f->bus.dev = f->dev;
}

/* Adds a device; returns vdev_create's code. */
static inline int vdev_fake_add(struct vdev_fake *f, const char *spec)
{
    int rc = vdev_create(spec, &f->host, &f->dev[f->bus.ndev], NULL);

    if (!rc)
        f->bus.ndev++;
    return rc;
}

static inline void vdev_fake_dispose(struct vdev_fake *f)
{
    for (size_t i = 0; i < f->bus.ndev; i++)
        vdev_dispose(&f->dev[i]);
    f->bus.ndev = 0;
}

/* One plain (non-REP) access through the dispatcher, as an ioreq would arrive. */
static inline uint64_t vdev_fake_io(struct vdev_fake *f, int type, uint64_t addr, unsigned size,
                                    bool is_read, uint64_t val, enum vdev_disp *disp_r)
{
    struct vdev_ioreq r = {.addr = addr,
                           .data = is_read ? 0 : val,
                           .count = 1,
                           .size = size,
                           .type = (uint8_t)type,
                           .dir = is_read ? VDEV_DIR_READ : VDEV_DIR_WRITE};
    enum vdev_disp d = vdev_dispatch(&f->bus, &r);

    if (disp_r)
        *disp_r = d;
    return r.data;
}

static inline uint64_t pio_in(struct vdev_fake *f, uint64_t port)
{
    return vdev_fake_io(f, VDEV_IOREQ_PIO, port, 1, true, 0, NULL);
}

static inline void pio_out(struct vdev_fake *f, uint64_t port, uint8_t v)
{
    vdev_fake_io(f, VDEV_IOREQ_PIO, port, 1, false, v, NULL);
}

static inline uint32_t mmio_rd(struct vdev_fake *f, uint64_t addr)
{
    return (uint32_t)vdev_fake_io(f, VDEV_IOREQ_COPY, addr, 4, true, 0, NULL);
}

static inline void mmio_wr(struct vdev_fake *f, uint64_t addr, uint32_t v)
{
    vdev_fake_io(f, VDEV_IOREQ_COPY, addr, 4, false, v, NULL);
}

/* An ideal event loop in simulated time: runs the bus's timers now and then exactly at each
 * deadline they return, until dur has passed (f->now ends at start + dur). guest, if not NULL,
 * runs after every timer run at the same instant (a guest reacting at once, e.g. acknowledging
 * an interrupt); the timers are consulted again after it, as the real loop does after a
 * request. Counts deadlines not in the future in f->past_deadlines (the real loop would spin
 * on those); stops after cap wake-ups. Returns the wake-ups (timer runs) of this call. */
static inline uint64_t vdev_fake_run(struct vdev_fake *f, uint64_t dur, uint64_t cap,
                                     void (*guest)(struct vdev_fake *f))
{
    const uint64_t end = f->now + dur;
    uint64_t n = 0;

    while (n < cap) {
        uint64_t next = vdev_bus_timers(&f->bus, f->now);

        n++;
        if (guest) {
            guest(f);
            next = vdev_bus_timers(&f->bus, f->now);
        }
        if (next <= f->now)
            f->past_deadlines++;
        if (next == VDEV_NO_DEADLINE || next > end)
            break;
        f->now = next;
    }
    f->timer_runs += n;
    f->now = end;
    return n;
}

#endif
