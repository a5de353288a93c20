/* SPDX-License-Identifier: LGPL-2.1-only */
/* xen-transport.c: ioreq server set-up, request servicing and teardown (xen/hvm/ioreq.h). */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <xenctrl.h> /* xen_mb() and friends only: the library is not linked */
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xen/hvm/ioreq.h>
#include <xen/memory.h>
#include <xen/sched.h>

#include "vdev-backends/pci-func.h"
#include "vdev-backends/xen-ctrl.h"
#include "vdev-backends/xen-transport.h"

#define XEN_PAGE_SIZE 4096u

struct xen_be {
    uint32_t domid;
    FILE *log;
    xendevicemodel_handle *dm;
    xenforeignmemory_handle *fm;
    xenevtchn_handle *xe;
    struct xs_handle *xs;
    struct xen_ctrl *xc; /* NULL unless a device needs it (xen_be_open) */
    xenforeignmemory_resource_handle *res;
    shared_iopage_t *iopage;
    ioservid_t id;
    bool have_server, enabled;
    unsigned nr_vcpus;
    evtchn_port_t *local; /* our port per vCPU, or (evtchn_port_t)-1 */
    bool gone;
    char dom_path[32]; /* /local/domain/N */
    uint8_t pci_bus[VDEV_LOOP_MAX_DEVICES], pci_slot[VDEV_LOOP_MAX_DEVICES];
    size_t npci; /* functions mapped to our server (config cycles), unmapped at close */
};

static void be_log(struct xen_be *be, const char *what)
{
    if (be->log)
        fprintf(be->log, "xen: %s: %s\n", what, strerror(errno));
}

/* Xen 4.17 implements XEN_DMOP_remote_shutdown on x86 only; and only x86 turns CF8/CFC
 * into PCI config ioreqs (arch_ioreq_server_get_type_addr). */
#if defined(__x86_64__) || defined(__i386__)
#define HAVE_SHUTDOWN_DM_OP true
#define HAVE_PCI_CONFIG     true
#else
#define HAVE_SHUTDOWN_DM_OP false
#define HAVE_PCI_CONFIG     false
#endif

int xen_be_open(struct xen_be **be_r, uint32_t domid, bool domain_actions, FILE *log)
{
    struct xen_be *be;
    int rc;

    be = calloc(1, sizeof(*be));
    if (!be)
        return VDEV_ERR_NOMEM;
    be->domid = domid;
    be->log = log;
    *be_r = be;

    be->dm = xendevicemodel_open(NULL, 0);
    if (!be->dm) {
        be_log(be, "xendevicemodel_open");
        goto fail;
    }
    /* Restrict at once: from here on a compromised process can touch only this domain. */
    if (xendevicemodel_restrict(be->dm, domid)) {
        be_log(be, "xendevicemodel_restrict");
        goto fail;
    }
    be->fm = xenforeignmemory_open(NULL, 0);
    if (!be->fm || xenforeignmemory_restrict(be->fm, domid)) {
        be_log(be, "xenforeignmemory_open/restrict");
        goto fail;
    }
    be->xe = xenevtchn_open(NULL, 0);
    if (!be->xe) {
        be_log(be, "xenevtchn_open");
        goto fail;
    }
    /* The event channel handle too (Linux's IOCTL_EVTCHN_RESTRICT_DOMID): from here it can
     * bind interdomain only to this domain's ports; binding to another domain's ports, VIRQs
     * and allocating unbound ports fail with EACCES. Unbind, notify and unmask still work. */
    if (xenevtchn_restrict(be->xe, (domid_t)domid)) {
        be_log(be, "xenevtchn_restrict");
        goto fail;
    }
    be->xs = xs_open(0);
    snprintf(be->dom_path, sizeof(be->dom_path), "/local/domain/%u", domid);
    /* Two signs of death: the toolstack removes the domain's directory (watched), or Xen no
     * longer knows the domain (checked on @releaseDomain and every second). A destroyed
     * domain is not freed while we keep its pages mapped, so the directory is what ends a
     * destroyed domain's backend. */
    if (!be->xs || !xs_watch(be->xs, "@releaseDomain", "release") ||
        !xs_watch(be->xs, be->dom_path, "dompath")) {
        be_log(be, "xenstore @releaseDomain watch");
        goto fail;
    }
    if (domain_actions && !HAVE_SHUTDOWN_DM_OP) {
        be->xc = xen_ctrl_open(log);
        if (!be->xc)
            goto fail;
    }
    return 0;
fail:
    rc = VDEV_ERR_IO;
    return rc;
}

static void be_set_irq(void *opaque, struct vdev *dev, int level)
{
    struct xen_be *be = opaque;

    if (dev->pci.present) {
        /* INTA of bus 0 (Xen routes it through the guest's PCI link to a GSI/ISA IRQ). */
        if (xendevicemodel_set_pci_intx_level(be->dm, be->domid, 0, dev->pci.bus, dev->pci.slot, 0,
                                              (unsigned)pci_func_intx_level(dev, level)))
            be_log(be, "set_pci_intx_level");
    } else if (dev->has_msi) {
        /* MSIs are edges: one per rising level (PVH has no other way in). */
        if (level && xendevicemodel_inject_msi(be->dm, be->domid, dev->msi_addr, dev->msi_data))
            be_log(be, "inject_msi");
    } else if (dev->isa_irq >= 0) {
        if (xendevicemodel_set_isa_irq_level(be->dm, be->domid, (uint8_t)dev->isa_irq, level))
            be_log(be, "set_isa_irq_level");
    } else if (dev->spi >= 0) {
        if (xendevicemodel_set_irq_level(be->dm, be->domid, (unsigned)dev->spi, level))
            be_log(be, "set_irq_level");
    }
    /* else: polled mode, the guest driver reads the status registers */
}

static void be_domain_action(void *opaque, struct vdev *dev, enum vdev_action action)
{
    static const unsigned reason[VDEV_ACTION_COUNT] = {
        [VDEV_ACTION_WATCHDOG] = SHUTDOWN_watchdog,
        [VDEV_ACTION_RESET] = SHUTDOWN_reboot,
        [VDEV_ACTION_POWEROFF] = SHUTDOWN_poweroff,
        [VDEV_ACTION_DUMP] = SHUTDOWN_crash,
    };
    struct xen_be *be = opaque;

    /* A dm op, so it works through the restricted handle after privileges are dropped.
     * Where Xen lacks it the control handle kept by xen_be_open does the same. */
    if (!xendevicemodel_shutdown(be->dm, be->domid, reason[action]))
        return;
    if (!be->xc || xen_ctrl_shutdown(be->xc, be->domid, (int)reason[action]))
        be_log(be, "domain shutdown");
}

static uint64_t be_now(void *opaque)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * VDEV_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Bounded copy for REP string I/O: maps at most the two pages [gpa, gpa+len) spans. */
static int be_copy(void *opaque, uint64_t gpa, void *buf, size_t len, bool to_guest)
{
    struct xen_be *be = opaque;
    xen_pfn_t pfn[2];
    int err[2] = {0, 0};
    size_t npages, off = gpa & (XEN_PAGE_SIZE - 1);
    uint8_t *p;

    if (len == 0 || len > VDEV_MAX_REP_BYTES || gpa > UINT64_MAX - len)
        return -1;
    npages = (off + len + XEN_PAGE_SIZE - 1) / XEN_PAGE_SIZE;
    pfn[0] = gpa / XEN_PAGE_SIZE;
    pfn[1] = pfn[0] + 1;
    p = xenforeignmemory_map(be->fm, be->domid, to_guest ? PROT_READ | PROT_WRITE : PROT_READ,
                             npages, pfn, err);
    if (!p)
        return -1;
    if (err[0] || (npages > 1 && err[1])) {
        xenforeignmemory_unmap(be->fm, p, npages);
        return -1;
    }
    if (to_guest)
        memcpy(p + off, buf, len);
    else
        memcpy(buf, p + off, len);
    xenforeignmemory_unmap(be->fm, p, npages);
    return 0;
}

/* A PCI function's BAR moved (pci-func.c): release the old range before claiming the new one,
 * since Xen refuses a range that overlaps one the server already has. */
static int be_remap(void *opaque, struct vdev *dev, uint64_t old_base, uint64_t new_base,
                    uint64_t len)
{
    struct xen_be *be = opaque;

    if (!be->have_server || len == 0)
        return VDEV_ERR_IO;
    if (old_base != VDEV_NO_ADDR &&
        xendevicemodel_unmap_io_range_from_ioreq_server(be->dm, be->domid, be->id, 1, old_base,
                                                        old_base + (len - 1)))
        be_log(be, "unmap_io_range (BAR)");
    if (new_base != VDEV_NO_ADDR &&
        xendevicemodel_map_io_range_to_ioreq_server(be->dm, be->domid, be->id, 1, new_base,
                                                    new_base + (len - 1))) {
        be_log(be, "map_io_range (BAR)");
        return VDEV_ERR_IO;
    }
    return 0;
}

void xen_be_host(struct xen_be *be, struct vdev_host *host)
{
    host->opaque = be;
    host->now_ns = be_now;
    host->set_irq = be_set_irq;
    host->domain_action = be_domain_action;
    host->remap = be_remap;
    host->log = be->log;
}

/* A PCI function: its config cycles come to us; its BARs are claimed when the guest enables
 * them (be_remap), not here. */
static int claim_pci(struct xen_be *be, const struct vdev *d)
{
    if (!HAVE_PCI_CONFIG) {
        if (be->log)
            fprintf(be->log, "xen: %s: PCI functions need an x86 HVM guest\n", d->ops->name);
        return VDEV_ERR_IO;
    }
    if (be->npci == VDEV_LOOP_MAX_DEVICES ||
        xendevicemodel_map_pcidev_to_ioreq_server(be->dm, be->domid, be->id, 0, d->pci.bus,
                                                  d->pci.slot, 0)) {
        be_log(be, "map_pcidev");
        return VDEV_ERR_IO;
    }
    be->pci_bus[be->npci] = d->pci.bus;
    be->pci_slot[be->npci++] = d->pci.slot;
    return 0;
}

int xen_be_setup(struct xen_be *be, struct vdev_bus *bus)
{
    void *addr = NULL;

    bus->copy = be_copy;
    bus->copy_opaque = be;
    if (xendevicemodel_nr_vcpus(be->dm, be->domid, &be->nr_vcpus)) {
        be_log(be, "nr_vcpus");
        return VDEV_ERR_IO;
    }
    /* Each vCPU's slot must fit in the one mapped page. */
    if (be->nr_vcpus == 0 || be->nr_vcpus > XEN_PAGE_SIZE / sizeof(ioreq_t)) {
        errno = ERANGE;
        be_log(be, "vcpu count");
        return VDEV_ERR_IO;
    }
    if (xendevicemodel_create_ioreq_server(be->dm, be->domid, HVM_IOREQSRV_BUFIOREQ_OFF, &be->id)) {
        be_log(be, "create_ioreq_server");
        return VDEV_ERR_IO;
    }
    be->have_server = true;
    be->res = xenforeignmemory_map_resource(be->fm, be->domid, XENMEM_resource_ioreq_server, be->id,
                                            XENMEM_resource_ioreq_server_frame_ioreq(0), 1, &addr,
                                            PROT_READ | PROT_WRITE, 0);
    if (!be->res) {
        be_log(be, "map_resource ioreq page");
        return VDEV_ERR_IO;
    }
    be->iopage = addr;
    if (pci_func_check_bus(bus, be->log))
        return VDEV_ERR_IO;
    for (size_t i = 0; i < bus->ndev; i++) {
        struct vdev *d = &bus->dev[i];

        if (d->pci.present) {
            if (claim_pci(be, d))
                return VDEV_ERR_IO;
            continue;
        }
        if (xendevicemodel_map_io_range_to_ioreq_server(be->dm, be->domid, be->id,
                                                        d->space == VDEV_SPACE_MMIO, d->base,
                                                        d->base + d->len - 1)) {
            be_log(be, "map_io_range");
            return VDEV_ERR_IO;
        }
        if (d->win_len &&
            xendevicemodel_map_io_range_to_ioreq_server(be->dm, be->domid, be->id, 1, d->win_base,
                                                        d->win_base + d->win_len - 1)) {
            be_log(be, "map_io_range (window)");
            return VDEV_ERR_IO;
        }
    }
    if (xendevicemodel_set_ioreq_server_state(be->dm, be->domid, be->id, 1)) {
        be_log(be, "set_ioreq_server_state");
        return VDEV_ERR_IO;
    }
    be->enabled = true;
    be->local = malloc(be->nr_vcpus * sizeof(*be->local));
    if (!be->local)
        return VDEV_ERR_NOMEM;
    for (unsigned i = 0; i < be->nr_vcpus; i++)
        be->local[i] = (evtchn_port_t)-1;
    for (unsigned i = 0; i < be->nr_vcpus; i++) {
        xenevtchn_port_or_error_t p;

        p = xenevtchn_bind_interdomain(be->xe, be->domid, be->iopage->vcpu_ioreq[i].vp_eport);
        if (p < 0) {
            be_log(be, "bind_interdomain");
            return VDEV_ERR_IO;
        }
        be->local[i] = (evtchn_port_t)p;
    }
    return 0;
}

static void serve(struct vdev_bus *bus, ioreq_t *slot)
{
    struct vdev_ioreq r;

    /* Copy the request out once: the guest's vCPU is stopped, but the page is shared
     * and every field is read exactly one time. */
    r.addr = slot->addr;
    r.data = slot->data;
    r.count = slot->count;
    r.size = slot->size;
    r.type = slot->type;
    r.dir = slot->dir;
    r.data_is_ptr = slot->data_is_ptr;
    r.df = slot->df;
    vdev_dispatch(bus, &r);
    if (r.dir == IOREQ_READ && !r.data_is_ptr)
        slot->data = r.data;
}

int xen_be_handle_evtchn(struct xen_be *be, struct vdev_bus *bus)
{
    xenevtchn_port_or_error_t port = xenevtchn_pending(be->xe);

    if (port < 0)
        return errno == EAGAIN ? 0 : VDEV_ERR_IO;
    xenevtchn_unmask(be->xe, port);
    for (unsigned i = 0; i < be->nr_vcpus; i++) {
        ioreq_t *slot = &be->iopage->vcpu_ioreq[i];

        if (be->local[i] != (evtchn_port_t)port)
            continue;
        if (slot->state != STATE_IOREQ_READY)
            continue;
        xen_rmb(); /* read the request only after seeing READY */
        slot->state = STATE_IOREQ_INPROCESS;
        serve(bus, slot);
        xen_wmb(); /* the answer is visible before the state says so */
        slot->state = STATE_IORESP_READY;
        xen_mb();
        xenevtchn_notify(be->xe, be->local[i]);
    }
    return 0;
}

/* Whether /local/domain lists our domain. A second, different request: on Xen 4.17 under a
 * guest's port I/O storm a read of /local/domain/N once said ENOENT for a live domain. */
static bool listed(struct xen_be *be)
{
    char id[16];
    unsigned n = 0;
    char **dirs = xs_directory(be->xs, XBT_NULL, "/local/domain", &n);
    bool found = false;

    if (!dirs)
        return true; /* no answer is no proof of death */
    snprintf(id, sizeof(id), "%u", (unsigned)be->domid);
    for (unsigned i = 0; i < n && !found; i++)
        found = !strcmp(dirs[i], id);
    free(dirs);
    if (be->log)
        fprintf(be->log, "xen: %s missing; /local/domain %s it\n", be->dom_path,
                found ? "still lists" : "no longer lists");
    return found;
}

void xen_be_drain_watch(struct xen_be *be)
{
    char **w;

    /* The events only say "look again"; libxenstore's reader thread has already read them
     * from xenstored, so this only frees them (no round trip). */
    while ((w = xs_check_watch(be->xs)) != NULL)
        free(w);
}

bool xen_be_domain_gone(struct xen_be *be)
{
    unsigned len, n;
    void *v;

    xen_be_drain_watch(be);
    if (be->gone)
        return true;
    /* Only definite answers count: xs_is_domain_introduced() also says "no" when the
     * request fails, and a backend that leaves a live guest without its devices is worse
     * than one that notices a death a second late. */
    v = xs_read(be->xs, XBT_NULL, be->dom_path, &len);
    if (v)
        free(v);
    else if (errno == ENOENT && !listed(be))
        be->gone = true;
    /* The toolstack may leave the directory; Xen's answer ends it once the domain is freed. */
    if (!be->gone && xendevicemodel_nr_vcpus(be->dm, be->domid, &n) && errno == ESRCH) {
        be->gone = true;
        if (be->log)
            fprintf(be->log, "xen: domain %u no longer exists\n", (unsigned)be->domid);
    }
    return be->gone;
}

static const char *errname(int ok, int err)
{
    const char *n;

    if (ok)
        return "ok";
    n = strerrorname_np(err);
    return n ? n : "error";
}

static int loop_evtchn(void *opaque, struct vdev_bus *bus)
{
    return xen_be_handle_evtchn(opaque, bus);
}

static void loop_drain(void *opaque)
{
    xen_be_drain_watch(opaque);
}

static bool loop_gone(void *opaque)
{
    return xen_be_domain_gone(opaque);
}

void xen_be_loop_transport(struct xen_be *be, struct vdev_loop_transport *t)
{
    *t = (struct vdev_loop_transport){
        .opaque = be,
        .evtchn_fd = xenevtchn_fd(be->xe),
        .handle_evtchn = loop_evtchn,
        .watch_fd = xs_fileno(be->xs),
        .drain_watch = loop_drain,
        .domain_gone = loop_gone,
    };
}

int xen_be_selftest_restrict(struct xen_be *be, FILE *out)
{
    const domid_t other = 0; /* dom0: the domain a compromised backend would want most */
    xendevicemodel_handle *again;
    xenevtchn_port_or_error_t port;
    xen_pfn_t pfn = 0;
    unsigned n = 0;
    int err = 0, r, e_dm, e_fm, e_re, e_ev, own_ok;
    bool dm_ok, fm_ok, re_ok, ev_ok;
    void *p;

    errno = 0;
    r = xendevicemodel_nr_vcpus(be->dm, other, &n);
    dm_ok = r == 0;
    e_dm = errno;
    errno = 0;
    p = xenforeignmemory_map(be->fm, other, PROT_READ, 1, &pfn, &err);
    fm_ok = p != NULL && !err;
    e_fm = p ? err : errno;
    if (p)
        xenforeignmemory_unmap(be->fm, p, 1);
    own_ok = xendevicemodel_nr_vcpus(be->dm, be->domid, &n) == 0;
    errno = 0;
    again = xendevicemodel_open(NULL, 0);
    re_ok = again != NULL;
    e_re = errno;
    if (again)
        xendevicemodel_close(again);
    /* Port 1 of domain 0 (normally in use, so even an unrestricted handle would get EINVAL
     * from Xen): the restriction must refuse in the kernel first, with EACCES. */
    errno = 0;
    port = xenevtchn_bind_interdomain(be->xe, other, 1);
    ev_ok = port >= 0;
    e_ev = errno;
    if (ev_ok)
        xenevtchn_unbind(be->xe, (evtchn_port_t)port);
    fprintf(out,
            "selftest-restrict other-domid=%u dm-other=%s fm-other=%s dm-own=%s reopen=%s"
            " evtchn-other=%s control-handle=%s\n",
            (unsigned)other, errname(dm_ok, e_dm), errname(fm_ok, e_fm), own_ok ? "ok" : "error",
            errname(re_ok, e_re), errname(ev_ok, e_ev), be->xc ? "kept" : "none");
    return !dm_ok && !fm_ok && own_ok && !re_ok && !ev_ok && e_ev == EACCES ? 0 : -1;
}

void xen_be_close(struct xen_be *be)
{
    if (!be)
        return;
    if (be->enabled)
        xendevicemodel_set_ioreq_server_state(be->dm, be->domid, be->id, 0);
    if (be->local) {
        for (unsigned i = 0; i < be->nr_vcpus; i++)
            if (be->local[i] != (evtchn_port_t)-1)
                xenevtchn_unbind(be->xe, be->local[i]);
        free(be->local);
    }
    if (be->res)
        xenforeignmemory_unmap_resource(be->fm, be->res);
    /* Destroying the server drops its claims too; unmapping first says so explicitly. */
    for (size_t i = 0; i < be->npci; i++)
        xendevicemodel_unmap_pcidev_from_ioreq_server(be->dm, be->domid, be->id, 0, be->pci_bus[i],
                                                      be->pci_slot[i], 0);
    if (be->have_server)
        xendevicemodel_destroy_ioreq_server(be->dm, be->domid, be->id);
    if (be->xs)
        xs_close(be->xs);
    xen_ctrl_close(be->xc);
    if (be->xe)
        xenevtchn_close(be->xe);
    if (be->fm)
        xenforeignmemory_close(be->fm);
    if (be->dm)
        xendevicemodel_close(be->dm);
    free(be);
}
