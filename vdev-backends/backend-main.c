/* backend-main.c: qvm-xl-backend, one process serving all emulated devices of one domain. */
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "dispatch.h"
#include "privdrop.h"
#include "xen-transport.h"

/* Exit codes (documented in docs/backends.md). */
enum {
    EXIT_DOMAIN_GONE = 0, /* the domain died or SIGTERM: everything released */
    EXIT_USAGE = 64,      /* bad command line or device spec */
    EXIT_XEN = 69,        /* a Xen handle or the ioreq server could not be set up */
    EXIT_PRIV = 77,       /* privileges could not be dropped */
    EXIT_RUNTIME = 70,    /* the event channel or a poll failed while running */
};

#define MAX_DEVICES 16

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
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * VDEV_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void arm_timer(int tfd, uint64_t deadline)
{
    struct itimerspec its = {0};

    if (deadline != VDEV_NO_DEADLINE) {
        its.it_value.tv_sec = deadline / VDEV_NS_PER_SEC;
        its.it_value.tv_nsec = deadline % VDEV_NS_PER_SEC;
        if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
            its.it_value.tv_nsec = 1; /* zero would disarm */
    }
    timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The event loop: event channel, device timers, host input, domain death, signals. */
static int run(struct xen_be *be, struct vdev_bus *bus, int tfd, int sfd)
{
    enum { P_EVTCHN, P_XS, P_TIMER, P_SIGNAL, P_FIXED };
    struct pollfd pfd[P_FIXED + MAX_DEVICES];
    bool hup[MAX_DEVICES] = {false};

    for (;;) {
        size_t n = P_FIXED;
        int r;

        pfd[P_EVTCHN] = (struct pollfd){.fd = xen_be_evtchn_fd(be), .events = POLLIN};
        pfd[P_XS] = (struct pollfd){.fd = xen_be_xs_fd(be), .events = POLLIN};
        pfd[P_TIMER] = (struct pollfd){.fd = tfd, .events = POLLIN};
        pfd[P_SIGNAL] = (struct pollfd){.fd = sfd, .events = POLLIN};
        for (size_t i = 0; i < bus->ndev; i++) {
            struct vdev *d = &bus->dev[i];
            int fd = d->ops->rx_fd && !hup[i] ? d->ops->rx_fd(d) : -1;

            pfd[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        }
        /* The 1 s timeout is a fallback death check in case a watch event is missed. */
        r = poll(pfd, n, 1000);
        if (r < 0)
            continue;
        if (r == 0) {
            memset(hup, 0, sizeof(hup)); /* retry a pty nobody had opened */
            if (xen_be_domain_gone(be))
                goto gone;
            continue;
        }
        if (pfd[P_SIGNAL].revents) {
            fprintf(stderr, "exiting: signal\n");
            return EXIT_DOMAIN_GONE;
        }
        if (pfd[P_XS].revents && xen_be_domain_gone(be))
            goto gone;
        if (pfd[P_EVTCHN].revents && xen_be_handle_evtchn(be, bus)) {
            fprintf(stderr, "exiting: event channel: %m\n");
            return EXIT_RUNTIME;
        }
        if (pfd[P_TIMER].revents) {
            uint64_t expirations;

            if (read(tfd, &expirations, sizeof(expirations)) < 0)
                expirations = 0;
        }
        for (size_t i = 0; i < bus->ndev; i++) {
            short ev = pfd[P_FIXED + i].revents;

            if (ev & POLLIN)
                bus->dev[i].ops->rx(&bus->dev[i]);
            else if (ev & (POLLHUP | POLLERR))
                hup[i] = true; /* e.g. a pty with no reader: poll again later */
        }
        arm_timer(tfd, vdev_bus_timers(bus, mono_now(NULL)));
    }
gone:
    fprintf(stderr, "exiting: domain gone\n");
    return EXIT_DOMAIN_GONE;
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
    int tfd = -1, sfd = -1;
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
            if (devs[i].space == devs[j].space && devs[i].base < devs[j].base + devs[j].len &&
                devs[j].base < devs[i].base + devs[i].len) {
                fprintf(stderr, "%s and %s overlap\n", devs[i].ops->name, devs[j].ops->name);
                rc = EXIT_USAGE;
                goto out;
            }
        }
    }
    if (dry_run) {
        for (size_t i = 0; i < bus.ndev; i++)
            printf("device %s %s %#llx+%#llx\n", devs[i].ops->name,
                   devs[i].space == VDEV_SPACE_PIO ? "io" : "mem", (unsigned long long)devs[i].base,
                   (unsigned long long)devs[i].len);
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
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (sfd < 0 || tfd < 0) {
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
    rc = run(be, &bus, tfd, sfd);
out:
    xen_be_close(be);
    for (size_t i = 0; i < bus.ndev; i++)
        vdev_dispose(&devs[i]);
    if (tfd >= 0)
        close(tfd);
    if (sfd >= 0)
        close(sfd);
    return rc;
}
