/* Watching a created domain until it dies: what xl's daemonised child does. */
#ifndef QX_MONITOR_H
#define QX_MONITOR_H

#include <stdint.h>
#include <stdio.h>
#include <libxl.h>

/* Polls @domid until it is gone. A domain that shut down is destroyed
 * (the plan maps every qvm exit to "destroy"); then its backend is
 * stopped. Returns 0, or -1 when libxl failed. */
int qx_monitor_run(libxl_ctx *ctx, uint32_t domid, FILE *err);

/* Forks a daemon (own session, stdio on /dev/null) that opens its own
 * libxl context and runs qx_monitor_run. Returns 0 in the parent, or -1. */
int qx_monitor_spawn(uint32_t domid, int verbosity, FILE *err);

/* Destroys @domid and stops its backend: the all-or-nothing clean-up. */
void qx_domain_teardown(libxl_ctx *ctx, uint32_t domid, FILE *err);

#endif
