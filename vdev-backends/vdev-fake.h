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
    uint8_t *mem; /* vdev_fake_set_mem: guest memory for string I/O */
    size_t mem_size;
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

/* What every ARM PrimeCell peripheral (PL011, SP805) reads back at 0xff0-0xffc: PCellID0-3,
 * 0xB105F00D, one byte per word. Rows of a test's {offset, value} table, written as numbers
 * and not from the backends' macros, so that a backend getting them wrong fails. */
/* clang-format off */
#define VDEV_FAKE_PCELL_ID_ROWS {0xff0, 0x0d}, {0xff4, 0xf0}, {0xff8, 0x05}, {0xffc, 0xb1}
/* clang-format on */

/* The bus's copy callback: guest-physical address = offset into f->mem; -1 (a fault) for any
 * byte outside it. */
static inline int vdev_fake_copy(void *o, uint64_t gpa, void *buf, size_t len, bool to_guest)
{
    struct vdev_fake *f = o;

    if (gpa >= f->mem_size || len > f->mem_size - gpa)
        return -1;
    if (to_guest)
        memcpy(f->mem + gpa, buf, len);
    else
        memcpy(buf, f->mem + gpa, len);
    return 0;
}

/* Gives the guest the @size bytes at @mem (the test's) as its memory for string I/O; @mem
 * NULL takes it away, and string I/O is refused again (as after vdev_fake_init). */
static inline void vdev_fake_set_mem(struct vdev_fake *f, void *mem, size_t size)
{
    f->mem = mem;
    f->mem_size = mem ? size : 0;
    f->bus.copy = mem ? vdev_fake_copy : NULL;
    f->bus.copy_opaque = f;
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

/* A unit test's setup (cmocka's signature): @f empty, then the devices of @specs (up to a
 * NULL), in *state. 0, or -1 when a device is refused (the setup, so the test, fails). */
static inline int vdev_fake_setup(void **state, struct vdev_fake *f, const char *const *specs)
{
    vdev_fake_init(f);
    *state = f;
    for (; *specs; specs++)
        if (vdev_fake_add(f, *specs))
            return -1;
    return 0;
}

/* The teardown that goes with vdev_fake_setup. */
static inline int vdev_fake_teardown(void **state)
{
    vdev_fake_dispose(*state);
    return 0;
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
