/* SPDX-License-Identifier: LGPL-2.1-only */
/* The x86 stand-in guest (docs/guest-images.md §5): started by QEMU's Multiboot loader on an
 * HVM guest, it reports on COM1 what a QNX x86 startup looks for — the Multiboot information
 * (command line, memory map), the ACPI tables hvmloader built (CPUs and IOAPIC in the MADT,
 * the HPET table, COM1's IRQ in the DSDT), the RTC — then powers off through the FADT's PM1a
 * control register with \_S5's sleep type. Before that it drives the virtio devices QEMU gives
 * a qvmconf's vdev virtio-* (legacy virtio-pci, polled): reads and writes the disk, writes a
 * line on the console and answers dom0's line on a second one, exchanges ARP and pings with
 * dom0 on the NIC. Every byte on QEMU's 16550 is an ioreq round trip to dom0 (slow under
 * nested TCG), so the report is short. */
#include <stdint.h>

#include "tests/e2e/guest-standin/x86-io.h"

#define COM1          0x3f8
#define MB_BOOT_MAGIC 0x2badb002u

struct mbi { /* Multiboot 1 information, the fields used here */
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4], mmap_length, mmap_addr;
};

static uint32_t rd32(uint32_t a)
{
    return *(volatile uint32_t *)a;
}
static uint16_t rd16(uint32_t a)
{
    return *(volatile uint16_t *)a;
}
static uint8_t rd8(uint32_t a)
{
    return *(volatile uint8_t *)a;
}

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
static void putx2(uint8_t v)
{
    putc_("0123456789abcdef"[v >> 4]);
    putc_("0123456789abcdef"[v & 15]);
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

    for (uint32_t e = madt + 44; madt && e + 2 <= madt + rd32(madt + 4) && rd8(e + 1);
         e += rd8(e + 1)) {
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

/* A minimal legacy (transitional) virtio-pci driver, polled (virtio 1.2 §4.1.4.8, the
 * registers in the function's I/O BAR 0; with MSI-X off the device config is at 0x14). No
 * feature is negotiated; each queue gets a 3-page area of this image's .bss (identity-mapped
 * guest RAM), whose page number the device is given; requests use descriptors 0.. and are
 * waited for one at a time. */
#define VIRTIO_VENDOR      0x1af4
#define VIRTIO_NET         0x1000
#define VIRTIO_BLK         0x1001
#define VIRTIO_CONSOLE     0x1003
#define VIO_GUEST_FEATURES 0x04
#define VIO_QUEUE_PFN      0x08
#define VIO_QUEUE_NUM      0x0c
#define VIO_QUEUE_SEL      0x0e
#define VIO_QUEUE_NOTIFY   0x10
#define VIO_STATUS         0x12 /* ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4 */
#define VIO_CONFIG         0x14
#define VQ_MAX             1024   /* QEMU's queue-size limit for the legacy layout */
#define VQ_BYTES           0x7000 /* 1024: descriptors 16 KiB, avail ring 2 KiB, used ring 8 KiB */
#define VQ_POLLS           50000000u /* memory reads; QEMU completes in its own process, ms away */
#define VQ_NODEV           (-1)
#define VQ_QSIZE           (-2)
#define VQ_TIMEOUT         (-3)

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next; /* flags: NEXT 1, WRITE (device writes) 2 */
};
struct vq {
    uint16_t io, sel, num, used_seen;
    struct vring_desc *desc;
    volatile uint16_t *avail, *used; /* flags, idx, ring */
};
struct vbuf {
    const void *p;
    uint32_t len;
    uint16_t dev_writes;
};

static uint8_t vq_mem[6][VQ_BYTES] __attribute__((aligned(4096)));

static uint32_t pci_cfg_read(uint32_t slot, uint32_t off)
{
    outl(0xcf8, 0x80000000u | slot << 11 | off);
    return inl(0xcfc);
}
static void pci_cfg_write(uint32_t slot, uint32_t off, uint32_t v)
{
    outl(0xcf8, 0x80000000u | slot << 11 | off);
    outl(0xcfc, v);
}

/* The I/O base of the @nth (from 0) virtio function @dev on bus 0, reset and acknowledged,
 * with I/O decoding and bus mastering on (hvmloader assigns the BARs); VQ_NODEV if none. */
static int virtio_start_nth(uint16_t dev, unsigned nth)
{
    for (uint32_t d = 0; d < 32; d++) {
        uint32_t bar = pci_cfg_read(d, 0x10);
        uint16_t io = (uint16_t)(bar & ~3u);

        if (pci_cfg_read(d, 0) != (VIRTIO_VENDOR | (uint32_t)dev << 16) || !(bar & 1) || nth--)
            continue;
        pci_cfg_write(d, 0x04, (pci_cfg_read(d, 0x04) & 0xffff) | 5); /* status bits: 0 */
        outb(io + VIO_STATUS, 0);
        outb(io + VIO_STATUS, 1 | 2);
        outl(io + VIO_GUEST_FEATURES, 0);
        return io;
    }
    return VQ_NODEV;
}

static int virtio_start(uint16_t dev)
{
    return virtio_start_nth(dev, 0);
}

/* Queue @sel of the device at @io in @mem: the legacy layout, the used ring 4 KiB-aligned. */
static int vq_setup(struct vq *q, int io, uint16_t sel, uint8_t *mem)
{
    if (io < 0)
        return io;
    outw((uint16_t)io + VIO_QUEUE_SEL, sel);
    *q = (struct vq){.io = (uint16_t)io, .sel = sel, .num = inw((uint16_t)io + VIO_QUEUE_NUM)};
    if (!q->num || q->num > VQ_MAX) {
        puts_("QXGUEST vq-qsize io=");
        putx((uint32_t)io);
        puts_(" sel=");
        putu(sel);
        puts_(" num=");
        putu(q->num);
        putc_('\n');
        return VQ_QSIZE;
    }
    q->desc = (struct vring_desc *)mem;
    q->avail = (volatile uint16_t *)(mem + 16 * q->num);
    q->used = (volatile uint16_t *)(mem + ((18u * q->num + 6 + 4095) & ~4095u));
    outl((uint16_t)io + VIO_QUEUE_PFN, (uint32_t)mem >> 12);
    return 0;
}

/* Chains @b[0..n) in descriptors 0.., makes it available and notifies. */
static void vq_post(struct vq *q, const struct vbuf *b, int n)
{
    uint16_t idx = q->avail[1];

    for (int i = 0; i < n; i++)
        q->desc[i] =
            (struct vring_desc){(uint32_t)b[i].p, b[i].len,
                                (uint16_t)((i + 1 < n) | b[i].dev_writes << 1), (uint16_t)(i + 1)};
    q->avail[2 + idx % q->num] = 0;
    __asm__ volatile("" : : : "memory"); /* x86 keeps stores in order; the compiler too, now */
    q->avail[1] = idx + 1;
    __asm__ volatile("" : : : "memory");
    outw(q->io + VIO_QUEUE_NOTIFY, q->sel);
}

/* Polls the used ring for the next used chain, @polls reads at most; its length in *@len. */
static int vq_wait(struct vq *q, uint32_t polls, uint32_t *len)
{
    for (uint32_t i = 0; i < polls; i++)
        if (q->used[1] != q->used_seen) {
            if (len) /* used ring entry: u32 id, u32 len, after flags and idx */
                *len = *(volatile uint32_t *)((volatile uint8_t *)q->used + 8 +
                                              8 * (q->used_seen % q->num));
            q->used_seen++;
            return 0;
        }
    return VQ_TIMEOUT;
}

static int vq_submit_and_wait(struct vq *q, const struct vbuf *b, int n)
{
    vq_post(q, b, n);
    return vq_wait(q, VQ_POLLS, 0);
}

/* A value, or what went wrong. */
static void put_result(int r)
{
    if (r >= 0)
        putu((uint32_t)r);
    else
        puts_(r == VQ_NODEV ? "nodev" : r == VQ_QSIZE ? "qsize" : "timeout");
}

/* One virtio-blk request: @type 0 reads sector @sector into @data, 1 writes it; the
 * request's status byte (0: done), or an error. */
static int vblk_rw(struct vq *q, uint32_t type, uint32_t sector, uint8_t *data)
{
    static struct {
        uint32_t type, reserved;
        uint64_t sector;
    } hdr;
    static uint8_t status;
    struct vbuf b[3] = {{&hdr, sizeof hdr, 0}, {data, 512, type == 0}, {&status, 1, 1}};
    int r;

    hdr.type = type;
    hdr.sector = sector;
    status = 0xff;
    r = vq_submit_and_wait(q, b, 3);
    return r < 0 ? r : status;
}

/* "QXGUEST vblk capacity=SECTORS status=S head=TEXT write=S": reads sector 0 (TEXT: its
 * first 16 bytes, '.' for what is not printable), then writes a marker into sector 8. */
static void report_vblk(void)
{
    static uint8_t data[512];
    static const char mark[] = "QXVBLK-written-by-x86-guest";
    struct vq q;
    int io = virtio_start(VIRTIO_BLK), r = vq_setup(&q, io, 0, vq_mem[0]);

    puts_("QXGUEST vblk");
    if (r < 0) {
        puts_(" error=");
        put_result(r);
        putc_('\n');
        return;
    }
    outb((uint16_t)io + VIO_STATUS, 1 | 2 | 4);
    puts_(" capacity=");
    putu(inl((uint16_t)io + VIO_CONFIG)); /* the low half of the u64 */
    puts_(" status=");
    put_result(vblk_rw(&q, 0, 0, data));
    puts_(" head=");
    for (int i = 0; i < 16; i++)
        putc_(data[i] > ' ' && data[i] < 0x7f ? (char)data[i] : '.');
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = i < sizeof mark - 1 ? (uint8_t)mark[i] : 0;
    puts_(" write=");
    put_result(vblk_rw(&q, 1, 8, data));
    putc_('\n');
}

/* "QXGUEST vcon tx=0": a line on the virtio-console. Without MULTIPORT, virtio-serial's
 * queue 0 is port 0's receiveq and queue 1 its transmitq; port 0 is the virtconsole. */
static void report_vcon(void)
{
    static const char msg[] = "QXVCON hello-from-x86-guest\n";
    struct vbuf b = {msg, sizeof msg - 1, 0};
    struct vq q;
    int io = virtio_start(VIRTIO_CONSOLE), r = vq_setup(&q, io, 1, vq_mem[1]);

    if (r == 0) {
        outb((uint16_t)io + VIO_STATUS, 1 | 2 | 4);
        r = vq_submit_and_wait(&q, &b, 1);
    }
    puts_("QXGUEST vcon tx=");
    put_result(r);
    putc_('\n');
}

/* ---- virtio-net, both ways: ARP and ping with dom0 on the bridge ----
 * The guest is GUEST_IP, dom0's bridge DOM0_IP (the case gives xenbr0 that address). Frames go
 * behind the legacy 10-byte virtio_net_hdr (all zero: no offloads; without MRG_RXBUF it has no
 * num_buffers) on the transmitq (queue 1); one receive buffer at a time on the receiveq
 * (queue 0). MAC: the device's config. */
#define GUEST_IP   0x0a003c02u /* 10.0.60.2 */
#define DOM0_IP    0x0a003c01u /* 10.0.60.1 */
#define NET_HDR    10
#define PINGS      64
#define PING_BYTES 1400
#define RX_POLLS   400000000u
#define RX_FRAMES  64 /* frames looked at while waiting for one answer (others: IPv6, ...) */

static uint8_t mac[6], dom0_mac[6];
static uint8_t rx_buf[NET_HDR + 1514], tx_buf[NET_HDR + 1514];
static const struct vbuf rx_vbuf = {rx_buf, sizeof rx_buf, 1};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v);
}
static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The Internet checksum of @n bytes (RFC 1071). */
static uint16_t inet_sum(const uint8_t *p, uint32_t n)
{
    uint32_t sum = 0;

    for (uint32_t i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The Ethernet header at @f: to @dst from us, @type. */
static uint8_t *eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    for (int i = 0; i < 6; i++)
        f[i] = dst[i], f[6 + i] = mac[i];
    put16(f + 12, type);
    return f + 14;
}

static int net_send(struct vq *tq, uint32_t frame_len)
{
    static uint8_t hdr[NET_HDR];
    struct vbuf b[2] = {{hdr, NET_HDR, 0}, {tx_buf + NET_HDR, frame_len, 0}};

    return vq_submit_and_wait(tq, b, 2);
}

/* The next received frame (past the virtio_net_hdr) and its length; NULL on a timeout. The
 * receive buffer (report_vnet posts it first) goes back to the device at once: the frame is a
 * copy, valid until the next call. */
static const uint8_t *net_recv(struct vq *rq, uint32_t *len)
{
    static uint8_t frame[1514];
    uint32_t n;

    if (vq_wait(rq, RX_POLLS, &n) < 0 || n < NET_HDR + 14)
        return 0;
    n -= NET_HDR;
    for (uint32_t i = 0; i < n && i < sizeof frame; i++)
        frame[i] = rx_buf[NET_HDR + i];
    vq_post(rq, &rx_vbuf, 1);
    *len = n;
    return frame;
}

/* ARP: who has DOM0_IP, tell GUEST_IP; dom0's answer gives dom0_mac. 0, or an error. */
static int net_arp(struct vq *rq, struct vq *tq)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t *a = eth(tx_buf + NET_HDR, bcast, 0x0806);
    int r;

    put16(a, 1), put16(a + 2, 0x0800), a[4] = 6, a[5] = 4, put16(a + 6, 1); /* request */
    for (int i = 0; i < 6; i++)
        a[8 + i] = mac[i], a[18 + i] = 0;
    put32(a + 14, GUEST_IP), put32(a + 24, DOM0_IP);
    if ((r = net_send(tq, 60)) < 0)
        return r;
    for (int k = 0; k < RX_FRAMES; k++) {
        uint32_t n;
        const uint8_t *f = net_recv(rq, &n);

        if (!f)
            return VQ_TIMEOUT;
        if (n >= 42 && get16(f + 12) == 0x0806 && get16(f + 20) == 2 &&
            get32(f + 28) == DOM0_IP) {
            for (int i = 0; i < 6; i++)
                dom0_mac[i] = f[22 + i];
            return 0;
        }
    }
    return VQ_TIMEOUT;
}

/* One ICMP echo to dom0 with PING_BYTES of payload that depend on @seq; 1 when the reply came
 * back with the same payload, 0 if not, or an error. */
static int net_ping(struct vq *rq, struct vq *tq, uint16_t seq)
{
    uint8_t *ip = eth(tx_buf + NET_HDR, dom0_mac, 0x0800), *icmp = ip + 20;
    int r;

    for (int i = 0; i < 20; i++)
        ip[i] = 0;
    ip[0] = 0x45, put16(ip + 2, 20 + 8 + PING_BYTES), put16(ip + 4, seq), put16(ip + 6, 0x4000);
    ip[8] = 64, ip[9] = 1, put32(ip + 12, GUEST_IP), put32(ip + 16, DOM0_IP);
    put16(ip + 10, inet_sum(ip, 20));
    icmp[0] = 8, icmp[1] = 0, put16(icmp + 2, 0), put16(icmp + 4, 0x5158), put16(icmp + 6, seq);
    for (int i = 0; i < PING_BYTES; i++)
        icmp[8 + i] = (uint8_t)(seq * 7 + i);
    put16(icmp + 2, inet_sum(icmp, 8 + PING_BYTES));
    if ((r = net_send(tq, 14 + 20 + 8 + PING_BYTES)) < 0)
        return r;
    for (int k = 0; k < RX_FRAMES; k++) {
        uint32_t n;
        const uint8_t *f = net_recv(rq, &n), *e;

        if (!f)
            return VQ_TIMEOUT;
        e = f + 34;
        if (n < 42 + PING_BYTES || get16(f + 12) != 0x0800 || f[23] != 1 ||
            get32(f + 26) != DOM0_IP || e[0] != 0 || get16(e + 6) != seq)
            continue;
        for (int i = 0; i < PING_BYTES; i++)
            if (e[8 + i] != (uint8_t)(seq * 7 + i))
                return 0;
        return inet_sum(e, 8 + PING_BYTES) == 0;
    }
    return VQ_TIMEOUT;
}

static void put_mac(const uint8_t *m)
{
    for (int i = 0; i < 6; i++) {
        putx2(m[i]);
        if (i < 5)
            putc_(':');
    }
}

/* "QXGUEST vnet mac=MAC arp=DOM0-MAC pings=N bytes=B": the MAC from the device's config, one
 * ARP exchange with dom0, then PINGS echoes of PING_BYTES each (B: bytes that came back
 * intact). */
static void report_vnet(void)
{
    struct vq rq, tq;
    int io = virtio_start(VIRTIO_NET), r = vq_setup(&rq, io, 0, vq_mem[3]), ok = 0;

    if (r == 0)
        r = vq_setup(&tq, io, 1, vq_mem[2]);
    puts_("QXGUEST vnet");
    if (r == 0) {
        for (int i = 0; i < 6; i++)
            mac[i] = inb((uint16_t)(io + VIO_CONFIG + i));
        puts_(" mac=");
        put_mac(mac);
        outb((uint16_t)io + VIO_STATUS, 1 | 2 | 4);
        vq_post(&rq, &rx_vbuf, 1);
        r = net_arp(&rq, &tq);
    }
    puts_(" arp=");
    if (r < 0) {
        put_result(r);
    } else {
        put_mac(dom0_mac);
        for (uint16_t seq = 1; seq <= PINGS; seq++)
            if (net_ping(&rq, &tq, seq) == 1)
                ok++;
        puts_(" pings=");
        putu((uint32_t)ok);
        puts_(" bytes=");
        putu((uint32_t)ok * PING_BYTES);
    }
    putc_('\n');
}

/* "QXGUEST vcon2 got=TEXT tx=0": the second virtio-console, if any (a pty in dom0): one line
 * from dom0 on port 0's receiveq (queue 0; dom0 may write it before the guest looks: QEMU
 * leaves it in the pty until there is a buffer), then "QXVCON echo=TEXT" back on the
 * transmitq (queue 1). TEXT: the line's printable bytes. */
static void report_vcon_in(void)
{
#define ECHO "QXVCON echo="
    static uint8_t in[80];
    static char out[sizeof ECHO + sizeof in] = ECHO; /* the prefix, the text, '\n' */
    struct vq rq, tq;
    struct vbuf b = {in, sizeof in - 1, 1};
    uint32_t n = 0, k = sizeof ECHO - 1;
    int io = virtio_start_nth(VIRTIO_CONSOLE, 1), r = vq_setup(&rq, io, 0, vq_mem[4]);

    if (io == VQ_NODEV)
        return;
    if (r == 0)
        r = vq_setup(&tq, io, 1, vq_mem[5]);
    if (r == 0) {
        outb((uint16_t)io + VIO_STATUS, 1 | 2 | 4);
        vq_post(&rq, &b, 1);
        r = vq_wait(&rq, RX_POLLS, &n);
    }
    puts_("QXGUEST vcon2 got=");
    if (r < 0) {
        put_result(r);
        putc_('\n');
        return;
    }
    for (uint32_t i = 0; i < n && i < sizeof in - 1; i++)
        if (in[i] > ' ' && in[i] < 0x7f)
            putc_(out[k++] = (char)in[i]);
    out[k++] = '\n';
    b = (struct vbuf){out, k, 0};
    puts_(" tx=");
    put_result(vq_submit_and_wait(&tq, &b, 1));
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
    report_vblk();
    report_vcon();
    report_vnet();
    report_vcon_in();
    puts_("QXGUEST end\n");
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x40); i++) /* TEMT: all sent */
        ;
    if (fadt && rd32(fadt + 64))
        outw((uint16_t)rd32(fadt + 64), (uint16_t)(s5_type(dsdt) << 10 | 1u << 13));
}
