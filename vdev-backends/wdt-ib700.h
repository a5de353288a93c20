/* SPDX-License-Identifier: LGPL-2.1-only */
/* wdt-ib700.h: the IB700 watchdog's ports and timeout table, shared with tests. */
#ifndef QX_WDT_IB700_H
#define QX_WDT_IB700_H

#define IB700_STOP_OFF  0 /* port 0x441: any write stops the watchdog */
#define IB700_START_OFF 2 /* port 0x443: write N starts or kicks it with timeout table[N&15] */

/* Seconds for each value written to the start port (as in Linux's ib700wdt and QEMU). */
#define IB700_TIMEOUTS                                                                             \
    {                                                                                              \
        30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0                                  \
    }

/* The table's 0 (value 15) means "at once"; the model fires 1 ms after the write instead, the
 * same floor as the SP805 (wdt-sp805.h). The expiry stops the watchdog, so the rate of
 * expiries is already bounded by the guest's own writes; the floor also bounds it by time
 * (at most 1000 per second) and keeps a 0 s timeout from ever being due at the very instant
 * it is armed. */
#define IB700_MIN_TIMEOUT_NS 1000000ull

#endif
