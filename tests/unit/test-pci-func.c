/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-pci-func.c: a device as a PCI function: header, BAR sizing, decode and moves, INTx,
 * config accesses of every width, and a hostile guest writing everywhere. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vdev-backends/pci-func.h"
#include "vdev-backends/vdev-fake.h"

/* ---- a test-local device type with a PCI identity ----
 * This program defines the device table itself, so vdev_create() finds "tpci" through the real
 * option parsing; the library's vdev-table.o (which defines nothing else) is then not linked. */

#define TPCI_LEN 0x100

struct tpci {
    uint32_t reg[TPCI_LEN / 4];
    uint64_t last_off;
    unsigned accesses;
};

static const struct vdev_pci_id tpci_id = {
    .vendor = 0x1c05,
    .device = 0x0001,
    .subsys_vendor = 0x1234,
    .subsys_device = 0x5678,
    .class_code = 0x058012,
    .revision = 0x03,
};

static unsigned moved_calls;

static uint64_t tpci_read(struct vdev *dev, uint64_t off, unsigned size)
{
    struct tpci *t = dev->priv;

    t->last_off = off;
    t->accesses++;
    if (off >= dev->len) /* the window: a recognisable pattern */
        return 0xc0de0000u | ((off - dev->len) & 0xffff);
    return t->reg[off / 4];
}

/* Register 0 also drives the interrupt line (bit 0). */
static void tpci_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct tpci *t = dev->priv;

    t->last_off = off;
    t->accesses++;
    if (off >= dev->len)
        return;
    t->reg[off / 4] = (uint32_t)val;
    if (off == 0)
        vdev_set_irq(dev, (int)(val & 1));
}

/* win=LEN: a second range (as shmem's region window). */
static int tpci_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    uint64_t w = 0;

    if (vdev_opts_take_u64(o, "win", 1, UINT64_MAX, &w, err) < 0)
        return VDEV_ERR_INVAL;
    dev->win_len = w;
    return 0;
}

static void tpci_moved(struct vdev *dev, enum vdev_range r, uint64_t old_base, uint64_t new_base)
{
    moved_calls++;
}

static const struct vdev_ops tpci_ops = {
    .name = "tpci",
    .help = "win=LEN",
    .space = VDEV_SPACE_MMIO,
    .len = TPCI_LEN,
    .reg_width = 4,
    .priv_size = sizeof(struct tpci),
    .init = tpci_init,
    .read = tpci_read,
    .write = tpci_write,
    .pci = &tpci_id,
    .moved = tpci_moved,
};

extern const struct vdev_ops vdev_ser8250_ops;
extern const struct vdev_ops vdev_pl011_ops;
extern const struct vdev_ops vdev_wdt_sp805_ops;

const struct vdev_ops *const vdev_types[] = {
    &tpci_ops, &vdev_ser8250_ops, &vdev_pl011_ops, &vdev_wdt_sp805_ops, NULL,
};

/* ---- a fake transport's remap: records calls and checks every claim ---- */

#define MAX_CLAIMS 16
#define PL011_AT   0x9000000ULL
#define SP805_AT   0x1c0f0000ULL

struct claim {
    uint64_t base, len;
};

static struct vdev_fake fk;

static struct {
    struct claim live[MAX_CLAIMS];
    size_t nlive;
    unsigned calls, fail_next;
    uint64_t last_old, last_new, last_len;
    bool bad; /* a claim wrapped, overlapped, or released what was not claimed */
} rm;

static bool overlap(uint64_t a, uint64_t s, uint64_t b, uint64_t l)
{
    return a <= b + (l - 1) && b <= a + (s - 1);
}

static int fake_remap(void *opaque, struct vdev *dev, uint64_t old_base, uint64_t new_base,
                      uint64_t len)
{
    rm.calls++;
    rm.last_old = old_base;
    rm.last_new = new_base;
    rm.last_len = len;
    if (old_base != VDEV_NO_ADDR) {
        size_t i;

        for (i = 0; i < rm.nlive; i++)
            if (rm.live[i].base == old_base && rm.live[i].len == len)
                break;
        if (i == rm.nlive)
            rm.bad = true;
        else
            rm.live[i] = rm.live[--rm.nlive];
    }
    if (new_base == VDEV_NO_ADDR)
        return 0;
    if (rm.fail_next) {
        rm.fail_next--;
        return VDEV_ERR_IO;
    }
    if (len == 0 || new_base + (len - 1) < new_base || new_base + len > PCI_FUNC_ADDR_LIMIT ||
        new_base % len || rm.nlive == MAX_CLAIMS)
        rm.bad = true;
    for (size_t i = 0; i < fk.bus.ndev; i++) { /* the fixed MMIO devices */
        const struct vdev *d = &fk.bus.dev[i];

        if (!d->pci.present && d->space == VDEV_SPACE_MMIO &&
            overlap(new_base, len, d->base, d->len))
            rm.bad = true;
    }
    for (size_t i = 0; i < rm.nlive; i++)
        if (overlap(new_base, len, rm.live[i].base, rm.live[i].len))
            rm.bad = true;
    if (rm.nlive < MAX_CLAIMS)
        rm.live[rm.nlive++] = (struct claim){new_base, len};
    return 0;
}

/* What the Xen transport tells Xen: INTA gated by INTx disable. */
static int inta;
static unsigned inta_calls;

static void fake_intx(void *opaque, struct vdev *dev, int level)
{
    inta_calls++;
    inta = pci_func_intx_level(dev, level);
}

static int setup_specs(void **state, const char *const *specs)
{
    memset(&rm, 0, sizeof(rm));
    moved_calls = 0;
    inta = 0;
    inta_calls = 0;
    vdev_fake_init(&fk);
    fk.host.remap = fake_remap;
    fk.host.set_irq = fake_intx;
    *state = &fk;
    for (; *specs; specs++)
        if (vdev_fake_add(&fk, *specs))
            return -1;
    return 0;
}

/* tpci at 00:05.0 with a 1 MiB window, beside fixed MMIO devices. */
static int setup(void **state)
{
    return setup_specs(state, (const char *const[]){"tpci,pci=0:5,win=0x100000",
                                                    "pl011,mem=0x9000000", "wdt-sp805", NULL});
}

static int setup_two(void **state)
{
    return setup_specs(state, (const char *const[]){"tpci,pci=0:5", "tpci,pci=0:6,win=0x3000",
                                                    "pl011,mem=0x9000000", NULL});
}

static uint64_t sbdf_addr(unsigned slot, uint32_t reg)
{
    return (uint64_t)(slot << 3) << 32 | reg;
}

static uint64_t cfg_rd_d(unsigned slot, uint32_t reg, unsigned size, enum vdev_disp *d)
{
    return vdev_fake_io(&fk, VDEV_IOREQ_PCI_CONFIG, sbdf_addr(slot, reg), size, true, 0, d);
}

static uint64_t cfg_rd(uint32_t reg, unsigned size)
{
    return cfg_rd_d(5, reg, size, NULL);
}

static void cfg_wr_s(unsigned slot, uint32_t reg, unsigned size, uint64_t v)
{
    enum vdev_disp d;

    vdev_fake_io(&fk, VDEV_IOREQ_PCI_CONFIG, sbdf_addr(slot, reg), size, false, v, &d);
    assert_int_equal(d, VDEV_DISP_OK);
}

static void cfg_wr(uint32_t reg, unsigned size, uint64_t v)
{
    cfg_wr_s(5, reg, size, v);
}

static enum vdev_disp mmio_disp(uint64_t addr, uint64_t *v)
{
    enum vdev_disp d;

    *v = vdev_fake_io(&fk, VDEV_IOREQ_COPY, addr, 4, true, 0, &d);
    return d;
}

static struct tpci *tp(size_t i)
{
    return fk.dev[i].priv;
}

/* ---- tests ---- */

static void test_header(void **state)
{
    assert_int_equal(cfg_rd(PCI_FUNC_VENDOR, 2), 0x1c05);
    assert_int_equal(cfg_rd(PCI_FUNC_DEVICE, 2), 0x0001);
    assert_int_equal(cfg_rd(0, 4), 0x00011c05);
    assert_int_equal(cfg_rd(PCI_FUNC_COMMAND, 2), 0);
    assert_int_equal(cfg_rd(PCI_FUNC_STATUS, 2), 0); /* no capabilities, line low */
    assert_int_equal(cfg_rd(PCI_FUNC_REVISION, 4), 0x05801203);
    assert_int_equal(cfg_rd(0x0c, 4), 0); /* cache line, latency, header type 0, BIST */
    assert_int_equal(cfg_rd(PCI_FUNC_HEADER_TYPE, 1), 0);
    assert_int_equal(cfg_rd(PCI_FUNC_BAR0, 4), 0);      /* 32-bit memory, non-prefetchable */
    assert_int_equal(cfg_rd(PCI_FUNC_BAR0 + 4, 4), 0);  /* BAR1: none */
    assert_int_equal(cfg_rd(PCI_FUNC_BAR2, 4), 0xc);    /* 64-bit prefetchable memory */
    assert_int_equal(cfg_rd(PCI_FUNC_BAR2 + 4, 4), 0);  /* BAR3: its high half */
    assert_int_equal(cfg_rd(PCI_FUNC_BAR2 + 8, 4), 0);  /* BAR4 */
    assert_int_equal(cfg_rd(PCI_FUNC_BAR2 + 12, 4), 0); /* BAR5 */
    assert_int_equal(cfg_rd(0x28, 4), 0);               /* CardBus CIS */
    assert_int_equal(cfg_rd(PCI_FUNC_SUBSYS_VENDOR, 4), 0x56781234);
    assert_int_equal(cfg_rd(0x30, 4), 0);                             /* no expansion ROM */
    assert_int_equal(cfg_rd(0x34, 4), 0);                             /* no capabilities */
    assert_int_equal(cfg_rd(PCI_FUNC_INTERRUPT_LINE, 4), 0x00000100); /* pin INTA, line 0 */
    for (uint32_t r = 0x40; r < 0x100; r += 4)
        assert_int_equal(cfg_rd(r, 4), 0);
    /* Nothing is claimed or dispatched before the guest assigns BARs. */
    assert_int_equal(rm.calls, 0);
    assert_int_equal(fk.dev[0].base, 0);
    assert_int_equal(fk.dev[0].win_base, 0);
}

static void test_bar_sizing(void **state)
{
    /* BAR0: 0x100 bytes round up to a 4 KiB BAR. */
    cfg_wr(PCI_FUNC_BAR0, 4, 0xffffffff);
    assert_int_equal(cfg_rd(PCI_FUNC_BAR0, 4), 0xfffff000);
    /* BAR2+3: 1 MiB, 64-bit prefetchable; the high half reads back all ones. */
    cfg_wr(PCI_FUNC_BAR2, 4, 0xffffffff);
    cfg_wr(PCI_FUNC_BAR2 + 4, 4, 0xffffffff);
    assert_int_equal(cfg_rd(PCI_FUNC_BAR2, 4), 0xfff0000c);
    assert_int_equal(cfg_rd(PCI_FUNC_BAR2 + 4, 4), 0xffffffff);
    /* Unimplemented BARs stay 0. */
    for (uint32_t r = PCI_FUNC_BAR0 + 4; r <= 0x24; r += 4) {
        if (r == PCI_FUNC_BAR2 || r == PCI_FUNC_BAR2 + 4)
            continue;
        cfg_wr(r, 4, 0xffffffff);
        assert_int_equal(cfg_rd(r, 4), 0);
    }
    cfg_wr(0x30, 4, 0xffffffff); /* expansion ROM: none */
    assert_int_equal(cfg_rd(0x30, 4), 0);
    /* Sizing with decode off claims nothing. */
    assert_int_equal(rm.calls, 0);
}

static void test_bar_sizes_rounded(void **state)
{
    /* 0x3000 rounds to 0x4000; an 8 GiB window needs the high half. */
    assert_int_equal(vdev_fake_add(&fk, "tpci,pci=0:7,win=0x180000000"), 0);
    cfg_wr_s(7, PCI_FUNC_BAR2, 4, 0xffffffff);
    cfg_wr_s(7, PCI_FUNC_BAR2 + 4, 4, 0xffffffff);
    assert_int_equal(cfg_rd_d(7, PCI_FUNC_BAR2, 4, NULL), 0x0000000c);
    assert_int_equal(cfg_rd_d(7, PCI_FUNC_BAR2 + 4, 4, NULL), 0xfffffffe);
    assert_int_equal(fk.dev[fk.bus.ndev - 1].pci.size[VDEV_RANGE_WIN], 0x200000000ULL);
}

static void test_bar_sizes_two(void **state)
{
    cfg_wr_s(6, PCI_FUNC_BAR2, 4, 0xffffffff);
    assert_int_equal(cfg_rd_d(6, PCI_FUNC_BAR2, 4, NULL), 0xffffc00c);
    /* Without a window BAR2 does not exist. */
    cfg_wr_s(5, PCI_FUNC_BAR2, 4, 0xffffffff);
    assert_int_equal(cfg_rd_d(5, PCI_FUNC_BAR2, 4, NULL), 0);
}

/* Assigns BAR0 and the window and enables memory decode. */
static void assign(uint32_t bar0, uint64_t bar2)
{
    cfg_wr(PCI_FUNC_BAR0, 4, bar0);
    cfg_wr(PCI_FUNC_BAR2, 4, (uint32_t)bar2);
    cfg_wr(PCI_FUNC_BAR2 + 4, 4, (uint32_t)(bar2 >> 32));
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY);
}

static void test_decode_enable(void **state)
{
    uint64_t v;

    cfg_wr(PCI_FUNC_BAR0, 4, 0xe0000000);
    cfg_wr(PCI_FUNC_BAR2, 4, 0x00000000);
    cfg_wr(PCI_FUNC_BAR2 + 4, 4, 0x1);
    assert_int_equal(cfg_rd(PCI_FUNC_BAR0, 4), 0xe0000000);
    assert_int_equal(cfg_rd(PCI_FUNC_BAR2, 4), 0x0000000c);
    assert_int_equal(cfg_rd(PCI_FUNC_BAR2 + 4, 4), 1);
    /* Decode off: nothing claimed, nothing dispatched. */
    assert_int_equal(rm.calls, 0);
    tp(0)->reg[1] = 0x11223344;
    assert_int_equal(mmio_disp(0xe0000004, &v), VDEV_DISP_UNMAPPED);
    assert_int_equal(mmio_disp(4, &v), VDEV_DISP_UNMAPPED); /* nor at the unassigned base 0 */
    assert_int_equal(tp(0)->accesses, 0);

    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY);
    assert_int_equal(rm.calls, 2);
    assert_int_equal(rm.nlive, 2);
    assert_int_equal(rm.live[0].base, 0xe0000000);
    assert_int_equal(rm.live[0].len, 0x1000);
    assert_int_equal(rm.live[1].base, 0x100000000ULL);
    assert_int_equal(rm.live[1].len, 0x100000);
    assert_false(rm.bad);
    assert_int_equal(moved_calls, 2);
    assert_int_equal(fk.dev[0].base, 0xe0000000);
    assert_int_equal(fk.dev[0].win_base, 0x100000000ULL);
    assert_int_equal(cfg_rd(PCI_FUNC_COMMAND, 2), PCI_FUNC_CMD_MEMORY);

    assert_int_equal(mmio_disp(0xe0000004, &v), VDEV_DISP_OK);
    assert_int_equal(v, 0x11223344);
    assert_int_equal(tp(0)->last_off, 4);
    assert_int_equal(mmio_disp(0x100000010ULL, &v), VDEV_DISP_OK);
    assert_int_equal(v, 0xc0de0010);
    assert_int_equal(tp(0)->last_off, TPCI_LEN + 0x10);
    /* The BAR's padding past the device's registers reads all ones. */
    assert_int_equal(mmio_disp(0xe0000800, &v), VDEV_DISP_UNMAPPED);
    assert_int_equal(v, UINT64_MAX);
    /* Writing the same command again changes nothing. */
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY);
    assert_int_equal(rm.calls, 2);
}

static void test_decode_off(void **state)
{
    uint64_t v;

    assign(0xe0000000, 0x100000000ULL);
    assert_int_equal(rm.nlive, 2);
    cfg_wr(PCI_FUNC_COMMAND, 2, 0);
    assert_int_equal(rm.nlive, 0);
    assert_int_equal(rm.last_new, VDEV_NO_ADDR);
    assert_false(rm.bad);
    tp(0)->accesses = 0;
    assert_int_equal(mmio_disp(0xe0000000, &v), VDEV_DISP_UNMAPPED);
    assert_int_equal(mmio_disp(0x100000000ULL, &v), VDEV_DISP_UNMAPPED);
    assert_int_equal(tp(0)->accesses, 0);
    /* The registers keep their values; decode on again claims them again. */
    assert_int_equal(cfg_rd(PCI_FUNC_BAR0, 4), 0xe0000000);
    cfg_wr(PCI_FUNC_COMMAND, 1, PCI_FUNC_CMD_MEMORY);
    assert_int_equal(rm.nlive, 2);
    assert_int_equal(mmio_disp(0xe0000000, &v), VDEV_DISP_OK);
    /* I/O decode alone decodes no memory BAR. */
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_IO);
    assert_int_equal(rm.nlive, 0);
    assert_int_equal(cfg_rd(PCI_FUNC_COMMAND, 2), PCI_FUNC_CMD_IO);
}

static void test_move_bar(void **state)
{
    uint64_t v;

    assign(0xe0000000, 0x100000000ULL);
    cfg_wr(PCI_FUNC_BAR0, 4, 0xe0100000);
    assert_int_equal(rm.last_old, 0xe0000000);
    assert_int_equal(rm.last_new, 0xe0100000);
    assert_int_equal(rm.last_len, 0x1000);
    assert_int_equal(fk.dev[0].base, 0xe0100000);
    assert_int_equal(mmio_disp(0xe0000000, &v), VDEV_DISP_UNMAPPED);
    assert_int_equal(mmio_disp(0xe0100000, &v), VDEV_DISP_OK);
    /* A misaligned value keeps only the address bits. */
    cfg_wr(PCI_FUNC_BAR0, 4, 0xe0200abc);
    assert_int_equal(cfg_rd(PCI_FUNC_BAR0, 4), 0xe0200000);
    assert_int_equal(fk.dev[0].base, 0xe0200000);
    /* The window's high half moves it above 4 GiB. */
    cfg_wr(PCI_FUNC_BAR2 + 4, 4, 0x2);
    assert_int_equal(fk.dev[0].win_base, 0x200000000ULL);
    /* Sizing with decode on: the range is dark meanwhile, then back where restored. */
    cfg_wr(PCI_FUNC_BAR0, 4, 0xffffffff);
    assert_int_equal(mmio_disp(0xe0200000, &v), VDEV_DISP_UNMAPPED);
    assert_int_equal(mmio_disp(0xfffff000, &v), VDEV_DISP_UNMAPPED);
    cfg_wr(PCI_FUNC_BAR0, 4, 0xe0200000);
    assert_int_equal(mmio_disp(0xe0200000, &v), VDEV_DISP_OK);
    /* BAR at 0: unassigned. */
    cfg_wr(PCI_FUNC_BAR0, 4, 0);
    assert_int_equal(rm.nlive, 1);
    assert_false(rm.bad);
}

static void test_overlap_refused(void **state)
{
    uint64_t v;

    /* Onto the PL011: not claimed, the PL011 keeps its registers. */
    assign(PL011_AT, 0x100000000ULL);
    assert_int_equal(rm.nlive, 1);
    assert_false(fk.dev[0].pci.live[VDEV_RANGE_MAIN]);
    assert_int_equal(mmio_disp(PL011_AT + 0xfe0, &v), VDEV_DISP_OK);
    assert_int_equal(v, 0x11); /* PL011's PeriphID0 */
    assert_int_equal(tp(0)->accesses, 0);
    /* Onto the SP805 (1 MiB window containing it) */
    cfg_wr(PCI_FUNC_BAR2 + 4, 4, 0);
    cfg_wr(PCI_FUNC_BAR2, 4, (uint32_t)(SP805_AT & ~0xfffffULL));
    assert_false(fk.dev[0].pci.live[VDEV_RANGE_WIN]);
    /* Its own BAR0 inside its window: the window is refused. */
    cfg_wr(PCI_FUNC_BAR0, 4, 0xe0000000);
    cfg_wr(PCI_FUNC_BAR2, 4, 0xe0000000);
    assert_true(fk.dev[0].pci.live[VDEV_RANGE_MAIN]);
    assert_false(fk.dev[0].pci.live[VDEV_RANGE_WIN]);
    /* The window moves away: both live. */
    cfg_wr(PCI_FUNC_BAR2, 4, 0xe0100000);
    assert_true(fk.dev[0].pci.live[VDEV_RANGE_WIN]);
    /* Beyond the address limit, and the sizing pattern in the low half only: dark. */
    cfg_wr(PCI_FUNC_BAR2 + 4, 4, 0xfff00000);
    assert_false(fk.dev[0].pci.live[VDEV_RANGE_WIN]);
    cfg_wr(PCI_FUNC_BAR2 + 4, 4, 0);
    cfg_wr(PCI_FUNC_BAR2, 4, 0xffffffff);
    assert_false(fk.dev[0].pci.live[VDEV_RANGE_WIN]);
    assert_false(rm.bad);
}

static void test_overlap_two_functions(void **state)
{
    uint64_t v;

    cfg_wr_s(5, PCI_FUNC_BAR0, 4, 0xe0000000);
    cfg_wr_s(5, PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY);
    cfg_wr_s(6, PCI_FUNC_BAR0, 4, 0xe0000000);
    cfg_wr_s(6, PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY);
    assert_true(fk.dev[0].pci.live[VDEV_RANGE_MAIN]);
    assert_false(fk.dev[1].pci.live[VDEV_RANGE_MAIN]);
    tp(0)->reg[0] = 0x55;
    assert_int_equal(mmio_disp(0xe0000000, &v), VDEV_DISP_OK);
    assert_int_equal(v, 0x55);
    /* The first moves away: the second comes alive at once. */
    cfg_wr_s(5, PCI_FUNC_BAR0, 4, 0xe0400000);
    assert_true(fk.dev[0].pci.live[VDEV_RANGE_MAIN]);
    assert_true(fk.dev[1].pci.live[VDEV_RANGE_MAIN]);
    tp(1)->reg[0] = 0x66;
    assert_int_equal(mmio_disp(0xe0000000, &v), VDEV_DISP_OK);
    assert_int_equal(v, 0x66);
    assert_int_equal(fk.dev[1].pci.size[VDEV_RANGE_MAIN], 0x1000);
    assert_false(rm.bad);
    /* Its window (0x3000 -> a 16 KiB BAR) over the first's BAR0: refused. */
    cfg_wr_s(6, PCI_FUNC_BAR2, 4, 0xe0400000);
    assert_false(fk.dev[1].pci.live[VDEV_RANGE_WIN]);
    cfg_wr_s(6, PCI_FUNC_BAR2, 4, 0xe0404000);
    assert_true(fk.dev[1].pci.live[VDEV_RANGE_WIN]);
    assert_false(rm.bad);
}

static void test_claim_failure(void **state)
{
    uint64_t v;

    rm.fail_next = 1;
    cfg_wr(PCI_FUNC_BAR0, 4, 0xe0000000);
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY);
    assert_false(fk.dev[0].pci.live[VDEV_RANGE_MAIN]);
    assert_int_equal(mmio_disp(0xe0000000, &v), VDEV_DISP_UNMAPPED);
    /* The next config write tries again. */
    cfg_wr(PCI_FUNC_BAR0, 4, 0xe0000000);
    assert_true(fk.dev[0].pci.live[VDEV_RANGE_MAIN]);
}

static void test_intx(void **state)
{
    uint64_t v;

    assign(0xe0000000, 0x100000000ULL);
    /* The device raises its line: INTA up, status bit 3 set. */
    mmio_wr(&fk, 0xe0000000, 1);
    assert_int_equal(inta, 1);
    assert_int_equal(cfg_rd(PCI_FUNC_STATUS, 2), PCI_FUNC_STATUS_INTX);
    /* INTx disable: INTA drops, the status still shows the device's line. */
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY | PCI_FUNC_CMD_INTX_OFF);
    assert_int_equal(inta, 0);
    assert_int_equal(cfg_rd(PCI_FUNC_STATUS, 2), PCI_FUNC_STATUS_INTX);
    assert_int_equal(cfg_rd(PCI_FUNC_COMMAND, 2), PCI_FUNC_CMD_MEMORY | PCI_FUNC_CMD_INTX_OFF);
    /* Enabled again while still pending: INTA up again. */
    cfg_wr(PCI_FUNC_COMMAND + 1, 1, 0);
    assert_int_equal(inta, 1);
    /* Disabled, the device lowers its line, enabled: INTA stays down. */
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY | PCI_FUNC_CMD_INTX_OFF);
    mmio_wr(&fk, 0xe0000000, 0);
    assert_int_equal(inta, 0);
    assert_int_equal(cfg_rd(PCI_FUNC_STATUS, 2), 0);
    inta_calls = 0;
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY);
    assert_int_equal(inta, 0);
    assert_int_equal(inta_calls, 0); /* nothing pending: no hypercall */
    /* Raised while disabled: INTA stays down until enabled. */
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY | PCI_FUNC_CMD_INTX_OFF);
    mmio_wr(&fk, 0xe0000000, 1);
    assert_int_equal(inta, 0);
    cfg_wr(PCI_FUNC_COMMAND, 2, PCI_FUNC_CMD_MEMORY);
    assert_int_equal(inta, 1);
    /* Status bits are read-only (writes of ones change nothing). */
    cfg_wr(PCI_FUNC_STATUS, 2, 0xffff);
    assert_int_equal(cfg_rd(PCI_FUNC_STATUS, 2), PCI_FUNC_STATUS_INTX);
    (void)v;
}

static void test_narrow_accesses(void **state)
{
    enum vdev_disp d;

    assert_int_equal(cfg_rd(0, 1), 0x05);
    assert_int_equal(cfg_rd(1, 1), 0x1c);
    assert_int_equal(cfg_rd(2, 1), 0x01);
    assert_int_equal(cfg_rd(3, 1), 0x00);
    assert_int_equal(cfg_rd(1, 2), 0x011c);
    assert_int_equal(cfg_rd(PCI_FUNC_CLASS, 1), 0x12);
    assert_int_equal(cfg_rd(PCI_FUNC_CLASS + 1, 2), 0x0580);
    /* Bytes past the DWORD CF8 selected are another port: all ones. */
    assert_int_equal(cfg_rd(3, 2), 0xff00);
    assert_int_equal(cfg_rd(2, 4), 0xffff0001);
    /* Byte writes to a BAR assemble an address. */
    cfg_wr(PCI_FUNC_BAR0 + 3, 1, 0xe0);
    cfg_wr(PCI_FUNC_BAR0 + 2, 1, 0x12);
    cfg_wr(PCI_FUNC_BAR0 + 1, 1, 0x3f); /* bits below 4 KiB are not writable */
    assert_int_equal(cfg_rd(PCI_FUNC_BAR0, 4), 0xe0123000);
    /* Interrupt line: byte-writable, pin read-only. */
    cfg_wr(PCI_FUNC_INTERRUPT_LINE, 2, 0x070b);
    assert_int_equal(cfg_rd(PCI_FUNC_INTERRUPT_LINE, 2), 0x010b);
    cfg_wr(PCI_FUNC_INTERRUPT_LINE, 1, 0x0a);
    assert_int_equal(cfg_rd(PCI_FUNC_INTERRUPT_LINE, 4), 0x0000010a);
    /* Command: only bits 0, 1 and 10. */
    cfg_wr(PCI_FUNC_COMMAND, 2, 0xffff);
    assert_int_equal(cfg_rd(PCI_FUNC_COMMAND, 2), 0x0403);
    /* A write that crosses the DWORD does not reach the next register. */
    cfg_wr(PCI_FUNC_COMMAND + 2, 4, 0xffffffff);
    assert_int_equal(cfg_rd(PCI_FUNC_REVISION, 4), 0x05801203);
    /* Eight bytes is no configuration access. */
    assert_int_equal(cfg_rd_d(5, 0, 8, &d), UINT64_MAX);
    assert_int_equal(d, VDEV_DISP_BAD_SIZE);
}

static void test_extended_registers(void **state)
{
    uint8_t before[PCI_FUNC_CFG_SIZE];

    memcpy(before, fk.dev[0].pci.cfg, sizeof(before));
    for (uint32_t r = 0x100; r < 0x1000; r += 4) {
        cfg_wr(r, 4, 0xffffffff);
        assert_int_equal(cfg_rd(r, 4), 0);
        assert_int_equal(cfg_rd(r + 1, 2), 0);
    }
    cfg_wr(0xfffffffc, 4, 0xffffffff); /* a register no Xen sends */
    assert_int_equal(cfg_rd(0xfffffffc, 4), 0);
    assert_memory_equal(before, fk.dev[0].pci.cfg, sizeof(before));
    assert_int_equal(rm.calls, 0);
}

static void test_other_functions(void **state)
{
    enum vdev_disp d;

    /* Another device number, another function, another bus, another segment: not ours. */
    assert_int_equal(cfg_rd_d(4, 0, 4, &d), UINT64_MAX);
    assert_int_equal(d, VDEV_DISP_IGNORED_TYPE);
    assert_int_equal(
        vdev_fake_io(&fk, VDEV_IOREQ_PCI_CONFIG, sbdf_addr(5, 0) | (1ULL << 32), 4, true, 0, &d),
        UINT64_MAX);
    assert_int_equal(d, VDEV_DISP_IGNORED_TYPE);
    assert_int_equal(
        vdev_fake_io(&fk, VDEV_IOREQ_PCI_CONFIG, sbdf_addr(5, 0) | (1ULL << 40), 4, true, 0, &d),
        UINT64_MAX);
    assert_int_equal(
        vdev_fake_io(&fk, VDEV_IOREQ_PCI_CONFIG, sbdf_addr(5, 0) | (1ULL << 48), 4, true, 0, &d),
        UINT64_MAX);
    assert_int_equal(d, VDEV_DISP_IGNORED_TYPE);
}

static void test_rep_config(void **state)
{
    static uint8_t mem[64];
    struct vdev_ioreq r = {.addr = sbdf_addr(5, 0),
                           .data = 8,
                           .count = 4,
                           .size = 2,
                           .type = VDEV_IOREQ_PCI_CONFIG,
                           .dir = VDEV_DIR_READ,
                           .data_is_ptr = true};

    vdev_fake_set_mem(&fk, mem, sizeof(mem));
    assert_int_equal(vdev_dispatch(&fk.bus, &r), VDEV_DISP_OK);
    for (int i = 0; i < 4; i++) /* the port stays put: the vendor id four times */
        assert_int_equal(mem[8 + 2 * i] | mem[9 + 2 * i] << 8, 0x1c05);
    vdev_fake_set_mem(&fk, NULL, 0);
    assert_int_equal(vdev_dispatch(&fk.bus, &r), VDEV_DISP_REP_REFUSED);
}

/* Read-only bytes, as attach built them (the status and BAR bytes excepted). */
static void check_read_only(const uint8_t *orig, const uint8_t *now)
{
    static const unsigned ro[] = {0x00, 0x01, 0x02, 0x03, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                                  0x0c, 0x0d, 0x0e, 0x0f, 0x14, 0x15, 0x16, 0x17, 0x20,
                                  0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x2c,
                                  0x2d, 0x2e, 0x2f, 0x30, 0x34, 0x3d, 0x3e, 0x3f};

    for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
        assert_int_equal(orig[ro[i]], now[ro[i]]);
    for (unsigned i = 0x40; i < PCI_FUNC_CFG_SIZE; i++)
        assert_int_equal(now[i], 0);
    assert_int_equal(now[PCI_FUNC_COMMAND] & ~3u, 0);
    assert_int_equal(now[PCI_FUNC_COMMAND + 1] & ~4u, 0);
    assert_int_equal(now[PCI_FUNC_STATUS], 0);
    assert_int_equal(now[PCI_FUNC_BAR0] & 0xf, 0);
    assert_int_equal(now[PCI_FUNC_BAR2] & 0xf, orig[PCI_FUNC_BAR2] & 0xf);
    if (!orig[PCI_FUNC_BAR2]) /* no window: BAR2 and BAR3 do not exist */
        for (unsigned i = PCI_FUNC_BAR2; i < PCI_FUNC_BAR2 + 8; i++)
            assert_int_equal(now[i], 0);
}

/* Whatever a guest writes, to either function: no claim wraps, overlaps another device or
 * another claim, or exceeds the address limit; dispatch follows the claims. */
static void test_hostile_everywhere(void **state)
{
    static const uint64_t vals[] = {0,          0xffffffff, 0x55555555, 0xaaaaaaaa, 0x09000000,
                                    0x1c0f0000, 0xe0000000, 0xe0001000, 0x00000003, 0x00000402,
                                    0x000fffff, 0x80000000, 0xfee00000, 0x00000001};
    static const unsigned sizes[] = {1, 2, 4, 8};
    uint8_t orig[2][PCI_FUNC_CFG_SIZE];
    uint64_t seed = 12345;

    for (int f = 0; f < 2; f++)
        memcpy(orig[f], fk.dev[f].pci.cfg, PCI_FUNC_CFG_SIZE);
    for (int round = 0; round < 4; round++) {
        for (uint32_t off = 0; off < 0x110; off++) {
            for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
                for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]) + 2; k++) {
                    uint64_t v;
                    unsigned slot = (off + k + round) % 2 ? 6 : 5;

                    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                    v = k < sizeof(vals) / sizeof(vals[0]) ? vals[k] : seed >> 16;
                    if (round & 1) /* keep memory decode on between hostile writes */
                        cfg_wr_s(slot, PCI_FUNC_COMMAND, 1, 3);
                    vdev_fake_io(&fk, VDEV_IOREQ_PCI_CONFIG, sbdf_addr(slot, off), sizes[s], false,
                                 v, NULL);
                    cfg_rd_d(slot, off, sizes[s], NULL);
                    assert_false(rm.bad);
                }
            }
        }
        for (int f = 0; f < 2; f++)
            check_read_only(orig[f], fk.dev[f].pci.cfg);
    }
    /* Dispatch agrees with the claims: a live BAR0 reaches its function, a dark one nothing. */
    for (int f = 0; f < 2; f++) {
        const struct vdev *d = &fk.dev[f];
        uint64_t v;

        if (d->pci.live[VDEV_RANGE_MAIN])
            assert_int_equal(mmio_disp(d->base, &v), VDEV_DISP_OK);
    }
    assert_true(rm.calls > 0);
}

static void test_options(void **state)
{
    struct vdev_fake f;
    FILE *err = tmpfile();
    struct vdev dev;
    char msg[512];
    size_t n;

    vdev_fake_init(&f);
    assert_int_equal(vdev_fake_add(&f, "tpci"), VDEV_ERR_INVAL); /* no location at all */
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:32"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=256:1"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=1:1"), VDEV_ERR_INVAL); /* bus 0 only */
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=:3"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:-1"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:3.0"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:3,mem=0xe0000000"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,mem=0xe0000000,pci=0:3"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:3,io=0x300"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:3,isa-irq=5"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:3,spi=40"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:3,msi=0xfee00000:0x30"), VDEV_ERR_INVAL);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:3,pci=0:4"), VDEV_ERR_UNKNOWN);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:3,win=0x8000000000000000"), VDEV_ERR_INVAL);
    assert_int_equal(f.bus.ndev, 0);
    /* Without a PCI identity: refused, saying why. */
    assert_non_null(err);
    assert_int_equal(vdev_create("ser8250,pci=0:3", &f.host, &dev, err), VDEV_ERR_INVAL);
    rewind(err);
    n = fread(msg, 1, sizeof(msg) - 1, err);
    msg[n] = '\0';
    assert_non_null(strstr(msg, "ser8250: cannot be a PCI function"));
    fclose(err);
    /* Accepted: hex too, and the existing devices are unchanged beside it. */
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0x0:0x1f"), 0);
    assert_true(f.dev[0].pci.present);
    assert_int_equal(f.dev[0].pci.slot, 31);
    assert_int_equal(f.dev[0].space, VDEV_SPACE_MMIO);
    assert_int_equal(vdev_fake_add(&f, "ser8250"), 0);
    assert_false(f.dev[1].pci.present);
    assert_int_equal(f.dev[1].base, 0x3f8);
    assert_int_equal(pci_func_check_bus(&f.bus, NULL), 0);
    assert_int_equal(vdev_fake_add(&f, "tpci,pci=0:31"), 0);
    assert_int_equal(pci_func_check_bus(&f.bus, NULL), VDEV_ERR_INVAL);
    assert_ptr_equal(pci_func_find(&f.bus, 31 << 3), &f.dev[0]);
    assert_null(pci_func_find(&f.bus, 30 << 3));
    vdev_fake_dispose(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_bar_sizing, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_bar_sizes_rounded, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_bar_sizes_two, setup_two, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_decode_enable, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_decode_off, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_move_bar, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_refused, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_overlap_two_functions, setup_two, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_claim_failure, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_intx, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_narrow_accesses, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_extended_registers, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_other_functions, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_rep_config, setup, vdev_fake_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_everywhere, setup_two, vdev_fake_teardown),
        cmocka_unit_test(test_options),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
