/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target for kernel images (toolstack/image.c): any bytes are classified without
 * reading past them, and an image the translation would wrap is wrapped the way
 * xlate/map-mem.c plans it: on ARM into an arm64 Image whose header Xen's loader takes, on
 * x86 HVM behind a Multiboot 1 header QEMU's loader takes; the body is the file (or, for an
 * ELF, its segments at their addresses). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness keeps a wrapped image small; toolstack/image.c allows up to 3 GiB. */
#define MAX_WRAP     (UINT64_C(16) << 20)
#define DEFAULT_ADDR UINT64_C(0x80000000)

static void fail(const char *why, const struct xlate_image *im)
{
    fprintf(stderr, "fuzz-image: %s (format %s, detail '%s')\n", why,
            xlate_image_format_name(im->format), im->detail);
    abort();
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* As plan_wrap: the address, the header page below it and the entry inside the image. */
static int plan(const struct xlate_image *im, struct xlate_wrap *w)
{
    uint64_t a = im->has_addr ? im->addr : DEFAULT_ADDR;
    uint64_t entry = im->has_entry ? im->entry : a;

    if (!im->size || im->size > MAX_WRAP || !im->is64 || im->arch == QC_ARCH_X86 ||
        a < QX_ARM_RAM0 + QX_WRAP_HDR_SIZE || a + im->size > UINT64_C(0xffffffff) || entry < a ||
        entry >= a + im->size)
        return -1;
    *w = (struct xlate_wrap){.needed = true,
                             .addr = a,
                             .entry = entry,
                             .hdr_addr = (a & ~(QX_WRAP_HDR_SIZE - 1)) - QX_WRAP_HDR_SIZE};
    return 0;
}

/* x86 HVM, as plan_wrap for QEMU: the header page right below a 4 KiB aligned address
 * above 1 MiB (0x200000 without one), everything below 4 GiB. */
static int plan_x86(const struct xlate_image *im, struct xlate_wrap *w)
{
    uint64_t a = im->has_addr ? im->addr : UINT64_C(0x200000);
    uint64_t entry = im->has_entry ? im->entry : a;
    uint64_t span = im->mem_size > im->size ? im->mem_size : im->size;

    if (!im->size || im->size > MAX_WRAP || span > MAX_WRAP || a < UINT64_C(0x101000) ||
        (a & 0xfff) || a + span > UINT32_MAX || entry < a || entry >= a + im->size)
        return -1;
    *w = (struct xlate_wrap){.needed = true,
                             .kind = XLATE_WRAP_MULTIBOOT1,
                             .addr = a,
                             .entry = entry,
                             .hdr_addr = a - 0x1000};
    return 0;
}

/* The Multiboot 1 header at the start of @out: magic, checksum, address fields. */
static void check_multiboot(const unsigned char *out, size_t out_len, const struct xlate_wrap *w,
                            const struct xlate_image *im)
{
    if (out_len < 32 || le32(out) != 0x1BADB002u ||
        (uint32_t)(le32(out) + le32(out + 4) + le32(out + 8)) != 0 || !(le32(out + 4) & 0x10000))
        fail("Multiboot header", im);
    if (le32(out + 12) != w->hdr_addr || le32(out + 16) != w->hdr_addr ||
        le32(out + 20) != w->hdr_addr + out_len || le32(out + 28) != w->entry)
        fail("Multiboot address fields", im);
}

/* Wraps the image as @w says and checks what every wrapper guarantees. */
static void wrap(const uint8_t *data, size_t size, const struct xlate_image *im,
                 const struct xlate_wrap *w)
{
    unsigned char *out = NULL;
    size_t out_len = 0;

    if (qx_image_wrap(data, size, im, w, &out, &out_len))
        fail("an image the probe described does not wrap", im);
    uint64_t pad = w->addr - w->hdr_addr,
             body = im->format == XLATE_IMAGE_ELF ? im->size : (uint64_t)size;
    if (out_len != pad + body)
        fail("wrapped length", im);
    if (w->kind == XLATE_WRAP_MULTIBOOT1)
        check_multiboot(out, out_len, w, im);
    else if (memcmp(out + 56, "ARM\x64", 4) || le64(out + 8) != w->hdr_addr - QX_ARM_RAM0 ||
             le64(out + 72) != w->entry)
        fail("Image header", im);
    if (im->format != XLATE_IMAGE_ELF && memcmp(out + pad, data, size))
        fail("the body is not the file", im);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xlate_image im;
    struct xlate_wrap w;

    memset(&im, 0xa5, sizeof(im)); /* every field must be set by the probe */
    qx_image_probe(data, size, size, &im);
    if ((unsigned)im.format >= XLATE_IMAGE_COUNT)
        fail("no format", &im);
    if (!memchr(im.detail, '\0', sizeof(im.detail)))
        fail("detail is not a string", &im);
    if (im.format == XLATE_IMAGE_UNREAD)
        fail("a file that was read is 'not read'", &im);
    if (xlate_image_start(im.format, XLATE_ARCH_AARCH64, false) == XLATE_START_WRAP &&
        !plan(&im, &w))
        wrap(data, size, &im, &w);
    if (xlate_image_start(im.format, XLATE_ARCH_X86_64, true) == XLATE_START_WRAP &&
        (im.arch == QC_ARCH_X86 || im.arch == QC_ARCH_ANY) && !plan_x86(&im, &w))
        wrap(data, size, &im, &w);
    return 0;
}
