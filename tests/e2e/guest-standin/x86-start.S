/* SPDX-License-Identifier: LGPL-2.1-only */
/* The x86 stand-in's head: a Multiboot 1 header with the address fields (flags bit 16, the
 * "a.out kludge"), which is what lets a loader place a raw binary (QNX's
 * [virtual=x86_64,multiboot] images are such files, docs/guest-images.md §1.3), then with
 * -DIFS a QNX startup header at offset 0x100 (preboot_size 0x100), then the 32-bit entry.
 * With -DRAW no header at all: the entry is the first byte, as qvm starts a raw binary, and
 * qvm-xl wraps it behind a Multiboot 1 header of its own.
 * Entry state (Multiboot 1): 32-bit protected mode, paging off, eax = 0x2BADB002,
 * ebx = the Multiboot information. */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003 /* page-aligned modules, memory info, address fields */
    .section .text.head, "ax"
    .code32
    .global _image_start
_image_start:
#ifndef RAW
mb_header:
    .long   MB_MAGIC
    .long   MB_FLAGS
    .long   -(MB_MAGIC + MB_FLAGS)
    .long   mb_header   /* header_addr */
    .long   _image_start /* load_addr */
    .long   _load_end   /* load_end_addr */
    .long   _bss_end    /* bss_end_addr */
    .long   _start      /* entry_addr */
#endif
#ifdef IFS
    /* struct startup_header (sys/startup.h, docs/guest-images.md §1.2), little-endian. */
    .org    0x100
    .long   0x00ff7eeb  /* signature */
    .short  1           /* version */
    .byte   1, 0        /* flags1: VIRTUAL; flags2 */
    .short  256         /* header_size */
    .short  62          /* machine: EM_X86_64, as QNX's x86_64 startup */
    .long   _start      /* startup_vaddr */
    .long   0           /* paddr_bias */
    .long   _image_start + 0x100 /* image_paddr: this header */
    .long   _image_start + 0x100 /* ram_paddr */
    .long   _ram_size   /* ram_size */
    .long   _ram_size   /* startup_size */
    .long   _load_size  /* stored_size */
    .long   0, 0        /* imagefs_paddr, imagefs_size */
    .short  0x100       /* preboot_size */
    .org    0x200
#endif
    .global _start
_start:
    cli
    mov     $'Q', %dl       /* a first sign of life on Xen's debug port (in xl dmesg) */
    xchg    %eax, %edx
    outb    %al, $0xe9
    xchg    %eax, %edx
    mov     $_stack_top, %esp
    cld
    mov     %eax, %esi
    mov     $_bss_start, %edi /* the loader zeroes to bss_end_addr; do not rely on it */
    mov     $_bss_end, %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb
    call    1f              /* where this code really runs */
1:  pop     %ecx
    sub     $(1b - _image_start), %ecx
    push    %ecx            /* load address */
    push    %ebx            /* Multiboot information */
    push    %esi            /* eax at entry */
    call    standin_main    /* powers off; returns only if that failed */
2:  hlt
    jmp     2b
