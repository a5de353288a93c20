/* SPDX-License-Identifier: LGPL-2.1-only */
/* The domain monitor (qvm-xl create -F, or its daemon) and the teardown. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "toolstack/backend.h"
#include "toolstack/ctx.h"
#include "toolstack/monitor.h"

void qx_domain_teardown(libxl_ctx *ctx, uint32_t domid, FILE *err)
{
    libxl_dominfo info;

    /* libxl may already have destroyed a domain whose creation failed. */
    libxl_dominfo_init(&info);
    if (ctx && libxl_domain_info(ctx, &info, domid) == 0 && libxl_domain_destroy(ctx, domid, NULL))
        fprintf(err, "qvm-xl: destroying domain %u failed\n", domid);
    libxl_dominfo_dispose(&info);
    qx_backend_stop_domid(domid, err);
}

int qx_exit_for_shutdown(int reason)
{
    switch (reason) {
    case LIBXL_SHUTDOWN_REASON_POWEROFF:
    case LIBXL_SHUTDOWN_REASON_REBOOT:
    case LIBXL_SHUTDOWN_REASON_SOFT_RESET:
        return QX_GUEST_EXIT_NORMAL; /* the guest asked to stop or restart */
    case LIBXL_SHUTDOWN_REASON_WATCHDOG:
        return QX_GUEST_EXIT_WATCHDOG;
    case LIBXL_SHUTDOWN_REASON_CRASH:
        return QX_GUEST_EXIT_AFTER_START; /* a fatal error after the guest started */
    default:                              /* suspend, or a reason this libxl does not name */
        return QX_GUEST_EXIT_UNEXPECTED;
    }
}

/* Waits for libxl's domain-death events (as xl's monitor does; no polling):
 * a shutdown gives its reason, a death without one means the domain was
 * destroyed from outside, like qvm killed (power cut). */
int qx_monitor_run(libxl_ctx *ctx, uint32_t domid, FILE *err)
{
    libxl_evgen_domain_death *deathw = NULL;
    int code = -1;

    if (libxl_evenable_domain_death(ctx, domid, 0, &deathw)) {
        fprintf(err, "qvm-xl: cannot watch domain %u\n", domid);
        return -1;
    }
    while (code < 0) {
        libxl_event *ev = NULL;

        if (libxl_event_wait(ctx, &ev, LIBXL_EVENTMASK_ALL, NULL, NULL)) {
            fprintf(err, "qvm-xl: lost track of domain %u\n", domid);
            break;
        }
        if (ev->domid == domid && ev->type == LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN)
            code = qx_exit_for_shutdown(ev->u.domain_shutdown.shutdown_reason);
        else if (ev->domid == domid && ev->type == LIBXL_EVENT_TYPE_DOMAIN_DEATH)
            code = QX_GUEST_EXIT_KILLED;
        libxl_event_free(ctx, ev);
    }
    libxl_evdisable_domain_death(ctx, deathw);
    qx_domain_teardown(ctx, domid, err);
    return code;
}

int qx_monitor_spawn(uint32_t domid, int verbosity, FILE *err)
{
    pid_t pid = fork();

    if (pid < 0) {
        fprintf(err, "qvm-xl: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid > 0)
        return 0;
    /* The daemon: detached from the terminal and from the caller's pipes,
     * so `qvm-xl create | ...` ends when create does. */
    int null = open("/dev/null", O_RDWR);
    setsid();
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    struct qx_ctx c;
    int r = qx_ctx_open(&c, verbosity) ? 1 : qx_monitor_run(c.ctx, domid, stderr) < 0 ? 1 : 0;
    qx_ctx_close(&c);
    _exit(r);
}
