/* SPDX-License-Identifier: LGPL-2.1-only */
/* bare.h: what the bare-metal aarch64 stand-in guests share: output on the SBSA UART (Xen's
 * vpl011) and the few library functions GCC may call in freestanding code. MMU off: every
 * access is to Device memory, so callers keep accesses aligned (-mstrict-align). */
#ifndef QX_STANDIN_BARE_H
#define QX_STANDIN_BARE_H

#include <stddef.h>
#include <stdint.h>

#ifndef BARE_UART_DEFAULT
#define BARE_UART_DEFAULT 0x22000000u /* Xen's vpl011 (GUEST_PL011_BASE) */
#endif

extern volatile uint8_t *bare_uart;

void bare_putc(char c);
void bare_puts(const char *s);
void bare_puthex(uint64_t v); /* 0x..., no leading zeros */
void bare_putdec(uint64_t v);

/* The generic timer's counter and its frequency (readable at EL1). */
uint64_t bare_ticks(void);
uint64_t bare_tick_hz(void);

/* Device registers: one naturally aligned access of @width (1, 2, 4 or 8) bytes, by a single
 * ldr/str without writeback that Xen can decode and forward to an ioreq server. A write
 * waits for earlier memory writes first (dsb: rings before the doorbell). */
void bare_mmio_write(uint64_t addr, unsigned width, uint64_t v);
uint64_t bare_mmio_read(uint64_t addr, unsigned width);
void bare_mb(void); /* earlier memory accesses complete before later ones */

/* Any exception from now on calls fn (which must not return); until then none is caught. */
void bare_catch(void (*fn)(uint64_t esr, uint64_t far, uint64_t elr));
/* PSCI SYSTEM_OFF; bare_halt: wait for interrupts (with none enabled: until destroyed). */
__attribute__((noreturn)) void bare_poweroff(void);
__attribute__((noreturn)) void bare_halt(void);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
