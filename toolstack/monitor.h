/* SPDX-License-Identifier: LGPL-2.1-only */
/* Watching a created domain until it dies: what xl's daemonised child does. */
#ifndef QX_MONITOR_H
#define QX_MONITOR_H

#include <stdint.h>
#include <stdio.h>
#include <libxl.h>

/* qvm's exit codes for why its guest stopped (qvm/guest.h; docs/qvm-xl.1, EXIT STATUS). */
enum {
    QX_GUEST_EXIT_NORMAL = 0,      /* the guest shut down or restarted */
    QX_GUEST_EXIT_KILLED = 3,      /* terminated as if power were cut: destroyed from outside */
    QX_GUEST_EXIT_WATCHDOG = 4,    /* a watchdog fired */
    QX_GUEST_EXIT_UNEXPECTED = 7,  /* any other reason */
    QX_GUEST_EXIT_AFTER_START = 96 /* a fatal error after the guest started: it crashed */
};
/* The code for libxl shutdown reason @reason (LIBXL_SHUTDOWN_REASON_*). */
int qx_exit_for_shutdown(int reason);

/* Waits on libxl's domain-death events for @domid. A domain that shut down is destroyed
 * (the plan maps every qvm exit to "destroy"); then its backend is stopped. Returns qvm's
 * exit code for why it stopped, or -1 when libxl failed. */
int qx_monitor_run(libxl_ctx *ctx, uint32_t domid, FILE *err);

/* Forks a daemon (own session, stdio on /dev/null) that opens its own
 * libxl context and runs qx_monitor_run. Returns 0 in the parent, or -1. */
int qx_monitor_spawn(uint32_t domid, int verbosity, FILE *err);

/* Destroys @domid and stops its backend: the all-or-nothing clean-up. */
void qx_domain_teardown(libxl_ctx *ctx, uint32_t domid, FILE *err);

#endif
