/* SPDX-License-Identifier: LGPL-2.1-only */
/* xen-transport.h: serving a domain's ioreqs from an ioreq server (dom0, Xen 4.17). */
#ifndef QX_XEN_TRANSPORT_H
#define QX_XEN_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vdev-backends/dispatch.h"
#include "vdev-backends/loop.h"

struct xen_be;

/* Opens the devicemodel, foreignmemory and event channel handles restricted to domid, and
 * xenstore watches on @releaseDomain and /local/domain/N (not restrictable: see
 * docs/backends.md). domain_actions: a device may shut
 * the domain down; where Xen has no dm op for that (4.17 on ARM) an unrestricted control
 * handle is kept too. Returns 0 or VDEV_ERR_IO. */
int xen_be_open(struct xen_be **be_r, uint32_t domid, bool domain_actions, FILE *log);
/* Fills host callbacks (interrupts through inject_msi / isa irq / spi, domain actions). */
void xen_be_host(struct xen_be *be, struct vdev_host *host);
/* Creates the ioreq server, maps its page, claims every fixed device's ranges and every PCI
 * function's configuration cycles (their BARs are claimed later, through vdev_host.remap, as
 * the guest places them), enables it and binds one event channel per vCPU. Returns 0 or
 * VDEV_ERR_IO. */
int xen_be_setup(struct xen_be *be, struct vdev_bus *bus);
/* Serves every pending request; returns 0 or VDEV_ERR_IO (event channel gone). */
int xen_be_handle_evtchn(struct xen_be *be, struct vdev_bus *bus);
/* After the xenstore fd is readable: frees the queued watch events (no round trip). */
void xen_be_drain_watch(struct xen_be *be);
/* Drains, then checks (xenstore reads, a dm op): true once the domain is dying or gone. */
bool xen_be_domain_gone(struct xen_be *be);
/* The event loop's view of be (loop.h): event channel, watch fd, death check. */
void xen_be_loop_transport(struct xen_be *be, struct vdev_loop_transport *t);
/* After privileges are dropped: tries what the restricted handles must refuse (dm op,
 * foreign mapping and an event channel binding on domain 0, re-opening privcmd) and what they
 * must allow (a dm op on our domain); prints one "selftest-restrict ..." line. Returns 0 when
 * all came out right. */
int xen_be_selftest_restrict(struct xen_be *be, FILE *out);
/* Disables and destroys the server, unmaps, unbinds, closes; safe on a half-built be. */
void xen_be_close(struct xen_be *be);

#endif
