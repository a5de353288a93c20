/* SPDX-License-Identifier: LGPL-2.1-only */
/* Starting and stopping a domain's qvm-xl-backend process (docs/backends.md). */
#ifndef QX_BACKEND_H
#define QX_BACKEND_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Where pid files live: RUNDIR/backend-DOMID.pid. QVMXL_RUNDIR overrides. */
#define QX_RUNDIR_DEFAULT "/run/qvm-xl"
/* The backend's output: LOGDIR/qvm-xl-backend-DOMID.log. */
#define QX_LOGDIR_DEFAULT "/var/log/xen"

struct qx_backend {
    pid_t pid; /* 0: not started */
    uint32_t domid;
    char *log; /* its stdout/stderr file */
};

void qx_backend_init(struct qx_backend *b);
void qx_backend_dispose(struct qx_backend *b);

/* The program: $QVMXL_BACKEND, else LIBEXECDIR/qvm-xl-backend. */
const char *qx_backend_program(void);

/* Starts the backend for @domid with @n --device @specs, in its own
 * session, output to its log file, and records its pid file. Returns 0 or
 * -1 (message on @err). */
int qx_backend_start(struct qx_backend *b, uint32_t domid, char *const *specs, size_t n, FILE *err);
/* Waits up to @timeout_ms for the "ready domid N devices K" line. Returns
 * 0, or -1 when the backend exited or timed out (its log is copied to @err). */
int qx_backend_wait_ready(struct qx_backend *b, int timeout_ms, FILE *err);
/* Stops the backend of @domid (SIGTERM, then SIGKILL after 3 s) by its
 * pid file, and removes the file. Returns 0 when none is left running. */
int qx_backend_stop_domid(uint32_t domid, FILE *err);
/* The pid recorded for @domid when that process is alive and a backend; 0 otherwise. */
pid_t qx_backend_pid(uint32_t domid);

/* Parses a "ready domid N devices K" line; returns 0 when it is one for @domid. */
int qx_backend_ready_line(const char *line, uint32_t domid);

#endif
