/* SPDX-License-Identifier: LGPL-2.1-only */
/* pl011.h: ARM PL011 UART register offsets and bits, shared by the model and its tests. */
#ifndef QX_PL011_H
#define QX_PL011_H

#define PL011_DR    0x000
#define PL011_RSR   0x004 /* read: RSR, write: ECR */
#define PL011_FR    0x018
#define PL011_ILPR  0x020
#define PL011_IBRD  0x024
#define PL011_FBRD  0x028
#define PL011_LCR_H 0x02c
#define PL011_CR    0x030
#define PL011_IFLS  0x034
#define PL011_IMSC  0x038
#define PL011_RIS   0x03c
#define PL011_MIS   0x040
#define PL011_ICR   0x044
#define PL011_DMACR 0x048
#define PL011_ID_BASE 0xfe0

#define PL011_FR_CTS  0x001
#define PL011_FR_BUSY 0x008
#define PL011_FR_RXFE 0x010
#define PL011_FR_TXFF 0x020
#define PL011_FR_RXFF 0x040
#define PL011_FR_TXFE 0x080

#define PL011_LCRH_FEN 0x10
#define PL011_CR_UARTEN 0x001
#define PL011_CR_LBE  0x080
#define PL011_CR_TXE  0x100
#define PL011_CR_RXE  0x200

#define PL011_INT_RX 0x010
#define PL011_INT_TX 0x020
#define PL011_INT_RT 0x040
#define PL011_INT_OE 0x400
#define PL011_INT_ALL 0x7ff

#define PL011_DR_OE  0x800
#define PL011_RSR_OE 0x8

#define PL011_FIFO_SIZE 16
#define PL011_IDS {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1}

#endif
