/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-pl011.c: PL011 register model: reset values, flags, FIFO, loopback, interrupts;
 * what a hostile guest can make the backend do (no timers, batched output and interrupts). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vdev-backends/pl011.h"
#include "vdev-backends/vdev-fake.h"

#define U 0x9000000

static int setup(void **state)
{
    static struct vdev_fake f;

    return vdev_fake_setup(state, &f, (const char *const[]){"pl011,mem=0x9000000", NULL});
}

static void test_reset_values(void **state)
{
    static const struct {
        unsigned off;
        uint32_t val;
    } regs[] = {
        {PL011_FR, PL011_FR_TXFE | PL011_FR_RXFE | PL011_FR_CTS},
        {PL011_RSR, 0},
        {PL011_IBRD, 0},
        {PL011_FBRD, 0},
        {PL011_LCR_H, 0},
        {PL011_CR, PL011_CR_TXE | PL011_CR_RXE},
        {PL011_IFLS, 0x12},
        {PL011_IMSC, 0},
        {PL011_RIS, 0},
        {PL011_MIS, 0},
        {PL011_DMACR, 0},
        {0xfe0, 0x11},
        {0xfe4, 0x10},
        {0xfe8, 0x14},
        {0xfec, 0x00},
        VDEV_FAKE_PCELL_ID_ROWS,
    };
    struct vdev_fake *f = *state;

    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        assert_int_equal(mmio_rd(f, U + regs[i].off), regs[i].val);
}

static void test_rw_masks(void **state)
{
    struct vdev_fake *f = *state;

    mmio_wr(f, U + PL011_IBRD, 0xffffffff);
    assert_int_equal(mmio_rd(f, U + PL011_IBRD), 0xffff);
    mmio_wr(f, U + PL011_FBRD, 0xff);
    assert_int_equal(mmio_rd(f, U + PL011_FBRD), 0x3f);
    mmio_wr(f, U + PL011_IMSC, 0xffffffff);
    assert_int_equal(mmio_rd(f, U + PL011_IMSC), PL011_INT_ALL);
    mmio_wr(f, U + PL011_FR, 0); /* read-only */
    assert_int_equal(mmio_rd(f, U + PL011_FR) & PL011_FR_TXFE, PL011_FR_TXFE);
}

static void test_loopback_fifo_flags(void **state)
{
    struct vdev_fake *f = *state;

    mmio_wr(f, U + PL011_LCR_H, PL011_LCRH_FEN);
    mmio_wr(f, U + PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE | PL011_CR_LBE);
    for (int i = 0; i < PL011_FIFO_SIZE; i++)
        mmio_wr(f, U + PL011_DR, 'a' + i);
    assert_int_equal(mmio_rd(f, U + PL011_FR) & (PL011_FR_RXFF | PL011_FR_RXFE), PL011_FR_RXFF);
    mmio_wr(f, U + PL011_DR, '!');
    assert_int_equal(mmio_rd(f, U + PL011_RSR), PL011_RSR_OE);
    assert_int_equal(mmio_rd(f, U + PL011_RIS) & PL011_INT_OE, PL011_INT_OE);
    mmio_wr(f, U + PL011_RSR, 0);
    assert_int_equal(mmio_rd(f, U + PL011_RSR), 0);
    for (int i = 0; i < PL011_FIFO_SIZE; i++)
        assert_int_equal(mmio_rd(f, U + PL011_DR), 'a' + i);
    assert_int_equal(mmio_rd(f, U + PL011_FR) & PL011_FR_RXFE, PL011_FR_RXFE);
}

static void test_interrupts(void **state)
{
    struct vdev_fake *f = *state;

    mmio_wr(f, U + PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE | PL011_CR_LBE);
    mmio_wr(f, U + PL011_IMSC, PL011_INT_RX);
    mmio_wr(f, U + PL011_DR, 'x');
    assert_int_equal(mmio_rd(f, U + PL011_MIS), PL011_INT_RX);
    assert_int_equal(f->irq_level, 1);
    mmio_rd(f, U + PL011_DR);
    assert_int_equal(mmio_rd(f, U + PL011_MIS), 0);
    assert_int_equal(f->irq_level, 0);
    assert_int_equal(mmio_rd(f, U + PL011_RIS) & PL011_INT_TX, PL011_INT_TX);
    mmio_wr(f, U + PL011_ICR, PL011_INT_TX);
    assert_int_equal(mmio_rd(f, U + PL011_RIS) & PL011_INT_TX, 0);
}

static void test_output(void **state)
{
    struct vdev_fake *f = *state;
    int p[2];
    char buf[4] = {0};

    assert_int_equal(pipe(p), 0);
    f->dev[0].chr.out_fd = p[1];
    mmio_wr(f, U + PL011_DR, 'o');
    /* a byte write at the register's low byte is accepted too */
    vdev_fake_io(f, VDEV_IOREQ_COPY, U + PL011_DR, 1, false, 'k', NULL);
    assert_int_equal(read(p[0], buf, sizeof(buf)), 2);
    assert_string_equal(buf, "ok");
    f->dev[0].chr.out_fd = -1;
    close(p[0]);
    close(p[1]);
}

static void test_odd_accesses(void **state)
{
    struct vdev_fake *f = *state;
    enum vdev_disp d;

    assert_true(vdev_fake_io(f, VDEV_IOREQ_COPY, U + 0xfe1, 1, true, 0, &d) == UINT64_MAX);
    assert_int_equal(d, VDEV_DISP_BAD_ACCESS);
    vdev_fake_io(f, VDEV_IOREQ_COPY, U + PL011_FR, 8, true, 0, &d);
    assert_int_equal(d, VDEV_DISP_BAD_ACCESS);
    assert_int_equal(vdev_fake_io(f, VDEV_IOREQ_COPY, U + 0xfe0, 2, true, 0, &d), 0x11);
    assert_int_equal(vdev_fake_add(f, "pl011"), VDEV_ERR_INVAL); /* mem= is required */
}

/* Every interrupt unmasked, FIFO on, loopback, a full FIFO with an overrun: no timer, so a
 * simulated second holds exactly the one wake-up that finds nothing to do. */
static void test_no_timer_worst_case(void **state)
{
    struct vdev_fake *f = *state;

    mmio_wr(f, U + PL011_LCR_H, PL011_LCRH_FEN);
    mmio_wr(f, U + PL011_IFLS, 0);
    mmio_wr(f, U + PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE | PL011_CR_LBE);
    mmio_wr(f, U + PL011_IMSC, PL011_INT_ALL);
    for (int i = 0; i < 2 * PL011_FIFO_SIZE; i++)
        mmio_wr(f, U + PL011_DR, 'a' + i);
    assert_int_equal(f->irq_level, 1);
    assert_int_equal(vdev_fake_run(f, VDEV_NS_PER_SEC, 1000000, NULL), 1);
    assert_int_equal(f->past_deadlines, 0);
    assert_null(f->dev[0].ops->timer);
}

static uint32_t guest_mem[1024];

/* One REP MOVS over the whole register page (1024 words): DR output, then IMSC unmasking the
 * TX interrupt (line up) and ICR clearing it (line down), and every other register. The host
 * sees at most one write and one interrupt call for it; and 100 single DR writes cost one
 * write each, never more. */
static void test_rep_and_output_bounded(void **state)
{
    struct vdev_fake *f = *state;
    struct vdev *d = &f->dev[0];
    struct vdev_ioreq r;
    char buf[256];
    int p[2];

    assert_int_equal(pipe(p), 0);
    d->chr.out_fd = p[1];
    vdev_fake_set_mem(f, guest_mem, sizeof(guest_mem));
    for (size_t i = 0; i < 1024; i++)
        guest_mem[i] = 0xffffffff;
    guest_mem[PL011_DR / 4] = 'z';
    guest_mem[PL011_CR / 4] = PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE;
    r = (struct vdev_ioreq){.type = VDEV_IOREQ_COPY,
                            .addr = U,
                            .dir = VDEV_DIR_WRITE,
                            .size = 4,
                            .count = 1024,
                            .data_is_ptr = true,
                            .data = 0};
    assert_int_equal(vdev_dispatch(&f->bus, &r), VDEV_DISP_OK);
    assert_true(f->irq_calls <= 1);
    assert_true(d->chr.writes <= 1);
    assert_int_equal(read(p[0], buf, sizeof(buf)), 1);
    assert_int_equal(buf[0], 'z');
    d->chr.writes = 0;
    for (int i = 0; i < 100; i++)
        mmio_wr(f, U + PL011_DR, 'q');
    assert_int_equal(d->chr.writes, 100);
    assert_int_equal(read(p[0], buf, sizeof(buf)), 100);
    d->chr.out_fd = -1;
    vdev_fake_set_mem(f, NULL, 0);
    close(p[0]);
    close(p[1]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, vdev_fake_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_reset_values),
        T(test_rw_masks),
        T(test_loopback_fifo_flags),
        T(test_interrupts),
        T(test_output),
        T(test_odd_accesses),
        T(test_no_timer_worst_case),
        T(test_rep_and_output_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
