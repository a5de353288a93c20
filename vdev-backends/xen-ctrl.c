/* SPDX-License-Identifier: LGPL-2.1-only */
/* xen-ctrl.c: libxenctrl through dlopen (see xen-ctrl.h for why). */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#include "vdev-backends/xen-ctrl.h"

#ifndef XENCTRL_SONAME
#error "configure defines XENCTRL_SONAME (the SONAME of libxenctrl)"
#endif

struct xen_ctrl {
    void *lib;
    xc_interface *xc;
    xc_interface *(*open)(xentoollog_logger *, xentoollog_logger *, unsigned);
    int (*close)(xc_interface *);
    int (*shutdown)(xc_interface *, uint32_t, int);
};

static void say(FILE *log, const char *what, const char *why)
{
    if (log)
        fprintf(log, "xen: %s: %s\n", what, why);
}

/* One symbol into *slot (a function pointer of the right type); false when missing. */
static bool sym(struct xen_ctrl *c, const char *name, void *slot, FILE *log)
{
    void *p = dlsym(c->lib, name);

    if (!p) {
        say(log, XENCTRL_SONAME, dlerror());
        return false;
    }
    /* POSIX guarantees a data pointer from dlsym converts to a function pointer. */
    memcpy(slot, &p, sizeof(p));
    return true;
}

struct xen_ctrl *xen_ctrl_open(FILE *log)
{
    struct xen_ctrl *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->lib = dlopen(XENCTRL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!c->lib) {
        say(log, "dlopen", dlerror());
        free(c);
        return NULL;
    }
    if (!sym(c, "xc_interface_open", &c->open, log) ||
        !sym(c, "xc_interface_close", &c->close, log) ||
        !sym(c, "xc_domain_shutdown", &c->shutdown, log))
        goto fail;
    c->xc = c->open(NULL, NULL, 0);
    if (!c->xc) {
        say(log, "xc_interface_open", strerror(errno));
        goto fail;
    }
    return c;
fail:
    dlclose(c->lib);
    free(c);
    return NULL;
}

int xen_ctrl_shutdown(struct xen_ctrl *c, uint32_t domid, int reason)
{
    return c->shutdown(c->xc, domid, reason);
}

void xen_ctrl_close(struct xen_ctrl *c)
{
    if (!c)
        return;
    c->close(c->xc);
    dlclose(c->lib);
    free(c);
}
