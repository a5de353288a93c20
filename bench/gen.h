/* SPDX-License-Identifier: LGPL-2.1-only */
/* Synthetic inputs for the parse benchmark: a realistic qvmconf of N lines
 * and an xl.cfg of about the same size, both as malloc'd NUL-terminated text. */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>

/* An x86 guest of about `lines` lines: header (system, ram, load, quoted
 * cmdline, ioapic), then blocks mixing comments, vCPUs (the first 64
 * blocks), vdevs with options (serial ports in the first 16 blocks, then
 * virtio-fs; virtio-blk/net/console with quoted hostdev; shmem) and
 * pass-through, with unique locations throughout: a clean input.
 * Returns NULL when out of memory; *len_r and *lines_r give the size. */
char *bench_gen_qvmconf(size_t lines, size_t *len_r, size_t *lines_r);

/* An xl.cfg of at least `bytes` bytes: scalar keys, then long disk, vif,
 * pci, iomem and irqs lists with comments between entries, the way xl.cfg
 * holds many devices. */
char *bench_gen_xlcfg(size_t bytes, size_t *len_r, size_t *lines_r);

/* The list keys bench_gen_xlcfg writes and the scalar keys with their type
 * ('s' string, 'l' long), for a reader that visits every value. */
extern const char *const bench_xl_lists[];
extern const char *const bench_xl_scalars[][2];

#endif
