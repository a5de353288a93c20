/* SPDX-License-Identifier: LGPL-2.1-only */
/* backend-main.c: qvm-xl-backend, one process serving all emulated devices of one domain. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "vdev-backends/dispatch.h"
#include "vdev-backends/pci-func.h"
#include "vdev-backends/loop.h"
#include "vdev-backends/privdrop.h"
#include "vdev-backends/virtio-mmio.h"
#include "vdev-backends/xen-guestmem.h"
#include "vdev-backends/xen-transport.h"

/* Exit codes (documented in docs/backends.md). */
enum {
    EXIT_DOMAIN_GONE = 0, /* the domain died or SIGTERM: everything released */
    EXIT_USAGE = 64,      /* bad command line or device spec */
    EXIT_XEN = 69,        /* a Xen handle or the ioreq server could not be set up */
    EXIT_PRIV = 77,       /* privileges could not be dropped */
    EXIT_RUNTIME = 70,    /* the event channel or a poll failed while running */
};

#define MAX_DEVICES VDEV_LOOP_MAX_DEVICES

static const char usage[] =
    "usage: qvm-xl-backend --domid N --device TYPE[,KEY=VALUE]... [--device ...]\n"
    "                      [--user NAME|UID[:GID]] [--print-creds] [--dry-run]\n"
    "                      [--selftest-restrict]\n"
    "device types and keys:\n";

static void print_usage(FILE *f)
{
    fputs(usage, f);
    for (size_t i = 0; vdev_types[i]; i++)
        fprintf(f, "  %-10s %s\n", vdev_types[i]->name, vdev_types[i]->help);
}

static uint64_t mono_now(void *opaque)
{
    return vdev_mono_now();
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"domid", required_argument, NULL, 'd'},       {"device", required_argument, NULL, 'D'},
        {"user", required_argument, NULL, 'u'},        {"print-creds", no_argument, NULL, 'c'},
        {"dry-run", no_argument, NULL, 'n'},           {"help", no_argument, NULL, 'h'},
        {"selftest-restrict", no_argument, NULL, 'R'}, {NULL, 0, NULL, 0},
    };
    const char *specs[MAX_DEVICES];
    size_t nspecs = 0;
    const char *user = NULL;
    bool print_creds = false, dry_run = false, domain_actions = false, selftest = false;
    uint64_t domid = UINT64_MAX;
    struct vdev devs[MAX_DEVICES];
    struct vdev_bus bus = {.dev = devs};
    struct vdev_host host = {.now_ns = mono_now, .log = stderr};
    struct privdrop_creds creds;
    struct xen_be *be = NULL;
    struct xen_guestmem *gm = NULL;
    struct vdev_loop_transport lt;
    struct vdev_loop loop;
    int sfd = -1;
    sigset_t sigs;
    int rc, opt;

    while ((opt = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if (vdev_parse_u64(optarg, &domid) || domid == 0 || domid >= 0x7ff0) {
                fprintf(stderr, "--domid %s: expected a guest domain id\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'D':
            if (nspecs == MAX_DEVICES) {
                fprintf(stderr, "at most %d devices\n", MAX_DEVICES);
                return EXIT_USAGE;
            }
            specs[nspecs++] = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 'c':
            print_creds = true;
            break;
        case 'n':
            dry_run = true;
            break;
        case 'R':
            selftest = true;
            break;
        case 'h':
            print_usage(stdout);
            return 0;
        default:
            print_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc || (!dry_run && domid == UINT64_MAX) || !nspecs) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if (privdrop_decide(user, privdrop_lookup_passwd, &creds, stderr))
        return EXIT_USAGE;
    if (domid != UINT64_MAX)
        host.domid = (uint32_t)domid; /* names a virtio-net's tap and its generated MAC */

    /* Devices first (host files and ptys are opened while still privileged). */
    for (size_t i = 0; i < nspecs; i++) {
        if (vdev_create(specs[i], &host, &devs[i], stderr)) {
            rc = EXIT_USAGE;
            goto out;
        }
        bus.ndev++;
        if (devs[i].chr.pty_name[0])
            printf("pty %s %s\n", devs[i].ops->name, devs[i].chr.pty_name);
    }
    for (size_t i = 0; i < bus.ndev; i++) {
        for (size_t j = 0; j < i; j++) {
            if (devs[i].pci.present || devs[j].pci.present)
                continue; /* placed by the guest; pci_func_check_bus below */
            if (devs[i].space == devs[j].space && devs[i].base < devs[j].base + devs[j].len &&
                devs[j].base < devs[i].base + devs[i].len) {
                fprintf(stderr, "%s and %s overlap\n", devs[i].ops->name, devs[j].ops->name);
                rc = EXIT_USAGE;
                goto out;
            }
        }
    }
    if (pci_func_check_bus(&bus, stderr)) {
        rc = EXIT_USAGE;
        goto out;
    }
    if (dry_run) {
        for (size_t i = 0; i < bus.ndev; i++)
            if (devs[i].pci.present)
                printf("device %s pci %u:%u\n", devs[i].ops->name, devs[i].pci.bus,
                       devs[i].pci.slot);
            else
                printf("device %s %s %#llx+%#llx\n", devs[i].ops->name,
                       devs[i].space == VDEV_SPACE_PIO ? "io" : "mem",
                       (unsigned long long)devs[i].base, (unsigned long long)devs[i].len);
        printf("user %u:%u (%s)\n", (unsigned)creds.uid, (unsigned)creds.gid, creds.source);
        if (print_creds)
            privdrop_print_creds(stdout);
        rc = 0;
        goto out;
    }
    for (size_t i = 0; i < bus.ndev; i++)
        domain_actions |= devs[i].ops->acts_on_domain;

    if (xen_be_open(&be, (uint32_t)domid, domain_actions, stderr)) {
        rc = EXIT_XEN;
        goto out;
    }
    xen_be_host(be, &host);
    if (xen_be_setup(be, &bus)) {
        rc = EXIT_XEN;
        goto out;
    }
    /* Virtqueues live in guest RAM: one mapping handle, restricted to the domain, for all
     * of the domain's virtio devices (opened before privileges are dropped). */
    for (size_t i = 0; i < bus.ndev; i++) {
        if (!virtio_mmio_of(&devs[i]))
            continue;
        if (!gm && !(gm = xen_guestmem_open((uint32_t)domid, stderr))) {
            rc = EXIT_XEN;
            goto out;
        }
        virtio_mmio_set_mem(&devs[i], xen_guestmem_vq(gm));
    }
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    if (sfd < 0) {
        rc = EXIT_RUNTIME;
        goto out;
    }
    if (privdrop_apply(&creds, stderr)) {
        rc = EXIT_PRIV;
        goto out;
    }
    privdrop_print_creds(print_creds ? stdout : stderr);
    /* Proof for tests that the handles, not only the uid, confine this process. */
    if (selftest)
        xen_be_selftest_restrict(be, stdout);
    printf("ready domid %u devices %zu\n", (unsigned)domid, bus.ndev);
    fflush(stdout);
    xen_be_loop_transport(be, &lt);
    vdev_loop_init(&loop, &lt, &bus);
    loop.stop_fd = sfd;
    switch (vdev_loop_run(&loop)) {
    case VDEV_LOOP_GONE:
        fprintf(stderr, "exiting: domain gone\n");
        rc = EXIT_DOMAIN_GONE;
        break;
    case VDEV_LOOP_STOP:
        fprintf(stderr, "exiting: signal\n");
        rc = EXIT_DOMAIN_GONE;
        break;
    default:
        fprintf(stderr, "exiting: event loop: %m\n");
        rc = EXIT_RUNTIME;
        break;
    }
out:
    xen_guestmem_close(gm);
    xen_be_close(be);
    for (size_t i = 0; i < bus.ndev; i++)
        vdev_dispose(&devs[i]);
    if (sfd >= 0)
        close(sfd);
    return rc;
}
