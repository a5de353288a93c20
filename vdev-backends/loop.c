/* SPDX-License-Identifier: LGPL-2.1-only */
/* loop.c: the backend's event loop: requests, device timers, host input, domain death. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "vdev-backends/loop.h"

uint64_t vdev_mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * VDEV_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

void vdev_loop_init(struct vdev_loop *l, const struct vdev_loop_transport *t, struct vdev_bus *bus)
{
    memset(l, 0, sizeof(*l));
    l->t = t;
    l->bus = bus;
    l->stop_fd = -1;
    l->until = VDEV_NO_DEADLINE;
    l->check_min_ns = VDEV_LOOP_CHECK_MIN_NS;
    l->check_max_ns = VDEV_LOOP_CHECK_MAX_NS;
}

static int arm_timer(int tfd, uint64_t deadline)
{
    struct itimerspec its = {0};

    if (deadline != VDEV_NO_DEADLINE) {
        its.it_value.tv_sec = deadline / VDEV_NS_PER_SEC;
        its.it_value.tv_nsec = deadline % VDEV_NS_PER_SEC;
        if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
            its.it_value.tv_nsec = 1; /* zero would disarm */
    }
    return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t m = a < b ? a : b;

    return m < c ? m : c;
}

/* poll's timeout for an absolute deadline: rounded up, so the loop never wakes early. */
static int timeout_ms(uint64_t wake, uint64_t now)
{
    uint64_t ms;

    if (wake == VDEV_NO_DEADLINE)
        return -1;
    if (wake <= now)
        return 0;
    ms = (wake - now + 999999) / 1000000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

enum vdev_loop_exit vdev_loop_run(struct vdev_loop *l)
{
    enum { P_EVTCHN, P_WATCH, P_TIMER, P_STOP, P_FIXED };
    struct pollfd pfd[P_FIXED + VDEV_LOOP_MAX_DEVICES];
    bool hup[VDEV_LOOP_MAX_DEVICES] = {false};
    const struct vdev_loop_transport *t = l->t;
    struct vdev_bus *bus = l->bus;
    const size_t ndev = bus->ndev < VDEV_LOOP_MAX_DEVICES ? bus->ndev : VDEV_LOOP_MAX_DEVICES;
    uint64_t now = vdev_mono_now();
    uint64_t next_periodic = now + l->check_max_ns, next_check = VDEV_NO_DEADLINE;
    uint64_t last_check = 0;
    enum vdev_loop_exit rc;
    int tfd, e;

    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (tfd < 0)
        return VDEV_LOOP_ERROR;
    if (arm_timer(tfd, vdev_bus_timers(bus, now))) {
        rc = VDEV_LOOP_ERROR;
        goto out;
    }
    for (;;) {
        size_t n = P_FIXED;
        int r;

        pfd[P_EVTCHN] = (struct pollfd){.fd = t->evtchn_fd, .events = POLLIN};
        pfd[P_WATCH] = (struct pollfd){.fd = t->watch_fd, .events = POLLIN};
        pfd[P_TIMER] = (struct pollfd){.fd = tfd, .events = POLLIN};
        pfd[P_STOP] = (struct pollfd){.fd = l->stop_fd, .events = POLLIN};
        for (size_t i = 0; i < ndev; i++) {
            struct vdev *d = &bus->dev[i];
            int fd = d->ops && d->ops->rx && d->ops->rx_fd && !hup[i] ? d->ops->rx_fd(d) : -1;

            pfd[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        }
        r = poll(pfd, n, timeout_ms(min3(next_periodic, next_check, l->until), now));
        if (r < 0 && errno != EINTR) {
            rc = VDEV_LOOP_ERROR;
            goto out;
        }
        now = vdev_mono_now();
        l->stats.wakeups++;
        if (r > 0) {
            if (pfd[P_STOP].revents) {
                rc = VDEV_LOOP_STOP;
                goto out;
            }
            if (pfd[P_WATCH].revents) {
                /* Only a hint, and one the guest can cause at will: the costly check runs
                 * at most every check_min_ns. */
                if (t->drain_watch)
                    t->drain_watch(t->opaque);
                if (next_check == VDEV_NO_DEADLINE)
                    next_check = last_check && now - last_check < l->check_min_ns
                                     ? last_check + l->check_min_ns
                                     : now;
            }
            if (pfd[P_EVTCHN].revents && t->handle_evtchn(t->opaque, bus)) {
                rc = VDEV_LOOP_ERROR;
                goto out;
            }
            if (pfd[P_TIMER].revents) {
                uint64_t expirations;

                if (read(tfd, &expirations, sizeof(expirations)) > 0)
                    l->stats.timer_wakeups++;
            }
            for (size_t i = 0; i < ndev; i++) {
                short ev = pfd[P_FIXED + i].revents;

                if (ev & POLLIN) {
                    /* At most the free room of the device's FIFO is read. */
                    bus->dev[i].ops->rx(&bus->dev[i]);
                    vdev_flush(&bus->dev[i]);
                } else if (ev & (POLLHUP | POLLERR | POLLNVAL)) {
                    hup[i] = true; /* e.g. a pty with no reader: poll again later */
                }
            }
        }
        if (now >= next_check || now >= next_periodic) {
            if (now >= next_periodic) {
                memset(hup, 0, sizeof(hup)); /* retry a pty nobody had opened */
                next_periodic = now + l->check_max_ns;
            }
            next_check = VDEV_NO_DEADLINE;
            last_check = now;
            l->stats.gone_checks++;
            if (t->domain_gone && t->domain_gone(t->opaque)) {
                rc = VDEV_LOOP_GONE;
                goto out;
            }
        }
        if (now >= l->until) {
            rc = VDEV_LOOP_UNTIL;
            goto out;
        }
        /* vdev_bus_timers never answers a deadline <= its now (dispatch.h). */
        if (arm_timer(tfd, vdev_bus_timers(bus, vdev_mono_now()))) {
            rc = VDEV_LOOP_ERROR;
            goto out;
        }
    }
out:
    e = errno;
    close(tfd);
    errno = e;
    return rc;
}
