/* SPDX-License-Identifier: LGPL-2.1-only */
/* wdt-sp805.h: ARM SP805 watchdog register offsets, shared by the model and its tests. */
#ifndef QX_WDT_SP805_H
#define QX_WDT_SP805_H

#define SP805_LOAD    0x000
#define SP805_VALUE   0x004
#define SP805_CONTROL 0x008
#define SP805_INTCLR  0x00c
#define SP805_RIS     0x010
#define SP805_MIS     0x014
#define SP805_LOCK    0xc00
#define SP805_ITCR    0xf00
#define SP805_ITOP    0xf04
#define SP805_ID_BASE 0xfe0 /* PeriphID0-3 then PCellID0-3, one byte per word */

#define SP805_CTRL_INTEN 0x1
#define SP805_CTRL_RESEN 0x2
#define SP805_UNLOCK_KEY 0x1acce551u

#define SP805_IDS                                                                                  \
    {                                                                                              \
        0x05, 0x18, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1                                             \
    }

#define SP805_DEFAULT_HZ 25000000u

/* Shortest countdown the model runs, whatever LOAD and frequency say. On the real part a
 * LOAD of 1 (the TRM's minimum valid value; the model treats 0 as 1) at the 25 MHz reference
 * clock expires every 40 ns; emulated, each expiry is a wake-up of the dom0 backend, so a guest
 * could keep a dom0 CPU busy with one register write. 1 ms is 25000 ticks at 25 MHz, three
 * orders of magnitude below the shortest timeout Linux's sp805_wdt offers (1 s), and of the
 * order of the delay Xen's scheduling and an ioreq round trip add to any emulated timer
 * anyway; it caps the device at 1000 expiries (backend wake-ups) per second. */
#define SP805_MIN_PERIOD_NS 1000000ull

#endif
