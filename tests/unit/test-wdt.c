/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-wdt.c: IB700 timeout table, kick, stop, expiry; SP805 registers, lock, two-stage expiry;
 * for both, the minimum periods that bound how often a guest can wake the backend. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vdev-backends/vdev-fake.h"
#include "vdev-backends/wdt-ib700.h"
#include "vdev-backends/wdt-sp805.h"

#define SEC VDEV_NS_PER_SEC
#define MS  1000000ull
#define SP  0x1c0f0000

static void run_timers(struct vdev_fake *f)
{
    vdev_bus_timers(&f->bus, f->now);
}

static void test_ib700_table(void **state)
{
    static const uint8_t table[16] = IB700_TIMEOUTS;

    for (unsigned n = 0; n < 16; n++) {
        struct vdev_fake f;

        vdev_fake_init(&f);
        assert_int_equal(vdev_fake_add(&f, "wdt-ib700,action=reset"), 0);
        /* 0 s (value 15) is the 1 ms floor */
        const uint64_t t = table[n] ? table[n] * SEC : IB700_MIN_TIMEOUT_NS;

        f.now = 1000;
        pio_out(&f, 0x443, (uint8_t)n);
        run_timers(&f);
        f.now = 1000 + t - 1;
        run_timers(&f);
        assert_int_equal(f.actions, 0);
        f.now = 1000 + t;
        run_timers(&f);
        assert_int_equal(f.actions, 1);
        assert_int_equal(f.last_action, VDEV_ACTION_RESET);
        run_timers(&f); /* fires once */
        assert_int_equal(f.actions, 1);
        vdev_fake_dispose(&f);
    }
}

static void test_ib700_kick_and_stop(void **state)
{
    struct vdev_fake f;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-ib700,action=poweroff"), 0);
    pio_out(&f, 0x443, 0x0e); /* 2 s */
    f.now = 1 * SEC;
    pio_out(&f, 0x443, 0x0e); /* kick */
    f.now = 2 * SEC + SEC / 2;
    run_timers(&f);
    assert_int_equal(f.actions, 0);
    pio_out(&f, 0x441, 0); /* stop */
    f.now = 100 * SEC;
    run_timers(&f);
    assert_int_equal(f.actions, 0);
    assert_int_equal(pio_in(&f, 0x443), 0xff);    /* write-only */
    assert_true(pio_in(&f, 0x440) == UINT64_MAX); /* not ours: all ones */
    vdev_fake_dispose(&f);
}

static void test_ib700_actions(void **state)
{
    static const struct {
        const char *spec;
        int rc;
        enum vdev_action a;
    } cases[] = {
        {"wdt-ib700", 0, VDEV_ACTION_WATCHDOG},
        {"wdt-ib700,action=terminate", 0, VDEV_ACTION_WATCHDOG},
        {"wdt-ib700,action=poweroff", 0, VDEV_ACTION_POWEROFF},
        {"wdt-ib700,action=destroy", VDEV_ERR_INVAL, 0}, /* removed: see vdev.h */
        {"wdt-ib700,action=dump", 0, VDEV_ACTION_DUMP},
        {"wdt-ib700,action=explode", VDEV_ERR_INVAL, 0},
        {"wdt-ib700,timeout=3", VDEV_ERR_UNKNOWN, 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vdev_fake f;

        vdev_fake_init(&f);
        assert_int_equal(vdev_fake_add(&f, cases[i].spec), cases[i].rc);
        if (!cases[i].rc) {
            pio_out(&f, 0x443, 0x0f); /* 0 s: the 1 ms floor */
            f.now += IB700_MIN_TIMEOUT_NS;
            run_timers(&f);
            assert_int_equal(f.last_action, cases[i].a);
        }
        vdev_fake_dispose(&f);
    }
}

static void test_sp805_reset_values(void **state)
{
    static const struct {
        unsigned off;
        uint32_t val;
    } regs[] = {
        {SP805_LOAD, 0xffffffff},
        {SP805_VALUE, 0xffffffff},
        {SP805_CONTROL, 0},
        {SP805_RIS, 0},
        {SP805_MIS, 0},
        {SP805_LOCK, 0},
        {0xfe0, 0x05},
        {0xfe4, 0x18},
        {0xfe8, 0x14},
        {0xfec, 0x00},
        VDEV_FAKE_PCELL_ID_ROWS,
    };
    struct vdev_fake f;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805"), 0);
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        assert_int_equal(mmio_rd(&f, SP + regs[i].off), regs[i].val);
    vdev_fake_dispose(&f);
}

static void test_sp805_lock(void **state)
{
    struct vdev_fake f;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805"), 0);
    mmio_wr(&f, SP + SP805_LOCK, 1);
    assert_int_equal(mmio_rd(&f, SP + SP805_LOCK), 1);
    mmio_wr(&f, SP + SP805_LOAD, 100);
    assert_int_equal(mmio_rd(&f, SP + SP805_LOAD), 0xffffffff); /* ignored */
    mmio_wr(&f, SP + SP805_LOCK, SP805_UNLOCK_KEY);
    assert_int_equal(mmio_rd(&f, SP + SP805_LOCK), 0);
    mmio_wr(&f, SP + SP805_LOAD, 100);
    assert_int_equal(mmio_rd(&f, SP + SP805_LOAD), 100);
    vdev_fake_dispose(&f);
}

static void test_sp805_two_stage(void **state)
{
    struct vdev_fake f;

    vdev_fake_init(&f);
    /* 1 kHz: a load of 1000 is one second */
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,frequency=1000,action=reset"), 0);
    mmio_wr(&f, SP + SP805_LOAD, 1000);
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
    f.now = SEC / 2;
    assert_int_equal(mmio_rd(&f, SP + SP805_VALUE), 500);
    f.now = SEC;
    run_timers(&f);
    assert_int_equal(mmio_rd(&f, SP + SP805_RIS), 1);
    assert_int_equal(mmio_rd(&f, SP + SP805_MIS), 1);
    assert_int_equal(f.irq_level, 1);
    assert_int_equal(f.actions, 0);
    f.now = 2 * SEC - 1;
    run_timers(&f);
    assert_int_equal(f.actions, 0);
    f.now = 2 * SEC;
    run_timers(&f);
    assert_int_equal(f.actions, 1);
    assert_int_equal(f.last_action, VDEV_ACTION_RESET);
    vdev_fake_dispose(&f);
}

static void test_sp805_intclr_prevents_reset(void **state)
{
    struct vdev_fake f;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,frequency=1000"), 0);
    mmio_wr(&f, SP + SP805_LOAD, 1000);
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
    for (int i = 1; i <= 10; i++) {
        f.now = (uint64_t)i * SEC;
        run_timers(&f);
        assert_int_equal(mmio_rd(&f, SP + SP805_RIS), 1);
        mmio_wr(&f, SP + SP805_INTCLR, 0); /* the guest's kick */
        assert_int_equal(f.irq_level, 0);
    }
    assert_int_equal(f.actions, 0);
    /* without RESEN the second countdown only reloads */
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN);
    f.now = 100 * SEC;
    run_timers(&f);
    assert_int_equal(f.actions, 0);
    /* load 0 must not spin */
    mmio_wr(&f, SP + SP805_LOAD, 0);
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
    f.now = 200 * SEC;
    run_timers(&f);
    assert_int_equal(f.actions, 1);
    vdev_fake_dispose(&f);
}

/* The guest's worst: a 0 s timeout armed again the instant each expiry has happened. */
static void ib700_rearm(struct vdev_fake *f)
{
    pio_out(f, 0x443, 0x0f);
}

static void test_ib700_min_timeout(void **state)
{
    struct vdev_fake f;
    uint64_t next;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-ib700"), 0);
    /* Re-armed after every expiry: at most one expiry per floor, 1000 in a second. */
    pio_out(&f, 0x443, 0x0f);
    vdev_fake_run(&f, SEC, 10000000, ib700_rearm);
    assert_true(f.actions >= 990 && f.actions <= 1000);
    assert_true(f.timer_runs <= 1001);
    assert_int_equal(f.past_deadlines, 0);
    /* Kicked every 100 us, faster than the floor: never due, and never due in the past. */
    f.actions = 0;
    for (int i = 0; i < 10000; i++) {
        f.now += 100000;
        pio_out(&f, 0x443, 0x0f);
        next = vdev_bus_timers(&f.bus, f.now);
        assert_true(next > f.now && next - f.now == MS);
    }
    assert_int_equal(f.actions, 0);
    /* Stopped: no deadline at all. */
    pio_out(&f, 0x441, 0);
    assert_true(vdev_bus_timers(&f.bus, f.now) == VDEV_NO_DEADLINE);
    vdev_fake_dispose(&f);
}

/* LOAD 0/1 and small loads, at the default and the highest allowed frequency: the countdown
 * is never shorter than SP805_MIN_PERIOD_NS (1 ms), so a second of simulated time has at most
 * 1000 expiries (wake-ups) per device; longer periods are left as programmed. The bounds are
 * written as numbers, not from the macro, so that weakening the floor fails here. */
static void test_sp805_min_period(void **state)
{
    static const struct {
        const char *spec;
        uint32_t load;
        uint64_t max_runs; /* in one simulated second */
    } cases[] = {
        {"wdt-sp805", 0, 1000},
        {"wdt-sp805", 1, 1000},
        {"wdt-sp805", 24999, 1000}, /* just under 1 ms at 25 MHz */
        {"wdt-sp805", 250000, 100}, /* 10 ms: not clamped */
        {"wdt-sp805,frequency=10000000000", 0, 1000},
        {"wdt-sp805,frequency=10000000000", 1, 1000},
        {"wdt-sp805,frequency=10000000000", 0xffffffff, 3}, /* 0.43 s */
        {"wdt-sp805,frequency=1", 0, 1},                    /* 1 s per tick */
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vdev_fake f;
        uint64_t n;

        vdev_fake_init(&f);
        assert_int_equal(vdev_fake_add(&f, cases[i].spec), 0);
        mmio_wr(&f, SP + SP805_LOAD, cases[i].load);
        mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN); /* no reset: it counts for ever */
        n = vdev_fake_run(&f, SEC, 100000000, NULL);
        /* +1: the run at the start, which finds nothing due */
        assert_true(n <= cases[i].max_runs + 1);
        assert_true(n >= cases[i].max_runs * 9 / 10);
        assert_int_equal(f.past_deadlines, 0);
        assert_int_equal(f.irq_edges, n > 1 ? 1 : 0); /* raised once, then left up */
        vdev_fake_dispose(&f);
    }
}

/* A guest that acknowledges every interrupt at once (INTCLR reloads the counter): at most one
 * interrupt per floor, never a reset. */
static void sp805_ack(struct vdev_fake *f)
{
    if (f->irq_level)
        mmio_wr(f, SP + SP805_INTCLR, 0);
}

static void test_sp805_ack_storm(void **state)
{
    struct vdev_fake f;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,frequency=10000000000"), 0);
    mmio_wr(&f, SP + SP805_LOAD, 0);
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
    vdev_fake_run(&f, SEC, 100000000, sp805_ack);
    assert_true(f.irq_edges >= 990 && f.irq_edges <= 1000);
    assert_true(f.timer_runs <= 1001);
    assert_int_equal(f.past_deadlines, 0);
    assert_int_equal(f.actions, 0);
    /* LOAD written in a storm (every 10 us) only postpones: no expiry at all. */
    f.irq_edges = 0;
    mmio_wr(&f, SP + SP805_INTCLR, 0);
    for (int i = 0; i < 100000; i++) {
        uint64_t next;

        f.now += 10000;
        mmio_wr(&f, SP + SP805_LOAD, 0);
        next = vdev_bus_timers(&f.bus, f.now);
        assert_true(next > f.now && next - f.now == MS);
    }
    assert_int_equal(f.irq_edges, 0);
    vdev_fake_dispose(&f);
}

/* The first stage at the floor, the reset one floor later; and a backend that runs an hour
 * late handles the backlog in one bounded call and re-arms in the future. */
static void test_sp805_floor_timing_and_late(void **state)
{
    struct vdev_fake f;
    uint64_t next;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,action=reset"), 0);
    f.now = 5 * SEC;
    mmio_wr(&f, SP + SP805_LOAD, 1); /* 40 ns on the real part */
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN | SP805_CTRL_RESEN);
    assert_true(vdev_bus_timers(&f.bus, f.now) == 5 * SEC + MS);
    f.now = 5 * SEC + 100;
    assert_int_equal(mmio_rd(&f, SP + SP805_VALUE), 0); /* counted out, expiry still due */
    f.now = 5 * SEC + MS - 1;
    run_timers(&f);
    assert_int_equal(mmio_rd(&f, SP + SP805_RIS), 0);
    f.now = 5 * SEC + MS;
    assert_true(vdev_bus_timers(&f.bus, f.now) == 5 * SEC + 2 * MS);
    assert_int_equal(f.irq_level, 1);
    f.now = 5 * SEC + 2 * MS;
    assert_true(vdev_bus_timers(&f.bus, f.now) == VDEV_NO_DEADLINE);
    assert_int_equal(f.actions, 1);

    /* Without RESEN, an hour late: one call, next deadline one floor after now. */
    vdev_fake_dispose(&f);
    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805"), 0);
    mmio_wr(&f, SP + SP805_LOAD, 0);
    mmio_wr(&f, SP + SP805_CONTROL, SP805_CTRL_INTEN);
    f.now = 3600 * SEC;
    next = vdev_bus_timers(&f.bus, f.now);
    assert_true(next == f.now + MS);
    assert_int_equal(f.irq_level, 1);
    assert_int_equal(f.irq_calls, 1);
    vdev_fake_dispose(&f);
}

static void test_sp805_bad_options(void **state)
{
    struct vdev_fake f;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,frequency=0"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,frequency=-5"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,mem=0xfffffffffffff001"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "wdt-sp805,spi=7"), VDEV_ERR_INVAL);
    vdev_fake_dispose(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ib700_table),
        cmocka_unit_test(test_ib700_kick_and_stop),
        cmocka_unit_test(test_ib700_actions),
        cmocka_unit_test(test_sp805_reset_values),
        cmocka_unit_test(test_sp805_lock),
        cmocka_unit_test(test_sp805_two_stage),
        cmocka_unit_test(test_sp805_intclr_prevents_reset),
        cmocka_unit_test(test_sp805_bad_options),
        cmocka_unit_test(test_ib700_min_timeout),
        cmocka_unit_test(test_sp805_min_period),
        cmocka_unit_test(test_sp805_ack_storm),
        cmocka_unit_test(test_sp805_floor_timing_and_late),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
