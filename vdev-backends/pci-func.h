/* SPDX-License-Identifier: LGPL-2.1-only */
/* pci-func.h: any device as a PCI function of an x86 HVM guest (config space, BARs, INTA). */
#ifndef QX_PCI_FUNC_H
#define QX_PCI_FUNC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vdev-backends/dispatch.h"

/* Type-0 header registers used here (PCI Local Bus 3.0, 6.1). */
#define PCI_FUNC_VENDOR         0x00
#define PCI_FUNC_DEVICE         0x02
#define PCI_FUNC_COMMAND        0x04
#define PCI_FUNC_STATUS         0x06
#define PCI_FUNC_REVISION       0x08
#define PCI_FUNC_CLASS          0x09 /* 3 bytes: programming interface, subclass, base class */
#define PCI_FUNC_HEADER_TYPE    0x0e
#define PCI_FUNC_BAR0           0x10
#define PCI_FUNC_BAR2           0x18 /* with BAR3: the window, 64-bit prefetchable */
#define PCI_FUNC_SUBSYS_VENDOR  0x2c
#define PCI_FUNC_SUBSYS_DEVICE  0x2e
#define PCI_FUNC_INTERRUPT_LINE 0x3c
#define PCI_FUNC_INTERRUPT_PIN  0x3d
#define PCI_FUNC_CMD_IO         0x0001
#define PCI_FUNC_CMD_MEMORY     0x0002
#define PCI_FUNC_CMD_INTX_OFF   0x0400
#define PCI_FUNC_STATUS_INTX    0x0008
#define PCI_FUNC_BAR_MEM64      0x4
#define PCI_FUNC_BAR_PREFETCH   0x8
#define PCI_FUNC_CFG_SIZE       256u
/* Smallest BAR: a page, so a BAR never shares a page with another device's. */
#define PCI_FUNC_MIN_BAR 4096u
/* x86's widest guest-physical address (52 bits): a BAR beyond it is never claimed. */
#define PCI_FUNC_ADDR_LIMIT (1ULL << 52)

/* Takes pci=BUS:DEV from o (vdev_create, before the location keys). Refuses a device type
 * without vdev_ops.pci, a bus other than 0 (Xen's HVM guests have one root bus, and
 * XEN_DMOP_set_pci_intx_level refuses others), a device above 31, and io=, mem=, isa-irq=,
 * spi= or msi= beside it (a PCI function's location is its BARs, its interrupt INTA).
 * Returns 0 (absent), 1 (dev->pci.present, bus and slot set, MMIO space) or VDEV_ERR_INVAL. */
int pci_func_take(struct vdev *dev, struct vdev_opts *o, FILE *err);

/* After the device's init: builds the header from ops->pci, len (BAR0) and win_len (BAR2+3);
 * base and win_base are 0 and nothing is live until the guest assigns BARs and enables memory
 * decode. Returns 0 or VDEV_ERR_INVAL (a range too large for its BAR). */
int pci_func_attach(struct vdev *dev, FILE *err);

/* The function of bus at segment/bus/device/function sbdf (Xen's (seg << 16) | (bus << 8) |
 * (dev << 3) | fn), or NULL. */
struct vdev *pci_func_find(struct vdev_bus *bus, uint32_t sbdf);

/* One configuration access of size 1, 2 or 4 at register reg (its byte offset included; above
 * 0xff: extended space, reads 0, writes ignored). Bytes beyond reg's DWORD read all ones and
 * are not written. A write may move ranges: every function of bus is re-evaluated, ranges are
 * claimed and released through dev->host->remap, and INTA is re-sent when INTx-disable
 * changes. */
void pci_func_config(struct vdev_bus *bus, struct vdev *dev, uint32_t reg, unsigned size,
                     bool is_read, uint64_t *val);

/* The level INTA shows for a device line at @level: 0 while the guest disables INTx. */
int pci_func_intx_level(const struct vdev *dev, int level);

/* Refuses two functions at one bus:device. Returns 0 or VDEV_ERR_INVAL (with a message). */
int pci_func_check_bus(const struct vdev_bus *bus, FILE *err);

#endif
