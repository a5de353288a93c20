/* SPDX-License-Identifier: LGPL-2.1-only */
/* A stand-in guest driver of qvm's shared-memory device (issue 18) that speaks the factory
 * protocol of QNX's guest_shm.h (vdev-backends/shmem-proto.h) and waits for the device's
 * interrupt, on aarch64 (shmem-arm.c: GICv3 SPI) or x86 HVM (shmem-x86.c: the PCI function's
 * INTx) through shmem-plat.h. Built as
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
 * It prints "QXGUEST key=value" lines and, unless HOLD is set, powers off. A deadline ends
 * every wait: a lost notification is reported as "timeout", never a hang. The region is
 * device memory to the guest (MMU off on ARM, MMIO on x86), accessed aligned. */
#include "tests/e2e/guest-standin/shmem-plat.h"
#include "vdev-backends/shmem-proto.h"

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

#define PEER_ANSWER 1024 /* B's answer: data offset */

static uint64_t factory;

static void say(const char *k, uint64_t v)
{
    plat_puts("QXGUEST ");
    plat_puts(k);
    plat_putc('=');
    plat_putdec(v);
    plat_putc('\n');
}

/* Creates or attaches @name with @pages (0: attach only); returns the status. */
static uint32_t request(const char *name, uint32_t pages)
{
    uint32_t w[SHMEM_MAX_NAME / 4] = {0};

    for (unsigned i = 0; name[i] && i < SHMEM_MAX_NAME - 1; i++)
        w[i / 4] |= (uint32_t)(uint8_t)name[i] << (8 * (i % 4));
    for (unsigned i = 0; i < SHMEM_MAX_NAME / 4; i++)
        plat_write(factory + SHMEM_F_NAME + 4 * i, 4, w[i]);
    plat_write(factory + SHMEM_F_SIZE, 4, pages);
    return (uint32_t)plat_read(factory + SHMEM_F_STATUS, 4);
}

static void put_text(uint64_t at, const char *s)
{
    uint32_t w = 0;
    unsigned i = 0;

    for (;; i++) {
        w |= (uint32_t)(uint8_t)s[i] << (8 * (i % 4));
        if (i % 4 == 3 || !s[i]) {
            plat_write(at + (i & ~3u), 4, w);
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
        uint32_t w = (uint32_t)plat_read(at + (i & ~3u), 4);
        char c = (char)(w >> (8 * (i % 4)));

        if (c != s[i])
            return 0;
        if (!c)
            return 1;
    }
}

static uint32_t ctl_status(uint64_t ctl)
{
    return (uint32_t)plat_read(ctl + SHMEM_C_STATUS, 4);
}

/* Waits for an interrupt whose status shows what @want says (a notifier's bit, or at least
 * two clients); returns the status, or 0 on a timeout. */
static uint32_t wait_for(uint64_t ctl, int clients2)
{
    for (;;) {
        uint32_t st;

        if (!plat_wait_irq(WAIT_SECS))
            return 0;
        st = ctl_status(ctl);
        plat_eoi();
        if (clients2 ? st >> 16 >= 2 : (st & 0xffff) != 0)
            return st;
    }
}

/* Copy throughput (A, after the round trips): COPY_BYTES written into the region's data at
 * COPY_AT and read back, 4 bytes at a time, then the same in the guest's own RAM, in one run:
 * the ratio is what sharing costs (ARM: the region is RAM, mapped; x86: every access traps to
 * the backend). Clear of the greeting and the answer, which D reads later. */
#ifndef COPY_BYTES
#define COPY_BYTES 16384u
#endif
#define COPY_AT 16384u
static uint32_t ram[COPY_BYTES / 4];

static uint64_t kib_s(uint64_t bytes, uint64_t ticks)
{
    return bytes * plat_tick_hz() / 1024 / (ticks ? ticks : 1);
}

static void copy_bench(uint64_t data)
{
    volatile uint32_t *r = ram;
    uint64_t t0, tw, tr, tram;
    uint32_t bad = 0;

    t0 = plat_ticks();
    for (uint32_t i = 0; i < COPY_BYTES / 4; i++)
        plat_write(data + COPY_AT + 4 * i, 4, i * 2654435761u);
    tw = plat_ticks() - t0;
    t0 = plat_ticks();
    for (uint32_t i = 0; i < COPY_BYTES / 4; i++)
        bad += (uint32_t)plat_read(data + COPY_AT + 4 * i, 4) != i * 2654435761u;
    tr = plat_ticks() - t0;
    t0 = plat_ticks();
    for (uint32_t i = 0; i < COPY_BYTES / 4; i++)
        r[i] = i * 2654435761u;
    for (uint32_t i = 0; i < COPY_BYTES / 4; i++)
        bad += r[i] != i * 2654435761u;
    tram = plat_ticks() - t0;
    say("copy-ok", !bad);
    say("copy-write-kib-s", kib_s(COPY_BYTES, tw));
    say("copy-read-kib-s", kib_s(COPY_BYTES, tr));
    say("ram-kib-s", kib_s(2 * COPY_BYTES, tram));
    /* milli-ticks per access first: no overflow whatever the counter's rate */
    say("access-ns", (tw + tr) * 1000 / (COPY_BYTES / 2) * 1000000 / plat_tick_hz());
}

/* The event-channel peer (evtchn_peer, xen-evtchn.c): its exchange at data offset EVT_AT, clear of the
 * texts and the copy; region notifications keep the two guests in step. */
#define EVT_AT 12288u
static uint64_t peer_ctl;

static void peer_notify(void)
{
    plat_write(peer_ctl + SHMEM_C_NOTIFY, 4, ~0u);
}

static int peer_wait(void)
{
    return wait_for(peer_ctl, 0) != 0;
}

static void evtchn_bench(int creator, uint64_t ctl)
{
    uint64_t ticks = 0;
    int n;

    peer_ctl = ctl;
    n = evtchn_peer(creator, ctl + SHMEM_PAGE + EVT_AT, ROUNDS, peer_notify, peer_wait, &ticks);
    say(creator ? "evtchn-rounds" : "evtchn-answered", (uint64_t)n);
    if (creator)
        say("evtchn-rtt-us", n ? ticks * 1000000 / plat_tick_hz() / (uint64_t)n : 0);
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
            plat_write(factory + off, w, next());
        else
            (void)plat_read(factory + off, w);
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
        plat_write(factory + SHMEM_F_FIND, 4, 0);
        if (plat_read(factory + SHMEM_F_STATUS, 4) != SHMEM_GSS_OK)
            break;
        plat_write(plat_read(factory + SHMEM_F_SHMEM, 8) + SHMEM_C_DETACH, 4, 1);
    }
    say("huge-status", request("hhuge", 0xffffffffu));
    say("huge2-status", request("hhuge2", 0x7fffffffu));
    say("qxring-status", request(NAME, 1)); /* denied by the configuration */
    /* Races: attach, detach, then use the stale control page; garbage around it. */
    for (unsigned i = 0; i < 300; i++) {
        if (request("hrace", 2) != SHMEM_GSS_OK)
            continue;
        ctl = plat_read(factory + SHMEM_F_SHMEM, 8);
        plat_write(ctl + SHMEM_C_NOTIFY, 4, (uint32_t)next());
        plat_write(ctl + SHMEM_C_DETACH, 4, 1);
        plat_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
        plat_write(ctl + SHMEM_C_DETACH, 4, 1);
        (void)plat_read(ctl + (next() % SHMEM_PAGE & ~3ull), 4);
        plat_write(ctl + (next() % (4 * SHMEM_PAGE) & ~3ull), 4, (uint32_t)next());
    }
    say("races-done", 1);
    /* After all that, an ordinary create still works. */
    say("final-status", request("hfinal", 4));
}

void shmem_main(uint64_t factory_page)
{
    uint64_t ctl, data, t0, sum = 0;
    uint32_t st, idx, n = 0, vector;

    factory = factory_page;
    say("role", ROLE);
    plat_puts("QXGUEST signature=");
    plat_puthex(plat_read(factory + SHMEM_F_SIGNATURE, 8));
    plat_putc('\n');
    vector = (uint32_t)plat_read(factory + SHMEM_F_VECTOR, 4);
    say("vector", vector);
    plat_irq_init(vector);
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
    ctl = plat_read(factory + SHMEM_F_SHMEM, 8);
    data = ctl + SHMEM_PAGE;
    idx = (uint32_t)plat_read(ctl + SHMEM_C_IDX, 4);
    say("status", st);
    say("pages", plat_read(factory + SHMEM_F_SIZE, 4));
    plat_puts("QXGUEST shmem=");
    plat_puthex(ctl);
    plat_putc('\n');
    say("idx", idx);
    if (st != SHMEM_GSS_OK)
        goto out;
    if (ROLE == 4) {
        say("greeting", has_text(data, "hello-from-A"));
        say("answer", has_text(data + PEER_ANSWER, "hello-from-B"));
        say("clients", ctl_status(ctl) >> 16);
        plat_write(ctl + SHMEM_C_DETACH, 4, 1);
        say("after-detach", plat_read(data, 4));
        goto out;
    }
    if (ROLE == 1) {
        put_text(data, "hello-from-A");
        st = ctl_status(ctl); /* B may be there already */
        if (st >> 16 < 2)
            st = wait_for(ctl, 1);
        say("clients", st >> 16);
        plat_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
        st = wait_for(ctl, 0);
        say("answer", has_text(data + PEER_ANSWER, "hello-from-B"));
        /* Round trips: notify B, wait for its notification back. */
        t0 = plat_ticks();
        for (n = 0; n < ROUNDS; n++) {
            plat_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
            if (!wait_for(ctl, 0))
                break;
        }
        sum = plat_ticks() - t0;
        say("rounds", n);
        say("rtt-us", n ? sum * 1000000 / plat_tick_hz() / n : 0);
        say("irqs", plat_irqs());
        evtchn_bench(1, ctl); /* first: B waits for it */
        copy_bench(data);
    } else {
        say("greeting", has_text(data, "hello-from-A"));
        put_text(data + PEER_ANSWER, "hello-from-B");
        /* A's first notification may have come before the answer: wait for it. */
        st = wait_for(ctl, 0);
        plat_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
        for (n = 0; n < ROUNDS; n++) {
            if (!wait_for(ctl, 0))
                break;
            plat_write(ctl + SHMEM_C_NOTIFY, 4, ~0u);
        }
        say("answered", n);
        evtchn_bench(0, ctl);
    }
    say("timeout", n < ROUNDS);
out:
    plat_puts("QXGUEST end\n");
#ifdef HOLD
    plat_end(1);
#else
    plat_end(0);
#endif
}
