/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-loop.c: the backend's real event loop (loop.c) on the real clock, without Xen: a guest's
 * worst-case device programming costs a bounded share of a CPU, a xenstore-watch storm a
 * bounded number of death checks, a full FIFO no polling; and the loop's exits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "vdev-backends/loop.h"
#include "vdev-backends/ser8250.h"
#include "vdev-backends/vdev-fake.h"
#include "vdev-backends/wdt-sp805.h"

#define MS  1000000ull
#define SP  0x1c0f0000
#define SP2 0x1c0e0000

static uint64_t real_now(void *opaque)
{
    return vdev_mono_now();
}

static uint64_t cpu_ns(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * VDEV_NS_PER_SEC +
           ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000;
}

static void fake_real_clock(struct vdev_fake *f)
{
    vdev_fake_init(f);
    f->host.now_ns = real_now;
}

/* Both SP805s counting from LOAD 0/1 (40 ns and 0.1 ns on a real part) with the interrupt
 * enabled and no reset, an IB700 armed with its 0 s timeout and a UART with everything on, for
 * 200 ms of real time. Before the floors this spun a CPU at 100%; now each SP805 wakes the loop
 * at most once per ms. The CPU bound (20% of the wall time, against about 1% measured) leaves
 * room for a loaded machine and a sanitizer build: load makes wake-ups late and fewer, and
 * this process's CPU time is its own. */
static void test_timers_cpu_bounded(void **state)
{
    const struct vdev_loop_transport t = {.evtchn_fd = -1, .watch_fd = -1};
    struct vdev_fake f;
    struct vdev_loop l;
    uint64_t w0, c0, wall, cpu;

    fake_real_clock(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805"), 0);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,mem=0x1c0e0000,frequency=10000000000"), 0);
    assert_int_equal(vdev_fake_add(&f, "wdt-ib700"), 0);
    assert_int_equal(vdev_fake_add(&f, "ser8250"), 0);
    mmio_wr(&f, SP + SP805_LOAD, 0);
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN);
    mmio_wr(&f, SP2 + SP805_LOAD, 1);
    mmio_wr(&f, SP2 + SP805_CONTROL, SP805_CTRL_INTEN);
    pio_out(&f, 0x443, 0x0f);
    pio_out(&f, 0x3f8 + UART_FCR, UART_FCR_ENABLE);
    pio_out(&f, 0x3f8 + UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    pio_out(&f, 0x3f8 + UART_IER, 0x0f);

    vdev_loop_init(&l, &t, &f.bus);
    c0 = cpu_ns();
    w0 = vdev_mono_now();
    l.until = w0 + 200 * MS;
    assert_int_equal(vdev_loop_run(&l), VDEV_LOOP_UNTIL);
    wall = vdev_mono_now() - w0;
    cpu = cpu_ns() - c0;
    print_message("200 ms worst case: wall %llu us, cpu %llu us, %llu wake-ups, %llu by timers\n",
                  (unsigned long long)(wall / 1000), (unsigned long long)(cpu / 1000),
                  (unsigned long long)l.stats.wakeups, (unsigned long long)l.stats.timer_wakeups);
    assert_true(wall >= 200 * MS);
    assert_true(cpu * 5 < wall);
    /* Two unsynchronised 1 ms floors: at most two timer wake-ups per ms, plus slack. */
    assert_true(l.stats.timer_wakeups <= 2 * (wall / MS) + 10);
    assert_true(l.stats.wakeups <= l.stats.timer_wakeups + 10);
    /* It did run the devices: the IB700 fired once, the SP805s raised their interrupts. */
    assert_true(l.stats.timer_wakeups >= 1);
    assert_int_equal(f.actions, 1);
    assert_int_equal(mmio_rd(&f, SP + SP805_RIS), 1);
    assert_int_equal(mmio_rd(&f, SP2 + SP805_RIS), 1);
    vdev_fake_dispose(&f);
}

/* A xenstore watch that fires without pause (a guest writing below its own /local/domain/N as
 * fast as xenstored lets it): each hint is drained, but the costly check runs at most every
 * check_min_ns (100 ms). The fake watch stays readable, so the loop spins here; the real one
 * wakes once per event xenstored sends. */
struct watch_fake {
    int p[2];
    unsigned checks;
    unsigned gone_after; /* domain_gone answers true from this call on (0: never) */
};

static void watch_drain(void *opaque)
{
    struct watch_fake *w = opaque;
    char c;

    if (read(w->p[0], &c, 1) == 1 && !w->gone_after)
        assert_int_equal(write(w->p[1], &c, 1), 1); /* the storm goes on */
}

static bool watch_gone(void *opaque)
{
    struct watch_fake *w = opaque;

    return ++w->checks >= w->gone_after && w->gone_after;
}

/* A transport on @w: its watch fd readable (one hint pending) until watch_close. */
static struct vdev_loop_transport watch_open(struct watch_fake *w)
{
    assert_int_equal(pipe(w->p), 0);
    assert_int_equal(write(w->p[1], "x", 1), 1);
    return (struct vdev_loop_transport){.opaque = w,
                                        .evtchn_fd = -1,
                                        .watch_fd = w->p[0],
                                        .drain_watch = watch_drain,
                                        .domain_gone = watch_gone};
}

static void watch_close(struct watch_fake *w)
{
    close(w->p[0]);
    close(w->p[1]);
}

static void test_watch_storm_checks_bounded(void **state)
{
    struct watch_fake w = {.gone_after = 0};
    struct vdev_loop_transport t = watch_open(&w);
    struct vdev_fake f;
    struct vdev_loop l;
    uint64_t w0, wall;

    fake_real_clock(&f);
    vdev_loop_init(&l, &t, &f.bus);
    w0 = vdev_mono_now();
    l.until = w0 + 350 * MS;
    assert_int_equal(vdev_loop_run(&l), VDEV_LOOP_UNTIL);
    wall = vdev_mono_now() - w0;
    print_message("watch storm: %llu wake-ups, %u checks in %llu ms\n",
                  (unsigned long long)l.stats.wakeups, w.checks, (unsigned long long)(wall / MS));
    assert_true(l.stats.wakeups >= 20);
    assert_true(w.checks >= 1);
    assert_true(w.checks <= wall / VDEV_LOOP_CHECK_MIN_NS + 1);
    assert_int_equal(w.checks, l.stats.gone_checks);
    watch_close(&w);
}

/* Death is still noticed: on the first hint at once, and without any hint by the periodic
 * check (check_max_ns, shortened here), even while timers keep the loop busy. */
static void test_gone_detected(void **state)
{
    struct watch_fake w = {.gone_after = 1};
    struct vdev_loop_transport t = watch_open(&w);
    struct vdev_fake f;
    struct vdev_loop l;
    uint64_t w0;

    fake_real_clock(&f);
    vdev_loop_init(&l, &t, &f.bus);
    l.until = vdev_mono_now() + 10 * VDEV_NS_PER_SEC;
    assert_int_equal(vdev_loop_run(&l), VDEV_LOOP_GONE);
    assert_int_equal(w.checks, 1);

    /* No hint at all; an SP805 waking the loop every ms must not starve the periodic check. */
    w.checks = 0;
    w.gone_after = 3;
    t.watch_fd = -1;
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805"), 0);
    mmio_wr(&f, SP + SP805_LOAD, 0);
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN);
    vdev_loop_init(&l, &t, &f.bus);
    l.check_max_ns = 50 * MS;
    w0 = vdev_mono_now();
    l.until = w0 + 10 * VDEV_NS_PER_SEC;
    assert_int_equal(vdev_loop_run(&l), VDEV_LOOP_GONE);
    assert_int_equal(w.checks, 3);
    assert_true(vdev_mono_now() - w0 >= 150 * MS);
    assert_true(vdev_mono_now() - w0 < 5 * VDEV_NS_PER_SEC);
    assert_true(l.stats.timer_wakeups >= 1);
    vdev_fake_dispose(&f);
    watch_close(&w);
}

/* Host input that never ends (1000 bytes waiting) and a guest that never reads: one pull of at
 * most the FIFO's 16 bytes, then the source is not polled at all (no busy loop, no overrun). */
static void test_input_flow_control(void **state)
{
    const struct vdev_loop_transport t = {.evtchn_fd = -1, .watch_fd = -1};
    struct vdev_fake f;
    struct vdev_loop l;
    char buf[1000] = {0};
    int p[2];

    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], buf, sizeof(buf)), (ssize_t)sizeof(buf));
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    fake_real_clock(&f);
    assert_int_equal(vdev_fake_add(&f, "ser8250"), 0);
    f.dev[0].chr.in_fd = p[0];
    pio_out(&f, 0x3f8 + UART_FCR, UART_FCR_ENABLE);
    vdev_loop_init(&l, &t, &f.bus);
    l.until = vdev_mono_now() + 100 * MS;
    assert_int_equal(vdev_loop_run(&l), VDEV_LOOP_UNTIL);
    assert_true(l.stats.wakeups <= 3);
    assert_int_equal(read(p[0], buf, sizeof(buf)), 1000 - UART_FIFO_SIZE);
    assert_int_equal(pio_in(&f, 0x3f8 + UART_LSR) & (UART_LSR_DR | UART_LSR_OE), UART_LSR_DR);
    f.dev[0].chr.in_fd = -1;
    vdev_fake_dispose(&f);
    close(p[0]);
    close(p[1]);
}

/* Requests through the event channel fd, a failing event channel, the stop fd. */
struct evtchn_fake {
    int efd, stop[2];
    unsigned calls, fail_at;
};

static int evtchn_handle(void *opaque, struct vdev_bus *bus)
{
    struct evtchn_fake *e = opaque;
    uint64_t v;

    assert_int_equal(read(e->efd, &v, sizeof(v)), (ssize_t)sizeof(v));
    if (++e->calls == e->fail_at)
        return -1;
    if (e->calls < 3) {
        v = 1;
        assert_int_equal(write(e->efd, &v, sizeof(v)), (ssize_t)sizeof(v));
    } else {
        assert_int_equal(write(e->stop[1], "s", 1), 1);
    }
    return 0;
}

static void test_exits(void **state)
{
    struct evtchn_fake e = {.fail_at = 0};
    struct vdev_loop_transport t = {.opaque = &e, .watch_fd = -1, .handle_evtchn = evtchn_handle};
    struct vdev_fake f;
    struct vdev_loop l;
    uint64_t one = 1;

    e.efd = eventfd(0, EFD_NONBLOCK);
    assert_true(e.efd >= 0);
    assert_int_equal(pipe(e.stop), 0);
    t.evtchn_fd = e.efd;
    fake_real_clock(&f);
    vdev_loop_init(&l, &t, &f.bus);
    l.stop_fd = e.stop[0];
    l.until = vdev_mono_now() + 10 * VDEV_NS_PER_SEC;
    assert_int_equal(write(e.efd, &one, sizeof(one)), (ssize_t)sizeof(one));
    assert_int_equal(vdev_loop_run(&l), VDEV_LOOP_STOP);
    assert_int_equal(e.calls, 3);

    e.calls = 0;
    e.fail_at = 1;
    assert_int_equal(write(e.efd, &one, sizeof(one)), (ssize_t)sizeof(one));
    l.stop_fd = -1;
    assert_int_equal(vdev_loop_run(&l), VDEV_LOOP_ERROR);
    assert_int_equal(e.calls, 1);
    close(e.efd);
    close(e.stop[0]);
    close(e.stop[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_cpu_bounded),
        cmocka_unit_test(test_watch_storm_checks_bounded),
        cmocka_unit_test(test_gone_detected),
        cmocka_unit_test(test_input_flow_control),
        cmocka_unit_test(test_exits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
