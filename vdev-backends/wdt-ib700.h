/* wdt-ib700.h: the IB700 watchdog's ports and timeout table, shared with tests. */
#ifndef QX_WDT_IB700_H
#define QX_WDT_IB700_H

#define IB700_STOP_OFF  0 /* port 0x441: any write stops the watchdog */
#define IB700_START_OFF 2 /* port 0x443: write N starts or kicks it with timeout table[N&15] */

/* Seconds for each value written to the start port (as in Linux's ib700wdt and QEMU). */
#define IB700_TIMEOUTS {30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0}

#endif
