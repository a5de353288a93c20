/* SPDX-License-Identifier: LGPL-2.1-only */
/* xen-ctrl.h: the unrestricted domain-control handle, loaded only by backends that need it.
 *
 * Most backends never touch libxenctrl: their devices need only the restricted devicemodel
 * handle. Linking it (and libxengnttab it pulls in) costs every backend about 250 kB of
 * resident memory, so it is dlopen()ed by name (its SONAME, found by configure) when a
 * device's action needs it: a watchdog on ARM, where Xen 4.17 has no shutdown dm op.
 * Opened before privileges are dropped, like every other handle. */
#ifndef QX_XEN_CTRL_H
#define QX_XEN_CTRL_H

#include <stdint.h>
#include <stdio.h>

struct xen_ctrl;

/* Loads the library and opens a control handle; NULL (reason logged) on failure. */
struct xen_ctrl *xen_ctrl_open(FILE *log);
/* xc_domain_shutdown(reason); 0 or -1 with errno. */
int xen_ctrl_shutdown(struct xen_ctrl *c, uint32_t domid, int reason);
void xen_ctrl_close(struct xen_ctrl *c);

#endif
