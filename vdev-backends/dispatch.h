/* SPDX-License-Identifier: LGPL-2.1-only */
/* dispatch.h: mapping one ioreq onto the device that owns its address, with full validation. */
#ifndef QX_DISPATCH_H
#define QX_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vdev-backends/vdev.h"

/* Mirrors the fields of Xen's struct ioreq (xen/hvm/ioreq.h) that matter, so the core
 * needs no Xen headers and tests can build requests freely. */
enum { VDEV_IOREQ_PIO = 0, VDEV_IOREQ_COPY = 1, VDEV_IOREQ_PCI_CONFIG = 2 };
enum { VDEV_DIR_WRITE = 0, VDEV_DIR_READ = 1 };

struct vdev_ioreq {
    uint64_t addr;
    uint64_t data; /* value, or guest-physical address when data_is_ptr */
    uint32_t count;
    uint32_t size;
    uint8_t type;
    uint8_t dir;
    bool data_is_ptr;
    bool df; /* direction flag: REP addresses go down */
};

/* Largest REP transfer handled (bytes); Xen splits string I/O at page boundaries. */
#define VDEV_MAX_REP_BYTES 4096u

/* Outcome of one request, for statistics and tests (the guest sees only data). */
enum vdev_disp {
    VDEV_DISP_OK,
    VDEV_DISP_IGNORED_TYPE, /* not PIO/COPY, nor configuration of one of our PCI functions:
                             * answered, nothing done */
    VDEV_DISP_BAD_SIZE,     /* size not 1/2/4/8 or count invalid: reads all ones */
    VDEV_DISP_UNMAPPED,     /* no device covers [addr, addr+size): reads all ones */
    VDEV_DISP_BAD_ACCESS,   /* device refuses this width/alignment: reads all ones */
    VDEV_DISP_REP_REFUSED,  /* string I/O without guest-memory access or too long */
    VDEV_DISP_REP_FAULT,    /* guest-memory copy failed part-way */
    VDEV_DISP_COUNT
};

/* Copies len bytes between the guest-physical address gpa and buf (to_guest: buf → guest).
 * Returns 0 or -1. len <= VDEV_MAX_REP_BYTES. */
typedef int (*vdev_copy_fn)(void *opaque, uint64_t gpa, void *buf, size_t len, bool to_guest);

struct vdev_bus {
    struct vdev *dev;
    size_t ndev;
    vdev_copy_fn copy; /* NULL: string I/O is refused */
    void *copy_opaque;
    uint64_t stats[VDEV_DISP_COUNT];
};

/* Handles one request; for reads (dir == READ, !data_is_ptr) req->data holds the answer
 * afterwards. Never fails: every malformed request gets a defined answer. */
enum vdev_disp vdev_dispatch(struct vdev_bus *bus, struct vdev_ioreq *req);

/* One access of size bytes at addr in space, as the dispatcher performs it per item.
 * Output and interrupt changes wait for vdev_bus_flush (vdev_dispatch flushes). */
enum vdev_disp vdev_bus_access(struct vdev_bus *bus, enum vdev_space space, uint64_t addr,
                               unsigned size, bool is_read, uint64_t *val);

const char *vdev_disp_name(enum vdev_disp d);

/* vdev_flush on every device. */
void vdev_bus_flush(struct vdev_bus *bus);

/* Runs every device's expired timers and flushes; returns the earliest next deadline or
 * VDEV_NO_DEADLINE. A device's timer never returns a deadline <= now: an expired timer is
 * handled (a bounded number of steps) and re-armed at least its minimum period ahead, so an
 * event loop that sleeps until the result cannot spin. */
uint64_t vdev_bus_timers(struct vdev_bus *bus, uint64_t now);

#endif
