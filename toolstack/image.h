/* SPDX-License-Identifier: LGPL-2.1-only */
/* Kernel image formats (ELF, Linux Image/zImage/bzImage, QNX IFS, Multiboot, raw): what a
 * file is, for the translation's table of how each is started (XLATE_IMAGE_FORMATS in
 * xlate/plan.h), and the wrappers qvm-xl writes for the ones Xen's or QEMU's loader does
 * not take (docs/guest-images.md §1.5, §4). */
#ifndef QX_IMAGE_H
#define QX_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "xlate/plan.h"

/* Bytes of a file's head qx_image_probe looks at (IFS and Multiboot headers lie within). */
#define QX_IMAGE_PROBE_LEN 0x10000

/* QNX startup header (sys/startup.h) and what the probe checks of it. */
#define QX_IFS_SIGNATURE   UINT32_C(0x00ff7eeb)
#define QX_IFS_HEADER_SIZE 256
/* Xen's arm64 guest RAM base (GUEST_RAM0_BASE) and the wrapper's header page. */
#define QX_ARM_RAM0      UINT64_C(0x40000000)
#define QX_WRAP_HDR_SIZE UINT64_C(0x1000)

/* Classifies the @len first bytes of a file of @file_size bytes into @im. */
void qx_image_probe(const unsigned char *buf, size_t len, uint64_t file_size,
                    struct xlate_image *im);

/* qx_image_probe on the file at @path. Returns 0, or -1 with errno set (not readable). */
int qx_image_probe_file(const char *path, struct xlate_image *im);

/* The file to give Xen as kernel= for @w: a 4 KiB header page at w->hdr_addr — by w->kind
 * an arm64 Image header whose code branches to w->entry (x0-x3 untouched), or a Multiboot 1
 * header whose address fields load the whole file at w->hdr_addr and enter at w->entry —
 * then the image from w->addr: the @len bytes of @file as they are, or, for an ELF, its
 * PT_LOAD segments at their physical addresses (bss zeroed). Returns 0 with a malloc'd
 * buffer, or -1 (ENOMEM, or EINVAL when the ELF does not match @im or a Multiboot wrapper
 * would not lie below 4 GiB). */
int qx_image_wrap(const unsigned char *file, size_t len, const struct xlate_image *im,
                  const struct xlate_wrap *w, unsigned char **out_r, size_t *out_len_r);

/* qx_image_wrap of the file at @path. Returns 0, or -1 with errno set. */
int qx_image_wrap_file(const char *path, const struct xlate_image *im, const struct xlate_wrap *w,
                       unsigned char **out_r, size_t *out_len_r);

#endif
