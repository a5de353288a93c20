/* SPDX-License-Identifier: LGPL-2.1-only */
/* vdev.h: transport-independent device-model core (device ops, instances, host services). */
#ifndef QX_VDEV_H
#define QX_VDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vdev-backends/chardev.h"
#include "vdev-backends/vdev-opts.h"

#define VDEV_NO_DEADLINE UINT64_MAX
#define VDEV_NO_ADDR     UINT64_MAX /* a range that is not claimed (vdev_host.remap) */
#define VDEV_NS_PER_SEC  1000000000ULL

/* Error codes returned by core and device functions (negative, libxl style). */
#define VDEV_ERR_INVAL   (-1) /* bad option value or combination */
#define VDEV_ERR_NOMEM   (-2)
#define VDEV_ERR_IO      (-3) /* host side: file, pty, hypervisor call */
#define VDEV_ERR_UNKNOWN (-4) /* unknown device type or option */

enum vdev_space { VDEV_SPACE_PIO, VDEV_SPACE_MMIO };

/* What to do to the domain when a watchdog expires. Declared once: the option
 * parser, the docs and the Xen transport read this list. Each is a shutdown with a
 * reason, so the toolstack's on_* action runs and cleans up. There is no "destroy": a
 * backend cannot destroy a domain the way a toolstack does (xenstore, other devices), and a
 * raw xc_domain_destroy left a dying domain its own mappings kept alive; use "watchdog" with
 * on_watchdog="destroy". */
#define VDEV_ACTIONS(X)                                                                            \
    X(WATCHDOG, "watchdog") /* SHUTDOWN_watchdog: xl's on_watchdog decides */                      \
    X(RESET, "reset")       /* SHUTDOWN_reboot */                                                  \
    X(POWEROFF, "poweroff") /* SHUTDOWN_poweroff */                                                \
    X(DUMP, "dump")         /* SHUTDOWN_crash: xl's on_crash (coredump-*) decides */

enum vdev_action {
#define X(e, s) VDEV_ACTION_##e,
    VDEV_ACTIONS(X)
#undef X
        VDEV_ACTION_COUNT
};

const char *vdev_action_name(enum vdev_action a);
/* "terminate" (qvm's word) is accepted as "watchdog". Returns 0 or VDEV_ERR_INVAL. */
int vdev_action_parse(const char *s, enum vdev_action *out_r);

struct vdev;

/* What a device may ask of its environment. The Xen transport fills this in;
 * tests supply fakes (a settable clock, recording callbacks). */
struct vdev_host {
    void *opaque;
    uint64_t (*now_ns)(void *opaque);                           /* monotonic */
    void (*set_irq)(void *opaque, struct vdev *dev, int level); /* may be NULL: polled */
    void (*domain_action)(void *opaque, struct vdev *dev, enum vdev_action action);
    FILE *log;      /* may be NULL */
    uint32_t domid; /* the guest's; 0 when unknown (tests, --dry-run): names tap interfaces */
    /* Opens the TAP interface @ifname (creating it if need be), attaches it to @bridge unless
     * NULL, brings it up; returns a non-blocking fd or a VDEV_ERR_*. NULL: the real one,
     * vnet_tap_open() (virtio-net.h); tests give a socketpair instead. */
    int (*open_tap)(void *opaque, const char *ifname, const char *bridge, FILE *err);
    /* A PCI function's MMIO range of @len bytes moves (pci-func.c): stop claiming it at
     * @old_base, claim it at @new_base; either may be VDEV_NO_ADDR (nothing to release, or
     * nothing to claim). Returns 0 or a VDEV_ERR_*. NULL: nothing to tell (tests). */
    int (*remap)(void *opaque, struct vdev *dev, uint64_t old_base, uint64_t new_base,
                 uint64_t len);
};

/* What the guest reads in a PCI function's header (a device type opts in with vdev_ops.pci). */
struct vdev_pci_id {
    uint16_t vendor, device;
    uint16_t subsys_vendor, subsys_device;
    uint32_t class_code; /* 24 bits: base class << 16 | subclass << 8 | programming interface */
    uint8_t revision;
};

/* A device's ranges as PCI BARs: the main one (BAR0) and the window (BAR2, 64-bit). */
enum vdev_range { VDEV_RANGE_MAIN, VDEV_RANGE_WIN, VDEV_RANGE_COUNT };

/* State of a device created with pci= (pci-func.c); present false for all others. */
struct vdev_pci {
    bool present;
    uint8_t bus, slot;               /* function 0, segment 0 */
    uint8_t cfg[256];                /* type-0 header as stored (status bit 3 is computed) */
    uint64_t size[VDEV_RANGE_COUNT]; /* BAR sizes, powers of two; 0: no such BAR */
    bool live[VDEV_RANGE_COUNT];     /* claimed and dispatched at base / win_base */
    bool warned;                     /* a refused BAR was logged (once: the guest's rate) */
};

struct vdev_ops {
    const char *name;
    const char *help;      /* one line: the device's own keys */
    enum vdev_space space; /* default address space */
    uint64_t default_base; /* 0 and !has_default_base: base is mandatory */
    bool has_default_base;
    uint64_t len;       /* bytes (MMIO) or ports (PIO) claimed */
    unsigned reg_width; /* 1: byte registers (wider accesses are split); 4: 32-bit */
    /* 0, or the offset from which accesses narrower than reg_width reach the device as they
     * are, at any naturally aligned offset (virtio's device configuration space: a driver
     * reads a MAC byte by byte). Only for side-effect-free ranges: below it a narrow access
     * is allowed only at a register's low byte. */
    uint64_t narrow_from;
    /* 0, or the offset from which an access of any size up to reg_width reaches the device as
     * it is, aligned or not (emulated memory: Xen's x86 emulator forwards an unaligned load
     * inside a page as one access). */
    uint64_t any_align_from;
    size_t priv_size;    /* zeroed state allocated by the core */
    bool acts_on_domain; /* may call vdev_domain_action (the watchdogs) */
    /* Reads the device's own keys from opts (consuming them). */
    int (*init)(struct vdev *dev, struct vdev_opts *opts, FILE *err);
    /* offset < len + win_len, size == reg_width; or, at offsets >= narrow_from (when set), size 1,
     * 2 or 4 <= reg_width with offset % size == 0; or, at offsets >= any_align_from (when set),
     * any size <= reg_width (the dispatcher guarantees these). */
    uint64_t (*read)(struct vdev *dev, uint64_t offset, unsigned size);
    void (*write)(struct vdev *dev, uint64_t offset, unsigned size, uint64_t val);
    void (*reset)(struct vdev *dev);
    void (*teardown)(struct vdev *dev);
    /* Runs expired timers; returns the next deadline or VDEV_NO_DEADLINE. May be NULL. */
    uint64_t (*timer)(struct vdev *dev, uint64_t now);
    /* Host input is readable (or may be): pull what fits. May be NULL. */
    void (*rx)(struct vdev *dev);
    /* fd to poll for input, or -1 while the device cannot take more. May be NULL. */
    int (*rx_fd)(struct vdev *dev);
    /* Non-NULL: the device may be a PCI function (pci=, x86 HVM) with this identity. */
    const struct vdev_pci_id *pci;
    /* A PCI function's range moved (base or win_base changed, or the range was claimed or
     * released; old or new VDEV_NO_ADDR when not live). For devices that map something at
     * their addresses themselves (RAM over a window). May be NULL. */
    void (*moved)(struct vdev *dev, enum vdev_range range, uint64_t old_base, uint64_t new_base);
};

struct vdev {
    const struct vdev_ops *ops;
    enum vdev_space space;
    uint64_t base;
    uint64_t len;
    const struct vdev_host *host;
    void *priv;
    struct chardev chr; /* unused by devices without a character back end */
    int irq_level;      /* the device's line, as its model last set it */
    int irq_sent;       /* the level the host was last told (vdev_flush) */
    /* Interrupt routing as given on the command line; the transport interprets it. */
    uint64_t msi_addr;
    uint32_t msi_data;
    int isa_irq; /* -1: none */
    int spi;     /* -1: none */
    bool has_msi;
    /* A second MMIO range a device may claim in init (shmem's region window: its control pages
     * trap here, its data pages are RAM mapped over it). Accesses there reach read/write at
     * offsets len + (addr - win_base). win_len 0: none. */
    uint64_t win_base, win_len;
    /* pci=: the device is a PCI function; its ranges are live only while the guest has
     * assigned its BARs and enabled memory decode (docs/backends.md "PCI functions"). */
    struct vdev_pci pci;
};

/* The explicit device table (vdev-table.c); NULL-terminated. */
extern const struct vdev_ops *const vdev_types[];
const struct vdev_ops *vdev_type_find(const char *name);

/* Creates a device from one --device spec ("type,key=val,..."). On success
 * *dev_r is initialised and reset; call vdev_dispose() to release it. */
int vdev_create(const char *spec, const struct vdev_host *host, struct vdev *dev_r, FILE *err);
void vdev_dispose(struct vdev *dev);

/* Helpers for devices. */
uint64_t vdev_now(const struct vdev *dev);
/* Records the interrupt line's level; the host hears of it at the next vdev_flush. */
void vdev_set_irq(struct vdev *dev, int level);
/* Delivers what a device did during one request, timer run or input pull: buffered output
 * (one write, not one per byte) and the interrupt line's final level (one host call, not one
 * per toggle). A REP access of 4096 items thus costs the host a bounded handful of system
 * calls and hypercalls instead of thousands; a pulse that starts and ends inside one request
 * is not delivered (the requesting vCPU is stopped meanwhile). The dispatcher and the event
 * loop call it; tests that call a device's ops directly call it themselves. */
void vdev_flush(struct vdev *dev);
void vdev_domain_action(struct vdev *dev, enum vdev_action action);
void vdev_log(const struct vdev *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
