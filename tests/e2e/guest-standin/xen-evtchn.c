/* SPDX-License-Identifier: LGPL-2.1-only */
/* xen-evtchn.c: the shared-memory benchmark's peer (evtchn_peer, shmem-plat.h), the same for
 * both stand-ins: ROUNDS round trips through a Xen interdomain event channel between the two
 * guests of the region. The platform gives the hypercall and the shared info page
 * (plat_hypercall, plat_xen_setup); the event channel structures are the same on x86 and Arm
 * (domid_t is 16 bits, evtchn_port_t 32, no pointers inside). No upcall is set up: a guest
 * reads and clears its port's pending bit in the shared info page. */
#include <stdint.h>

#include "tests/e2e/guest-standin/shmem-plat.h"

#define EVT_BIND_INTER 0
#define EVT_CLOSE      3
#define EVT_SEND       4
#define EVT_STATUS     5
#define EVT_ALLOC      6
#define PEER_WAIT_SECS 30

/* The exchange's words carry this in their upper half once written: a notification only says
 * "look again" (one may be left over from the round trips), the word says what is there.
 * REFUSED in B's domid word: B could not make its port (Xen's XSM said no); A stops. */
#define PEER_MAGIC   0x51580000u
#define PEER_REFUSED 0xffffu

static volatile uint8_t *pending; /* the shared info page's evtchn_pending bits */

static long evtchn(unsigned cmd, void *arg)
{
    return plat_hypercall(HC_EVTCHN_OP, cmd, (uintptr_t)arg);
}

/* This domain's id: the remote end Xen records for an unbound port offered to ourselves. */
static int32_t own_domid(void)
{
    struct {
        uint16_t dom, remote;
        uint32_t port;
    } a = {DOMID_SELF, DOMID_SELF, 0};
    struct {
        uint16_t dom, pad;
        uint32_t port, status, vcpu;
        uint16_t u_dom, u_pad;
        uint32_t u_port;
    } st = {DOMID_SELF, 0, 0, 0, 0, 0, 0, 0};
    uint32_t port;

    if (evtchn(EVT_ALLOC, &a))
        return -1;
    st.port = port = a.port;
    if (evtchn(EVT_STATUS, &st))
        return -1;
    evtchn(EVT_CLOSE, &port);
    return st.u_dom;
}

static void evtchn_clear(uint32_t port)
{
    __atomic_fetch_and(&pending[port / 8], (uint8_t) ~(1u << (port % 8)), __ATOMIC_SEQ_CST);
}

/* Waits until @port is pending, then clears it; 0 after PEER_WAIT_SECS. */
static int evtchn_wait(uint32_t port)
{
    uint64_t end = plat_ticks() + PEER_WAIT_SECS * plat_tick_hz();

    while (!(pending[port / 8] & (1u << (port % 8)))) {
        if (plat_ticks() > end)
            return 0;
    }
    evtchn_clear(port);
    return 1;
}

/* A step of the peer's set-up that failed, with Xen's answer (an errno, e.g. 1 for EPERM):
 * the case shows it. */
static int peer_fail(const char *step, long rc)
{
    plat_puts("QXGUEST evtchn-fail=");
    plat_puts(step);
    plat_putc(' ');
    plat_putdec((uint64_t)-rc);
    plat_putc('\n');
    return 0;
}

/* Waits, notification by notification, until the word at @at is written; its low half. */
static int32_t peer_word(uint64_t at, int (*wait)(void))
{
    uint32_t w;

    while (((w = (uint32_t)plat_read(at, 4)) & 0xffff0000u) != PEER_MAGIC)
        if (!wait())
            return -1;
    return (int32_t)(w & 0xffff);
}

/* The exchange at @at: A's domid, B's domid (or PEER_REFUSED), B's port. */
static int creator_side(int32_t me, uint64_t at, unsigned rounds, void (*notify)(void),
                        int (*wait)(void), uint64_t *ticks)
{
    struct {
        uint16_t remote, pad;
        uint32_t remote_port, local_port;
    } b = {0, 0, 0, 0};
    int32_t remote, remote_port;
    uint32_t port, n;
    uint64_t t0;
    long rc;

    plat_write(at, 4, PEER_MAGIC | (uint32_t)me);
    notify();
    if ((remote = peer_word(at + 4, wait)) < 0)
        return peer_fail("wait-for-b", 0);
    if (remote == PEER_REFUSED)
        return peer_fail("b-refused", 0);
    if ((remote_port = peer_word(at + 8, wait)) < 0)
        return peer_fail("wait-for-b", 0);
    b.remote = (uint16_t)remote;
    b.remote_port = (uint32_t)remote_port;
    if ((rc = evtchn(EVT_BIND_INTER, &b)))
        return peer_fail("bind", rc);
    port = b.local_port;
    plat_puts("QXGUEST evtchn-ports=");
    plat_putdec((uint32_t)me);
    plat_putc(':');
    plat_putdec(port);
    plat_putc(',');
    plat_putdec(b.remote);
    plat_putc(':');
    plat_putdec(b.remote_port);
    plat_putc('\n');
    /* Xen marks a newly bound port pending (lost notifications of the unbound one). */
    evtchn_clear(port);
    t0 = plat_ticks();
    for (n = 0; n < rounds; n++) {
        evtchn(EVT_SEND, &port);
        if (!evtchn_wait(port))
            break;
    }
    *ticks = plat_ticks() - t0;
    return (int)n;
}

static int other_side(int32_t me, uint64_t at, unsigned rounds, void (*notify)(void),
                      int (*wait)(void))
{
    struct {
        uint16_t dom, remote;
        uint32_t port;
    } a = {DOMID_SELF, 0, 0};
    int32_t remote = peer_word(at, wait);
    uint32_t port, n;
    long rc;

    if (remote < 0)
        return peer_fail("wait-for-a", 0);
    a.remote = (uint16_t)remote;
    if ((rc = evtchn(EVT_ALLOC, &a))) {
        plat_write(at + 4, 4, PEER_MAGIC | PEER_REFUSED);
        notify();
        return peer_fail("alloc", rc);
    }
    port = a.port;
    plat_write(at + 8, 4, PEER_MAGIC | port); /* ports are small: 2-level ABI, < 4096 */
    plat_write(at + 4, 4, PEER_MAGIC | (uint32_t)me);
    notify();
    for (n = 0; n < rounds; n++) {
        if (!evtchn_wait(port))
            break;
        evtchn(EVT_SEND, &port);
    }
    return (int)n;
}

int evtchn_peer(int creator, uint64_t at, unsigned rounds, void (*notify)(void),
                int (*wait)(void), uint64_t *ticks)
{
    int32_t me;

    const char *step = 0;

    if (!(pending = plat_xen_setup()))
        step = "setup";
    else if ((me = own_domid()) < 0)
        step = "own-domid";
    if (step) {
        if (!creator) { /* A stops waiting for B's port */
            plat_write(at + 4, 4, PEER_MAGIC | PEER_REFUSED);
            notify();
        }
        return peer_fail(step, 0);
    }
    return creator ? creator_side(me, at, rounds, notify, wait, ticks)
                   : other_side(me, at, rounds, notify, wait);
}
