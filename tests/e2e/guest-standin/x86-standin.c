/* SPDX-License-Identifier: LGPL-2.1-only */
/* The x86 stand-in guest (docs/guest-images.md §5): started by QEMU's Multiboot loader on an
 * HVM guest, it reports on COM1 what a QNX x86 startup looks for — the Multiboot information
 * (command line, memory map), the ACPI tables hvmloader built (CPUs and IOAPIC in the MADT,
 * the HPET table, COM1's IRQ in the DSDT), the RTC — then powers off through the FADT's PM1a
 * control register with \_S5's sleep type. Every byte on QEMU's 16550 is an ioreq round trip
 * to dom0 (slow under nested TCG), so the report is short. */
#include <stdint.h>

#define COM1 0x3f8
#define MB_BOOT_MAGIC 0x2badb002u

struct mbi { /* Multiboot 1 information, the fields used here */
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4], mmap_length, mmap_addr;
};

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static uint32_t rd32(uint32_t a) { return *(volatile uint32_t *)a; }
static uint16_t rd16(uint32_t a) { return *(volatile uint16_t *)a; }
static uint8_t rd8(uint32_t a) { return *(volatile uint8_t *)a; }

/* With the FIFO on, THRE is polled once per 16 bytes only: one ioreq less per byte. Every
 * byte also goes to Xen's HVM debug port 0xe9 (handled in Xen, no ioreq; xl dmesg shows the
 * lines as "(dN) ..."), so a report that does not reach COM1 can still be read. */
static void putc_(char c)
{
    static unsigned queued;

    outb(0xe9, (uint8_t)c);
    if (queued++ % 16 == 15)
        for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
            ;
    outb(COM1, (uint8_t)c);
}
static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}
static void putx(uint32_t v)
{
    int i = 28;

    puts_("0x");
    while (i > 0 && !(v >> i))
        i -= 4;
    for (; i >= 0; i -= 4)
        putc_("0123456789abcdef"[(v >> i) & 15]);
}
static void putu(uint32_t v)
{
    char b[11];
    int i = 10;

    b[i] = 0;
    do
        b[--i] = (char)('0' + v % 10);
    while (v /= 10);
    puts_(b + i);
}

static int sum_ok(uint32_t a, uint32_t len)
{
    uint8_t s = 0;

    while (len--)
        s += rd8(a++);
    return s == 0;
}
static int sig_is(uint32_t a, const char *sig, int n)
{
    for (int i = 0; i < n; i++)
        if (rd8(a + i) != (uint8_t)sig[i])
            return 0;
    return 1;
}

/* The RSDP: in the EBDA's first KiB, else on a 16-byte boundary in 0xE0000-0xFFFFF. */
static uint32_t find_rsdp(void)
{
    uint32_t ebda = (uint32_t)rd16(0x40e) << 4;

    for (uint32_t a = ebda; ebda && a < ebda + 1024; a += 16)
        if (sig_is(a, "RSD PTR ", 8) && sum_ok(a, 20))
            return a;
    for (uint32_t a = 0xe0000; a < 0x100000; a += 16)
        if (sig_is(a, "RSD PTR ", 8) && sum_ok(a, 20))
            return a;
    return 0;
}

/* The table with signature @sig listed in the RSDT (32-bit entries), or 0. */
static uint32_t find_table(uint32_t rsdp, const char *sig)
{
    uint32_t rsdt = rsdp ? rd32(rsdp + 16) : 0;

    if (!rsdt)
        return 0;
    for (uint32_t e = rsdt + 36; e + 4 <= rsdt + rd32(rsdt + 4); e += 4)
        if (sig_is(rd32(e), sig, 4))
            return rd32(e);
    return 0;
}

/* MADT: enabled local APICs, the first IOAPIC, and where ISA IRQ 0 goes. */
static void report_madt(uint32_t madt)
{
    uint32_t cpus = 0, ioapic = 0, irq0 = 0;

    for (uint32_t e = madt + 44; madt && e + 2 <= madt + rd32(madt + 4) && rd8(e + 1); e += rd8(e + 1)) {
        if (rd8(e) == 0 && (rd32(e + 4) & 1))
            cpus++;
        else if (rd8(e) == 1 && !ioapic)
            ioapic = rd32(e + 4);
        else if (rd8(e) == 2 && rd8(e + 3) == 0)
            irq0 = rd32(e + 4);
    }
    puts_("QXGUEST cpus=");
    putu(cpus);
    puts_("\nQXGUEST ioapic=");
    putx(ioapic);
    puts_(" irq0-gsi=");
    putu(irq0);
    putc_('\n');
}

/* The HPET table's base address, and the vendor in the timer block's capabilities. */
static void report_hpet(uint32_t hpet)
{
    uint32_t base = hpet ? rd32(hpet + 44) : 0;

    puts_("QXGUEST hpet=");
    putx(base);
    if (base) {
        puts_(" vendor=");
        putx(rd32(base) >> 16);
    }
    putc_('\n');
}

/* The IRQ the DSDT gives the serial port at @port: its _CRS has an I/O descriptor
 * (0x47, decode, min, max, align, len) followed by an IRQ descriptor (0x22/0x23, mask). */
static int dsdt_irq(uint32_t dsdt, uint16_t port)
{
    uint32_t end = dsdt ? dsdt + rd32(dsdt + 4) : 0;

    for (uint32_t a = dsdt + 36; dsdt && a + 16 < end; a++) {
        if (rd8(a) != 0x47 || rd16(a + 2) != port || rd16(a + 4) != port)
            continue;
        if ((rd8(a + 8) & 0xfe) == 0x22)
            for (int i = 0; i < 16; i++)
                if (rd16(a + 9) == 1u << i)
                    return i;
    }
    return -1;
}

/* \_S5's SLP_TYPa: "_S5_", PackageOp 0x12, PkgLength, NumElements, then the first element
 * (BytePrefix 0x0A + byte, or Zero/One). */
static uint16_t s5_type(uint32_t dsdt)
{
    uint32_t end = dsdt ? dsdt + rd32(dsdt + 4) : 0;

    for (uint32_t a = dsdt + 36; dsdt && a + 10 < end; a++) {
        if (!sig_is(a, "_S5_", 4) || rd8(a + 4) != 0x12)
            continue;
        a += 5 + 1 + (rd8(a + 5) >> 6) + 1; /* PkgLength's extra bytes, NumElements */
        return rd8(a) == 0x0a ? rd8(a + 1) : rd8(a) == 1;
    }
    return 0;
}

static void report_cmdline(const struct mbi *mb)
{
    puts_("QXGUEST cmdline=");
    if (mb->flags & (1u << 2))
        puts_((const char *)mb->cmdline);
    putc_('\n');
}

/* RAM: the memory map's type-1 ranges below 4 GiB (the loader's copy of the BIOS E820). */
static void report_mem(const struct mbi *mb)
{
    uint32_t kb = 0;

    if (mb->flags & (1u << 6))
        for (uint32_t e = mb->mmap_addr; e < mb->mmap_addr + mb->mmap_length; e += rd32(e) + 4)
            if (rd32(e + 20) == 1 && rd32(e + 8) == 0 && rd32(e + 16) == 0)
                kb += rd32(e + 12) >> 10;
    puts_("QXGUEST memkb=");
    putu(kb);
    puts_(" mem_upper=");
    putu(mb->flags & 1 ? mb->mem_upper : 0);
    putc_('\n');
}

/* The mc146818: status register D's "valid RAM and time" bit. */
static int rtc_valid(void)
{
    outb(0x70, 0x0d);
    return inb(0x71) >> 7;
}

/* PCI bus 0 through configuration mechanism 1 (ports 0xcf8/0xcfc): "QXGUEST pci SLOT=ID ..."
 * with each present function 0's vendor and device ID (0xDDDDVVVV), what QEMU put there. */
static void report_pci(void)
{
    puts_("QXGUEST pci");
    for (uint32_t d = 0; d < 32; d++) {
        uint32_t id;

        outl(0xcf8, 0x80000000u | d << 11);
        id = inl(0xcfc);
        if ((id & 0xffff) == 0xffff)
            continue;
        putc_(' ');
        putu(d);
        putc_('=');
        putx(id);
    }
    putc_('\n');
}

void standin_main(uint32_t magic, const struct mbi *mb, uint32_t load);
void standin_main(uint32_t magic, const struct mbi *mb, uint32_t load)
{
    extern char _start[];
    uint32_t rsdp, fadt, dsdt;
    uint16_t port = rd16(0x400); /* COM1 as the BIOS found it (BIOS data area) */

    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0x07); /* FIFO on and cleared */
    puts_("QXGUEST load=");
    putx(load);
    puts_(" entry=");
    putx((uint32_t)_start);
    puts_(" magic=");
    putx(magic);
    putc_('\n');
    if (magic != MB_BOOT_MAGIC)
        mb = &(struct mbi){0};
    report_cmdline(mb);
    report_mem(mb);
    rsdp = find_rsdp();
    report_madt(find_table(rsdp, "APIC"));
    report_hpet(find_table(rsdp, "HPET"));
    fadt = find_table(rsdp, "FACP");
    dsdt = fadt ? rd32(fadt + 40) : 0;
    puts_("QXGUEST rtc=");
    puts_(rtc_valid() ? "valid" : "invalid");
    puts_("\nQXGUEST serial port=");
    putx(port);
    puts_(" irq=");
    putu((uint32_t)dsdt_irq(dsdt, port));
    putc_('\n');
    report_pci();
    puts_("QXGUEST end\n");
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x40); i++) /* TEMT: all sent */
        ;
    if (fadt && rd32(fadt + 64))
        outw((uint16_t)rd32(fadt + 64), (uint16_t)(s5_type(dsdt) << 10 | 1u << 13));
}
