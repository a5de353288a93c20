/* SPDX-License-Identifier: LGPL-2.1-only */
/* The stand-in guest's entry: as a QNX startup, it keeps x0 (the device tree Xen passes),
 * sets its own stack, zeroes its bss and calls standin_main(dtb, where it runs). */
    .section .text.start, "ax"
    .global _start
_start:
    mov     x19, x0
    adr     x20, _start
    ldr     x1, =__stack_top
    mov     sp, x1
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    strb    wzr, [x1], #1
    b       1b
2:  mov     x0, x19
    mov     x1, x20
    bl      standin_main
    /* PSCI SYSTEM_OFF through Xen (the DT's psci node says method "hvc"). */
    ldr     w0, =0x84000008
    hvc     #0
3:  wfi
    b       3b
