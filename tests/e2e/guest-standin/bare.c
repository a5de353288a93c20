/* SPDX-License-Identifier: LGPL-2.1-only */
/* bare.c: UART output and library helpers of the stand-in guests (bare.h). */
#include "tests/e2e/guest-standin/bare.h"

#define UARTDR      0x00
#define UARTFR      0x18
#define UARTFR_TXFF (1u << 5)

volatile uint8_t *bare_uart = (volatile uint8_t *)BARE_UART_DEFAULT;

void bare_putc(char c)
{
    while (*(volatile uint32_t *)(bare_uart + UARTFR) & UARTFR_TXFF)
        ;
    *(volatile uint32_t *)(bare_uart + UARTDR) = (uint8_t)c;
}

void bare_puts(const char *s)
{
    while (*s)
        bare_putc(*s++);
}

void bare_puthex(uint64_t v)
{
    int shift = 60;

    bare_puts("0x");
    while (shift > 0 && !(v >> shift))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        bare_putc("0123456789abcdef"[(v >> shift) & 15]);
}

void bare_putdec(uint64_t v)
{
    char buf[21];
    int i = sizeof(buf) - 1;

    buf[i] = '\0';
    do
        buf[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    bare_puts(buf + i);
}

uint64_t bare_ticks(void)
{
    uint64_t v;

    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

uint64_t bare_tick_hz(void)
{
    uint64_t v;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

void bare_mmio_write(uint64_t addr, unsigned width, uint64_t v)
{
    volatile void *a = (volatile void *)addr;

    bare_mb();
    switch (width) {
    case 1:
        __asm__ volatile("strb %w0, [%1]" ::"r"((uint32_t)v), "r"(a) : "memory");
        break;
    case 2:
        __asm__ volatile("strh %w0, [%1]" ::"r"((uint32_t)v), "r"(a) : "memory");
        break;
    case 8:
        __asm__ volatile("str %0, [%1]" ::"r"(v), "r"(a) : "memory");
        break;
    default:
        __asm__ volatile("str %w0, [%1]" ::"r"((uint32_t)v), "r"(a) : "memory");
        break;
    }
}

uint64_t bare_mmio_read(uint64_t addr, unsigned width)
{
    volatile void *a = (volatile void *)addr;
    uint64_t v;

    switch (width) {
    case 1:
        __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
        break;
    case 2:
        __asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
        break;
    case 8:
        __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
        break;
    default:
        __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
        v = (uint32_t)v;
        break;
    }
    return v;
}

void bare_mb(void)
{
    __asm__ volatile("dsb sy" ::: "memory");
}

#ifdef BARE_VECTORS
/* The vector table: every entry passes ESR, FAR and ELR to bare_trap_fn. Only in the guests
 * that ask for it (-DBARE_VECTORS): its 2 KiB alignment would move the stand-ins' code, whose
 * entry addresses e2e case v3-40 checks. */
void (*bare_trap_fn)(uint64_t esr, uint64_t far, uint64_t elr);
__asm__(".section .text.vectors, \"ax\"\n"
        ".balign 2048\n"
        "bare_vectors:\n"
        ".rept 16\n"
        "    mrs x0, esr_el1\n"
        "    mrs x1, far_el1\n"
        "    mrs x2, elr_el1\n"
        "    adrp x3, bare_trap_fn\n"
        "    ldr x3, [x3, :lo12:bare_trap_fn]\n"
        "    blr x3\n"
        "    .balign 128\n"
        ".endr\n"
        ".text\n");

void bare_catch(void (*fn)(uint64_t esr, uint64_t far, uint64_t elr))
{
    extern char bare_vectors[];

    bare_trap_fn = fn;
    __asm__ volatile("msr vbar_el1, %0; isb" ::"r"(bare_vectors) : "memory");
}
#endif

void bare_poweroff(void)
{
    register uint64_t x0 __asm__("x0") = 0x84000008; /* PSCI SYSTEM_OFF (method "hvc") */

    __asm__ volatile("hvc #0" : "+r"(x0)::"memory");
    bare_halt();
}

void bare_halt(void)
{
    for (;;)
        __asm__ volatile("wfi");
}

/* GCC may emit calls to these for struct copies and zeroing; its loop-to-call rewriting is
 * off here, or they would call themselves. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;

    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memcpy(void *d, const void *s,
                                                                           size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;

    while (n--)
        *p++ = *q++;
    return d;
}
