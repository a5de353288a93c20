/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-plat.h on x86 HVM (the x86 rig's shmem case): QEMU's Multiboot loader starts it
 * (x86-start.S: 32-bit protected mode, paging off). The device is qvm's PCI function
 * (vendor 0x1C05, device 0x0001) that qvm-xl-backend serves beside QEMU: its factory page is
 * BAR0 and its region window BAR2, both placed by hvmloader, both reached with plain loads and
 * stores that Xen forwards to the backend. Output goes to COM1 (QEMU's 16550, the qvmconf's
 * hostdev file) and to Xen's debug port 0xe9. The device's interrupt is its INTA, taken at
 * Xen's IO-APIC input for the function's slot by a small IDT of the stand-in's own (below);
 * with -DPOLL_INTX, or where that cannot be set up, it watches the function's Interrupt Status
 * bit (PCI status bit 3, the level the backend gives INTA) instead. Deadlines come from the
 * TSC, whose rate Xen's CPUID leaf reports. */
#include <stdint.h>

#include "tests/e2e/guest-standin/shmem-plat.h"
#include "tests/e2e/guest-standin/x86-io.h"

#define COM1         0x3f8
#define SHMEM_VENDOR 0x1c05u
#define SHMEM_DEVICE 0x0001u
#define PCI_ID       0x00
#define PCI_COMMAND  0x04 /* and status in the upper half */
#define PCI_BAR0     0x10
#define CMD_MEMORY   (1u << 1)
#define STATUS_INTX  (1u << (16 + 3))
#define POLL_GAP_US  20 /* between two looks at the status: each is an ioreq to the backend */

static uint32_t slot = 32;
static uint32_t xen_base; /* Xen's CPUID leaves, 0 until found */

/* 64-bit division for 32-bit code without libgcc (no multilib here): shift and subtract. */
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = 0;

    for (int i = 63; d && i >= 0; i--) {
        r = r << 1 | (n >> i & 1);
        if (r >= d) {
            r -= d;
            q |= 1ull << i;
        }
    }
    if (rem)
        *rem = d ? r : n;
    return q;
}
uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    return __udivmoddi4(n, d, 0);
}
uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;

    __udivmoddi4(n, d, &r);
    return r;
}
static uint64_t tsc_hz = 1000000000ull; /* until Xen says */

static uint32_t cfg_read(uint32_t off)
{
    outl(0xcf8, 0x80000000u | slot << 11 | off);
    return inl(0xcfc);
}

static void cfg_write(uint32_t off, uint32_t v)
{
    outl(0xcf8, 0x80000000u | slot << 11 | off);
    outl(0xcfc, v);
}

uint64_t plat_read(uint64_t addr, unsigned width)
{
    uint32_t a = (uint32_t)addr;

    switch (width) {
    case 1:
        return *(volatile uint8_t *)a;
    case 2:
        return *(volatile uint16_t *)a;
    case 4:
        return *(volatile uint32_t *)a;
    default: /* 32-bit code: two halves, low first */
        return *(volatile uint32_t *)a | (uint64_t) * (volatile uint32_t *)(a + 4) << 32;
    }
}

void plat_write(uint64_t addr, unsigned width, uint64_t v)
{
    uint32_t a = (uint32_t)addr;

    switch (width) {
    case 1:
        *(volatile uint8_t *)a = (uint8_t)v;
        break;
    case 2:
        *(volatile uint16_t *)a = (uint16_t)v;
        break;
    case 4:
        *(volatile uint32_t *)a = (uint32_t)v;
        break;
    default:
        *(volatile uint32_t *)a = (uint32_t)v;
        *(volatile uint32_t *)(a + 4) = (uint32_t)(v >> 32);
    }
}

/* With the FIFO on, THRE is polled once per 16 bytes only: one ioreq less per byte. */
void plat_putc(char c)
{
    static unsigned queued;

    outb(0xe9, (uint8_t)c);
    if (queued++ % 16 == 15)
        for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
            ;
    outb(COM1, (uint8_t)c);
}

void plat_puts(const char *s)
{
    while (*s)
        plat_putc(*s++);
}

void plat_puthex(uint64_t v)
{
    int i = 60;

    plat_puts("0x");
    while (i > 0 && !((v >> i) & 15))
        i -= 4;
    for (; i >= 0; i -= 4)
        plat_putc("0123456789abcdef"[(v >> i) & 15]);
}

void plat_putdec(uint64_t v)
{
    char b[24];
    int n = 0;

    do {
        b[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        plat_putc(b[--n]);
}

uint64_t plat_ticks(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

uint64_t plat_tick_hz(void)
{
    return tsc_hz;
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

/* Xen's CPUID leaves ("XenVMMXenVMM"); its time leaf (base + 3, sub-leaf 0): ECX is the
 * guest's TSC rate in kHz. */
static void tsc_rate(void)
{
    for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
        uint32_t r[4];

        cpuid(base, 0, r);
        if (r[1] == 0x566e6558 && r[2] == 0x65584d4d && r[3] == 0x4d4d566e && r[0] >= base + 3) {
            xen_base = base;
            cpuid(base + 3, 0, r);
            if (r[2])
                tsc_hz = (uint64_t)r[2] * 1000;
            return;
        }
    }
}

static void pause_us(unsigned us)
{
    uint64_t until = plat_ticks() + tsc_hz / 1000000 * us;

    while (plat_ticks() < until)
        __asm__ volatile("pause");
}

/* ---- the interrupt: INTA through Xen's IO-APIC to the local APIC, as an SMP-era guest ----
 *
 * Xen wires PCI INTx of slot D, pin P (0 = INTA) to IO-APIC input ((D*4 + D/8 + P) & 31) + 16
 * (hvm_pci_intx_gsi; hvmloader's DSDT _PRT says the same to an ACPI guest). The stand-in
 * programs that input level-triggered to vector VEC_SHM on its own local APIC, the 8259s
 * masked (LVT0 too): no PIC mode, no virtual wire, as QNX's and Linux's APIC kernels run. The
 * local APIC's timer (VEC_TICK, periodic) only wakes HLT to look at the clock. */
#define LAPIC_BASE   0xfee00000u
#define IOAPIC_BASE  0xfec00000u
#define MSR_APICBASE 0x1b
#define APIC_ID      0x20
#define APIC_TPR     0x80
#define APIC_EOI     0xb0
#define APIC_SVR     0xf0
#define APIC_LVTT    0x320
#define APIC_LVT0    0x350
#define APIC_TMICT   0x380
#define APIC_TDCR    0x3e0
#define VEC_TICK     0x40
#define VEC_SHM      0x50
#define VEC_SPURIOUS 0xff
#define RTE_LEVEL    (1u << 15)
#define RTE_LOW      (1u << 13) /* PCI INTx is active low (ACPI _PRT); Xen's model ignores it */
#define RTE_MASKED   (1u << 16)

/* idle_isr: every other vector, return at once (no EOI: nothing else is unmasked). tick_isr:
 * the timer, EOI. shm_isr: the function's input; masked at the IO-APIC until the guest has read
 * the device's status (the line is level-triggered and stays high until then), counted, EOI.
 * The handlers write the IO-APIC's select register: the main code touches it with interrupts
 * off only. */
__asm__(".text\n"
        ".globl idle_isr\nidle_isr:\n\tiret\n"
        ".globl tick_isr\ntick_isr:\n\tmovl $0, 0xfee000b0\n\tiret\n"
        ".globl shm_isr\nshm_isr:\n\tpush %eax\n\tincl irqs_taken\n"
        "\tmovl rte_select, %eax\n\tmovl %eax, 0xfec00000\n"
        "\tmovl rte_masked, %eax\n\tmovl %eax, 0xfec00010\n"
        "\tmovl $0, 0xfee000b0\n\tpop %eax\n\tiret\n");
void idle_isr(void);
void tick_isr(void);
void shm_isr(void);
volatile uint32_t irqs_taken;
uint32_t rte_select, rte_masked; /* read by shm_isr */
static uint32_t rte_live;         /* 0: no IO-APIC input, polling the PCI status */
static uint32_t irqs_seen;

static volatile uint32_t *lapic(unsigned reg)
{
    return (volatile uint32_t *)(LAPIC_BASE + reg);
}

static uint32_t ioapic_read(uint32_t reg)
{
    *(volatile uint32_t *)IOAPIC_BASE = reg;
    return *(volatile uint32_t *)(IOAPIC_BASE + 0x10);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)IOAPIC_BASE = reg;
    *(volatile uint32_t *)(IOAPIC_BASE + 0x10) = v;
}

struct __attribute__((packed)) idtr {
    uint16_t limit;
    uint32_t base;
};

static uint32_t idt[256][2];

static void gate(unsigned v, void (*isr)(void), uint16_t cs)
{
    idt[v][0] = (uint32_t)cs << 16 | ((uint32_t)isr & 0xffff);
    idt[v][1] = ((uint32_t)isr & 0xffff0000u) | 0x8e00; /* 32-bit interrupt gate */
}

/* Every vector returns at once but the timer's and the device's; both 8259s masked. */
static void idt_setup(void)
{
    uint16_t cs;
    struct idtr r = {sizeof(idt) - 1, (uint32_t)idt};

    __asm__ volatile("cli; mov %%cs, %0" : "=r"(cs));
    for (unsigned i = 0; i < 256; i++)
        gate(i, idle_isr, cs);
    gate(VEC_TICK, tick_isr, cs);
    gate(VEC_SHM, shm_isr, cs);
    __asm__ volatile("lidt %0" : : "m"(r));
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* The local APIC on (at its reset base), LVT0 masked, its timer periodic; 0 if it is elsewhere. */
static int lapic_setup(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_APICBASE));
    if ((lo & 0xfffff000u) != LAPIC_BASE || hi)
        return 0;
    if (!(lo & (1u << 11))) /* globally disabled: enable it */
        __asm__ volatile("wrmsr" : : "c"(MSR_APICBASE), "a"(lo | 1u << 11), "d"(hi));
    *lapic(APIC_SVR) = 0x100 | VEC_SPURIOUS;
    *lapic(APIC_TPR) = 0;
    *lapic(APIC_LVT0) = 1u << 16;
    *lapic(APIC_TDCR) = 0xb;                  /* divide by 1 */
    *lapic(APIC_LVTT) = 1u << 17 | VEC_TICK;  /* periodic */
    *lapic(APIC_TMICT) = 10000000;            /* 10 ms at Xen's 1 GHz APIC bus */
    return 1;
}

/* The device's input at the IO-APIC, from the function's slot and interrupt pin. The factory's
 * vector (the 8259 line hvmloader wrote into the function) is not used: an APIC guest routes
 * by GSI. Falls back to watching the function's Interrupt Status bit (reported) when there is
 * no such input or local APIC. */
void plat_irq_init(uint32_t vector)
{
    uint32_t pin = cfg_read(0x3c) >> 8 & 0xff, gsi;

    (void)vector;
    idt_setup();
    gsi = ((slot << 2) + (slot >> 3) + pin - 1) % 32 + 16;
#ifndef POLL_INTX
    if (pin >= 1 && pin <= 4 && gsi <= (ioapic_read(1) >> 16 & 0xff) && lapic_setup()) {
        uint32_t live = RTE_LEVEL | RTE_LOW | VEC_SHM;

        rte_select = 0x10 + 2 * gsi;
        rte_masked = live | RTE_MASKED;
        ioapic_write(rte_select + 1, (*lapic(APIC_ID) >> 24) << 24); /* physical: this CPU */
        ioapic_write(rte_select, live);
        rte_live = live;
        __asm__ volatile("sti");
        plat_puts("QXGUEST irq-gsi=");
        plat_putdec(gsi);
        plat_puts("\nQXGUEST irq-mode=ioapic\n");
        return;
    }
#endif
    plat_puts("QXGUEST irq-mode=pci-status\n");
}

int plat_wait_irq(unsigned secs)
{
    uint64_t end = plat_ticks() + secs * tsc_hz;

    if (rte_live) {
        for (;;) {
            __asm__ volatile("cli");
            if (irqs_taken != irqs_seen) {
                irqs_seen = irqs_taken;
                __asm__ volatile("sti");
                return 1;
            }
            if (plat_ticks() > end) {
                __asm__ volatile("sti");
                return 0;
            }
            __asm__ volatile("sti; hlt"); /* STI's shadow: no interrupt slips in between */
        }
    }
    while (!(cfg_read(PCI_COMMAND) & STATUS_INTX)) {
        if (plat_ticks() > end)
            return 0;
        pause_us(POLL_GAP_US);
    }
    return 1;
}

/* The status was read: the line is low unless something new came. Unmasking an input whose
 * line is still high delivers it again (Xen's vioapic_write_redirent), so nothing is lost. */
void plat_eoi(void)
{
    if (!rte_live)
        return;
    __asm__ volatile("cli");
    ioapic_write(rte_select, rte_live);
    __asm__ volatile("sti");
}

uint32_t plat_irqs(void)
{
    return irqs_taken;
}

/* Waits for interrupts for ever, none enabled: the device's input masked, the timer stopped,
 * both 8259s masked, then STI and HLT. */
static __attribute__((noreturn)) void idle(void)
{
    __asm__ volatile("cli");
    if (rte_live) {
        ioapic_write(rte_select, rte_masked);
        *lapic(APIC_TMICT) = 0;
    } else {
        idt_setup();
    }
    for (;;)
        __asm__ volatile("sti; hlt");
}

/* Not holding: HLT with interrupts off takes the vCPU down, and Xen powers off a domain
 * whose vCPUs are all down (hvm_hlt, hvm_vcpu_down). */
void plat_end(int hold)
{
    if (hold)
        idle();
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* ---- Xen for the event-channel peer (xen-evtchn.c), through Xen's hypercall page ---- */

#define SHINFO_PENDING 2048 /* evtchn_pending[]: after 32 vcpu_info of 64 bytes, both x86 ABIs */

static uint8_t hpage[4096] __attribute__((aligned(4096)));
static volatile uint8_t shinfo[4096] __attribute__((aligned(4096)));

/* A hypercall with two arguments (32-bit ABI: EBX, ECX), through the page Xen filled. */
long plat_hypercall(unsigned op, uintptr_t a1, uintptr_t a2)
{
    int32_t r;
    void *entry = hpage + op * 32;

    __asm__ volatile("call *%[e]"
                     : "=a"(r), "+b"(a1), "+c"(a2)
                     : [e] "r"(entry)
                     : "memory", "edx", "esi", "edi");
    return r;
}

/* The hypercall page (CPUID base + 2: the MSR that fills it) and the shared info page, mapped
 * over a page of this image (XENMEM_add_to_physmap, XENMAPSPACE_shared_info). */
volatile uint8_t *plat_xen_setup(void)
{
    struct {
        uint16_t domid, size;
        uint32_t space, idx, gpfn; /* the 32-bit layout */
    } map = {DOMID_SELF, 0, 0, 0, (uint32_t)shinfo >> 12};
    uint32_t r[4], addr = (uint32_t)hpage;

    if (!xen_base)
        return 0;
    cpuid(xen_base + 2, 0, r);
    __asm__ volatile("wrmsr" : : "c"(r[1]), "a"(addr), "d"(0));
    if (plat_hypercall(HC_MEMORY_OP, XENMEM_ADD_TO_PHYSMAP, (uintptr_t)&map))
        return 0;
    return shinfo + SHINFO_PENDING;
}

/* The shmem function on bus 0, with memory decoding on; its BAR0 (0 if none or unusable). */
static uint32_t find_factory(void)
{
    for (slot = 0; slot < 32; slot++) {
        uint32_t bar;

        if (cfg_read(PCI_ID) != (SHMEM_DEVICE << 16 | SHMEM_VENDOR))
            continue;
        bar = cfg_read(PCI_BAR0);
        plat_puts("QXGUEST pci-slot=");
        plat_putdec(slot);
        plat_puts("\nQXGUEST bar0=");
        plat_puthex(bar);
        plat_puts("\nQXGUEST bar2=");
        plat_puthex((uint64_t)cfg_read(PCI_BAR0 + 12) << 32 | cfg_read(PCI_BAR0 + 8));
        plat_putc('\n');
        if (bar & 1)
            return 0; /* an I/O BAR: not the factory page */
        cfg_write(PCI_COMMAND, (cfg_read(PCI_COMMAND) & 0xffff) | CMD_MEMORY);
        return bar & ~0xfu;
    }
    return 0;
}

void standin_main(uint32_t magic, const void *mb, uint32_t load);
void standin_main(uint32_t magic, const void *mb, uint32_t load)
{
    uint32_t factory;

    (void)magic;
    (void)mb;
    (void)load;
    tsc_rate();
    factory = find_factory();
    if (!factory) {
        plat_puts("QXGUEST no-device=1\nQXGUEST end\n");
        plat_end(1);
    }
    shmem_main(factory);
}
