/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-plat.h on aarch64 (the ARM rig's io-60 case): the factory page at FACTORY (the case's
 * loc), output on Xen's vpl011, the device's interrupt a GICv3 SPI (the factory's vector)
 * taken in WFI and acknowledged at the CPU interface (ICC_IAR1_EL1), so notifications arrive
 * as real GIC interrupts and the guest never polls the device; deadlines from the virtual
 * timer (PPI 27). */
#include "tests/e2e/guest-standin/bare.h"
#include "tests/e2e/guest-standin/shmem-plat.h"

#ifndef FACTORY
#define FACTORY 0x1c0e0000ull
#endif

#define GICD       0x03001000ull /* GUEST_GICV3_GICD_BASE */
#define GICR_SGI   0x03030000ull /* GUEST_GICV3_GICR0_BASE + 64 KiB: vCPU 0's SGI/PPI frame */
#define VTIMER_PPI 27
#define IAR_NONE   1023

static uint32_t vector;

uint64_t plat_read(uint64_t addr, unsigned width)
{
    return bare_mmio_read(addr, width);
}

void plat_write(uint64_t addr, unsigned width, uint64_t v)
{
    bare_mmio_write(addr, width, v);
}

void plat_putc(char c)
{
    bare_putc(c);
}

void plat_puts(const char *s)
{
    bare_puts(s);
}

void plat_putdec(uint64_t v)
{
    bare_putdec(v);
}

void plat_puthex(uint64_t v)
{
    bare_puthex(v);
}

uint64_t plat_ticks(void)
{
    return bare_ticks();
}

uint64_t plat_tick_hz(void)
{
    return bare_tick_hz();
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

void plat_irq_init(uint32_t v)
{
    vector = v;
    bare_mmio_write(GICD, 4, (1u << 4) | (1u << 1));         /* ARE_NS, EnableGrp1A */
    __asm__ volatile("msr s3_0_c4_c6_0, %0" ::"r"(0xffull)); /* ICC_PMR_EL1 */
    __asm__ volatile("msr s3_0_c12_c12_7, %0" ::"r"(1ull));  /* ICC_IGRPEN1_EL1 */
    __asm__ volatile("isb");
    irq_enable(VTIMER_PPI);
    irq_enable(vector);
}

/* WFI with IRQs masked: the pending interrupt wakes the vCPU all the same. */
int plat_wait_irq(unsigned secs)
{
    uint64_t iar;

    __asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(
                         bare_ticks() + secs * bare_tick_hz()),
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

void plat_eoi(void)
{
    __asm__ volatile("msr s3_0_c12_c12_1, %0; isb" ::"r"((uint64_t)vector));
}

uint32_t plat_irqs(void)
{
    return 0; /* each wait_irq acknowledges one at the GIC; not counted */
}

void plat_end(int hold)
{
    if (hold)
        bare_halt();
    bare_poweroff();
}

/* ---- Xen for the event-channel peer (xen-evtchn.c) ---- */

/* evtchn_pending[] in the shared info page: after XEN_LEGACY_MAX_VCPUS (1 on Arm) vcpu_info of
 * 48 bytes (arch_vcpu_info is empty on Arm). */
#define SHINFO_PENDING 48

static volatile uint8_t shinfo[4096] __attribute__((aligned(4096)));

/* Arm's hypercall: HVC #0xEA1, the number in x16, arguments from x0, the result in x0; Xen
 * may clobber the argument registers (a debug build does). */
long plat_hypercall(unsigned op, uintptr_t a1, uintptr_t a2)
{
    register uint64_t x0 __asm__("x0") = a1;
    register uint64_t x1 __asm__("x1") = a2;
    register uint64_t x16 __asm__("x16") = op;

    __asm__ volatile("hvc #0xea1"
                     : "+r"(x0), "+r"(x1), "+r"(x16)
                     :
                     : "x2", "x3", "x4", "memory");
    return (long)x0;
}

/* The shared info page over a page of this image (XENMEM_add_to_physmap,
 * XENMAPSPACE_shared_info). The MMU is off, so the guest reads it as Device memory while Xen
 * writes it cacheable: fine under TCG, which models no caches; a guest on hardware maps it
 * Normal cacheable first. */
volatile uint8_t *plat_xen_setup(void)
{
    struct {
        uint16_t domid, size;
        uint32_t space;
        uint64_t idx, gpfn; /* xen_ulong_t and xen_pfn_t are 64-bit on Arm */
    } map = {DOMID_SELF, 0, 0, 0, (uintptr_t)shinfo >> 12};

    if (plat_hypercall(HC_MEMORY_OP, XENMEM_ADD_TO_PHYSMAP, (uintptr_t)&map))
        return 0;
    return shinfo + SHINFO_PENDING;
}

void standin_main(uint64_t dtb, uint64_t where);
void standin_main(uint64_t dtb, uint64_t where)
{
    (void)dtb;
    (void)where;
    shmem_main(FACTORY);
}
