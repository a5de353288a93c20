/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-ser8250.c: 16550A register model: reset values, DLAB, FIFO, loopback, IIR, output;
 * what a hostile guest can make the backend do (no timers, batched output and interrupts). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vdev-backends/ser8250.h"
#include "vdev-backends/vdev-fake.h"

#define BASE 0x3f8

static int setup(void **state)
{
    static struct vdev_fake f;

    return vdev_fake_setup(state, &f, (const char *const[]){"ser8250,io=0x3f8", NULL});
}

static void test_reset_values(void **state)
{
    static const struct {
        unsigned reg;
        uint8_t val;
    } resets[] = {
        {UART_IER, 0x00},
        {UART_IIR, UART_IIR_NO_INT},
        {UART_LCR, 0x00},
        {UART_MCR, 0x00},
        {UART_LSR, UART_LSR_THRE | UART_LSR_TEMT},
        {UART_MSR, UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS},
        {UART_SCR, 0x00},
        {UART_RBR, 0x00},
    };
    struct vdev_fake *f = *state;

    for (size_t i = 0; i < sizeof(resets) / sizeof(resets[0]); i++)
        assert_int_equal(pio_in(f, BASE + resets[i].reg), resets[i].val);
}

static void test_scratch_and_rw(void **state)
{
    struct vdev_fake *f = *state;

    pio_out(f, BASE + UART_SCR, 0x5a);
    assert_int_equal(pio_in(f, BASE + UART_SCR), 0x5a);
    pio_out(f, BASE + UART_IER, 0xff);
    assert_int_equal(pio_in(f, BASE + UART_IER), 0x0f); /* upper bits reserved */
    pio_out(f, BASE + UART_MCR, 0xff);
    assert_int_equal(pio_in(f, BASE + UART_MCR), 0x1f);
    pio_out(f, BASE + UART_LSR, 0x00); /* read-only */
    assert_int_equal(pio_in(f, BASE + UART_LSR) & UART_LSR_THRE, UART_LSR_THRE);
}

static void test_dlab(void **state)
{
    struct vdev_fake *f = *state;

    pio_out(f, BASE + UART_IER, 0x05);
    pio_out(f, BASE + UART_LCR, UART_LCR_DLAB | 0x03);
    assert_int_equal(pio_in(f, BASE + UART_DLL), 12);
    assert_int_equal(pio_in(f, BASE + UART_DLM), 0);
    pio_out(f, BASE + UART_DLL, 0x01);
    pio_out(f, BASE + UART_DLM, 0x02);
    assert_int_equal(pio_in(f, BASE + UART_DLL), 0x01);
    assert_int_equal(pio_in(f, BASE + UART_DLM), 0x02);
    pio_out(f, BASE + UART_LCR, 0x03);
    assert_int_equal(pio_in(f, BASE + UART_IER), 0x05); /* IER untouched by DLM writes */
    assert_int_equal(pio_in(f, BASE + UART_LCR), 0x03);
}

static void test_fifo_limit_and_overrun(void **state)
{
    struct vdev_fake *f = *state;

    pio_out(f, BASE + UART_FCR, UART_FCR_ENABLE);
    assert_int_equal(pio_in(f, BASE + UART_IIR) & UART_IIR_FIFO, UART_IIR_FIFO);
    pio_out(f, BASE + UART_MCR, UART_MCR_LOOP);
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        pio_out(f, BASE + UART_THR, (uint8_t)i);
    assert_int_equal(pio_in(f, BASE + UART_LSR) & (UART_LSR_DR | UART_LSR_OE), UART_LSR_DR);
    pio_out(f, BASE + UART_THR, 0xee); /* 17th byte is lost */
    assert_int_equal(pio_in(f, BASE + UART_LSR) & UART_LSR_OE, UART_LSR_OE);
    assert_int_equal(pio_in(f, BASE + UART_LSR) & UART_LSR_OE, 0); /* cleared by reading */
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        assert_int_equal(pio_in(f, BASE + UART_RBR), i);
    assert_int_equal(pio_in(f, BASE + UART_LSR) & UART_LSR_DR, 0);
}

static void test_non_fifo_holds_one(void **state)
{
    struct vdev_fake *f = *state;

    pio_out(f, BASE + UART_MCR, UART_MCR_LOOP);
    pio_out(f, BASE + UART_THR, 'a');
    pio_out(f, BASE + UART_THR, 'b');
    assert_int_equal(pio_in(f, BASE + UART_LSR) & UART_LSR_OE, UART_LSR_OE);
    assert_int_equal(pio_in(f, BASE + UART_RBR), 'a');
}

static void test_fcr_clear(void **state)
{
    struct vdev_fake *f = *state;

    pio_out(f, BASE + UART_FCR, UART_FCR_ENABLE);
    pio_out(f, BASE + UART_MCR, UART_MCR_LOOP);
    pio_out(f, BASE + UART_THR, 'x');
    pio_out(f, BASE + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
    assert_int_equal(pio_in(f, BASE + UART_LSR) & UART_LSR_DR, 0);
}

static void test_loopback_msr(void **state)
{
    struct vdev_fake *f = *state;

    pio_in(f, BASE + UART_MSR);
    pio_out(f, BASE + UART_MCR, UART_MCR_LOOP);
    /* all modem inputs drop: deltas for CTS, DSR, DCD */
    assert_int_equal(pio_in(f, BASE + UART_MSR), UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    pio_out(f, BASE + UART_MCR,
            UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_DTR | UART_MCR_OUT1 | UART_MCR_OUT2);
    assert_int_equal(pio_in(f, BASE + UART_MSR) & 0xf0,
                     UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCD);
    assert_int_equal(pio_in(f, BASE + UART_MSR) & 0x0f, 0); /* deltas cleared by the read */
}

static void test_iir_and_irq(void **state)
{
    struct vdev_fake *f = *state;

    pio_out(f, BASE + UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
    pio_out(f, BASE + UART_IER, UART_IER_THRI);
    assert_int_equal(pio_in(f, BASE + UART_IIR), UART_IIR_THRI);
    assert_int_equal(pio_in(f, BASE + UART_IIR), UART_IIR_NO_INT); /* acknowledged */
    assert_int_equal(f->irq_level, 0);
    pio_out(f, BASE + UART_IER, UART_IER_RDI | UART_IER_RLSI);
    pio_out(f, BASE + UART_THR, 'z');
    assert_int_equal(pio_in(f, BASE + UART_IIR) & 0x0f, UART_IIR_RDI);
    assert_int_equal(f->irq_level, 1);
    pio_out(f, BASE + UART_THR, 'y'); /* overrun in non-FIFO mode: line status first */
    assert_int_equal(pio_in(f, BASE + UART_IIR) & 0x0f, UART_IIR_RLSI);
    pio_in(f, BASE + UART_LSR);
    pio_in(f, BASE + UART_RBR);
    assert_int_equal(pio_in(f, BASE + UART_IIR) & 0x0f, UART_IIR_NO_INT);
    assert_int_equal(f->irq_level, 0);
}

static void test_out2_gates_irq(void **state)
{
    struct vdev_fake *f = *state;

    pio_out(f, BASE + UART_MCR, UART_MCR_LOOP);
    pio_out(f, BASE + UART_IER, UART_IER_RDI);
    pio_out(f, BASE + UART_THR, 'q');
    assert_int_equal(f->irq_level, 0);
    pio_out(f, BASE + UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    assert_int_equal(f->irq_level, 1);
}

static void test_output_and_input(void **state)
{
    struct vdev_fake *f = *state;
    struct vdev *d = &f->dev[0];
    int out[2], in[2];
    char buf[8] = {0};

    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(in), 0);
    fcntl(in[0], F_SETFL, O_NONBLOCK);
    d->chr.out_fd = out[1];
    d->chr.in_fd = in[0];
    pio_out(f, BASE + UART_THR, 'h');
    pio_out(f, BASE + UART_THR, 'i');
    assert_int_equal(read(out[0], buf, sizeof(buf)), 2);
    assert_string_equal(buf, "hi");
    pio_out(f, BASE + UART_FCR, UART_FCR_ENABLE);
    for (int i = 0; i < 20; i++)
        assert_int_equal(write(in[1], "k", 1), 1);
    assert_int_equal(d->ops->rx_fd(d), in[0]);
    d->ops->rx(d);
    assert_int_equal(d->ops->rx_fd(d), -1); /* full: stop reading the host (no overrun) */
    assert_int_equal(pio_in(f, BASE + UART_LSR) & UART_LSR_OE, 0);
    assert_int_equal(pio_in(f, BASE + UART_RBR), 'k');
    assert_int_equal(d->ops->rx_fd(d), in[0]);
    d->chr.out_fd = d->chr.in_fd = -1;
    close(out[0]);
    close(out[1]);
    close(in[0]);
    close(in[1]);
}

static void test_wide_access_split(void **state)
{
    struct vdev_fake *f = *state;
    enum vdev_disp disp;
    uint64_t v;

    pio_out(f, BASE + UART_SCR, 0x77);
    /* 16-bit read of LSR:MSR */
    v = vdev_fake_io(f, VDEV_IOREQ_PIO, BASE + UART_LSR, 2, true, 0, &disp);
    assert_int_equal(disp, VDEV_DISP_OK);
    assert_int_equal(v & 0xff, UART_LSR_THRE | UART_LSR_TEMT);
    /* 4 bytes at offset 6 run past the device: refused */
    v = vdev_fake_io(f, VDEV_IOREQ_PIO, BASE + 6, 4, true, 0, &disp);
    assert_int_equal(disp, VDEV_DISP_UNMAPPED);
    assert_true(v == UINT64_MAX);
}

static void test_bad_hostdev_specs(void **state)
{
    struct vdev_fake f2;

    vdev_fake_init(&f2);
    assert_int_equal(vdev_fake_add(&f2, "ser8250,hostdev=>"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f2, "ser8250,hostdev=<pty"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f2, "ser8250,hostdev=>-,hostdev=>-"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f2, "ser8250,bogus=1"), VDEV_ERR_UNKNOWN);
    assert_int_equal(vdev_fake_add(&f2, "ser8250,io=0x10000"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f2, "ser8250,io=1,mem=2"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f2, "ser8250,msi=0xfee00000:0x31"), 0);
    assert_true(f2.dev[0].has_msi);
    vdev_fake_dispose(&f2);
}

/* Everything a guest can switch on (FIFO, loopback, every interrupt, OUT2, a full FIFO with
 * an overrun pending): the UART has no timer, so a simulated second holds exactly the one
 * wake-up that finds nothing to do. */
static void test_no_timer_worst_case(void **state)
{
    struct vdev_fake *f = *state;

    pio_out(f, BASE + UART_FCR, UART_FCR_ENABLE | 0xc0);
    pio_out(f, BASE + UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | 0x0f);
    pio_out(f, BASE + UART_IER, 0x0f);
    for (int i = 0; i < 2 * UART_FIFO_SIZE; i++)
        pio_out(f, BASE + UART_THR, (uint8_t)i);
    assert_int_equal(vdev_fake_run(f, VDEV_NS_PER_SEC, 1000000, NULL), 1);
    assert_int_equal(f->past_deadlines, 0);
    assert_null(f->dev[0].ops->timer);
}

static uint8_t guest_mem[4096];

/* The largest string I/O a guest can send (4096 bytes) costs at most 4096 / CHARDEV_OUT_BUF
 * writes, not one per byte; one that toggles the interrupt line on every item costs at most one
 * host interrupt call, not one per toggle. */
static void test_rep_output_batched(void **state)
{
    struct vdev_fake *f = *state;
    struct vdev *d = &f->dev[0];
    static char got[8192];
    struct vdev_ioreq r;
    int p[2];

    assert_int_equal(pipe(p), 0);
    d->chr.out_fd = p[1];
    vdev_fake_set_mem(f, guest_mem, sizeof(guest_mem));
    for (size_t i = 0; i < sizeof(guest_mem); i++)
        guest_mem[i] = (uint8_t)('a' + i % 26);
    r = (struct vdev_ioreq){.type = VDEV_IOREQ_PIO,
                            .addr = BASE + UART_THR,
                            .dir = VDEV_DIR_WRITE,
                            .size = 1,
                            .count = 4096,
                            .data_is_ptr = true,
                            .data = 0};
    assert_int_equal(vdev_dispatch(&f->bus, &r), VDEV_DISP_OK);
    assert_true(d->chr.writes <= 4);
    assert_int_equal(read(p[0], got, sizeof(got)), 4096);
    assert_memory_equal(got, guest_mem, 4096);

    /* REP OUTSL to THR..LCR: THR byte, IER alternately THRI and 0, so the line would go up
     * and down 1024 times inside one request. */
    pio_out(f, BASE + UART_MCR, UART_MCR_OUT2);
    pio_out(f, BASE + UART_IIR, 0); /* FCR: FIFO off */
    for (size_t i = 0; i < 1024; i++) {
        guest_mem[4 * i] = (uint8_t)(i & 1 ? 'B' : 'A');
        guest_mem[4 * i + 1] = i & 1 ? 0 : UART_IER_THRI;
        guest_mem[4 * i + 2] = 0;
        guest_mem[4 * i + 3] = 0x03;
    }
    d->chr.writes = 0;
    f->irq_calls = 0;
    r = (struct vdev_ioreq){.type = VDEV_IOREQ_PIO,
                            .addr = BASE,
                            .dir = VDEV_DIR_WRITE,
                            .size = 4,
                            .count = 1024,
                            .data_is_ptr = true,
                            .data = 0};
    assert_int_equal(vdev_dispatch(&f->bus, &r), VDEV_DISP_OK);
    assert_true(f->irq_calls <= 1);
    assert_true(d->chr.writes <= 1);
    assert_int_equal(read(p[0], got, sizeof(got)), 1024);
    assert_memory_equal(got, "ABABAB", 6);
    assert_int_equal(d->chr.dropped, 0);
    d->chr.out_fd = -1;
    vdev_fake_set_mem(f, NULL, 0);
    close(p[0]);
    close(p[1]);
}

/* A sink that takes nothing (a full pipe) costs one failed write per request, and the bytes
 * are counted as dropped: output never blocks or retries in a loop. */
static void test_full_sink_drops(void **state)
{
    struct vdev_fake *f = *state;
    struct vdev *d = &f->dev[0];
    char fill[4096] = {0};
    int p[2];

    assert_int_equal(pipe(p), 0);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    while (write(p[1], fill, sizeof(fill)) > 0)
        ;
    d->chr.out_fd = p[1];
    for (int i = 0; i < 100; i++)
        pio_out(f, BASE + UART_THR, 'x');
    assert_int_equal(d->chr.writes, 100);
    assert_int_equal(d->chr.dropped, 100);
    d->chr.out_fd = -1;
    close(p[0]);
    close(p[1]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, vdev_fake_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_reset_values),           T(test_scratch_and_rw),     T(test_dlab),
        T(test_fifo_limit_and_overrun), T(test_non_fifo_holds_one), T(test_fcr_clear),
        T(test_loopback_msr),           T(test_iir_and_irq),        T(test_out2_gates_irq),
        T(test_output_and_input),       T(test_wide_access_split),  T(test_bad_hostdev_specs),
        T(test_no_timer_worst_case),    T(test_rep_output_batched), T(test_full_sink_drops),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
