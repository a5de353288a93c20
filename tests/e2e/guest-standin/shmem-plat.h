/* SPDX-License-Identifier: LGPL-2.1-only */
/* What the shared-memory stand-in (shmem-guest.c: the factory protocol and the roles) needs of
 * its platform: shmem-arm.c (aarch64, factory at a fixed address, GICv3 SPI) and shmem-x86.c
 * (HVM, the factory in BAR0 of PCI function 1C05:0001, INTx). */
#ifndef QX_STANDIN_SHMEM_PLAT_H
#define QX_STANDIN_SHMEM_PLAT_H

#include <stdint.h>

/* Device registers: one naturally aligned access of @width (1, 2, 4 or 8) bytes. */
uint64_t plat_read(uint64_t addr, unsigned width);
void plat_write(uint64_t addr, unsigned width, uint64_t v);

void plat_putc(char c);
void plat_puts(const char *s);
void plat_putdec(uint64_t v);
void plat_puthex(uint64_t v);

/* A free-running counter and its frequency. */
uint64_t plat_ticks(void);
uint64_t plat_tick_hz(void);

/* Makes the device's interrupt (the factory's @vector on ARM) wake plat_wait_irq. */
void plat_irq_init(uint32_t vector);
/* Waits for the device's interrupt: 1, or 0 when @secs passed. The caller reads the device's
 * status (which lowers the level-triggered line) before plat_eoi(). */
int plat_wait_irq(unsigned secs);
void plat_eoi(void);
/* The device interrupts the guest took so far (x86: counted in its handler; ARM: 0). */
uint32_t plat_irqs(void);

/* The end: powers off, or (@hold) stays until destroyed. */
__attribute__((noreturn)) void plat_end(int hold);

/* Xen's ABI numbers the stand-ins use (xen/include/public: xen.h, memory.h). */
#define HC_MEMORY_OP          12
#define HC_EVTCHN_OP          32
#define XENMEM_ADD_TO_PHYSMAP 7
#define DOMID_SELF            0x7ff0u

/* Xen, for the benchmark's peer: plat_xen_setup() makes hypercalls possible and maps this
 * guest's shared info page; it returns the page's evtchn_pending bits (0 when that failed).
 * plat_hypercall: a hypercall with two arguments, Xen's result (0 or a negative errno). */
volatile uint8_t *plat_xen_setup(void);
long plat_hypercall(unsigned op, uintptr_t a1, uintptr_t a2);

/* The peer the benchmark compares notifications with (xen-evtchn.c): ROUNDS round trips
 * through a Xen event channel between the same two guests. They tell each other their domain
 * ids and port in the 16 bytes of region data at @at, synchronised by region notifications
 * (@notify, @wait: 0 on a timeout). The creator (A) times its rounds into *ticks; returns the
 * rounds done (0 after a failed step, which it reports as evtchn-fail=STEP ERRNO: under SILO,
 * the default XSM of Xen on Arm, B's port for A is refused with EPERM). */
int evtchn_peer(int creator, uint64_t at, unsigned rounds, void (*notify)(void),
                int (*wait)(void), uint64_t *ticks);

/* shmem-guest.c's entry: the platform calls it with the factory page's address. */
void shmem_main(uint64_t factory);

#endif
