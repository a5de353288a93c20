/* SPDX-License-Identifier: LGPL-2.1-only */
/* A stand-in for a QNX aarch64 guest image (docs/guest-images.md §5): linked at a fixed
 * address, it reads the device tree at x0 and prints on the SBSA UART the DT names
 *   QXSTANDIN load=0x.. entry=0x.. dtb=0x.. mem=BASE+SIZE cmdline=TEXT
 * then "QXSTANDIN end"; start.S powers off with PSCI SYSTEM_OFF. MMU off: every access is
 * to Device memory, so the code is built with -mstrict-align and reads bytes. */
#include "tests/e2e/guest-standin/bare.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

extern char __image_start[], _start[];

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static int starts(const char *s, const char *prefix)
{
    while (*prefix && *s == *prefix)
        s++, prefix++;
    return !*prefix;
}

/* Whether the string list @p (@len bytes) holds @want. */
static int has_string(const char *p, uint32_t len, const char *want)
{
    for (uint32_t i = 0; i < len;) {
        if (streq(p + i, want))
            return 1;
        while (i < len && p[i])
            i++;
        i++;
    }
    return 0;
}

struct found {
    uint64_t mem_base, mem_size, uart;
    const char *bootargs;
};

/* Walks the structure block: /memory@* reg, /chosen/bootargs, the arm,sbsa-uart's reg (with
 * #address-cells = #size-cells = 2, as Xen writes the guest DT). */
static void walk(const uint8_t *fdt, struct found *f)
{
    const uint8_t *p = fdt + be32(fdt + 8);
    const char *strings = (const char *)fdt + be32(fdt + 12);
    const char *name[8] = {0};
    uint64_t reg = 0;
    int depth = 0, is_uart = 0;

    for (;;) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *n = (const char *)p;
            size_t l = 0;
            while (n[l])
                l++;
            if (depth < 8)
                name[depth] = n;
            depth++;
            reg = 0, is_uart = 0;
            p += (l + 4) & ~(size_t)3;
        } else if (tok == FDT_END_NODE) {
            if (is_uart && reg)
                f->uart = reg;
            depth--;
            is_uart = 0;
        } else if (tok == FDT_PROP) {
            uint32_t len = be32(p);
            const char *pn = strings + be32(p + 4);
            const uint8_t *v = p + 8;
            const char *node = depth >= 2 && depth <= 8 ? name[depth - 1] : "";

            if (streq(pn, "reg") && len >= 16) {
                reg = be64(v);
                if (depth == 2 && starts(node, "memory") && !f->mem_size)
                    f->mem_base = be64(v), f->mem_size = be64(v + 8);
            } else if (streq(pn, "compatible")) {
                /* Xen's vpl011, or a PL011 (QEMU's virt board, for a run without Xen) */
                is_uart = has_string((const char *)v, len, "arm,sbsa-uart") ||
                          has_string((const char *)v, len, "arm,pl011");
            } else if (streq(pn, "bootargs") && depth == 2 && streq(node, "chosen")) {
                f->bootargs = (const char *)v;
            }
            p += 8 + ((len + 3) & ~(uint32_t)3);
        } else if (tok != FDT_NOP) {
            break; /* FDT_END or garbage */
        }
    }
}

void standin_main(const uint8_t *dtb, uint64_t pc)
{
    struct found f = {0};
    uint64_t load = pc - (uint64_t)(_start - __image_start);

    if (dtb && be32(dtb) == FDT_MAGIC) {
        walk(dtb, &f);
        if (f.uart)
            bare_uart = (volatile uint8_t *)f.uart;
    }
    bare_puts("QXSTANDIN load=");
    bare_puthex(load);
    bare_puts(" entry=");
    bare_puthex(pc);
    bare_puts(" dtb=");
    bare_puthex((uint64_t)dtb);
    bare_puts(" mem=");
    bare_puthex(f.mem_base);
    bare_putc('+');
    bare_puthex(f.mem_size);
    bare_puts(" uart=");
    bare_puthex((uint64_t)bare_uart);
    bare_puts(" cmdline=");
    bare_puts(f.bootargs ? f.bootargs : "");
    bare_puts("\r\nQXSTANDIN end\r\n");
}
