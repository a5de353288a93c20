/* test-wdt.c: IB700 timeout table, kick, stop, expiry; SP805 registers, lock, two-stage expiry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vdev-fake.h"
#include "wdt-ib700.h"
#include "wdt-sp805.h"

#define SEC VDEV_NS_PER_SEC
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
        f.now = 1000;
        pio_out(&f, 0x443, (uint8_t)n);
        if (table[n]) {
            f.now = 1000 + table[n] * SEC - 1;
            run_timers(&f);
            assert_int_equal(f.actions, 0);
        }
        f.now = 1000 + table[n] * SEC;
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
    assert_int_equal(pio_in(&f, 0x443), 0xff); /* write-only */
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
            pio_out(&f, 0x443, 0x0f); /* 0 s: immediate */
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
        {SP805_LOAD, 0xffffffff}, {SP805_VALUE, 0xffffffff}, {SP805_CONTROL, 0},
        {SP805_RIS, 0},           {SP805_MIS, 0},            {SP805_LOCK, 0},
        {0xfe0, 0x05}, {0xfe4, 0x18}, {0xfe8, 0x14}, {0xfec, 0x00},
        {0xff0, 0x0d}, {0xff4, 0xf0}, {0xff8, 0x05}, {0xffc, 0xb1},
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
        cmocka_unit_test(test_ib700_table),        cmocka_unit_test(test_ib700_kick_and_stop),
        cmocka_unit_test(test_ib700_actions),      cmocka_unit_test(test_sp805_reset_values),
        cmocka_unit_test(test_sp805_lock),         cmocka_unit_test(test_sp805_two_stage),
        cmocka_unit_test(test_sp805_intclr_prevents_reset),
        cmocka_unit_test(test_sp805_bad_options),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
