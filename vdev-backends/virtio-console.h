/* SPDX-License-Identifier: LGPL-2.1-only */
/* virtio-console.h: the virtio console device (virtio 1.2 §5.3), port 0 only, and its bounds. */
#ifndef QX_VIRTIO_CONSOLE_H
#define QX_VIRTIO_CONSOLE_H

#define VIRTIO_ID_CONSOLE 3
#define VCON_RXQ          0  /* receiveq: host → guest */
#define VCON_TXQ          1  /* transmitq: guest → host */
#define VCON_CONFIG_LEN   12 /* cols, rows, max_nr_ports, emerg_wr: unused, no feature offered */

/* Bytes copied from the guest per transmit notification; the rest of its chains is consumed
 * unread and counted as dropped (a chain may name gigabytes). */
#define VCON_TX_MAX_BYTES 65536u
/* Host input moved into the guest per wake-up. */
#define VCON_RX_MAX_BYTES 4096u

#endif
