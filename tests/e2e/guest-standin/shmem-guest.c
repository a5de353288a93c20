/* SPDX-License-Identifier: LGPL-2.1-only */
/* A stand-in guest driver of qvm's shared-memory device (issue 18): a bare-metal aarch64
 * guest that speaks the factory protocol of QNX's guest_shm.h (vdev-backends/shmem-proto.h)
 * to the factory page at FACTORY and waits for the device's interrupt (GICv3 SPI, the
 * factory's vector) in WFI, acknowledging it at the CPU interface (ICC_IAR1_EL1): the
 * notifications arrive as real GIC interrupts, the guest never polls the device. Built as
 *   -DROLE=1  "A": creates region NAME (PAGES pages), writes its greeting at data offset 0,
 *             waits until a second client attaches, notifies it, waits for its answer
 *             (data offset 1024), then times ROUNDS notification round trips;
 *   -DROLE=2  "B": attaches NAME (size 0: only an existing region), reads A's greeting,
 *             writes its answer, notifies A, then answers ROUNDS notifications;
 *   -DROLE=3  "C": asks for NAME (the e2e case's configuration denies it) and for OTHER;
 *   -DROLE=4  "D": attaches NAME later (A gone, B still there), reports whether both texts
 *             are still there, detaches;
 *   -DROLE=5  "H": hostile (acceptance 3): garbage of every width in every factory register,
 *             1000 names, huge sizes, attach/detach races and garbage in its window, then a
 *             normal create that must still work; it reports what the device answered.
 * It prints "QXGUEST key=value" lines on the vpl011 and, unless HOLD is set, powers off.
 * A deadline (the virtual timer, PPI 27) ends every wait: a lost notification is reported
 * as "timeout", never a hang. MMU off: the region is Device memory, accessed aligned. */
#include "tests/e2e/guest-standin/bare.h"
#include "vdev-backends/shmem-proto.h"

#ifndef FACTORY
#define FACTORY 0x1c0e0000ull
#endif
#ifndef ROLE
#define ROLE 1
#endif
#ifndef PAGES
#define PAGES 16
#endif
#ifndef ROUNDS
#define ROUNDS 200
#endif
#ifndef WAIT_SECS
#define WAIT_SECS 60
#endif
#define NAME  "qxring"
#define OTHER "qxother"

#define GICD        0x03001000ull /* GUEST_GICV3_GICD_BASE */
#define GICR_SGI    0x03030000ull /* GUEST_GICV3_GICR0_BASE + 64 KiB: vCPU 0's SGI/PPI frame */
#define VTIMER_PPI  27
#define IAR_NONE    1023
#define PEER_ANSWER 1024 /* B's answer: data offset */

static uint32_t vector;

static void say(const char *k, uint64_t v)
{
    bare_puts("QXGUEST ");
    bare_puts(k);
    bare_putc('=');
    bare_putdec(v);
    bare_putc('\n');
}

/* One interrupt at priority 0xa0, enabled, routed to vCPU 0 (SPIs in the distributor, PPIs in
 * the redistributor's SGI frame). */
static void irq_enable(uint32_t intid)
{
    uint64_t prio = (intid < 32 ? GICR_SGI : GICD) + 0x400 + (intid & ~3u);
    uint32_t shift = (intid & 3) * 8;

    bare_mmio_write(prio, 4, (bare_mmio_read(prio, 4) & ~(0xffu << shift)) | (0xa0u << shift));
    if (intid >= 32)
        bare_mmio_write(GICD + 0x6000 + 8 * intid, 8, 0); /* IROUTER: affinity 0.0.0.0 */
    bare_mmio_write((intid < 32 ? GICR_SGI : GICD) + 0x100 + 4 * (intid / 32), 4,
                    1u << (intid % 32));
}

static void gic_init(void)
{
    bare_mmio_write(GICD, 4, (1u << 4) | (1u << 1));         /* ARE_NS, EnableGrp1A */
    __asm__ volatile("msr s3_0_c4_c6_0, %0" ::"r"(0xffull)); /* ICC_PMR_EL1 */
    __asm__ volatile("msr s3_0_c12_c12_7, %0" ::"r"(1ull));  /* ICC_IGRPEN1_EL1 */
    __asm__ volatile("isb");
    irq_enable(VTIMER_PPI);
    irq_enable(vector);
}

/* Waits (WFI, IRQs masked: the pending interrupt wakes the vCPU all the same) for the
 * device's interrupt; returns 1, or 0 when WAIT_SECS passed. The caller clears the cause at
 * the device (a status read) before gic_eoi(), since the line is level-triggered. */
static int wait_irq(void)
{
    uint64_t iar;

    __asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(
                         bare_ticks() + WAIT_SECS * bare_tick_hz()),
                     "r"(1ull));
    for (;;) {
        __asm__ volatile("wfi");
        __asm__ volatile("mrs %0, s3_0_c12_c12_0" : "=r"(iar)); /* ICC_IAR1_EL1 */
        iar &= 0xffffff;
        if (iar == IAR_NONE)
            continue;
        if (iar == vector) {
            __asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(0ull));
            return 1;
        }
        __asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(0ull));
        __asm__ volatile("msr s3_0_c12_c12_1, %0; isb" ::"r"(iar)); /* ICC_EOIR1_EL1 */
        if (iar == VTIMER_PPI)
            return 0;
    }
}

static void gic_eoi(void)
{
    __asm__ volatile("msr s3_0_c12_c12_1, %0; isb" ::"r"((uint64_t)vector));
}

/* Creates or attaches @name with @pages (0: attach only); returns the status. */
static uint32_t request(const char *name, uint32_t pages)
{
    uint32_t w[SHMEM_MAX_NAME / 4] = {0};

    for (unsigned i = 0; name[i] && i < SHMEM_MAX_NAME - 1; i++)
        w[i / 4] |= (uint32_t)(uint8_t)name[i] << (8 * (i % 4));
    for (unsigned i = 0; i < SHMEM_MAX_NAME / 4; i++)
        bare_mmio_write(FACTORY + SHMEM_F_NAME + 4 * i, 4, w[i]);
    bare_mmio_write(FACTORY + SHMEM_F_SIZE, 4, pages);
    return (uint32_t)bare_mmio_read(FACTORY + SHMEM_F_STATUS, 4);
}

static void put_text(uint64_t at, const char *s)
{
    uint32_t w = 0;
    unsigned i = 0;

    for (;; i++) {
        w |= (uint32_t)(uint8_t)s[i] << (8 * (i % 4));
        if (i % 4 == 3 || !s[i]) {
            bare_mmio_write(at + (i & ~3u), 4, w);
            w = 0;
        }
        if (!s[i])
            break;
    }
}

/* 1 when the text at @at is @s. */
static int has_text(uint64_t at, const char *s)
{
    for (unsigned i = 0;; i++) {
        uint32_t w = (uint32_t)bare_mmio_read(at + (i & ~3u), 4);
        char c = (char)(w >> (8 * (i % 4)));

        if (c != s[i])
            return 0;
        if (!c)
            return 1;
    }
}

static uint32_t ctl_status(uint64_t ctl)
{
    return (uint32_t)bare_mmio_read(ctl + SHMEM_C_STATUS, 4);
}

/* Waits for an interrupt whose status shows what @want says (a notifier's bit, or at least
 * two clients); returns the status, or 0 on a timeout. */
static uint32_t wait_for(uint64_t ctl, int clients2)
{
    for (;;) {
        uint32_t st;

        if (!wait_irq())
            return 0;
        st = ctl_status(ctl);
        gic_eoi();
        if (clients2 ? st >> 16 >= 2 : (st & 0xffff) != 0)
            return st;
    }
}

static uint64_t rng = 0x5eed18c0ffee0005ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void hostile(void)
{
    uint32_t ok = 0, nomem = 0, other = 0, st;
    uint64_t ctl = 0;
    char name[8] = "h0000";

    /* Garbage: every width at every offset of the factory page, random values; a size
     * write asks for whatever the name registers hold then. */
    for (unsigned i = 0; i < 3000; i++) {
        uint64_t r = next();
        unsigned w = 1u << (r & 3);
        uint64_t off = (r >> 8) % SHMEM_PAGE & ~(uint64_t)(w - 1);

        if (r & 0x10000)
            bare_mmio_write(FACTORY + off, w, next());
        else
            (void)bare_mmio_read(FACTORY + off, w);
    }
    say("garbage-done", 1);
    /* 1000 names of one page each: a bounded number succeed, the rest are refused. */
    for (unsigned i = 0; i < 1000; i++) {
        name[1] = (char)('0' + i / 1000 % 10);
        name[2] = (char)('0' + i / 100 % 10);
        name[3] = (char)('0' + i / 10 % 10);
        name[4] = (char)('0' + i % 10);
        st = request(name, 1);
        ok += st == SHMEM_GSS_OK;
        nomem += st == SHMEM_GSS_NOMEM;
        other += st != SHMEM_GSS_OK && st != SHMEM_GSS_NOMEM;
    }
    say("names-ok", ok);
    say("names-nomem", nomem);
    say("names-other", other);
    /* Give them back: find each connection and detach it. */
    for (unsigned i = 0; i < 1000; i++) {
        bare_mmio_write(FACTORY + SHMEM_F_FIND, 4, 0);
        if (bare_mmio_read(FACTORY + SHMEM_F_STATUS, 4) != SHMEM_GSS_OK)
            break;
        bare_mmio_write(bare_mmio_read(FACTORY + SHMEM_F_SHMEM, 8) + SHMEM_C_DETACH, 4, 1);
    }
    say("huge-status", request("hhuge", 0xffffffffu));
    say("huge2-status", request("hhuge2", 0x7fffffffu));
    say("qxring-status", request(NAME, 1)); /* denied by the configuration */
    /* Races: attach, detach, then use the stale control page; garbage around it. */
    for (unsigned i = 0; i < 300; i++) {
        if (request("hrace", 2) != SHMEM_GSS_OK)
            continue;
        ctl = bare_mmio_read(FACTORY + SHMEM_F_SHMEM, 8);
        bare_mmio_write(ctl + SHMEM_C_NOTIFY, 4, (uint32_t)next());
        bare_mmio_write(ctl + SHMEM_C_DETACH, 4, 1);
        bare_mmio_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
        bare_mmio_write(ctl + SHMEM_C_DETACH, 4, 1);
        (void)bare_mmio_read(ctl + (next() % SHMEM_PAGE & ~3ull), 4);
        bare_mmio_write(ctl + (next() % (4 * SHMEM_PAGE) & ~3ull), 4, (uint32_t)next());
    }
    say("races-done", 1);
    /* After all that, an ordinary create still works. */
    say("final-status", request("hfinal", 4));
}

void standin_main(uint64_t dtb, uint64_t where)
{
    uint64_t ctl, data, t0, sum = 0;
    uint32_t st, idx, n = 0;

    (void)dtb;
    (void)where;
    say("role", ROLE);
    bare_puts("QXGUEST signature=");
    bare_puthex(bare_mmio_read(FACTORY + SHMEM_F_SIGNATURE, 8));
    bare_putc('\n');
    vector = (uint32_t)bare_mmio_read(FACTORY + SHMEM_F_VECTOR, 4);
    say("vector", vector);
    gic_init();
    if (ROLE == 5) {
        hostile();
        goto out;
    }
    if (ROLE == 3) {
        say("denied-status", request(NAME, PAGES));
        say("other-status", request(OTHER, 1));
        goto out;
    }
    st = request(NAME, ROLE == 1 ? PAGES : 0);
    ctl = bare_mmio_read(FACTORY + SHMEM_F_SHMEM, 8);
    data = ctl + SHMEM_PAGE;
    idx = (uint32_t)bare_mmio_read(ctl + SHMEM_C_IDX, 4);
    say("status", st);
    say("pages", bare_mmio_read(FACTORY + SHMEM_F_SIZE, 4));
    bare_puts("QXGUEST shmem=");
    bare_puthex(ctl);
    bare_putc('\n');
    say("idx", idx);
    if (st != SHMEM_GSS_OK)
        goto out;
    if (ROLE == 4) {
        say("greeting", has_text(data, "hello-from-A"));
        say("answer", has_text(data + PEER_ANSWER, "hello-from-B"));
        say("clients", ctl_status(ctl) >> 16);
        bare_mmio_write(ctl + SHMEM_C_DETACH, 4, 1);
        say("after-detach", bare_mmio_read(data, 4));
        goto out;
    }
    if (ROLE == 1) {
        put_text(data, "hello-from-A");
        st = ctl_status(ctl); /* B may be there already */
        if (st >> 16 < 2)
            st = wait_for(ctl, 1);
        say("clients", st >> 16);
        bare_mmio_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
        st = wait_for(ctl, 0);
        say("answer", has_text(data + PEER_ANSWER, "hello-from-B"));
        /* Round trips: notify B, wait for its notification back. */
        t0 = bare_ticks();
        for (n = 0; n < ROUNDS; n++) {
            bare_mmio_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
            if (!wait_for(ctl, 0))
                break;
        }
        sum = bare_ticks() - t0;
        say("rounds", n);
        say("rtt-us", n ? sum * 1000000 / bare_tick_hz() / n : 0);
    } else {
        say("greeting", has_text(data, "hello-from-A"));
        put_text(data + PEER_ANSWER, "hello-from-B");
        /* A's first notification may have come before the answer: wait for it. */
        st = wait_for(ctl, 0);
        bare_mmio_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
        for (n = 0; n < ROUNDS; n++) {
            if (!wait_for(ctl, 0))
                break;
            bare_mmio_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
        }
        say("answered", n);
    }
    say("timeout", n < ROUNDS);
out:
    bare_puts("QXGUEST end\n");
#ifdef HOLD
    bare_halt();
#endif
}
