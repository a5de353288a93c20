/* SPDX-License-Identifier: LGPL-2.1-only */
/* `qvm-xl list`: the domains, in xl list's columns. */
#include <stdlib.h>

#include <libxl_utils.h>

#include "toolstack/cmd-util.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/steps.h"

/* xl's state letters: running, blocked, paused, shutdown, crashed, dying. */
static void state(const libxl_dominfo *i, char out[7])
{
    bool crashed = i->shutdown && i->shutdown_reason == LIBXL_SHUTDOWN_REASON_CRASH;
    const bool on[6] = {i->running, i->blocked, i->paused, i->shutdown && !crashed,
                        crashed,    i->dying};
    for (int k = 0; k < 6; k++)
        out[k] = on[k] ? "rbpscd"[k] : '-';
    out[6] = '\0';
}

int cmd_list(int argc, char **argv)
{
    struct qx_getopt g = {.cmd = "list", .optstring = "+h"};
    struct qx_ctx c = {0};
    libxl_dominfo *doms = NULL;
    int n = 0, rc;

    rc = qx_getopt_none(&g, argc, argv);
    if (rc != QX_PROCEED)
        goto out;
    rc = QX_EXIT_FAIL;
    if (qx_ctx_open(&c, g.verbosity))
        goto out;
    doms = libxl_list_domain(c.ctx, &n);
    if (!doms) {
        fprintf(stderr, "qvm-xl: cannot list the domains\n");
        goto out;
    }
    printf("%-40s %5s %5s %5s     %s %8s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
    for (int i = 0; i < n; i++) {
        char *name = libxl_domid_to_name(c.ctx, doms[i].domid), st[7];
        state(&doms[i], st);
        printf("%-40s %5u %5lu %5d     %s %8.1f\n", name ? name : "(null)", doms[i].domid,
               (unsigned long)((doms[i].current_memkb + doms[i].outstanding_memkb) / 1024),
               doms[i].vcpu_online, st, (double)doms[i].cpu_time / 1e9);
        free(name);
    }
    rc = QX_EXIT_OK;
out:
    if (doms)
        libxl_dominfo_list_free(doms, n);
    qx_ctx_close(&c);
    return rc;
}
