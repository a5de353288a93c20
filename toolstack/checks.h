/* The check names qvm-xl adds to the language's (conf/check.h): those of the
 * translation (xlate-*) and of the toolstack, for -W/-E, --list-checks and
 * "did you mean". tests/cli/run.sh keeps this table equal to the names the
 * sources emit. */
#ifndef QX_CHECKS_H
#define QX_CHECKS_H

#include <stdbool.h>
#include <stdio.h>

/* X("name", SEVERITY, "what it finds"): SEVERITY is the usual one (NOTE,
 * WARNING or ERROR; some translation checks are errors in one case and
 * warnings in another, as their help says). */
#define QX_TOOL_CHECKS(X)                                                                          \
    X("arch-assumed", NOTE, "no item tells the architecture: the translation's was assumed")       \
    X("load-unreadable", ERROR, "a load item's file is missing, unreadable or not a regular file") \
    X("xlate-kernel-format", ERROR,                                                                \
      "the kernel file is not one Xen's loader takes for the target")                              \
    X("xlate-arch", ERROR, "the configuration's architecture is not the target's")                 \
    X("xlate-guest-type", ERROR, "the target cannot run the guest type (PVH/HVM) needed")          \
    X("xlate-cpu-pcpu", ERROR, "a runmask or cluster names a pCPU the target does not have")       \
    X("xlate-cpu-shared-pcpu", WARNING, "two vCPUs are pinned to one and the same pCPU only")      \
    X("xlate-cpu-pool", WARNING, "vCPUs ask for different cpupools; a domain runs in one")         \
    X("xlate-device-moved", WARNING, "a device is at Xen's address, not the one given")            \
    X("xlate-device-changed", WARNING,                                                             \
      "a virtio device is given as a Xen PV one: the guest needs Xen's drivers, and new names")    \
    X("xlate-console-redirected", WARNING, "a UART's output goes to Xen's console or a pty")       \
    X("xlate-pass-permission", WARNING, "an HVM pass intr grants the permission only")             \
    X("xlate-option-dropped", WARNING, "a vdev option Xen's device has no counterpart for")        \
    X("xlate-ram-relocated", WARNING, "ARM RAM is placed by Xen, not at the address given")        \
    X("xlate-ram-split", WARNING, "ARM RAM larger than 3 GiB is split over Xen's two banks")       \
    X("xlate-ram-address", ERROR, "RAM lies outside what Xen's guest layout can hold")             \
    X("xlate-ram-none", ERROR, "no ram: a Xen guest needs memory")                                 \
    X("xlate-rom", ERROR, "rom: Xen has no read-only guest memory")                                \
    X("xlate-load", ERROR, "a load cannot be expressed for Xen's domain builder")                  \
    X("xlate-load-kernel", WARNING, "no load item is a kernel image")                              \
    X("xlate-pass-align", ERROR, "pass mem is not made of whole 4 KiB pages")                      \
    X("xlate-pass-io", ERROR, "an I/O port pass-through Xen cannot give")                          \
    X("xlate-pass-pci", ERROR, "a PCI pass-through Xen cannot give")                               \
    X("xlate-pass-intr", ERROR, "an interrupt pass-through Xen cannot give as asked")              \
    X("xlate-pass-blob", ERROR, "a blob pass has no Xen equivalent")                               \
    X("xlate-reserve", WARNING, "a reserve overlaps what Xen places in every ARM guest")           \
    X("xlate-vdev-unsupported", WARNING, "a vdev Xen has no device for (an error when needed)")    \
    X("xlate-vdev-hostdev", ERROR, "a hostdev qvm-xl-backend or Xen cannot use")                   \
    X("xlate-vdev-disk", ERROR, "more disks than Xen's disk numbers allow")                        \
    X("xlate-vdev-mac", ERROR, "a malformed MAC address")                                          \
    X("xlate-vdev-action", WARNING, "a watchdog action Xen does not have (destroy instead)")       \
    X("xlate-backend", ERROR, "an emulated vdev needs ioreq servers the target lacks")             \
    X("xlate-gic", ERROR, "a GIC version the target cannot give guests")                           \
    X("xlate-fdt", ERROR, "the guest device tree could not be built")                              \
    X("xlate-set", WARNING, "a set variable that is not translated")                               \
    X("xlate-safety", WARNING, "safety: no Xen component is safety-certified (error if required)") \
    X("xlate-debug", WARNING, "debug is not translated (no guest debug stub)")                     \
    X("xlate-nomem", ERROR, "memory ran out during the translation")

/* Whether @name is a check of the language or of qvm-xl. */
bool qx_check_known(const char *name);
/* "did you mean" over every check name, or NULL. */
const char *qx_check_suggest(const char *name);
/* One line per check: name, severity, help ("(parser)" or "(translation)"
 * after those that are no validator function). */
void qx_checks_print(FILE *out);

#endif
