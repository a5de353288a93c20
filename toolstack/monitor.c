/* The domain monitor (qvm-xl create -F, or its daemon) and the teardown. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "ctx.h"
#include "monitor.h"

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

int qx_monitor_run(libxl_ctx *ctx, uint32_t domid, FILE *err)
{
    libxl_dominfo info;
    int rc;

    for (;;) {
        libxl_dominfo_init(&info);
        rc = libxl_domain_info(ctx, &info, domid);
        bool gone = rc == ERROR_DOMAIN_NOTFOUND, down = !rc && (info.shutdown || info.dying);
        libxl_dominfo_dispose(&info);
        if (rc && !gone) {
            fprintf(err, "qvm-xl: lost track of domain %u\n", domid);
            return -1;
        }
        if (gone || down)
            break;
        usleep(200000);
    }
    qx_domain_teardown(rc ? NULL : ctx, domid, err);
    return 0;
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
    int r = qx_ctx_open(&c, verbosity) ? 1 : qx_monitor_run(c.ctx, domid, stderr) ? 1 : 0;
    qx_ctx_close(&c);
    _exit(r);
}
